#!/usr/bin/env bash
# Makes sure everything the tests need is here: a running Docker engine (installed and
# started on Debian as root when missing), the shared Postgres/Redis images (official images if
# present, else stand-ins built from Debian packages) and the clone images, built from this
# checkout. Idempotent and quick when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
  echo "ensure-images: no Docker engine answers; setting one up (scripts/install-docker.sh)"
  bash scripts/install-docker.sh
fi

have() { docker image inspect "$@" >/dev/null 2>&1; }
if ! { have postgres:16 && have redis:7; } && ! { have asym-offline/postgres:15 && have asym-offline/redis:7; }; then
  bash scripts/offline-images.sh
fi
cargo run -q -p asym-cli -- images build
