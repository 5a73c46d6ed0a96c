//! ACH Direct Debit (`us_bank_account`): Stripe's test bank accounts, a new bank account
//! payment method, the mandate a debit needs, the debit's pending charge, and its settlement
//! (succeeded or failed with the account's code), which the admin route runs.

use serde_json::{Map, Value, json};

use crate::cx::{Cx, strip_hidden};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::kinds::PAYMENT_INTENT;
use crate::model::{balance, intent, method};
use crate::params::{Params, hash_at, listed, required_at, string_at};

/// The routing number of Stripe's test bank.
pub(crate) const TEST_ROUTING: &str = "110000000";

/// The name Stripe gives its test bank.
const TEST_BANK: &str = "STRIPE TEST BANK";

/// The prefix of Stripe's test bank account payment methods (`pm_usBankAccount_success`).
pub(crate) const TEST_METHOD_PREFIX: &str = "pm_usBankAccount_";

/// What a debit from an account comes to when it settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Settles {
    /// The payment succeeds.
    Succeeds,
    /// The payment fails with this `code` and message.
    Fails(&'static str, &'static str),
    /// The payment stays `processing` (`pm_usBankAccount_processing`).
    Never,
}

/// One of Stripe's test bank accounts (routing number [`TEST_ROUTING`]): the name after
/// [`TEST_METHOD_PREFIX`], the account number, and how its debits settle.
#[derive(Debug)]
pub(crate) struct TestAccount {
    name: &'static str,
    number: &'static str,
    settles: Settles,
}

const fn fails(name: &'static str, number: &'static str, code: &'static str) -> TestAccount {
    let message = match code.as_bytes() {
        b"account_closed" => "The customer's bank account has been closed.",
        b"no_account" => "The customer's bank account could not be located.",
        b"insufficient_funds" => {
            "The customer's account has insufficient funds to cover this payment."
        }
        b"debit_not_authorized" => {
            "The customer has notified their bank that this payment was unauthorized."
        }
        _ => "The bank account does not accept payments in this currency.",
    };
    TestAccount {
        name,
        number,
        settles: Settles::Fails(code, message),
    }
}

/// Stripe's test accounts (<https://docs.stripe.com/payments/ach-direct-debit>, "Test account
/// numbers"), but those for microdeposits, disputes and the weekly limit, which the clone does
/// not model.
#[rustfmt::skip]
const ACCOUNTS: &[TestAccount] = &[
    TestAccount { name: "success", number: "000123456789", settles: Settles::Succeeds },
    fails("accountClosed", "000111111113", "account_closed"),
    fails("noAccount", "000111111116", "no_account"),
    fails("insufficientFunds", "000222222227", "insufficient_funds"),
    fails("debitNotAuthorized", "000333333335", "debit_not_authorized"),
    fails("invalidCurrency", "000444444440", "invalid_currency"),
    TestAccount { name: "processing", number: "000000000009", settles: Settles::Never },
];

/// The test account a payment method name (`pm_usBankAccount_success`) stands for.
pub(crate) fn named(reference: &str) -> Option<&'static TestAccount> {
    let name = reference.strip_prefix(TEST_METHOD_PREFIX)?;
    ACCOUNTS.iter().find(|a| a.name == name)
}

/// How a debit from bank account payment `method` settles: its test account's outcome, and
/// success for any other account number.
pub(crate) fn settles(method: &Value) -> Settles {
    let number = method["_account"].as_str().unwrap_or_default();
    ACCOUNTS
        .iter()
        .find(|a| a.number == number)
        .map_or(Settles::Succeeds, |a| a.settles)
}

/// Whether `method` is a bank account payment method.
pub(crate) fn is_bank(method: &Value) -> bool {
    method["type"] == "us_bank_account"
}

