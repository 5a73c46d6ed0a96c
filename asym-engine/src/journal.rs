//! What a clone was sent since its last reset, and what it answered: the kit's journal
//! (`GET /api/admin/requests`), read by [`requests`] (the harness's `AnyClone::requests`,
//! `asym requests`) so that a test can assert what its code sent, as a mock's verify would.

use std::collections::BTreeMap;
use std::time::Duration;

use asym_contract::wire::{ADMIN_PATH, REQUESTS_PATH};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::admin::with_query;
use crate::{CloneInstance, Error, Result, admin_call};

/// One request a clone answered, and its answer, as the clone's journal keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SeenRequest {
    /// Its place among the requests since the last reset, from 1.
    pub seq: u64,
    /// When it arrived, in Unix milliseconds.
    pub at_ms: u64,
    /// `GET`, `POST`, …
    pub method: String,
    /// The path the clone saw (Slack's methods are under `/api/`).
    pub path: String,
    /// The query string, undecoded, if any.
    pub query: Option<String>,
    /// Its headers, names lower-case; credentials shortened to their first characters.
    pub headers: BTreeMap<String, String>,
    /// The body sent, as text: `None` when there was none, it was binary, or it was streamed
    /// without a length (or longer than 1 MiB). At most 8 KiB are kept.
    pub body: Option<String>,
    /// Whether [`SeenRequest::body`] was cut at 8 KiB.
    #[serde(default)]
    pub body_truncated: bool,
    /// The status the clone answered; 0 when a fault closed the connection before the clone
    /// handled the request.
    pub status: u16,
    /// Whether a fault closed the connection in place of the answer (`Fault::disconnect`,
    /// `Fault::lose_answer`): the client read no answer.
    #[serde(default)]
    pub disconnected: bool,
    /// The body answered, as text, on the same terms as [`SeenRequest::body`].
    pub response: Option<String>,
    /// Whether [`SeenRequest::response`] was cut at 8 KiB.
    #[serde(default)]
    pub response_truncated: bool,
    /// Milliseconds from its arrival to the head of the answer.
    pub ms: f64,
}

impl SeenRequest {
    /// Whether it was `method` (any case) on `path` (a path ending in `*` is a prefix).
    pub fn is(&self, method: &str, path: &str) -> bool {
        let on_path = match path.strip_suffix('*') {
            Some(prefix) => self.path.starts_with(prefix),
            None => self.path == path,
        };
        on_path && self.method.eq_ignore_ascii_case(method)
    }

    /// The path with its query (`/v1/customers?limit=3`).
    pub fn target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{query}", self.path),
            None => self.path.clone(),
        }
    }

    /// The status as the client saw it: `201`, or `dropped` (with what the clone answered:
    /// `dropped (201 lost)`) when a fault closed the connection.
    pub fn outcome(&self) -> String {
        match (self.disconnected, self.status) {
            (false, status) => status.to_string(),
            (true, 0) => "dropped".to_owned(),
            (true, status) => format!("dropped ({status} lost)"),
        }
    }

    /// The first `chars` characters of the body answered (`…` when there are more), or `-`.
    pub fn answer_start(&self, chars: usize) -> String {
        let answer = self.response.as_deref().unwrap_or("-");
        let mut start: String = answer.chars().take(chars).collect();
        if start.len() < answer.len() {
            start.push('…');
        }
        start
    }

    /// The body sent, read as JSON (`None` when it was none, or not JSON).
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(self.body.as_deref()?).ok()
    }

    /// The body answered, read as JSON.
    pub fn response_json(&self) -> Option<Value> {
        serde_json::from_str(self.response.as_deref()?).ok()
    }

    /// The argument `name` as the product reads it: from a form body (Slack's and Stripe's,
    /// `metadata[plan]` by its whole key), a JSON body's top level (a string as itself,
    /// anything else as JSON text), or the query, in that order.
    pub fn param(&self, name: &str) -> Option<String> {
        let json = self.json();
        if let Some(value) = json.as_ref().and_then(|body| body.get(name)) {
            return Some(match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
        let form = self.body.as_deref().filter(|_| json.is_none());
        [form, self.query.as_deref()]
            .into_iter()
            .flatten()
            .find_map(|text| {
                serde_urlencoded::from_str::<Vec<(String, String)>>(text)
                    .ok()?
                    .into_iter()
                    .find_map(|(key, value)| (key == name).then_some(value))
            })
    }
}

/// A clone's journal: the requests it keeps (oldest first) and how many older ones it let go.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Journal {
    /// The requests kept, in the order they were answered (the last 1,000 at most).
    pub requests: Vec<SeenRequest>,
    /// How many requests since the last reset it no longer keeps.
    pub dropped: u64,
    /// How many times a reset emptied it (in this run of the clone's backend).
    #[serde(default)]
    pub epoch: u64,
}

