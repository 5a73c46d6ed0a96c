# Shared by the templates' SDK suites (templates/*/sdk/run.sh; source it, it runs nothing by
# itself): the SDKs installed into the suite's own .deps folder, clones spun with the CLI of
# this checkout and destroyed on exit, Node scenarios run beside their node_modules.
#
#   source "$(dirname "$0")/../../../scripts/sdk-lib.sh"   # sets $here, $root, $deps
#   sdk_pip "stripe${STRIPE_PYTHON_VERSION:+==$STRIPE_PYTHON_VERSION}"
#   sdk_npm stripe "stripe${STRIPE_NODE_VERSION:+@$STRIPE_NODE_VERSION}"
#   [[ -n "${STRIPE_API_BASE:-}" ]] || sdk_spin stripe STRIPE_API_BASE STRIPE_SECRET_KEY=secretKey
#   sdk_suites "$STRIPE_API_BASE" "$here/scenario.py" "$here/scenario.mjs"   # the suite's status
set -euo pipefail

# The suite's folder (where run.sh lives), the checkout, and the folder the SDKs go into.
here=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps="$here/.deps"
mkdir -p "$deps"

# The CLI of this checkout.
asym() { cargo run -q --manifest-path "$root/Cargo.toml" -p asym-cli -- "$@"; }

# sdk_pip SPEC…: a venv at $deps/venv with each pip requirement SPEC installed, upgraded to the
# newest release SPEC allows on every run (the SDK a user installs today).
sdk_pip() {
    [[ -x "$deps/venv/bin/python" ]] || python3 -m venv "$deps/venv"
    "$deps/venv/bin/pip" install -q --upgrade --disable-pip-version-check "$@"
}

# sdk_npm MODULE SPEC: the npm package SPEC installed into $deps unless MODULE is there already
# (npm picks the newest release whose `engines` this Node accepts: on Node 20,
# @hubspot/api-client 13.5.0, as 14 needs Node 22). Delete $deps to take a newer one.
sdk_npm() {
    [[ -d "$deps/node_modules/$1" ]] && return
    [[ -f "$deps/package.json" ]] || echo '{"name":"sdk-deps","private":true}' >"$deps/package.json"
    (cd "$deps" && npm install --silent --no-audit --no-fund --prefix "$deps" "$2" >/dev/null)
}

# Clones sdk_spin made, destroyed when the suite exits.
sdk_spun=()
sdk_cleanup() {
    local id
    for id in "${sdk_spun[@]}"; do asym destroy "$id" >/dev/null || true; done
}
trap sdk_cleanup EXIT

# sdk_spin TEMPLATE API_VAR [VAR=TOKEN]…: spins a clone of TEMPLATE (seed basic), destroyed on
# exit; exports its API address as API_VAR, each token named TOKEN in its manifest as VAR (whole,
# spaces and lines kept), and its admin surface as ASYM_ADMIN_URL and ASYM_ADMIN_SECRET (for
# check.{py,mjs}'s `admin`).
# The clone's id is left in $sdk_clone (sdk_suites resets it between its two runs).
sdk_spin() {
    local template=$1 api_var=$2 pair out i=2
    shift 2
    local -a names=() fields
    for pair in "$@"; do names+=("${pair#*=}"); done
    out=$(asym spin "$template" --seed basic --json)
    # NUL-separated: a token may hold spaces and lines (GitHub's app key, a PEM).
    mapfile -d '' -t fields < <(python3 -c '
import json, sys
c = json.loads(sys.argv[1])
c = c[0] if isinstance(c, list) else c
for field in [c["id"], c["endpoints"]["api"], *(c["tokens"][name] for name in sys.argv[2:])]:
    print(field, end="\0")' "$out" "${names[@]}")
    sdk_clone=${fields[0]}
    sdk_spun+=("$sdk_clone")
    export "$api_var=${fields[1]}"
    for pair in "$@"; do
        export "${pair%%=*}=${fields[i]}"
        i=$((i + 1))
    done
    ASYM_ADMIN_SECRET=$(asym admin "$sdk_clone" --secret)
    export ASYM_ADMIN_SECRET
    # This clone's, whatever an earlier spin or the caller left.
    unset ASYM_ADMIN_URL
    sdk_admin_url "${fields[1]}"
}

# sdk_node SCRIPT: runs the ES module SCRIPT from a copy in $deps, since ESM resolves packages
# from the script's own folder; the shared runner (scripts/sdk/check.mjs) goes beside it.
sdk_node() {
    cp "$1" "$deps/$(basename "$1")"
    cp "$root/scripts/sdk/check.mjs" "$deps/check.mjs"
    node "$deps/$(basename "$1")"
}

# sdk_python SCRIPT: runs the Python SCRIPT in $deps's venv, the shared runner
# (scripts/sdk/check.py) importable.
sdk_python() {
    PYTHONPATH="$root/scripts/sdk${PYTHONPATH:+:$PYTHONPATH}" "$deps/venv/bin/python" "$1"
}

# sdk_admin_url URL: exports ASYM_ADMIN_URL, the admin surface of the clone whose API is at URL
# (its scheme, host and port + /api/admin), unless it is set already.
sdk_admin_url() {
    local rest=${1#*://}
    export ASYM_ADMIN_URL="${ASYM_ADMIN_URL:-${1%%://*}://${rest%%/*}/api/admin}"
}

# sdk_suites URL PYTHON NODE: runs the Python scenario file, then the Node one (even if the
# first failed), each under a header naming URL; fails if either failed. A clone sdk_spin made
# is reset between the two, so each suite starts from the seed (one given by URL is not: it
# may be someone's). ASYM_ADMIN_URL is exported from URL as sdk_admin_url does.
sdk_suites() {
    local status=0
    sdk_admin_url "$1"
    echo "== Python ($1)"
    sdk_python "$2" || status=1
    if [[ -n "${sdk_clone:-}" ]]; then asym reset "$sdk_clone" >/dev/null; fi
    echo "== Node ($1)"
    sdk_node "$3" || status=1
    return $status
}
