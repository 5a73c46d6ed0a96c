#!/usr/bin/env bash
# The whole test suite, against real Docker, Postgres and Redis. Sets up what it needs first
# (Docker engine, images: scripts/ensure-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-images.sh
# In-repo crates test the images just built, not digests pinned by an earlier build.
export ASYM_PIN=off
# Every test binary runs even after one fails, so a run names all its failures at once.
cargo test --workspace --no-fail-fast
# The examples are downstream crates using the harness: run them under nextest as well
# (a process per test; this run also reuses the clones cargo test left warm).
cargo nextest run -p slack-notifier
