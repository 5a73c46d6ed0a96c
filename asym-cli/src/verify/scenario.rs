//! A scenario: requests over every route a clone implements, later ones using ids from
//! earlier answers, each answer checked against the description.
//!
//! A scenario is a JSON file (`scenarios/<template>.json`, built in):
//!
//! ```json
//! {"auth": {"token": "token", "scheme": "Bearer"},
//!  "headers": {"Stripe-Version": "{version}"},
//!  "steps": [
//!    {"method": "POST", "path": "/v1/notes", "json": {"title": "a"}, "save": {"note": "/id"}},
//!    {"method": "GET", "path": "/v1/notes/{note}"}]}
//! ```
//!
//! `{name}` in a path, a header or a body string is a value saved by an earlier step (`save`
//! maps names to JSON pointers into its answer), `{version}`, the API version requested, or
//! `{tomorrow}`, a day from now in Unix seconds. A JSON body string that is one placeholder
//! and nothing else takes a saved number as a number.
//! A body is `json`, `form` (pairs, sent `application/x-www-form-urlencoded`) or `multipart`
//! (parts sent `multipart/form-data`: `{"name", "value"}`, a file when it has a `filename`,
//! with its `contentType`). A step may name another of the clone's tokens with `"token"` (or
//! a token an earlier step minted and saved: `"token": "{installation}"`), sign its own JWT
//! with `"jwt": {"key": "appPrivateKey", "iss": "appId"}` (RS256 with the clone's PEM key,
//! sent `Bearer`), and send its token as a query parameter instead of the `Authorization`
//! header with `"tokenParam"` (HubSpot's developer API key, `?hapikey=`).
//!
//! Redirects are not followed: a step's answer is the clone's own (its 3xx and `Location`),
//! and no request leaves the clone for the address a redirect names.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::schema::{Checker, Kind, Violation};
use super::spec::{Described, Description, Operation};

/// A built-in scenario.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Scenario {
    auth: Auth,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    /// Marks an answer that is an error whatever its status, checked against the
    /// operation's `default` response (Slack answers errors `200 {"ok": false}`).
    #[serde(default)]
    error: Option<Marker>,
    /// Marks the answer for a route the clone does not have, besides a 404 (Slack's
    /// `{"error": "unknown_method"}`).
    #[serde(default)]
    unknown: Option<Marker>,
    steps: Vec<Step>,
}

/// A value at a JSON pointer of an answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Marker {
    pointer: String,
    value: Value,
}

impl Marker {
    fn marks(marker: Option<&Self>, body: &str) -> bool {
        marker.is_some_and(|m| {
            serde_json::from_str::<Value>(body)
                .is_ok_and(|answer| answer.pointer(&m.pointer) == Some(&m.value))
        })
    }
}

/// `Authorization: <scheme> <the clone's token named token>`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Auth {
    token: String,
    scheme: String,
}

/// One request of a scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Step {
    pub(super) method: String,
    pub(super) path: String,
    #[serde(default)]
    pub(super) json: Option<Value>,
    /// A body sent as it is, as JSON (only `--fuzz` makes one: a body that is not JSON).
    #[serde(skip)]
    pub(super) raw: Option<String>,
    #[serde(default)]
    pub(super) form: Option<Vec<(String, String)>>,
    #[serde(default)]
    pub(super) save: BTreeMap<String, String>,
    #[serde(default)]
    multipart: Option<Vec<Part>>,
    #[serde(default)]
    token: Option<String>,
    #[serde(default, rename = "tokenParam")]
    token_param: Option<String>,
    #[serde(default)]
    jwt: Option<Jwt>,
}

/// A JWT a step signs for itself (RS256) with the clone's token named `key`, a PEM private
/// key, its `iss` the clone's token named `iss`, issued a minute ago and good for nine: a
/// GitHub App's credential.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Jwt {
    key: String,
    iss: String,
}

impl Jwt {
    /// The signed JWT, from the clone's PEM `pem` and issuer `iss`.
    fn sign(&self, pem: &str, iss: &str) -> Result<String, String> {
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|e| format!("the token {} as an RSA private key in PEM ({e})", self.key))?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| e.to_string())?
            .as_secs();
        let claims = serde_json::json!({"iat": now - 60, "exp": now + 540, "iss": iss});
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        jsonwebtoken::encode(&header, &claims, &key).map_err(|e| format!("a JWT ({e})"))
    }
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    name: String,
    value: String,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default, rename = "contentType")]
    content_type: Option<String>,
}

