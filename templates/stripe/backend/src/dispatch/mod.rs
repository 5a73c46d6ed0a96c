//! The request pipeline every `/v1` route runs through, and how routes name their work.
//!
//! Each resource module contributes `routes()`, a [`routes!`] table whose handlers are
//! [`call!`]s of its functions. A call reads the body, authenticates the key, replays or
//! reserves the `Idempotency-Key`, runs the function in one transaction with its [`Cx`],
//! expands and answers in Stripe's envelope ([`dispatch`]). Paths are routed in a normal
//! form ([`normalise`]: decoded segments, no empty ones or trailing slash), and anything
//! under `/v1` that no route takes, by path or by method, goes through the same pipeline to
//! Stripe's `Unrecognized request URL` ([`unmatched`]).

use std::future::Future;
use std::pin::Pin;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use crate::clock;
use crate::cx::{self, Cx};
use crate::db::{Answer, Arg, Db};
use crate::error::{ApiError, ApiResult};
use crate::params::{self, Params};
use crate::ratelimit;
use asym_kit::Kit;

mod idempotency;
mod key;

use idempotency::{Idempotency, MAX_IDEMPOTENCY_KEY, replay};
use key::{KeyKind, NO_KEY, api_key, mask_key};

/// A route's work, run inside the request's transaction.
pub(crate) type Endpoint = for<'a, 'b> fn(&'a mut Cx<'b>, &'a Called) -> Pending<'a>;

/// What an [`Endpoint`] answers, later.
pub(crate) type Pending<'a> = Pin<Box<dyn Future<Output = ApiResult> + Send + 'a>>;

/// The request an endpoint serves: its method and its path's decoded segments after `/v1`.
#[derive(Debug)]
pub(crate) struct Called {
    method: Method,
    segments: Vec<String>,
}

impl Called {
    /// Segment `at` of the path after `/v1` (`/v1/customers/cus_1`: 1 is `cus_1`).
    pub(crate) fn segment(&self, at: usize) -> &str {
        self.segments.get(at).map_or("", String::as_str)
    }
}

/// An axum handler that runs `$f` through [`dispatch`]: `call!(f)` for `f(cx)`,
/// `call!(f, 1)` for `f(cx, <segment 1>)`, `call!(f, 1, 3)` for two; `call!(KIND.method, 1)`
/// for a [`Kind`](crate::kinds::Kind)'s own endpoint (`CHARGE.retrieve`, `CHARGE.search`).
macro_rules! call {
    (@with [$($kind:expr)?] $f:path $(, $at:literal)*) => {{
        fn endpoint<'a, 'b>(
            cx: &'a mut $crate::cx::Cx<'b>,
            _called: &'a $crate::dispatch::Called,
        ) -> $crate::dispatch::Pending<'a> {
            Box::pin($f($($kind,)? cx $(, _called.segment($at))*))
        }
        |axum::extract::State(state): axum::extract::State<asym_kit::Kit>,
         request: axum::extract::Request| $crate::dispatch::dispatch(state, request, endpoint)
    }};
    ($kind:ident . $method:ident $(, $at:literal)*) => {
        $crate::dispatch::call!(
            @with [&$kind] $crate::kinds::Kind::$method $(, $at)*
        )
    };
    ($f:path $(, $at:literal)*) => {
        $crate::dispatch::call!(@with [] $f $(, $at)*)
    };
}
pub(crate) use call;

/// A resource's routes as a table, one path a line: each method with the function serving
/// it and the path segments it takes, as in [`call!`] (`get(retrieve, 1)`,
/// `get(CHARGE.retrieve, 1)`).
macro_rules! routes {
    ($($path:literal => $($method:ident($($endpoint:tt)+)),+;)*) => {
        axum::Router::new()$(.route(
            $path,
            axum::routing::MethodRouter::new()$(.$method($crate::dispatch::call!($($endpoint)+)))+,
        ))*
    };
}
pub(crate) use routes;

/// The path a `/v1` request was sent to, kept when [`normalise`] rewrites it for routing.
#[derive(Debug, Clone)]
struct Sent(Uri);

/// Whether `path` is an API path (`/v1`, `/v1/…`).
fn is_api(path: &str) -> bool {
    path == "/v1"
        || path
            .strip_prefix("/v1/")
            .is_some_and(|rest| !rest.is_empty())
}

