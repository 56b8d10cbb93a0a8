#!/usr/bin/env bash
# Holds a refactor to "changes no output": runs the daily run on the sample day (examples/data)
# and, when ../shared exists (SHARED_DIR), on the visible world, and compares what it decided and
# wrote with a reference.
#
#   compare-runs.sh record REF_DIR   run the current tree and keep its outputs in REF_DIR
#   compare-runs.sh check  REF_DIR   run the current tree and compare with REF_DIR byte for byte
#   compare-runs.sh diff   A B       compare two output folders (decisions.jsonl and notices/)
#   compare-runs.sh digest OUT       one line per world: sha256 of decisions.jsonl and of notices/
#
# `check --digests FILE` compares with digests recorded by `digest` instead of a folder (what CI
# does: the recorded digests are ip-attribution/tests/data/run-digests.txt).
# Exit 0: identical; 1: a difference (the first lines of it are shown); 2: usage or run failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
NOW=2026-11-23T00:00:00Z
SHARED_DIR="${SHARED_DIR:-$root/../shared}"
BIN="${CARGO_TARGET_DIR:-$root/target}/${PROFILE:-release}/examples/daily-run"

usage() { sed -n '2,13p' "$0" >&2; exit 2; }

build() {
  if [ "${PROFILE:-release}" = release ]; then
    cargo build --locked --quiet --release --example daily-run
  else
    cargo build --locked --quiet --example daily-run
  fi
}

# run NAME OUT: the daily run of world NAME into OUT (quiet).
run() {
  local name=$1 out=$2
  rm -rf "$out"
  case "$name" in
    sample)
      "$BIN" --snapshot examples/data/snapshot --feed examples/data/feeds/scan_rdp.csv \
        --feed examples/data/feeds/intelmq-events.jsonl --out "$out" --now "$NOW" >/dev/null 2>&1
      ;;
    visible)
      local w="$SHARED_DIR/worlds/visible" feeds=()
      for f in "$w"/feeds/*; do feeds+=(--feed "$f"); done
      "$BIN" --snapshot "$w/snapshot" "${feeds[@]}" --out "$out" --now "$NOW" >/dev/null 2>&1
      ;;
  esac
}

worlds() {
  echo sample
  if [ -n "${SHARED_DIR:-}" ] && [ -d "${SHARED_DIR}/worlds/visible" ]; then echo visible; fi
}

# same A B: decisions.jsonl and notices/ byte for byte.
same() {
  local a=$1 b=$2 rc=0
  cmp "$a/decisions.jsonl" "$b/decisions.jsonl" || rc=1
  if ! diff -r -q "$a/notices" "$b/notices" >/dev/null 2>&1; then
    diff -r -q "$a/notices" "$b/notices" | head -5 >&2 || true
    rc=1
  fi
  if [ "$rc" -ne 0 ]; then
    diff <(head -c 2000000 "$a/decisions.jsonl") <(head -c 2000000 "$b/decisions.jsonl") | head -6 >&2 || true
  fi
  return "$rc"
}

digest() {
  local out=$1 name=$2
  local d n
  d=$(sha256sum <"$out/decisions.jsonl" | cut -d' ' -f1)
  n=$( (cd "$out/notices" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) | sha256sum | cut -d' ' -f1)
  echo "$name decisions=$d notices=$n"
}

[ $# -ge 1 ] || usage
cmd=$1; shift
case "$cmd" in
  diff)
    [ $# -eq 2 ] || usage
    same "$1" "$2" && echo "identical: $1 $2"
    ;;
  digest)
    [ $# -eq 2 ] || usage
    digest "$1" "$2"
    ;;
  record|check)
    [ $# -ge 1 ] || usage
    build
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    status=0
    if [ "$1" = --digests ]; then
      file=$2
      for w in $(worlds); do
        run "$w" "$tmp/$w"
        got=$(digest "$tmp/$w" "$w")
        if [ "$cmd" = record ]; then
          grep -v "^$w " "$file" 2>/dev/null >"$tmp/d" || true
          echo "$got" >>"$tmp/d"
          LC_ALL=C sort "$tmp/d" >"$file"
        elif ! grep -qxF "$got" "$file"; then
          echo "$w: output differs from the recorded digests ($file)" >&2
          echo "  now:      $got" >&2
          echo "  recorded: $(grep "^$w " "$file" || echo none)" >&2
          status=1
        else
          echo "$w: identical"
        fi
      done
    else
      ref=$1
      for w in $(worlds); do
        if [ "$cmd" = record ]; then
          run "$w" "$ref/$w"
          echo "$w: recorded in $ref/$w"
        else
          run "$w" "$tmp/$w"
          if same "$ref/$w" "$tmp/$w"; then echo "$w: identical"; else echo "$w: DIFFERS" >&2; status=1; fi
        fi
      done
    fi
    exit "$status"
    ;;
  *) usage ;;
esac
