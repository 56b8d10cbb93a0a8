#!/usr/bin/env bash
# Evidence parsers over the shared world and corpus: every RDAP file, the rdns.jsonl file and every
# certificate must parse (no panic, no unexpected failure), and each kind must actually be read.
set -euo pipefail
: "${SHARED_DIR:?set SHARED_DIR to the shared folder}"
snapshot="$SHARED_DIR/worlds/visible/snapshot"
args=(--snapshot "$snapshot" --now 2026-11-23T00:00:00Z)
for f in "$SHARED_DIR"/corpus/attribution/rdap-*.json; do
  args+=(--rdap "$f")
done
out=$(mktemp)
trap 'rm -f "$out"' EXIT
cargo build --locked --quiet --workspace --all-features --example evidence-check
target/debug/examples/evidence-check "${args[@]}" >"$out"
grep -E '^(rdap|rdns|certs|trust):' "$out"
n_rdap=$(ls "$snapshot"/rdap/*.json "$SHARED_DIR"/corpus/attribution/rdap-*.json | wc -l)
n_certs=$(ls "$snapshot"/certs/*.pem | wc -l)
grep -q "^rdap: $n_rdap files" "$out" || { echo "evidence: expected $n_rdap RDAP files read"; exit 1; }
grep -q "^certs: $n_certs files" "$out" || { echo "evidence: expected $n_certs certificate files read"; exit 1; }
grep -q '^rdns: .* 0 problems' "$out" || { echo "evidence: rdns.jsonl had problems"; exit 1; }
grep -q '^evidence-check: OK' "$out"
echo "evidence: OK"
