#!/usr/bin/env bash
# Makes sure every image the tests need exists locally: the shared Postgres/Redis (official
# images if present, else stand-ins built from Debian packages) and the clone images, built
# from this checkout. Idempotent; needs a running Docker engine.
set -euo pipefail
cd "$(dirname "$0")/.."

have() { docker image inspect "$@" >/dev/null 2>&1; }
if ! { have postgres:16 && have redis:7; } && ! { have asym-offline/postgres:15 && have asym-offline/redis:7; }; then
  bash scripts/offline-images.sh
fi
cargo run -q -p asym-cli -- images build
