//! Completing a checkout session, as a customer paying on Checkout's page does: by the
//! session's `mode`, a payment intent charged (`payment`), a subscription started with its
//! first invoice paid (`subscription`) or a setup intent succeeded (`setup`); the customer
//! Checkout makes when it makes one; then the session `complete` and
//! `checkout.session.completed`. A declined card (or a failed 3-D Secure challenge) leaves
//! the session open, its payment or setup intent keeping the error, as Checkout shows a
//! decline. And a session's expiry once its `expires_at` has passed.

use serde_json::{Map, Value, json};

use crate::cx::Cx;
use crate::error::{ApiError, ApiResult};
use crate::kinds::{CHECKOUT_SESSION, INVOICE, PAYMENT_INTENT, SETUP_INTENT};
use crate::model::card::{self, Step, luhn_ok};
use crate::model::customer::new_customer;
use crate::model::intent::{self, Attempted, How, new_intent};
use crate::model::{auth, bank, method, setup, subscribe};
use crate::params::Params;

/// Where the clone serves Checkout's page (a session's `url`): the session's id follows.
pub(crate) const PAY_PATH: &str = "/c/pay/";

/// The card a payer pays with when none is given: Stripe's Visa test card.
pub(crate) const DEFAULT_CARD: &str = "4242424242424242";

/// The email a payer has when none is given, the session names none and its customer has
/// none (Checkout asks for one; the clone's choice).
pub(crate) const DEFAULT_EMAIL: &str = "customer@example.com";

/// Who pays a session and with what, as the page's form or the admin route gives it.
#[derive(Debug, Default)]
pub(crate) struct Payer {
    /// The card: a test card's name (`pm_card_visa`, `tok_visa`), a card number, or a stored
    /// payment method's id; [`DEFAULT_CARD`] when none.
    pub(crate) card: Option<String>,
    /// The email typed on the page.
    pub(crate) email: Option<String>,
    /// The name on the card.
    pub(crate) name: Option<String>,
    /// The parameter the card was sent as (named by its errors).
    pub(crate) param: &'static str,
    /// The customer fails (or abandons) the 3-D Secure challenge a card asks for; a card
    /// that asks for none ignores it.
    pub(crate) fails_authentication: bool,
}

/// What a payer's failed 3-D Secure is sent as (`authentication: "fail"`), named by its
/// refusal.
pub(crate) const AUTHENTICATION_PARAM: &str = "authentication";

/// Marks `session` expired (saved, with `checkout.session.expired`) when it is open and its
/// `expires_at` has passed.
pub(crate) async fn expire_if_due(cx: &mut Cx<'_>, session: &mut Value) -> ApiResult<()> {
    if session["status"] == "open" && session["expires_at"].as_i64().is_some_and(|t| t <= cx.now) {
        session["status"] = json!("expired");
        cx.save(session)?;
        cx.emit("checkout.session.expired", session, None).await?;
    }
    Ok(())
}

/// The checkout session `id`, locked, expired first if it is due.
pub(crate) async fn current(cx: &mut Cx<'_>, id: &str) -> ApiResult<Value> {
    let mut session = CHECKOUT_SESSION.lock(cx, id).await?;
    expire_if_due(cx, &mut session).await?;
    Ok(session)
}

