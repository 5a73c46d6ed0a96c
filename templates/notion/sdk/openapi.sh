#!/usr/bin/env bash
# Writes OUT (default notion-openapi.json), an OpenAPI description of Notion's API made from
# its official Node SDK's types (openapi.mjs says how), for `asym verify notion --spec OUT`.
# Installs @notionhq/client (NOTION_NODE_VERSION picks a release, as run.sh) and
# ts-json-schema-generator into templates/notion/sdk/.deps (npm).
#
#   bash templates/notion/sdk/openapi.sh notion-openapi.json
#   cargo run -q -p asym-cli -- verify notion --spec notion-openapi.json
source "$(dirname "$0")/../../../scripts/sdk-lib.sh"
out=$(realpath -m "${1:-notion-openapi.json}")
sdk_npm @notionhq/client "@notionhq/client${NOTION_NODE_VERSION:+@$NOTION_NODE_VERSION}"
sdk_npm ts-json-schema-generator "ts-json-schema-generator@2"
cp "$here/openapi.mjs" "$deps/openapi.mjs"
node "$deps/openapi.mjs" "$deps/node_modules/@notionhq/client" "$out"
