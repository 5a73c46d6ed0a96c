//! Disputes: the dispute test cards' charges succeed and are disputed at once (a chargeback
//! withdraws the amount and the dispute fee; an inquiry withdraws nothing); evidence is staged
//! or submitted, Stripe's test evidence deciding the outcome; closing concedes.

use serde_json::{Value, json};

use crate::common::{
    Api, MISSING, UNKNOWN, assert_events, assert_fields, data, expect_refusal, id, invalid,
};

/// A $50 payment intent confirmed with test card `card`, and the dispute of its charge.
async fn disputed(api: &Api, card: &str) -> (Value, Value) {
    let intent = api.card_intent("5000", card, &[]).await;
    assert_eq!(intent["status"], "succeeded", "{intent}");
    let charge = intent["latest_charge"].as_str().unwrap();
    let (status, list) = api.get("/v1/disputes", &[("charge", charge)]).await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(data(&list).len(), 1, "{list}");
    (intent, data(&list)[0].clone())
}

/// `dispute`'s balance transactions as (amount, fee, net, reporting_category).
fn movements(dispute: &Value) -> Vec<(i64, i64, i64, String)> {
    let transactions = dispute["balance_transactions"].as_array().unwrap();
    transactions
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_i64().unwrap();
            let category = t["reporting_category"].as_str().unwrap().to_owned();
            (n("amount"), n("fee"), n("net"), category)
        })
        .collect()
}

