//! Setup intents.

use axum::Router;
use serde_json::{Value, json};

use crate::cx::Cx;
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CUSTOMER, PAYMENT_METHOD, SETUP_INTENT};
use crate::model::intent::{method_types, options_for_types, requested_three_d_secure};
use crate::model::{bank, method, setup};
use crate::params::{Nested, Params, Takes, apply_metadata};
use crate::shapes::{
    AUTOMATIC_PAYMENT_METHODS, CARD_OPTIONS_SERVED, CARD_OPTIONS_UNSERVED, MANDATE_DATA,
};
use asym_kit::Kit;

/// Setup intents: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/setup_intents" => post(create_setup), get(list_setups);
        "/v1/setup_intents/{id}" => get(retrieve_setup, 1), post(update_setup, 1);
        "/v1/setup_intents/{id}/confirm" => post(confirm_setup, 1);
        "/v1/setup_intents/{id}/cancel" => post(cancel_setup, 1);
    }
}

/// What a setup intent's create and update both serve.
#[rustfmt::skip]
const SETUP_SERVED: &[&str] = &[
    "customer", "description", "metadata", "payment_method", "payment_method_types",
    "allowed_payment_method_types", "payment_method_options",
];

/// What Stripe takes on a setup intent's create and update that this clone does not serve.
#[rustfmt::skip]
const SETUP_UNSERVED: &[&str] = &[
    "attach_to_self", "customer_account", "excluded_payment_method_types", "flow_directions",
    "payment_method_configuration", "payment_method_data",
];

/// The hashes a setup intent's create, update and confirm check inside.
const SETUP_NESTED: Nested = &[
    ("payment_method_options", &OPTIONS),
    ("automatic_payment_methods", &AUTOMATIC_PAYMENT_METHODS),
    ("mandate_data", &MANDATE_DATA),
];

/// What a setup intent's `payment_method_options` take: cards' only.
#[rustfmt::skip]
const OPTIONS: Takes = Takes {
    route: "setup intents",
    serves: &[&["card"]],
    refuses: &[&[
        "acss_debit", "amazon_pay", "bacs_debit", "bizum", "blik", "card_present", "klarna",
        "link", "paypal", "payto", "pix", "sepa_debit", "upi", "us_bank_account",
    ]],
    nested: &[("card", &CARD_OPTIONS)],
};

/// What `payment_method_options[card]` takes on a setup intent: 3-D Secure's request.
const CARD_OPTIONS: Takes = Takes {
    route: "setup intents",
    serves: &[CARD_OPTIONS_SERVED],
    refuses: &[CARD_OPTIONS_UNSERVED],
    nested: &[],
};

/// What `POST /v1/setup_intents` takes.
#[rustfmt::skip]
const CREATE: Takes = Takes {
    route: "setup intent creation",
    serves: &[SETUP_SERVED, &[
        "usage", "confirm", "return_url", "automatic_payment_methods", "use_stripe_sdk",
        "mandate_data",
    ]],
    refuses: &[SETUP_UNSERVED, &["confirmation_token", "on_behalf_of", "single_use"]],
    nested: SETUP_NESTED,
};

/// What `POST /v1/setup_intents/{id}` takes.
const UPDATE: Takes = Takes {
    route: "setup intent updates",
    serves: &[SETUP_SERVED],
    refuses: &[SETUP_UNSERVED],
    nested: SETUP_NESTED,
};

/// `POST /v1/setup_intents`.
pub(crate) async fn create_setup(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE)?;
    let params = cx.params.clone();
    let (id, seq) = cx.new_id("seti_").await?;
    let automatic =
        !params.has("payment_method_types") && !params.has("allowed_payment_method_types");
    let mut setup = setup::new_setup(&id, cx.now, automatic);
    apply_setup(cx, &mut setup, &params).await?;
    cx.insert(seq, &setup)?;
    cx.emit("setup_intent.created", &setup, None).await?;
    if params.bool("confirm")?.unwrap_or(false) {
        confirm_setup_inner(cx, &mut setup, &params).await?;
    }
    Ok(setup)
}

