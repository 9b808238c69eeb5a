#!/usr/bin/env bash
# The HTML report in a real browser: a demo history, `report html` on it (with the demo's "now"), then headless
# Chromium checks every chart and table (scripts/html_check.py) and saves a screenshot to $ARTIFACTS (default
# .build/test-artifacts/report.png).
# Usage: scripts/browser-check.sh SORATRACK_BINARY PYTHON
# Chromium comes from Debian's `chromium` package, installed when missing; where it cannot be installed the check is
# skipped with one line saying so (exit 0).
set -euo pipefail
binary=$1
python=$2
here=$(cd "$(dirname "$0")" && pwd)
artifacts=${ARTIFACTS:-.build/test-artifacts}
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "==> installing chromium (Debian's package) for the browser check"
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo=$(command -v sudo || true)
    if $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null; then
        chromium=$(command -v chromium || true)
    fi
fi
if [ -z "$chromium" ]; then
    echo "browser check skipped: chromium is not installed and could not be installed with apt-get (install it and run make test again)"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/demo.sqlite
"$binary" demo --db "$db" --jobs 40 --quiet >"$work/demo.out"
page=$work/page.html
"$binary" report html --db "$db" --output "$page" --now "$(sed -n 's/.*--now \([0-9]*\).*/\1/p' "$work/demo.out" | head -n 1)" >/dev/null
mkdir -p "$artifacts"
"$python" "$here/html_check.py" --soratrack "$binary" --chromium "$chromium" --db "$db" --page "$page" \
    --screenshot "$artifacts/report.png"
