//! Finishing the 3-D Secure authentication an intent waits for (`requires_action`), as the
//! clone's test page decides it: completed, a payment intent is charged (and may still be
//! declined) and a setup intent succeeds; failed, either waits for another payment method.

use serde_json::{Value, json};

use crate::cx::{self, Cx};
use crate::error::{ApiError, ApiResult};
use crate::kinds::PAYMENT_METHOD;
use crate::model::intent::{Attempted, authenticated, charge};
use crate::model::{card, invoice, setup};

/// The intent `id` (`pi_…` or `seti_…`) waiting for authentication, if `secret` is its
/// client secret; locked when `lock`.
pub(crate) async fn pending(cx: &Cx<'_>, id: &str, secret: &str, lock: bool) -> ApiResult<Value> {
    let kind = if id.starts_with("seti_") {
        "setup_intent"
    } else {
        "payment_intent"
    };
    let intent = cx
        .get(kind, id, lock)
        .await?
        .filter(|i| i["client_secret"] == secret)
        .ok_or_else(|| ApiError::missing_resource(kind, id, "client_secret"))?;
    if intent["status"] != "requires_action" {
        return Err(ApiError::state(
            &format!("{kind}_unexpected_state"),
            format!(
                "This authentication is no longer pending: the {kind} has a status of {}.",
                intent["status"].as_str().unwrap_or_default()
            ),
        ));
    }
    Ok(intent)
}

/// Completes (`complete`) or fails the authentication intent `id` waits for. Answers the
/// intent afterwards and the `return_url` its `next_action` named.
pub(crate) async fn finish(
    cx: &mut Cx<'_>,
    id: &str,
    secret: &str,
    complete: bool,
) -> ApiResult<(Value, Option<String>)> {
    let mut intent = pending(cx, id, secret, true).await?;
    let return_url = intent["next_action"]["redirect_to_url"]["return_url"]
        .as_str()
        .map(str::to_owned);
    let method_id = intent["payment_method"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let method = PAYMENT_METHOD
        .lock_named(cx, &method_id, "payment_method")
        .await?;
    // The page shows the intent whatever became of it: a decline is not its error.
    decide(cx, &mut intent, &method, complete).await?;
    Ok((intent, return_url))
}

/// Completes (`complete`) or fails the authentication `intent` (a payment or setup intent in
/// `requires_action`) waits for with `method`, as the customer does on the test page (or on
/// Checkout's page): completed, a payment intent is charged (its invoice paid) and a setup
/// intent succeeds; failed, it waits for another payment method. Answers what the attempt
/// failed with, kept (a decline after authentication, or the authentication's failure), or
/// `None`.
pub(crate) async fn decide(
    cx: &mut Cx<'_>,
    intent: &mut Value,
    method: &Value,
    complete: bool,
) -> ApiResult<Option<ApiError>> {
    match (intent["object"] == "setup_intent", complete) {
        (true, true) => setup::succeed(cx, intent, method).await?,
        (true, false) => {
            return Ok(Some(
                authentication_failed(cx, intent, method, SETUP_FAILURE).await?,
            ));
        }
        (false, true) => {
            let decline = card::of(method).and_then(|c| c.decline);
            let secured = Some(authenticated(intent["id"].as_str().unwrap_or_default()));
            match charge(cx, intent, method, decline, secured).await? {
                Attempted::Declined(err) => return Ok(Some(err)),
                Attempted::Charged | Attempted::RequiresAction => {}
            }
            if intent["status"] == "succeeded" && !intent["invoice"].is_null() {
                invoice::intent_succeeded(cx, intent).await?;
            }
        }
        (false, false) => {
            return Ok(Some(
                authentication_failed(cx, intent, method, PAYMENT_FAILURE).await?,
            ));
        }
    }
    Ok(None)
}

/// What a failed authentication records on each kind of intent: the error field, its code,
/// its message and the event.
type Failure = (&'static str, &'static str, &'static str, &'static str);

const PAYMENT_FAILURE: Failure = (
    "last_payment_error",
    "payment_intent_authentication_failure",
    "The provided PaymentMethod has failed authentication. You can provide \
     payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.",
    "payment_intent.payment_failed",
);
const SETUP_FAILURE: Failure = (
    "last_setup_error",
    "setup_intent_authentication_failure",
    "The latest attempt to set up the payment method has failed because authentication failed.",
    "setup_intent.setup_failed",
);

/// Ends `intent`'s attempt in failed authentication, recorded as `failure` says: it waits
/// for another payment method. Answers the failure as an error, kept: a 402 carrying what
/// the intent records (the clone's status: no Stripe route answers it) and the intent.
async fn authentication_failed(
    cx: &Cx<'_>,
    intent: &mut Value,
    method: &Value,
    (field, code, message, event): Failure,
) -> ApiResult<ApiError> {
    let before = intent.clone();
    let mut shown = method.clone();
    cx::strip_hidden(&mut shown);
    intent[field] = json!({
        "code": code,
        "doc_url": format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")),
        "message": message,
        "payment_method": shown.clone(),
        "type": "invalid_request_error",
    });
    intent["payment_method"] = Value::Null;
    intent["status"] = json!("requires_payment_method");
    intent["next_action"] = Value::Null;
    cx.save_changed(event, &before, intent).await?;
    let kind = intent["object"].as_str().unwrap_or_default().to_owned();
    let mut answered = intent.clone();
    cx::strip_hidden(&mut answered);
    let err = ApiError::request_failed(code, message).with("payment_method", shown);
    Ok(err.with(&kind, answered).persist())
}