/// Whether an ABA routing number has nine digits and a valid check digit.
fn routing_ok(routing: &str) -> bool {
    let digits: Vec<u32> = routing.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 9 || routing.len() != 9 {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .zip([3, 7, 1].iter().cycle())
        .map(|(d, w)| d * w)
        .sum();
    sum.is_multiple_of(10)
}

/// A choice among `allowed` at `key` of `hash` (`default` when absent), refused naming
/// `at[key]` as Stripe refuses a value outside a parameter's choices.
fn choice(
    hash: &Map<String, Value>,
    key: &str,
    at: &str,
    allowed: &[&'static str],
) -> ApiResult<&'static str> {
    let name = format!("{at}[{key}]");
    let Some(value) = string_at(hash.get(key), &name)? else {
        return Ok(allowed[0]);
    };
    allowed
        .iter()
        .find(|a| **a == value)
        .copied()
        .ok_or_else(|| {
            ApiError::invalid_param(
                &name,
                format!("Invalid {name}: must be one of {}", listed(allowed)),
            )
        })
}

/// Creates (and stores) a bank account payment method from the request's `us_bank_account`
/// hash (its table checked the keys) and `billing_details`, whose `name` ACH requires.
pub(crate) async fn create(cx: &mut Cx<'_>, params: &Params) -> ApiResult<Value> {
    let at = "us_bank_account";
    let bank = params
        .hash(at)?
        .ok_or_else(|| ApiError::missing(at))?
        .clone();
    let routing = required_at(&bank, "routing_number", "us_bank_account[routing_number]")?;
    if !routing_ok(routing) {
        return Err(ApiError::invalid_param(
            "us_bank_account[routing_number]",
            format!("Invalid routing number: {routing} is not a valid US routing number."),
        )
        .code("routing_number_invalid"));
    }
    let number = required_at(&bank, "account_number", "us_bank_account[account_number]")?;
    if !(4..=17).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid_param(
            "us_bank_account[account_number]",
            "Invalid account number: a US bank account number has 4 to 17 digits.",
        )
        .code("account_number_invalid"));
    }
    let billing = params.get("billing_details").cloned();
    let name = billing.as_ref().and_then(|b| b.get("name"));
    if string_at(name, "billing_details[name]")?.is_none_or(str::is_empty) {
        return Err(ApiError::missing("billing_details[name]"));
    }
    let holder = choice(&bank, "account_holder_type", at, &["individual", "company"])?;
    let kind = choice(&bank, "account_type", at, &["checking", "savings"])?;
    new_method(cx, (routing, number), (holder, kind), billing.as_ref()).await
}

/// The stored payment method of test account `account` (a fresh one each time, as Stripe
/// makes one for each use of a test payment method's name).
pub(crate) async fn from_test_account(cx: &mut Cx<'_>, account: &TestAccount) -> ApiResult<Value> {
    let billing = json!({"name": "Jenny Rosen"});
    let numbers = (TEST_ROUTING, account.number);
    new_method(cx, numbers, ("individual", "checking"), Some(&billing)).await
}

/// Builds and stores a bank account payment method.
async fn new_method(
    cx: &mut Cx<'_>,
    (routing, number): (&str, &str),
    (holder, kind): (&str, &str),
    billing: Option<&Value>,
) -> ApiResult<Value> {
    let (id, seq) = cx.new_id("pm_").await?;
    let method = json!({
        "id": id,
        "object": "payment_method",
        "allow_redisplay": "unspecified",
        "billing_details": method::billing_details(billing),
        "created": cx.now,
        "customer": null,
        "livemode": false,
        "metadata": {},
        "type": "us_bank_account",
        "us_bank_account": {
            "account_holder_type": holder,
            "account_type": kind,
            "bank_name": if routing == TEST_ROUTING { Some(TEST_BANK) } else { None },
            "financial_connections_account": null,
            "fingerprint": ids::base62(&format!("fp:{routing}:{number}"), 16),
            "last4": &number[number.len().saturating_sub(4)..],
            "networks": {"preferred": "ach", "supported": ["ach"]},
            "routing_number": routing,
            "status_details": {},
        },
        "_account": number,
    });
    cx.insert(seq, &method)?;
    Ok(method)
}

