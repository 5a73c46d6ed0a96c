# Shared by the templates' bench.sh scripts (source it; it runs nothing by itself): a fresh
# clone per run, wrk from loopback with 2 threads and 16 connections, one checked call before
# each measurement, requests/s and p99 with the 1-minute load average, medians over RUNS.
#
#   source "$(dirname "$0")/../../scripts/bench-lib.sh"
#   bench_init 10s                  # default DURATION; sets $root, $scratch, $duration, $runs
#   for run in $(bench_runs); do
#       bench_spin slack bot        # sets $id, $api, $token (the manifest's token named "bot")
#       bench_lua post.lua POST "Bearer $token" application/json '{"channel":"C1","text":"hi"}'
#       bench_check "$api/chat.postMessage" -H "Authorization: Bearer $token" -d '…'
#       bench_measure "chat.postMessage" post.lua "$api/chat.postMessage"
#       bench_destroy
#   done
#   bench_medians
#
# With a spun clone, each measurement also prints what Postgres did per request (statements,
# execution time, transactions: pg_stat_statements in the shared Postgres).
#
# BENCH_URL and BENCH_TOKEN point the measurements at a clone that is already running (it is
# neither spun nor destroyed; scripts that read the clone's database need a clone they spin);
# DURATION and RUNS override the defaults.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The CLI of this checkout.
asym() { cargo run -q --manifest-path "$root/Cargo.toml" -p asym-cli -- "$@"; }

# bench_init DEFAULT_DURATION: wrk present, a scratch folder, the clone destroyed on exit.
bench_init() {
    command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
    duration=${DURATION:-$1}
    runs=${RUNS:-1}
    scratch=$(mktemp -d)
    id=""
    trap bench_cleanup EXIT
}

bench_cleanup() {
    bench_destroy
    rm -rf "$scratch"
}

# The run numbers, 1 to RUNS.
bench_runs() { seq 1 "$runs"; }

# bench_spin TEMPLATE TOKEN_NAME: a fresh clone seeded `basic`; sets $id, $api and $token.
bench_spin() {
    if [ -n "${BENCH_URL:-}" ]; then
        api=$BENCH_URL token=${BENCH_TOKEN:?BENCH_URL needs BENCH_TOKEN} id=""
        echo "run ${run:-1}/$runs: the clone at $api (16 connections, 2 threads, $duration each)"
        return
    fi
    local spin
    spin=$(asym spin "$1" --seed basic --json)
    id=$(bench_field "$spin" "c['id']")
    api=$(bench_field "$spin" "c['endpoints']['api']")
    token=$(bench_field "$spin" "c['tokens']['$2']")
    database=$(bench_field "$spin" "c['database']")
    bench_pg_find "$(bench_field "$spin" "c['databaseUrl'].rsplit(':', 1)[1].split('/')[0]")"
    echo "run ${run:-1}/$runs: clone $id at $api (16 connections, 2 threads, $duration each)"
}

bench_destroy() {
    if [ -n "${id:-}" ]; then asym destroy "$id" >/dev/null; fi
    id=""
}

# bench_pg_find PORT: the shared Postgres container listening on PORT, into $pg (empty when
# there is none, or pg_stat_statements is not loaded in it: a Postgres asym started before it
# preloaded the extension; `docker rm -f` it and `asym doctor --fix` rebuild it with it).
bench_pg_find() {
    pg=$(docker ps --filter "label=dev.asym.port=$1" --filter label=dev.asym.infra \
        --format '{{.Names}}' | head -n 1)
    # Creating the extension works without the preload; reading its view does not.
    if [ -n "$pg" ] && ! bench_psql "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
        SELECT count(*) FROM pg_stat_statements" >/dev/null 2>&1; then
        pg=""
    fi
    if [ -z "$pg" ]; then
        echo "(Postgres per request not measured: pg_stat_statements is not loaded in the shared" \
            "Postgres; recreate it: docker rm -f the *-postgres container, then asym doctor --fix)"
    fi
}

# bench_psql SQL: SQL as the superuser in the shared Postgres's `postgres` database.
bench_psql() { docker exec "$pg" psql -U postgres -d postgres -XAtF ' ' -c "$1"; }

