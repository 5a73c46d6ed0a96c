//! An OpenAPI 3.0 description: its operations, found by method and concrete path, and the
//! schema each describes for a response status.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use super::errata::Erratum;

/// One operation of the description: a method on a path template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Operation {
    /// `GET`, `POST`, …
    pub(crate) method: String,
    /// The path template as a client sends it, `/v1/customers/{customer}` (with the
    /// document's base path, as Slack's `/api/chat.postMessage`).
    pub(crate) path: String,
    /// Its key under the document's `paths`.
    #[serde(skip)]
    key: String,
    /// Its path parameters that may span several segments (GitHub marks them
    /// `x-multi-segment`: `/contents/{path}`, `/git/refs/{ref}`).
    #[serde(skip)]
    multi: Vec<String>,
    /// Which of the description's documents it is in.
    #[serde(skip)]
    document: usize,
}

/// What the description says of one response.
#[derive(Debug)]
pub(crate) enum Described<'a> {
    /// A JSON body with this schema.
    Body(&'a Value),
    /// No body (204, or a response described without content).
    Empty,
    /// A body that is not JSON (`text/plain`, …): not checked.
    Opaque,
    /// The operation has no response for this status, and no `default`.
    Undescribed,
}

/// A loaded description: one document, or several that together describe one product
/// (HubSpot publishes one per API). Each keeps its own `#/components`.
pub(crate) struct Description {
    documents: Vec<Value>,
    operations: Vec<Operation>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

impl Description {
    /// Reads a description from JSON or YAML files, with `errata` applied; also the errata
    /// that changed it.
    ///
    /// # Errors
    /// A sentence saying why a file is not an OpenAPI 3 description.
    pub(crate) fn load(
        paths: &[PathBuf],
        errata: &[Erratum],
    ) -> Result<(Self, Vec<Erratum>), String> {
        let mut documents = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let document: Value = match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(json) => serde_yaml_ng::from_str(&text).map_err(|yaml| {
                    format!(
                        "{} is neither JSON ({json}) nor YAML ({yaml})",
                        path.display()
                    )
                })?,
            };
            check(&document).map_err(|why| format!("{}: {why}", path.display()))?;
            documents.push(document);
        }
        let applied = super::errata::apply(&mut documents, errata);
        Ok((Self::new(documents)?, applied))
    }

    /// A description from its parsed documents; an operation two of them describe is
    /// taken from the first.
    ///
    /// # Errors
    /// When a document is not OpenAPI 3 or has no paths.
    pub(crate) fn new(documents: Vec<Value>) -> Result<Self, String> {
        let mut operations: Vec<Operation> = Vec::new();
        for (index, document) in documents.iter().enumerate() {
            let paths = check(document)?;
            let base = base_path(document);
            for (key, item) in paths {
                let path = format!("{base}{key}");
                for m in METHODS.iter().filter(|m| item.get(**m).is_some()) {
                    let method = m.to_ascii_uppercase();
                    if operations
                        .iter()
                        .any(|op| op.method == method && op.path == path)
                    {
                        continue;
                    }
                    operations.push(Operation {
                        method,
                        path: path.clone(),
                        key: key.clone(),
                        multi: multi_segment(document, item, &item[*m]),
                        document: index,
                    });
                }
            }
        }
        operations.sort();
        Ok(Self {
            documents,
            operations,
        })
    }

    /// The document `op` is in (its schemas refer into it).
    pub(crate) fn document(&self, op: &Operation) -> &Value {
        &self.documents[op.document]
    }

    /// The documents' `info.title`s, joined with ` + `.
    pub(crate) fn title(&self) -> String {
        let titles: Vec<&str> = self
            .documents
            .iter()
            .filter_map(|d| d.pointer("/info/title").and_then(Value::as_str))
            .collect();
        titles.join(" + ")
    }

    /// The first document's `info.version`: the API version it describes.
    pub(crate) fn version(&self) -> &str {
        self.documents
            .first()
            .and_then(|d| d.pointer("/info/version"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    /// Every operation, sorted by path then method.
    pub(crate) fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation serving `method` on the concrete `path` (query ignored): the template
    /// with the most literal segments wins (`/v1/customers/search` over
    /// `/v1/customers/{customer}`); a multi-segment parameter takes one or more segments.
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split('?').next().unwrap_or(path);
        let sent: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| matches(op, &sent).map(|score| (score, op)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, op)| op)
    }

    /// What `op` describes for `status`: the exact code, then its class (`4XX`), then
    /// `default`; `default` first for an answer that is an `error` whatever its status.
    pub(crate) fn response(&self, op: &Operation, status: u16, error: bool) -> Described<'_> {
        let document = self.document(op);
        let responses = document
            .get("paths")
            .and_then(|p| p.get(&op.key))
            .and_then(|item| item.get(op.method.to_ascii_lowercase()))
            .and_then(|o| o.get("responses"));
        let Some(responses) = responses else {
            return Described::Undescribed;
        };
        let class = format!("{}XX", status / 100);
        let mut keys = [status.to_string(), class, "default".into()];
        if error {
            keys.rotate_right(1);
        }
        let found = keys.iter().find_map(|key| responses.get(key));
        let Some(mut response) = found else {
            return Described::Undescribed;
        };
        for _ in 0..8 {
            match response.get("$ref").and_then(Value::as_str) {
                Some(target) => match target.strip_prefix('#').and_then(|p| document.pointer(p)) {
                    Some(next) => response = next,
                    None => return Described::Empty,
                },
                None => break,
            }
        }
        if let Some(schema) = response.get("schema") {
            return Described::Body(schema); // Swagger 2: the schema sits on the response.
        }
        let Some(content) = response.get("content").and_then(Value::as_object) else {
            return Described::Empty;
        };
        content
            .iter()
            .find(|(media, _)| media.contains("json"))
            .and_then(|(_, media)| media.get("schema"))
            .map_or(Described::Opaque, Described::Body)
    }
}

