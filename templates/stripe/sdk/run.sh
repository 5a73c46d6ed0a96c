#!/usr/bin/env bash
# Runs the SDK scenario suites: installs Stripe's official Python and Node SDKs into
# templates/stripe/sdk/.deps (PyPI, npm), spins a Stripe clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base address changed), destroys it.
# Exits non-zero if either suite fails.
#
#   templates/stripe/sdk/run.sh
#   STRIPE_API_BASE=http://127.0.0.1:3600 STRIPE_SECRET_KEY=sk_test_… templates/stripe/sdk/run.sh  # existing clone
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
deps="$here/.deps"
mkdir -p "$deps"

if [[ ! -x "$deps/venv/bin/python" ]]; then
    python3 -m venv "$deps/venv"
fi
"$deps/venv/bin/pip" install -q --disable-pip-version-check "stripe${STRIPE_PYTHON_VERSION:+==$STRIPE_PYTHON_VERSION}"
if [[ ! -d "$deps/node_modules/stripe" ]]; then
    (cd "$deps" && npm install --silent --no-audit --no-fund --prefix "$deps" "stripe${STRIPE_NODE_VERSION:+@$STRIPE_NODE_VERSION}" >/dev/null)
fi

spun=""
if [[ -z "${STRIPE_API_BASE:-}" ]]; then
    out="$(cd "$root" && cargo run -q -p asym-cli -- spin stripe --seed basic --json)"
    read -r spun STRIPE_API_BASE STRIPE_SECRET_KEY < <(python3 -c '
import json, sys
c = json.load(sys.stdin)
c = c[0] if isinstance(c, list) else c
print(c["id"], c["endpoints"]["api"], c["tokens"]["secretKey"])' <<<"$out")
    trap '(cd "$root" && cargo run -q -p asym-cli -- destroy "$spun" >/dev/null)' EXIT
fi
export STRIPE_API_BASE STRIPE_SECRET_KEY

status=0
echo "== Python ($STRIPE_API_BASE)"
"$deps/venv/bin/python" "$here/scenario.py" || status=1
echo "== Node ($STRIPE_API_BASE)"
# ESM resolves `stripe` from the script's directory: run a copy beside node_modules.
cp "$here/scenario.mjs" "$deps/scenario.mjs"
node "$deps/scenario.mjs" || status=1
exit $status
