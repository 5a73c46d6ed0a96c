#!/usr/bin/env bash
# Runs the SDK scenario suites: installs PyGithub and @octokit/rest into
# templates/github/sdk/.deps (PyPI, npm), spins a GitHub clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base URL changed), destroys it.
# Each suite gets a fresh clone (both write to the fixture repository). Exits non-zero if
# either suite fails.
#
#   templates/github/sdk/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
deps="$here/.deps"
mkdir -p "$deps"

if [[ ! -x "$deps/venv/bin/python" ]]; then
    python3 -m venv "$deps/venv"
fi
"$deps/venv/bin/pip" install -q --disable-pip-version-check "PyGithub${PYGITHUB_VERSION:+==$PYGITHUB_VERSION}"
if [[ ! -d "$deps/node_modules/@octokit/rest" ]]; then
    (cd "$deps" && npm install --silent --no-audit --no-fund --prefix "$deps" "@octokit/rest${OCTOKIT_VERSION:+@$OCTOKIT_VERSION}" >/dev/null)
fi

spun=()
cleanup() {
    for id in "${spun[@]}"; do
        (cd "$root" && cargo run -q -p asym-cli -- destroy "$id" >/dev/null) || true
    done
}
trap cleanup EXIT

# Spins a clone and exports its base URL and the three tokens.
spin() {
    local out
    out="$(cd "$root" && cargo run -q -p asym-cli -- spin github --seed basic --json)"
    read -r id GITHUB_API_BASE GITHUB_TOKEN GITHUB_REVIEWER_TOKEN GITHUB_APP_TOKEN < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
t = c["tokens"]
print(c["id"], c["endpoints"]["api"], t["token"], t["reviewer"], t["app"])' <<<"$out")
    spun+=("$id")
    export GITHUB_API_BASE GITHUB_TOKEN GITHUB_REVIEWER_TOKEN GITHUB_APP_TOKEN
}

status=0
spin
echo "== Python / PyGithub ($GITHUB_API_BASE)"
"$deps/venv/bin/python" "$here/scenario.py" || status=1
spin
echo "== Node / @octokit/rest ($GITHUB_API_BASE)"
# ESM resolves `@octokit/rest` from the script's directory: run a copy beside node_modules.
cp "$here/scenario.mjs" "$deps/scenario.mjs"
node "$deps/scenario.mjs" || status=1
exit $status
