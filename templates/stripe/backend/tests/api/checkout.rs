//! Completing checkout sessions: the admin route by mode (payment, subscription, setup), a
//! decline, 3-D Secure completed or failed, the refusals, and Checkout's page with its
//! redirect.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, MISSING, PRO_MONTHLY, admin_post, assert_fields, expect_refusal, id, invalid,
};

/// The seeded one-time price, the $25 Asym T-shirt.
const SHIRT: &str = "price_SEEDshirt001";

/// What a shop sends with its order: the email, its reference, metadata.
const ORDER: [(&str, &str); 3] = [
    ("customer_email", "jenny@example.com"),
    ("client_reference_id", "order-42"),
    ("metadata[order]", "42"),
];

/// A subscription's lines: Asym Pro monthly and, once, a T-shirt.
const PRO_AND_SHIRT: [(&str, &str); 4] = [
    ("line_items[0][price]", PRO_MONTHLY),
    ("line_items[0][quantity]", "1"),
    ("line_items[1][price]", SHIRT),
    ("line_items[1][quantity]", "1"),
];

/// `POST /api/admin/checkout/sessions/{session}/complete` with `body`: status and answer.
async fn complete(stripe: &asym::Stripe, session: &str, body: &Value) -> (u16, Value) {
    admin_post(
        stripe,
        &format!("checkout/sessions/{session}/complete"),
        body,
    )
    .await
}

/// Completes `session` with `body`, asserting it is done: the session.
async fn completed(stripe: &asym::Stripe, session: &Value, body: &Value) -> Value {
    let (status, done) = complete(stripe, id(session), body).await;
    assert_eq!(
        (status, &done["status"]),
        (200, &json!("complete")),
        "{done}"
    );
    done
}

/// The object `holder[field]` names, retrieved from `collection`.
async fn named(api: &Api, holder: &Value, field: &str, collection: &str) -> Value {
    api.current(collection, holder[field].as_str().unwrap())
        .await
}

/// The types of the events recorded, in order.
async fn event_types(stripe: &asym::Stripe) -> Vec<String> {
    stripe
        .query("select data->>'type' from objects where object = 'event' order by seq")
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// A new session in `mode` with `extra` parameters.
async fn session(api: &Api, mode: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![("mode", mode)];
    if !extra.iter().any(|(k, _)| *k == "success_url") {
        form.push(("success_url", "https://example.com/ok"));
    }
    form.extend_from_slice(extra);
    api.created("/v1/checkout/sessions", &form, "cs_test_")
        .await
}

/// A `payment` session for `quantity` Asym T-shirts, with `extra` parameters.
async fn shirts(api: &Api, quantity: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("line_items[0][price]", SHIRT),
        ("line_items[0][quantity]", quantity),
    ];
    form.extend_from_slice(extra);
    session(api, "payment", &form).await
}

