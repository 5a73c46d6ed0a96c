#!/usr/bin/env bash
# Benchmarks the Stripe clone: POST /v1/customers and GET /v1/customers?limit=100 with wrk
# (2 threads, 16 connections, loopback), printing requests/s and p99 latency for each.
#
#   templates/stripe/bench.sh                 # spins a clone (seed basic), benches, destroys it
#   STRIPE_URL=http://127.0.0.1:3600 STRIPE_KEY=sk_test_… templates/stripe/bench.sh
#
# DURATION (default 10s) sets each run's length. The GET runs after the POST run, so the list
# returns full pages of 100 customers. Targets: ≥ 1,500 req/s each.
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${DURATION:-10s}"

if ! command -v wrk >/dev/null; then
    apt-get install -y wrk >/dev/null 2>&1 || { echo "wrk is required (apt-get install -y wrk)" >&2; exit 1; }
fi

spun=""
if [[ -z "${STRIPE_URL:-}" ]]; then
    out="$(cargo run -q -p asym-cli -- spin stripe --seed basic --json)"
    read -r spun STRIPE_URL STRIPE_KEY < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
print(c["id"], c["endpoints"]["api"], c["tokens"]["secretKey"])' <<<"$out")
    trap 'cargo run -q -p asym-cli -- destroy "$spun" >/dev/null' EXIT
fi

lua="$(mktemp)"
cat >"$lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer ${STRIPE_KEY}"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "email=bench%40example.com&name=Bench+User&metadata%5Bsource%5D=wrk"
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.0f %.2f %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA
get_lua="$(mktemp)"
sed -e 's/wrk.method = "POST"/wrk.method = "GET"/' -e '/wrk.body/d' -e '/Content-Type/d' "$lua" >"$get_lua"

run() {
    local name="$1" script="$2" url="$3"
    local line
    line="$(wrk -t2 -c16 -d"$DURATION" --latency -s "$script" "$url" | grep '^RESULT')"
    read -r _ rps p99 errors <<<"$line"
    printf '%-32s %8s req/s   p99 %7s ms   errors %s\n' "$name" "$rps" "$p99" "$errors"
}

echo "stripe clone at $STRIPE_URL, wrk 2 threads / 16 connections / $DURATION"
run "POST /v1/customers" "$lua" "$STRIPE_URL/v1/customers"
run "GET /v1/customers?limit=100" "$get_lua" "$STRIPE_URL/v1/customers?limit=100"
rm -f "$lua" "$get_lua"
