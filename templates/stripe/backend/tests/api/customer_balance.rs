//! Customer balance transactions and the customer credit balance invoices apply when they
//! are finalized.

use serde_json::Value;

use super::{Api, assert_error, assert_events, data, id};

const ALICE: &str = "cus_SEEDalice00001";
const BOB: &str = "cus_SEEDbob0000001";
const PRO_MONTHLY: &str = "price_SEEDproMonth1";

fn transactions(customer: &str) -> String {
    format!("/v1/customers/{customer}/balance_transactions")
}

#[asym::clone("stripe", seed = "basic")]
async fn balance_transactions_are_created_retrieved_updated_and_listed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = transactions(ALICE);
    let credit = api
        .ok(
            &path,
            &[
                ("amount", "-500"),
                ("currency", "usd"),
                ("description", "Goodwill"),
                ("metadata[k]", "v"),
            ],
        )
        .await;
    assert!(id(&credit).starts_with("cbtxn_"), "{credit}");
    assert_eq!(
        (
            credit["object"].as_str(),
            credit["amount"].as_i64(),
            credit["ending_balance"].as_i64(),
            credit["type"].as_str(),
            credit["customer"].as_str(),
            credit["metadata"]["k"].as_str()
        ),
        (
            Some("customer_balance_transaction"),
            Some(-500),
            Some(-500),
            Some("adjustment"),
            Some(ALICE),
            Some("v")
        )
    );
    let debit = api
        .ok(&path, &[("amount", "200"), ("currency", "usd")])
        .await;
    assert_eq!(debit["ending_balance"], -300);
    let alice = api.current("/v1/customers", ALICE).await;
    assert_eq!(
        (alice["balance"].as_i64(), alice["currency"].as_str()),
        (Some(-300), Some("usd"))
    );
    assert_events(&stripe, &["customer.updated"]).await;
    let expanded = api
        .expanded("/v1/customers", ALICE, "invoice_credit_balance")
        .await;
    assert_eq!(expanded["invoice_credit_balance"]["usd"], -300);

    let one = format!("{path}/{}", id(&credit));
    assert_eq!(api.get(&one, &[]).await.1, credit);
    let updated = api.ok(&one, &[("description", "Sorry")]).await;
    assert_eq!(updated["description"], "Sorry");
    let (status, body) = api.post(&one, &[("amount", "1")]).await;
    assert_error(status, &body, "code", (400, "parameter_unknown"));
    let page = api.get(&path, &[("limit", "1")]).await.1;
    assert_eq!(
        (id(&data(&page)[0]), page["has_more"].as_bool()),
        (id(&debit), Some(true))
    );

    // Another customer's transaction, an unknown customer, a missing amount.
    let (status, body) = api
        .get(&format!("{}/{}", transactions(BOB), id(&credit)), &[])
        .await;
    assert_error(status, &body, "code", (404, "resource_missing"));
    let (status, body) = api.get(&transactions("cus_nope"), &[]).await;
    assert_error(status, &body, "code", (404, "resource_missing"));
    let (status, body) = api.post(&path, &[("currency", "usd")]).await;
    assert_error(status, &body, "code", (400, "parameter_missing"));
    let (status, body) = api
        .post(&path, &[("amount", "1"), ("currency", "eur")])
        .await;
    assert_error(status, &body, "param", (400, "currency"));
}

#[asym::clone("stripe", seed = "basic")]
async fn a_balance_set_on_the_customer_is_a_transaction(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let made = api
        .ok(
            "/v1/customers",
            &[("email", "b@example.com"), ("balance", "-1000")],
        )
        .await;
    assert_eq!(made["balance"], -1000);
    let list = api.get(&transactions(id(&made)), &[]).await.1;
    assert_eq!(
        (
            data(&list)[0]["type"].as_str(),
            data(&list)[0]["amount"].as_i64()
        ),
        (Some("initial"), Some(-1000))
    );
    let path = format!("/v1/customers/{}", id(&made));
    api.ok(&path, &[("balance", "-400")]).await;
    let list = api.get(&transactions(id(&made)), &[]).await.1;
    let newest = &data(&list)[0];
    assert_eq!(
        (
            newest["type"].as_str(),
            newest["amount"].as_i64(),
            newest["ending_balance"].as_i64()
        ),
        (Some("adjustment"), Some(600), Some(-400))
    );
}

/// Subscribes Alice to Asym Pro monthly ($20): the first invoice, expanded.
async fn subscribe_alice(api: &Api) -> Value {
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", ALICE),
                ("items[0][price]", PRO_MONTHLY),
                ("expand[]", "latest_invoice"),
            ],
        )
        .await;
    sub["latest_invoice"].clone()
}