/// The customer acceptance of a request's `mandate_data` (its table checked the keys), or
/// `None` when it sent none.
fn acceptance(cx: &Cx<'_>, params: &Params) -> ApiResult<Option<Value>> {
    let Some(data) = params.hash("mandate_data")? else {
        return Ok(None);
    };
    let at = "mandate_data[customer_acceptance]";
    let accepted =
        hash_at(data.get("customer_acceptance"), at)?.ok_or_else(|| ApiError::missing(at))?;
    if !accepted.contains_key("type") {
        return Err(ApiError::missing(&format!("{at}[type]")));
    }
    let kind = choice(accepted, "type", at, &["online", "offline"])?;
    let online = hash_at(accepted.get("online"), &format!("{at}[online]"))?;
    // Only the kind accepted is there (Stripe's `online` and `offline` are never null).
    let details = match (kind, online) {
        ("online", Some(online)) => json!({
            "ip_address": online.get("ip_address").cloned().unwrap_or(Value::Null),
            "user_agent": online.get("user_agent").cloned().unwrap_or(Value::Null),
        }),
        ("online", None) => return Err(ApiError::missing(&format!("{at}[online]"))),
        _ => json!({}),
    };
    Ok(Some(
        json!({"accepted_at": cx.now, kind: details, "type": kind}),
    ))
}

/// The mandate a debit from `method` is made under: a new one from the request's
/// `mandate_data` (multi-use when the method is being saved, `multi`; `single_use` for this
/// `intent`'s amount otherwise), else the one the method was saved with; Stripe's
/// `parameter_missing` naming `mandate_data` when there is neither.
async fn mandate_for(
    cx: &mut Cx<'_>,
    (intent, method): (&Value, &Value),
    params: &Params,
    multi: bool,
) -> ApiResult<String> {
    let Some(accepted) = acceptance(cx, params)? else {
        return method["_mandate"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| ApiError::missing("mandate_data"));
    };
    new_mandate(cx, method, accepted, (!multi).then_some(intent)).await
}

/// Stores a new active mandate for `method`, single-use for `single`'s amount when given;
/// its id.
pub(crate) async fn new_mandate(
    cx: &mut Cx<'_>,
    method: &Value,
    accepted: Value,
    single: Option<&Value>,
) -> ApiResult<String> {
    let (id, seq) = cx.new_id("mandate_").await?;
    // Only the kind of use it is for is there (Stripe's `single_use` and `multi_use` are
    // never null); a mandate has no `created`.
    let (kind, usage) = match single {
        Some(i) => (
            "single_use",
            json!({"amount": i["amount"], "currency": i["currency"]}),
        ),
        None => ("multi_use", json!({})),
    };
    let mandate = json!({
        "id": id,
        "object": "mandate",
        "customer_acceptance": accepted,
        "livemode": false,
        kind: usage,
        "on_behalf_of": null,
        "payment_method": method["id"].clone(),
        "payment_method_details": {"type": "us_bank_account", "us_bank_account": {}},
        "status": "active",
        "type": kind,
    });
    cx.insert(seq, &mandate)?;
    Ok(id)
}

/// Refuses to debit `method` for `intent` unless the intent allows bank accounts (see
/// [`check_allowed`]) and is in US dollars.
fn check_payable(intent: &Value, method: &Value) -> ApiResult<()> {
    check_allowed(intent, method, "PaymentIntent")?;
    if intent["currency"] != "usd" {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "The currency provided ({}) is invalid. Payments with us_bank_account support \
                 the following currencies: usd.",
                intent["currency"].as_str().unwrap_or_default()
            ),
        )
        .code("payment_intent_invalid_parameter"));
    }
    Ok(())
}

/// Refuses bank account `method` for `intent` (a payment or setup intent, named `noun`)
/// unless its `payment_method_types` or automatic payment methods allow bank accounts.
fn check_allowed(intent: &Value, method: &Value, noun: &str) -> ApiResult<()> {
    let types = intent["payment_method_types"].as_array();
    let allowed = intent["automatic_payment_methods"]["enabled"] == true
        || types.is_some_and(|t| t.iter().any(|t| t == "us_bank_account"));
    if allowed {
        return Ok(());
    }
    let code = if noun == "PaymentIntent" {
        "payment_intent_incompatible_payment_method"
    } else {
        "setup_intent_invalid_parameter"
    };
    Err(ApiError::invalid_param(
        "payment_method",
        format!(
            "The PaymentMethod provided ({}) is of type us_bank_account, which is not allowed \
             for this {noun}: add us_bank_account to its payment_method_types.",
            method["id"].as_str().unwrap_or_default()
        ),
    )
    .code(code))
}

