//! Customer balance transactions and the customer credit balance invoices apply when they
//! are finalized.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, BOB, MISSING, PRO_MONTHLY, UNKNOWN, alice_subscription, amounts, assert_events,
    assert_fields, data, expect_refusal, id, invalid,
};

fn transactions(customer: &str) -> String {
    format!("/v1/customers/{customer}/balance_transactions")
}

/// Adds a balance transaction of `amount` cents (usd) to `customer`: a credit when negative.
async fn adjust(api: &Api, customer: &str, amount: &str) -> Value {
    let form = [("amount", amount), ("currency", "usd")];
    api.ok(&transactions(customer), &form).await
}

#[asym::clone("stripe", seed = "basic")]
async fn balance_transactions_are_created_retrieved_updated_and_listed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = transactions(ALICE);
    let credit = api
        .created(
            &path,
            &[
                ("amount", "-500"),
                ("currency", "usd"),
                ("description", "Goodwill"),
                ("metadata[k]", "v"),
            ],
            "cbtxn_",
        )
        .await;
    assert_fields(
        &credit,
        json!({"object": "customer_balance_transaction", "amount": -500, "ending_balance": -500,
               "type": "adjustment", "customer": ALICE, "metadata": {"k": "v"}}),
    );
    let debit = adjust(&api, ALICE, "200").await;
    assert_eq!(debit["ending_balance"], -300);
    let alice = api.current("/v1/customers", ALICE).await;
    assert_fields(&alice, json!({"balance": -300, "currency": "usd"}));
    assert_events(&stripe, &["customer.updated"]).await;
    let expanded = api
        .expanded("/v1/customers", ALICE, "invoice_credit_balance")
        .await;
    assert_eq!(expanded["invoice_credit_balance"]["usd"], -300);

    let one = format!("{path}/{}", id(&credit));
    assert_eq!(api.get(&one, &[]).await.1, credit);
    let updated = api.ok(&one, &[("description", "Sorry")]).await;
    assert_eq!(updated["description"], "Sorry");
    api.refused(&one, &[("amount", "1")], UNKNOWN).await;
    let page = api.get(&path, &[("limit", "1")]).await.1;
    assert_eq!(
        (id(&data(&page)[0]), page["has_more"].as_bool()),
        (id(&debit), Some(true))
    );

    // Another customer's transaction, an unknown customer, a missing amount.
    expect_refusal(
        api.get(&format!("{}/{}", transactions(BOB), id(&credit)), &[])
            .await,
        MISSING,
    );
    expect_refusal(api.get(&transactions("cus_nope"), &[]).await, MISSING);
    api.refused(
        &path,
        &[("currency", "usd")],
        ("code", (400, "parameter_missing")),
    )
    .await;
    api.refused(
        &path,
        &[("amount", "1"), ("currency", "eur")],
        invalid("currency"),
    )
    .await;
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
    assert_fields(&data(&list)[0], json!({"type": "initial", "amount": -1000}));
    let path = format!("/v1/customers/{}", id(&made));
    api.ok(&path, &[("balance", "-400")]).await;
    let list = api.get(&transactions(id(&made)), &[]).await.1;
    let newest = &data(&list)[0];
    assert_fields(
        newest,
        json!({"type": "adjustment", "amount": 600, "ending_balance": -400}),
    );
}

/// Subscribes Alice to Asym Pro monthly ($20): the first invoice, expanded.
async fn subscribe_alice(api: &Api) -> Value {
    let sub = api.ok("/v1/subscriptions", &alice_subscription(&[])).await;
    sub["latest_invoice"].clone()
}

#[asym::clone("stripe", seed = "basic")]
async fn finalized_invoices_apply_the_credit_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    adjust(&api, ALICE, "-500").await;
    let preview = api
        .ok(
            "/v1/invoices/create_preview",
            &[
                ("customer", ALICE),
                ("subscription_details[items][0][price]", PRO_MONTHLY),
            ],
        )
        .await;
    let got = amounts(&preview, ["total", "starting_balance", "amount_due"]);
    assert_eq!(got, [2000, -500, 1500].map(Some), "{preview}");
    let invoice = subscribe_alice(&api).await;
    let keys = [
        "total",
        "starting_balance",
        "ending_balance",
        "amount_due",
        "amount_paid",
    ];
    let got = amounts(&invoice, keys);
    assert_eq!(got, [2000, -500, 0, 1500, 1500].map(Some), "{invoice}");
    assert_eq!(api.charged_for(&invoice).await, 1500);
    assert_eq!(api.current("/v1/customers", ALICE).await["balance"], 0);
    let applied = api
        .get(&transactions(ALICE), &[("invoice", id(&invoice))])
        .await
        .1;
    let applied = &data(&applied)[0];
    assert_fields(
        applied,
        json!({"type": "applied_to_invoice", "amount": 500, "ending_balance": 0}),
    );

    // A credit larger than the invoice pays it whole and the rest stays.
    adjust(&api, ALICE, "-5000").await;
    let invoice = subscribe_alice(&api).await;
    let got = amounts(
        &invoice,
        ["starting_balance", "ending_balance", "amount_due"],
    );
    assert_eq!(got, [-5000, -3000, 0].map(Some), "{invoice}");
    assert_eq!(invoice["status"], "paid");
    assert_eq!(api.current("/v1/customers", ALICE).await["balance"], -3000);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_debit_is_added_and_a_void_gives_the_balance_back(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    adjust(&api, BOB, "300").await;
    let invoice = api.invoice_for_item(BOB, "1000").await;
    assert_fields(
        &invoice,
        json!({"starting_balance": 300, "ending_balance": null}),
    );
    let path = format!("/v1/invoices/{}", id(&invoice));
    let open = api.ok(&format!("{path}/finalize"), &[]).await;
    assert_eq!(
        amounts(&open, ["amount_due", "ending_balance"]),
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
    let clock = api.test_clock(1_767_225_600).await; // 2026-01-01 00:00 UTC
    let customer = api
        .visa_customer_on(id(&clock), &[("balance", "-3000")])
        .await;
    let rate = api.tax_rate("VAT", "10", false).await;
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
            amounts(
                i,
                ["total", "starting_balance", "ending_balance", "amount_paid"],
            )
        })
        .collect();
    // $22 each: the first takes $22 of the $30 credit, the renewal the $8 left.
    let expected = [[2200, -800, 0, 1400], [2200, -3000, -800, 0]];
    assert_eq!(got, expected.map(|row| row.map(Some)));
    let customer = api.current("/v1/customers", id(&customer)).await;
    assert_eq!(customer["balance"], 0);
}
