#!/usr/bin/env bash
# Build stand-ins for the official postgres/redis images from Debian bookworm packages, for
# machines that cannot pull from a registry (DESIGN.md §6). Run as root; installs debootstrap
# with apt when it is missing. The engine embeds this file and runs it on first use (when
# neither the official images nor these are on the machine and no registry answers);
# scripts/offline-images.sh runs it by hand.
# Idempotent: images labelled with the current recipe (a hash of this file) are kept.
# Prints ASYM_POSTGRES_IMAGE=... and ASYM_REDIS_IMAGE=... as its last two lines.
#
# One trimmed rootfs serves both images: it is imported twice from the same tarball, so both
# images share one layer on disk. Interface kept from the official images:
#   postgres: env POSTGRES_PASSWORD (required for initdb), POSTGRES_USER, POSTGRES_DB, PGDATA,
#             POSTGRES_INITDB_ARGS; `postgres [args]` (or just `-c ...`) runs as user postgres;
#             remote access with scram-sha-256; binaries of /usr/lib/postgresql/15/bin on PATH.
#   redis:    `redis-server [args]` runs as user redis in /data, protected mode off unless the
#             command line says otherwise.
# Unlike the official images there is no VOLUME (data lives in the container), no
# /docker-entrypoint-initdb.d, no LLVM JIT (dropped to save ~150 MB), and no STOPSIGNAL SIGINT
# (Docker 20.10's import refuses it): give containers StopSignal=SIGINT for a fast shutdown.
set -euo pipefail

PG_IMAGE=asym-offline/postgres:15
REDIS_IMAGE=asym-offline/redis:7
SUITE=bookworm
RECIPE=$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12)

print_images() {
  echo "ASYM_POSTGRES_IMAGE=$PG_IMAGE"
  echo "ASYM_REDIS_IMAGE=$REDIS_IMAGE"
}
is_current() {
  [ "$(docker image inspect -f '{{index .Config.Labels "dev.asym.recipe"}}' "$1" 2>/dev/null)" = "$RECIPE" ]
}
if is_current "$PG_IMAGE" && is_current "$REDIS_IMAGE"; then
  print_images
  exit 0
fi

