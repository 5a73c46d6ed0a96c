// Writes an OpenAPI 3.0 description of Notion's API from its official Node SDK, the only
// machine-readable shapes Notion publishes: every endpoint @notionhq/client defines
// (`api-endpoints.js`: method and path) answering 200 with the SDK's own `…Response` type, and
// any other status with Notion's error object. The types become JSON Schemas through
// ts-json-schema-generator; JSON Schema's `const` and `type: [T, "null"]` are written the
// OpenAPI 3.0 way (`enum`, `nullable`), and objects are closed or open as the SDK types them.
//
//   node openapi.mjs CLIENT_DIR OUT.json   (CLIENT_DIR: node_modules/@notionhq/client)
//
// `openapi.sh` installs both packages and runs it; `asym verify notion --spec OUT.json`
// scores the clone against what it writes.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createGenerator } from "ts-json-schema-generator";

const [clientDir, out] = process.argv.slice(2);
if (!clientDir || !out) {
  console.error("usage: node openapi.mjs CLIENT_DIR OUT.json");
  process.exit(2);
}
const version = JSON.parse(readFileSync(join(clientDir, "package.json"), "utf8")).version;
const endpoints = createRequire(import.meta.url)(join(clientDir, "build/src/api-endpoints.js"));

const definitions = createGenerator({
  path: join(clientDir, "build/src/api-endpoints.d.ts"),
  type: "*",
  expose: "export",
  jsDoc: "none",
  skipTypeCheck: true,
}).createSchema("*").definitions;

// JSON Schema (draft 7) as OpenAPI 3.0 reads it.
function openapi(schema) {
  if (Array.isArray(schema)) return schema.map(openapi);
  if (schema === null || typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref") out.$ref = value.replace("#/definitions/", "#/components/schemas/");
    else if (key === "const") out.enum = [value];
    else if (key === "type" && Array.isArray(value)) {
      const types = value.filter((t) => t !== "null");
      if (types.length < value.length) out.nullable = true;
      if (types.length === 1) out.type = types[0];
      else out.anyOf = types.map((type) => ({ type }));
    } else out[key] = openapi(value);
  }
  // An object the SDK leaves open (`Record<string, unknown> & {…}`) is written without
  // `additionalProperties`; `verify` reads that as closed, so it is said.
  if (out.properties && !("additionalProperties" in out)) out.additionalProperties = true;
  return out;
}

// Notion's error object (the SDK's APIResponseError reads these fields; `code` is one of its
// APIErrorCode values or the client errors').
const error = {
  type: "object",
  required: ["object", "status", "code", "message"],
  properties: {
    object: { type: "string", enum: ["error"] },
    status: { type: "integer" },
    code: { type: "string" },
    message: { type: "string" },
    request_id: { type: "string" },
    additional_data: { type: "object" },
  },
};

const schemas = Object.fromEntries(
  Object.entries(definitions).map(([name, schema]) => [name, openapi(schema)]),
);
schemas.NotionError = error;

const paths = {};
for (const [name, endpoint] of Object.entries(endpoints)) {
  if (!endpoint || typeof endpoint.path !== "function" || !endpoint.method) continue;
  const response = `${name[0].toUpperCase()}${name.slice(1)}Response`;
  if (!schemas[response]) continue;
  const params = Object.fromEntries((endpoint.pathParams ?? []).map((p) => [p, `{${p}}`]));
  const path = `/v1/${endpoint.path(params)}`;
  paths[path] ??= {};
  paths[path][endpoint.method] = {
    operationId: name,
    parameters: (endpoint.pathParams ?? []).map((p) => ({
      name: p,
      in: "path",
      required: true,
      schema: { type: "string" },
    })),
    responses: {
      200: {
        description: response,
        content: { "application/json": { schema: { $ref: `#/components/schemas/${response}` } } },
      },
      default: {
        description: "Notion's error object",
        content: { "application/json": { schema: { $ref: "#/components/schemas/NotionError" } } },
      },
    },
  };
}

const description = {
  openapi: "3.0.3",
  info: {
    title: `Notion API, from @notionhq/client ${version}'s types`,
    version: "2025-09-03",
  },
  servers: [{ url: "https://api.notion.com" }],
  paths,
  components: { schemas },
};
writeFileSync(out, JSON.stringify(description));
const operations = Object.values(paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
const count = Object.keys(schemas).length;
console.log(`${out}: ${operations} operations, ${count} schemas (@notionhq/client ${version})`);
