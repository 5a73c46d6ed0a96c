//! Payment intents: a new intent, and an attempt to pay one (asking for 3-D Secure, its
//! charge, its decline).

use serde_json::{Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::ids;
use crate::kinds::CHARGE;
use crate::model::card::{self, Decline, Step};
use crate::model::{balance, bank, dispute, method};
use crate::params::{Params, hash_at, string_at};

/// Validates `currency` (three lower-case letters).
pub(crate) fn currency(params: &Params) -> ApiResult<String> {
    let currency = params.required("currency")?.to_lowercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "Invalid currency: {currency}. Stripe currently supports these currencies: usd, eur, gbp, …"
            ),
        ));
    }
    Ok(currency)
}

/// Refuses a payment's `amount` below Stripe's minimum charge (50 of the currency's smallest
/// unit) or above its eight digits.
pub(crate) fn check_amount(amount: i64, currency: &str) -> ApiResult<()> {
    if amount < 50 {
        return Err(ApiError::invalid_param(
            "amount",
            format!("Amount must be at least $0.50 {currency}"),
        )
        .code("amount_too_small"));
    }
    if amount > MAX_AMOUNT {
        return Err(ApiError::too_large("amount"));
    }
    Ok(())
}

/// A new payment intent (not stored).
pub(crate) async fn new_intent(
    cx: &mut Cx<'_>,
    amount: i64,
    currency: &str,
    customer: Option<&str>,
    created: i64,
) -> ApiResult<(Value, i64)> {
    let (id, seq) = cx.new_id("pi_").await?;
    let intent = json!({
        "id": id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": 0,
        "application": null,
        "application_fee_amount": null,
        "automatic_payment_methods": null,
        "canceled_at": null,
        "cancellation_reason": null,
        "capture_method": "automatic",
        "client_secret": ids::client_secret(&id),
        "confirmation_method": "automatic",
        "created": created,
        "currency": currency,
        "customer": customer,
        "description": null,
        "invoice": null,
        "last_payment_error": null,
        "latest_charge": null,
        "livemode": false,
        "metadata": {},
        "next_action": null,
        "on_behalf_of": null,
        "payment_method": null,
        "payment_method_configuration_details": null,
        "payment_method_options": {"card": {"installments": null, "mandate_options": null,
                                            "network": null, "request_three_d_secure": "automatic"}},
        "payment_method_types": ["card"],
        "processing": null,
        "receipt_email": null,
        "review": null,
        "setup_future_usage": null,
        "shipping": null,
        "source": null,
        "statement_descriptor": null,
        "statement_descriptor_suffix": null,
        "status": "requires_payment_method",
        "transfer_data": null,
        "transfer_group": null,
    });
    Ok((intent, seq))
}

/// How a payment attempt is made.
#[derive(Debug, Default, Clone)]
pub(crate) struct How {
    /// The customer is away (`off_session`, renewals): a card that asks for authentication
    /// is declined with `authentication_required`.
    pub(crate) off_session: bool,
    /// Decline rather than ask for authentication (`error_on_requires_action`).
    pub(crate) error_on_requires_action: bool,
    /// Where the authentication page sends the customer back (`return_url`).
    pub(crate) return_url: Option<String>,
}

impl How {
    /// How the confirming request's `off_session`, `error_on_requires_action` and
    /// `return_url` say the attempt is made.
    pub(crate) fn from_params(params: &Params) -> ApiResult<Self> {
        let off_session = match params.get("off_session") {
            Some(Value::String(s)) if s == "one_off" || s == "recurring" => true,
            Some(_) => params.bool("off_session")?.unwrap_or(false),
            None => false,
        };
        Ok(Self {
            off_session,
            error_on_requires_action: params.bool("error_on_requires_action")?.unwrap_or(false),
            return_url: params
                .str("return_url")?
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        })
    }
}

/// What a payment attempt ended in (the intent is saved in each case).
#[derive(Debug)]
pub(crate) enum Attempted {
    /// Charged: `succeeded`, or `requires_capture` for manual capture.
    Charged,
    /// The card asks for 3-D Secure: `requires_action` with a `next_action`.
    RequiresAction,
    /// Declined: the 402 to answer, kept (the failed charge stays).
    Declined(ApiError),
}

