#!/usr/bin/env bash
# Runs the Python (slack_sdk) and Node (@slack/web-api) scenario suites against a fresh Slack
# clone spun with the CLI, then destroys it. The SDKs are installed under $SDK_WORK
# (default /tmp/asym-slack-sdk): a venv for Python, a node_modules for Node.
#
#   templates/slack/sdk/run.sh          # exit 0 only when both suites pass
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${SDK_WORK:-/tmp/asym-slack-sdk}
asym() { cargo run -q --manifest-path "$root/Cargo.toml" -p asym-cli -- "$@"; }

mkdir -p "$work/node"
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
fi
# aiohttp: slack_sdk's AsyncWebClient needs it.
"$work/venv/bin/pip" install -q --upgrade --disable-pip-version-check slack_sdk slack_bolt aiohttp
cp "$here/node/package.json" "$here/node/scenarios.mjs" "$work/node/"
(cd "$work/node" && npm install --silent --no-audit --no-fund)
echo "slack_sdk $("$work/venv/bin/python" -c 'import slack_sdk.version as v; print(v.__version__)'), @slack/web-api $(node -p "require('$work/node/node_modules/@slack/web-api/package.json').version")"

spin=$(asym spin slack --seed basic --json)
field() { python3 -c "import json,sys; c=json.loads(sys.argv[1])[0]; print($2)" "$spin"; }
id=$(field "$spin" "c['id']")
trap 'asym destroy "$id" >/dev/null' EXIT
export SLACK_API_URL="$(field "$spin" "c['endpoints']['api']")/"
export SLACK_BOT_TOKEN="$(field "$spin" "c['tokens']['bot']")"
export SLACK_USER_TOKEN="$(field "$spin" "c['tokens']['user']")"
export SLACK_SIGNING_SECRET="$(field "$spin" "c['tokens']['signingSecret']")"
# The clone's admin secret: the interactivity scenarios drive its admin surface.
ASYM_ADMIN_SECRET="$(asym admin "$id" --secret)"
export ASYM_ADMIN_SECRET
echo "clone $id at $SLACK_API_URL"

status=0
"$work/venv/bin/python" -W ignore "$here/python/scenarios.py" || status=1
asym reset "$id" >/dev/null
node "$work/node/scenarios.mjs" || status=1
exit $status
