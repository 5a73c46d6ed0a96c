//! Completing checkout sessions: the admin route by mode (payment, subscription, setup), a
//! decline, the refusals, and Checkout's page with its redirect.

use serde_json::{Value, json};

use crate::common::{ALICE, Api, MISSING, PRO_MONTHLY, assert_fields, expect_refusal, id};

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
    let url = format!(
        "{}/api/admin/checkout/sessions/{session}/complete",
        stripe.api_url()
    );
    let response = reqwest::Client::new()
        .post(url)
        .header("X-Asym-Admin-Secret", stripe.admin_secret())
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
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
    for shown in ["Asym T-shirt", "$50.00", "4242424242424242", "Pay $50.00"] {
        assert!(html.contains(shown), "{shown} in {html}");
    }
    let pay = |card: &'static str| {
        let form = [("paymentMethod", card), ("email", "p@example.com")];
        http.post(url).form(&form).send()
    };
    let declined = pay("4000000000000002").await.unwrap();
    assert_eq!(declined.status(), 402);
    let shown = declined.text().await.unwrap();
    assert!(shown.contains("Your card was declined."), "{shown}");
    let paid = pay("4242424242424242").await.unwrap();
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
