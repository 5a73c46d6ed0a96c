//! ACH Direct Debit (`us_bank_account`): bank account payment methods from Stripe's test
//! account numbers and test payment method names, their refusals, and a debit's life: a
//! mandate, `processing` with a `pending` charge, then settled by the admin route to
//! `succeeded` or to `requires_payment_method` with the account's failure code.

use serde_json::Value;

use crate::common::{
    ALICE, Api, MISSING, Refusal, admin_post, assert_error, assert_events, assert_fields,
    expect_refusal, id, invalid,
};

/// Stripe's test accounts: the test payment method's name, the account number, and what a
/// debit from it settles to (`None`: succeeds; `Some(code)`: fails with `code`).
#[rustfmt::skip]
const ACCOUNTS: &[(&str, &str, Option<&str>)] = &[
    ("pm_usBankAccount_success", "000123456789", None),
    ("pm_usBankAccount_accountClosed", "000111111113", Some("account_closed")),
    ("pm_usBankAccount_noAccount", "000111111116", Some("no_account")),
    ("pm_usBankAccount_insufficientFunds", "000222222227", Some("insufficient_funds")),
    ("pm_usBankAccount_debitNotAuthorized", "000333333335", Some("debit_not_authorized")),
    ("pm_usBankAccount_invalidCurrency", "000444444440", Some("invalid_currency")),
];

/// A bank account payment method's create form for account `number`.
fn bank_form(number: &str) -> Vec<(&str, &str)> {
    vec![
        ("type", "us_bank_account"),
        ("us_bank_account[routing_number]", "110000000"),
        ("us_bank_account[account_number]", number),
        ("us_bank_account[account_holder_type]", "individual"),
        ("billing_details[name]", "Jenny Rosen"),
    ]
}

/// An online mandate acceptance, as Stripe.js sends it.
const MANDATE: [(&str, &str); 3] = [
    ("mandate_data[customer_acceptance][type]", "online"),
    (
        "mandate_data[customer_acceptance][online][ip_address]",
        "127.0.0.1",
    ),
    (
        "mandate_data[customer_acceptance][online][user_agent]",
        "asym-tests",
    ),
];

/// A $20 payment intent taking bank accounts, confirmed with `method` and `extra`.
async fn debit(api: &Api, method: &str, extra: &[(&str, &str)]) -> (u16, Value) {
    let mut form = vec![
        ("amount", "2000"),
        ("currency", "usd"),
        ("payment_method_types[]", "us_bank_account"),
        ("payment_method", method),
        ("confirm", "true"),
    ];
    form.extend_from_slice(extra);
    api.post("/v1/payment_intents", &form).await
}

/// Asserts a debit's answer is a `processing` intent: the intent and its pending charge.
async fn processing(api: &Api, (status, intent): (u16, Value)) -> (Value, Value) {
    assert_eq!(
        (status, intent["status"].as_str()),
        (200, Some("processing")),
        "{intent}"
    );
    let charge = api
        .current("/v1/charges", intent["latest_charge"].as_str().unwrap())
        .await;
    assert_eq!(charge["status"], "pending", "{charge}");
    (intent, charge)
}

/// `POST /api/admin/payment_intents/{intent}/settle`: status and answer.
async fn settle(stripe: &asym::Stripe, intent: &str) -> (u16, Value) {
    let path = format!("payment_intents/{intent}/settle");
    admin_post(stripe, &path, &Value::Null).await
}

/// Each test account, by its number and by its test payment method's name, is a bank account
/// of Stripe's test bank, the same account either way.
#[asym::clone("stripe", seed = "basic")]
async fn bank_accounts_are_made_from_test_numbers_and_names(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for (name, number, _) in ACCOUNTS {
        let made = api
            .created("/v1/payment_methods", &bank_form(number), "pm_")
            .await;
        let (status, named) = api.get(&format!("/v1/payment_methods/{name}"), &[]).await;
        assert_eq!(status, 200, "{named}");
        for method in [&made, &named] {
            assert_fields(
                &method["us_bank_account"],
                serde_json::json!({
                    "account_holder_type": "individual",
                    "account_type": "checking",
                    "bank_name": "STRIPE TEST BANK",
                    "financial_connections_account": null,
                    "last4": &number[8..],
                    "networks": {"preferred": "ach", "supported": ["ach"]},
                    "routing_number": "110000000",
                }),
            );
            assert_eq!(method["type"], "us_bank_account");
            assert!(method.get("_account").is_none(), "{method}");
        }
        assert_eq!(
            made["us_bank_account"]["fingerprint"],
            named["us_bank_account"]["fingerprint"]
        );
    }
}

