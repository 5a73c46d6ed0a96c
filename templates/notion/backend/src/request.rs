//! What every API request goes through: the `Notion-Version` header, the integration token,
//! the optional rate limit, path ids and cursor pagination (bodies: [`crate::body`]).

use std::convert::Infallible;

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::{Kit, credentials};
use axum::Json;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::capabilities::{Capability, Held};
use crate::error::{ApiError, ApiResult};
use crate::ids;

/// The API versions served side by side: how databases are answered. `2026-03-11` is
/// `V2025` with [`Ctx::v2026`] set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// `2022-06-28` and earlier: databases hold the schema; pages live under `database_id`.
    V2022,
    /// `2025-09-03` and `2026-03-11`: databases contain data sources; pages live under
    /// `data_source_id`.
    V2025,
}

/// The newest version served: no `archived` anywhere, no `after` on append.
pub(crate) const V2026: &str = "2026-03-11";

/// A later version Notion has released whose changes the clone does not serve.
const NOT_SERVED: [&str; 1] = ["2026-12-01"];

impl Version {
    /// The version a `Notion-Version` value names, and whether it is `2026-03-11`. A date
    /// between `2025-09-03` and `2026-03-11` is `2025-09-03`; a later one is refused.
    fn parse(value: &str) -> ApiResult<(Self, bool)> {
        match value {
            "2021-05-13" | "2021-08-16" | "2022-02-22" | "2022-06-28" => Ok((Self::V2022, false)),
            V2026 => Ok((Self::V2025, true)),
            v if NOT_SERVED.contains(&v) => Err(ApiError::validation(format!(
                "Notion-Version header failed validation: Notion-Version `{v}` is not served by this clone (it serves 2022-06-28, 2025-09-03 and 2026-03-11)."
            ))),
            v if ("2025-09-03"..V2026).contains(&v) && is_date(v) => Ok((Self::V2025, false)),
            v => Err(ApiError::validation(format!(
                "Notion-Version header failed validation: Notion-Version header should be a supported version (2022-06-28, 2025-09-03 or 2026-03-11), instead was `\"{v}\"`."
            ))),
        }
    }
}

/// Whether `value` is a `YYYY-MM-DD` date (month 01–12, day 01–31).
fn is_date(value: &str) -> bool {
    let number = |range: std::ops::Range<usize>, max: u32| {
        value
            .get(range)
            .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|d| d.parse::<u32>().ok())
            .is_some_and(|n| (1..=max).contains(&n))
    };
    value.len() == 10
        && value.as_bytes()[4] == b'-'
        && value.as_bytes()[7] == b'-'
        && number(0..4, 9999)
        && number(5..7, 12)
        && number(8..10, 31)
}

/// An authenticated request's context.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The clone's state.
    pub(crate) kit: Kit,
    /// The API version asked for.
    pub(crate) version: Version,
    /// `2026-03-11`: `archived` is refused in bodies and left out of answers
    /// ([`Ctx::check`], [`Ctx::answer`]); append takes `position` only.
    pub(crate) v2026: bool,
    /// The integration's bot user (the author of every write).
    pub(crate) bot: String,
    /// The integration's capabilities.
    pub(crate) held: Held,
}

impl Ctx {
    /// Checks the version header, the token, the rate limit and the capability the route
    /// needs ([`crate::capabilities`]).
    pub(crate) async fn new(kit: &Kit, parts: &Parts) -> ApiResult<Self> {
        let headers = &parts.headers;
        let token = headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        let (version, v2026) = match headers.get("notion-version").and_then(|v| v.to_str().ok()) {
            None => return Err(ApiError::missing_version()),
            Some(value) => Version::parse(value)?,
        };
        let principal = credentials::authenticate(kit, token)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        crate::ratelimit::check(kit, &principal.subject).await?;
        let held = Held::new(principal.scopes);
        held.allow(&parts.method, parts.uri.path())?;
        Ok(Self {
            kit: kit.clone(),
            version,
            v2026,
            bot: principal.subject,
            held,
        })
    }

    /// Refuses what the version no longer takes in a body: `archived` under `2026-03-11`.
    pub(crate) fn check(&self, body: &Map<String, Value>) -> ApiResult<()> {
        if !self.v2026 {
            return Ok(());
        }
        match body.get("archived") {
            Some(given) => Err(not_present("archived", given)),
            None => Ok(()),
        }
    }

