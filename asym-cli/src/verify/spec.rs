//! An OpenAPI 3.0 description: its operations, found by method and concrete path, and the
//! schema each describes for a response status.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

/// One operation of the description: a method on a path template.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Operation {
    /// `GET`, `POST`, …
    pub(crate) method: String,
    /// The path template, `/v1/customers/{customer}`.
    pub(crate) path: String,
}

/// What the description says of one response.
#[derive(Debug)]
pub(crate) enum Described<'a> {
    /// A JSON body with this schema.
    Body(&'a Value),
    /// No body (204, or a response without JSON content).
    Empty,
    /// The operation has no response for this status, and no `default`.
    Undescribed,
}

/// A loaded description.
pub(crate) struct Description {
    document: Value,
    operations: Vec<Operation>,
}

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

impl Description {
    /// Reads a description from a JSON or YAML file.
    ///
    /// # Errors
    /// A sentence saying why the file is not an OpenAPI 3 description.
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
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
        Self::new(document).map_err(|why| format!("{}: {why}", path.display()))
    }

    /// A description from its parsed document.
    ///
    /// # Errors
    /// When the document is not OpenAPI 3 or has no paths.
    pub(crate) fn new(document: Value) -> Result<Self, String> {
        let version = document.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !version.starts_with("3.") {
            return Err(format!(
                "not an OpenAPI 3 description (openapi: {version:?})"
            ));
        }
        let paths = document
            .get("paths")
            .and_then(Value::as_object)
            .ok_or("the description has no paths")?;
        let mut operations: Vec<Operation> = paths
            .iter()
            .flat_map(|(path, item)| {
                METHODS
                    .iter()
                    .filter(|m| item.get(**m).is_some())
                    .map(|m| Operation {
                        method: m.to_ascii_uppercase(),
                        path: path.clone(),
                    })
            })
            .collect();
        operations.sort();
        Ok(Self {
            document,
            operations,
        })
    }

    /// The whole document (schemas refer into it).
    pub(crate) fn document(&self) -> &Value {
        &self.document
    }

    /// `info.title` and `info.version`.
    pub(crate) fn info(&self) -> (&str, &str) {
        let info = |key: &str| {
            self.document
                .pointer(&format!("/info/{key}"))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        (info("title"), info("version"))
    }

    /// Every operation, sorted by path then method.
    pub(crate) fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The operation serving `method` on the concrete `path` (query ignored): the template
    /// with the most literal segments wins (`/v1/customers/search` over
    /// `/v1/customers/{customer}`); a template ending in a parameter takes the rest of a
    /// longer path (GitHub's `/contents/{path}`).
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let path = path.split('?').next().unwrap_or(path);
        let sent: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| matches(&op.path, &sent).map(|score| (score, op)))
            .max_by_key(|(score, _)| *score)
            .map(|(_, op)| op)
    }

    /// What `op` describes for `status`: the exact code, then its class (`4XX`), then
    /// `default`.
    pub(crate) fn response(&self, op: &Operation, status: u16) -> Described<'_> {
        let responses = self
            .document
            .get("paths")
            .and_then(|p| p.get(&op.path))
            .and_then(|item| item.get(op.method.to_ascii_lowercase()))
            .and_then(|o| o.get("responses"));
        let Some(responses) = responses else {
            return Described::Undescribed;
        };
        let class = format!("{}XX", status / 100);
        let found = [status.to_string(), class, "default".into()]
            .iter()
            .find_map(|key| responses.get(key));
        let Some(mut response) = found else {
            return Described::Undescribed;
        };
        for _ in 0..8 {
            match response.get("$ref").and_then(Value::as_str) {
                Some(target) => match target.strip_prefix('#').and_then(|p| self.document.pointer(p)) {
                    Some(next) => response = next,
                    None => return Described::Empty,
                },
                None => break,
            }
        }
        let content = response.get("content").and_then(Value::as_object);
        let schema = content.and_then(|c| {
            c.iter()
                .find(|(media, _)| media.contains("json"))
                .and_then(|(_, media)| media.get("schema"))
        });
        schema.map_or(Described::Empty, Described::Body)
    }
}

/// How well `template` matches the sent segments: the number of literal segments, or
/// `None` when it does not match.
fn matches(template: &str, sent: &[&str]) -> Option<usize> {
    let parts: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let is_param = |p: &str| p.starts_with('{') && p.ends_with('}');
    let rest = parts.last().is_some_and(|p| is_param(p)) && sent.len() > parts.len();
    if parts.len() != sent.len() && !rest {
        return None;
    }
    let mut literal = 0;
    for (part, segment) in parts.iter().zip(sent) {
        if is_param(part) {
            if segment.is_empty() {
                return None;
            }
        } else if part == segment {
            literal += 1;
        } else {
            return None;
        }
    }
    Some(literal * 2 + usize::from(!rest))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn description() -> Description {
        let ok = json!({"200": {"content": {"application/json": {"schema": {"type": "object"}}}},
                        "default": {"$ref": "#/components/responses/error"}});
        Description::new(json!({
            "openapi": "3.0.0",
            "info": {"title": "T", "version": "1"},
            "paths": {
                "/v1/customers/{customer}": {"get": {"responses": ok}, "delete": {"responses": {"204": {}}}},
                "/v1/customers/search": {"get": {"responses": {"200": {}}}},
                "/repos/{owner}/{repo}/contents/{path}": {"get": {"responses": {"200": {}}}},
            },
            "components": {"responses": {"error": {"content": {"application/json": {"schema": {"type": "string"}}}}}}
        }))
        .unwrap()
    }

    #[test]
    fn concrete_paths_find_their_operation() {
        let d = description();
        let path = |m: &str, p: &str| d.find(m, p).map(|op| op.path.clone());
        assert_eq!(path("GET", "/v1/customers/cus_1?expand[]=x").as_deref(), Some("/v1/customers/{customer}"));
        assert_eq!(path("GET", "/v1/customers/search").as_deref(), Some("/v1/customers/search"));
        assert_eq!(path("DELETE", "/v1/customers/cus_1").as_deref(), Some("/v1/customers/{customer}"));
        assert_eq!(path("POST", "/v1/customers/cus_1"), None);
        assert_eq!(path("GET", "/v1/customers"), None);
        assert_eq!(
            path("GET", "/repos/o/r/contents/docs/a.md").as_deref(),
            Some("/repos/{owner}/{repo}/contents/{path}")
        );
    }

    #[test]
    fn responses_by_status_then_class_then_default() {
        let d = description();
        let get = d.find("GET", "/v1/customers/c").unwrap().clone();
        assert!(matches!(d.response(&get, 200), Described::Body(s) if s == &json!({"type": "object"})));
        assert!(matches!(d.response(&get, 404), Described::Body(s) if s == &json!({"type": "string"})));
        let delete = d.find("DELETE", "/v1/customers/c").unwrap().clone();
        assert!(matches!(d.response(&delete, 204), Described::Empty));
        assert!(matches!(d.response(&delete, 404), Described::Undescribed));
    }

    #[test]
    fn only_openapi_3_is_taken() {
        assert!(Description::new(json!({"swagger": "2.0", "paths": {}})).is_err());
    }
}
