//! The balance and its transactions: what charges, captures and refunds move.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::common::{Api, MISSING, assert_fields, data, expect_refusal, id};

/// `(available, pending)` in USD.
async fn usd(api: &Api) -> (i64, i64) {
    let (status, balance) = api.get("/v1/balance", &[]).await;
    assert_eq!((status, balance["object"].as_str()), (200, Some("balance")));
    let amount = |side: &str| {
        let funds = &balance[side].as_array().unwrap()[0];
        assert_eq!(funds["currency"], "usd", "{balance}");
        funds["amount"].as_i64().unwrap()
    };
    (amount("available"), amount("pending"))
}

/// A payment intent of `amount` cents confirmed with test card `method`, captured as `capture`
/// says, its charge's balance transaction expanded.
async fn pay(api: &Api, amount: &str, method: &str, capture: &str) -> Value {
    let extra = [
        ("capture_method", capture),
        ("expand[]", "latest_charge.balance_transaction"),
    ];
    api.card_intent(amount, method, &extra).await
}

#[asym::clone("stripe", seed = "basic")]
async fn charges_and_refunds_move_the_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    assert_eq!(usd(&api).await, (0, 0));

    let intent = pay(&api, "2000", "pm_card_visa", "automatic").await;
    let charge = &intent["latest_charge"];
    let txn = &charge["balance_transaction"];
    assert_fields(
        txn,
        json!({"object": "balance_transaction", "type": "charge", "status": "pending",
               "source": charge["id"]}),
    );
    assert_fields(txn, json!({"amount": 2000, "fee": 88, "net": 1912}));
    assert_eq!(txn["fee_details"][0]["type"], "stripe_fee");
    assert!(txn["available_on"].as_i64().unwrap() > txn["created"].as_i64().unwrap());
    assert_eq!(
        usd(&api).await,
        (0, 1912),
        "a card payment is pending for two days"
    );

    let bypass = pay(&api, "1000", "pm_card_bypassPending", "automatic").await;
    let txn = &bypass["latest_charge"]["balance_transaction"];
    assert_fields(txn, json!({"status": "available", "net": 941}));
    assert_eq!(usd(&api).await, (941, 1912));

    let refund = api
        .ok(
            "/v1/refunds",
            &[
                ("payment_intent", id(&bypass)),
                ("amount", "300"),
                ("expand[]", "balance_transaction"),
            ],
        )
        .await;
    let txn = &refund["balance_transaction"];
    assert_fields(txn, json!({"type": "refund", "amount": -300, "fee": 0}));
    assert_fields(txn, json!({"status": "available", "source": refund["id"]}));
    assert_eq!(usd(&api).await, (641, 1912));

    let held = pay(&api, "3000", "pm_card_visa", "manual").await;
    assert_eq!(
        held["latest_charge"]["balance_transaction"],
        Value::Null,
        "nothing captured yet"
    );
    api.ok(
        &format!("/v1/payment_intents/{}/capture", id(&held)),
        &[("amount_to_capture", "2500")],
    )
    .await;
    let (_, captured) = api
        .get(
            &format!(
                "/v1/charges/{}",
                held["latest_charge"]["id"].as_str().unwrap()
            ),
            &[("expand[]", "balance_transaction")],
        )
        .await;
    assert_eq!(captured["balance_transaction"]["amount"], 2500);

    let (_, all) = api.get("/v1/balance_transactions", &[]).await;
    assert_eq!(
        pluck(&all["data"], "type"),
        ["charge", "refund", "charge", "charge"],
        "newest first"
    );
    let (_, refunds) = api
        .get("/v1/balance_transactions", &[("type", "refund")])
        .await;
    assert_eq!(data(&refunds).len(), 1);
    let source = charge["id"].as_str().unwrap();
    let (_, by_source) = api
        .get(
            "/v1/balance/history",
            &[("source", source), ("expand[]", "data.source")],
        )
        .await;
    assert_eq!(by_source["data"][0]["source"]["id"], source);
    let txn_id = charge["balance_transaction"]["id"].as_str().unwrap();
    let fetched = api.current("/v1/balance_transactions", txn_id).await;
    assert_eq!(fetched["net"], 1912);
    expect_refusal(
        api.get("/v1/balance_transactions/txn_nope", &[]).await,
        MISSING,
    );
}

#[asym::clone("stripe", seed = "subscriptions")]
async fn seeded_payments_are_in_the_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    assert_eq!(usd(&api).await, (2 * 1912, 0));
    let (_, charge) = api
        .get(
            "/v1/charges/ch_SEEDbob0000001",
            &[("expand[]", "balance_transaction")],
        )
        .await;
    assert_eq!(charge["balance_transaction"]["status"], "available");
}
