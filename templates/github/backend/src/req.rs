//! Reading requests: query strings, bounded JSON bodies with GitHub's validation answers,
//! and paginated JSON answers with `Link` headers.

use asym_kit::body::{self, Limits};
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::page::{self, PageRequest};
use asym_kit::tokio_postgres::types::ToSql;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::header::{CONTENT_TYPE, LINK};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

/// GitHub's default and largest page sizes.
pub(crate) const PER_PAGE: u64 = 30;
/// The largest `per_page`.
pub(crate) const MAX_PER_PAGE: u64 = 100;

/// Decoded query pairs.
#[derive(Debug, Default, Clone)]
pub(crate) struct Query(pub(crate) Vec<(String, String)>);

impl Query {
    /// Parses a raw query string.
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        Self(asym_kit::form::parse(raw.unwrap_or_default().as_bytes()))
    }

    /// The last value of `name` (empty values count as absent).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
    }

    /// `state` of a list: `open` (the default) or `closed`, or `None` for `all`; 422
    /// `invalid` on `resource` otherwise.
    pub(crate) fn state(&self, resource: &str) -> ApiResult<Option<&'static str>> {
        match self.get("state").unwrap_or("open") {
            "all" => Ok(None),
            "open" => Ok(Some("open")),
            "closed" => Ok(Some("closed")),
            _ => Err(ApiError::validation(resource, "state", "invalid")),
        }
    }

    /// `direction` as SQL (`ASC`, `DESC`), `default` when absent; 422 `invalid` on
    /// `resource` otherwise.
    pub(crate) fn direction(
        &self,
        resource: &str,
        default: &'static str,
    ) -> ApiResult<&'static str> {
        match self.get("direction") {
            Some("asc") => Ok("ASC"),
            Some("desc") => Ok("DESC"),
            None => Ok(default),
            Some(_) => Err(ApiError::validation(resource, "direction", "invalid")),
        }
    }

    /// The requested page.
    pub(crate) fn page(&self) -> PageRequest {
        PageRequest::from_query(&self.0, PER_PAGE, MAX_PER_PAGE)
    }

    /// The requested page of a list held in memory, with the list's length.
    pub(crate) fn slice<T>(&self, items: Vec<T>) -> (i64, Vec<T>) {
        let page = self.page();
        let total = i64::try_from(items.len()).unwrap_or(0);
        let slice = items
            .into_iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .collect();
        (total, slice)
    }
}

/// A handler's `query: Query` argument: the request's query string, decoded.
impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self::parse(parts.uri.query()))
    }
}

/// A parsed JSON object body.
#[derive(Debug, Default)]
pub(crate) struct Body(pub(crate) Map<String, Value>);