/// Pays `intent` with `method` as `how` says: charges it, or asks for authentication
/// first when the card wants it (see [`card::step`]).
pub(crate) async fn attempt(
    cx: &mut Cx<'_>,
    intent: &mut Value,
    method: &Value,
    how: &How,
) -> ApiResult<Attempted> {
    bank::refuse_outside_intents(method)?;
    let test = card::of(method);
    let requested = intent["payment_method_options"]["card"]["request_three_d_secure"]
        .as_str()
        .unwrap_or("automatic")
        .to_owned();
    let set_up = method["_set_up"] == true;
    let decline = match card::step(test, how.off_session, &requested, set_up) {
        Step::Authenticate if how.error_on_requires_action => Some(card::AUTHENTICATION_REQUIRED),
        Step::Authenticate => {
            let before = intent.clone();
            ask_authentication(cx, intent, method, how.return_url.as_deref());
            cx.save(intent)?;
            cx.emit_changed("payment_intent.requires_action", &before, intent)
                .await?;
            return Ok(Attempted::RequiresAction);
        }
        Step::Decline(decline) => Some(decline),
        Step::Charge => test.and_then(|c| c.decline),
    };
    charge(cx, intent, method, decline, None).await
}

/// Moves `intent` (a payment or setup intent) to `requires_action` for `method`: its
/// `next_action` sends the customer to the clone's 3-D Secure test page, by redirect when
/// there is a `return_url` to come back to, through Stripe.js (`use_stripe_sdk`) otherwise.
pub(crate) fn ask_authentication(
    cx: &Cx<'_>,
    intent: &mut Value,
    method: &Value,
    return_url: Option<&str>,
) {
    let id = intent["id"].as_str().unwrap_or_default();
    let secret = intent["client_secret"].as_str().unwrap_or_default();
    let url = format!(
        "{}{}{id}?client_secret={secret}",
        cx.kit.config().public_url,
        AUTHENTICATE_PATH
    );
    intent["next_action"] = match return_url {
        Some(back) => json!({"redirect_to_url": {"return_url": back, "url": url},
                             "type": "redirect_to_url"}),
        None => json!({"type": "use_stripe_sdk",
                       "use_stripe_sdk": {"source": format!("src_{}", ids::base62(id, 24)),
                                          "stripe_js": url,
                                          "type": "three_d_secure_redirect"}}),
    };
    intent["payment_method"] = method["id"].clone();
    intent["status"] = json!("requires_action");
}

/// Where the clone serves its 3-D Secure test page: the intent's id follows.
pub(crate) const AUTHENTICATE_PATH: &str = "/redirect/authenticate/";