# The Debian mirror this machine's apt uses for $SUITE (one-line or deb822 sources).
find_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -r "$f" ] && awk -v s="$SUITE" '$1 == "deb" {
        sub(/^deb[ \t]+(\[[^]]*\][ \t]+)?/, ""); if ($2 == s) { print $1; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] && awk -v s="$SUITE" '
      function flush() { if (uri != "" && (" " suites " ") ~ ("[ \t]" s "[ \t]")) print uri; uri = suites = "" }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { $1 = ""; suites = $0 }
      END { flush() }' "$f"
  done
}
MIRROR=${ASYM_DEBIAN_MIRROR:-$(find_mirror | head -n1)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

if ! command -v debootstrap >/dev/null; then
  echo "offline-images: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null ||
    { echo "offline-images: debootstrap is missing and apt-get could not install it (run as root)" >&2; exit 1; }
fi

WORK=$(mktemp -d /var/tmp/asym-offline.XXXXXX)
ROOT=$WORK/rootfs
cleanup() {
  # debootstrap can leave proc/sys mounted in the target when it fails.
  grep -o " $ROOT/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l || true
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

t0=$SECONDS
echo "offline-images: debootstrap $SUITE from $MIRROR (recipe $RECIPE)"
debootstrap --variant=minbase --include=postgresql-15,redis-server \
  "$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
  { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }
echo "offline-images: debootstrap took $((SECONDS - t0))s"

redis_major=$(chroot "$ROOT" redis-server --version | sed -E 's/.* v=([0-9]+)\..*/\1/')
[ "$REDIS_IMAGE" = "asym-offline/redis:$redis_major" ] ||
  { echo "offline-images: $SUITE ships redis $redis_major; update REDIS_IMAGE" >&2; exit 1; }

# Trim: docs, translations, apt caches, Debian's default cluster, the JIT (LLVM, z3) and the
# perl modules only postgresql-common's wrapper scripts use (real binaries come first on PATH).
(
  cd "$ROOT"
  rm -rf usr/share/doc/* usr/share/man/* usr/share/info/* usr/share/locale/* usr/share/i18n \
    usr/share/lintian var/cache/apt/* var/lib/apt/lists/* var/cache/debconf/*-old var/log/* \
    etc/postgresql/15 var/lib/postgresql/15 usr/lib/postgresql/15/lib/llvmjit* \
    usr/lib/postgresql/15/lib/bitcode usr/lib/x86_64-linux-gnu/libLLVM-* \
    usr/lib/x86_64-linux-gnu/libz3.so* usr/share/perl usr/lib/x86_64-linux-gnu/perl
  ln -sf /usr/lib/postgresql/15/bin/* usr/local/bin/
)

cat >"$ROOT/usr/local/bin/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
# asym offline stand-in for the official postgres image's entrypoint.
set -euo pipefail
case "${1:--}" in -*) set -- postgres "$@" ;; esac
if [ "$1" != postgres ]; then exec "$@"; fi
for arg; do case "$arg" in -'?' | --help | --describe-config | -V | --version) exec "$@" ;; esac; done

export PGDATA=${PGDATA:-/var/lib/postgresql/data}
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres {} +
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$BASH_SOURCE" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "error: database is uninitialized and POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a word list, as in the official image
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    --auth-host=scram-sha-256 --auth-local=trust --encoding=UTF8 --locale=C.UTF-8 \
    ${POSTGRES_INITDB_ARGS:-} >/dev/null
  printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$POSTGRES_DB" != postgres ]; then
    echo "CREATE DATABASE \"$POSTGRES_DB\"" | postgres --single -D "$PGDATA" postgres >/dev/null
  fi
  echo "docker-entrypoint: initialized $PGDATA"
fi
exec "$@"
EOF

cat >"$ROOT/usr/local/bin/redis-entrypoint.sh" <<'EOF'
#!/bin/bash
# asym offline stand-in for the official redis image's entrypoint.
set -euo pipefail
case "${1:--}" in -* | *.conf) set -- redis-server "$@" ;; esac
if [ "$1" != redis-server ]; then exec "$@"; fi
if [[ " $* " != *" --protected-mode "* ]]; then set -- "$@" --protected-mode no; fi
if [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis:redis {} +
  exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
EOF

chmod 755 "$ROOT"/usr/local/bin/*-entrypoint.sh
mkdir -p "$ROOT/var/lib/postgresql/data" "$ROOT/run/postgresql" "$ROOT/data"
chroot "$ROOT" chown postgres:postgres /var/lib/postgresql/data /run/postgresql
chroot "$ROOT" chown redis:redis /data
chmod 3777 "$ROOT/run/postgresql"
chmod 700 "$ROOT/var/lib/postgresql/data"
echo "offline-images: rootfs $(du -sh "$ROOT" | cut -f1)"

t1=$SECONDS
tar -C "$ROOT" --numeric-owner -cf "$WORK/rootfs.tar" .
path=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
labels="LABEL dev.asym.offline=1 dev.asym.recipe=$RECIPE"
docker import -m "asym offline postgres (recipe $RECIPE)" \
  -c "ENV $path LANG=C.UTF-8 PG_MAJOR=15 PGDATA=/var/lib/postgresql/data" \
  -c 'ENTRYPOINT ["docker-entrypoint.sh"]' -c 'CMD ["postgres"]' -c 'EXPOSE 5432' \
  -c "$labels" "$WORK/rootfs.tar" "$PG_IMAGE" >/dev/null
docker import -m "asym offline redis (recipe $RECIPE)" \
  -c "ENV $path LANG=C.UTF-8" -c 'WORKDIR /data' \
  -c 'ENTRYPOINT ["redis-entrypoint.sh"]' -c 'CMD ["redis-server"]' -c 'EXPOSE 6379' \
  -c "$labels" "$WORK/rootfs.tar" "$REDIS_IMAGE" >/dev/null
docker image prune -f --filter label=dev.asym.offline=1 >/dev/null # superseded recipes
echo "offline-images: import took $((SECONDS - t1))s, total $((SECONDS - t0))s," \
  "image size $(docker image inspect -f '{{.Size}}' "$PG_IMAGE" | awk '{printf "%d MB", $1/1e6}')"
print_images
