//! The Stripe clone over a real socket: each `#[asym::clone]` test gets a clone reset to its
//! seed (run `asym images build stripe` first; `ASYM_PIN=off cargo test -p stripe-backend`).
//! The `offline` module drives the router in-process where no database is needed.

#![allow(
    clippy::unwrap_used,
    reason = "helpers of tests: a failed unwrap is a failed test"
)]

mod account;
mod ach;
mod additions;
mod amounts;
mod bad_input;
mod balance;
mod cards;
mod checkout;
mod clocks;
mod common;
mod credit_notes;
mod customer_balance;
mod cycles;
mod discounts;
mod disputes;
mod invoice_items;
mod invoices;
mod limits;
mod meters;
mod missing;
mod pauses;
mod payment_links;
mod plans;
mod portal;
mod previews;
mod prorations;
mod quotes;
mod refunds;
mod refusals;
mod schedules;
mod sources;
mod tax_ids;
mod taxes;
mod tiers;
mod versions;

use std::time::Duration;

use asym_kit::testing::{Receiver, assert_contains, assert_prefix, assert_suffix};
use serde_json::{Value, json};

use common::{
    Api, MISSING, UNKNOWN, assert_error, assert_events, assert_fields, assert_retryable, data,
    expect_refusal, id, invalid,
};

#[asym::clone("stripe", seed = "basic")]
async fn customers_are_created_retrieved_updated_and_deleted(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = api
        .created(
            "/v1/customers",
            &[
                ("email", "jenny@example.com"),
                ("name", "Jenny Rosen"),
                ("metadata[order]", "6735"),
            ],
            "cus_",
        )
        .await;
    assert_eq!(created["object"], "customer");
    assert_eq!(created["livemode"], false);
    assert_eq!(created["metadata"]["order"], "6735");
    assert!(created["created"].as_i64().unwrap() > 1_600_000_000);

    let path = format!("/v1/customers/{}", id(&created));
    let updated = api
        .ok(
            &path,
            &[
                ("metadata[plan]", "pro"),
                ("metadata[order]", ""),
                ("description", "VIP"),
            ],
        )
        .await;
    assert_eq!(updated["metadata"], serde_json::json!({"plan": "pro"}));
    assert_eq!(updated["description"], "VIP");
    let (status, fetched) = api.get(&path, &[]).await;
    assert_eq!((status, &fetched), (200, &updated));

    let (status, deleted) = api.delete(&path).await;
    assert_eq!(status, 200);
    assert_eq!(
        deleted,
        serde_json::json!({"id": id(&created), "object": "customer", "deleted": true})
    );
    let (status, stub) = api.get(&path, &[]).await;
    assert_eq!((status, stub["deleted"].clone()), (200, Value::Bool(true)));

    let missing = expect_refusal(api.get("/v1/customers/cus_nope", &[]).await, MISSING);
    assert_eq!(missing["error"]["message"], "No such customer: 'cus_nope'");
    assert_eq!(missing["error"]["type"], "invalid_request_error");

    let rows = stripe.query("select count(*) from objects where object = 'event' and data->>'type' like 'customer.%'").await.unwrap();
    assert_eq!(
        rows[0].get::<_, i64>(0),
        3,
        "created, updated, deleted events"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn keys_are_checked_like_stripe(stripe: asym::Stripe) {
    let http = reqwest::Client::new();
    let url = format!("{}/v1/customers", stripe.api_url());
    let none = http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), 401);
    let body: Value = none.json().await.unwrap();
    assert_prefix(&body["error"]["message"], "You did not provide an API key");

    let live = http
        .get(&url)
        .bearer_auth("sk_live_0123456789abcdefghij1234")
        .send()
        .await
        .unwrap();
    assert_eq!(live.status(), 401);
    let body: Value = live.json().await.unwrap();
    assert_eq!(body["error"]["type"], "invalid_request_error");
    assert_eq!(
        body["error"]["message"],
        "Invalid API Key provided: sk_live_********************1234"
    );

    let basic = http
        .get(&url)
        .basic_auth(stripe.secret_key(), Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 200);
    let publishable = http
        .get(&url)
        .bearer_auth(stripe.publishable_key())
        .send()
        .await
        .unwrap();
    assert_eq!(publishable.status(), 401);
}

