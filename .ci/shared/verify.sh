#!/usr/bin/env bash
# securitytxt::verify against the shared world: every signed security.txt in the snapshot must
# verify with the world's signer key (worlds/visible/keys/securitytxt-signer.asc); every signed
# file of the real corpus must frame as gpg reads it (unknown key, templates aside).
set -euo pipefail
: "${SHARED_DIR:?}"
cargo build --locked --quiet --workspace --all-features --example verify-check
out=$(target/debug/examples/verify-check "$SHARED_DIR" 2>&1) \
  || { echo "$out"; exit 1; }
for expect in 'shared world signatures: [1-9][0-9]* valid' 'real corpus signatures: [1-9][0-9]* signed'; do
  echo "$out" | grep -E "$expect" \
    || { echo "$out"; echo "verify.sh: a check did not run ($expect)"; exit 1; }
done
