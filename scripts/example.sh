#!/usr/bin/env bash
# The main job: spin a Slack clone and run the slack-notifier example's tests against it.
# Sets up what it needs first (Docker engine, images: scripts/ensure-images.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-images.sh
ASYM_PIN=off cargo test -p slack-notifier
