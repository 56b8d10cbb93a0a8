#!/usr/bin/env bash
# Registry parsing over the shared world and corpus: every file of the visible world's
# snapshot/registry and every saved WHOIS answer of corpus/attribution must load without a panic
# and without an unusable object; the corpus's other .txt files (RIPE templates and docs, which
# are not RPSL) must load without a panic.
set -euo pipefail
: "${SHARED_DIR:?set SHARED_DIR}"
cargo build --locked --quiet --workspace --all-features --example registry-check
bin=target/debug/examples/registry-check
"$bin" "$SHARED_DIR/worlds/visible/snapshot/registry" "$SHARED_DIR"/corpus/attribution/whois-*.txt
others=()
for f in "$SHARED_DIR"/corpus/attribution/*.txt; do
  case "$(basename "$f")" in whois-*) ;; *) others+=("$f") ;; esac
done
if [ "${#others[@]}" -gt 0 ]; then
  # Not registry data: errors are expected, a panic (exit 101) is not.
  set +e
  "$bin" --max-errors 1000000 "${others[@]}" >/dev/null
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { echo "registry-check failed on non-RPSL corpus files (exit $rc)"; exit 1; }
fi
echo "registry: world and corpus registry files load cleanly"