/// The paths of an OpenAPI 3 or Swagger 2 document.
fn check(document: &Value) -> Result<&serde_json::Map<String, Value>, String> {
    let openapi = document.get("openapi").and_then(Value::as_str);
    let swagger = document.get("swagger").and_then(Value::as_str);
    if !openapi.is_some_and(|v| v.starts_with("3.")) && swagger != Some("2.0") {
        return Err(format!(
            "not an OpenAPI 3 or Swagger 2 description (openapi: {openapi:?}, swagger: \
             {swagger:?})"
        ));
    }
    document
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| "the description has no paths".to_owned())
}

/// The path every operation of `document` is under: Swagger 2's `basePath`, or the path of
/// OpenAPI 3's first server URL; without a trailing slash.
fn base_path(document: &Value) -> String {
    let base = match document.get("basePath").and_then(Value::as_str) {
        Some(base) => base,
        None => document
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .map_or("", |url| match url.split_once("://") {
                Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
                None => url,
            }),
    };
    base.trim_end_matches('/').to_owned()
}

/// The names of an operation's path parameters marked `x-multi-segment`.
fn multi_segment(document: &Value, item: &Value, operation: &Value) -> Vec<String> {
    let listed = |v: &Value| v.get("parameters").and_then(Value::as_array).cloned();
    let mut parameters = listed(item).unwrap_or_default();
    parameters.extend(listed(operation).unwrap_or_default());
    parameters
        .iter()
        .filter_map(|p| match p.get("$ref").and_then(Value::as_str) {
            Some(target) => target.strip_prefix('#').and_then(|t| document.pointer(t)),
            None => Some(p),
        })
        .filter(|p| p.get("in") == Some(&Value::from("path")))
        .filter(|p| p.get("x-multi-segment") == Some(&Value::Bool(true)))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect()
}

/// How well `op`'s template matches the sent segments: the number of its literal segments,
/// or `None` when it does not match.
fn matches(op: &Operation, sent: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = op.path.trim_end_matches('/').split('/').collect();
    walk(&parts, sent, &op.multi)
}