/// The boundary between parts: no scenario's value holds it.
const BOUNDARY: &str = "asym-verify-7f3c9a1e";

/// `parts` (their values filled) as a `multipart/form-data` body.
fn multipart(parts: &[Part], vars: &HashMap<String, Value>) -> Result<String, String> {
    let mut body = String::new();
    for part in parts {
        body.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"",
            part.name
        ));
        if let Some(filename) = &part.filename {
            body.push_str(&format!("; filename=\"{filename}\""));
        }
        body.push_str("\r\n");
        if let Some(content_type) = &part.content_type {
            body.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        body.push_str(&format!("\r\n{}\r\n", fill(&part.value, vars)?));
    }
    body.push_str(&format!("--{BOUNDARY}--\r\n"));
    Ok(body)
}

/// One step's answer and what is wrong with it.
#[derive(Debug, Serialize)]
pub(crate) struct Outcome {
    /// The method sent.
    pub(crate) method: String,
    /// The path sent (with its query).
    pub(crate) path: String,
    /// The description's operation it matched.
    pub(crate) operation: Option<Operation>,
    /// The answer's status (none when the step was skipped).
    pub(crate) status: Option<u16>,
    /// Deviations from the description; empty when valid.
    pub(crate) violations: Vec<Violation>,
    /// Whether the answer says the clone has no such route (404, or the scenario's
    /// `unknown` marker).
    #[serde(skip)]
    pub(crate) unknown: bool,
}

