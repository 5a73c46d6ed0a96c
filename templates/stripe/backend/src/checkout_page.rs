//! Checkout's page, where a session's `url` sends the customer, and its admin twin for tests.
//!
//! `GET /c/pay/{id}` shows an open session: its line items, its total, an email, a card
//! number (Stripe's Visa test card, 4242…, filled in) and a name, and a Pay button;
//! `POST /c/pay/{id}` (a form: `email`, `paymentMethod`, `name`) pays it and sends the browser
//! to the session's `success_url`, `{CHECKOUT_SESSION_ID}` replaced by its id. A declined card
//! shows the decline and a link back to the page, the session still open.
//!
//! The form's `authentication` (`complete`, the default, or `fail`) is what the customer does
//! with the 3-D Secure challenge a card asks for: failed, the page shows the failure and the
//! session stays open.
//!
//! `POST /api/admin/checkout/sessions/{id}/complete` (behind the admin secret) completes the
//! session the same way from JSON, `{"paymentMethod"?, "email"?, "name"?, "authentication"?}`,
//! and answers it; refusals are Stripe's error object (a decline is the card's 402, a failed
//! authentication a 402 `payment_intent_authentication_failure`).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use crate::cx::{Cx, strip_hidden};
use crate::dispatch::{self, Called, Pending};
use crate::error::{ApiError, ApiResult};
use crate::html::{self, escape, page};
use crate::model::checkout::{self, AUTHENTICATION_PARAM, DEFAULT_CARD, PAY_PATH, Payer};
use crate::model::invoice::money;
use crate::params::Params;
use asym_kit::Kit;

/// The page's title.
const TITLE: &str = "Checkout";

/// What the admin route and the page's form take.
const FIELDS: [&str; 4] = ["paymentMethod", "email", "name", AUTHENTICATION_PARAM];

/// What the customer does with a 3-D Secure challenge (`authentication`; `complete` unless
/// given), as Stripe's test page offers.
const OUTCOMES: [&str; 2] = ["complete", "fail"];

/// The page's routes and the admin route completing a session.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            &format!("{PAY_PATH}{{id}}"),
            axum::routing::get(show).post(pay),
        )
        .route(
            "/api/admin/checkout/sessions/{id}/complete",
            axum::routing::post(complete),
        )
}

/// `GET`: the page of session `id`.
async fn show(
    State(state): State<Kit>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let outcome = match Params::parse(query.as_deref(), b"") {
        Ok(params) => on_session(&state, &id, params, current).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(session) => Html(form(&session)).into_response(),
        Err(err) => html::refusal(TITLE, &err, ""),
    }
}

/// `POST`: pays session `id` with the form's card, then sends the browser on.
async fn pay(State(state): State<Kit>, Path(id): Path<String>, body: Bytes) -> Response {
    let outcome = match Params::parse(None, &body) {
        Ok(params) => on_session(&state, &id, params, finish).await,
        Err(err) => Err(err),
    };
    let session = match outcome {
        Ok(session) => session,
        Err(err) => {
            let back = format!(
                "<p><a href=\"{PAY_PATH}{}\">Back to the payment page</a></p>",
                escape(&id)
            );
            return html::refusal(TITLE, &err, &back);
        }
    };
    let success = session["success_url"]
        .as_str()
        .map(|url| url.replace("{CHECKOUT_SESSION_ID}", &id))
        .and_then(|url| HeaderValue::from_str(&url).ok());
    match success {
        Some(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        None => Html(page(
            TITLE,
            "<p>Thanks for your order: the payment is complete. You can close this window.</p>",
        ))
        .into_response(),
    }
}

/// `POST /api/admin/checkout/sessions/{id}/complete`: completes session `id` as the page
/// does, from JSON, and answers the session.
async fn complete(State(state): State<Kit>, Path(id): Path<String>, body: Bytes) -> Response {
    let outcome = match admin_params(&body) {
        Ok(params) => on_session(&state, &id, params, finish).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(mut session) => {
            strip_hidden(&mut session);
            axum::Json(session).into_response()
        }
        Err(err) => err.into_response(),
    }
}

/// Runs `endpoint` for session `id` with `params` (the session's id is the second segment of
/// the path it is [`Called`] with).
async fn on_session(
    state: &Kit,
    id: &str,
    params: Params,
    endpoint: dispatch::Endpoint,
) -> ApiResult {
    let path = format!("{PAY_PATH}{}", asym_kit::form::encode(id));
    dispatch::page(state, &path, params, endpoint).await
}

/// The admin route's JSON body as parameters: an object of [`FIELDS`], each a string (or
/// null); an empty body is an empty object.
fn admin_params(body: &[u8]) -> ApiResult<Params> {
    const USAGE: &str = "the body must be {\"paymentMethod\"?: a test card's name \
        (\"pm_card_visa\"), a card number or a payment method's id, \"email\"?: \"…\", \
        \"name\"?: \"…\", \"authentication\"?: \"complete\" | \"fail\"}, each a string of at \
        most 5000 characters";
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Params::default());
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(ApiError::invalid(USAGE));
    };
    let mut params = Params::default();
    for (key, value) in map {
        match value {
            Value::Null if FIELDS.contains(&key.as_str()) => {}
            Value::String(text)
                if FIELDS.contains(&key.as_str())
                    && !text.contains('\0')
                    && text.chars().count() <= 5000 =>
            {
                params.0.insert(key, Value::String(text));
            }
            _ => return Err(ApiError::invalid(USAGE).param(&key)),
        }
    }
    Ok(params)
}

