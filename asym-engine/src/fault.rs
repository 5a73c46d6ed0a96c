//! [`Fault`]: what a test asks a clone to do in place of answering (the product's own 500, a
//! rate limit, an outage, a slow answer), sent by [`add_fault`] (the harness's
//! `AnyClone::fail`, `asym fault`) to the kit's `POST /api/admin/faults`.

use std::time::Duration;

use asym_contract::wire::{ADMIN_PATH, FAULTS_PATH};
use serde_json::{Map, Value, json};

use crate::{Catalog, CloneInstance, Result, admin_call};

/// A fault to ask a clone for: an answer in place of its own, a delay before its own answer,
/// or both, for the requests it matches, once unless told otherwise. A reset forgets every
/// fault, so none outlives its test. The harness's `AnyClone::fail` shows it in use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fault {
    /// The template's preset it starts from.
    preset: Option<String>,
    /// What it sets over the preset (or alone): the kit's fields.
    ask: Map<String, Value>,
}

impl Fault {
    /// The product's own failure `name`, as the clone's template describes it (its manifest's
    /// `faults`: `server_error` and `rate_limited` in every built-in template; `asym ls
    /// --templates --json` lists them), on the paths it names (the product's whole API
    /// unless narrowed with [`Fault::on`] or [`Fault::path`]).
    pub fn preset(name: &str) -> Self {
        Self {
            preset: Some(name.to_owned()),
            ..Self::default()
        }
    }

    /// An answer of this status, with no body unless given one ([`Fault::body`]), on every
    /// path unless narrowed.
    pub fn status(status: u16) -> Self {
        Self::default().set("status", json!(status))
    }

    /// No answer at all: the connection closes before the clone handles the request, as a
    /// network failure does, and nothing happens (the client reads no status line).
    pub fn disconnect() -> Self {
        Self::default().set("disconnect", json!("before"))
    }

    /// The clone handles the request, then the connection closes in place of its answer:
    /// the work is done and the client never hears of it (what a client's retry with the
    /// same idempotency key must survive). The journal lists it with the status answered.
    pub fn lose_answer() -> Self {
        Self::default().set("disconnect", json!("after"))
    }

    /// No answer of its own: the clone's, `delay` late (at most five minutes).
    pub fn slow(delay: Duration) -> Self {
        Self::default().after(delay)
    }

    /// Only requests of `method` on `path` (a path ending in `*` is a prefix; the query is
    /// not compared; Slack's methods are under `/api/`).
    #[must_use]
    pub fn on(self, method: &str, path: &str) -> Self {
        self.method(method).path(path)
    }

    /// Only requests of `method`, on any path the fault names.
    #[must_use]
    pub fn method(self, method: &str) -> Self {
        self.set("method", json!(method))
    }

    /// Only requests on `path`, of any method.
    #[must_use]
    pub fn path(self, path: &str) -> Self {
        self.set("path", json!(path))
    }

    /// The body answered: JSON, sent as `application/json` (a JSON string is sent as
    /// `text/plain`).
    #[must_use]
    pub fn body(self, body: Value) -> Self {
        self.set("body", body)
    }

    /// A header answered (over the preset's of that name).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let headers = self
            .ask
            .entry("headers")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(headers) = headers {
            headers.insert(name.to_owned(), json!(value));
        }
        self
    }

    /// Taken by the next `times` matching requests (1 unless told), then the clone answers.
    #[must_use]
    pub fn times(self, times: u64) -> Self {
        self.set("times", json!(times))
    }

    /// Taken by every matching request until cleared or reset (an outage).
    #[must_use]
    pub fn always(self) -> Self {
        self.set("times", json!("always"))
    }

    /// Answered `delay` late.
    #[must_use]
    pub fn after(self, delay: Duration) -> Self {
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.set("delayMs", json!(millis))
    }

    fn set(mut self, field: &str, value: Value) -> Self {
        self.ask.insert(field.to_owned(), value);
        self
    }

    /// The body of `POST /api/admin/faults`: `preset` (the template's, when named) with this
    /// fault's fields over it; every path when neither names one.
    fn request(&self, preset: Option<Map<String, Value>>) -> Value {
        let mut request = preset.unwrap_or_default();
        for (field, value) in &self.ask {
            match (field.as_str(), request.get_mut(field), value) {
                ("headers", Some(Value::Object(kept)), Value::Object(given)) => {
                    kept.extend(given.clone());
                }
                _ => {
                    request.insert(field.clone(), value.clone());
                }
            }
        }
        if !request.contains_key("path") {
            request.insert("path".into(), json!("/*"));
        }
        Value::Object(request)
    }
}

/// Asks `clone` (of a template in `catalog`, its admin `secret`) for `fault`; answers the
/// fault as the clone keeps it (`id`, `remaining`, `hits`).
///
/// # Errors
/// `FAULT_PRESET_NOT_FOUND` for a preset the template lacks (naming those it has);
/// `ADMIN_REFUSED` for a fault the clone cannot serve (its answer says why).
pub async fn add_fault(
    catalog: &Catalog,
    clone: &CloneInstance,
    secret: &str,
    fault: &Fault,
) -> Result<Value> {
    let preset = match &fault.preset {
        None => None,
        Some(name) => {
            let manifest = &catalog.get(&clone.record.template)?.manifest;
            Some(manifest.fault(name)?.request())
        }
    };
    admin_call(clone, secret, "POST", route(), Some(&fault.request(preset))).await
}

/// The faults `clone` keeps: `{"faults": [...]}`, each with `id`, `remaining` and `hits`.
///
/// # Errors
/// `ADMIN_REFUSED` or `INTERNAL`, as [`admin_call`].
pub async fn list_faults(clone: &CloneInstance, secret: &str) -> Result<Value> {
    admin_call(clone, secret, "GET", route(), None).await
}

/// Forgets every fault `clone` keeps: `{"cleared": n}`.
///
/// # Errors
/// `ADMIN_REFUSED` or `INTERNAL`, as [`admin_call`].
pub async fn clear_faults(clone: &CloneInstance, secret: &str) -> Result<Value> {
    admin_call(clone, secret, "DELETE", route(), None).await
}

/// The faults' route under the admin surface (`faults`).
fn route() -> &'static str {
    FAULTS_PATH.trim_start_matches(ADMIN_PATH)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::Fault;

    #[test]
    fn a_fault_of_its_own_takes_every_path_once_unless_told() {
        assert_eq!(
            Fault::status(500).request(None),
            json!({"status": 500, "path": "/*"})
        );
        assert_eq!(
            Fault::slow(Duration::from_millis(1500))
                .path("/v1/*")
                .always()
                .request(None),
            json!({"delayMs": 1500, "path": "/v1/*", "times": "always"})
        );
    }

    #[test]
    fn a_preset_is_overridden_field_by_field_and_header_by_header() {
        let preset = json!({"path": "/v1/*", "status": 500, "body": {"error": {}},
            "headers": {"Stripe-Should-Retry": "true", "Retry-After": "1"}});
        let fault = Fault::preset("server_error")
            .on("POST", "/v1/customers")
            .header("Retry-After", "5")
            .times(2);
        assert_eq!(
            fault.request(preset.as_object().cloned()),
            json!({"path": "/v1/customers", "method": "POST", "status": 500, "body": {"error": {}},
                "headers": {"Stripe-Should-Retry": "true", "Retry-After": "5"}, "times": 2})
        );
    }
}