impl Scenario {
    /// Parses a scenario file.
    ///
    /// # Errors
    /// When `text` is not a scenario (a built-in one that fails is a bug: see its test).
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("the scenario is malformed: {e}"))
    }

    /// Sends every step to `base` with the clone's `tokens`, checking each answer against
    /// `description`; `version` fills `{version}`.
    ///
    /// # Errors
    /// When a request cannot be sent or its answer read (the clone is gone or broken).
    pub(crate) async fn run(
        &self,
        base: &str,
        tokens: &BTreeMap<String, String>,
        description: &Description,
        version: &str,
    ) -> Result<Vec<Outcome>, String> {
        let client = client()?;
        let mut vars = builtins(version);
        let mut outcomes = Vec::with_capacity(self.steps.len());
        for step in &self.steps {
            let outcome = match self.request(&client, base, tokens, step, &vars) {
                Ok(request) => {
                    let path = format!("{}{}", url_path(base), fill(&step.path, &vars)?);
                    let (status, body) = send(request).await?;
                    if let Ok(answer) = serde_json::from_str::<Value>(&body) {
                        save(&step.save, &answer, &mut vars);
                    }
                    let error = Marker::marks(self.error.as_ref(), &body);
                    judge(description, &step.method, path, (status, error), &body)
                }
                Err(missing) => Outcome {
                    method: step.method.clone(),
                    path: format!("{}{}", url_path(base), step.path),
                    operation: description
                        .find(&step.method, &format!("{}{}", url_path(base), step.path))
                        .cloned(),
                    status: None,
                    unknown: false,
                    violations: vec![Violation {
                        kind: Kind::StepSkipped,
                        at: String::new(),
                        expected: format!("{missing} (from an earlier answer or the clone)"),
                        found: "none".into(),
                    }],
                },
            };
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Sends each of `operations` once, with no body and `asym-probe` for every path
    /// parameter, checking each answer against `description`: a clone that does not
    /// implement an operation should answer with its product's error (a 404 the description
    /// describes); one that answers 2xx implements it and the scenario misses it.
    ///
    /// # Errors
    /// When a request cannot be sent or its answer read.
    pub(crate) async fn probe(
        &self,
        base: &str,
        tokens: &BTreeMap<String, String>,
        description: &Description,
        operations: &[Operation],
        version: &str,
    ) -> Result<Vec<Outcome>, String> {
        let client = client()?;
        let vars = builtins(version);
        let mut outcomes = Vec::with_capacity(operations.len());
        for op in operations {
            let relative = op.path.strip_prefix(url_path(base)).unwrap_or(&op.path);
            let step = Step {
                method: op.method.clone(),
                path: relative
                    .split('/')
                    .map(|s| if s.starts_with('{') { "asym-probe" } else { s })
                    .collect::<Vec<_>>()
                    .join("/"),
                json: None,
                raw: None,
                form: None,
                multipart: None,
                save: BTreeMap::new(),
                token: None,
                token_param: None,
                jwt: None,
            };
            let request = self.request(&client, base, tokens, &step, &vars)?;
            let (status, body) = send(request).await?;
            let sent = format!("{}{}", url_path(base), step.path);
            let error = Marker::marks(self.error.as_ref(), &body);
            let mut outcome = judge(description, &step.method, sent, (status, error), &body);
            outcome.unknown = status == 404 || Marker::marks(self.unknown.as_ref(), &body);
            // The probe path can fit a more literal template; it stands for `op`.
            outcome.operation = Some(op.clone());
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Its steps, in order.
    pub(super) fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The credential `step` sends: a JWT it signs, a token an earlier step minted
    /// (`"token": "{saved}"`), or the clone's token it names (the scenario's by default).
    fn credential(
        &self,
        tokens: &BTreeMap<String, String>,
        step: &Step,
        vars: &HashMap<String, Value>,
    ) -> Result<String, String> {
        let named = |name: &str| {
            tokens
                .get(name)
                .cloned()
                .ok_or_else(|| format!("a token named {name}"))
        };
        if let Some(jwt) = &step.jwt {
            return jwt.sign(&named(&jwt.key)?, &named(&jwt.iss)?);
        }
        match step.token.as_deref() {
            Some(minted) if minted.starts_with('{') => fill(minted, vars),
            name => named(name.unwrap_or(&self.auth.token)),
        }
    }

    /// The request for `step`, or the name of a value it needs that is not saved.
    pub(super) fn request(
        &self,
        client: &reqwest::Client,
        base: &str,
        tokens: &BTreeMap<String, String>,
        step: &Step,
        vars: &HashMap<String, Value>,
    ) -> Result<reqwest::RequestBuilder, String> {
        let path = fill(&step.path, vars)?;
        let method = reqwest::Method::from_bytes(step.method.as_bytes())
            .map_err(|_| format!("a method named {}", step.method))?;
        let token = &self.credential(tokens, step, vars)?;
        let url = format!("{}{path}", base.trim_end_matches('/'));
        let mut request = match &step.token_param {
            Some(param) => client.request(method, url).query(&[(param, token)]),
            None => client
                .request(method, url)
                .header("Authorization", format!("{} {token}", self.auth.scheme)),
        };
        for (name, value) in &self.headers {
            // `{version}` is empty when fuzzing without `--api-version`: the clone's default.
            let value = fill(value, vars)?;
            if !value.is_empty() {
                request = request.header(name, value);
            }
        }
        if let Some(json) = &step.json {
            request = request.json(&fill_json(json, vars)?);
        }
        if let Some(raw) = &step.raw {
            request = request
                .header("Content-Type", "application/json")
                .body(raw.clone());
        }
        if let Some(form) = &step.form {
            let pairs: Vec<(String, String)> = form
                .iter()
                .map(|(k, v)| Ok((k.clone(), fill(v, vars)?)))
                .collect::<Result<_, String>>()?;
            request = request.form(&pairs);
        }
        if let Some(parts) = &step.multipart {
            request = request
                .header(
                    "Content-Type",
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(multipart(parts, vars)?);
        }
        Ok(request)
    }
}

/// How long a step waits for the clone's answer: a clone that takes longer is hung.
const PATIENCE: Duration = Duration::from_secs(10);

/// The HTTP client steps are sent with: no proxy, `PATIENCE` per request, no redirect
/// followed (the answer judged is the clone's own, and nothing leaves for the address a
/// redirect names, as Checkout's `success_url`).
///
/// # Errors
/// When the TLS backend cannot be set up.
pub(super) fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(PATIENCE)
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("an HTTP client ({e})"))
}

/// The path part of a base URL (`http://127.0.0.1:3000/api` → `/api`), without a trailing
/// slash: the descriptions' paths include it.
fn url_path(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.find('/')
        .map_or("", |i| rest[i..].trim_end_matches('/'))
}

pub(super) async fn send(request: reqwest::RequestBuilder) -> Result<(u16, String), String> {
    let response = request
        .send()
        .await
        .map_err(|e| format!("the clone did not answer: {}", causes(&e.without_url())))?;
    let status = response.status().as_u16();
    let body = response
        .text()
        .await
        .map_err(|e| format!("reading an answer: {e}"))?;
    Ok((status, body))
}

/// `error` and its causes, innermost last (reqwest's own says only which URL failed).
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        text.push_str(&format!(": {inner}"));
        cause = inner.source();
    }
    text
}