    /// The answer as the version shows it: under `2026-03-11` without `archived`, on the
    /// object and on each of a list's `results` (a key removed per object, nothing else).
    pub(crate) fn answer(&self, mut value: Value) -> Json<Value> {
        if self.v2026 {
            if let Some(results) = value.get_mut("results").and_then(Value::as_array_mut) {
                for item in results {
                    item.as_object_mut().map(|o| o.remove("archived"));
                }
            }
            value.as_object_mut().map(|o| o.remove("archived"));
        }
        Json(value)
    }

    /// Whether user objects may show email addresses.
    pub(crate) fn sees_emails(&self) -> bool {
        self.held.has(Capability::UserEmail)
    }

    /// Commits `tx`, then wakes the webhook outbox when `wake` (an event was queued in it).
    pub(crate) async fn commit(&self, tx: Transaction<'_>, wake: bool) -> ApiResult<()> {
        tx.commit().await?;
        if wake {
            self.kit.wake_outbox();
        }
        Ok(())
    }

    /// The clone's public base URL (no trailing slash).
    pub(crate) fn base_url(&self) -> &str {
        self.kit.config().public_url.trim_end_matches('/')
    }
}

/// Handlers take the context as an extractor, after their path (whose rejection comes first).
impl FromRequestParts<Kit> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> ApiResult<Self> {
        Self::new(kit, parts).await
    }
}

/// A route's path parameters, as axum's `Path` decodes them; a segment that does not decode
/// (percent-encoded bytes that are not UTF-8) answers Notion's `invalid_request_url` in its
/// envelope rather than axum's plain-text rejection.
pub(crate) struct Path<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> ApiResult<Self> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(ApiError::invalid_url()),
        }
    }
}

/// Notion's refusal of a body key the version does not take.
pub(crate) fn not_present(key: &str, given: &Value) -> ApiError {
    ApiError::validation(format!(
        "body failed validation: body.{key} should be not present, instead was `{given}`."
    ))
}

/// The string `text` found at `path` in a body, as a dashed uuid.
pub(crate) fn body_uuid(path: &str, text: &str) -> ApiResult<String> {
    ids::parse(text).ok_or_else(|| {
        ApiError::validation(format!(
            "body failed validation: {path} should be a valid uuid, instead was `\"{text}\"`."
        ))
    })
}

/// A path id (`page_id`, `block_id`, …), dashed.
pub(crate) fn path_id(name: &str, text: &str) -> ApiResult<String> {
    ids::parse(text).ok_or_else(|| {
        ApiError::validation(format!(
            "path failed validation: path.{name} should be a valid uuid, instead was `\"{text}\"`."
        ))
    })
}

/// An id inside a body at `path` (`body.parent.page_id`).
pub(crate) fn body_id(path: &str, value: Option<&Value>) -> ApiResult<String> {
    match value {
        Some(Value::String(text)) => body_uuid(path, text),
        Some(other) => Err(ApiError::validation(format!(
            "body failed validation: {path} should be a string, instead was `{other}`."
        ))),
        None => Err(ApiError::validation(format!(
            "body failed validation: {path} should be defined, instead was `undefined`."
        ))),
    }
}

/// A page of a list: where it starts and how many it holds. As Notion's, a list's
/// `next_cursor` is the id of the first result the page left off (a block's, a page's, a
/// user's…), and a `start_cursor` naming no result of the list is a validation error. A
/// page starts by a keyed seek ([`crate::seek`]); a list of items with no id of their own,
/// by position ([`Paging::position`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Paging {
    /// The id of the page's first result (`start_cursor`), or none for the list's start.
    pub(crate) start: Option<String>,
    /// Rows answered (at most 100).
    pub(crate) size: i64,
}

impl Paging {
    /// From `start_cursor` and `page_size` (of the query string or the body); `place` is
    /// `query` or `body` for messages.
    pub(crate) fn new(cursor: Option<&str>, size: Option<&Value>, place: &str) -> ApiResult<Self> {
        let size = match size {
            None | Some(Value::Null) => 100,
            Some(value) => {
                // A query string's values are text; a body's page size is a number.
                let text = value.as_str().filter(|_| place == "query");
                let n = value.as_i64().or_else(|| text.and_then(|s| s.parse().ok()));
                match n {
                    Some(n) if (1..=100).contains(&n) => n,
                    Some(n) if n > 100 => {
                        return Err(ApiError::validation(format!(
                            "{place} failed validation: {place}.page_size should be ≤ `100`, instead was `{n}`."
                        )));
                    }
                    _ => {
                        return Err(ApiError::validation(format!(
                            "{place} failed validation: {place}.page_size should be a positive integer, instead was `{value}`."
                        )));
                    }
                }
            }
        };
        let start = cursor.filter(|c| !c.is_empty()).map(str::to_owned);
        Ok(Self { start, size })
    }

