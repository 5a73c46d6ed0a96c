//! Setup intents: confirming one (asking for 3-D Secure when the card wants it), and how an
//! attempt ends.

use serde_json::{Value, json};

use crate::cx::{self, Cx};
use crate::error::ApiResult;
use crate::ids;
use crate::model::card::{self, Step};
use crate::model::intent::{ask_authentication, set_up};
use crate::model::method;

/// A new setup intent `id` (not stored), created at `created`, waiting for a payment method;
/// with automatic payment methods unless its types were given (`automatic` false).
pub(crate) fn new_setup(id: &str, created: i64, automatic: bool) -> Value {
    json!({
        "id": id,
        "object": "setup_intent",
        "application": null,
        "automatic_payment_methods": if automatic { json!({"allow_redirects": "always", "enabled": true}) } else { Value::Null },
        "cancellation_reason": null,
        "client_secret": ids::client_secret(id),
        "created": created,
        "customer": null,
        "description": null,
        "flow_directions": null,
        "last_setup_error": null,
        "latest_attempt": null,
        "livemode": false,
        "mandate": null,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {"card": {"mandate_options": null, "network": null, "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "single_use_mandate": null,
        "status": "requires_payment_method",
        "usage": "off_session",
    })
}

/// Sets up `method` for `setup` (stored, locked): declines as the card's check does, asks for
/// authentication (`requires_action`, coming back to `return_url`) when the card wants it,
/// succeeds otherwise. A decline answers 402 and keeps the failed attempt.
pub(crate) async fn confirm(
    cx: &mut Cx<'_>,
    setup: &mut Value,
    method: &Value,
    return_url: Option<&str>,
) -> ApiResult<()> {
    let requested = setup["payment_method_options"]["card"]["request_three_d_secure"]
        .as_str()
        .unwrap_or("automatic")
        .to_owned();
    match card::setup_step(card::of(method), &requested) {
        Step::Decline(decline) => {
            let before = setup.clone();
            let mut shown = method.clone();
            cx::strip_hidden(&mut shown);
            setup["last_setup_error"] = decline.recorded(None, &shown);
            setup["payment_method"] = Value::Null;
            setup["status"] = json!("requires_payment_method");
            setup["next_action"] = Value::Null;
            cx.save_changed("setup_intent.setup_failed", &before, setup)
                .await?;
            let mut shown = setup.clone();
            cx::strip_hidden(&mut shown);
            Err(decline.error().with("setup_intent", shown).persist())
        }
        Step::Authenticate => {
            let before = setup.clone();
            ask_authentication(cx, setup, method, return_url);
            cx.save_changed("setup_intent.requires_action", &before, setup)
                .await
        }
        Step::Charge => succeed(cx, setup, method).await,
    }
}

/// Ends `setup` in success: `method` is set up for future use and attached to the customer.
pub(crate) async fn succeed(cx: &mut Cx<'_>, setup: &mut Value, method: &Value) -> ApiResult<()> {
    let before = setup.clone();
    let method_id = method["id"].as_str().unwrap_or_default().to_owned();
    set_up(cx, method).await?;
    if let Some(customer) = setup["customer"].as_str().map(str::to_owned) {
        method::attach(cx, &method_id, &customer, "payment_method").await?;
    }
    setup["payment_method"] = json!(method_id);
    setup["status"] = json!("succeeded");
    setup["next_action"] = Value::Null;
    setup["last_setup_error"] = Value::Null;
    cx.save_changed("setup_intent.succeeded", &before, setup)
        .await
}