/// Completes the open session `id` as `payer` paying it on the page does, and answers it.
/// A session that is not open is refused (the clone's words, after the expiry refusal's);
/// a declined card answers the card's 402, the session left open.
pub(crate) async fn complete(cx: &mut Cx<'_>, id: &str, payer: &Payer) -> ApiResult {
    let mut session = current(cx, id).await?;
    if session["status"] != "open" {
        return Err(ApiError::invalid(format!(
            "Only Checkout Sessions with a status in [\"open\"] can be completed. This Checkout \
             Session has a status of \"{}\".",
            session["status"].as_str().unwrap_or_default()
        ))
        .persist());
    }
    let known = match session["customer"].as_str() {
        Some(_) => Some(cx.customer_of(&session).await?),
        None => None,
    };
    let text = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
    let email = payer
        .email
        .clone()
        .or_else(|| text(&session["customer_email"]))
        .or_else(|| known.as_ref().and_then(|c| text(&c["email"])))
        .unwrap_or_else(|| DEFAULT_EMAIL.to_owned());
    let name = payer
        .name
        .clone()
        .or_else(|| known.as_ref().and_then(|c| text(&c["name"])));
    let details = json!({
        "address": {"city": null, "country": "US", "line1": null, "line2": null,
                    "postal_code": null, "state": null},
        "email": email, "name": name, "phone": null, "tax_exempt": "none", "tax_ids": [],
    });
    let method = payment_method(cx, payer, &details).await?;
    let mode = session["mode"].as_str().unwrap_or_default().to_owned();
    if bank::is_bank(&method) {
        check_bank_session(&session, &mode, payer.param)?;
    }
    let makes_customer = mode == "subscription" || session["customer_creation"] == "always";
    let customer = match (&known, makes_customer) {
        (Some(c), _) => Some(c["id"].as_str().unwrap_or_default().to_owned()),
        (None, true) => Some(customer_for(cx, &mut session, &details).await?),
        (None, false) => None,
    };
    let mut attempt = Attempt {
        session: &mut session,
        customer: customer.as_deref(),
        method: &method,
        completes: !payer.fails_authentication,
    };
    let outcome = match mode.as_str() {
        "subscription" => start_subscription(cx, &mut attempt).await,
        "setup" => set_up(cx, &mut attempt).await,
        _ => pay(cx, &mut attempt).await,
    };
    if let Err(err) = outcome {
        // A decline is kept (the intent's error): so is what the session refers to.
        if err.persist {
            cx.save(&session)?;
        }
        return Err(err);
    }
    if let Some(object) = session.as_object_mut() {
        object.remove("_customer");
    }
    let free = session["amount_total"].as_i64().unwrap_or(0) == 0;
    session["customer"] = json!(customer);
    session["customer_details"] = details;
    session["payment_status"] = json!(if free {
        "no_payment_required"
    } else if bank::is_bank(&method) {
        "unpaid"
    } else {
        "paid"
    });
    session["status"] = json!("complete");
    cx.save(&session)?;
    cx.emit("checkout.session.completed", &session, None)
        .await?;
    Ok(session)
}

/// One attempt at paying a session: the session, its customer (if it has or gets one), the
/// payment method and whether the customer completes the 3-D Secure challenge it may ask for.
struct Attempt<'a> {
    session: &'a mut Value,
    customer: Option<&'a str>,
    method: &'a Value,
    completes: bool,
}

/// The payment method `payer` pays with (a test card's name or a number makes a card
/// carrying the page's billing `details`; an id is a stored payment method).
async fn payment_method(cx: &mut Cx<'_>, payer: &Payer, details: &Value) -> ApiResult<Value> {
    let reference = payer.card.as_deref().unwrap_or(DEFAULT_CARD);
    let digits: String = reference
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let number = match card::named(reference) {
        Some(test) => test.number.to_owned(),
        None if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
            if !luhn_ok(&digits) {
                return Err(ApiError::card(
                    "incorrect_number",
                    None,
                    "Your card number is incorrect.",
                )
                .param(payer.param));
            }
            digits
        }
        None => return method::resolve(cx, reference, payer.param).await,
    };
    let (brand, funding) = card::brand_and_funding(&number);
    let billing = json!({"address": details["address"], "email": details["email"],
                         "name": details["name"]});
    method::new_card(cx, &number, brand, funding, (12, 2034), Some(&billing)).await
}

/// Refuses a bank account for `session` (in `mode`) unless it is a `payment` mode session
/// taking `us_bank_account`, naming `param` (the clone's words).
fn check_bank_session(session: &Value, mode: &str, param: &str) -> ApiResult<()> {
    let types = session["payment_method_types"].as_array();
    if mode == "payment" && types.is_some_and(|t| t.iter().any(|t| t == "us_bank_account")) {
        return Ok(());
    }
    Err(ApiError::invalid_param(
        param,
        "This Stripe clone pays a Checkout Session with an ACH Direct Debit (`us_bank_account`) \
         payment method only in `payment` mode with `us_bank_account` in its \
         `payment_method_types` (not implemented in `setup` and `subscription` modes).",
    ))
}

/// The mandate the customer accepts on Checkout's page when paying by bank account: online
/// (the clone's page records no address or browser).
fn page_mandate() -> Params {
    let mut params = Params::default();
    params.0.insert(
        "mandate_data".to_owned(),
        json!({"customer_acceptance": {"type": "online", "online": {}}}),
    );
    params
}

