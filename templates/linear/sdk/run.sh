#!/usr/bin/env bash
# Runs the SDK scenario suite: installs Linear's official Node SDK (@linear/sdk, npm) into
# templates/linear/sdk/.deps, spins a Linear clone with the asym CLI (seed basic), runs
# scenario.mjs against it (only `apiUrl` changed), destroys it. Exits non-zero on failure.
#
#   templates/linear/sdk/run.sh
#   LINEAR_API_URL=http://127.0.0.1:3014/graphql LINEAR_API_KEY=lin_api_… LINEAR_OAUTH_TOKEN=… LINEAR_APP_TOKEN=… templates/linear/sdk/run.sh
# (ASYM_ADMIN_SECRET, the clone's admin secret, may be given too: the rate-limit scenario needs it;
# sdk_spin exports it, and ASYM_ADMIN_URL is derived from LINEAR_API_URL for check.mjs's `admin`.)
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
sdk_npm @linear/sdk "@linear/sdk${LINEAR_SDK_VERSION:+@$LINEAR_SDK_VERSION}"
[[ -n "${LINEAR_API_URL:-}" ]] || sdk_spin linear LINEAR_API_URL LINEAR_API_KEY=apiKey LINEAR_OAUTH_TOKEN=oauthToken LINEAR_APP_TOKEN=appToken
sdk_admin_url "$LINEAR_API_URL"
export LINEAR_API_URL LINEAR_API_KEY LINEAR_OAUTH_TOKEN LINEAR_APP_TOKEN ASYM_ADMIN_SECRET="${ASYM_ADMIN_SECRET:-}"

echo "== Node @linear/sdk $(node -p "require('$deps/node_modules/@linear/sdk/package.json').version") ($LINEAR_API_URL)"
sdk_node "$here/scenario.mjs"
