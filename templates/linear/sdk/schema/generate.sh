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
# sdk 98 sends two arguments to projectCreate, one to documentDelete, `replaceTeamLabels` to
# projectLabelCreate and projectLabelUpdate, and two to emojis (`filter`, `sort`, of input
# types typed from the SDK's generated TypeScript) that the published file lacks.
python3 - "$1" "$scratch/schema.graphql" <<'PY'
import sys
s = open(sys.argv[1]).read()
s = s.replace("  projectCreate(\n", "  projectCreate(\n    aiConversationId: String\n    projectDraftId: String\n", 1)
s = s.replace("  documentDelete(\n", "  documentDelete(\n    ifParentDocumentId: String\n", 1)
for mutation in ("projectLabelCreate", "projectLabelUpdate"):
    s = s.replace(f"  {mutation}(\n", f"  {mutation}(\n    \"Whether to replace all team-specific labels with the same name with this workspace label (default: false).\"\n    replaceTeamLabels: Boolean\n", 1)
s = s.replace("  emojis(\n", "  emojis(\n    \"Filter returned emojis.\"\n    filter: EmojiFilter\n    \"Sort returned emojis.\"\n    sort: [EmojiSortInput!]\n", 1)
s += """
"Custom emoji filtering options."
input EmojiFilter {
  "Compound filters, all of which need to be matched by the emoji."
  and: [EmojiFilter!]
  "Comparator for the created at date."
  createdAt: DateComparator
  "Comparator for the identifier."
  id: IDComparator
  "Comparator for the emoji name."
  name: StringComparator
  "Compound filters, one of which needs to be matched by the emoji."
  or: [EmojiFilter!]
  "Comparator for the updated at date."
  updatedAt: DateComparator
}
"Custom emoji sorting options."
input EmojiSortInput {
  "Sort by emoji creation date."
  createdAt: EmojiCreatedAtSort
}
"Emoji creation date sorting options."
input EmojiCreatedAtSort {
  "Whether nulls should be sorted first or last"
  nulls: PaginationNulls
  "The order for the individual sort"
  order: PaginationSortOrder
}
"""
open(sys.argv[2], "w").write(s)
PY
cp "$here/subset.mjs" "$deps/subset.mjs"
node "$deps/subset.mjs" "$scratch/schema.graphql" "$scratch/docs.json" "$here/documents.txt" \
    "$here/overlay.graphql" "$here/../../backend/vendor/unserved.txt" \
    > "$here/../../backend/vendor/schema.graphql"