impl Body {
    /// Parses `bytes` within the default limits; an empty body is an empty object.
    pub(crate) fn parse(bytes: &Bytes) -> ApiResult<Self> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        match body::json(bytes, &Limits::default())? {
            Value::Object(map) => Ok(Self(map)),
            _ => Err(ApiError::bad_json()),
        }
    }

    /// Whether `key` is present (even as `null`).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// A string field; `null` and absent are `None`.
    pub(crate) fn str(&self, key: &str) -> ApiResult<Option<&str>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong_type(key, other, "a string")),
        }
    }

    /// A string field that must be present and not blank (`missing_field` on `resource`).
    pub(crate) fn required(&self, key: &str, resource: &str) -> ApiResult<&str> {
        match self.str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(ApiError::validation(resource, key, "missing_field")),
            None => Err(ApiError::invalid(format!(
                "Invalid request.\n\n\"{key}\" wasn't supplied."
            ))
            .with_error(serde_json::json!({
                "resource": resource, "field": key, "code": "missing_field"
            }))),
        }
    }

    /// A boolean field.
    pub(crate) fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(wrong_type(key, other, "a boolean")),
        }
    }

    /// An integer field.
    pub(crate) fn int(&self, key: &str) -> ApiResult<Option<i64>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| wrong_type(key, &Value::Number(n.clone()), "an integer")),
            Some(other) => Err(wrong_type(key, other, "an integer")),
        }
    }

    /// A list of strings.
    pub(crate) fn strings(&self, key: &str) -> ApiResult<Option<Vec<String>>> {
        self.list(key, |item| match item {
            Value::String(s) => Ok(s.clone()),
            other => Err(wrong_type(key, other, "a string")),
        })
    }

    /// A list whose items `item` reads (anything but an array is 422, as GitHub's schema
    /// answers `"labels": "bug"`).
    pub(crate) fn list(
        &self,
        key: &str,
        item: impl Fn(&Value) -> ApiResult<String>,
    ) -> ApiResult<Option<Vec<String>>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Array(items)) => items.iter().map(item).collect::<ApiResult<_>>().map(Some),
            Some(other) => Err(wrong_type(key, other, "an array")),
        }
    }

    /// An object field.
    pub(crate) fn object(&self, key: &str) -> ApiResult<Option<&Map<String, Value>>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(map)),
            Some(other) => Err(wrong_type(key, other, "an object")),
        }
    }

    /// Checks the type of each of `fields`, documented ones the clone takes without acting on
    /// them (issue types, merge commit wording, …): a wrong one is 422, as GitHub's schema
    /// answers it, rather than dropped unseen.
    pub(crate) fn accepts(&self, fields: &[(&str, Shape)]) -> ApiResult<()> {
        for &(key, shape) in fields {
            match shape {
                Shape::Str => self.str(key).map(drop)?,
                Shape::Bool => self.bool(key).map(drop)?,
                Shape::Int => self.int(key).map(drop)?,
                Shape::Object => self.object(key).map(drop)?,
                Shape::List => self.list(key, |_| Ok(String::new())).map(drop)?,
            }
        }
        Ok(())
    }

    /// One of `allowed` (422 `invalid` otherwise).
    pub(crate) fn one_of(
        &self,
        key: &str,
        allowed: &[&str],
        resource: &str,
    ) -> ApiResult<Option<String>> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) if allowed.contains(&s) => Ok(Some(s.to_owned())),
            Some(_) => Err(ApiError::validation(resource, key, "invalid")),
        }
    }
}

/// The JSON type a field must have, for [`Body::accepts`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A string (or `null`).
    Str,
    /// A boolean (or `null`).
    Bool,
    /// An integer (or `null`).
    Int,
    /// An array of anything (or `null`).
    List,
    /// An object (or `null`).
    Object,
}

/// A handler's `Raw(bytes)` argument: the request body read whole within the kit's limits
/// (an over-long one is drained and answered 413, so the client reads the answer).
pub(crate) struct Raw(pub(crate) Bytes);

impl<S: Send + Sync> FromRequest<S> for Raw {
    type Rejection = Response;

    async fn from_request(request: Request, _: &S) -> Result<Self, Response> {
        read(request.into_body(), Limits::default().max_bytes)
            .await
            .map(Self)
    }
}

/// A request body read whole, at most `max_bytes` (413 past it).
pub(crate) async fn read(body: axum::body::Body, max_bytes: usize) -> Result<Bytes, Response> {
    let limits = Limits {
        max_bytes,
        ..Limits::default()
    };
    body::read(body, &limits)
        .await
        .map_err(|err| ApiError::from(err).into_response())
}

/// A handler's `body: Body` argument: the request body read whole, then [`Body::parse`]d,
/// then checked for a `null` where GitHub's schema allows none ([`non_null`]).
impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        let method = request.method().clone();
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map(|path| path.as_str().to_owned());
        let Raw(bytes) = Raw::from_request(request, state).await?;
        let body = Self::parse(&bytes).map_err(IntoResponse::into_response)?;
        if let Some(route) = route {
            non_null(method.as_str(), &route, &body).map_err(IntoResponse::into_response)?;
        }
        Ok(body)
    }
}

