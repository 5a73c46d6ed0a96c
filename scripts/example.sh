#!/usr/bin/env bash
# The main job: spin a Slack clone and run the slack-notifier example's tests against it.
# Needs a running Docker engine (on Debian: `bash scripts/install-docker.sh`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-images.sh
ASYM_PIN=off cargo test -p slack-notifier