/// The decoded, non-empty segments of an API path after `/v1`.
fn segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .skip(2)
        .filter(|s| !s.is_empty())
        .map(|s| {
            asym_kit::form::parse(format!("x={s}").as_bytes())
                .pop()
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect()
}

/// Routes an API request by its normal form: `/v1/` and its decoded segments (re-encoded),
/// without empty segments or a trailing slash; the path as sent is kept for the pipeline.
pub(crate) async fn normalise(mut request: Request) -> Request {
    if !is_api(request.uri().path()) {
        return request;
    }
    let sent = request.uri().clone();
    let mut path = String::from("/v1/");
    let encoded: Vec<String> = segments(sent.path())
        .iter()
        .map(|s| asym_kit::form::encode(s))
        .collect();
    path.push_str(&encoded.join("/"));
    if let Some(query) = sent.query() {
        path = format!("{path}?{query}");
    }
    if let Ok(uri) = path.parse() {
        *request.uri_mut() = uri;
    }
    request.extensions_mut().insert(Sent(sent));
    request
}

/// What no route takes: under `/v1` (by path or by method) Stripe's `Unrecognized request
/// URL` after the pipeline's checks; elsewhere the same error at once.
pub(crate) async fn unmatched(State(state): State<Kit>, request: Request) -> Response {
    if request.extensions().get::<Sent>().is_some() {
        return dispatch(state, request, unrecognized).await;
    }
    ApiError::unrecognized_url(request.method().as_str(), request.uri().path()).into_response()
}

fn unrecognized<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    let error = ApiError::unrecognized_url(called.method.as_str(), &cx.path);
    Box::pin(async move { Err(error) })
}

/// Runs `endpoint` for `request`: authenticates, decodes, handles idempotency, and runs it in
/// one transaction, then expands and answers in Stripe's envelope.
pub(crate) async fn dispatch(state: Kit, request: Request, endpoint: Endpoint) -> Response {
    let (parts, body) = request.into_parts();
    let uri = parts
        .extensions
        .get::<Sent>()
        .map_or_else(|| parts.uri.clone(), |sent| sent.0.clone());
    let (method, headers) = (parts.method, parts.headers);
    let request_id = format!("req_{}", asym_kit::token::random_alnum(14));
    let body = asym_kit::body::read(body, &params::LIMITS)
        .await
        .map_err(params::bounded);
    let outcome = match body {
        Ok(body) => {
            let request = (&method, &uri, &headers, body.as_ref());
            handle(&state, request, &request_id, endpoint).await
        }
        Err(err) => Err(err),
    };
    let mut response = outcome.unwrap_or_else(IntoResponse::into_response);
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        out.insert("request-id", value);
    }
    out.insert(
        "stripe-version",
        headers
            .get("stripe-version")
            .cloned()
            .unwrap_or(HeaderValue::from_static(
                crate::version::DEFAULT_API_VERSION,
            )),
    );
    response
}

/// Runs `endpoint` for a page the clone serves outside `/v1` (Stripe's hosted pages, such as
/// the 3-D Secure test page): in one transaction like an API call, but without an API key or
/// idempotency. The transaction commits when `endpoint` succeeds or its error keeps its
/// changes; its webhook deliveries go out after.
pub(crate) async fn page(
    state: &Kit,
    path: &str,
    params: Params,
    endpoint: Endpoint,
) -> ApiResult<serde_json::Value> {
    let segments = segments(path);
    // Postgres holds no NUL in text: an id with one names nothing.
    if let Some(id) = segments.iter().find(|s| s.contains('\0')) {
        return Err(ApiError::not_found(format!("No such object: '{id}'")).code("resource_missing"));
    }
    let client = asym_kit::ManualTx::new(state.db().await?);
    client.batch_execute("BEGIN").await?;
    let db = Db::new(&client);
    let api_version = crate::version::DEFAULT_API_VERSION.to_owned();
    let mut cx = Cx::new(
        state,
        &db,
        params,
        Vec::new(),
        String::new(),
        None,
        api_version,
        path.to_owned(),
    );
    let called = Called {
        method: Method::POST,
        segments,
    };
    let result = endpoint(&mut cx, &called).await;
    let commit = match &result {
        Ok(_) => true,
        Err(err) => err.persist && !err.status.is_server_error(),
    };
    drop(cx);
    let written = db.finish(commit).await?;
    client.finished();
    written?;
    if commit && db.has_deliveries() {
        state.wake_outbox();
    }
    result
}

