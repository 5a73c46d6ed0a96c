#!/usr/bin/env bash
# Load from loopback against a fresh Slack clone: chat.postMessage and
# conversations.history (limit 100), 16 connections, 2 threads, $DURATION each (default 10s).
# Prints requests/s and p99 latency for each, with the 1-minute load average when each
# measurement ended, then destroys the clone. RUNS=3 repeats the whole thing on a fresh clone
# each time and prints the medians. (Common parts: scripts/bench-lib.sh.)
set -euo pipefail
source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 10s
BENCH_OK_BODY='{"ok":true'

for run in $(bench_runs); do
    bench_spin slack bot
    bench_lua post.lua POST "Bearer $token" "application/json; charset=utf-8" \
        '{"channel":"C0000000001","text":"benchmark message with a little *mrkdwn* in it"}'
    bench_lua get.lua GET "Bearer $token"
    post="$api/chat.postMessage"
    history="$api/conversations.history?channel=C0000000001&limit=100"
    bench_check "$post" -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
        -d '{"channel":"C0000000001","text":"benchmark warm-up"}'
    bench_check "$history" -H "Authorization: Bearer $token"

    bench_measure "chat.postMessage" post.lua "$post"
    # History over a channel that now holds thousands of messages: the newest 100.
    bench_measure "conversations.history (100)" get.lua "$history"
    bench_destroy
done
bench_medians
