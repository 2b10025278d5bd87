#!/usr/bin/env bash
# Render check for schedctl HTML reports (simulate --report, experiment openb --report).
#
#   scripts/check-report.sh REPORT.html [SCREENSHOT.png]
#
# Loads the report in headless Chromium (chromium-headless-shell, or $CHROMIUM),
# dumps the DOM Chromium built from it and checks that every chart the report
# kind must have is there as <svg class="chart" id="chart-..."> holding a
# <path class="series"> with at least two points, that the report's tables
# have rows, and that the page has no script and no external reference.
# With SCREENSHOT.png it also writes a 1400x3000 screenshot.
#
# Exit status: 0 all checks passed, 1 a check failed, 2 bad arguments or no browser.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 REPORT.html [SCREENSHOT.png]" >&2
  exit 2
fi
report=$1
shot=${2:-}
browser=${CHROMIUM:-chromium-headless-shell}

if [ ! -f "$report" ]; then
  echo "check-report: $report: no such file" >&2
  exit 2
fi
if ! command -v "$browser" >/dev/null 2>&1; then
  echo "check-report: $browser not found (Debian/Ubuntu: apt-get install chromium-headless-shell)" >&2
  exit 2
fi

abs="$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
url="file://$(printf '%s' "$abs" | sed 's/%/%25/g; s/ /%20/g; s/#/%23/g; s/?/%3F/g')"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --allow-file-access-from-files)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! timeout 120 "$browser" "${flags[@]}" --dump-dom "$url" >"$tmp/dom.html" 2>"$tmp/stderr"; then
  echo "check-report: $browser failed to load $url" >&2
  tail -n 20 "$tmp/stderr" >&2
  exit 1
fi
# One line, so a chart's markup can be cut out with grep/sed.
tr '\n' ' ' <"$tmp/dom.html" >"$tmp/flat.html"

kind=$(grep -o '<meta name="schedctl-report" content="[^"]*"' "$tmp/flat.html" | head -n 1 | sed 's/.*content="//; s/"$//' || true)
case "$kind" in
  simulate)
    charts="chart-util-kind chart-util-site chart-queue chart-wait-cdf chart-fragmentation"
    tables="table-sites table-settlement" ;;
  experiment-openb)
    charts="chart-allocation chart-fragmentation"
    tables="table-load table-runs" ;;
  *)
    echo "check-report: $report: not a schedctl report (no <meta name=\"schedctl-report\">) or the DOM is empty" >&2
    exit 1 ;;
esac

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

for id in $charts; do
  # The <svg ...id="$id"...> element up to its closing tag (charts do not nest <svg>).
  block=$(grep -o "<svg [^>]*id=\"$id\"[^>]*>.*" "$tmp/flat.html" | head -n 1 | sed 's|</svg>.*||' || true)
  if [ -z "$block" ]; then
    fail "$id: no <svg id=\"$id\">"
    continue
  fi
  if ! printf '%s' "$block" | head -c 400 | grep -q '^<svg [^>]*class="chart[ "]'; then
    fail "$id: the <svg> lacks class=\"chart\""
  fi
  # A series path with a move and at least one more point (L, H or V).
  if ! printf '%s' "$block" | grep -Eq '<path class="series[^"]*"[^>]* d="M[0-9.]+ [0-9.]+[LHV][0-9.]'; then
    fail "$id: no <path class=\"series\"> with data"
  else
    n=$(printf '%s' "$block" | grep -Eo '<path class="series[^"]*"[^>]* d="M[0-9.]+ [0-9.]+[LHV][0-9.]' | wc -l)
    echo "ok:   $id ($n series with data)"
  fi
done

for id in $tables; do
  rows=$(grep -o "<table id=\"$id\">.*" "$tmp/flat.html" | head -n 1 | sed 's|</table>.*||' | grep -o '<tr>' | wc -l || true)
  if [ "${rows:-0}" -lt 2 ]; then
    fail "$id: missing or without rows"
  else
    echo "ok:   $id ($((rows - 1)) rows)"
  fi
done

if grep -qi '<script' "$tmp/flat.html"; then fail "the page contains a <script>"; fi
if grep -Eqi '(src|href)="(https?:)?//|url\((https?:)?//|https?://' "$tmp/flat.html"; then
  fail "the page references an external resource or URL"
fi

if [ -n "$shot" ]; then
  mkdir -p "$(dirname "$shot")"
  shot_abs="$(cd "$(dirname "$shot")" && pwd)/$(basename "$shot")"
  if timeout 120 "$browser" "${flags[@]}" --window-size=1400,3000 --screenshot="$shot_abs" "$url" \
       >/dev/null 2>"$tmp/stderr" && [ -s "$shot_abs" ]; then
    echo "ok:   screenshot $shot"
  else
    fail "no screenshot written to $shot"
    tail -n 20 "$tmp/stderr"
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "check-report: $report: $failures check(s) failed"
  exit 1
fi
echo "check-report: OK: $report ($kind) renders every chart with data"
