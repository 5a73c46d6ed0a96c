#!/usr/bin/env bash
# Runs the SDK scenario suites: installs HubSpot's official Python and Node SDKs into
# templates/hubspot/sdk/.deps (PyPI, npm), spins a HubSpot clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base path changed), destroys it.
# Exits non-zero if either suite fails.
#
#   templates/hubspot/sdk/run.sh
#   HUBSPOT_API_BASE=http://127.0.0.1:3600 HUBSPOT_TOKEN=pat-na1-… templates/hubspot/sdk/run.sh  # existing clone
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
deps="$here/.deps"
mkdir -p "$deps"

if [[ ! -x "$deps/venv/bin/python" ]]; then
    python3 -m venv "$deps/venv"
fi
"$deps/venv/bin/pip" install -q --disable-pip-version-check "hubspot-api-client${HUBSPOT_PYTHON_VERSION:+==$HUBSPOT_PYTHON_VERSION}"
if [[ ! -d "$deps/node_modules/@hubspot/api-client" ]]; then
    [[ -f "$deps/package.json" ]] || echo '{"name":"hubspot-sdk-deps","private":true}' > "$deps/package.json"
    (cd "$deps" && npm install --silent --no-audit --no-fund "@hubspot/api-client${HUBSPOT_NODE_VERSION:+@$HUBSPOT_NODE_VERSION}" >/dev/null)
fi

spun=""
if [[ -z "${HUBSPOT_API_BASE:-}" ]]; then
    out="$(cd "$root" && cargo run -q -p asym-cli -- spin hubspot --seed basic --json)"
    read -r spun HUBSPOT_API_BASE HUBSPOT_TOKEN < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
print(c["id"], c["endpoints"]["api"], c["tokens"]["token"])' <<<"$out")
    trap '(cd "$root" && cargo run -q -p asym-cli -- destroy "$spun" >/dev/null)' EXIT
fi
export HUBSPOT_API_BASE HUBSPOT_TOKEN

status=0
echo "== Python ($HUBSPOT_API_BASE)"
"$deps/venv/bin/python" "$here/scenario.py" || status=1
echo "== Node ($HUBSPOT_API_BASE)"
# ESM resolves `@hubspot/api-client` from the script's directory: run a copy beside node_modules.
cp "$here/scenario.mjs" "$deps/scenario.mjs"
node "$deps/scenario.mjs" || status=1
exit $status