/// Charges `method` for `intent` and saves both; `decline` makes the charge fail (402,
/// with the intent, persisted). `secured` is the 3-D Secure result the charge carries.
pub(crate) async fn charge(
    cx: &mut Cx<'_>,
    intent: &mut Value,
    method: &Value,
    decline: Option<Decline>,
    secured: Option<Value>,
) -> ApiResult<Attempted> {
    let before = intent.clone();
    let manual = intent["capture_method"] == "manual";
    let mut charge = new_charge(cx, intent, method, decline, manual, secured).await?;
    let charge_id = charge["id"].clone();
    intent["latest_charge"] = charge_id.clone();
    intent["next_action"] = Value::Null;
    if let Some(decline) = decline {
        let mut method_json = method.clone();
        crate::cx::strip_hidden(&mut method_json);
        intent["last_payment_error"] = decline.recorded(Some(&charge_id), &method_json);
        intent["payment_method"] = Value::Null;
        intent["status"] = json!("requires_payment_method");
        cx.save(intent)?;
        cx.emit("charge.failed", &charge, None).await?;
        cx.emit_changed("payment_intent.payment_failed", &before, intent)
            .await?;
        let mut shown = intent.clone();
        crate::cx::strip_hidden(&mut shown);
        return Ok(Attempted::Declined(
            decline
                .error()
                .with("charge", charge_id)
                .with("payment_intent", shown)
                .with("payment_method", method_json)
                .persist(),
        ));
    }
    intent["last_payment_error"] = Value::Null;
    if manual {
        intent["status"] = json!("requires_capture");
        intent["amount_capturable"] = intent["amount"].clone();
    } else {
        intent["status"] = json!("succeeded");
        intent["amount_received"] = intent["amount"].clone();
    }
    if intent["setup_future_usage"] == "off_session" {
        set_up(cx, method).await?;
    }
    if !intent["setup_future_usage"].is_null()
        && let Some(customer) = intent["customer"].as_str().map(str::to_owned)
        && method["customer"].is_null()
    {
        let id = method["id"].as_str().unwrap_or_default().to_owned();
        method::attach(cx, &id, &customer, "payment_method").await?;
    }
    cx.save(intent)?;
    cx.emit("charge.succeeded", &charge, None).await?;
    let event = if manual {
        "payment_intent.amount_capturable_updated"
    } else {
        "payment_intent.succeeded"
    };
    cx.emit_changed(event, &before, intent).await?;
    if !manual {
        dispute::open(cx, &mut charge, method).await?;
    }
    Ok(Attempted::Charged)
}

/// Records that `method` was set up for future off-session payments (a card that asks for
/// authentication only until then, `pm_card_authenticationRequiredOnSetup`, stops asking).
pub(crate) async fn set_up(cx: &Cx<'_>, method: &Value) -> ApiResult<()> {
    let id = method["id"].as_str().unwrap_or_default();
    if let Some(mut stored) = cx.get("payment_method", id, true).await? {
        stored["_set_up"] = json!(true);
        cx.save(&stored)?;
    }
    Ok(())
}

/// The `three_d_secure` a charge authenticated by the customer carries.
pub(crate) fn authenticated(intent_id: &str) -> Value {
    json!({"authentication_flow": "challenge", "electronic_commerce_indicator": "05",
           "exemption_indicator": null, "result": "authenticated", "result_reason": null,
           "transaction_id": format!("{}-{}", ids::base62(intent_id, 8), ids::base62(&format!("3ds:{intent_id}"), 12)),
           "version": "2.2.0"})
}

/// A new charge of `intent` with `method` (stored), failed by `decline`; one captured at
/// once moves funds to the balance. `intent` is the payment intent the charge pays, or, for
/// the Charges API, the request's fields in an intent's shape with no `id` (the charge then
/// has no `payment_intent`).
pub(crate) async fn new_charge(
    cx: &mut Cx<'_>,
    intent: &Value,
    method: &Value,
    decline: Option<Decline>,
    manual: bool,
    secured: Option<Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("ch_").await?;
    let amount = intent["amount"].as_i64().unwrap_or(0);
    let succeeded = decline.is_none();
    let mut charge = charge_object(cx, &id, intent, method, decline);
    let captured = succeeded && !manual;
    charge["amount_captured"] = json!(if captured { amount } else { 0 });
    charge["captured"] = json!(captured);
    let card = &method["card"];
    charge["payment_method_details"] = json!({
        "card": {
            "amount_authorized": if succeeded { json!(amount) } else { Value::Null },
            "brand": card["brand"].clone(),
            "checks": card["checks"].clone(),
            "country": card["country"].clone(),
            "exp_month": card["exp_month"].clone(),
            "exp_year": card["exp_year"].clone(),
            "fingerprint": card["fingerprint"].clone(),
            "funding": card["funding"].clone(),
            "installments": null,
            "last4": card["last4"].clone(),
            "mandate": null,
            "network": card["brand"].clone(),
            "three_d_secure": secured,
            "wallet": null,
        },
        "type": "card",
    });
    if captured {
        let transaction = balance::charged(cx, &charge, method, amount).await?;
        charge["balance_transaction"] = json!(transaction);
    }
    cx.insert(seq, &charge)?;
    Ok(charge)
}

