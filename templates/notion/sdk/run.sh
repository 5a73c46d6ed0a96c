#!/usr/bin/env bash
# Runs the SDK scenario suites: installs Notion's official Python (notion-client) and Node
# (@notionhq/client) SDKs into templates/notion/sdk/.deps (PyPI, npm), spins a Notion clone
# with the asym CLI (seed basic), runs python/scenarios.py and node/scenarios.mjs against it
# (only the base URL changed; the 2022-06-28 scenarios also set the SDK's version option),
# resetting the clone between the two, then destroys it. Exits non-zero if either fails.
#
#   templates/notion/sdk/run.sh
#   NOTION_BASE_URL=http://127.0.0.1:3005 NOTION_TOKEN=ntn_… templates/notion/sdk/run.sh   # an existing clone
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
deps="$here/.deps"
asym() { (cd "$root" && cargo run -q -p asym-cli -- "$@"); }
mkdir -p "$deps"

if [[ ! -x "$deps/venv/bin/python" ]]; then
    python3 -m venv "$deps/venv"
fi
"$deps/venv/bin/pip" install -q --disable-pip-version-check "notion-client${NOTION_PYTHON_VERSION:+==$NOTION_PYTHON_VERSION}"
if [[ ! -d "$deps/node_modules/@notionhq/client" ]]; then
    [[ -f "$deps/package.json" ]] || echo '{"name":"notion-sdk-deps","private":true}' > "$deps/package.json"
    (cd "$deps" && npm install --silent --no-audit --no-fund "@notionhq/client${NOTION_NODE_VERSION:+@$NOTION_NODE_VERSION}" >/dev/null)
fi
echo "notion-client $("$deps/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("notion-client"))'), @notionhq/client $(node -p "require('$deps/node_modules/@notionhq/client/package.json').version")"

spun=""
if [[ -z "${NOTION_BASE_URL:-}" ]]; then
    out="$(asym spin notion --seed basic --json)"
    read -r spun NOTION_BASE_URL NOTION_TOKEN < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
print(c["id"], c["endpoints"]["api"], c["tokens"]["token"])' <<<"$out")
    trap 'asym destroy "$spun" >/dev/null' EXIT
fi
export NOTION_BASE_URL NOTION_TOKEN

status=0
echo "== Python ($NOTION_BASE_URL)"
"$deps/venv/bin/python" "$here/python/scenarios.py" || status=1
if [[ -n "$spun" ]]; then asym reset "$spun" >/dev/null; fi
echo "== Node ($NOTION_BASE_URL)"
# ESM resolves `@notionhq/client` from the script's directory: run a copy beside node_modules.
cp "$here/node/scenarios.mjs" "$deps/scenarios.mjs"
node "$deps/scenarios.mjs" || status=1
exit $status
