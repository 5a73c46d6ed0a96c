#!/usr/bin/env bash
# Benchmarks the Stripe clone: POST /v1/customers and GET /v1/customers?limit=100 with wrk
# (2 threads, 16 connections, loopback), printing requests/s and p99 latency for each with the
# 1-minute load average. The GET runs after the POST run, so the list returns full pages of
# 100 customers. Targets: ≥ 1,500 req/s each. DURATION (default 10s), RUNS (medians);
# BENCH_URL=http://127.0.0.1:3600 BENCH_TOKEN=sk_test_… measures a clone already running.
# (Common parts: scripts/bench-lib.sh.)
set -euo pipefail
source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 10s

for run in $(bench_runs); do
    bench_spin stripe secretKey
    form=application/x-www-form-urlencoded
    body='email=bench%40example.com&name=Bench+User&metadata%5Bsource%5D=wrk'
    bench_lua post.lua POST "Bearer $token" "$form" "$body"
    bench_lua get.lua GET "Bearer $token"
    bench_check "$api/v1/customers" -u "$token:" -d "$body"
    bench_check "$api/v1/customers?limit=100" -u "$token:"

    bench_measure "POST /v1/customers" post.lua "$api/v1/customers"
    bench_measure "GET /v1/customers?limit=100" get.lua "$api/v1/customers?limit=100"
    bench_destroy
done
bench_medians
