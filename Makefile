# SchedCore — two commands: `make run` and `make test`.
# Both install the system packages SchedCore links against (hwloc, libnuma)
# when they are missing, non-interactively, with sudo only when not root.
# `make test` also installs chromium-headless-shell (the HTML report render
# test uses it; without it that test says it was skipped).
# `make report-check` renders a simulate HTML report in headless Chromium
# (installing chromium-headless-shell the same way when it is missing).

SWIFT ?= swift
APT_PACKAGES := pkg-config libhwloc-dev libnuma-dev hwloc
SUDO := $(shell [ "$$(id -u)" = "0" ] || echo sudo -n)
SCHEDCTL := .build/release/schedctl
CHROMIUM_PACKAGE := chromium-headless-shell
REPORT := .build/report.html

.PHONY: run test deps chromium-deps build release bench report-check docs clean

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 \
	   || ! pkg-config --exists hwloc numa \
	   || ! command -v hwloc-calc >/dev/null 2>&1; then \
	  echo "make: installing $(APT_PACKAGES)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) </dev/null; \
	fi

chromium-deps:
	@if ! command -v chromium-headless-shell >/dev/null 2>&1; then \
	  echo "make: installing $(CHROMIUM_PACKAGE)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends $(CHROMIUM_PACKAGE) </dev/null \
	    || echo "make: WARNING: could not install $(CHROMIUM_PACKAGE); the HTML render test will report itself skipped"; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product schedctl

run: release
	$(SCHEDCTL) simulate

test: deps chromium-deps
	$(SWIFT) test

bench: release
	$(SCHEDCTL) bench
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

report-check: release chromium-deps
	$(SCHEDCTL) simulate --jobs 2000 --report $(REPORT) >/dev/null
	scripts/check-report.sh $(REPORT) $(REPORT:.html=.png)

clean:
	rm -rf .build Benchmarks/.build