#[asym::clone("stripe", seed = "basic")]
async fn finalized_invoices_apply_the_credit_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    api.ok(
        &transactions(ALICE),
        &[("amount", "-500"), ("currency", "usd")],
    )
    .await;
    let preview = api
        .ok(
            "/v1/invoices/create_preview",
            &[
                ("customer", ALICE),
                ("subscription_details[items][0][price]", PRO_MONTHLY),
            ],
        )
        .await;
    let got = ["total", "starting_balance", "amount_due"].map(|k| preview[k].as_i64());
    assert_eq!(got, [2000, -500, 1500].map(Some), "{preview}");
    let invoice = subscribe_alice(&api).await;
    let got = [
        "total",
        "starting_balance",
        "ending_balance",
        "amount_due",
        "amount_paid",
    ]
    .map(|k| invoice[k].as_i64());
    assert_eq!(got, [2000, -500, 0, 1500, 1500].map(Some), "{invoice}");
    let intent = api
        .current(
            "/v1/payment_intents",
            invoice["payment_intent"].as_str().unwrap(),
        )
        .await;
    assert_eq!(intent["amount"], 1500);
    assert_eq!(api.current("/v1/customers", ALICE).await["balance"], 0);
    let applied = api
        .get(&transactions(ALICE), &[("invoice", id(&invoice))])
        .await
        .1;
    let applied = &data(&applied)[0];
    assert_eq!(
        (
            applied["type"].as_str(),
            applied["amount"].as_i64(),
            applied["ending_balance"].as_i64()
        ),
        (Some("applied_to_invoice"), Some(500), Some(0))
    );

    // A credit larger than the invoice pays it whole and the rest stays.
    api.ok(
        &transactions(ALICE),
        &[("amount", "-5000"), ("currency", "usd")],
    )
    .await;
    let invoice = subscribe_alice(&api).await;
    let got = ["starting_balance", "ending_balance", "amount_due"].map(|k| invoice[k].as_i64());
    assert_eq!(got, [-5000, -3000, 0].map(Some), "{invoice}");
    assert_eq!(invoice["status"], "paid");
    assert_eq!(api.current("/v1/customers", ALICE).await["balance"], -3000);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_debit_is_added_and_a_void_gives_the_balance_back(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    api.ok(
        &transactions(BOB),
        &[("amount", "300"), ("currency", "usd")],
    )
    .await;
    let invoice = api.invoice_for_item(BOB, "1000").await;
    assert_eq!(
        (
            invoice["starting_balance"].as_i64(),
            invoice["ending_balance"].clone()
        ),
        (Some(300), Value::Null)
    );
    let path = format!("/v1/invoices/{}", id(&invoice));
    let open = api.ok(&format!("{path}/finalize"), &[]).await;
    assert_eq!(
        ["amount_due", "ending_balance"].map(|k| open[k].as_i64()),
        [Some(1300), Some(0)],
        "{open}"
    );
    assert_eq!(api.current("/v1/customers", BOB).await["balance"], 0);
    api.ok(&format!("{path}/void"), &[]).await;
    assert_eq!(api.current("/v1/customers", BOB).await["balance"], 300);
    let list = api.get(&transactions(BOB), &[]).await.1;
    assert_eq!(data(&list)[0]["type"], "unapplied_from_invoice");
}

#[asym::clone("stripe", seed = "basic")]
async fn renewals_are_taxed_and_take_the_credit_left(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let start = "1767225600"; // 2026-01-01 00:00 UTC
    let clock = api
        .ok("/v1/test_helpers/test_clocks", &[("frozen_time", start)])
        .await;
    let customer = api
        .ok(
            "/v1/customers",
            &[
                ("test_clock", id(&clock)),
                ("balance", "-3000"),
                ("payment_method", "pm_card_visa"),
                ("invoice_settings[default_payment_method]", "pm_card_visa"),
            ],
        )
        .await;
    let rate = api
        .ok(
            "/v1/tax_rates",
            &[
                ("display_name", "VAT"),
                ("percentage", "10"),
                ("inclusive", "false"),
            ],
        )
        .await;
    let sub = [
        ("customer", id(&customer)),
        ("items[0][price]", PRO_MONTHLY),
        ("default_tax_rates[0]", id(&rate)),
    ];
    let sub = api.ok("/v1/subscriptions", &sub).await;
    api.advance(id(&clock), "1769990400").await; // 2026-02-02: one renewal
    let (_, invoices) = api.get("/v1/invoices", &[("subscription", id(&sub))]).await;
    let got: Vec<[Option<i64>; 4]> = data(&invoices)
        .iter()
        .map(|i| {
            ["total", "starting_balance", "ending_balance", "amount_paid"].map(|k| i[k].as_i64())
        })
        .collect();
    // $22 each: the first takes $22 of the $30 credit, the renewal the $8 left.
    let expected = [[2200, -800, 0, 1400], [2200, -3000, -800, 0]];
    assert_eq!(got, expected.map(|row| row.map(Some)));
    let customer = api.current("/v1/customers", id(&customer)).await;
    assert_eq!(customer["balance"], 0);
}