/// Checks one answer against what the description says of its operation and status (its
/// `default` response first when `error` marks the answer as one).
fn judge(
    description: &Description,
    method: &str,
    path: String,
    (status, error): (u16, bool),
    body: &str,
) -> Outcome {
    let operation = description.find(method, &path).cloned();
    let violations = match &operation {
        None => vec![Violation {
            kind: Kind::UndescribedRoute,
            at: String::new(),
            expected: "an operation in the description".into(),
            found: format!("{method} {}", path.split('?').next().unwrap_or(&path)),
        }],
        Some(op) => match description.response(op, status, error) {
            Described::Undescribed => vec![Violation {
                kind: Kind::UndescribedStatus,
                at: String::new(),
                expected: "a status the operation describes".into(),
                found: status.to_string(),
            }],
            Described::Opaque => Vec::new(),
            // A described error without content says nothing of its body.
            Described::Empty if body.trim().is_empty() || status >= 400 => Vec::new(),
            Described::Empty => vec![Violation {
                kind: Kind::UndescribedField,
                at: String::new(),
                expected: "no body".into(),
                found: format!("{} bytes", body.len()),
            }],
            Described::Body(schema) => match serde_json::from_str::<Value>(body) {
                Ok(value) => Checker::new(description.document(op)).check(schema, &value, ""),
                Err(_) => vec![Violation {
                    kind: Kind::WrongType,
                    at: String::new(),
                    expected: "a JSON body".into(),
                    found: if body.is_empty() {
                        "no body".into()
                    } else {
                        "a body that is not JSON".into()
                    },
                }],
            },
        },
    };
    Outcome {
        method: method.to_owned(),
        path,
        operation,
        status: Some(status),
        violations,
        unknown: false,
    }
}

/// The values every scenario may use: `{version}`, the API version requested, and
/// `{tomorrow}`, a day from now in Unix seconds (for a message scheduled in the future).
pub(super) fn builtins(version: &str) -> HashMap<String, Value> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    HashMap::from([
        ("version".to_owned(), Value::from(version)),
        (
            "tomorrow".to_owned(),
            Value::from((now + 86_400).to_string()),
        ),
    ])
}

/// Keeps the values `save` points at (strings and numbers) for later steps.
pub(super) fn save(
    save: &BTreeMap<String, String>,
    answer: &Value,
    vars: &mut HashMap<String, Value>,
) {
    for (name, pointer) in save {
        if let Some(value @ (Value::String(_) | Value::Number(_))) = answer.pointer(pointer) {
            vars.insert(name.clone(), value.clone());
        }
    }
}