/// GitHub's 422 for a `null` given for a body field its schema does not let be `null`
/// (`For 'properties/title', nil is not a string.`), for such a field of an object in the
/// body (`author.name`, named `properties/name`) or for an item of such an array
/// (`labels: [null]`: `For 'items', nil is not a string or object.`), on the route `route` (a
/// matched path, parameters in braces), as [`crate::non_null::FIELDS`] lists them. A field GitHub
/// documents as nullable (an issue update's `title`, `body`, `milestone`) is not listed.
/// A handler that reads its body itself (`Raw`) calls it with its own route.
pub(crate) fn non_null(method: &str, route: &str, body: &Body) -> ApiResult<()> {
    let mut path = String::with_capacity(route.len());
    let mut in_braces = false;
    for c in route.trim_end_matches('/').chars() {
        match c {
            '{' => {
                in_braces = true;
                path.push_str("{}");
            }
            '}' => in_braces = false,
            c if !in_braces => path.push(c),
            _ => {}
        }
    }
    let Some((_, _, fields)) = crate::non_null::FIELDS
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
    else {
        return Ok(());
    };
    let refused = fields.iter().find(|(key, _)| match key.strip_suffix("[]") {
        Some(array) => field(&body.0, array)
            .and_then(Value::as_array)
            .is_some_and(|items| items.contains(&Value::Null)),
        None => field(&body.0, key) == Some(&Value::Null),
    });
    match refused {
        // GitHub names a nested field by its own name (`author.name`: `properties/name`) and
        // an array's item `items` (`labels: [null]`: `For 'items', nil is not …`).
        Some((key, expected)) if key.ends_with("[]") => Err(schema_error("items", "nil", expected)),
        Some((key, expected)) => {
            let name = key.rsplit('.').next().unwrap_or(key);
            Err(wrong_type(name, &Value::Null, expected))
        }
        None => Ok(()),
    }
}

/// The value at the dotted path `key` (`author.name`) of `body`, if every object on the way
/// holds it.
fn field<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let mut parts = key.split('.');
    let first = body.get(parts.next()?)?;
    parts.try_fold(first, |value, part| value.get(part))
}

/// GitHub's schema error: `Invalid request.\n\nFor 'properties/title', 1 is not a string.`
/// (`nil` for `null`, as GitHub's Ruby names it).
fn wrong_type(key: &str, value: &Value, expected: &str) -> ApiError {
    let shown: String = match value {
        Value::Null => "nil".to_owned(),
        value => value.to_string().chars().take(60).collect(),
    };
    schema_error(&format!("properties/{key}"), &shown, expected)
}

/// `Invalid request.\n\nFor '<at>', <shown> is not <expected>.`: `at` the schema's place
/// (`properties/title`, `items`).
fn schema_error(at: &str, shown: &str, expected: &str) -> ApiError {
    ApiError::invalid(format!(
        "Invalid request.\n\nFor '{at}', {shown} is not {expected}."
    ))
}

/// A JSON answer from text Postgres rendered.
pub(crate) fn json_text(status: StatusCode, text: String) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8))],
        text,
    )
        .into_response()
}

/// A 200 JSON answer from text.
pub(crate) fn ok(text: String) -> Response {
    json_text(StatusCode::OK, text)
}

/// A 201 JSON answer from text.
pub(crate) fn created(text: String) -> Response {
    json_text(StatusCode::CREATED, text)
}

/// `204 No Content`.
pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// GitHub's content type.
const JSON_UTF8: &str = "application/json; charset=utf-8";

/// A page of a list at `path` (below the clone's base) with its `Link` header.
pub(crate) fn paged(base: &str, path: &str, query: &Query, total: i64, items: String) -> Response {
    let mut response = ok(items);
    let total = u64::try_from(total).unwrap_or(0);
    let url = format!("{base}{path}");
    if let Some(link) = page::link_header(&url, &query.0, query.page(), total)
        && let Ok(value) = HeaderValue::from_str(&link)
    {
        response.headers_mut().insert(LINK, value);
    }
    response
}

/// What a list selects: the rows of `from` that match `filter`, each as the JSON `item`, in
/// `order`. The parts name the rows by `alias`; `order` must read the same on the table and on
/// the page taken from it (qualify its columns with `alias`).
pub(crate) struct Listing<'a> {
    /// A table with its alias (`labels l`), or a join whose rows are those of `alias`.
    pub(crate) from: &'a str,
    /// The alias the other parts name the listed rows by.
    pub(crate) alias: &'a str,
    /// The condition on `from`'s rows.
    pub(crate) filter: &'a str,
    /// A row's JSON (`gh_label(l, $2)`).
    pub(crate) item: &'a str,
    /// The list's order (`l.id`).
    pub(crate) order: &'a str,
}

