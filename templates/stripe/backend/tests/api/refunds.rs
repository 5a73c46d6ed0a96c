//! Refunds: of a partially captured charge (the uncaptured rest is released as refunded, and
//! what was captured stays refundable), and what Stripe refuses, in its words.

use serde_json::{Value, json};

use crate::common::{Api, MISSING, assert_fields, data, expect_refusal, id, invalid};

/// A $30 payment intent authorized on Visa and not captured (`capture_method=manual`).
async fn held_thirty(api: &Api) -> Value {
    api.visa_intent("3000", &[("capture_method", "manual")])
        .await
}

#[asym::clone("stripe", seed = "basic")]
async fn a_partially_captured_charge_refunds_all_it_captured(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let held = held_thirty(&api).await;
    let capture = format!("/v1/payment_intents/{}/capture", id(&held));
    api.ok(&capture, &[("amount_to_capture", "2000")]).await;
    let intent = [("payment_intent", id(&held))];
    let first = api.ok("/v1/refunds", &[intent[0], ("amount", "500")]).await;
    let charge = first["charge"].as_str().unwrap().to_owned();
    let partly = api.current("/v1/charges", &charge).await;
    assert_fields(&partly, json!({"amount_refunded": 1500, "refunded": false}));
    let rest = api.ok("/v1/refunds", &intent).await;
    assert_eq!(rest["amount"], 1500, "{rest}");
    let whole = api.current("/v1/charges", &charge).await;
    assert_fields(&whole, json!({"amount_refunded": 3000, "refunded": true}));
    let (_, refunds) = api.get("/v1/refunds", &intent).await;
    assert_eq!(data(&refunds).len(), 2, "{refunds}");
    api.refused("/v1/refunds", &intent, invalid("charge")).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn refund_refusals_are_in_stripes_words(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let paid = api.visa_intent("3000", &[]).await;
    let charge = paid["latest_charge"].as_str().unwrap();
    let cases = [
        (
            [("charge", charge), ("amount", "4000")],
            "amount",
            "Refund amount ($40.00) is greater than unrefunded amount on charge ($30.00)",
        ),
        (
            [("charge", charge), ("reason", "expired_uncaptured_charge")],
            "reason",
            "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer",
        ),
    ];
    for (form, param, said) in cases {
        let body = api.refused("/v1/refunds", &form, invalid(param)).await;
        assert_eq!(body["error"]["message"], said, "{body}");
    }
    let body = expect_refusal(
        api.post("/v1/refunds", &[("charge", "ch_nope")]).await,
        MISSING,
    );
    assert_eq!(body["error"]["param"], "id", "{body}");
    let refund = api.ok("/v1/refunds", &[("charge", charge)]).await;
    let cancel = format!("/v1/refunds/{}/cancel", id(&refund));
    let body = api.post(&cancel, &[]).await;
    let said = Some("Canceling this refund is unsupported.");
    assert_eq!(
        (body.0, body.1["error"]["message"].as_str()),
        (400, said),
        "{}",
        body.1
    );
    expect_refusal(api.post("/v1/refunds/re_nope/cancel", &[]).await, MISSING);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_charge_is_captured_and_refunded_through_the_legacy_charge_routes(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let held = held_thirty(&api).await;
    let charge = held["latest_charge"].as_str().unwrap().to_owned();
    let capture = format!("/v1/charges/{charge}/capture");
    api.refused(&capture, &[("amount", "4000")], invalid("amount"))
        .await;
    let captured = api
        .ok(
            &capture,
            &[("amount", "2500"), ("receipt_email", "jo@example.com")],
        )
        .await;
    assert_fields(
        &captured,
        json!({"object": "charge", "captured": true, "amount_captured": 2500,
               "amount_refunded": 500, "receipt_email": "jo@example.com"}),
    );
    assert!(captured["balance_transaction"].is_string(), "{captured}");
    let intent = api.current("/v1/payment_intents", id(&held)).await;
    assert_eq!(intent["status"], "succeeded", "{intent}");
    let again = api
        .refused(&capture, &[], ("code", (400, "charge_already_captured")))
        .await;
    let said = format!("Charge {charge} has already been captured.");
    assert_eq!(again["error"]["message"], said.as_str());

    // The deprecated refund: a refund like POST /v1/refunds makes, answered with the charge.
    let refund = format!("/v1/charges/{charge}/refund");
    let form = [("amount", "1000"), ("reason", "requested_by_customer")];
    let refunded = api.ok(&refund, &form).await;
    assert_fields(
        &refunded,
        json!({"object": "charge", "amount_refunded": 1500, "refunded": false}),
    );
    let (_, refunds) = api.get("/v1/refunds", &[("charge", &charge)]).await;
    let made = (data(&refunds).len(), data(&refunds)[0]["amount"].as_i64());
    assert_eq!(made, (1, Some(1000)), "{refunds}");
    assert_eq!(data(&refunds)[0]["reason"], "requested_by_customer");
    let whole = api.ok(&refund, &[]).await;
    assert_eq!(whole["refunded"], true, "{whole}");
    api.refused(&refund, &[], invalid("charge")).await;
    for path in ["/v1/charges/ch_nope/capture", "/v1/charges/ch_nope/refund"] {
        let body = expect_refusal(api.post(path, &[]).await, MISSING);
        assert_eq!(body["error"]["param"], "id", "{path}: {body}");
    }
    expect_refusal(
        api.post(&refund, &[("charge", &charge)]).await,
        ("code", (400, "parameter_unknown")),
    );
}