# The clone database's counters: top-level statements, their execution time (ms) and
# transactions, since Postgres started.
bench_pg_counters() {
    bench_psql "SELECT coalesce(sum(s.calls), 0), coalesce(sum(s.total_exec_time), 0),
        (SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$database')
        FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
        WHERE d.datname = '$database'"
}

# bench_pg_per_request BEFORE AFTER REQUESTS: what Postgres did per request between two
# bench_pg_counters readings (pg_stat_database flushes about once a second: transactions are
# approximate).
bench_pg_per_request() {
    python3 - "$1" "$2" "$3" <<'PY'
import sys
before, after, requests = sys.argv[1].split(), sys.argv[2].split(), float(sys.argv[3])
calls, ms, xacts = (float(a) - float(b) for a, b in zip(after, before))
print(f"    postgres per request: {calls / requests:.2f} statements,"
      f" {ms / requests:.3f} ms executing, {xacts / requests:.2f} transactions")
PY
}

# bench_field JSON EXPR: EXPR evaluated over the first clone `c` of `asym spin --json`.
bench_field() { python3 -c "import json,sys; c=json.loads(sys.argv[1])[0]; print($2)" "$1"; }

# bench_lua FILE METHOD AUTHORIZATION [CONTENT_TYPE [BODY]]: a wrk script sending one request
# over and over, written to $scratch/FILE. Extra Lua (a request function) can follow on stdin
# when the last argument is `-`.
bench_lua() {
    local file=$scratch/$1 method=$2 auth=$3 type=${4:-} body=${5:-}
    {
        echo "wrk.method = \"$method\""
        echo "wrk.headers[\"Authorization\"] = \"$auth\""
        [ -n "$type" ] && echo "wrk.headers[\"Content-Type\"] = \"$type\""
        if [ "$body" = - ]; then cat; elif [ -n "$body" ]; then echo "wrk.body = '$body'"; fi
    } > "$file"
}

# bench_check CURL_ARGS…: one call that must answer 2xx (a measurement of error answers is
# worthless); its body is left in $scratch/check. BENCH_OK_BODY, when set, is a prefix the body
# must start with too (Slack answers errors with 200 and "ok":false).
bench_check() {
    local status
    status=$(curl -s -o "$scratch/check" -w '%{http_code}' "$@")
    case $status in
        2??) ;;
        *) echo "$* answered $status: $(head -c 300 "$scratch/check")" >&2; exit 1 ;;
    esac
    if [ -n "${BENCH_OK_BODY:-}" ] && [[ $(head -c 200 "$scratch/check") != "$BENCH_OK_BODY"* ]]; then
        echo "$* answered $(head -c 300 "$scratch/check")" >&2
        exit 1
    fi
}

# bench_measure NAME SCRIPT URL: wrk for $duration; prints and records the figures. A name's
# part after " (" is detail (counts) that may differ between runs; medians group by the rest.
bench_measure() {
    local name=$1 script=$scratch/$2 url=$3
    local out rps p99 non2xx load before=""
    if [ -n "${pg:-}" ] && [ -n "${id:-}" ]; then before=$(bench_pg_counters); fi
    out=$(wrk -t2 -c16 -d"$duration" --latency -s "$script" "$url")
    load=$(cut -d' ' -f1 /proc/loadavg)
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
    printf '%-44s %10s req/s   p99 %8s   load %5s%s\n' "$name" "$rps" "$p99" "$load" \
        "${non2xx:+   non-2xx: $non2xx}"
    echo "${name%% (*}|$rps|$p99|$load" >> "$scratch/results"
    if [ -n "$before" ]; then
        bench_pg_per_request "$before" "$(bench_pg_counters)" \
            "$(awk '/requests in/ {print $1}' <<<"$out")"
    fi
}

# With RUNS > 1, the median of each measurement over the runs.
bench_medians() {
    [ "$runs" -gt 1 ] || return 0
    echo "medians of $runs runs:"
    python3 - "$scratch/results" <<'PY'
import statistics, sys
rows = [line.strip().split("|") for line in open(sys.argv[1]) if line.strip()]
def ms(text):
    for unit, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * scale
    return float(text)
for name in dict.fromkeys(row[0] for row in rows):
    mine = [row for row in rows if row[0] == name]
    rps = statistics.median(float(row[1]) for row in mine)
    p99 = statistics.median(ms(row[2]) for row in mine)
    load = statistics.median(float(row[3]) for row in mine)
    print(f"{name:<44} {rps:10.2f} req/s   p99 {p99:6.2f}ms   load {load:5.2f}")
PY
}
