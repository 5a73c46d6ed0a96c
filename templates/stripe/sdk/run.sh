#!/usr/bin/env bash
# Runs the SDK scenario suites: installs Stripe's official Python and Node SDKs into
# templates/stripe/sdk/.deps (PyPI, npm), spins a Stripe clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base address changed), destroys it.
# Exits non-zero if either suite fails.
#
#   templates/stripe/sdk/run.sh
#   STRIPE_API_BASE=http://127.0.0.1:3600 STRIPE_SECRET_KEY=sk_test_… ASYM_ADMIN_SECRET=… \
#     templates/stripe/sdk/run.sh   # existing clone
#
# The scenarios use the clone's admin surface (ASYM_ADMIN_SECRET, `asym admin <id> --secret`)
# only for set-up Stripe does outside its API: rate limits switched on, checkout sessions
# completed (what a customer does on Checkout's page).
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
sdk_pip "stripe${STRIPE_PYTHON_VERSION:+==$STRIPE_PYTHON_VERSION}"
sdk_npm stripe "stripe${STRIPE_NODE_VERSION:+@$STRIPE_NODE_VERSION}"
[[ -n "${STRIPE_API_BASE:-}" ]] || sdk_spin stripe STRIPE_API_BASE STRIPE_SECRET_KEY=secretKey
export STRIPE_API_BASE STRIPE_SECRET_KEY

sdk_suites "$STRIPE_API_BASE" "$here/scenario.py" "$here/scenario.mjs"