impl Listing<'_> {
    /// The SQL that selects the total and the page's JSON array (`[]` past the end), when
    /// `params` parameters come before the page's `LIMIT` and `OFFSET`. Only the page's rows
    /// are rendered.
    pub(crate) fn sql(&self, params: usize) -> String {
        let Self {
            from,
            alias,
            filter,
            item,
            order,
        } = self;
        format!(
            "SELECT (SELECT count(*) FROM {from} WHERE {filter}),
                    (SELECT coalesce(json_agg({item} ORDER BY {order}), '[]')::text
                     FROM (SELECT {alias}.* FROM {from} WHERE {filter}
                           ORDER BY {order} LIMIT ${limit} OFFSET ${offset}) {alias})",
            limit = params + 1,
            offset = params + 2,
        )
    }

    /// As [`Listing::sql`], the page wrapped as GitHub's counted lists answer it:
    /// `{total_count, <field>: [...]}` (workflow runs, artifacts, secrets).
    pub(crate) fn counted_sql(&self, params: usize, field: &str) -> String {
        format!(
            "WITH page (total, items) AS ({})
             SELECT total, json_build_object('total_count', total, '{field}', items::json)::text
             FROM page",
            self.sql(params)
        )
    }
}

/// The page of a list a request asks for: where the list is (the clone's base URL and the
/// list's path) and the query's `page` and `per_page`, which its `Link` header is built from.
pub(crate) struct Page<'a> {
    base: &'a str,
    path: String,
    query: &'a Query,
}

impl<'a> Page<'a> {
    /// The page `query` asks for of the list at `path` below `base`.
    pub(crate) fn new(base: &'a str, path: impl Into<String>, query: &'a Query) -> Self {
        Self {
            base,
            path: path.into(),
            query,
        }
    }

    /// The clone's base URL the list's links start with.
    pub(crate) fn base(&self) -> &'a str {
        self.base
    }
}

/// `page` of a list: the rows `listing` selects, over `params`.
pub(crate) async fn list(
    client: &impl GenericClient,
    page: &Page<'_>,
    listing: &Listing<'_>,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult {
    let sql = listing.sql(params.len());
    list_sql(client, page, &sql, params).await
}

/// `page` of a list: `sql` selects the total and the page's JSON array, with `params` then
/// the page's `LIMIT` and `OFFSET` as its parameters (for a list a [`Listing`] cannot say: one
/// that renders rows joined to others, or counts a common table expression).
pub(crate) async fn list_sql(
    client: &impl GenericClient,
    page: &Page<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult {
    let Page { base, path, query } = page;
    let asked = query.page();
    let (limit, offset) = (asked.limit(), asked.offset());
    let mut params = params.to_vec();
    params.extend([&limit as &(dyn ToSql + Sync), &offset]);
    let row = client.query_one(sql, &params).await?;
    Ok(paged(base, path, query, row.get(0), row.get(1)))
}

#[cfg(test)]
mod tests {
    use super::{Body, non_null};

    fn refusal(method: &str, route: &str, json: &str) -> Option<String> {
        let body = Body::parse(&axum::body::Bytes::from(json.to_owned())).ok()?;
        non_null(method, route, &body)
            .err()
            .map(|err| format!("{err:?}"))
    }

    #[test]
    fn null_items_of_arrays_are_refused_by_the_item_type() {
        let issues = "/repos/{owner}/{repo}/issues";
        let labels = refusal("POST", issues, r#"{"title":"x","labels":["bug",null]}"#);
        assert!(labels.is_some_and(|e| e.contains("For 'items', nil is not a string or object.")),);
        let assignees = refusal("POST", issues, r#"{"title":"x","assignees":[null]}"#);
        assert!(assignees.is_some_and(|e| e.contains("For 'items', nil is not a string.")));
        assert_eq!(
            refusal("POST", issues, r#"{"title":"x","labels":["bug"]}"#),
            None
        );
        assert_eq!(refusal("GET", issues, r#"{"labels":[null]}"#), None);
    }
}
