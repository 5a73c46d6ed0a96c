#!/usr/bin/env bash
# Runs the SDK scenario suite: installs Linear's official Node SDK (@linear/sdk, npm) into
# templates/linear/sdk/.deps, spins a Linear clone with the asym CLI (seed basic), runs
# scenario.mjs against it (only `apiUrl` changed), destroys it. Exits non-zero on failure.
#
#   templates/linear/sdk/run.sh
#   LINEAR_API_URL=http://127.0.0.1:3014/graphql LINEAR_API_KEY=lin_api_… LINEAR_OAUTH_TOKEN=… templates/linear/sdk/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
deps="$here/.deps"
mkdir -p "$deps"

if [[ ! -d "$deps/node_modules/@linear/sdk" ]]; then
    (cd "$deps" && npm install --silent --no-audit --no-fund --prefix "$deps" \
        "@linear/sdk${LINEAR_SDK_VERSION:+@$LINEAR_SDK_VERSION}" >/dev/null)
fi

spun=""
if [[ -z "${LINEAR_API_URL:-}" ]]; then
    out="$(cd "$root" && cargo run -q -p asym-cli -- spin linear --seed basic --json)"
    read -r spun LINEAR_API_URL LINEAR_API_KEY LINEAR_OAUTH_TOKEN < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
print(c["id"], c["endpoints"]["api"], c["tokens"]["apiKey"], c["tokens"]["oauthToken"])' <<<"$out")
    trap '(cd "$root" && cargo run -q -p asym-cli -- destroy "$spun" >/dev/null)' EXIT
fi
export LINEAR_API_URL LINEAR_API_KEY LINEAR_OAUTH_TOKEN

echo "== Node @linear/sdk $(node -p "require('$deps/node_modules/@linear/sdk/package.json').version") ($LINEAR_API_URL)"
# ESM resolves `@linear/sdk` from the script's directory: run a copy beside node_modules.
cp "$here/scenario.mjs" "$deps/scenario.mjs"
node "$deps/scenario.mjs"
