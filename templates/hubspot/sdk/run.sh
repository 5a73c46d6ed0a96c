#!/usr/bin/env bash
# Runs the SDK scenario suites: installs HubSpot's official Python and Node SDKs into
# templates/hubspot/sdk/.deps (PyPI, npm), spins a HubSpot clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base path changed), destroys it.
# Exits non-zero if either suite fails.
#
#   templates/hubspot/sdk/run.sh
#   HUBSPOT_API_BASE=http://127.0.0.1:3600 HUBSPOT_TOKEN=pat-na1-… HUBSPOT_DEVELOPER_KEY=… \
#     HUBSPOT_CLIENT_SECRET=… HUBSPOT_CLIENT_ID=… HUBSPOT_REFRESH_TOKEN=… ASYM_ADMIN_SECRET=… \
#     templates/hubspot/sdk/run.sh   # existing clone
#
# The scenarios use the clone's admin surface (scripts/sdk/check.{py,mjs}'s `admin`, with
# ASYM_ADMIN_URL and ASYM_ADMIN_SECRET, which sdk_spin exports; `asym admin <id> --secret`)
# only for set-up HubSpot does outside its API: a token of fewer scopes, rate limits switched on.
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
sdk_pip "hubspot-api-client${HUBSPOT_PYTHON_VERSION:+==$HUBSPOT_PYTHON_VERSION}"
sdk_npm @hubspot/api-client "@hubspot/api-client${HUBSPOT_NODE_VERSION:+@$HUBSPOT_NODE_VERSION}"
if [[ -z "${HUBSPOT_API_BASE:-}" ]]; then
    sdk_spin hubspot HUBSPOT_API_BASE HUBSPOT_TOKEN=token \
        HUBSPOT_DEVELOPER_KEY=developerApiKey HUBSPOT_CLIENT_SECRET=clientSecret \
        HUBSPOT_CLIENT_ID=clientId HUBSPOT_REFRESH_TOKEN=refreshToken
fi
export HUBSPOT_API_BASE HUBSPOT_TOKEN HUBSPOT_DEVELOPER_KEY HUBSPOT_CLIENT_SECRET HUBSPOT_CLIENT_ID \
    HUBSPOT_REFRESH_TOKEN
sdk_suites "$HUBSPOT_API_BASE" "$here/scenario.py" "$here/scenario.mjs"
