#!/usr/bin/env bash
# securitytxt: lint the real-world security.txt corpus ($SHARED_DIR/corpus/securitytxt/real, files
# of unknown licence, so they stay outside the repo) and compare the verdicts with the reviewed ones
# checked in as securitytxt/tests/golden/real-corpus.jsonl. Fails on any difference, and when the
# linter crashes or reports a usage/I-O error (exit status 2 or more; 0 and 1 are verdicts).
# To accept new verdicts after reviewing them: UPDATE_GOLDEN=1 bash .ci/shared/securitytxt.sh
set -euo pipefail
: "${SHARED_DIR:?set SHARED_DIR to the shared folder}"
root=$(pwd)
corpus="$SHARED_DIR/corpus/securitytxt/real"
expected="$root/securitytxt/tests/golden/real-corpus.jsonl"
actual=$(mktemp)
trap 'rm -f "$actual"' EXIT

cargo build --locked --quiet --workspace --all-features --example sectxt-lint
bin="${CARGO_TARGET_DIR:-$root/target}/debug/examples/sectxt-lint"

cd "$corpus"
export LC_ALL=C
files=(*.txt)
status=0
"$bin" --json --now 2026-11-23T00:00:00Z "${files[@]}" >"$actual" || status=$?
if [ "$status" -ge 2 ]; then
  echo "securitytxt: sectxt-lint exited with status $status over the real corpus" >&2
  exit 1
fi
lines=$(wc -l <"$actual")
if [ "$lines" -ne "${#files[@]}" ]; then
  echo "securitytxt: ${#files[@]} files but $lines verdicts" >&2
  exit 1
fi
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$actual" "$expected"
  echo "securitytxt: wrote $expected"
  exit 0
fi
if ! diff -u "$expected" "$actual"; then
  echo "securitytxt: verdicts over the real corpus differ from $expected (review, then UPDATE_GOLDEN=1)" >&2
  exit 1
fi
echo "securitytxt: ${#files[@]} real-world files, verdicts as reviewed"
