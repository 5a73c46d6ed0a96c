#!/usr/bin/env bash
# Runs the SDK scenario suites: installs Notion's official Python (notion-client) and Node
# (@notionhq/client) SDKs into templates/notion/sdk/.deps (PyPI, npm), spins a Notion clone
# with the asym CLI (seed basic), runs scenario.py and scenario.mjs against it through the
# shared runner (scripts/sdk-lib.sh, scripts/sdk/check.{py,mjs}; only the base URL changed, the
# 2022-06-28 scenarios also set the SDK's version option), resetting the clone between the two;
# then seeds it with the `restricted` fixture (an integration without most capabilities) and
# runs both suites' `restricted` scenarios (NOTION_FIXTURE=restricted); then destroys it. Exits
# non-zero if any fails. Against an existing clone (NOTION_BASE_URL set) the `restricted` phase
# is skipped (it reseeds), and so are the webhook and rate-limit scenarios unless
# ASYM_ADMIN_SECRET is set.
#
#   templates/notion/sdk/run.sh
#   NOTION_BASE_URL=http://127.0.0.1:3005 NOTION_TOKEN=ntn_… templates/notion/sdk/run.sh   # an existing clone
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
sdk_pip "notion-client${NOTION_PYTHON_VERSION:+==$NOTION_PYTHON_VERSION}"
sdk_npm @notionhq/client "@notionhq/client${NOTION_NODE_VERSION:+@$NOTION_NODE_VERSION}"

spun=""
if [[ -z "${NOTION_BASE_URL:-}" ]]; then
    sdk_spin notion NOTION_BASE_URL NOTION_TOKEN=token
    spun=$sdk_clone
fi
export NOTION_BASE_URL NOTION_TOKEN
sdk_admin_url "$NOTION_BASE_URL"

status=0
echo "== Python ($NOTION_BASE_URL)"
sdk_python "$here/scenario.py" || status=1
if [[ -n "$spun" ]]; then asym reset "$spun" >/dev/null; fi
echo "== Node ($NOTION_BASE_URL)"
sdk_node "$here/scenario.mjs" || status=1
if [[ -n "$spun" ]]; then
    asym seed "$spun" --fixture restricted >/dev/null
    echo "== Python, fixture restricted"
    NOTION_FIXTURE=restricted sdk_python "$here/scenario.py" || status=1
    echo "== Node, fixture restricted"
    NOTION_FIXTURE=restricted sdk_node "$here/scenario.mjs" || status=1
fi
exit $status