/// What a debit's settlement makes of the completed, `unpaid` checkout session whose payment
/// intent it is (`intent`, as settled): `paid` with
/// `checkout.session.async_payment_succeeded`, or `checkout.session.async_payment_failed`
/// (still `unpaid`); nothing while the intent is `processing`, or for an intent no session
/// made.
pub(crate) async fn debit_settled(cx: &Cx<'_>, intent: &Value) -> ApiResult<()> {
    let id = intent["id"].as_str().unwrap_or_default().to_owned();
    let filter = [("data->>'payment_intent' = {}", id)];
    for mut session in cx.all("checkout.session", &filter).await? {
        if session["status"] != "complete" || session["payment_status"] != "unpaid" {
            continue;
        }
        let event = match intent["status"].as_str() {
            Some("succeeded") => "checkout.session.async_payment_succeeded",
            Some("requires_payment_method") => "checkout.session.async_payment_failed",
            _ => continue,
        };
        let before = session.clone();
        if event.ends_with("succeeded") {
            session["payment_status"] = json!("paid");
        }
        cx.save(&session)?;
        cx.emit_changed(event, &before, &session).await?;
    }
    Ok(())
}

/// The customer Checkout makes for `session` from the page's `details` (`customer.created`);
/// kept on the session while an attempt is declined, so a second attempt makes no other.
async fn customer_for(cx: &mut Cx<'_>, session: &mut Value, details: &Value) -> ApiResult<String> {
    if let Some(id) = session["_customer"].as_str() {
        return Ok(id.to_owned());
    }
    let (id, seq) = cx.new_id("cus_").await?;
    let mut customer = new_customer(&id, cx.now, None);
    customer["email"] = details["email"].clone();
    customer["name"] = details["name"].clone();
    cx.insert(seq, &customer)?;
    cx.emit("customer.created", &customer, None).await?;
    session["_customer"] = json!(id);
    Ok(id)
}

/// `payment` mode: the session's payment intent (made at the first attempt, kept for the
/// next after a decline or a failed authentication) charged with `method`. A card that asks
/// for 3-D Secure moves it to `requires_action`, then the customer completes the challenge
/// on Checkout's page (it is charged) or fails it (it waits for another payment method).
async fn pay(cx: &mut Cx<'_>, attempt: &mut Attempt<'_>) -> ApiResult<()> {
    let amount = attempt.session["amount_total"].as_i64().unwrap_or(0);
    if amount == 0 {
        return Ok(());
    }
    let mut intent = match attempt.session["payment_intent"].as_str() {
        Some(id) => PAYMENT_INTENT.lock(cx, id).await?,
        None => {
            let currency = attempt.session["currency"]
                .as_str()
                .unwrap_or("usd")
                .to_owned();
            let (intent, seq) = new_intent(cx, amount, &currency, attempt.customer, cx.now).await?;
            cx.insert(seq, &intent)?;
            cx.emit("payment_intent.created", &intent, None).await?;
            attempt.session["payment_intent"] = intent["id"].clone();
            intent
        }
    };
    intent["payment_method"] = attempt.method["id"].clone();
    if bank::is_bank(attempt.method) {
        intent["payment_method_types"] = attempt.session["payment_method_types"].clone();
        bank::debit(cx, (&mut intent, attempt.method), &page_mandate()).await?;
        return Ok(());
    }
    let failure = match intent::attempt(cx, &mut intent, attempt.method, &How::default()).await? {
        Attempted::Declined(err) => Some(err),
        Attempted::Charged => None,
        Attempted::RequiresAction => {
            auth::decide(cx, &mut intent, attempt.method, attempt.completes).await?
        }
    };
    failure.map_or(Ok(()), Err)
}

/// Whether paying with `method` on Checkout's page asks for 3-D Secure.
fn asks_authentication(method: &Value) -> bool {
    let set_up = method["_set_up"] == true;
    card::step(card::of(method), false, "automatic", set_up) == Step::Authenticate
}

