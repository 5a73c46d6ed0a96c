#!/usr/bin/env bash
# Suite cost of asym: 200 tests that each post and read back a Slack message, under
# `cargo nextest run -j 4`, three ways: pooled asym clones reset before every test (second run,
# warm pool), one never-reset clone (no isolation: the floor), and a fresh clone per test
# (the testcontainers pattern). Needs Docker and the images (scripts/ensure-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# Pinned like a user's crate (asym.lock beside Cargo.toml, written by the first run).
threads=${THREADS:-4}
log=$(mktemp)
run() {
  if ! cargo nextest run --cargo-quiet -p suite-bench --run-ignored only -j "$threads" -E "test(/^$1_/)" >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "bench-suite: the $1 tests failed" >&2
    exit 1
  fi
}
time_of() { local t0=$(date +%s.%N); run "$1"; echo "$(date +%s.%N) - $t0" | bc; }

asym() { cargo run -q -p asym-cli -- "$@"; }
cargo nextest run -p suite-bench --no-run --cargo-quiet
# Measure the images built last: pin them (the lock is this machine's, not committed).
rm -f examples/suite-bench/asym.lock
ASYM_POOL_MAX=$threads run pooled          # first run: spins the pool
pooled=$(ASYM_POOL_MAX=$threads time_of pooled)

spun=$(asym spin slack --seed basic --json)
id=$(echo "$spun" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
export SUITE_SLACK_API=$(echo "$spun" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["endpoints"]["api"])')
export SUITE_SLACK_BOT=$(echo "$spun" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["tokens"]["bot"])')
shared=$(time_of shared)
asym destroy "$id" >/dev/null

fresh=$(time_of fresh)

printf '200 tests, nextest -j %s, %s cores\n' "$threads" "$(nproc)"
printf '  %-44s %7.2f s\n' "asym pooled clones, reset per test (warm)" "$pooled"
printf '  %-44s %7.2f s\n' "one shared clone, never reset (floor)" "$shared"
printf '  %-44s %7.2f s\n' "fresh clone per test (testcontainers)" "$fresh"
printf '  asym / never-reset = %.2fx\n' "$(echo "$pooled / $shared" | bc -l)"