/// Refuses a body sent as anything but a form (`application/json`, `text/plain`, …), as
/// Stripe's `/v1` does; a body without a `Content-Type` is read as a form.
fn form_content(headers: &HeaderMap, body: &[u8]) -> ApiResult<()> {
    let Some(sent) = headers.get(axum::http::header::CONTENT_TYPE) else {
        return Ok(());
    };
    let sent = String::from_utf8_lossy(sent.as_bytes());
    let media = sent.split(';').next().unwrap_or_default().trim();
    if body.is_empty() || media.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        return Ok(());
    }
    Err(ApiError::invalid(format!(
        "Invalid request: unsupported Content-Type {sent}. If error persists and you need \
         assistance, please contact support@stripe.com."
    )))
}

/// A request's method, path, headers and body.
type Parts<'r> = (&'r Method, &'r Uri, &'r HeaderMap, &'r [u8]);

async fn handle(
    state: &Kit,
    request: Parts<'_>,
    request_id: &str,
    endpoint: Endpoint,
) -> ApiResult<Response> {
    let (method, uri, headers, body) = request;
    let key = api_key(headers).ok_or_else(|| ApiError::unauthorized(NO_KEY))?;
    let invalid_key =
        || ApiError::unauthorized(format!("Invalid API Key provided: {}", mask_key(&key)));
    if !(key.starts_with("sk_test_") || key.starts_with("pk_test_")) {
        return Err(invalid_key());
    }
    form_content(headers, body)?;
    if let Some(version) = headers.get("stripe-version") {
        let version = String::from_utf8_lossy(version.as_bytes());
        if !crate::version::well_formed(&version) {
            return Err(ApiError::invalid(format!(
                "Invalid Stripe API version: {version}"
            )));
        }
    }
    let params = Params::parse(uri.query(), body)?;
    let idempotency = Idempotency::of(method, uri, headers, body);
    // Closed rather than pooled if this future is dropped before COMMIT/ROLLBACK answers.
    let client = asym_kit::ManualTx::new(state.db().await?);
    let db = Db::new(&client);
    let is_post = *method == Method::POST;
    // BEGIN and the key lookup go out together (pipelined); a POST also reserves the first
    // few ids it will hand out (under the writers' shared lock, so that a reset cannot rewind
    // `object_seq` under ids this transaction still holds), and claims its `Idempotency-Key`
    // (rolled back with the rest if the request fails).
    let key_hash = asym_kit::token::hash(&key);
    let (claim, fingerprint) = idempotency
        .as_ref()
        .filter(|i| i.key.len() <= MAX_IDEMPOTENCY_KEY)
        .map(|i| (Some(i.key.as_str()), Some(i.fingerprint.as_str())))
        .unwrap_or_default();
    let now = clock::now();
    let is_write = *method != Method::GET;
    let auth_args: [Arg<'_>; 7] = [
        &key_hash,
        &is_post,
        &claim,
        &fingerprint,
        &now,
        &asym_kit::WRITERS_LOCK,
        &is_write,
    ];
    let (begun, auth) = tokio::join!(
        client.batch_execute("BEGIN"),
        db.query_opt(
            "WITH claimed AS (
                INSERT INTO idempotency_keys (key, fingerprint, created)
                SELECT $3::text, $4::text, $5::bigint WHERE $3 IS NOT NULL
                ON CONFLICT (key) DO NOTHING RETURNING 1),
             writers AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($6) WHERE $2)
             SELECT kind, CASE WHEN $2 THEN ARRAY(SELECT nextval('object_seq')
                                                  FROM writers, generate_series(1, 3)) END,
                    $3 IS NULL OR EXISTS (SELECT 1 FROM claimed),
                    CASE WHEN $7 THEN rate_writes ELSE rate_reads END
             FROM api_keys WHERE key_hash = $1",
            &auth_args,
        )
    );
    begun?;
    // Past a rate limit, the request ends here: its transaction rolls back, claim and all.
    let auth = match auth {
        Ok(Some(row)) => ratelimit::check(state, is_write, row.get(3))
            .await
            .map(|()| Some(row)),
        other => other,
    };
    let outcome = match auth {
        Ok(Some(row)) => {
            let kind = if row.get::<_, &str>(0) == "secret" {
                KeyKind::Secret
            } else {
                KeyKind::Publishable
            };
            let reserved: Option<Vec<i64>> = row.get(1);
            let caller = Caller {
                kind,
                params,
                reserved: reserved.unwrap_or_default(),
                request_id,
                idempotency,
                claimed: row.get(2),
            };
            in_transaction(state, &db, caller, request, endpoint).await
        }
        Ok(None) => Err(invalid_key()),
        Err(err) => Err(err),
    };
    // The writes held back go out with COMMIT; one that fails is the request's error.
    let commit = matches!(outcome, Ok((_, true)));
    let written = db.finish(commit).await?;
    client.finished();
    let (response, _) = outcome?;
    written?;
    if commit && db.has_deliveries() {
        state.wake_outbox();
    }
    Ok(response.into_http())
}