/// `subscription` mode: `method` attached to the customer, and a subscription of the
/// session's recurring lines (its one-time lines on the first invoice) paid with it. A
/// decline makes nothing (the subscription is created with `error_if_incomplete`). A card
/// that asks for 3-D Secure makes the subscription `incomplete`, its first invoice's payment
/// intent `requires_action`, then the customer completes the challenge: the invoice is paid
/// and the subscription active (declined afterwards, nothing is kept). A failed challenge is
/// refused by name: what Stripe keeps of it (an `incomplete` subscription?) is not documented.
async fn start_subscription(cx: &mut Cx<'_>, attempt: &mut Attempt<'_>) -> ApiResult<()> {
    let asks = asks_authentication(attempt.method);
    if asks && !attempt.completes {
        return Err(ApiError::invalid_param(
            AUTHENTICATION_PARAM,
            "This Stripe clone does not serve a failed 3-D Secure authentication on a \
             `subscription` mode Checkout Session (not implemented): what Stripe keeps of the \
             attempt is not documented. Fail it in `payment` or `setup` mode, or complete it.",
        ));
    }
    let customer = attempt.customer.unwrap_or_default();
    let method_id = attempt.method["id"].as_str().unwrap_or_default().to_owned();
    method::attach(cx, &method_id, customer, "payment_method")
        .await
        .map_err(|err| ApiError {
            persist: false,
            ..err
        })?;
    let lines = attempt.session["_line_items"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (recurring, once): (Vec<&Value>, Vec<&Value>) = lines
        .iter()
        .partition(|l| l["price"]["type"] == "recurring");
    let mut params = Map::new();
    params.insert("customer".into(), json!(customer));
    let specs = |lines: Vec<&Value>| lines.into_iter().map(subscribe::line_spec).collect();
    params.insert("items".into(), Value::Array(specs(recurring)));
    if !once.is_empty() {
        params.insert("add_invoice_items".into(), Value::Array(specs(once)));
    }
    params.insert("default_payment_method".into(), json!(method_id));
    let behavior = if asks {
        "allow_incomplete"
    } else {
        "error_if_incomplete"
    };
    params.insert("payment_behavior".into(), json!(behavior));
    let sub = subscribe::create(cx, &Params(params), None).await?;
    if asks {
        authenticate_first_payment(cx, &sub, attempt.method).await?;
    }
    attempt.session["subscription"] = sub["id"].clone();
    attempt.session["invoice"] = sub["latest_invoice"].clone();
    Ok(())
}

/// The customer completes the 3-D Secure challenge the first invoice of `sub` waits for,
/// paying with `method`: a decline afterwards keeps nothing, as a decline without one.
async fn authenticate_first_payment(cx: &mut Cx<'_>, sub: &Value, method: &Value) -> ApiResult<()> {
    let invoice_id = sub["latest_invoice"].as_str().unwrap_or_default();
    let invoice = INVOICE.find(cx, invoice_id).await?;
    // Nothing due (a free price): the invoice was paid without a payment intent.
    let Some(intent_id) = invoice["payment_intent"].as_str() else {
        return Ok(());
    };
    let mut intent = PAYMENT_INTENT.lock(cx, intent_id).await?;
    if intent["status"] != "requires_action" {
        return Ok(());
    }
    match auth::decide(cx, &mut intent, method, true).await? {
        Some(err) => Err(ApiError {
            persist: false,
            ..err
        }),
        None => Ok(()),
    }
}

/// `setup` mode: the session's setup intent (made at the first attempt) confirmed with
/// `method`, attached to the customer if there is one; authentication, when the card asks
/// for it, is completed on the page (or failed: the intent keeps `last_setup_error`).
async fn set_up(cx: &mut Cx<'_>, attempt: &mut Attempt<'_>) -> ApiResult<()> {
    let mut intent = match attempt.session["setup_intent"].as_str() {
        Some(id) => SETUP_INTENT.lock(cx, id).await?,
        None => {
            let (id, seq) = cx.new_id("seti_").await?;
            let mut intent = setup::new_setup(&id, cx.now, false);
            intent["customer"] = json!(attempt.customer);
            cx.insert(seq, &intent)?;
            cx.emit("setup_intent.created", &intent, None).await?;
            attempt.session["setup_intent"] = json!(id);
            intent
        }
    };
    setup::confirm(cx, &mut intent, attempt.method, None).await?;
    if intent["status"] != "requires_action" {
        return Ok(());
    }
    let failure = auth::decide(cx, &mut intent, attempt.method, attempt.completes).await?;
    failure.map_or(Ok(()), Err)
}