/// A bank account's bad numbers, choices and missing name are refused naming them.
#[asym::clone("stripe", seed = "basic")]
async fn bad_bank_accounts_are_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = "/v1/payment_methods";
    let with = |key: &'static str, value: &'static str| {
        let mut form = bank_form("000123456789");
        form.retain(|(k, _)| *k != key);
        if !value.is_empty() {
            form.push((key, value));
        }
        form
    };
    #[rustfmt::skip]
    let cases: Vec<(Vec<(&str, &str)>, Refusal<'_>)> = vec![
        (with("billing_details[name]", ""), ("code", (400, "parameter_missing"))),
        (with("us_bank_account[routing_number]", "110000001"),
         ("code", (400, "routing_number_invalid"))),
        (with("us_bank_account[routing_number]", "12345"),
         invalid("us_bank_account[routing_number]")),
        (with("us_bank_account[account_number]", "12a4"),
         ("code", (400, "account_number_invalid"))),
        (with("us_bank_account[account_number]", ""),
         invalid("us_bank_account[account_number]")),
        (with("us_bank_account[account_type]", "brokerage"),
         invalid("us_bank_account[account_type]")),
        (with("us_bank_account[account_holder_type]", "trust"),
         invalid("us_bank_account[account_holder_type]")),
        (with("us_bank_account[financial_connections_account]", "fca_1"),
         invalid("us_bank_account[financial_connections_account]")),
        (vec![("type", "us_bank_account"), ("billing_details[name]", "J")],
         invalid("us_bank_account")),
    ];
    for (form, refusal) in cases {
        api.refused(path, &form, refusal).await;
    }
    let missing = api
        .refused(
            path,
            &with("billing_details[name]", ""),
            invalid("billing_details[name]"),
        )
        .await;
    let message = missing["error"]["message"].as_str();
    assert_eq!(
        message,
        Some("Missing required param: billing_details[name].")
    );
}

/// A debit is `processing` under a single-use mandate, its charge `pending`, until the admin
/// route settles it: succeeded, or failed with its account's code.
#[asym::clone("stripe", seed = "basic")]
async fn debits_process_then_settle_as_their_account_says(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for (name, _, failure) in ACCOUNTS {
        let (intent, charge) = processing(&api, debit(&api, name, &MANDATE).await).await;
        assert_fields(
            &charge,
            serde_json::json!({"paid": false, "balance_transaction": null}),
        );
        let details = &charge["payment_method_details"]["us_bank_account"];
        assert_eq!(details["bank_name"], "STRIPE TEST BANK", "{charge}");
        let mandate = api
            .current("/v1/mandates", details["mandate"].as_str().unwrap())
            .await;
        assert_fields(
            &mandate,
            serde_json::json!({"object": "mandate", "status": "active", "type": "single_use",
                               "payment_method": intent["payment_method"]}),
        );
        assert_eq!(
            mandate["customer_acceptance"]["online"]["ip_address"],
            "127.0.0.1"
        );

        let (status, settled) = settle(&stripe, id(&intent)).await;
        assert_eq!(status, 200, "{settled}");
        let charge = api.current("/v1/charges", id(&charge)).await;
        match failure {
            None => {
                assert_eq!(settled["status"], "succeeded");
                assert_eq!(settled["amount_received"], 2000);
                assert_eq!(charge["status"], "succeeded");
                assert!(charge["balance_transaction"].is_string(), "{charge}");
            }
            Some(code) => {
                assert_eq!(settled["status"], "requires_payment_method");
                assert_eq!(settled["last_payment_error"]["code"], *code, "{settled}");
                assert_eq!(charge["status"], "failed");
                assert_eq!(charge["failure_code"], *code);
            }
        }
        // Settled once: a second settle is refused.
        let (status, again) = settle(&stripe, id(&intent)).await;
        assert_error(
            status,
            &again,
            "code",
            (400, "payment_intent_unexpected_state"),
        );
    }
    assert_events(&stripe, SETTLEMENT_EVENTS).await;
}

/// The events a debit and its settlement (either way) send.
#[rustfmt::skip]
const SETTLEMENT_EVENTS: &[&str] = &[
    "payment_intent.processing", "charge.pending", "charge.succeeded",
    "payment_intent.succeeded", "charge.failed", "payment_intent.payment_failed",
];

