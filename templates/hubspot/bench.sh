#!/usr/bin/env bash
# Load from loopback against a fresh HubSpot clone (seed basic), 16 connections, 2 threads,
# $DURATION each (default 5s):
#   - contact create (POST /crm/v3/objects/contacts, a unique email per request);
#   - search over 10,000 contacts with two filters and a sort (lifecyclestage EQ lead AND
#     createdate GTE …, sorted by createdate descending, limit 10);
#   - batch create of 100 contacts (POST /crm/v3/objects/contacts/batch/create);
# then the reset: the 10,000 contacts are made the baseline (`asym seed`), and each of
# $RESETS resets (default 20) follows one contact create; it prints the p50 and p90 of
# `asym reset` wall time (the CLI process included; the engine's reset alone, and how it
# scales with what a test wrote: `cargo bench -p hubspot-backend --bench reset`). Prints
# requests/s, p99 and the 1-minute load average for each, then destroys the clone; RUNS=3
# repeats it on a fresh clone each time and prints the medians. (Common parts:
# scripts/bench-lib.sh.)
set -euo pipefail

source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 5s
resets=${RESETS:-20}
# One run on a fresh clone; RUNS repeats it and prints the medians.
one_run() {
bench_spin hubspot token
auth="Authorization: Bearer $token"

# A POST whose request function numbers its bodies: `tag` is unique per thread and run, `n`
# counts the thread's requests (emails must not repeat).
numbered_posts() {
    bench_lua "$1" POST "Bearer $token" application/json - <<LUA
local n = 0
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("tid", threads)
end
function init(args)
    tag = tostring(tid) .. "x" .. tostring(os.time())
end
LUA
    cat >> "$scratch/$1"
}

numbered_posts create.lua <<'LUA'
request = function()
    n = n + 1
    local body = '{"properties":{"email":"w' .. tag .. '-' .. n .. '@bench.example","firstname":"Bench","lastname":"Mark","lifecyclestage":"lead"}}'
    return wrk.format(nil, nil, nil, body)
end
LUA
bench_check -X POST "$api/crm/v3/objects/contacts" -H "$auth" -H 'Content-Type: application/json' \
    -d '{"properties":{"email":"warmup@bench.example","firstname":"Warm"}}'
bench_measure "contact create" create.lua "$api/crm/v3/objects/contacts"

# 10,000 contacts (a quarter of them leads, a minute apart) become the baseline.
asym reset "$id" >/dev/null
asym seed "$id" --file "$root/templates/hubspot/backend/benches/contacts.sql" >/dev/null
search='{"filterGroups":[{"filters":[{"propertyName":"lifecyclestage","operator":"EQ","value":"lead"},{"propertyName":"createdate","operator":"GTE","value":"1704240000000"}]}],"sorts":[{"propertyName":"createdate","direction":"DESCENDING"}],"properties":["email","lifecyclestage"],"limit":10}'
bench_lua search.lua POST "Bearer $token" application/json "$search"
bench_check -X POST "$api/crm/v3/objects/contacts/search" -H "$auth" -H 'Content-Type: application/json' -d "$search"
total=$(python3 -c "import json; print(json.load(open('$scratch/check'))['total'])")
bench_measure "search (2 filters + sort, $total hits)" search.lua "$api/crm/v3/objects/contacts/search"

numbered_posts batch.lua <<'LUA'
request = function()
    n = n + 1
    local inputs = {}
    for i = 1, 100 do
        inputs[i] = '{"properties":{"email":"b' .. tag .. '-' .. n .. '-' .. i .. '@bench.example","firstname":"Batch"}}'
    end
    return wrk.format(nil, nil, nil, '{"inputs":[' .. table.concat(inputs, ",") .. ']}')
end
LUA
bench_measure "batch create (100 contacts)" batch.lua "$api/crm/v3/objects/contacts/batch/create"

# Reset with the 10,000 contacts in the baseline: one write, then a timed reset.
asym reset "$id" >/dev/null
bin="$root/target/debug/asym"
for _ in $(seq 1 "$resets"); do
    curl -s -o /dev/null -X POST "$api/crm/v3/objects/contacts" -H "$auth" \
        -H 'Content-Type: application/json' -d '{"properties":{"firstname":"Dirty"}}'
    start=$(date +%s%N)
    "$bin" reset "$id" >/dev/null
    echo $(( ($(date +%s%N) - start) / 1000 ))
done | sort -n > "$scratch/resets"
python3 - "$scratch/resets" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import sys
times = [int(line) / 1000 for line in open(sys.argv[1]) if line.strip()]
p50 = times[len(times) // 2]
p90 = times[int(len(times) * 0.9) - 1]
print(f"{'reset (10,000 contacts, CLI)':<34} p50 {p50:6.1f}ms   p90 {p90:6.1f}ms   load {sys.argv[2]:>5}")
PY
}

for run in $(bench_runs); do
    one_run
    bench_destroy
done
bench_medians
