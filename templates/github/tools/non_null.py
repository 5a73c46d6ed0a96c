"""Writes backend/src/non_null.rs: the top-level body fields GitHub's REST description
(@octokit/openapi's generated/api.github.com.json) declares without `nullable`, and those of
the objects among them (`author.name`, `config.url`, `output.title`), and the items of the
arrays among them (`labels[]`), for each operation the clone routes (read from
backend/src/lib.rs). GitHub validates request bodies against that schema, so `null` for such a
field is its 422 `For 'properties/<field>', nil is not <type>.`, and a `null` item of such an
array `For 'items', nil is not <type>.` (an item of several types names them all: `a string or
object`, as GitHub answered an issue's `labels: [null]`, gitalk/gitalk#251).

    npm pack @octokit/openapi@23.0.2 && tar xzf octokit-openapi-23.0.2.tgz
    python3 templates/github/tools/non_null.py package/generated/api.github.com.json
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, "..", "backend", "src", "lib.rs")
OUT = os.path.join(HERE, "..", "backend", "src", "non_null.rs")
ARTICLE = {"string": "a string", "integer": "an integer", "boolean": "a boolean",
           "array": "an array", "object": "an object", "number": "a number"}


def normal(path):
    return re.sub(r"\{[^}]*\}", "{}", path)


# Routes lib.rs does not spell out: `activity::routes` builds the reaction routes in a loop.
BUILT = {("POST", f"/repos/{{}}/{{}}/{on}/{{}}/reactions")
         for on in ("issues", "issues/comments", "pulls/comments", "comments")}


def routed():
    """(METHOD, normalized path) of every route in lib.rs, and those built elsewhere."""
    text = open(LIB).read()
    out = set(BUILT)
    repo = text[text.index("fn repo_routes()"):]
    top = text[:text.index("fn repo_routes()")]
    for prefix, part in (("", top), ("/repos/{}/{}", repo)):
        for m in re.finditer(r'\.route\(\s*"([^"]+)",\s*((?:[^()]|\([^()]*\))*)\)', part):
            path, handlers = m.group(1), m.group(2)
            path = prefix + ("" if path == "/" and prefix else path)
            for method in re.findall(r"\b(get|post|put|patch|delete)\(", handlers):
                out.add((method.upper(), normal(path)))
    return out


def main(spec_path):
    spec = json.load(open(spec_path))

    def resolve(node):
        while isinstance(node, dict) and "$ref" in node:
            target = spec
            for part in node["$ref"].split("/")[1:]:
                target = target[part]
            node = target
        return node

    def kind(node):
        """The type `null` is checked against, or None when `null` is allowed or unknown."""
        node = resolve(node)
        if node.get("nullable") or "null" in (node.get("type") or []):
            return None
        choices = node.get("oneOf") or node.get("anyOf")
        if choices:
            choices = [resolve(c) for c in choices]
            if any(c.get("nullable") or c.get("type") == "null" for c in choices):
                return None
            return kind(choices[0])
        t = node.get("type")
        return ARTICLE.get(t) if isinstance(t, str) else None

    def item_kind(node):
        """The type(s) a `null` item of the array `node` is checked against, or None."""
        items = resolve(resolve(node).get("items", {}))
        if items.get("nullable"):
            return None
        choices = [resolve(c) for c in items.get("oneOf") or items.get("anyOf") or []]
        if not choices:
            return kind(items)
        if any(c.get("nullable") or c.get("type") == "null" for c in choices):
            return None
        types = [c.get("type") for c in choices]
        if not all(isinstance(t, str) and t in ARTICLE for t in types):
            return None
        types = list(dict.fromkeys(types))
        return " or ".join([ARTICLE[types[0]]] + types[1:])

    def nested(schema, prefix, depth=0):
        """(dotted path, kind) of each property of an object schema, and of its object
        properties' own properties (GitHub's schema checks them too: `author.name` null is
        `For 'properties/name', nil is not a string.`), three levels deep at most."""
        for name, prop in schema.get("properties", {}).items():
            yield prefix + name, kind(prop)
            inner = resolve(prop)
            if inner.get("type") == "array":
                yield f"{prefix}{name}[]", item_kind(inner)
            if depth < 2 and inner.get("type") == "object" and "properties" in inner:
                yield from nested(inner, f"{prefix}{name}.", depth + 1)

    routes = routed()
    rows = []
    for path, item in sorted(spec["paths"].items()):
        for method, op in sorted(item.items()):
            key = (method.upper(), normal(path))
            if key not in routes or not isinstance(op, dict):
                continue
            body = op.get("requestBody", {})
            schema = resolve(body.get("content", {}).get("application/json", {}).get("schema", {}))
            fields = [(n, k) for n, k in nested(schema, "") if k]
            if fields:
                rows.append((key, fields))
    with open(OUT, "w") as out:
        out.write("//! Generated by `templates/github/tools/non_null.py` from @octokit/openapi's\n")
        out.write("//! description of api.github.com: for each operation the clone routes (method, path\n")
        out.write("//! with its parameters as `{}`), the body fields that may not be `null` (a nested one by\n")
        out.write("//! its dotted path, an array's items as `name[]`), with\n")
        out.write("//! the type GitHub's 422 names. Do not edit; run the script.\n\n")
        out.write("/// A body field that may not be `null`: its name (`author.name` inside `author`, `labels[]`\n")
        out.write("/// the items of `labels`) and the\n")
        out.write("/// type GitHub's 422 names.\n")
        out.write("pub(crate) type Field = (&'static str, &'static str);\n\n")
        out.write("/// An operation: its method, its path (parameters as `{}`) and its fields.\n")
        out.write("pub(crate) type Operation = (&'static str, &'static str, &'static [Field]);\n\n")
        out.write("/// The operations with such fields, sorted by path (one a line).\n")
        out.write("#[rustfmt::skip]\n")
        out.write("pub(crate) const FIELDS: &[Operation] = &[\n")
        for (method, path), fields in rows:
            items = ", ".join(f'("{n}", "{k}")' for n, k in fields)
            out.write(f'    ("{method}", "{path}", &[{items}]),\n')
        out.write("];\n")
    print(f"{len(rows)} operations of {len(routes)} routes")


main(sys.argv[1])
