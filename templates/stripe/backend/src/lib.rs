//! asym's Stripe clone: the Stripe API over Postgres.
//!
//! Served at `/v1/*` on the clone's base address (what Stripe's SDKs take as their API base),
//! with Stripe's protocol: keys in `Authorization: Bearer sk_test_…` (or HTTP Basic with the
//! key as user name), form-encoded parameters with bracket syntax (`metadata[k]=v`,
//! `items[0][price]=…`, `expand[]=…`), JSON objects with `id`, `object`, `created`,
//! `livemode: false` and `metadata`, the list and search envelopes, Stripe's error object,
//! `Idempotency-Key` replays, and events delivered to webhook endpoints signed with
//! `Stripe-Signature`.
//!
//! | resource | module |
//! |---|---|
//! | customers | `customers` |
//! | products, prices | `catalog` |
//! | payment methods | `methods` |
//! | payment intents, charges, refunds, setup intents | `payments` |
//! | subscriptions, invoices, test clocks | `billing` |
//! | checkout sessions, billing portal sessions | `checkout` |
//! | events, webhook endpoints | `events`, `webhook` |
//! | `POST /api/admin/provision` | `admin` |
//!
//! All state is in the clone's Postgres database (see `migrations/`); the process holds none.

#![recursion_limit = "256"]

mod admin;
mod billing;
mod catalog;
mod checkout;
mod clock;
mod customers;
mod cx;
mod error;
mod events;
mod ids;
mod methods;
mod params;
mod payments;
mod search;
mod webhook;

use asym_kit::Kit;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::params::Params;

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Configuration, Postgres and Redis.
    pub kit: Kit,
}

impl AppState {
    /// Wraps the kit's state.
    pub fn new(kit: Kit) -> Self {
        Self { kit }
    }
}

/// The Stripe clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/admin/provision", post(admin::provision))
        .route("/v1", any(api))
        .route("/v1/{*rest}", any(api))
        .fallback(unrouted)
        .with_state(state)
}

async fn unrouted(method: Method, uri: Uri) -> Response {
    ApiError::unrecognized_url(method.as_str(), uri.path()).into_response()
}

/// Which key authenticated a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Secret,
    Publishable,
}

/// The API key of a request: `Bearer <key>`, or HTTP Basic with the key as user name.
fn api_key(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(rest.to_owned()).filter(|k| !k.is_empty());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = asym_kit::cursor::decode(rest).ok()?;
        let user = decoded.split(':').next().unwrap_or_default();
        return Some(user.to_owned()).filter(|k| !k.is_empty());
    }
    None
}

/// `sk_test_abc…wxyz` → `sk_test_****…wxyz`, as Stripe echoes a rejected key.
fn mask_key(key: &str) -> String {
    let prefix_len = key
        .match_indices('_')
        .nth(1)
        .map_or(0, |(i, _)| i + 1)
        .min(key.len());
    let chars: Vec<char> = key.chars().collect();
    let prefix: String = key[..prefix_len].to_owned();
    let rest = &chars[prefix.chars().count()..];
    if rest.len() <= 4 {
        return format!("{prefix}{}", "*".repeat(rest.len()));
    }
    let tail: String = rest[rest.len() - 4..].iter().collect();
    format!("{prefix}{}{tail}", "*".repeat(rest.len() - 4))
}

const NO_KEY: &str = "You did not provide an API key. You need to provide your API key in the \
    Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See \
    https://stripe.com/docs/api#authentication for details, or we can help at \
    https://support.stripe.com/.";

/// `/v1/*`: authenticates, decodes, handles idempotency, runs the route in one transaction.
async fn api(
    State(state): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = format!("req_{}", asym_kit::token::random_alnum(14));
    let mut response = match handle(&state, &method, &uri, &headers, &body, &request_id).await {
        Ok(response) => response,
        Err(err) => err.into_response(),
    };
    let out = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        out.insert("request-id", value);
    }
    out.insert(
        "stripe-version",
        headers
            .get("stripe-version")
            .cloned()
            .unwrap_or(HeaderValue::from_static(cx::DEFAULT_API_VERSION)),
    );
    response
}