async fn apply_setup(cx: &mut Cx<'_>, setup: &mut Value, params: &Params) -> ApiResult<()> {
    params.copy_nullable(setup, &["description"])?;
    if let Some(usage) = params.one_of("usage", &["on_session", "off_session"])? {
        setup["usage"] = json!(usage);
    }
    if let Some(customer) = params.nullable("customer")? {
        if let Some(id) = customer.as_str() {
            CUSTOMER.named(cx, id, "customer").await?;
        }
        setup["customer"] = customer;
    }
    if let Some(requested) = requested_three_d_secure(params)? {
        setup["payment_method_options"]["card"]["request_three_d_secure"] = json!(requested);
    }
    if let Some(types) = method_types(params)? {
        options_for_types(&mut setup["payment_method_options"], &types);
        setup["payment_method_types"] = json!(types);
    }
    if let Some(pm) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        let method = method::resolve(cx, pm, "payment_method").await?;
        setup["payment_method"] = method["id"].clone();
        if setup["status"] == "requires_payment_method" {
            setup["status"] = json!("requires_confirmation");
        }
    }
    apply_metadata(setup, params)
}

/// `GET /v1/setup_intents/{id}`.
pub(crate) async fn retrieve_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["client_secret"])?;
    SETUP_INTENT.find(cx, id).await
}

/// `POST /v1/setup_intents/{id}`.
pub(crate) async fn update_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut setup) = SETUP_INTENT.for_update(cx, id, &UPDATE).await?;
    let before = setup.clone();
    apply_setup(cx, &mut setup, &params).await?;
    cx.save_if_changed("setup_intent.updated", &before, setup)
        .await
}

/// `GET /v1/setup_intents` (`customer`, `payment_method`).
pub(crate) async fn list_setups(cx: &mut Cx<'_>) -> ApiResult {
    let keys = [
        ("customer", "customer = {}"),
        ("payment_method", "data->>'payment_method' = {}"),
    ];
    SETUP_INTENT.list_by(cx, &keys, &["attach_to_self"]).await
}

/// `POST /v1/setup_intents/{id}/confirm`.
pub(crate) async fn confirm_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    let (params, mut setup) = SETUP_INTENT
        .for_update(
            cx,
            id,
            &Takes {
                route: "setup intent confirmation",
                serves: &[&[
                    "payment_method",
                    "return_url",
                    "use_stripe_sdk",
                    "client_secret",
                    "mandate_data",
                ]],
                #[rustfmt::skip]
                refuses: &[&[
                    "allowed_payment_method_types", "confirmation_token",
                    "payment_method_data", "payment_method_options",
                ]],
                nested: SETUP_NESTED,
            },
        )
        .await?;
    let allowed = [
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ];
    if !allowed.contains(&setup["status"].as_str().unwrap_or_default()) {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            format!(
                "You cannot confirm this SetupIntent because it has a status of {}.",
                setup["status"].as_str().unwrap_or_default()
            ),
        ));
    }
    if let Some(pm) = params.str("payment_method")?.filter(|s| !s.is_empty()) {
        let method = method::resolve(cx, pm, "payment_method").await?;
        setup["payment_method"] = method["id"].clone();
    }
    confirm_setup_inner(cx, &mut setup, &params).await?;
    Ok(setup)
}

/// Confirms `setup` with its payment method, as the request's `return_url` and
/// `mandate_data` (a bank account's) say.
async fn confirm_setup_inner(cx: &mut Cx<'_>, setup: &mut Value, params: &Params) -> ApiResult<()> {
    let Some(method_id) = setup["payment_method"].as_str().map(str::to_owned) else {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            "You cannot confirm this SetupIntent because it's missing a payment method.",
        ));
    };
    let method = PAYMENT_METHOD
        .lock_named(cx, &method_id, "payment_method")
        .await?;
    if bank::is_bank(&method) {
        return bank::set_up(cx, setup, &method, params).await;
    }
    let return_url = params.str("return_url")?.filter(|s| !s.is_empty());
    setup::confirm(cx, setup, &method, return_url).await
}

/// `POST /v1/setup_intents/{id}/cancel`.
pub(crate) async fn cancel_setup(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["cancellation_reason"])?;
    let reason = cx.params.str("cancellation_reason")?.map(str::to_owned);
    let mut setup = SETUP_INTENT.lock(cx, id).await?;
    if ["succeeded", "canceled"].contains(&setup["status"].as_str().unwrap_or_default()) {
        return Err(ApiError::state(
            "setup_intent_unexpected_state",
            format!(
                "You cannot cancel this SetupIntent because it has a status of {}.",
                setup["status"].as_str().unwrap_or_default()
            ),
        ));
    }
    let before = setup.clone();
    setup["status"] = json!("canceled");
    setup["cancellation_reason"] = json!(reason);
    cx.save_changed("setup_intent.canceled", &before, &setup)
        .await?;
    Ok(setup)
}
