#!/usr/bin/env bash
# One long libFuzzer campaign for one target, in the background-friendly way FUZZING.md's
# "One-hour campaigns" were run: the built fuzzer binary directly (no cargo lock shared between
# two campaigns), nice 19 and scheduler autogroup nice 19 (other work on the machine goes
# first), the local corpus (fuzz/corpus, kept between runs, not committed), the committed
# seeds, the ../shared seed folders when present, the
# dictionary, and a log in target/fuzz-<target>-<seconds>s.log at the repo root that ends with
# the CPU time the fuzzer used.
#
# usage: fuzz/campaign.sh TARGET [SECONDS]      (run `cargo fuzz build --sanitizer none` first)
set -euo pipefail
t=${1:?usage: fuzz/campaign.sh TARGET [SECONDS]}
secs=${2:-3600}
cd "$(dirname "$0")"
bin=target/x86_64-unknown-linux-gnu/release/$t
[ -x "$bin" ] || { echo "no $bin: run 'cargo fuzz build --sanitizer none' in fuzz/ first" >&2; exit 2; }
shared=""
[ -d ../../shared ] && shared="$(cd ../../shared && pwd)"
dirs=("corpus/$t")
[ -d "seeds/$t" ] && dirs+=("seeds/$t")
case "$t" in
  securitytxt_parse | securitytxt_verify) extra="corpus/securitytxt worlds/visible/snapshot/securitytxt" ;;
  rpsl) extra="worlds/visible/snapshot/registry" ;;
  whois_port43) extra="corpus/attribution worlds/visible/snapshot/registry" ;;
  rdap) extra="corpus/attribution worlds/visible/snapshot/rdap" ;;
  cert_pem) extra="worlds/visible/snapshot/certs worlds/visible/snapshot/trust" ;;
  shadowserver_csv) extra="corpus/feeds" ;;
  *) extra="" ;;
esac
if [ -n "$shared" ]; then
  for d in $extra; do [ -d "$shared/$d" ] && dirs+=("$shared/$d"); done
fi
opts=(-max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)
[ -f "dicts/$t.dict" ] && opts+=(-dict="dicts/$t.dict")
mkdir -p "corpus/$t" "artifacts/$t" ../target
log=../target/fuzz-$t-${secs}s.log
echo "start $(date -u +%FT%TZ) $t ${dirs[*]} ${opts[*]}" >"$log"
# Linux: let everything else on the machine go first (nice alone does not act across sessions).
echo 19 >/proc/self/autogroup 2>/dev/null || true
status=0
( ulimit -v 8000000
  exec nice -n 19 "$bin" -artifact_prefix="artifacts/$t/" "${opts[@]}" "${dirs[@]}" ) >>"$log" 2>&1 || status=$?
echo "exit $status $(date -u +%FT%TZ)" >>"$log"
# CPU time the fuzzer used (user and system), as the shell's `times` reports for its children:
# with more campaigns than cores this is what the campaign really got.
echo "cpu (user, system): the script's, then the fuzzer's" >>"$log"
times >>"$log"
grep -E 'INITED|DONE|stat::number_of_executed_units' "$log" || true
tail -n 3 "$log"
exit "$status"