#[asym::clone("stripe", seed = "basic")]
async fn a_payment_session_completes_with_a_charged_payment_intent(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = shirts(&api, "2", &ORDER).await;
    let done = completed(&stripe, &created, &json!({"name": "Jenny Rosen"})).await;
    assert_fields(
        &done,
        json!({"status": "complete", "payment_status": "paid", "amount_total": 5000,
               "customer": null, "client_reference_id": "order-42",
               "metadata": {"order": "42"}}),
    );
    assert_eq!(done["customer_details"]["email"], "jenny@example.com");
    assert_eq!(done["customer_details"]["name"], "Jenny Rosen");
    let path = format!("/v1/checkout/sessions/{}", id(&created));
    let (_, fetched) = api.get(&path, &[]).await;
    assert_eq!(fetched, done);
    let intent = api
        .expanded(
            "/v1/payment_intents",
            done["payment_intent"].as_str().unwrap(),
            "latest_charge",
        )
        .await;
    assert_fields(
        &intent,
        json!({"status": "succeeded", "amount": 5000, "amount_received": 5000}),
    );
    let charge = &intent["latest_charge"];
    assert_eq!(charge["billing_details"]["email"], "jenny@example.com");
    assert!(
        charge["balance_transaction"]
            .as_str()
            .unwrap()
            .starts_with("txn_")
    );
    let types = event_types(&stripe).await;
    let at = |t: &str| types.iter().position(|e| e == t).unwrap();
    assert!(at("payment_intent.succeeded") < at("checkout.session.completed"));
    assert_eq!(types.last().unwrap(), "checkout.session.completed");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_declined_card_leaves_the_session_open_until_another_pays(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = shirts(&api, "1", &[("customer_creation", "always")]).await;
    let declined = json!({"paymentMethod": "pm_card_chargeDeclined", "email": "a@example.com"});
    let (status, refusal) = complete(&stripe, id(&created), &declined).await;
    assert_eq!(status, 402, "{refusal}");
    assert_eq!(refusal["error"]["code"], "card_declined");
    assert_eq!(refusal["error"]["decline_code"], "generic_decline");
    let open = api.current("/v1/checkout/sessions", id(&created)).await;
    assert_fields(
        &open,
        json!({"status": "open", "payment_status": "unpaid", "customer": null}),
    );
    let intent_id = open["payment_intent"].as_str().unwrap().to_owned();
    let intent = api.current("/v1/payment_intents", &intent_id).await;
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(intent["last_payment_error"]["code"], "card_declined");

    let visa = json!({"paymentMethod": "4242 4242 4242 4242"});
    let done = completed(&stripe, &created, &visa).await;
    assert_eq!(done["payment_intent"], intent_id.as_str());
    let customer = named(&api, &done, "customer", "/v1/customers").await;
    assert_eq!(customer["email"], "a@example.com");
    let (_, made) = api
        .get("/v1/customers", &[("email", "a@example.com")])
        .await;
    assert_eq!(made["data"].as_array().map(Vec::len), Some(1), "one made");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_session_starts_a_paid_subscription(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = session(&api, "subscription", &PRO_AND_SHIRT).await;
    let body = json!({"email": "sam@example.com", "name": "Sam"});
    let done = completed(&stripe, &created, &body).await;
    assert_fields(
        &done,
        json!({"status": "complete", "payment_status": "paid", "payment_intent": null}),
    );
    let customer = named(&api, &done, "customer", "/v1/customers").await;
    assert_fields(
        &customer,
        json!({"email": "sam@example.com", "name": "Sam"}),
    );
    let sub = named(&api, &done, "subscription", "/v1/subscriptions").await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["latest_invoice"], done["invoice"]);
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"status": "paid", "amount_paid": 4500}));
    let types = event_types(&stripe).await;
    let at = |t: &str| types.iter().position(|e| e == t).unwrap();
    assert!(at("customer.created") < at("customer.subscription.created"));
    assert!(at("invoice.paid") < at("checkout.session.completed"));
    assert_eq!(types.last().unwrap(), "checkout.session.completed");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_setup_session_saves_the_card_to_its_customer(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = session(&api, "setup", &[("customer", ALICE), ("currency", "usd")]).await;
    let done = completed(&stripe, &created, &json!({})).await;
    assert_fields(
        &done,
        json!({"status": "complete", "payment_status": "no_payment_required", "customer": ALICE}),
    );
    let setup = named(&api, &done, "setup_intent", "/v1/setup_intents").await;
    assert_eq!(setup["status"], "succeeded");
    let method = named(&api, &setup, "payment_method", "/v1/payment_methods").await;
    assert_eq!(method["customer"], ALICE);
    assert_eq!(method["card"]["last4"], "4242");
}

