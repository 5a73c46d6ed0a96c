#!/usr/bin/env bash
# Runs the SDK scenario suites: installs PyGithub, @octokit/rest and @octokit/auth-app into
# templates/github/sdk/.deps (PyPI, npm), spins a GitHub clone with the asym CLI (seed basic),
# runs scenario.py and scenario.mjs against it (only the base URL changed), destroys it.
# Each suite gets a fresh clone (both write to the fixture repository). Exits non-zero if
# either suite fails.
#
#   templates/github/sdk/run.sh
#
# The scenarios use the clone's admin surface (check.{py,mjs}'s `admin`, through the
# ASYM_ADMIN_URL and ASYM_ADMIN_SECRET sdk_spin exports) only for set-up GitHub does outside
# its API: rate limits switched on.
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
sdk_pip "PyGithub${PYGITHUB_VERSION:+==$PYGITHUB_VERSION}"
sdk_npm @octokit/rest "@octokit/rest${OCTOKIT_VERSION:+@$OCTOKIT_VERSION}"
sdk_npm @octokit/auth-app "@octokit/auth-app${OCTOKIT_AUTH_APP_VERSION:+@$OCTOKIT_AUTH_APP_VERSION}"

# A fresh clone: its base URL and tokens (the app's private key among them, a PEM) exported,
# and its admin surface.
spin() {
    sdk_spin github GITHUB_API_BASE GITHUB_TOKEN=token GITHUB_REVIEWER_TOKEN=reviewer GITHUB_APP_TOKEN=app \
        GITHUB_APP_ID=appId GITHUB_APP_INSTALLATION_ID=appInstallationId GITHUB_APP_PRIVATE_KEY=appPrivateKey
}

status=0
spin
echo "== Python / PyGithub ($GITHUB_API_BASE)"
sdk_python "$here/scenario.py" || status=1
spin
echo "== Node / @octokit/rest ($GITHUB_API_BASE)"
sdk_node "$here/scenario.mjs" || status=1
exit $status