fn walk(parts: &[&str], sent: &[&str], multi: &[String]) -> Option<usize> {
    let (Some((part, parts)), Some((segment, _))) = (parts.split_first(), sent.split_first())
    else {
        return (parts.is_empty() && sent.is_empty()).then_some(0);
    };
    let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
        return (part == segment)
            .then(|| walk(parts, &sent[1..], multi).map(|n| n + 1))
            .flatten();
    };
    if segment.is_empty() {
        return None;
    }
    let most = if multi.iter().any(|m| m == name) {
        sent.len().saturating_sub(parts.len()).max(1)
    } else {
        1
    };
    (1..=most).find_map(|take| walk(parts, &sent[take..], multi))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn description() -> Description {
        let ok = json!({"200": {"content": {"application/json": {"schema": {"type": "object"}}}},
                        "default": {"$ref": "#/components/responses/error"}});
        Description::new(vec![json!({
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/v1/customers/{customer}": {"get": {"responses": ok}, "delete": {"responses": {"204": {}}}},
                "/v1/customers/search": {"get": {"responses": {"200": {}}}},
                "/repos/{owner}/{repo}/contents/{path}": {"get": {"responses": {"200": {}},
                    "parameters": [{"$ref": "#/components/parameters/path"}]}},
                "/repos/{owner}/{repo}": {"get": {"responses": {"200": {}}}},
                "/zen": {"get": {"responses": {"200": {"content": {"text/plain": {}}}}}},
            },
            "components": {
                "parameters": {"path": {"name": "path", "in": "path", "x-multi-segment": true}},
                "responses": {"error": {"content": {"application/json": {"schema": {"type": "string"}}}}}}
        })])
        .unwrap()
    }

    #[test]
    fn concrete_paths_find_their_operation() {
        let d = description();
        for (method, concrete, template) in [
            (
                "GET",
                "/v1/customers/cus_1?expand[]=x",
                Some("/v1/customers/{customer}"),
            ),
            ("GET", "/v1/customers/search", Some("/v1/customers/search")),
            (
                "DELETE",
                "/v1/customers/cus_1",
                Some("/v1/customers/{customer}"),
            ),
            ("POST", "/v1/customers/cus_1", None),
            ("GET", "/v1/customers", None),
            (
                "GET",
                "/repos/o/r/contents/docs/a.md",
                Some("/repos/{owner}/{repo}/contents/{path}"),
            ),
            ("GET", "/repos/o/r", Some("/repos/{owner}/{repo}")),
            // Only marked parameters span segments.
            ("GET", "/repos/o/r/statuses/abc", None),
        ] {
            let found = d.find(method, concrete).map(|op| op.path.as_str());
            assert_eq!(found, template, "{method} {concrete}");
        }
    }

    #[test]
    fn responses_by_status_then_class_then_default() {
        let d = description();
        let get = d.find("GET", "/v1/customers/c").unwrap().clone();
        assert!(
            matches!(d.response(&get, 200, false), Described::Body(s) if s == &json!({"type": "object"}))
        );
        assert!(
            matches!(d.response(&get, 404, false), Described::Body(s) if s == &json!({"type": "string"}))
        );
        let delete = d.find("DELETE", "/v1/customers/c").unwrap().clone();
        assert!(matches!(d.response(&delete, 204, false), Described::Empty));
        assert!(matches!(
            d.response(&delete, 404, false),
            Described::Undescribed
        ));
        assert!(
            matches!(d.response(&get, 200, true), Described::Body(s) if s == &json!({"type": "string"})),
            "an error at 200 is checked against default"
        );
        let zen = d.find("GET", "/zen").unwrap().clone();
        assert!(matches!(d.response(&zen, 200, false), Described::Opaque));
    }

    #[test]
    fn several_documents_describe_one_product_each_with_its_components() {
        let doc = |path: &str, schema: &str| {
            json!({"openapi": "3.0.0", "info": {"title": path, "version": "v3"},
                "paths": {path: {"get": {"responses": {"200": {"$ref": "#/components/responses/ok"}}}}},
                "components": {"responses": {"ok": {"content": {"application/json": {"schema": {"type": schema}}}}}}})
        };
        let d = Description::new(vec![
            doc("/a", "object"),
            doc("/b", "array"),
            doc("/a", "string"),
        ])
        .unwrap();
        assert_eq!(d.operations().len(), 2, "the first document's /a is kept");
        assert_eq!((d.title().as_str(), d.version()), ("/a + /b + /a", "v3"));
        let b = d.find("GET", "/b").unwrap().clone();
        assert!(
            matches!(d.response(&b, 200, false), Described::Body(s) if s == &json!({"type": "array"}))
        );
        let a = d.find("GET", "/a").unwrap().clone();
        assert!(
            matches!(d.response(&a, 200, false), Described::Body(s) if s == &json!({"type": "object"}))
        );
    }

    #[test]
    fn swagger_2_paths_sit_under_the_base_path_with_schemas_on_responses() {
        let d = Description::new(vec![json!({"swagger": "2.0", "basePath": "/api",
            "paths": {"/chat.postMessage": {"post": {"responses": {"200": {"schema": {"type": "object"}}}}}}})])
        .unwrap();
        let op = d.find("POST", "/api/chat.postMessage").unwrap().clone();
        assert_eq!(op.path, "/api/chat.postMessage");
        assert!(
            matches!(d.response(&op, 200, false), Described::Body(s) if s == &json!({"type": "object"}))
        );
        assert!(d.find("POST", "/chat.postMessage").is_none());
        let server = |url: &str| base_path(&json!({"servers": [{"url": url}]}));
        assert_eq!(server("https://api.stripe.com/"), "");
        assert_eq!(server("https://example.com/v2/"), "/v2");
        assert_eq!(server("/rest"), "/rest");
    }

    #[test]
    fn only_openapi_3_and_swagger_2_are_taken() {
        assert!(Description::new(vec![json!({"swagger": "1.2", "paths": {}})]).is_err());
        assert!(Description::new(vec![json!({"openapi": "3.1.0"})]).is_err());
    }
}