/// A debit needs `mandate_data`, US dollars, and an intent taking bank accounts.
#[asym::clone("stripe", seed = "basic")]
async fn debits_need_a_mandate_dollars_and_the_type(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (status, body) = debit(&api, "pm_usBankAccount_success", &[]).await;
    let body = expect_refusal((status, body), invalid("mandate_data"));
    assert_eq!(
        body["error"]["message"],
        "Missing required param: mandate_data."
    );
    let form = [
        ("amount", "2000"),
        ("currency", "usd"),
        ("payment_method_types[]", "card"),
        ("payment_method", "pm_usBankAccount_success"),
        ("confirm", "true"),
        MANDATE[0],
        MANDATE[1],
        MANDATE[2],
    ];
    api.refused(
        "/v1/payment_intents",
        &form,
        ("code", (400, "payment_intent_incompatible_payment_method")),
    )
    .await;
    let mut euros = form.to_vec();
    euros[1] = ("currency", "eur");
    euros[2] = ("payment_method_types[]", "us_bank_account");
    api.refused("/v1/payment_intents", &euros, invalid("currency"))
        .await;
    let mut offline = form.to_vec();
    offline[2] = ("payment_method_types[]", "us_bank_account");
    offline.truncate(5);
    offline.push(("mandate_data[customer_acceptance][type]", "paper"));
    api.refused(
        "/v1/payment_intents",
        &offline,
        invalid("mandate_data[customer_acceptance][type]"),
    )
    .await;
    // Inline, as Stripe.js confirms: payment_method_data with the account and its holder.
    let inline = [
        ("payment_method_data[type]", "us_bank_account"),
        (
            "payment_method_data[us_bank_account][routing_number]",
            "110000000",
        ),
        (
            "payment_method_data[us_bank_account][account_number]",
            "000222222227",
        ),
        ("payment_method_data[billing_details][name]", "Jenny Rosen"),
    ];
    let mut form = vec![
        ("amount", "2000"),
        ("currency", "usd"),
        ("payment_method_types[]", "us_bank_account"),
        ("confirm", "true"),
    ];
    form.extend(inline);
    form.extend(MANDATE);
    let (intent, _) = processing(&api, api.post("/v1/payment_intents", &form).await).await;
    let (_, settled) = settle(&stripe, id(&intent)).await;
    assert_eq!(settled["last_payment_error"]["code"], "insufficient_funds");
    form.retain(|(k, _)| *k != "payment_method_data[billing_details][name]");
    api.refused(
        "/v1/payment_intents",
        &form,
        invalid("payment_method_data[billing_details][name]"),
    )
    .await;
    let (status, missing) = settle(&stripe, "pi_nope").await;
    assert_error(status, &missing, MISSING.0, MISSING.1);
}

/// A pending debit is not refunded (a settled one is); a bank account saved by a debit
/// (`setup_future_usage`) pays off-session under its mandate.
#[asym::clone("stripe", seed = "basic")]
async fn a_pending_debit_is_not_refunded_and_a_saved_account_pays_off_session(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let mut saving = MANDATE.to_vec();
    saving.extend([("customer", ALICE), ("setup_future_usage", "off_session")]);
    let (status, intent) = debit(&api, "pm_usBankAccount_success", &saving).await;
    assert_eq!(status, 200, "{intent}");
    let charge = intent["latest_charge"].as_str().unwrap();
    api.refused(
        "/v1/refunds",
        &[("charge", charge)],
        ("code", (400, "charge_not_refundable")),
    )
    .await;
    let method = api
        .current(
            "/v1/payment_methods",
            intent["payment_method"].as_str().unwrap(),
        )
        .await;
    assert_eq!(method["customer"], ALICE);
    // Saved with its mandate: an off-session debit needs no new one.
    let off_session = [("customer", ALICE), ("off_session", "true")];
    processing(&api, debit(&api, id(&method), &off_session).await).await;
    settle(&stripe, id(&intent)).await;
    let refund = api
        .ok("/v1/refunds", &[("charge", charge), ("amount", "500")])
        .await;
    let refunded = (refund["status"].as_str(), refund["amount"].as_i64());
    assert_eq!(refunded, (Some("succeeded"), Some(500)), "{refund}");
}