/// The session the page shows, expired first if it is due.
fn current<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    Box::pin(async move { checkout::current(cx, called.segment(1)).await })
}

/// Completes the session with the request's [`FIELDS`] (empty ones are not given).
fn finish<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    Box::pin(async move {
        let field = |key: &str| -> ApiResult<Option<String>> {
            let value = cx.params.str(key)?.map(str::trim);
            Ok(value.filter(|s| !s.is_empty()).map(str::to_owned))
        };
        let payer = Payer {
            card: field(FIELDS[0])?,
            email: field(FIELDS[1])?,
            name: field(FIELDS[2])?,
            param: FIELDS[0],
            fails_authentication: cx.params.one_of(AUTHENTICATION_PARAM, &OUTCOMES)?
                == Some("fail"),
        };
        checkout::complete(cx, called.segment(1), &payer).await
    })
}

/// The page of `session`: a form for an open one, what became of it otherwise.
fn form(session: &Value) -> String {
    let id = escape(session["id"].as_str().unwrap_or_default());
    match session["status"].as_str() {
        Some("complete") => {
            return page(
                TITLE,
                "<p>This Checkout Session is complete: it was paid.</p>",
            );
        }
        Some("expired") => return page(TITLE, "<p>This Checkout Session has expired.</p>"),
        _ => {}
    }
    let currency = session["currency"].as_str().unwrap_or("usd");
    let mut lines = String::new();
    for item in session["_line_items"].as_array().into_iter().flatten() {
        lines.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(item["description"].as_str().unwrap_or_default()),
            item["quantity"].as_i64().unwrap_or(1),
            money(item["amount_total"].as_i64().unwrap_or(0), currency),
        ));
    }
    let total = money(session["amount_total"].as_i64().unwrap_or(0), currency);
    let button = match session["mode"].as_str() {
        Some("setup") => "Save card".to_owned(),
        Some("subscription") => format!("Subscribe ({total})"),
        _ => format!("Pay {total}"),
    };
    let email = escape(session["customer_email"].as_str().unwrap_or_default());
    let body = format!(
        "<table><tr><th>Item</th><th>Quantity</th><th>Amount</th></tr>{lines}\
         <tr><td>Total</td><td></td><td>{total}</td></tr></table>\
         <form method=\"post\" action=\"{PAY_PATH}{id}\">\
         <p><label>Email <input name=\"email\" type=\"email\" value=\"{email}\"></label></p>\
         <p><label>Card number <input name=\"paymentMethod\" value=\"{DEFAULT_CARD}\"></label> \
         (a test card's number, or its name: pm_card_chargeDeclined)</p>\
         <p><label>Name on card <input name=\"name\"></label></p>\
         <p><label>3-D Secure, if the card asks for it <select name=\"{AUTHENTICATION_PARAM}\">\
         <option value=\"complete\">Complete authentication</option>\
         <option value=\"fail\">Fail authentication</option></select></label></p>\
         <button type=\"submit\">{button}</button></form>"
    );
    page(TITLE, &body)
}
