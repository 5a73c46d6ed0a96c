//! The 3-D Secure test page: where an intent in `requires_action` sends the customer
//! (`next_action.redirect_to_url.url`, or `use_stripe_sdk.stripe_js`), as Stripe's test-mode
//! page does, with two buttons: complete or fail the authentication. Completing charges a
//! payment intent (or succeeds a setup intent); failing leaves it waiting for another
//! payment method. Then the browser goes back to the intent's `return_url` with
//! `payment_intent` (or `setup_intent`), its client secret and `redirect_status`.
//!
//! `GET /redirect/authenticate/{id}?client_secret=…` shows the page;
//! `POST /redirect/authenticate/{id}` with `client_secret` and `outcome=complete|fail`
//! decides. The client secret is what authorises both, as on Stripe.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::dispatch::{self, Called, Pending};
use crate::error::ApiError;
use crate::html::{self, page};
use crate::model::auth;
use crate::model::intent::AUTHENTICATE_PATH;
use crate::params::Params;
use asym_kit::Kit;

/// The test page's routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new().route(
        &format!("{AUTHENTICATE_PATH}{{id}}"),
        axum::routing::get(show).post(decide),
    )
}

/// `GET`: the page, for an intent waiting for authentication.
async fn show(
    State(state): State<Kit>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let path = format!("{AUTHENTICATE_PATH}{id}");
    let outcome = match Params::parse(query.as_deref(), b"") {
        Ok(params) => dispatch::page(&state, &path, params, pending).await,
        Err(err) => Err(err),
    };
    match outcome {
        Ok(intent) => Html(form(&intent)).into_response(),
        Err(err) => refusal(&err),
    }
}

/// `POST`: completes or fails the authentication, then sends the browser back.
async fn decide(State(state): State<Kit>, Path(id): Path<String>, body: Bytes) -> Response {
    let path = format!("{AUTHENTICATE_PATH}{id}");
    let outcome = match Params::parse(None, &body) {
        Ok(params) => dispatch::page(&state, &path, params, finish).await,
        Err(err) => Err(err),
    };
    let done = match outcome {
        Ok(done) => done,
        Err(err) => return refusal(&err),
    };
    let intent = &done["intent"];
    let kind = if intent["object"] == "setup_intent" {
        "setup_intent"
    } else {
        "payment_intent"
    };
    let went_on = ["succeeded", "requires_capture", "processing"]
        .contains(&intent["status"].as_str().unwrap_or_default());
    let status = if went_on { "succeeded" } else { "failed" };
    match done["return_url"].as_str() {
        Some(back) => {
            let join = if back.contains('?') { '&' } else { '?' };
            let location = format!(
                "{back}{join}{kind}={}&{kind}_client_secret={}&redirect_status={status}",
                intent["id"].as_str().unwrap_or_default(),
                intent["client_secret"].as_str().unwrap_or_default(),
            );
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
        None => Html(page(
            "3D Secure authentication",
            &format!("<p>Authentication {status}. You can close this window.</p>"),
        ))
        .into_response(),
    }
}

/// The request's `client_secret`.
fn secret(cx: &Cx<'_>) -> Result<String, ApiError> {
    Ok(cx
        .params
        .str("client_secret")?
        .unwrap_or_default()
        .to_owned())
}

fn pending<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    Box::pin(async move { auth::pending(cx, called.segment(1), &secret(cx)?, false).await })
}

fn finish<'a>(cx: &'a mut Cx<'_>, called: &'a Called) -> Pending<'a> {
    Box::pin(async move {
        let secret = secret(cx)?;
        let complete = match cx.params.str("outcome")? {
            Some("complete") => true,
            Some("fail") => false,
            _ => {
                return Err(ApiError::invalid_param(
                    "outcome",
                    "outcome must be `complete` or `fail`.",
                ));
            }
        };
        let (intent, return_url) = auth::finish(cx, called.segment(1), &secret, complete).await?;
        Ok(json!({"intent": intent, "return_url": return_url}))
    })
}

/// The page with its two buttons, for `intent`.
fn form(intent: &Value) -> String {
    let id = intent["id"].as_str().unwrap_or_default();
    let secret = intent["client_secret"].as_str().unwrap_or_default();
    let what = match intent["amount"].as_i64() {
        Some(amount) => format!(
            "a payment of {}",
            crate::model::invoice::money(amount, intent["currency"].as_str().unwrap_or_default())
        ),
        None => "saving a card for later".to_owned(),
    };
    let button = |outcome: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"{AUTHENTICATE_PATH}{id}\">\
             <input type=\"hidden\" name=\"client_secret\" value=\"{secret}\">\
             <input type=\"hidden\" name=\"outcome\" value=\"{outcome}\">\
             <button type=\"submit\">{label}</button></form>"
        )
    };
    page(
        "3D Secure 2 Test Page",
        &format!(
            "<p>This is a test page for authenticating {what} ({id}).</p>{}{}",
            button("complete", "Complete authentication"),
            button("fail", "Fail authentication"),
        ),
    )
}

/// An error shown as a page, with its status.
fn refusal(err: &ApiError) -> Response {
    html::refusal("3D Secure authentication", err, "")
}
