#!/usr/bin/env bash
# Regenerates backend/vendor/schema.graphql: the part of Linear's public schema that the @linear/sdk
# documents in documents.txt select (their fields, every argument of those fields and every
# input type those arguments reach), plus overlay.graphql for what sdk 98 selects that the
# published schema file lacks; and backend/vendor/unserved.txt, Linear's root fields it leaves
# out (a request naming one is told it is not implemented).
#   generate.sh <Linear's packages/sdk/src/schema.graphql>
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deps="$here/../.deps"
[ -d "$deps/node_modules/@linear/sdk" ] || (cd "$deps" && npm install --no-save @linear/sdk graphql >/dev/null)
scratch=$(mktemp -d); trap 'rm -rf "$scratch"' EXIT
# The SDK's documents, by name, from its bundle.
python3 - "$deps/node_modules/@linear/sdk/dist/index.mjs" "$scratch/docs.json" <<'PY'
import json, re, sys
src = open(sys.argv[1]).read()
docs = dict(re.findall(r'const (\w+) = new TypedDocumentString\(`(.*?)`', src, re.S))
json.dump(docs, open(sys.argv[2], "w"))
PY
# sdk 98 sends two arguments to projectCreate and one to documentDelete that the published
# file lacks.
python3 - "$1" "$scratch/schema.graphql" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace("  projectCreate(\n", "  projectCreate(\n    aiConversationId: String\n    projectDraftId: String\n", 1)
s = s.replace("  documentDelete(\n", "  documentDelete(\n    ifParentDocumentId: String\n", 1)
open(sys.argv[2], "w").write(s)
PY
cp "$here/subset.mjs" "$deps/subset.mjs"
node "$deps/subset.mjs" "$scratch/schema.graphql" "$scratch/docs.json" "$here/documents.txt" \
    "$here/overlay.graphql" "$here/../../backend/vendor/unserved.txt" \
    > "$here/../../backend/vendor/schema.graphql"
