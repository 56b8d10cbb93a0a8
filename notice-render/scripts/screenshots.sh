#!/usr/bin/env bash
# Screenshots of the HTML part of both notice kinds in both languages, as a mail client that
# shows HTML would: headless Chromium renders each golden HTML file of tests/golden-kinds/
# (regenerate those first with `UPDATE_GOLDEN=1 cargo test -p notice-render --test golden`)
# into docs/screenshots/<kind>.<lang>.png, 900 x 1400 pixels (the top of the notice: greeting,
# who sent it, the ask, the customer or the first problem).
#
#   apt-get install -y chromium      # the Debian package
#   bash notice-render/scripts/screenshots.sh
#
# Each run uses a fresh, temporary browser profile and no network: the notices hold no remote
# content (inline styles only), and the browser's background services are switched off.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
browser="${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
if [ -z "$browser" ]; then
  echo "screenshots.sh: chromium not found (apt-get install -y chromium)" >&2
  exit 2
fi
out="$here/docs/screenshots"
mkdir -p "$out"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
for kind in business abuse-desk; do
  for lang in nl en; do
    html="$here/tests/golden-kinds/$kind.$lang.html"
    png="$out/$kind.$lang.png"
    "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --disable-sync --no-first-run \
      --user-data-dir="$profile" --hide-scrollbars \
      --screenshot="$png" --window-size=900,1400 "file://$html" >/dev/null 2>&1
    test -s "$png" || { echo "screenshots.sh: no screenshot for $html" >&2; exit 1; }
    echo "$png"
  done
done
