#!/usr/bin/env bash
# Suite cost of asym: 200 tests that each post and read back a Slack message, under
# `cargo nextest run -j 4`, three ways: pooled asym clones reset before every test (warm pool),
# one never-reset clone (no isolation: the floor; a new one per round, so its history grows
# from the seed as in a single run), and a fresh clone per test (the testcontainers pattern).
# Pooled and never-reset alternate for $ROUNDS rounds (default 5); medians are printed with
# each round, because a 2-core machine's noise is larger than the effect. Needs Docker and the
# images (scripts/ensure-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
threads=${THREADS:-4}
rounds=${ROUNDS:-5}
log=$(mktemp)
run() {
  if ! cargo nextest run --cargo-quiet -p suite-bench --run-ignored only -j "$threads" -E "test(/^$1_/)" >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "bench-suite: the $1 tests failed" >&2
    exit 1
  fi
}
time_of() { local t0=$(date +%s.%N); run "$1"; echo "$(date +%s.%N) - $t0" | bc; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)[0]$1)"; }

asym() { cargo run -q -p asym-cli -- "$@"; }
cargo nextest run -p suite-bench --no-run --cargo-quiet
# Measure the images built last: pin them (the lock is this machine's, not committed).
rm -f examples/suite-bench/asym.lock
export ASYM_POOL_MAX=$threads
run pooled # spins the pool
pooled=() shared=() ratios=()
for round in $(seq "$rounds"); do
  spun=$(asym spin slack --seed basic --json)
  id=$(echo "$spun" | field '["id"]')
  export SUITE_SLACK_API=$(echo "$spun" | field '["endpoints"]["api"]')
  export SUITE_SLACK_BOT=$(echo "$spun" | field '["tokens"]["bot"]')
  p=$(time_of pooled)
  s=$(time_of shared)
  asym destroy "$id" >/dev/null
  pooled+=("$p") shared+=("$s") ratios+=("$(echo "$p / $s" | bc -l)")
  printf 'round %s: pooled %.2f s, never-reset %.2f s, ratio %.2f, load %s\n' \
    "$round" "$p" "$s" "${ratios[-1]}" "$(cut -d' ' -f1 /proc/loadavg)"
done

fresh=$(time_of fresh)

printf '200 tests, nextest -j %s, %s cores, %s rounds (medians)\n' "$threads" "$(nproc)" "$rounds"
printf '  %-44s %7.2f s\n' "asym pooled clones, reset per test (warm)" "$(median "${pooled[@]}")"
printf '  %-44s %7.2f s\n' "one shared clone, never reset (floor)" "$(median "${shared[@]}")"
printf '  %-44s %7.2f s\n' "fresh clone per test (testcontainers)" "$fresh"
printf '  asym / never-reset = %.2fx (median of per-round ratios; min %.2f, max %.2f)\n' \
  "$(median "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)" \
  "$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)"