#[asym::clone("stripe", seed = "basic")]
async fn lists_page_both_ways_and_filter_by_email(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let mut made = Vec::new();
    for i in 0..5 {
        let email = format!("page{i}@example.com");
        made.push(id(&api.ok("/v1/customers", &[("email", &email)]).await).to_owned());
    }
    let (_, first) = api.get("/v1/customers", &[("limit", "2")]).await;
    assert_eq!(first["object"], "list");
    assert_eq!(first["url"], "/v1/customers");
    assert_eq!(first["has_more"], true);
    let ids: Vec<&str> = data(&first).iter().map(id).collect();
    assert_eq!(ids, [made[4].as_str(), made[3].as_str()], "newest first");

    let mut seen: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    let mut cursor = seen.last().unwrap().clone();
    loop {
        let (_, page) = api
            .get(
                "/v1/customers",
                &[("limit", "2"), ("starting_after", &cursor)],
            )
            .await;
        for c in data(&page) {
            seen.push(id(c).to_owned());
        }
        if page["has_more"] == false {
            break;
        }
        cursor = seen.last().unwrap().clone();
    }
    assert_eq!(seen.len(), 8, "five new + three seeded: {seen:?}");

    let (_, back) = api
        .get(
            "/v1/customers",
            &[("limit", "2"), ("ending_before", &made[1])],
        )
        .await;
    let ids: Vec<&str> = data(&back).iter().map(id).collect();
    assert_eq!(ids, [made[3].as_str(), made[2].as_str()]);

    let (_, bob) = api
        .get("/v1/customers", &[("email", "bob@example.com")])
        .await;
    assert_eq!(data(&bob).len(), 1);
    assert_eq!(bob["data"][0]["id"], "cus_SEEDbob0000001");

    expect_refusal(
        api.get("/v1/customers", &[("limit", "101")]).await,
        invalid("limit"),
    );
    expect_refusal(
        api.get("/v1/customers", &[("starting_after", "cus_missing")])
            .await,
        MISSING,
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn search_understands_stripes_query_language(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, found) = api
        .get(
            "/v1/customers/search",
            &[("query", "email:'alice@example.com'")],
        )
        .await;
    assert_eq!(found["object"], "search_result");
    assert_eq!(found["data"][0]["id"], "cus_SEEDalice00001");
    assert_eq!(found["next_page"], Value::Null);

    let (_, silver) = api
        .get(
            "/v1/customers/search",
            &[("query", "metadata['tier']:'silver'")],
        )
        .await;
    assert_eq!(data(&silver).len(), 1);
    let (_, either) = api
        .get(
            "/v1/customers/search",
            &[("query", "name~'Archer' OR name~'Chen'"), ("limit", "1")],
        )
        .await;
    assert_eq!(either["has_more"], true);
    let page = either["next_page"].as_str().unwrap().to_owned();
    let (_, rest) = api
        .get(
            "/v1/customers/search",
            &[
                ("query", "name~'Archer' OR name~'Chen'"),
                ("limit", "1"),
                ("page", &page),
            ],
        )
        .await;
    assert_eq!(data(&rest).len(), 1);
    assert_ne!(rest["data"][0]["id"], either["data"][0]["id"]);

    expect_refusal(
        api.get("/v1/customers/search", &[("query", "nickname:'x'")])
            .await,
        invalid("query"),
    );
}

/// A search route is `GET` only: another method is Stripe's unrecognized URL, never an update
/// or delete of an object called `search`.
#[asym::clone("stripe", seed = "basic")]
async fn search_routes_answer_get_only(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let resources = [
        "customers",
        "products",
        "prices",
        "invoices",
        "charges",
        "payment_intents",
        "subscriptions",
    ];
    for resource in resources {
        let path = format!("/v1/{resource}/search");
        for method in [reqwest::Method::POST, reqwest::Method::DELETE] {
            let (status, body, _) = api
                .send(method.clone(), &path, &[("metadata[k]", "v")], &[])
                .await;
            assert_eq!(status, 404, "{method} {path}: {body}");
            assert_eq!(body["error"]["type"], "invalid_request_error");
            assert_eq!(
                body["error"]["message"].as_str().unwrap().split(')').next(),
                Some(format!("Unrecognized request URL ({method}: {path}").as_str()),
                "{body}"
            );
        }
        let (status, found) = api.get(&path, &[("query", "created>0")]).await;
        assert_eq!(status, 200, "GET {path}: {found}");
        assert_eq!(found["object"], "search_result");
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn idempotent_retries_replay_and_conflicts_are_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [("email", "idem@example.com")];
    let key = [("Idempotency-Key", "retry-1")];
    let (s1, first, _) = api
        .send(reqwest::Method::POST, "/v1/customers", &form, &key)
        .await;
    let (s2, second, headers) = api
        .send(reqwest::Method::POST, "/v1/customers", &form, &key)
        .await;
    assert_eq!((s1, s2), (200, 200));
    assert_eq!(first, second, "the saved response is replayed");
    assert_eq!(headers.get("idempotent-replayed").unwrap(), "true");
    let rows = stripe.query("select count(*) from objects where object = 'customer' and data->>'email' = 'idem@example.com'").await.unwrap();
    assert_eq!(rows[0].get::<_, i64>(0), 1);

    let (status, err, _) = api
        .send(
            reqwest::Method::POST,
            "/v1/customers",
            &[("email", "other@example.com")],
            &key,
        )
        .await;
    assert_error(status, &err, "type", (400, "idempotency_error"));
}

#[asym::clone("stripe", seed = "basic")]
async fn pays_and_refunds(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let customer = api
        .ok("/v1/customers", &[("email", "payer@example.com")])
        .await;
    let pm = api
        .ok(
            "/v1/payment_methods/pm_card_visa/attach",
            &[("customer", id(&customer))],
        )
        .await;
    assert!(id(&pm).starts_with("pm_") && id(&pm) != "pm_card_visa");
    assert_eq!(pm["card"]["last4"], "4242");
    let (_, listed) = api
        .get(
            &format!("/v1/customers/{}/payment_methods", id(&customer)),
            &[],
        )
        .await;
    assert_eq!(listed["data"][0]["id"], pm["id"]);

    let intent = api
        .ok(
            "/v1/payment_intents",
            &[
                ("amount", "2000"),
                ("currency", "usd"),
                ("customer", id(&customer)),
                ("payment_method", id(&pm)),
            ],
        )
        .await;
    assert_eq!(intent["status"], "requires_confirmation");
    let confirmed = api
        .ok(
            &format!("/v1/payment_intents/{}/confirm", id(&intent)),
            &[("expand[]", "latest_charge")],
        )
        .await;
    assert_eq!(confirmed["status"], "succeeded");
    assert_eq!(confirmed["amount_received"], 2000);
    let charge = &confirmed["latest_charge"];
    assert_eq!(charge["object"], "charge");
    assert_eq!(charge["paid"], true);
    assert_eq!(charge["payment_method_details"]["card"]["brand"], "visa");

    let partial = api
        .ok(
            "/v1/refunds",
            &[("payment_intent", id(&intent)), ("amount", "500")],
        )
        .await;
    assert_fields(&partial, json!({"status": "succeeded", "amount": 500}));
    let rest = api.ok("/v1/refunds", &[("charge", id(charge))]).await;
    assert_eq!(rest["amount"], 1500);
    let charge = api.current("/v1/charges", id(charge)).await;
    assert_fields(&charge, json!({"amount_refunded": 2000, "refunded": true}));
    api.refused(
        "/v1/refunds",
        &[("charge", id(&charge))],
        ("code", (400, "charge_already_refunded")),
    )
    .await;

    assert_events(
        &stripe,
        &[
            "payment_intent.created",
            "charge.succeeded",
            "payment_intent.succeeded",
            "refund.created",
            "charge.refunded",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn declines_answer_402_and_leave_the_intent_retryable(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let err = api
        .refused(
            "/v1/payment_intents",
            &[
                ("amount", "1500"),
                ("currency", "usd"),
                ("payment_method", "pm_card_chargeDeclinedInsufficientFunds"),
                ("confirm", "true"),
                ("payment_method_types[]", "card"),
            ],
            ("type", (402, "card_error")),
        )
        .await;
    let error = &err["error"];
    assert_eq!(error["code"], "card_declined");
    assert_eq!(error["decline_code"], "insufficient_funds");
    let intent = &error["payment_intent"];
    assert_eq!(intent["status"], "requires_payment_method");
    assert_eq!(
        intent["last_payment_error"]["decline_code"],
        "insufficient_funds"
    );

    // The decline persisted.
    assert_retryable(&api, id(intent), ("decline_code", "insufficient_funds")).await;
    let (_, charges) = api
        .get("/v1/charges", &[("payment_intent", id(intent))])
        .await;
    assert_eq!(charges["data"][0]["status"], "failed");

    let retried = api
        .ok(
            &format!("/v1/payment_intents/{}/confirm", id(intent)),
            &[("payment_method", "pm_card_visa")],
        )
        .await;
    assert_eq!(retried["status"], "succeeded");
    assert_eq!(retried["last_payment_error"], Value::Null);

    api.refused(
        "/v1/payment_methods/pm_card_chargeDeclined/attach",
        &[("customer", "cus_SEEDbob0000001")],
        ("decline_code", (402, "generic_decline")),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn manual_capture_and_cancel(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let manual = [("capture_method", "manual")];
    let held = api.card_intent("3000", "pm_card_mastercard", &manual).await;
    assert_fields(
        &held,
        json!({"status": "requires_capture", "amount_capturable": 3000}),
    );
    let captured = api
        .ok(
            &format!("/v1/payment_intents/{}/capture", id(&held)),
            &[("amount_to_capture", "2500")],
        )
        .await;
    assert_fields(
        &captured,
        json!({"status": "succeeded", "amount_received": 2500}),
    );
    api.refused(
        &format!("/v1/payment_intents/{}/cancel", id(&held)),
        &[],
        ("code", (400, "payment_intent_unexpected_state")),
    )
    .await;

    let open = api
        .ok(
            "/v1/payment_intents",
            &[("amount", "900"), ("currency", "usd")],
        )
        .await;
    let canceled = api
        .ok(
            &format!("/v1/payment_intents/{}/cancel", id(&open)),
            &[("cancellation_reason", "requested_by_customer")],
        )
        .await;
    assert_eq!(canceled["status"], "canceled");
    api.refused(
        "/v1/payment_intents",
        &[("amount", "10"), ("currency", "usd")],
        ("code", (400, "amount_too_small")),
    )
    .await;
    let colour = [("amount", "1000"), ("currency", "usd"), ("colour", "red")];
    let err = api.refused("/v1/payment_intents", &colour, UNKNOWN).await;
    assert_eq!(err["error"]["param"], "colour", "{err}");
}

#[asym::clone("stripe", seed = "basic")]
async fn setup_intents_save_cards(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let setup = api
        .ok(
            "/v1/setup_intents",
            &[
                ("customer", "cus_SEEDcarol00001"),
                ("payment_method", "pm_card_visa"),
                ("confirm", "true"),
            ],
        )
        .await;
    assert_eq!(setup["status"], "succeeded");
    let (_, methods) = api
        .get(
            "/v1/payment_methods",
            &[("customer", "cus_SEEDcarol00001"), ("type", "card")],
        )
        .await;
    assert_eq!(methods["data"][0]["id"], setup["payment_method"]);
    let (status, failed) = api
        .post(
            "/v1/setup_intents",
            &[
                ("customer", "cus_SEEDcarol00001"),
                ("payment_method", "pm_card_chargeDeclined"),
                ("confirm", "true"),
            ],
        )
        .await;
    assert_eq!(status, 402);
    assert_eq!(
        failed["error"]["setup_intent"]["status"],
        "requires_payment_method"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn subscriptions_renew_when_the_test_clock_advances(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let start = 1_767_225_600; // 2026-01-01 00:00 UTC
    let clock = api
        .ok(
            "/v1/test_helpers/test_clocks",
            &[("frozen_time", &start.to_string()), ("name", "renewals")],
        )
        .await;
    let customer = api
        .visa_customer_on(id(&clock), &[("email", "sub@example.com")])
        .await;
    let (_, methods) = api
        .get("/v1/payment_methods", &[("customer", id(&customer))])
        .await;
    assert_eq!(
        customer["invoice_settings"]["default_payment_method"],
        methods["data"][0]["id"]
    );

    let product = api.ok("/v1/products", &[("name", "Gold")]).await;
    let price = api
        .ok(
            "/v1/prices",
            &[
                ("product", id(&product)),
                ("unit_amount", "1500"),
                ("currency", "usd"),
                ("recurring[interval]", "month"),
                ("lookup_key", "gold_monthly"),
            ],
        )
        .await;
    let (_, by_key) = api
        .get("/v1/prices", &[("lookup_keys[]", "gold_monthly")])
        .await;
    assert_eq!(by_key["data"][0]["id"], price["id"]);

    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", id(&customer)),
                ("items[0][price]", id(&price)),
                ("expand[]", "latest_invoice.payment_intent"),
            ],
        )
        .await;
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["current_period_start"], start);
    assert_eq!(sub["current_period_end"], 1_769_904_000); // 2026-02-01
    assert_eq!(sub["latest_invoice"]["status"], "paid");
    assert_eq!(
        sub["latest_invoice"]["payment_intent"]["status"],
        "succeeded"
    );

    // Two intervals at most in one advance, as Stripe allows: February, then March.
    api.advance(id(&clock), "1769990400").await; // 2026-02-02
    let advanced = api.advance(id(&clock), "1772409600").await; // 2026-03-02
    assert_eq!(advanced["status"], "ready");
    let (_, invoices) = api.get("/v1/invoices", &[("subscription", id(&sub))]).await;
    let invoices = data(&invoices);
    assert_eq!(invoices.len(), 3, "creation + two renewals");
    assert!(
        invoices
            .iter()
            .all(|i| i["status"] == "paid" && i["amount_paid"] == 1500)
    );
    assert_eq!(invoices[0]["billing_reason"], "subscription_cycle");
    let sub = api.current("/v1/subscriptions", id(&sub)).await;
    assert_fields(
        &sub,
        json!({"status": "active", "current_period_start": 1_772_323_200}),
    );

    api.ok(
        &format!("/v1/subscriptions/{}", id(&sub)),
        &[("cancel_at_period_end", "true")],
    )
    .await;
    api.advance(id(&clock), "1775088000").await;
    let sub = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(sub["status"], "canceled");
}

#[asym::clone("stripe", seed = "subscriptions")]
async fn the_seeded_subscription_renews_on_its_clock(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    api.advance("clock_SEEDclock00001", "1702600000").await;
    let (_, invoices) = api
        .get("/v1/invoices", &[("customer", "cus_SEEDdave000001")])
        .await;
    assert_eq!(data(&invoices).len(), 2);
    assert_eq!(invoices["data"][0]["status"], "paid");
    assert_suffix(&invoices["data"][0]["number"], "-0002");
    let (_, bob) = api
        .get("/v1/subscriptions", &[("customer", "cus_SEEDbob0000001")])
        .await;
    assert_eq!(bob["data"][0]["status"], "active");
}

#[asym::clone("stripe", seed = "basic")]
async fn failed_renewals_make_the_subscription_past_due(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let clock = api.test_clock(1_767_225_600).await;
    let customer = api.ok("/v1/customers", &[("test_clock", id(&clock))]).await;
    let pm = api
        .ok(
            "/v1/payment_methods/pm_card_chargeCustomerFail/attach",
            &[("customer", id(&customer))],
        )
        .await;
    api.refused(
        "/v1/subscriptions",
        &[
            ("customer", id(&customer)),
            ("items[0][price]", "price_SEEDproMonth1"),
            ("default_payment_method", id(&pm)),
            ("payment_behavior", "error_if_incomplete"),
        ],
        ("code", (402, "card_declined")),
    )
    .await;
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", id(&customer)),
                ("items[0][price]", "price_SEEDproMonth1"),
                ("default_payment_method", id(&pm)),
            ],
        )
        .await;
    assert_eq!(sub["status"], "incomplete");
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"status": "open", "attempt_count": 1}));
    let paid = api
        .ok(
            &format!("/v1/invoices/{}/pay", id(&invoice)),
            &[("payment_method", "pm_card_visa")],
        )
        .await;
    assert_eq!(paid["status"], "paid");
    let sub = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(sub["status"], "active");
}

#[asym::clone("stripe", seed = "basic")]
async fn checkout_and_portal_sessions(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let session = api
        .created(
            "/v1/checkout/sessions",
            &[
                ("mode", "payment"),
                ("line_items[0][price]", "price_SEEDshirt001"),
                ("line_items[0][quantity]", "2"),
                ("success_url", "https://example.com/ok"),
                ("customer", "cus_SEEDalice00001"),
            ],
            "cs_test_",
        )
        .await;
    assert_fields(&session, json!({"amount_total": 5000, "status": "open"}));
    assert!(session["url"].as_str().unwrap().contains(id(&session)));
    assert!(session.get("_line_items").is_none());
    let (_, items) = api
        .get(
            &format!("/v1/checkout/sessions/{}/line_items", id(&session)),
            &[],
        )
        .await;
    assert_eq!(items["data"][0]["quantity"], 2);
    let expanded = api
        .expanded("/v1/checkout/sessions", id(&session), "line_items")
        .await;
    assert_eq!(expanded["line_items"]["data"][0]["amount_total"], 5000);
    let expired = api
        .ok(
            &format!("/v1/checkout/sessions/{}/expire", id(&session)),
            &[],
        )
        .await;
    assert_eq!(expired["status"], "expired");
    let (status, _) = api
        .post(
            "/v1/checkout/sessions",
            &[
                ("mode", "payment"),
                ("line_items[0][price]", "price_SEEDproMonth1"),
                ("line_items[0][quantity]", "1"),
            ],
        )
        .await;
    assert_eq!(status, 400, "recurring prices need subscription mode");
    let portal = api
        .ok(
            "/v1/billing_portal/sessions",
            &[
                ("customer", "cus_SEEDalice00001"),
                ("return_url", "https://example.com"),
            ],
        )
        .await;
    assert_eq!(portal["object"], "billing_portal.session");
    assert_prefix(&portal["url"], "http");
}

#[asym::clone("stripe", seed = "basic")]
async fn values_stripe_refuses_are_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let keys: Vec<(String, String)> = (0..51)
        .map(|i| (format!("metadata[k{i}]"), "v".to_owned()))
        .collect();
    let many: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 4] = [
        ("/v1/customers", &many, "metadata"),
        (
            "/v1/prices",
            &[
                ("currency", "xyz"),
                ("unit_amount", "100"),
                ("product", "prod_SEEDpro000001"),
            ],
            "currency",
        ),
        (
            "/v1/test_helpers/test_clocks",
            &[("frozen_time", "-5")],
            "frozen_time",
        ),
        (
            "/v1/webhook_endpoints",
            &[
                ("url", "http://127.0.0.1:9/x"),
                ("enabled_events[]", "customer.exploded.twice!"),
            ],
            "enabled_events",
        ),
    ];
    for (path, form, param) in cases {
        let body = api.refused(path, form, invalid(param)).await;
        assert_eq!(body["error"]["type"], "invalid_request_error", "{body}");
    }
    let (status, body) = api
        .post(
            "/v1/webhook_endpoints",
            &[
                ("url", "http://127.0.0.1:9/x"),
                ("enabled_events[]", "invoice.paid"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

#[asym::clone("stripe", seed = "basic")]
async fn webhooks_are_signed_and_retried(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let receiver = Receiver::start().await;
    receiver.answer(500);
    let url = format!("{}/hook", receiver.url());
    let endpoint = api
        .ok(
            "/v1/webhook_endpoints",
            &[("url", &url), ("enabled_events[]", "customer.created")],
        )
        .await;
    let secret = endpoint["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    let fetched = api.current("/v1/webhook_endpoints", id(&endpoint)).await;
    assert!(fetched.get("secret").is_none(), "the secret is shown once");

    let customer = api
        .ok("/v1/customers", &[("email", "hook@example.com")])
        .await;
    api.ok("/v1/products", &[("name", "not subscribed")]).await;
    let wait = Duration::from_secs(15);
    let first = receiver.next(wait).await.expect("a first delivery");
    receiver.answer(200);
    let second = receiver.next(wait).await.expect("a retry");
    assert_eq!(first.body, second.body, "the failed delivery is retried");
    let event = second.json();
    assert_eq!(event["type"], "customer.created");
    assert_eq!(event["data"]["object"]["id"], customer["id"]);
    assert_eq!(
        second.header("user-agent"),
        Some("Stripe/1.0 (+https://stripe.com/docs/webhooks)")
    );

    let signature = second.header("stripe-signature").unwrap();
    let (t, v1) = signature.split_once(",v1=").unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let body = std::str::from_utf8(&second.body).unwrap();
    assert_eq!(
        v1,
        asym_kit::token::hmac_sha256_hex(secret.as_bytes(), format!("{t}.{body}").as_bytes())
    );
    let (_, fetched_event) = api
        .get(
            &format!("/v1/events/{}", event["id"].as_str().unwrap()),
            &[],
        )
        .await;
    assert_eq!(fetched_event["type"], "customer.created");
    let rows = stripe
        .query("select event, attempts from asym_outbox")
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "only customer.created was subscribed to");
    assert_eq!(rows[0].get::<_, String>(0), "customer.created");
    assert!(rows[0].get::<_, i32>(1) >= 2);
}

mod offline {
    //! The router in-process, on paths that answer before touching Postgres.

    use asym_kit::testing::{Reply, assert_prefix, oneshot};
    use axum::body::Body;
    use axum::http::Request;

    async fn send(request: Request<Body>) -> Reply {
        let app = asym_kit::testing::offline_app("stripe-test", stripe_backend::app);
        oneshot(app, request).await
    }

    fn get(path: &str, key: Option<&str>) -> Request<Body> {
        let mut request = Request::get(path);
        if let Some(key) = key {
            request = request.header("authorization", format!("Bearer {key}"));
        }
        request.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn requests_without_a_key_are_401() {
        let body = send(get("/v1/customers", None)).await.expect(401);
        assert_eq!(body["error"]["type"], "invalid_request_error");
    }

    #[tokio::test]
    async fn live_keys_are_rejected_without_a_database() {
        let request = Request::post("/v1/charges")
            .header("authorization", "Bearer sk_live_abcdef1234")
            .body(Body::empty())
            .unwrap();
        let body = send(request).await.expect(401);
        assert_eq!(
            body["error"]["message"],
            "Invalid API Key provided: sk_live_******1234"
        );
    }

    #[tokio::test]
    async fn unknown_paths_are_stripes_404_and_outages_a_500_envelope() {
        let body = send(get("/nope", None)).await.expect(404);
        assert_prefix(
            &body["error"]["message"],
            "Unrecognized request URL (GET: /nope)",
        );
        let body = send(get("/v1/customers", Some("sk_test_abc")))
            .await
            .expect(500);
        assert_eq!(body["error"]["type"], "api_error");
    }

    #[tokio::test]
    async fn provisioning_needs_the_admin_secret() {
        let provision = || Request::post("/api/admin/provision");
        send(provision().body(Body::empty()).unwrap())
            .await
            .expect(401);
        let request = provision()
            .header("x-asym-admin-secret", "admin-secret")
            .body(Body::empty())
            .unwrap();
        let body = send(request).await.expect(503);
        assert_eq!(body["error"], "internal_error");
    }
}

/// A write held back until COMMIT that fails (a second price with a taken `lookup_key`) is the
/// request's error: nothing of the request is kept, not its event nor its idempotency key, and
/// the next request on the same connection works.
#[asym::clone("stripe", seed = "basic")]
async fn a_write_failing_at_commit_is_the_requests_error_and_keeps_nothing(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let product = api.ok("/v1/products", &[("name", "Silver")]).await;
    let form = [
        ("product", id(&product)),
        ("unit_amount", "900"),
        ("currency", "usd"),
        ("lookup_key", "silver"),
    ];
    api.ok("/v1/prices", &form).await;
    let count = "select count(*) from objects where object in ('price', 'event')";
    let before: i64 = stripe.query(count).await.unwrap()[0].get(0);
    let key = [("Idempotency-Key", "taken-lookup-key")];
    for _ in 0..2 {
        let (status, err, _) = api
            .send(reqwest::Method::POST, "/v1/prices", &form, &key)
            .await;
        assert_error(status, &err, "param", (400, "lookup_key"));
        assert_contains(&err["error"]["message"], "'silver' already exists");
    }
    let after: i64 = stripe.query(count).await.unwrap()[0].get(0);
    assert_eq!(after, before, "neither the price nor its event was kept");
    let keys = "select count(*) from idempotency_keys where key = 'taken-lookup-key'";
    assert_eq!(stripe.query(keys).await.unwrap()[0].get::<_, i64>(0), 0);
    let moved = api
        .ok(
            "/v1/prices",
            &[form.as_slice(), &[("transfer_lookup_key", "true")]].concat(),
        )
        .await;
    assert_eq!(moved["lookup_key"], "silver");
}