/// `text` with each `{name}` (letters, digits, `_`) replaced by its saved value, or the
/// first name not saved; other braces (a JSON text in a form field) stay as they are.
pub(super) fn fill(text: &str, vars: &HashMap<String, Value>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            let name = &after[..len];
            match vars.get(name).ok_or_else(|| name.to_owned())? {
                Value::String(saved) => out.push_str(saved),
                saved => out.push_str(&saved.to_string()),
            }
            rest = &after[len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `value` with its strings filled; a string that is one placeholder and nothing else takes the
/// saved value as it was answered, so a saved number is sent as a number (GitHub's
/// `parent_team_id`).
fn fill_json(value: &Value, vars: &HashMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => match s
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
            .and_then(|name| vars.get(name))
        {
            Some(saved @ Value::Number(_)) => saved.clone(),
            _ => Value::String(fill(s, vars)?),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| fill_json(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), fill_json(v, vars)?)))
                .collect::<Result<Map<_, _>, String>>()?,
        ),
        other => other.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_sends_a_named_token_a_minted_one_or_a_jwt_it_signs() {
        let scenario: Scenario = serde_json::from_value(serde_json::json!({
            "auth": {"token": "token", "scheme": "Bearer"},
            "steps": [
                {"method": "GET", "path": "/a"},
                {"method": "GET", "path": "/b", "token": "app"},
                {"method": "GET", "path": "/c", "token": "{minted}"},
                {"method": "GET", "path": "/d", "token": "{unsaved}"},
                {"method": "GET", "path": "/e", "token": "nope"},
                {"method": "GET", "path": "/f", "jwt": {"key": "app", "iss": "appId"}},
            ]
        }))
        .unwrap();
        let tokens = BTreeMap::from([
            ("token".to_owned(), "ghp_1".to_owned()),
            ("app".to_owned(), "not a PEM".to_owned()),
            ("appId".to_owned(), "1".to_owned()),
        ]);
        let vars = HashMap::from([("minted".to_owned(), Value::from("ghs_2"))]);
        let sent: Vec<_> = scenario
            .steps
            .iter()
            .map(|step| scenario.credential(&tokens, step, &vars))
            .collect();
        assert_eq!(sent[0].as_deref(), Ok("ghp_1"));
        assert_eq!(sent[1].as_deref(), Ok("not a PEM"));
        assert_eq!(sent[2].as_deref(), Ok("ghs_2"));
        assert_eq!(sent[3], Err("unsaved".to_owned()));
        assert_eq!(sent[4], Err("a token named nope".to_owned()));
        let refused = sent[5].as_ref().unwrap_err();
        assert!(
            refused.starts_with("the token app as an RSA private key in PEM"),
            "{refused}"
        );
    }

    #[test]
    fn placeholders_take_saved_values_or_name_the_missing_one() {
        let vars = HashMap::from([("cus".to_owned(), Value::from("cus_1"))]);
        assert_eq!(
            fill("/v1/customers/{cus}", &vars).as_deref(),
            Ok("/v1/customers/cus_1")
        );
        assert_eq!(fill("/v1/x/{pm}", &vars), Err("pm".to_owned()));
        assert_eq!(fill("no braces", &vars).as_deref(), Ok("no braces"));
        assert_eq!(
            fill(r#"[{"id":"{cus}"}]"#, &vars).as_deref(),
            Ok(r#"[{"id":"cus_1"}]"#),
            "JSON braces stay"
        );
    }

    #[test]
    fn multipart_parts_carry_their_names_files_types_and_filled_values() {
        let vars = HashMap::from([("run".to_owned(), Value::from(7))]);
        let parts: Vec<Part> = serde_json::from_str(
            r#"[{"name": "importRequest", "value": "{\"name\": \"run {run}\"}"},
                {"name": "files", "filename": "a.csv", "contentType": "text/csv", "value": "A,B\n1,2"}]"#,
        )
        .unwrap();
        assert_eq!(
            multipart(&parts, &vars).unwrap(),
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"importRequest\"\r\n\r\n\
                 {{\"name\": \"run 7\"}}\r\n\
                 --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\
                 Content-Type: text/csv\r\n\r\nA,B\n1,2\r\n--{BOUNDARY}--\r\n"
            )
        );
        let missing: Vec<Part> =
            serde_json::from_str(r#"[{"name": "x", "value": "{nothing}"}]"#).unwrap();
        assert_eq!(multipart(&missing, &vars), Err("nothing".to_owned()));
    }

    #[test]
    fn a_base_url_path_prefixes_what_is_matched() {
        assert_eq!(url_path("http://127.0.0.1:3000/api"), "/api");
        assert_eq!(url_path("http://127.0.0.1:3000/api/"), "/api");
        assert_eq!(url_path("http://127.0.0.1:3000"), "");
    }

    #[test]
    fn saved_values_come_from_pointers_into_answers() {
        let mut vars = HashMap::new();
        let save_map = BTreeMap::from([
            ("id".to_owned(), "/id".to_owned()),
            ("n".to_owned(), "/data/0/number".to_owned()),
            ("gone".to_owned(), "/nothing".to_owned()),
        ]);
        save(
            &save_map,
            &serde_json::json!({"id": "x", "data": [{"number": 7}]}),
            &mut vars,
        );
        assert_eq!(vars.get("id"), Some(&Value::from("x")));
        assert_eq!(vars.get("n"), Some(&Value::from(7)));
        assert!(!vars.contains_key("gone"));
        let body = serde_json::json!({"parent": "{n}", "label": "team {n}", "of": "{id}"});
        assert_eq!(
            fill_json(&body, &vars),
            Ok(serde_json::json!({"parent": 7, "label": "team 7", "of": "x"})),
            "a lone placeholder keeps its number; text around it makes a string"
        );
    }
}
