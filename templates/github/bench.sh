#!/usr/bin/env bash
# Load from loopback against a fresh GitHub clone: POST /repos/acme/hello-world/issues, then
# GET /repos/acme/hello-world/issues?per_page=100 with at least 1,000 issues present
# (the POST phase makes them; topped up if it made fewer), 16 connections, 2 threads,
# $DURATION each (default 10s). Prints requests/s and p99 latency for each, with the 1-minute
# load average when each measurement ended, then destroys the clone. RUNS=3 repeats the
# whole thing on a fresh clone each time and prints the medians. (Common parts:
# scripts/bench-lib.sh.)
set -euo pipefail
source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 10s

for run in $(bench_runs); do
    bench_spin github token
    auth=(-H "Authorization: Bearer $token")
    bench_lua post.lua POST "Bearer $token" application/json \
        '{"title":"Benchmark issue","body":"Something is off with **rendering** in the dashboard."}'
    bench_lua get.lua GET "Bearer $token"
    issues="$api/repos/acme/hello-world/issues"
    bench_check "$issues" "${auth[@]}" -H "Content-Type: application/json" -d '{"title":"warm-up"}'

    bench_measure "POST /repos/{o}/{r}/issues" post.lua "$issues"
    count=$(curl -s "${auth[@]}" "$api/search/issues?q=repo:acme/hello-world&per_page=1" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["total_count"])')
    while [ "$count" -lt 1000 ]; do
        curl -s -o /dev/null "${auth[@]}" -d '{"title":"top-up"}' "$issues"
        count=$((count + 1))
    done
    bench_check "$issues?per_page=100" "${auth[@]}"
    bench_measure "GET issues?per_page=100 ($count)" get.lua "$issues?per_page=100"
    bench_destroy
done
bench_medians
