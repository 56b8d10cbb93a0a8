#!/usr/bin/env bash
# notice-render over the shared Shadowserver-style sample feeds: every row of
# every feed (including the hostile row 3 of scan_rdp.csv) becomes a finding,
# is accounted for, and renders inert in text, HTML, CSV, XARF and MIME.
set -euo pipefail
: "${SHARED_DIR:?set SHARED_DIR to the shared folder}"
SHARED_DIR="$SHARED_DIR" cargo test --locked --workspace --all-features --test feeds -- --nocapture