/// Charge `id` of `intent` with `method` (not stored), failed by `decline`, as every payment
/// method's charge starts: uncaptured, its `payment_method_details` for the caller to fill.
pub(crate) fn charge_object(
    cx: &Cx<'_>,
    id: &str,
    intent: &Value,
    method: &Value,
    decline: Option<Decline>,
) -> Value {
    let succeeded = decline.is_none();
    json!({
        "id": id,
        "object": "charge",
        "amount": intent["amount"].as_i64().unwrap_or(0),
        "amount_captured": 0,
        "amount_refunded": 0,
        "application": null,
        "application_fee": null,
        "application_fee_amount": null,
        "balance_transaction": null,
        "billing_details": method["billing_details"].clone(),
        "calculated_statement_descriptor": "ASYM",
        "captured": false,
        "created": cx.now,
        "currency": intent["currency"].clone(),
        "customer": intent["customer"].clone(),
        "description": intent["description"].clone(),
        "disputed": false,
        "failure_balance_transaction": null,
        "failure_code": decline.map(|d| d.code),
        "failure_message": decline.map(|d| d.message),
        "fraud_details": {},
        "invoice": intent["invoice"].clone(),
        "livemode": false,
        "metadata": intent["metadata"].clone(),
        "on_behalf_of": null,
        "outcome": card::outcome(card::of(method), decline),
        "paid": succeeded,
        "payment_intent": intent["id"].clone(),
        "payment_method": method["id"].clone(),
        "payment_method_details": null,
        "receipt_email": intent["receipt_email"].clone(),
        "receipt_number": null,
        "receipt_url": format!("{}/receipts/{id}", cx.kit.config().public_url),
        "refunded": false,
        "review": null,
        "shipping": intent["shipping"].clone(),
        "source": null,
        "source_transfer": null,
        "statement_descriptor": intent["statement_descriptor"].clone(),
        "statement_descriptor_suffix": intent["statement_descriptor_suffix"].clone(),
        "status": if succeeded { "succeeded" } else { "failed" },
        "transfer_data": null,
        "transfer_group": null,
    })
}

/// The `payment_method_options[card][request_three_d_secure]` an intent's request asks for
/// (the route's table checked the keys of `payment_method_options` and its `card`).
pub(crate) fn requested_three_d_secure(params: &Params) -> ApiResult<Option<&str>> {
    let options = params.hash("payment_method_options")?;
    let at = "payment_method_options[card]";
    let card_options = hash_at(options.and_then(|o| o.get("card")), at)?;
    let param = "payment_method_options[card][request_three_d_secure]";
    match string_at(
        card_options.and_then(|c| c.get("request_three_d_secure")),
        param,
    )? {
        Some(value) if !["automatic", "any", "challenge"].contains(&value) => {
            Err(ApiError::invalid_param(
                param,
                format!("Invalid {param}: must be one of automatic, any, or challenge"),
            ))
        }
        value => Ok(value),
    }
}

/// The payment method types the clone serves, in the order Stripe lists them.
const SERVED_TYPES: [&str; 2] = ["card", "us_bank_account"];

/// The payment method types an intent's create or update sets: `payment_method_types` (cards
/// and US bank accounts here), or `allowed_payment_method_types` (from 2026-07-29.dahlia),
/// which Stripe filters to the compatible types without an error: here, those two. `None`
/// when neither is sent.
pub(crate) fn method_types(params: &Params) -> ApiResult<Option<Vec<String>>> {
    let allowed = "allowed_payment_method_types";
    let Some(types) = params.strings(allowed)? else {
        let Some(types) = params.strings("payment_method_types")? else {
            return Ok(None);
        };
        if let Some(other) = types.iter().find(|t| !SERVED_TYPES.contains(&t.as_str())) {
            return Err(ApiError::invalid_param(
                "payment_method_types",
                format!("The payment method type \"{other}\" is not supported by this clone."),
            ));
        }
        return Ok(Some(types));
    };
    // Stripe: mutually exclusive with these.
    for other in [
        "payment_method_types",
        "excluded_payment_method_types",
        "automatic_payment_methods",
        "payment_method_configuration",
    ] {
        if params.has(other) {
            return Err(ApiError::invalid_param(
                allowed,
                format!("You cannot pass {allowed} together with {other}."),
            ));
        }
    }
    let kept: Vec<String> = SERVED_TYPES
        .iter()
        .filter(|served| types.iter().any(|t| t == *served))
        .map(|t| (*t).to_owned())
        .collect();
    if kept.is_empty() {
        return Err(ApiError::invalid_param(
            allowed,
            format!(
                "None of the {allowed} given is served by this Stripe clone: it serves card and \
                 us_bank_account payment methods only."
            ),
        ));
    }
    Ok(Some(kept))
}