async fn handle(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> ApiResult<Response> {
    let key = api_key(headers).ok_or_else(|| ApiError::unauthorized(NO_KEY))?;
    let invalid_key =
        || ApiError::unauthorized(format!("Invalid API Key provided: {}", mask_key(&key)));
    if !(key.starts_with("sk_test_") || key.starts_with("pk_test_")) {
        return Err(invalid_key());
    }
    let params = Params::parse(uri.query(), body)?;
    let client = state.kit.db().await?;
    let db = cx::Db(&client);
    let is_post = *method == Method::POST;
    // BEGIN and the key lookup go out together (pipelined); a POST also reserves the first
    // few ids it will hand out.
    let key_hash = asym_kit::token::hash(&key);
    let auth_args: [cx::Arg<'_>; 2] = [&key_hash, &is_post];
    let (begun, auth) = tokio::join!(
        client.batch_execute("BEGIN"),
        db.query_opt(
            "SELECT kind, CASE WHEN $2 THEN ARRAY(SELECT nextval('object_seq')
                                                  FROM generate_series(1, 3)) END
             FROM api_keys WHERE key_hash = $1",
            &auth_args,
        )
    );
    begun?;
    let outcome = match auth {
        Ok(Some(row)) => {
            let kind = if row.get::<_, &str>(0) == "secret" {
                KeyKind::Secret
            } else {
                KeyKind::Publishable
            };
            let reserved: Option<Vec<i64>> = row.get(1);
            in_transaction(
                state,
                db,
                kind,
                params,
                reserved.unwrap_or_default(),
                method,
                uri,
                headers,
                body,
                request_id,
            )
            .await
        }
        Ok(None) => Err(invalid_key()),
        Err(err) => Err(err),
    };
    let finish = match &outcome {
        Ok((_, true)) => "COMMIT",
        _ => "ROLLBACK",
    };
    client.batch_execute(finish).await?;
    let (response, saved) = outcome?;
    if saved && let Some((key, fingerprint, status, text)) = response.unsaved_error() {
        // Stripe keeps the result of a request that failed validation too (not of a 5xx).
        client
            .execute(
                "INSERT INTO idempotency_keys (key, fingerprint, status, body, created)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key) DO NOTHING",
                &[&key, &fingerprint, &status, &text, &clock::now()],
            )
            .await?;
    }
    if !response.deliveries.is_empty() {
        webhook::spawn_deliveries(state.clone(), response.deliveries.clone());
    }
    Ok(response.into_http())
}

/// What a request produced inside its transaction.
struct Outcome {
    status: StatusCode,
    text: String,
    idempotency: Option<(String, String)>,
    /// Whether the result was already saved under its idempotency key in the transaction.
    saved: bool,
    replayed: bool,
    deliveries: Vec<String>,
}

impl Outcome {
    /// An error answer to save under its idempotency key after the rollback.
    fn unsaved_error(&self) -> Option<(String, String, i32, String)> {
        let (key, fingerprint) = self.idempotency.clone()?;
        (!self.saved && !self.replayed && self.status.is_client_error()).then(|| {
            (
                key,
                fingerprint,
                i32::from(self.status.as_u16()),
                self.text.clone(),
            )
        })
    }

    fn into_http(self) -> Response {
        let mut response = (
            self.status,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            self.text,
        )
            .into_response();
        if let Some((key, _)) = self.idempotency
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

/// The part of a request that runs inside its transaction. `Ok((outcome, commit))`.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the request's parts"
)]
async fn in_transaction(
    state: &AppState,
    db: cx::Db<'_>,
    kind: KeyKind,
    params: Params,
    reserved: Vec<i64>,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    request_id: &str,
) -> ApiResult<(Outcome, bool)> {
    let path = uri.path().trim_end_matches('/').to_owned();
    let segments: Vec<String> = path
        .split('/')
        .skip(2)
        .filter(|s| !s.is_empty())
        .map(|s| {
            asym_kit::form::parse(format!("x={s}").as_bytes())
                .pop()
                .map(|(_, v)| v)
                .unwrap_or_default()
        })
        .collect();
    if kind == KeyKind::Publishable
        && !(*method == Method::POST && segments.len() == 1 && segments[0] == "payment_methods")
    {
        return Err(ApiError::unauthorized(
            "This API call cannot be made with a publishable API key. Please use a secret API \
             key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        ));
    }
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .filter(|k| !k.is_empty() && *method == Method::POST);
    if let Some(key) = &idempotency_key
        && key.len() > 255
    {
        return Err(ApiError::invalid(
            "Idempotency-Key must be at most 255 characters long.",
        ));
    }
    let api_version = headers
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(cx::DEFAULT_API_VERSION)
        .to_owned();
    let fingerprint = hex::encode(Sha256::digest(
        [
            method.as_str().as_bytes(),
            b" ",
            path.as_bytes(),
            b"?",
            body,
        ]
        .concat(),
    ));
    let idempotency = idempotency_key.clone().map(|k| (k, fingerprint.clone()));
    if let Some(key) = &idempotency_key {
        let inserted = db
            .execute(
                "INSERT INTO idempotency_keys (key, fingerprint, created) VALUES ($1, $2, $3)
                 ON CONFLICT (key) DO NOTHING",
                &[key, &fingerprint, &clock::now()],
            )
            .await?;
        if inserted == 0 {
            let row = db
                .query_one(
                    "SELECT fingerprint, status, body FROM idempotency_keys WHERE key = $1",
                    &[key],
                )
                .await?;
            let (status, text) = replay(key, &fingerprint, row.get(0), row.get(1), row.get(2))?;
            let outcome = Outcome {
                status,
                text,
                idempotency,
                saved: true,
                replayed: true,
                deliveries: Vec::new(),
            };
            return Ok((outcome, false));
        }
    }
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
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let result = match route(&mut cx, method, &segs).await {
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
    let mut text = value.to_string();
    if let Some(raw) = cx.take_raw_data() {
        text = text.replacen(&format!("\"{}\"", cx::RAW_DATA), &raw, 1);
    }
    if commit && let Some(key) = &idempotency_key {
        cx.tx
            .execute(
                "UPDATE idempotency_keys SET status = $2, body = $3 WHERE key = $1",
                &[key, &i32::from(status.as_u16()), &text],
            )
            .await?;
    }
    let deliveries = if commit {
        cx.take_deliveries()
    } else {
        Vec::new()
    };
    let outcome = Outcome {
        status,
        text,
        idempotency,
        saved: commit,
        replayed: false,
        deliveries,
    };
    Ok((outcome, commit))
}

/// The saved answer to an earlier request with the same `Idempotency-Key`.
fn replay(
    key: &str,
    fingerprint: &str,
    saved_fingerprint: String,
    status: Option<i32>,
    body: Option<String>,
) -> ApiResult<(StatusCode, String)> {
    if saved_fingerprint != fingerprint {
        return Err(ApiError::idempotency(
            StatusCode::BAD_REQUEST,
            format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            ),
        ));
    }
    let (Some(status), Some(body)) = (status, body) else {
        return Err(ApiError::idempotency(
            StatusCode::CONFLICT,
            "There is currently another in-progress request using this Idempotent Key (that \
             probably means you submitted twice, and the other request is still going through): \
             retry this request later.",
        ));
    };
    let status = u16::try_from(status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    Ok((status, body))
}

/// Dispatches `/v1/<segments>`.
async fn route(cx: &mut Cx<'_>, method: &Method, segs: &[&str]) -> ApiResult {
    use Method as M;
    let m = method.clone();
    match (m, segs) {
        (M::POST, ["customers"]) => customers::create(cx).await,
        (M::GET, ["customers"]) => customers::list(cx).await,
        (M::GET, ["customers", "search"]) => customers::search(cx).await,
        (M::GET, ["customers", id]) => customers::retrieve(cx, id).await,
        (M::POST, ["customers", id]) => customers::update(cx, id).await,
        (M::DELETE, ["customers", id]) => customers::delete(cx, id).await,
        (M::GET, ["customers", id, "payment_methods"]) => methods::list_for_customer(cx, id).await,
        (M::GET, ["customers", id, "payment_methods", pm]) => {
            methods::retrieve_for_customer(cx, id, pm).await
        }

        (M::POST, ["products"]) => catalog::create_product(cx).await,
        (M::GET, ["products"]) => catalog::list_products(cx).await,
        (M::GET, ["products", "search"]) => catalog::search_products(cx).await,
        (M::GET, ["products", id]) => catalog::retrieve_product(cx, id).await,
        (M::POST, ["products", id]) => catalog::update_product(cx, id).await,
        (M::DELETE, ["products", id]) => catalog::delete_product(cx, id).await,
        (M::POST, ["prices"]) => catalog::create_price(cx).await,
        (M::GET, ["prices"]) => catalog::list_prices(cx).await,
        (M::GET, ["prices", "search"]) => catalog::search_prices(cx).await,
        (M::GET, ["prices", id]) => catalog::retrieve_price(cx, id).await,
        (M::POST, ["prices", id]) => catalog::update_price(cx, id).await,

        (M::POST, ["payment_methods"]) => methods::create(cx).await,
        (M::GET, ["payment_methods"]) => methods::list(cx).await,
        (M::GET, ["payment_methods", id]) => methods::retrieve(cx, id).await,
        (M::POST, ["payment_methods", id]) => methods::update(cx, id).await,
        (M::POST, ["payment_methods", id, "attach"]) => methods::attach_route(cx, id).await,
        (M::POST, ["payment_methods", id, "detach"]) => methods::detach(cx, id).await,

        (M::POST, ["payment_intents"]) => payments::create_intent(cx).await,
        (M::GET, ["payment_intents"]) => payments::list_intents(cx).await,
        (M::GET, ["payment_intents", "search"]) => payments::search_intents(cx).await,
        (M::GET, ["payment_intents", id]) => payments::retrieve_intent(cx, id).await,
        (M::POST, ["payment_intents", id]) => payments::update_intent(cx, id).await,
        (M::POST, ["payment_intents", id, "confirm"]) => payments::confirm_intent(cx, id).await,
        (M::POST, ["payment_intents", id, "capture"]) => payments::capture_intent(cx, id).await,
        (M::POST, ["payment_intents", id, "cancel"]) => payments::cancel_intent(cx, id).await,
        (M::GET, ["charges"]) => payments::list_charges(cx).await,
        (M::GET, ["charges", "search"]) => payments::search_charges(cx).await,
        (M::GET, ["charges", id]) => payments::retrieve_charge(cx, id).await,
        (M::POST, ["charges", id]) => payments::update_charge(cx, id).await,
        (M::POST, ["refunds"]) => payments::create_refund(cx).await,
        (M::GET, ["refunds"]) => payments::list_refunds(cx).await,
        (M::GET, ["refunds", id]) => payments::retrieve_refund(cx, id).await,
        (M::POST, ["refunds", id]) => payments::update_refund(cx, id).await,
        (M::POST, ["setup_intents"]) => payments::create_setup(cx).await,
        (M::GET, ["setup_intents"]) => payments::list_setups(cx).await,
        (M::GET, ["setup_intents", id]) => payments::retrieve_setup(cx, id).await,
        (M::POST, ["setup_intents", id]) => payments::update_setup(cx, id).await,
        (M::POST, ["setup_intents", id, "confirm"]) => payments::confirm_setup(cx, id).await,
        (M::POST, ["setup_intents", id, "cancel"]) => payments::cancel_setup(cx, id).await,

        (M::POST, ["subscriptions"]) => billing::create_subscription(cx).await,
        (M::GET, ["subscriptions"]) => billing::list_subscriptions(cx).await,
        (M::GET, ["subscriptions", "search"]) => billing::search_subscriptions(cx).await,
        (M::GET, ["subscriptions", id]) => billing::retrieve_subscription(cx, id).await,
        (M::POST, ["subscriptions", id]) => billing::update_subscription(cx, id).await,
        (M::DELETE, ["subscriptions", id]) => billing::cancel_subscription(cx, id).await,
        (M::POST, ["subscriptions", id, "cancel"]) => billing::cancel_subscription(cx, id).await,
        (M::GET, ["subscription_items"]) => billing::list_subscription_items(cx).await,
        (M::GET, ["subscription_items", id]) => billing::retrieve_subscription_item(cx, id).await,
        (M::POST, ["invoices"]) => billing::create_invoice(cx).await,
        (M::GET, ["invoices"]) => billing::list_invoices(cx).await,
        (M::GET, ["invoices", "search"]) => billing::search_invoices(cx).await,
        (M::GET, ["invoices", "upcoming"]) => Err(ApiError::invalid(
            "The upcoming invoice preview is not supported by this clone.",
        )),
        (M::GET, ["invoices", id]) => billing::retrieve_invoice(cx, id).await,
        (M::POST, ["invoices", id]) => billing::update_invoice(cx, id).await,
        (M::DELETE, ["invoices", id]) => billing::delete_invoice(cx, id).await,
        (M::GET, ["invoices", id, "lines"]) => billing::invoice_lines(cx, id).await,
        (M::POST, ["invoices", id, "finalize"]) => billing::finalize_invoice_route(cx, id).await,
        (M::POST, ["invoices", id, "pay"]) => billing::pay_invoice_route(cx, id).await,
        (M::POST, ["invoices", id, "void"]) => billing::void_invoice(cx, id).await,
        (M::POST, ["invoices", id, "mark_uncollectible"]) => {
            billing::mark_uncollectible(cx, id).await
        }
        (M::POST, ["invoiceitems"]) => billing::create_invoice_item(cx).await,
        (M::GET, ["invoiceitems"]) => billing::list_invoice_items(cx).await,
        (M::GET, ["invoiceitems", id]) => billing::retrieve_invoice_item(cx, id).await,
        (M::POST, ["test_helpers", "test_clocks"]) => billing::create_clock(cx).await,
        (M::GET, ["test_helpers", "test_clocks"]) => billing::list_clocks(cx).await,
        (M::GET, ["test_helpers", "test_clocks", id]) => billing::retrieve_clock(cx, id).await,
        (M::DELETE, ["test_helpers", "test_clocks", id]) => billing::delete_clock(cx, id).await,
        (M::POST, ["test_helpers", "test_clocks", id, "advance"]) => {
            billing::advance_clock(cx, id).await
        }

        (M::POST, ["checkout", "sessions"]) => checkout::create_session(cx).await,
        (M::GET, ["checkout", "sessions"]) => checkout::list_sessions(cx).await,
        (M::GET, ["checkout", "sessions", id]) => checkout::retrieve_session(cx, id).await,
        (M::GET, ["checkout", "sessions", id, "line_items"]) => {
            checkout::session_line_items(cx, id).await
        }
        (M::POST, ["checkout", "sessions", id, "expire"]) => checkout::expire_session(cx, id).await,
        (M::POST, ["billing_portal", "sessions"]) => checkout::create_portal_session(cx).await,

        (M::GET, ["events"]) => events::list(cx).await,
        (M::GET, ["events", id]) => events::retrieve(cx, id).await,
        (M::POST, ["webhook_endpoints"]) => events::create_endpoint(cx).await,
        (M::GET, ["webhook_endpoints"]) => events::list_endpoints(cx).await,
        (M::GET, ["webhook_endpoints", id]) => events::retrieve_endpoint(cx, id).await,
        (M::POST, ["webhook_endpoints", id]) => events::update_endpoint(cx, id).await,
        (M::DELETE, ["webhook_endpoints", id]) => events::delete_endpoint(cx, id).await,
        _ => Err(ApiError::unrecognized_url(method.as_str(), &cx.path)),
    }
}

/// Values `expand[]` can reach that are not stored on the object (a customer's
/// `subscriptions`, a checkout session's `line_items`, …).
pub(crate) async fn virtual_field(
    cx: &Cx<'_>,
    object: &Map<String, Value>,
    key: &str,
) -> ApiResult<Option<Value>> {
    let kind = object
        .get("object")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
    Ok(match (kind, key) {
        ("customer", "subscriptions") => {
            let data = cx
                .all("subscription", &[("customer = {}", id.to_owned())])
                .await?;
            let url = format!("/v1/customers/{id}/subscriptions");
            Some(cx::list_value(data, false, &url))
        }
        ("customer", "sources") => Some(cx::list_value(
            Vec::new(),
            false,
            &format!("/v1/customers/{id}/sources"),
        )),
        ("customer", "tax") => Some(serde_json::json!({
            "automatic_tax": "unrecognized_location", "ip_address": null, "location": null
        })),
        ("customer", "cash_balance") => Some(Value::Null),
        ("checkout.session", "line_items") => Some(checkout::line_items_value(object)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_like_stripe() {
        assert_eq!(mask_key("sk_live_abcdefgh1234"), "sk_live_********1234");
        assert_eq!(mask_key("sk_test_ab"), "sk_test_**");
        assert_eq!(mask_key("nonsense12345"), "*********2345");
    }

    #[test]
    fn bearer_and_basic_keys() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer sk_test_1".parse().unwrap());
        assert_eq!(api_key(&headers).as_deref(), Some("sk_test_1"));
        // base64("sk_test_1:")
        headers.insert("authorization", "Basic c2tfdGVzdF8xOg==".parse().unwrap());
        assert_eq!(api_key(&headers).as_deref(), Some("sk_test_1"));
        headers.insert("authorization", "Bearer ".parse().unwrap());
        assert_eq!(api_key(&headers), None);
    }
}