/// Sets bank account `method` up for later debits on `setup` (locked, stored): a multi-use
/// mandate from the request's `mandate_data` (Stripe's `parameter_missing` without one), the
/// method attached to the setup's customer, the setup `succeeded` with its `mandate`
/// (`setup_intent.succeeded`).
pub(crate) async fn set_up(
    cx: &mut Cx<'_>,
    setup: &mut Value,
    method: &Value,
    params: &Params,
) -> ApiResult<()> {
    check_allowed(setup, method, "SetupIntent")?;
    let accepted = acceptance(cx, params)?.ok_or_else(|| ApiError::missing("mandate_data"))?;
    let mandate = new_mandate(cx, method, accepted, None).await?;
    save_method(cx, method, setup["customer"].as_str(), &mandate).await?;
    setup["mandate"] = json!(mandate);
    crate::model::setup::succeed(cx, setup, method).await
}

/// Starts the debit of `intent` (locked, allowing bank accounts in US dollars: see
/// [`check_payable`]) from bank account `method` under the mandate the request's `params`
/// give (see [`mandate_for`]): a `pending` charge (`charge.pending`), the intent
/// `processing` (`payment_intent.processing`). Saving the method (`setup_future_usage`)
/// attaches it to the intent's customer and keeps the mandate on it for later debits. The
/// charge.
pub(crate) async fn debit(
    cx: &mut Cx<'_>,
    (intent, method): (&mut Value, &Value),
    params: &Params,
) -> ApiResult<Value> {
    check_payable(intent, method)?;
    let multi = !intent["setup_future_usage"].is_null();
    let mandate = &mandate_for(cx, (intent, method), params, multi).await?;
    let before = intent.clone();
    let (id, seq) = cx.new_id("ch_").await?;
    let mut charge = intent::charge_object(cx, &id, intent, method, None);
    let amount = intent["amount"].clone();
    charge["amount_captured"] = amount;
    charge["captured"] = json!(true);
    charge["paid"] = json!(false);
    charge["status"] = json!("pending");
    charge["outcome"] = json!({"network_status": "approved_by_network", "reason": null,
                               "risk_level": "not_assessed", "seller_message": "Payment complete.",
                               "type": "authorized"});
    let bank = &method["us_bank_account"];
    charge["payment_method_details"] = json!({
        "type": "us_bank_account",
        "us_bank_account": {
            "account_holder_type": bank["account_holder_type"],
            "account_type": bank["account_type"],
            "bank_name": bank["bank_name"],
            "expected_debit_date": crate::clock::iso_date(cx.now),
            "fingerprint": bank["fingerprint"],
            "last4": bank["last4"],
            "mandate": mandate,
            "payment_reference": null,
            "routing_number": bank["routing_number"],
        },
    });
    cx.insert(seq, &charge)?;
    intent["latest_charge"] = json!(id);
    intent["payment_method"] = method["id"].clone();
    intent["last_payment_error"] = Value::Null;
    intent["next_action"] = Value::Null;
    intent["status"] = json!("processing");
    if !intent["setup_future_usage"].is_null() {
        save_method(cx, method, intent["customer"].as_str(), mandate).await?;
    }
    cx.save(intent)?;
    cx.emit("charge.pending", &charge, None).await?;
    cx.emit_changed("payment_intent.processing", &before, intent)
        .await?;
    Ok(charge)
}

/// Keeps `mandate` on bank account `method` for later debits and attaches the method to
/// `customer` if it is not attached yet.
pub(crate) async fn save_method(
    cx: &mut Cx<'_>,
    method: &Value,
    customer: Option<&str>,
    mandate: &str,
) -> ApiResult<()> {
    let id = method["id"].as_str().unwrap_or_default().to_owned();
    if let Some(customer) = customer
        && method["customer"].is_null()
    {
        method::attach(cx, &id, customer, "payment_method").await?;
    }
    if let Some(mut stored) = cx.get("payment_method", &id, true).await? {
        stored["_mandate"] = json!(mandate);
        cx.save(&stored)?;
    }
    Ok(())
}