    /// Notion's refusal of a `start_cursor` that names no result of the list.
    pub(crate) fn invalid_cursor(cursor: &str) -> ApiError {
        ApiError::validation(format!("The start_cursor provided is invalid: {cursor}"))
    }

    /// From a body's `start_cursor` and `page_size`.
    pub(crate) fn from_body(body: &Map<String, Value>) -> ApiResult<Self> {
        let cursor = match body.get("start_cursor") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "body failed validation: body.start_cursor should be a string, instead was `{other}`."
                )));
            }
        };
        Self::new(cursor, body.get("page_size"), "body")
    }

    /// The `LIMIT` to ask for: one more than the page, to learn `has_more` (the page
    /// starting where [`Paging::seek`] says).
    pub(crate) fn limit(&self) -> i64 {
        self.size + 1
    }

    /// Cuts `results` (up to `size + 1`, from a seek) to the page: the id of the
    /// first one left off, the `next_cursor`.
    pub(crate) fn cut(&self, results: &mut Vec<Value>) -> Option<String> {
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let next = results.get(size).map(|next| match &next["id"] {
            Value::String(id) => id.clone(),
            other => other.to_string(),
        });
        results.truncate(size);
        next
    }

    /// `{object:"list", results, next_cursor, has_more, type, <type>:{}}` from up to
    /// `size + 1` rendered results (from a seek).
    pub(crate) fn list(&self, mut results: Vec<Value>, kind: &str) -> Value {
        let next = self.cut(&mut results);
        Self::list_of(results, next, kind)
    }

    pub(crate) fn list_of(results: Vec<Value>, next: Option<String>, kind: &str) -> Value {
        let has_more = next.is_some();
        let mut body = Map::new();
        body.insert("object".into(), "list".into());
        body.insert("results".into(), Value::Array(results));
        body.insert(
            "next_cursor".into(),
            next.map_or(Value::Null, Value::String),
        );
        body.insert("has_more".into(), Value::Bool(has_more));
        body.insert("type".into(), kind.into());
        body.insert(kind.into(), Value::Object(Map::new()));
        body.insert("request_id".into(), ids::new_uuid().into());
        Value::Object(body)
    }
}

/// The query string's pairs (percent-decoded).
#[derive(Debug)]
pub(crate) struct Query(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let query = parts.uri.query().unwrap_or("");
        Ok(Self(asym_kit::form::parse(query.as_bytes())))
    }
}

impl Query {
    /// The pairs of the query string `query`.
    #[cfg(test)]
    pub(crate) fn parse(query: &str) -> Self {
        Self(asym_kit::form::parse(query.as_bytes()))
    }

    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        asym_kit::form::first(&self.0, name)
    }

    /// `start_cursor`/`page_size`.
    pub(crate) fn paging(&self) -> ApiResult<Paging> {
        let size = self.get("page_size").map(|v| Value::String(v.to_owned()));
        Paging::new(self.get("start_cursor"), size.as_ref(), "query")
    }

    /// `filter_properties` (repeated, or bracketed).
    pub(crate) fn filter_properties(&self) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == "filter_properties" || k.starts_with("filter_properties["))
            .flat_map(|(_, v)| v.split(',').map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_cut_at_its_size_naming_the_next_id() {
        let items: Vec<Value> = (1..=3)
            .map(|i| serde_json::json!({ "id": format!("id{i}") }))
            .collect();
        let paging = Query::parse("page_size=2").paging().unwrap();
        assert_eq!(paging.limit(), 3);
        let list = paging.list(items.clone(), "page");
        assert_eq!(list["results"], serde_json::json!(items[..2]));
        assert_eq!(list["next_cursor"], "id3");
        assert_eq!(list["has_more"], true);
        let last = paging.list(items[2..].to_vec(), "page");
        assert_eq!(
            (&last["next_cursor"], &last["has_more"]),
            (&Value::Null, &Value::Bool(false))
        );
        assert!(Query::parse("page_size=101").paging().is_err());
    }

    #[test]
    fn versions_are_told_apart() {
        let version = |v: &str| Version::parse(v).ok();
        assert_eq!(version("2022-06-28"), Some((Version::V2022, false)));
        assert_eq!(version("2025-09-03"), Some((Version::V2025, false)));
        assert_eq!(version("2025-12-01"), Some((Version::V2025, false)));
        assert_eq!(version("2026-03-11"), Some((Version::V2025, true)));
        for refused in [
            "2025-13-01",
            "2025-10-00",
            "2025-9-03x",
            "2026-03-12",
            "2026-12-01",
            "1999-01-01",
        ] {
            assert_eq!(version(refused), None, "{refused}");
        }
    }
}
