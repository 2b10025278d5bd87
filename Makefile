# SchedCore — two commands: `make run` and `make test`.
# Both install the system packages SchedCore links against (hwloc, libnuma)
# when they are missing, non-interactively, with sudo only when not root.

SWIFT ?= swift
APT_PACKAGES := pkg-config libhwloc-dev libnuma-dev hwloc
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo -n)
SCHEDCTL := .build/release/schedctl

.PHONY: run test deps build release bench docs clean

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 \
	   || ! pkg-config --exists hwloc numa \
	   || ! command -v hwloc-calc >/dev/null 2>&1; then \
	  echo "make: installing $(APT_PACKAGES)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) </dev/null; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product schedctl

run: release
	$(SCHEDCTL) simulate

test: deps
	$(SWIFT) test

bench: release
	$(SCHEDCTL) bench
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

clean:
	rm -rf .build Benchmarks/.build