/// A setup intent saves a bank account under a multi-use mandate, which later off-session
/// debits use; Checkout refuses it by name.
#[asym::clone("stripe", seed = "basic")]
async fn a_setup_intent_saves_a_bank_account_under_a_mandate(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = "/v1/setup_intents";
    let base = [
        ("customer", ALICE),
        ("payment_method_types[]", "us_bank_account"),
        ("payment_method", "pm_usBankAccount_success"),
        ("confirm", "true"),
    ];
    api.refused(path, &base, invalid("mandate_data")).await;
    let mut card_only = base.to_vec();
    card_only[1] = ("payment_method_types[]", "card");
    card_only.extend(MANDATE);
    api.refused(path, &card_only, invalid("payment_method"))
        .await;
    let mut form = base.to_vec();
    form.extend(MANDATE);
    let setup = api.created(path, &form, "seti_").await;
    assert_eq!(setup["status"], "succeeded", "{setup}");
    assert_eq!(
        setup["payment_method_options"]["us_bank_account"]["verification_method"],
        "automatic"
    );
    let mandate = api
        .current("/v1/mandates", setup["mandate"].as_str().unwrap())
        .await;
    assert_fields(
        &mandate,
        serde_json::json!({"type": "multi_use", "status": "active", "single_use": null}),
    );
    let method = setup["payment_method"].as_str().unwrap();
    assert_eq!(
        api.current("/v1/payment_methods", method).await["customer"],
        ALICE
    );
    // Off-session, the saved mandate is used: no mandate_data.
    let off_session = [("customer", ALICE), ("off_session", "true")];
    let (_, charge) = processing(&api, debit(&api, method, &off_session).await).await;
    assert_eq!(
        charge["payment_method_details"]["us_bank_account"]["mandate"],
        setup["mandate"]
    );
    // Invoices and Checkout stay card-only, refused by name.
    let setup_mode = [("mode", "setup"), ("currency", "usd")];
    let (_, (status, body)) = checkout(&stripe, &setup_mode, method).await;
    assert_error(status, &body, "param", (400, "paymentMethod"));
}

/// A `payment` mode session of one T-shirt taking cards and bank accounts.
const BANK_PAYMENT: [(&str, &str); 5] = [
    ("mode", "payment"),
    ("line_items[0][price]", "price_SEEDshirt001"),
    ("line_items[0][quantity]", "1"),
    ("payment_method_types[0]", "card"),
    ("payment_method_types[1]", "us_bank_account"),
];

/// A checkout session made with `form`, then completed through the admin route paying with
/// `method`: the session as made, and the completion's status and answer.
async fn checkout(
    stripe: &asym::Stripe,
    form: &[(&str, &str)],
    method: &str,
) -> (Value, (u16, Value)) {
    let mut form = form.to_vec();
    form.push(("success_url", "https://example.com/ok"));
    let session = Api::new(stripe)
        .created("/v1/checkout/sessions", &form, "cs_")
        .await;
    let path = format!("checkout/sessions/{}/complete", id(&session));
    let body = serde_json::json!({"paymentMethod": method});
    let completed = admin_post(stripe, &path, &body).await;
    (session, completed)
}

/// A `payment` mode checkout session taking bank accounts completes `unpaid` with a
/// processing debit, then its settlement makes it `paid` (`async_payment_succeeded`) or
/// leaves it `unpaid` (`async_payment_failed`).
#[asym::clone("stripe", seed = "basic")]
async fn checkout_completes_unpaid_then_announces_the_settlement(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    for (account, paid, event) in [
        (
            "pm_usBankAccount_success",
            "paid",
            "checkout.session.async_payment_succeeded",
        ),
        (
            "pm_usBankAccount_noAccount",
            "unpaid",
            "checkout.session.async_payment_failed",
        ),
    ] {
        let (session, (status, done)) = checkout(&stripe, &BANK_PAYMENT, account).await;
        assert_eq!(status, 200, "{done}");
        assert_fields(
            &done,
            serde_json::json!({"status": "complete", "payment_status": "unpaid"}),
        );
        let intent = done["payment_intent"].as_str().unwrap();
        let (_, settled) = settle(&stripe, intent).await;
        assert_eq!(
            settled["status"] == "succeeded",
            paid == "paid",
            "{settled}"
        );
        let now = api.current("/v1/checkout/sessions", id(&session)).await;
        assert_fields(
            &now,
            serde_json::json!({"status": "complete", "payment_status": paid}),
        );
        assert_events(&stripe, &["checkout.session.completed", event]).await;
    }
}
