#!/usr/bin/env bash
# Load from loopback against a fresh Notion clone (seed basic), 16 connections, 2 threads,
# $DURATION each (default 10s):
#   1. a data-source query with a compound filter (and + nested or) and a sort over 1,000
#      pages (created through the API first: $PAGES, default 1000), $PAGE_SIZE results per
#      page (default 100, Notion's default);
#   2. pages.create in the Tasks data source (bodies cycle through statuses, priorities, tags).
# Prints requests/s and p99 for each with the 1-minute load average, then destroys the clone;
# RUNS=3 repeats it on a fresh clone each time and prints the medians.
# (Common parts: scripts/bench-lib.sh.)
set -euo pipefail

source "$(dirname "$0")/../../scripts/bench-lib.sh"
bench_init 10s
page_size=${PAGE_SIZE:-100}
pages=${PAGES:-1000}
# One run on a fresh clone; RUNS repeats it and prints the medians.
one_run() {
bench_spin notion token
tasks=30000000-0000-4000-8000-000000000001

bench_lua create.lua POST "Bearer $token" application/json - <<LUA
wrk.headers["Notion-Version"] = "2025-09-03"
local priorities = { "High", "Medium", "Low" }
local statuses = { "Not started", "In progress", "Done" }
local tags = { "Backend", "Frontend", "Docs" }
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"parent":{"data_source_id":"$tasks"},"properties":{"Name":{"title":[{"text":{"content":"Bench task %d"}}]},' ..
    '"Status":{"status":{"name":"%s"}},"Priority":{"select":{"name":"%s"}},"Tags":{"multi_select":[{"name":"%s"}]},' ..
    '"Due":{"date":{"start":"2025-%02d-%02d"}},"Done":{"checkbox":%s}}}',
    n, statuses[n % 3 + 1], priorities[n % 3 + 1], tags[math.floor(n / 3) % 3 + 1], n % 12 + 1, n % 28 + 1, tostring(n % 2 == 0))
  return wrk.format(nil, nil, nil, body)
end
LUA
query_body='{"page_size":'$page_size',"filter":{"and":[{"property":"Status","status":{"equals":"In progress"}},{"or":[{"property":"Priority","select":{"equals":"High"}},{"property":"Tags","multi_select":{"contains":"Backend"}}]}]},"sorts":[{"property":"Due","direction":"descending"}]}'
bench_lua query.lua POST "Bearer $token" application/json - <<LUA
wrk.headers["Notion-Version"] = "2025-09-03"
wrk.body = '$query_body'
LUA

# A measurement of error answers is worthless: one call of each first, which must succeed.
check() {
    bench_check -X POST "$1" -H "Authorization: Bearer $token" -H "Notion-Version: 2025-09-03" \
        -H "Content-Type: application/json" -d "$2"
}
check "$api/v1/pages" '{"parent":{"data_source_id":"'$tasks'"},"properties":{"Name":{"title":[{"text":{"content":"warm-up"}}]}}}'
check "$api/v1/data_sources/$tasks/query" "$query_body"

# The query's data: $pages tasks through the API (one keep-alive connection), cycling as the
# create benchmark's bodies do.
python3 - "$api" "$token" "$tasks" "$pages" <<'PY'
import http.client, json, sys, urllib.parse
api, token, tasks, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
url = urllib.parse.urlparse(api)
conn = http.client.HTTPConnection(url.hostname, url.port)
headers = {"Authorization": f"Bearer {token}", "Notion-Version": "2025-09-03", "Content-Type": "application/json"}
statuses, priorities, tags = ["Not started", "In progress", "Done"], ["High", "Medium", "Low"], ["Backend", "Frontend", "Docs"]
for n in range(1, count + 1):
    props = {
        "Name": {"title": [{"text": {"content": f"Seeded task {n}"}}]},
        "Status": {"status": {"name": statuses[n % 3]}},
        "Priority": {"select": {"name": priorities[(n // 2) % 3]}},
        "Tags": {"multi_select": [{"name": tags[(n // 3) % 3]}]},
        "Due": {"date": {"start": f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}"}},
        "Done": {"checkbox": n % 2 == 0},
    }
    conn.request("POST", "/v1/pages", json.dumps({"parent": {"data_source_id": tasks}, "properties": props}), headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 200, response.status
PY
total=$(asym query "$id" "SELECT count(*) AS n FROM pages WHERE data_source_id = '$tasks'" --json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["n"])')
matching=$(curl -s -X POST "$api/v1/data_sources/$tasks/query" -H "Authorization: Bearer $token" \
    -H "Notion-Version: 2025-09-03" -H "Content-Type: application/json" -d "$query_body" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')

bench_measure "query and/or + sort ($total pages, $matching/page)" query.lua "$api/v1/data_sources/$tasks/query"
bench_measure "pages.create (Tasks data source)" create.lua "$api/v1/pages"
}

for run in $(bench_runs); do
    one_run
    bench_destroy
done
bench_medians
