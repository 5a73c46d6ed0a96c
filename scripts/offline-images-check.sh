#!/usr/bin/env bash
# Smoke test for the images scripts/offline-images.sh builds (or any postgres/redis images given
# as ASYM_POSTGRES_IMAGE / ASYM_REDIS_IMAGE): host and bridge networking, time to ready.
# Needs psql on the host. Removes its containers and network.
set -euo pipefail

PG=${ASYM_POSTGRES_IMAGE:-asym-offline/postgres:15}
REDIS=${ASYM_REDIS_IMAGE:-asym-offline/redis:7}
NET=asym-offline-check
PREFIX=asym-offline-check
names=()

cleanup() {
  docker rm -f "${names[@]}" >/dev/null 2>&1 || true
  docker network rm "$NET" >/dev/null 2>&1 || true
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
pg_ok() { psql "postgresql://${3:-postgres}:pw@127.0.0.1:$1/${2:-postgres}" -Atqc 'select 1' >/dev/null 2>&1; }
redis_ok() ( # subshell: a write to a proxied port whose backend is not up yet gets SIGPIPE
  exec 3<>"/dev/tcp/127.0.0.1/$1"
  printf 'PING\r\n' >&3
  read -r -t 1 line <&3
  [ "${line%$'\r'}" = "+PONG" ]
)
# wait_ready NAME START_MS CHECK ARGS... : poll until CHECK succeeds, print time to ready.
wait_ready() {
  local name=$1 start=$2
  shift 2
  for ((i = 0; i < 600; i++)); do
    if "$@" 2>/dev/null; then
      echo "  $name: ready in $(($(now_ms) - start)) ms"
      return 0
    fi
    sleep 0.05
  done
  echo "  $name: NOT READY; logs:" >&2
  docker logs --tail 30 "$PREFIX-$name" >&2
  return 1
}
run() { # run NAME DOCKER-RUN-ARGS...
  local name=$PREFIX-$1
  shift
  docker rm -f "$name" >/dev/null 2>&1 || true
  names+=("$name")
  docker run -d --name "$name" "$@" >/dev/null
}

docker network create "$NET" >/dev/null 2>&1 || true
echo "images: $PG ($(docker image inspect -f '{{.Size}}' "$PG") bytes)," \
  "$REDIS ($(docker image inspect -f '{{.Size}}' "$REDIS") bytes)"

p=$(free_port); t=$(now_ms)
run pg-host --network host -e POSTGRES_PASSWORD=pw "$PG" \
  postgres -c fsync=off -c port="$p" -c listen_addresses=127.0.0.1
wait_ready pg-host "$t" pg_ok "$p"
t=$(now_ms); docker restart -t 10 "$PREFIX-pg-host" >/dev/null
echo "  pg-host: restart (stop + start, SIGTERM) took $(($(now_ms) - t)) ms"
wait_ready pg-host "$t" pg_ok "$p"

p=$(free_port); t=$(now_ms)
run pg-bridge --network "$NET" -p "127.0.0.1:$p:5432" -e POSTGRES_PASSWORD=pw \
  -e POSTGRES_USER=app -e POSTGRES_DB=appdb --stop-signal SIGINT "$PG" postgres -c fsync=off
wait_ready pg-bridge "$t" pg_ok "$p" appdb app
t=$(now_ms); docker restart -t 10 "$PREFIX-pg-bridge" >/dev/null
echo "  pg-bridge: restart (stop + start, SIGINT) took $(($(now_ms) - t)) ms"
wait_ready pg-bridge "$t" pg_ok "$p" appdb app

p=$(free_port); t=$(now_ms)
run redis-host --network host "$REDIS" \
  redis-server --port "$p" --save '' --appendonly no --protected-mode no --bind 127.0.0.1
wait_ready redis-host "$t" redis_ok "$p"

p=$(free_port); t=$(now_ms)
run redis-bridge --network "$NET" -p "127.0.0.1:$p:6379" "$REDIS" \
  redis-server --save '' --appendonly no
wait_ready redis-bridge "$t" redis_ok "$p"

docker run --rm "$PG" postgres --version
docker run --rm "$REDIS" redis-server --version
if docker run --rm "$PG" >/dev/null 2>&1; then
  echo "postgres without POSTGRES_PASSWORD should fail" >&2
  exit 1
fi
echo "offline-images-check: ok"