/// The `payment_method_options` an intent shows for its `types`: a bank account's
/// (automatic verification, no mandate options) beside a card's when it takes bank accounts.
pub(crate) fn options_for_types(options: &mut Value, types: &[String]) {
    if let Some(map) = options.as_object_mut() {
        if types.iter().any(|t| t == "us_bank_account") {
            map.insert(
                "us_bank_account".to_owned(),
                json!({"mandate_options": {}, "verification_method": "automatic"}),
            );
        } else {
            map.remove("us_bank_account");
        }
    }
}

/// Captures `amount` (all that is capturable when `None`) of `intent`, locked and
/// `requires_capture`, whose state before the request changed it is `before`: its charge is
/// captured ([`capture_charge`]), both are saved, and `payment_intent.succeeded` emitted. An
/// amount outside 1 and the capturable amount is refused naming `param`. The charge, as saved.
pub(crate) async fn capture(
    cx: &Cx<'_>,
    (before, intent): (&Value, &mut Value),
    amount: Option<i64>,
    param: &str,
) -> ApiResult<Value> {
    let capturable = intent["amount_capturable"].as_i64().unwrap_or(0);
    let amount = capturable_amount(amount, capturable, param)?;
    let charge_id = intent["latest_charge"].as_str().unwrap_or_default();
    let charge = CHARGE.lock_named(cx, charge_id, "charge").await?;
    let (mut charge, method) = capture_charge(cx, charge, amount, capturable).await?;
    intent["status"] = json!("succeeded");
    intent["amount_capturable"] = json!(0);
    intent["amount_received"] = json!(amount);
    cx.save(intent)?;
    cx.emit_changed("payment_intent.succeeded", before, intent)
        .await?;
    dispute::open(cx, &mut charge, &method).await?;
    Ok(charge)
}

/// `amount` (`capturable` when `None`), refused naming `param` unless between 1 and
/// `capturable`.
pub(crate) fn capturable_amount(
    amount: Option<i64>,
    capturable: i64,
    param: &str,
) -> ApiResult<i64> {
    let amount = amount.unwrap_or(capturable);
    if amount > capturable || amount < 1 {
        return Err(ApiError::invalid_param(
            param,
            format!(
                "The amount to capture ({amount}) must be between 1 and the amount capturable ({capturable})."
            ),
        ));
    }
    Ok(amount)
}

/// Captures `amount` of `charge` (locked, uncaptured, `capturable` at most): it gets its
/// balance transaction, what is not captured is released as refunded, it is saved and
/// `charge.captured` emitted. The charge and the payment method it was paid with (for the
/// dispute a dispute test card opens, which the caller opens after its own events).
pub(crate) async fn capture_charge(
    cx: &Cx<'_>,
    mut charge: Value,
    amount: i64,
    capturable: i64,
) -> ApiResult<(Value, Value)> {
    let charge_before = charge.clone();
    charge["captured"] = json!(true);
    charge["amount_captured"] = json!(amount);
    let method = method::of_charge(cx, &charge).await?;
    let transaction = balance::charged(cx, &charge, &method, amount).await?;
    charge["balance_transaction"] = json!(transaction);
    if amount < capturable {
        charge["amount_refunded"] = json!(capturable - amount);
    }
    cx.save(&charge)?;
    cx.emit_changed("charge.captured", &charge_before, &charge)
        .await?;
    Ok((charge, method))
}