/// What a request produced inside its transaction.
struct Outcome {
    status: StatusCode,
    text: String,
    /// The request's `Idempotency-Key`, echoed.
    idempotency: Option<String>,
    replayed: bool,
}

impl Outcome {
    fn into_http(self) -> Response {
        let mut response = (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            self.text,
        )
            .into_response();
        if let Some(key) = self.idempotency
            && let Ok(value) = HeaderValue::from_str(&key)
        {
            response.headers_mut().insert("idempotency-key", value);
        }
        if self.replayed {
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
        }
        response
    }
}

/// Who called, as the key lookup found: what [`in_transaction`] starts from.
struct Caller<'r> {
    kind: KeyKind,
    params: Params,
    /// Ids reserved for a `POST`.
    reserved: Vec<i64>,
    request_id: &'r str,
    idempotency: Option<Idempotency>,
    /// Whether the key (if any) was claimed by this request rather than found saved.
    claimed: bool,
}

/// The part of a request that runs inside its transaction. `Ok((outcome, commit))`.
async fn in_transaction(
    state: &Kit,
    db: &Db<'_>,
    caller: Caller<'_>,
    request: Parts<'_>,
    endpoint: Endpoint,
) -> ApiResult<(Outcome, bool)> {
    let Caller {
        kind,
        params,
        reserved,
        request_id,
        idempotency,
        claimed,
    } = caller;
    let (method, uri, headers, _) = request;
    let path = uri.path().trim_end_matches('/').to_owned();
    let segments = segments(&path);
    if segments.iter().any(|s| s.contains('\0')) {
        // Postgres refuses NUL in text: no object can have such an id.
        return Err(ApiError::unrecognized_url(method.as_str(), &path));
    }
    if kind == KeyKind::Publishable
        && !(*method == Method::POST && segments.len() == 1 && segments[0] == "payment_methods")
    {
        return Err(ApiError::unauthorized(
            "This API call cannot be made with a publishable API key. Please use a secret API \
             key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        ));
    }
    if idempotency
        .as_ref()
        .is_some_and(|i| i.key.len() > MAX_IDEMPOTENCY_KEY)
    {
        return Err(ApiError::invalid(
            "Idempotency-Key must be at most 255 characters long.",
        ));
    }
    let api_version = headers
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(crate::version::DEFAULT_API_VERSION)
        .to_owned();
    if let Some(Idempotency { key, fingerprint }) = idempotency.as_ref().filter(|_| !claimed) {
        let row = db
            .query_one(
                "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = $1",
                &[key],
            )
            .await?;
        let (status, text) = replay(key, fingerprint, row.get(0), row.get(1), row.get(2))?;
        let outcome = Outcome {
            status,
            text,
            idempotency: Some(key.clone()),
            replayed: true,
        };
        return Ok((outcome, false));
    }
    let idempotency_key = idempotency.map(|i| i.key);
    let mut cx = Cx::new(
        state,
        db,
        params,
        reserved,
        request_id.to_owned(),
        idempotency_key.clone(),
        api_version,
        path,
    );
    let called = Called {
        method: method.clone(),
        segments,
    };
    let result = match endpoint(&mut cx, &called).await {
        Ok(mut value) => {
            let expand = cx.params.expand();
            cx.expand(&mut value, &expand).await.map(|()| value)
        }
        Err(err) => Err(err),
    };
    let (status, mut value, commit) = match result {
        Ok(value) => (StatusCode::OK, value, true),
        Err(err) if err.status.is_server_error() => return Err(err),
        Err(err) => {
            let persist = err.persist;
            (err.status, err.to_json(), persist)
        }
    };
    cx::strip_hidden(&mut value);
    crate::version::shape(&mut value, &cx.api_version);
    let mut text = value.to_string();
    if let Some(raw) = cx.take_raw_data() {
        text = text.replacen(&format!("\"{}\"", cx::RAW_DATA), &raw, 1);
    }
    if commit && let Some(key) = &idempotency_key {
        db.defer(
            "UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1",
            vec![
                Box::new(key.clone()),
                Box::new(i32::from(status.as_u16())),
                Box::new(text.clone()),
            ],
            Answer::Done,
        );
    }
    let outcome = Outcome {
        status,
        text,
        idempotency: idempotency_key,
        replayed: false,
    };
    Ok((outcome, commit))
}
