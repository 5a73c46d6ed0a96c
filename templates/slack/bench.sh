#!/usr/bin/env bash
# Load from loopback against a fresh Slack clone: chat.postMessage and
# conversations.history (limit 100), 16 connections, 2 threads, $DURATION each (default 10s).
# Prints requests/s and p99 latency for each, then destroys the clone.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-10s}
asym() { cargo run -q --manifest-path "$root/Cargo.toml" -p asym-cli -- "$@"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

spin=$(asym spin slack --seed basic --json)
field() { python3 -c "import json,sys; c=json.loads(sys.argv[1])[0]; print($2)" "$spin"; }
id=$(field "$spin" "c['id']")
scratch=$(mktemp -d)
trap 'asym destroy "$id" >/dev/null; rm -rf "$scratch"' EXIT
api=$(field "$spin" "c['endpoints']['api']")
bot=$(field "$spin" "c['tokens']['bot']")

cat > "$scratch/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $bot"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = '{"channel":"C0000000001","text":"benchmark message with a little *mrkdwn* in it"}'
LUA
cat > "$scratch/get.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $bot"
LUA

run() {
    local name=$1 script=$2 url=$3
    local out
    out=$(wrk -t2 -c16 -d"$duration" --latency -s "$script" "$url")
    local rps p99 non2xx
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '%-28s %10s req/s   p99 %8s%s\n' "$name" "$rps" "$p99" "${non2xx:+   non-2xx: $non2xx}"
}

echo "clone $id at $api (16 connections, 2 threads, $duration each)"
run "chat.postMessage" "$scratch/post.lua" "$api/chat.postMessage"
# History over a channel that now holds thousands of messages: the newest 100.
run "conversations.history (100)" "$scratch/get.lua" "$api/conversations.history?channel=C0000000001&limit=100"