#[asym::clone("stripe", seed = "basic")]
async fn a_dispute_card_charge_succeeds_then_is_disputed_as_fraudulent(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (intent, dispute) = disputed(&api, "pm_card_createDispute").await;
    let charge = intent["latest_charge"].as_str().unwrap();
    assert!(id(&dispute).starts_with("dp_"), "{dispute}");
    assert_fields(
        &dispute,
        json!({"status": "needs_response", "reason": "fraudulent", "amount": 5000,
               "charge": charge, "payment_intent": intent["id"], "is_charge_refundable": false}),
    );
    let details = &dispute["evidence_details"];
    assert!(
        details["due_by"].as_i64() > dispute["created"].as_i64(),
        "{dispute}"
    );
    assert_eq!(details["submission_count"], 0, "{dispute}");
    assert_eq!(details["has_evidence"], false, "{dispute}");
    assert!(
        dispute["evidence"]["uncategorized_text"].is_null(),
        "{dispute}"
    );
    let card = &dispute["payment_method_details"]["card"];
    assert_fields(card, json!({"brand": "visa", "case_type": "chargeback"}));
    assert_eq!(
        movements(&dispute),
        [(-5000, 1500, -6500, "dispute".to_owned())],
        "{dispute}"
    );
    let stored = api.current("/v1/charges", charge).await;
    assert_eq!(stored["disputed"], true, "{stored}");
    assert_eq!(api.current("/v1/disputes", id(&dispute)).await, dispute);
    let by_intent = [("payment_intent", intent["id"].as_str().unwrap())];
    let (_, listed) = api.get("/v1/disputes", &by_intent).await;
    assert_eq!(data(&listed).len(), 1, "{listed}");
    // A charge on another card is not disputed, and is not among the disputes.
    let visa = api.visa_intent("1000", &[]).await;
    let other = [("charge", visa["latest_charge"].as_str().unwrap())];
    let (_, none) = api.get("/v1/disputes", &other).await;
    assert!(data(&none).is_empty(), "{none}");
    let (_, all) = api.get("/v1/disputes", &[]).await;
    assert_eq!(data(&all).len(), 1, "{all}");
    let body = api
        .refused(
            "/v1/refunds",
            &[("charge", charge)],
            ("code", (400, "charge_disputed")),
        )
        .await;
    assert_eq!(
        body["error"]["message"],
        format!("Charge {charge} has been charged back; cannot issue a refund.")
    );
    assert_events(
        &stripe,
        &[
            "charge.succeeded",
            "charge.dispute.created",
            "charge.dispute.funds_withdrawn",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn winning_evidence_wins_the_dispute_and_reinstates_its_funds(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, dispute) = disputed(&api, "tok_createDispute").await;
    let path = format!("/v1/disputes/{}", id(&dispute));
    let form = [
        ("evidence[uncategorized_text]", "winning_evidence"),
        ("evidence[customer_name]", "Jenny Rosen"),
        ("metadata[case]", "42"),
    ];
    let won = api.ok(&path, &form).await;
    assert_eq!(won["status"], "won", "{won}");
    assert_eq!(won["evidence"]["customer_name"], "Jenny Rosen", "{won}");
    assert_eq!(won["metadata"]["case"], "42", "{won}");
    assert_eq!(won["evidence_details"]["submission_count"], 1, "{won}");
    assert_eq!(won["evidence_details"]["has_evidence"], true, "{won}");
    assert_eq!(
        movements(&won),
        [
            (-5000, 1500, -6500, "dispute".to_owned()),
            (5000, -1500, 6500, "dispute_reversal".to_owned())
        ],
        "{won}"
    );
    let (_, balance) = api.get("/v1/balance", &[]).await;
    assert_eq!(balance["available"][0]["amount"], 0, "{balance}");
    // A closed dispute takes no more evidence and cannot be closed; its metadata still changes.
    let again = [("evidence[customer_name]", "Someone")];
    let body = api
        .refused(&path, &again, ("type", (400, "invalid_request_error")))
        .await;
    assert_eq!(
        body["error"]["message"],
        format!("Dispute {} is already closed.", id(&dispute))
    );
    let close = format!("{path}/close");
    api.refused(&close, &[], ("type", (400, "invalid_request_error")))
        .await;
    let tagged = api.ok(&path, &[("metadata[case]", "43")]).await;
    assert_eq!(
        (
            tagged["status"].as_str(),
            tagged["metadata"]["case"].as_str()
        ),
        (Some("won"), Some("43"))
    );
    assert_events(
        &stripe,
        &[
            "charge.dispute.updated",
            "charge.dispute.funds_reinstated",
            "charge.dispute.closed",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn evidence_is_staged_submitted_or_conceded(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, dispute) = disputed(&api, "pm_card_createDisputeProductNotReceived").await;
    assert_eq!(dispute["reason"], "product_not_received", "{dispute}");
    let path = format!("/v1/disputes/{}", id(&dispute));
    let staged = [
        ("evidence[shipping_tracking_number]", "1Z999"),
        ("submit", "false"),
    ];
    let staged = api.ok(&path, &staged).await;
    let details = &staged["evidence_details"];
    assert_eq!(
        (
            staged["status"].as_str(),
            details["has_evidence"].as_bool(),
            details["submission_count"].as_i64()
        ),
        (Some("needs_response"), Some(true), Some(0)),
        "{staged}"
    );
    let unset = api
        .ok(
            &path,
            &[
                ("evidence[shipping_tracking_number]", ""),
                ("submit", "false"),
            ],
        )
        .await;
    assert!(
        unset["evidence"]["shipping_tracking_number"].is_null(),
        "{unset}"
    );
    assert_eq!(unset["evidence_details"]["has_evidence"], false, "{unset}");
    let reviewed = api
        .ok(&path, &[("evidence[product_description]", "A hat")])
        .await;
    assert_eq!(reviewed["status"], "under_review", "{reviewed}");
    let body = api
        .refused(
            &format!("{path}/close"),
            &[],
            ("type", (400, "invalid_request_error")),
        )
        .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("under review"),
        "{body}"
    );
    // Another dispute is conceded by closing it, or lost to losing evidence.
    let (_, second) = disputed(&api, "pm_card_createDispute").await;
    let closed = api
        .ok(&format!("/v1/disputes/{}/close", id(&second)), &[])
        .await;
    assert_eq!(closed["status"], "lost", "{closed}");
    assert_eq!(movements(&closed).len(), 1, "{closed}");
    let (_, third) = disputed(&api, "pm_card_createDispute").await;
    let losing = [("evidence[uncategorized_text]", "losing_evidence")];
    let lost = api
        .ok(&format!("/v1/disputes/{}", id(&third)), &losing)
        .await;
    assert_eq!(lost["status"], "lost", "{lost}");
    assert_events(&stripe, &["charge.dispute.closed"]).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn an_inquiry_withdraws_nothing_and_leaves_the_charge_refundable(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (intent, inquiry) = disputed(&api, "pm_card_createDisputeInquiry").await;
    let shown = (
        inquiry["status"].as_str(),
        inquiry["is_charge_refundable"].as_bool(),
        inquiry["payment_method_details"]["card"]["case_type"].as_str(),
    );
    assert_eq!(
        shown,
        (Some("warning_needs_response"), Some(true), Some("inquiry")),
        "{inquiry}"
    );
    assert!(movements(&inquiry).is_empty(), "{inquiry}");
    let charge = intent["latest_charge"].as_str().unwrap();
    let refund = api
        .ok("/v1/refunds", &[("charge", charge), ("amount", "100")])
        .await;
    assert_eq!(refund["status"], "succeeded", "{refund}");
    let closed = api
        .ok(&format!("/v1/disputes/{}/close", id(&inquiry)), &[])
        .await;
    assert_eq!(closed["status"], "warning_closed", "{closed}");
}

#[asym::clone("stripe", seed = "basic")]
async fn dispute_refusals_are_stripes(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, dispute) = disputed(&api, "pm_card_createDispute").await;
    let path = format!("/v1/disputes/{}", id(&dispute));
    let cases = [
        (
            "evidence[receipt]",
            "file_123",
            invalid("evidence[receipt]"),
        ),
        ("evidence[nope]", "x", UNKNOWN),
        (
            "evidence[customer_name][x]",
            "y",
            invalid("evidence[customer_name]"),
        ),
        ("amount", "10", UNKNOWN),
        ("evidence", "text", invalid("evidence")),
        ("submit", "maybe", invalid("submit")),
    ];
    for (key, value, refusal) in cases {
        api.refused(&path, &[(key, value)], refusal).await;
    }
    for missing in ["/v1/disputes/dp_nope", "/v1/disputes/dp_nope/close"] {
        let body = expect_refusal(api.post(missing, &[]).await, MISSING);
        assert_eq!(
            body["error"]["message"], "No such dispute: 'dp_nope'",
            "{body}"
        );
    }
    let (status, body) = api.get("/v1/disputes", &[("status", "lost")]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("parameter_unknown"))
    );
    // The charge is expandable on a dispute.
    let (status, shown) = api.get(&path, &[("expand[]", "charge")]).await;
    assert_eq!(
        (status, shown["charge"]["object"].as_str()),
        (200, Some("charge")),
        "{shown}"
    );
    // Nothing refused changed the dispute.
    assert_eq!(api.current("/v1/disputes", id(&dispute)).await, dispute);
}
