#!/usr/bin/env bash
# securitytxt::verify against the shared world: every signed security.txt in the snapshot must
# verify with the world's signer key (worlds/visible/keys/securitytxt-signer.asc).
set -euo pipefail
: "${SHARED_DIR:?}"
out=$(SHARED_DIR="$SHARED_DIR" cargo test --locked -q -p securitytxt --test verify_shared -- --nocapture 2>&1) \
  || { echo "$out"; exit 1; }
echo "$out" | grep -E '^shared world signatures: [1-9][0-9]* valid' \
  || { echo "$out"; echo "verify.sh: the check did not run"; exit 1; }