/// Which of a clone's requests [`requests`] reads; the default is all of them, at once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestFilter {
    /// Only those of this method (any case).
    pub method: Option<String>,
    /// Only those on this path (ending in `*`: a prefix; the query is not compared).
    pub path: Option<String>,
    /// Only those after this [`SeenRequest::seq`].
    pub after: Option<u64>,
    /// The [`Journal::epoch`] the caller knows: a reset since then answers at once.
    pub epoch: Option<u64>,
    /// With none to list yet, wait this long for one (at most 25 s), or for a reset.
    pub wait: Option<Duration>,
}

/// The requests `clone` (its admin `secret`) answered since its last reset that `filter`
/// lets through, in the order they were answered.
///
/// # Errors
/// `ADMIN_REFUSED` or `INTERNAL`, as [`admin_call`]; `INTERNAL` for an answer that is not a
/// journal (a backend built before the journal: rebuild its image).
pub async fn requests(
    clone: &CloneInstance,
    secret: &str,
    filter: &RequestFilter,
) -> Result<Journal> {
    let route = with_query(
        route(),
        &[
            ("after", filter.after.map(|n| n.to_string())),
            ("epoch", filter.epoch.map(|n| n.to_string())),
            ("waitMs", filter.wait.map(|w| w.as_millis().to_string())),
            ("method", filter.method.clone()),
            ("path", filter.path.clone()),
        ],
    );
    let answer = admin_call(clone, secret, "GET", &route, None).await?;
    serde_json::from_value(answer).map_err(|e| {
        Error::internal(
            format!("reading clone {}'s journal", clone.record.id),
            format!("{e} (an image built before the journal: `asym images build`)"),
        )
    })
}

/// Forgets the requests `clone` answered (a reset does too); answers how many there were.
///
/// # Errors
/// `ADMIN_REFUSED` or `INTERNAL`, as [`admin_call`].
pub async fn clear_requests(clone: &CloneInstance, secret: &str) -> Result<u64> {
    let answer = admin_call(clone, secret, "DELETE", route(), None).await?;
    Ok(answer["cleared"].as_u64().unwrap_or_default())
}

/// The journal's route under the admin surface (`requests`).
fn route() -> &'static str {
    REQUESTS_PATH.trim_start_matches(ADMIN_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(method: &str, path: &str, body: Option<&str>, query: Option<&str>) -> SeenRequest {
        SeenRequest {
            seq: 1,
            at_ms: 0,
            method: method.into(),
            path: path.into(),
            query: query.map(Into::into),
            headers: BTreeMap::new(),
            body: body.map(Into::into),
            body_truncated: false,
            status: 200,
            disconnected: false,
            response: Some(r#"{"ok":false,"error":"channel_not_found"}"#.into()),
            response_truncated: false,
            ms: 1.0,
        }
    }

    #[test]
    fn a_request_is_matched_by_method_and_path_or_prefix() {
        let post = seen("POST", "/api/chat.postMessage", None, None);
        assert!(post.is("post", "/api/chat.postMessage"));
        assert!(post.is("POST", "/api/chat.*"));
        assert!(!post.is("GET", "/api/chat.postMessage"));
        assert!(!post.is("POST", "/api/chat.post"));
        assert_eq!(post.response_json().unwrap()["error"], "channel_not_found");
        assert_eq!(post.answer_start(12), r#"{"ok":false,…"#);
        assert_eq!(post.target(), "/api/chat.postMessage");
        assert_eq!(post.outcome(), "200");
        let lost = SeenRequest {
            disconnected: true,
            ..post.clone()
        };
        assert_eq!(lost.outcome(), "dropped (200 lost)");
        let dropped = SeenRequest { status: 0, ..lost };
        assert_eq!(dropped.outcome(), "dropped");
        let listed = seen("GET", "/v1/customers", None, Some("limit=3"));
        assert_eq!(listed.target(), "/v1/customers?limit=3");
    }

    #[test]
    fn arguments_are_read_from_a_form_a_json_body_or_the_query() {
        let form = seen(
            "POST",
            "/v1/customers",
            Some("email=ada%40example.com&metadata[plan]=pro&name=Ada+L"),
            Some("expand[]=x"),
        );
        assert_eq!(form.param("email").as_deref(), Some("ada@example.com"));
        assert_eq!(form.param("metadata[plan]").as_deref(), Some("pro"));
        assert_eq!(form.param("name").as_deref(), Some("Ada L"));
        assert_eq!(form.param("expand[]").as_deref(), Some("x"));
        assert_eq!(form.param("absent"), None);
        assert_eq!(form.json(), None);

        let json = seen(
            "POST",
            "/repos/o/r/issues",
            Some(r#"{"title":"Bug","labels":["a"]}"#),
            None,
        );
        assert_eq!(json.param("title").as_deref(), Some("Bug"));
        assert_eq!(json.param("labels").as_deref(), Some(r#"["a"]"#));
        assert_eq!(json.json().unwrap()["title"], "Bug");
        let both = seen("POST", "/v1/pages", Some(r#"{"a":1}"#), Some("page_size=5"));
        assert_eq!(both.param("page_size").as_deref(), Some("5"));
    }
}
