#!/usr/bin/env bash
# Load from loopback against a fresh Slack clone: chat.postMessage and
# conversations.history (limit 100), 16 connections, 2 threads, $DURATION each (default 10s).
# Prints requests/s and p99 latency for each, with the 1-minute load average when each
# measurement ended, then destroys the clone. RUNS=3 repeats the whole thing on a fresh clone
# each time and prints the medians.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
duration=${DURATION:-10s}
runs=${RUNS:-1}
asym() { cargo run -q --manifest-path "$root/Cargo.toml" -p asym-cli -- "$@"; }
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

scratch=$(mktemp -d)
id=""
cleanup() {
    if [ -n "$id" ]; then asym destroy "$id" >/dev/null; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

# A measurement of error answers is worthless: one call first, which must answer ok.
check() {
    local url=$1; shift
    local body
    body=$(curl -s "$@" "$url")
    case $body in
        '{"ok":true'*) ;;
        *) echo "$url answered ${body:0:200}" >&2; exit 1 ;;
    esac
}

measure() {
    local name=$1 script=$2 url=$3
    local out rps p99 non2xx load
    out=$(wrk -t2 -c16 -d"$duration" --latency -s "$script" "$url")
    load=$(cut -d' ' -f1 /proc/loadavg)
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '%-28s %10s req/s   p99 %8s   load %5s%s\n' "$name" "$rps" "$p99" "$load" \
        "${non2xx:+   non-2xx: $non2xx}"
    echo "$name|$rps|$p99|$load" >> "$scratch/results"
}

field() { python3 -c "import json,sys; c=json.loads(sys.argv[1])[0]; print($2)" "$1"; }

for run in $(seq 1 "$runs"); do
    spin=$(asym spin slack --seed basic --json)
    id=$(field "$spin" "c['id']")
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
    post="$api/chat.postMessage"
    history="$api/conversations.history?channel=C0000000001&limit=100"
    check "$post" -H "Authorization: Bearer $bot" -H "Content-Type: application/json" \
        -d '{"channel":"C0000000001","text":"benchmark warm-up"}'
    check "$history" -H "Authorization: Bearer $bot"

    echo "run $run/$runs: clone $id at $api (16 connections, 2 threads, $duration each)"
    measure "chat.postMessage" "$scratch/post.lua" "$post"
    # History over a channel that now holds thousands of messages: the newest 100.
    measure "conversations.history (100)" "$scratch/get.lua" "$history"
    asym destroy "$id" >/dev/null
    id=""
done

if [ "$runs" -gt 1 ]; then
    echo "medians of $runs runs:"
    python3 - "$scratch/results" <<'PY'
import statistics, sys
rows = [line.strip().split("|") for line in open(sys.argv[1]) if line.strip()]
def ms(text):
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    for unit in ("us", "ms", "s"):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale[unit]
    return float(text)
for name in dict.fromkeys(row[0] for row in rows):
    mine = [row for row in rows if row[0] == name]
    rps = statistics.median(float(row[1]) for row in mine)
    p99 = statistics.median(ms(row[2]) for row in mine)
    load = statistics.median(float(row[3]) for row in mine)
    print(f"{name:<28} {rps:10.2f} req/s   p99 {p99:6.2f}ms   load {load:5.2f}")
PY
fi
