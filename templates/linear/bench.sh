#!/usr/bin/env bash
# Load from loopback against a fresh Linear clone: issueCreate, then issues(first: 50) with
# @linear/sdk's own `issues` document (its full IssueConnection selection) once the create
# run has left thousands of issues; 16 connections, 2 threads, $DURATION each (default 10s).
# Prints requests/s and p99 latency for each with the 1-minute load average, then destroys
# the clone. RUNS=3 repeats on a fresh clone each time and prints the medians. (Common
# parts: scripts/bench-lib.sh.)
set -euo pipefail

source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 10s
here=$(cd "$(dirname "$0")" && pwd)
deps="$here/sdk/.deps"
if [ ! -d "$deps/node_modules/@linear/sdk" ]; then
    mkdir -p "$deps" && (cd "$deps" && npm install --silent --no-audit --no-fund --prefix "$deps" @linear/sdk >/dev/null)
fi

# The request bodies: issueCreate, and the SDK's `issues` query (read from its bundle).
python3 - "$deps/node_modules/@linear/sdk/dist/index.mjs" "$scratch" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
issues = re.search(r'const IssuesDocument = new TypedDocumentString\(`(.*?)`', src, re.S).group(1)
create = ('mutation($input: IssueCreateInput!) { issueCreate(input: $input) { success lastSyncId '
          'issue { id identifier title priority state { id } } } }')
bodies = {
    "create": {"query": create, "variables": {"input": {
        "teamId": "c0000000-0000-4000-8000-000000000001", "title": "Benchmark issue",
        "description": "Created under load", "priority": 3}}},
    "list": {"query": issues, "variables": {"first": 50}},
}
for name, body in bodies.items():
    open(f"{sys.argv[2]}/{name}.json", "w").write(json.dumps(body))
PY

BENCH_OK_BODY='{"data":{"issue'

for run in $(bench_runs); do
    bench_spin linear apiKey
    for name in create list; do
        bench_lua "$name.lua" POST "$token" application/json - <<LUA
local f = io.open("$scratch/$name.json", "r")
wrk.body = f:read("*a")
f:close()
LUA
        bench_check "$api" -H "Authorization: $token" -H "Content-Type: application/json" \
            --data-binary "@$scratch/$name.json"
    done

    bench_measure "issueCreate" create.lua "$api"
    count=$(asym query "$id" "select count(*) from issues" | sed -n 2p | tr -d ' ')
    if [ "${count:-0}" -lt 1000 ]; then echo "only $count issues: the list needs 1,000" >&2; exit 1; fi
    bench_measure "issues(first: 50) ($count issues)" list.lua "$api"
    bench_destroy
done
bench_medians

