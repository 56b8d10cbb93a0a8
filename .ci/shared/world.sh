#!/usr/bin/env bash
# The daily run over the visible world, exactly as its README shows (feeds in sorted file-name
# order), into a temporary output folder; then the world's own scorer must give at least 99 %
# (outcome and recipients[0] per finding) with one decision per finding.
set -euo pipefail
: "${SHARED_DIR:?set SHARED_DIR to the shared folder}"
root=$(pwd)
world="$SHARED_DIR/worlds/visible"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --locked --quiet --workspace --all-features --example daily-run
feeds=()
for f in "$world"/feeds/*; do
  feeds+=(--feed "feeds/$(basename "$f")")
done
(cd "$world" && "$root/target/debug/examples/daily-run" --snapshot snapshot "${feeds[@]}" \
  --out "$out" --now 2026-11-23T00:00:00Z 2>"$out.log") \
  || { tail -n 40 "$out.log"; rm -f "$out.log"; echo "world: daily-run failed"; exit 1; }
rm -f "$out.log"
python3 "$SHARED_DIR/worlds/score.py" "$world" "$out" --min 0.99
echo "world: OK"