/// Settles the debit of `processing` payment intent `id` as its account says: succeeded
/// (the charge `succeeded` with its balance transaction; `charge.succeeded`,
/// `payment_intent.succeeded`), failed (the charge `failed` with the account's code, the
/// intent back at `requires_payment_method` with `last_payment_error`; `charge.failed`,
/// `payment_intent.payment_failed`), or left `processing`. The intent, as it is now.
pub(crate) async fn settle(cx: &mut Cx<'_>, id: &str) -> ApiResult<Value> {
    let mut intent = PAYMENT_INTENT.lock(cx, id).await?;
    let charge_id = intent["latest_charge"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let pending = match cx.get("charge", &charge_id, true).await? {
        Some(charge) if intent["status"] == "processing" && charge["status"] == "pending" => charge,
        _ => {
            return Err(ApiError::state(
                "payment_intent_unexpected_state",
                format!(
                    "PaymentIntent {id} has a status of {}: only a processing ACH Direct Debit \
                     payment can settle.",
                    intent["status"].as_str().unwrap_or_default()
                ),
            ));
        }
    };
    let method_id = pending["payment_method"].as_str().unwrap_or_default();
    let method = cx
        .get("payment_method", method_id, false)
        .await?
        .unwrap_or(Value::Null);
    let before = intent.clone();
    let mut charge = pending.clone();
    match settles(&method) {
        Settles::Never => return Ok(intent),
        Settles::Succeeds => {
            let amount = charge["amount"].as_i64().unwrap_or(0);
            charge["paid"] = json!(true);
            charge["status"] = json!("succeeded");
            let transaction = balance::charged(cx, &charge, &method, amount).await?;
            charge["balance_transaction"] = json!(transaction);
            intent["status"] = json!("succeeded");
            intent["amount_received"] = json!(amount);
            cx.save_changed("charge.succeeded", &pending, &charge)
                .await?;
            cx.save_changed("payment_intent.succeeded", &before, &intent)
                .await?;
        }
        Settles::Fails(code, message) => {
            charge["status"] = json!("failed");
            charge["failure_code"] = json!(code);
            charge["failure_message"] = json!(message);
            charge["outcome"]["network_status"] = json!("declined_by_network");
            charge["outcome"]["reason"] = json!(code);
            charge["outcome"]["seller_message"] = json!(message);
            charge["outcome"]["type"] = json!("issuer_declined");
            let mut shown = method.clone();
            strip_hidden(&mut shown);
            intent["last_payment_error"] = json!({
                "charge": charge_id,
                "code": code,
                "doc_url": format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")),
                "message": message,
                "payment_method": shown,
                "type": "invalid_request_error",
            });
            intent["payment_method"] = Value::Null;
            intent["status"] = json!("requires_payment_method");
            cx.save_changed("charge.failed", &pending, &charge).await?;
            cx.save_changed("payment_intent.payment_failed", &before, &intent)
                .await?;
        }
    }
    Ok(intent)
}

/// Refuses what only cards serve with a bank account `method` (paying an invoice, a
/// subscription or a Checkout session): named, as the clone does not settle those later.
pub(crate) fn refuse_outside_intents(method: &Value) -> ApiResult<()> {
    if !is_bank(method) {
        return Ok(());
    }
    Err(ApiError::invalid_param(
        "payment_method",
        "This Stripe clone does not serve ACH Direct Debit (`us_bank_account`) payments of \
         invoices, subscriptions or Checkout sessions (not implemented): confirm a payment \
         intent with the bank account instead.",
    ))
}

/// Whether a `charge` is an ACH debit still `pending`, which Stripe does not refund.
pub(crate) fn refuse_pending_refund(charge: &Value) -> ApiResult<()> {
    if charge["status"] != "pending" {
        return Ok(());
    }
    Err(ApiError::invalid_param(
        "charge",
        format!(
            "Charge {} is a pending ACH Direct Debit payment: it can be refunded once it has \
             succeeded.",
            charge["id"].as_str().unwrap_or_default()
        ),
    )
    .code("charge_not_refundable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_numbers_take_nine_digits_and_a_check_digit() {
        assert!(routing_ok(TEST_ROUTING));
        assert!(routing_ok("021000021"));
        assert!(!routing_ok("110000001"));
        assert!(!routing_ok("11000000"));
        assert!(!routing_ok("11000000a"));
    }

    #[test]
    fn test_methods_name_their_accounts() {
        let closed = named("pm_usBankAccount_accountClosed").unwrap();
        assert_eq!(closed.number, "000111111113");
        assert!(matches!(
            closed.settles,
            Settles::Fails("account_closed", _)
        ));
        assert!(named("pm_usBankAccount_nope").is_none());
        assert!(named("pm_card_visa").is_none());
    }
}
