#!/usr/bin/env bash
# Runs the Python (slack_sdk, slack_bolt) and Node (@slack/web-api, @slack/bolt, @slack/oauth)
# scenario suites: installs the SDKs into templates/slack/sdk/.deps (PyPI, npm), spins a Slack
# clone with the asym CLI (seed basic), runs scenario.py and scenario.mjs against it through the
# shared runner (scripts/sdk-lib.sh, scripts/sdk/check.{py,mjs}; only the base URL changed),
# resetting the clone between the two, then destroys it. Exits non-zero if either suite fails.
#
#   templates/slack/sdk/run.sh
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
# aiohttp: slack_sdk's AsyncWebClient needs it.
for spec in slack_sdk slack_bolt aiohttp; do sdk_pip "$spec"; done
sdk_npm @slack/web-api "@slack/web-api@^8"
sdk_npm @slack/oauth "@slack/oauth@^4"
sdk_npm @slack/bolt "@slack/bolt@^5"
sdk_spin slack SLACK_API_URL SLACK_BOT_TOKEN=bot SLACK_USER_TOKEN=user SLACK_SIGNING_SECRET=signingSecret SLACK_APP_TOKEN=appToken
# slack_sdk and @slack/web-api take the API address with its trailing slash.
export SLACK_API_URL="$SLACK_API_URL/"
echo "clone $sdk_clone at $SLACK_API_URL"

status=0
echo "== Python ($SLACK_API_URL)"
PYTHONWARNINGS=ignore sdk_python "$here/scenario.py" || status=1
asym reset "$sdk_clone" >/dev/null
echo "== Node ($SLACK_API_URL)"
sdk_node "$here/scenario.mjs" || status=1
exit $status