#[asym::clone("stripe", seed = "basic")]
async fn completing_is_refused_for_closed_unknown_or_badly_asked_sessions(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let paid = shirts(&api, "1", &[]).await;
    completed(&stripe, &paid, &json!({})).await;
    let expired = shirts(&api, "1", &[]).await;
    api.ok(
        &format!("/v1/checkout/sessions/{}/expire", id(&expired)),
        &[],
    )
    .await;
    for (session, status) in [(&paid, "complete"), (&expired, "expired")] {
        let (code, body) = complete(&stripe, id(session), &json!({})).await;
        assert_eq!(code, 400, "{body}");
        assert_eq!(
            body["error"]["message"],
            format!(
                "Only Checkout Sessions with a status in [\"open\"] can be completed. This \
                 Checkout Session has a status of \"{status}\"."
            )
        );
    }
    let nul = expect_refusal(complete(&stripe, "cs_%00", &json!({})).await, MISSING);
    assert_eq!(nul["error"]["message"], "No such object: 'cs_\u{0}'");
    let missing = expect_refusal(complete(&stripe, "cs_test_nope", &json!({})).await, MISSING);
    assert_eq!(
        missing["error"]["message"],
        "No such checkout.session: 'cs_test_nope'"
    );
    let open = shirts(&api, "1", &[]).await;
    for (body, status, code) in [
        (
            json!({"paymentMethod": "4242424242424241"}),
            402,
            "incorrect_number",
        ),
        (json!({"paymentMethod": "pm_nope"}), 404, "resource_missing"),
    ] {
        let (got, answer) = complete(&stripe, id(&open), &body).await;
        assert_eq!(
            (got, answer["error"]["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }
    for body in [
        json!({"paymentMethod": 4242}),
        json!({"card": "x"}),
        json!([1]),
    ] {
        let (got, answer) = complete(&stripe, id(&open), &body).await;
        assert_eq!(got, 400, "{answer}");
        assert_eq!(answer["error"]["type"], "invalid_request_error");
    }
    let (status, _) = api
        .post(
            "/v1/checkout/sessions",
            &[
                ("mode", "subscription"),
                ("line_items[0][price]", PRO_MONTHLY),
                ("line_items[0][quantity]", "1"),
                ("customer_creation", "always"),
            ],
        )
        .await;
    assert_eq!(status, 400, "customer_creation is for payment and setup");
    let still = api.current("/v1/checkout/sessions", id(&open)).await;
    assert_eq!(still["status"], "open");
}

#[asym::clone("stripe", seed = "basic")]
async fn checkouts_page_pays_and_sends_the_browser_to_success_url(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let success = "https://example.com/ok?session={CHECKOUT_SESSION_ID}";
    let created = shirts(&api, "2", &[("success_url", success)]).await;
    let url = created["url"].as_str().unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for shown in [
        "Asym T-shirt",
        "$50.00",
        "4242424242424242",
        "Pay $50.00",
        "name=\"authentication\"",
        "Fail authentication",
    ] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    let pay = |card: &'static str, authentication: &'static str| {
        let form = [
            ("paymentMethod", card),
            ("email", "p@example.com"),
            ("authentication", authentication),
        ];
        http.post(url).form(&form).send()
    };
    for (card, authentication, shown) in [
        ("4000000000000002", "complete", "Your card was declined."),
        ("4000000000003063", "fail", "has failed authentication"),
    ] {
        let refused = pay(card, authentication).await.unwrap();
        assert_eq!(refused.status(), 402);
        let text = refused.text().await.unwrap();
        assert!(text.contains(shown), "{shown} in {text}");
    }
    let paid = pay("4000000000003063", "complete").await.unwrap();
    assert_eq!(paid.status(), 303);
    assert_eq!(
        paid.headers()["location"],
        format!("https://example.com/ok?session={}", id(&created)).as_str()
    );
    let done = api.current("/v1/checkout/sessions", id(&created)).await;
    assert_fields(
        &done,
        json!({"status": "complete", "payment_status": "paid"}),
    );
    let base = stripe.api_url();
    for page in [
        "/c/pay/cs_%00",
        "/redirect/authenticate/pi_%00?client_secret=x",
    ] {
        let answer = http.get(format!("{base}{page}")).send().await.unwrap();
        assert_eq!(answer.status(), 404, "{page}");
    }
    let again = http.get(url).send().await.unwrap().text().await.unwrap();
    assert!(again.contains("complete"), "{again}");
}

/// Stripe's test card that asks for 3-D Secure on every payment.
const THREE_DS: &str = "pm_card_threeDSecureRequired";

/// The codes a failed 3-D Secure challenge records on a payment and a setup intent.
const PAYMENT_FAILED: &str = "payment_intent_authentication_failure";
const SETUP_FAILED: &str = "setup_intent_authentication_failure";

/// A new session in `mode` with the lines (or, in `setup` mode, the customer) it needs.
async fn in_mode(api: &Api, mode: &str) -> Value {
    match mode {
        "payment" => shirts(api, "1", &[]).await,
        "setup" => session(api, "setup", &[("customer", ALICE), ("currency", "usd")]).await,
        _ => session(api, "subscription", &PRO_AND_SHIRT[..2]).await,
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn a_failed_challenge_leaves_the_session_open_with_its_intents_error(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let failed = json!({"paymentMethod": THREE_DS, "authentication": "fail"});
    for (done_before, (mode, field, collection, (error, code), event)) in [
        (
            "payment",
            "payment_intent",
            "/v1/payment_intents",
            ("last_payment_error", PAYMENT_FAILED),
            "payment_intent.payment_failed",
        ),
        (
            "setup",
            "setup_intent",
            "/v1/setup_intents",
            ("last_setup_error", SETUP_FAILED),
            "setup_intent.setup_failed",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let created = in_mode(&api, mode).await;
        let (status, refusal) = complete(&stripe, id(&created), &failed).await;
        assert_eq!(
            (status, refusal["error"]["code"].as_str()),
            (402, Some(code)),
            "{refusal}"
        );
        assert_eq!(refusal["error"]["type"], "invalid_request_error");
        assert_eq!(refusal["error"][field]["status"], "requires_payment_method");
        let open = api.current("/v1/checkout/sessions", id(&created)).await;
        assert_eq!(open["status"], "open");
        let intent = named(&api, &open, field, collection).await;
        assert_fields(
            &intent,
            json!({"status": "requires_payment_method", "payment_method": null, "next_action": null}),
        );
        assert_eq!(intent[error]["code"], code, "{intent}");
        assert_eq!(intent[error]["payment_method"]["card"]["last4"], "3063");
        let types = event_types(&stripe).await;
        let at = |t: &str| types.iter().rposition(|e| e == t).unwrap();
        let asked = format!("{field}.requires_action");
        assert!(at(&asked) < at(event), "{types:?}");
        let completions = types.iter().filter(|t| *t == "checkout.session.completed");
        assert_eq!(completions.count(), done_before, "{types:?}");

        let done = completed(&stripe, &created, &json!({"paymentMethod": "pm_card_visa"})).await;
        assert_eq!(
            done[field], open[field],
            "the next attempt uses the same intent"
        );
        let intent = named(&api, &done, field, collection).await;
        assert_eq!(intent["status"], "succeeded");
    }
    let (_, refusal) = complete(&stripe, "cs_test_nope", &failed).await;
    assert_eq!(refusal["error"]["code"], "resource_missing");
}

#[asym::clone("stripe", seed = "basic")]
async fn three_d_secure_cards_on_checkout_pay_decline_or_fail_by_the_challenge(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let declined = "pm_card_threeDSecureRequiredChargeDeclined";
    let short = "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds";
    // (card, mode, authentication, status, the error's code or the session's status)
    for (card, mode, authentication, status, outcome) in [
        (THREE_DS, "payment", "complete", 200, "complete"),
        (THREE_DS, "setup", "complete", 200, "complete"),
        (THREE_DS, "subscription", "complete", 200, "complete"),
        ("pm_card_visa", "payment", "fail", 200, "complete"),
        ("pm_card_visa", "setup", "fail", 200, "complete"),
        ("pm_card_visa", "subscription", "fail", 200, "complete"),
        (declined, "payment", "complete", 402, "card_declined"),
        (declined, "subscription", "complete", 402, "card_declined"),
        (declined, "setup", "complete", 200, "complete"),
        (declined, "payment", "fail", 402, PAYMENT_FAILED),
        (short, "payment", "complete", 402, "card_declined"),
        (short, "subscription", "complete", 402, "card_declined"),
        (short, "setup", "fail", 402, SETUP_FAILED),
    ] {
        let created = in_mode(&api, mode).await;
        let body = json!({"paymentMethod": card, "authentication": authentication});
        let (got, answer) = complete(&stripe, id(&created), &body).await;
        let shown = answer["error"]["code"]
            .as_str()
            .or(answer["status"].as_str());
        assert_eq!(
            (got, shown),
            (status, Some(outcome)),
            "{card} {mode} {authentication}: {answer}"
        );
    }
    let created = in_mode(&api, "payment").await;
    let (_, answer) = complete(&stripe, id(&created), &json!({"paymentMethod": short})).await;
    assert_eq!(answer["error"]["decline_code"], "insufficient_funds");
    let charge = &answer["error"]["charge"];
    let (_, charge) = api
        .get(&format!("/v1/charges/{}", charge.as_str().unwrap()), &[])
        .await;
    let secure = &charge["payment_method_details"]["card"]["three_d_secure"];
    assert_eq!(
        secure["result"], "authenticated",
        "declined once authenticated: {charge}"
    );
    let (_, subs) = api.get("/v1/subscriptions", &[("status", "all")]).await;
    let data = subs["data"].as_array().unwrap();
    assert!(
        data.iter().all(|s| s["status"] == "active"),
        "a declined subscription keeps nothing: {subs}"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_asking_for_3ds_is_paid_once_authenticated(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = in_mode(&api, "subscription").await;
    let done = completed(&stripe, &created, &json!({"paymentMethod": THREE_DS})).await;
    let sub = named(&api, &done, "subscription", "/v1/subscriptions").await;
    assert_eq!(sub["status"], "active");
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"status": "paid", "amount_paid": 2000}));
    let intent = invoice["payment_intent"].as_str().unwrap();
    let intent = api
        .expanded("/v1/payment_intents", intent, "latest_charge")
        .await;
    let card = &intent["latest_charge"]["payment_method_details"]["card"];
    assert_eq!(card["three_d_secure"]["result"], "authenticated");
    let types = event_types(&stripe).await;
    let at = |t: &str| types.iter().position(|e| e == t).unwrap();
    assert!(at("payment_intent.requires_action") < at("payment_intent.succeeded"));
    assert!(at("invoice.paid") < at("checkout.session.completed"));
}

#[asym::clone("stripe", seed = "basic")]
async fn failing_3ds_and_bank_debits_are_refused_by_name_where_not_served(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let sub = in_mode(&api, "subscription").await;
    let open = in_mode(&api, "payment").await;
    let bank = json!({"paymentMethod": "pm_usBankAccount_success"});
    let (status, refusal) = complete(&stripe, id(&open), &bank).await;
    assert_eq!(
        (status, &refusal["error"]["param"]),
        (400, &json!("paymentMethod"))
    );
    let message = refusal["error"]["message"].as_str().unwrap();
    assert!(message.contains("payment_method_types"), "{message}");
    for (session, body) in [
        (
            &sub,
            json!({"paymentMethod": THREE_DS, "authentication": "fail"}),
        ),
        (&open, json!({"authentication": "failed"})),
        (&open, json!({"authentication": ""})),
        (&open, json!({"authentication": true})),
    ] {
        let refusal = expect_refusal(
            complete(&stripe, id(session), &body).await,
            invalid("authentication"),
        );
        assert_eq!(refusal["error"]["type"], "invalid_request_error", "{body}");
    }
    let (_, subs) = api.get("/v1/subscriptions", &[("status", "all")]).await;
    assert_eq!(subs["data"].as_array().map(Vec::len), Some(0), "{subs}");
    for session in [&sub, &open] {
        let still = api.current("/v1/checkout/sessions", id(session)).await;
        assert_fields(&still, json!({"status": "open", "payment_intent": null}));
    }
}
