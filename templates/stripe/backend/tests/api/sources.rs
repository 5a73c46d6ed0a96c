//! The legacy card APIs: card tokens, a customer's card sources and `default_source`, and
//! the Charges API's create with a token or a customer's card.

use serde_json::json;

use crate::common::{
    Api, BOB, MISSING, UNKNOWN, assert_error, assert_events, assert_fields, data, expect_refusal,
    id, invalid,
};

/// A token of a Visa card from its number, expiry and billing ZIP code.
async fn visa_token(api: &Api) -> String {
    let form = [
        ("card[number]", "4242 4242 4242 4242"),
        ("card[exp_month]", "8"),
        ("card[exp_year]", "30"),
        ("card[cvc]", "123"),
        ("card[name]", "Jenny Rosen"),
        ("card[address_zip]", "94103"),
    ];
    let token = api.created("/v1/tokens", &form, "tok_").await;
    assert_fields(
        &token,
        json!({"object": "token", "type": "card", "used": false, "livemode": false}),
    );
    assert_fields(
        &token["card"],
        json!({"object": "card", "brand": "Visa", "funding": "credit", "last4": "4242",
               "exp_month": 8, "exp_year": 2030, "name": "Jenny Rosen", "address_zip": "94103",
               "address_zip_check": "pass", "cvc_check": "pass", "customer": null}),
    );
    assert!(token["card"].get("_number").is_none(), "{token}");
    id(&token).to_owned()
}

#[asym::clone("stripe", seed = "basic")]
async fn tokens_become_a_customers_sources_and_its_default(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let token = visa_token(&api).await;
    let (status, fetched) = api.get(&format!("/v1/tokens/{token}"), &[]).await;
    assert_eq!(
        (status, fetched["id"].as_str()),
        (200, Some(token.as_str()))
    );
    let customer = api
        .created("/v1/customers", &[("source", &token)], "cus_")
        .await;
    let first = customer["default_source"].as_str().unwrap().to_owned();
    assert_eq!(
        fetched["card"]["id"],
        first.as_str(),
        "the token's card is added"
    );
    let reused = api
        .refused("/v1/customers", &[("source", &token)], invalid("source"))
        .await;
    assert_fields(
        &reused["error"],
        json!({"code": "token_already_used",
               "message": format!("You cannot use a Stripe token more than once: {token}.")}),
    );

    let cus = id(&customer).to_owned();
    let sources = format!("/v1/customers/{cus}/sources");
    let added = api.ok(&sources, &[("source", "tok_mastercard")]).await;
    assert_fields(
        &added,
        json!({"object": "card", "brand": "MasterCard", "customer": cus, "last4": "4444"}),
    );
    let second = id(&added).to_owned();
    let kept = api.current("/v1/customers", &cus).await;
    assert_eq!(kept["default_source"], first.as_str(), "the default stays");
    let (_, page) = api.get(&sources, &[("object", "card")]).await;
    let ids: Vec<&str> = data(&page).iter().map(id).collect();
    assert_eq!(ids, [second.as_str(), first.as_str()], "newest first");
    let (_, none) = api.get(&sources, &[("object", "bank_account")]).await;
    assert!(data(&none).is_empty(), "{none}");
    let expanded = api.expanded("/v1/customers", &cus, "sources").await;
    assert_eq!(data(&expanded["sources"]).len(), 2, "{expanded}");

    let card = format!("{sources}/{first}");
    let updated = api
        .ok(
            &card,
            &[
                ("name", "J. Rosen"),
                ("exp_month", "9"),
                ("metadata[k]", "v"),
            ],
        )
        .await;
    assert_fields(
        &updated,
        json!({"name": "J. Rosen", "exp_month": 9, "metadata": {"k": "v"}}),
    );
    let (status, fetched) = api.get(&card, &[]).await;
    assert_eq!((status, &fetched), (200, &updated));

    let (status, deleted) = api.delete(&card).await;
    assert_eq!(
        (status, deleted),
        (200, json!({"id": first, "object": "card", "deleted": true}))
    );
    let moved = api.current("/v1/customers", &cus).await;
    assert_eq!(
        moved["default_source"],
        second.as_str(),
        "the newest card left"
    );
    let gone = expect_refusal(api.get(&card, &[]).await, MISSING);
    assert_eq!(
        gone["error"]["message"],
        format!("No such source: '{first}'")
    );

    // `source` on an update replaces the default (the old one is deleted).
    let replaced = api
        .ok(&format!("/v1/customers/{cus}"), &[("source", "tok_amex")])
        .await;
    let third = replaced["default_source"].as_str().unwrap().to_owned();
    assert_ne!(third, second);
    expect_refusal(api.get(&format!("{sources}/{second}"), &[]).await, MISSING);
    let back = api
        .ok(&format!("/v1/customers/{cus}"), &[("default_source", "")])
        .await;
    assert_eq!(back["default_source"], json!(null));
    let again = api
        .ok(
            &format!("/v1/customers/{cus}"),
            &[("default_source", &third)],
        )
        .await;
    assert_eq!(again["default_source"], third.as_str());
}

#[asym::clone("stripe", seed = "basic")]
async fn sources_refuse_what_stripe_refuses(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let sources = format!("/v1/customers/{BOB}/sources");
    let bob_card = id(&api.ok(&sources, &[("source", "tok_visa")]).await).to_owned();
    let other = api.created("/v1/customers", &[], "cus_").await;
    let other_sources = format!("/v1/customers/{}/sources", id(&other));
    let missing = [
        (sources.clone(), vec![("source", "tok_nope")], "source"),
        (sources.clone(), vec![("source", "card_nope")], "source"),
        (
            format!("/v1/customers/{}", id(&other)),
            vec![("default_source", bob_card.as_str())],
            "default_source",
        ),
        (
            "/v1/customers/cus_nope/sources".into(),
            vec![("source", "tok_visa")],
            "id",
        ),
    ];
    for (path, form, param) in &missing {
        let body = api.refused(path, form, MISSING).await;
        assert_eq!(body["error"]["param"], *param, "{path}: {body}");
    }
    let (status, body) = api.get(&format!("{other_sources}/{bob_card}"), &[]).await;
    assert_error(status, &body, "code", (404, "resource_missing"));
    for (form, refusal) in [
        (vec![], ("code", (400, "parameter_missing"))),
        (
            vec![("source", "tok_visa"), ("bank_account", "btok_x")],
            UNKNOWN,
        ),
        (
            vec![("source", "tok_chargeDeclined")],
            ("decline_code", (402, "generic_decline")),
        ),
        (
            vec![("source", "tok_chargeDeclinedExpiredCard")],
            ("code", (402, "expired_card")),
        ),
        (
            vec![("source", "tok_visa"), ("validate", "maybe")],
            invalid("validate"),
        ),
    ] {
        api.refused(&sources, &form, refusal).await;
    }
    let card = format!("{sources}/{bob_card}");
    for (form, refusal) in [
        (
            vec![("exp_month", "13")],
            ("code", (402, "invalid_expiry_month")),
        ),
        (vec![("exp_year", "soon")], invalid("exp_year")),
        (vec![("owner[name]", "Bob")], invalid("owner")),
        (vec![("number", "4242424242424242")], UNKNOWN),
    ] {
        api.refused(&card, &form, refusal).await;
    }
    api.refused(
        &format!("{card}/verify"),
        &[("amounts[]", "32")],
        invalid("amounts"),
    )
    .await;
    let tokens = "/v1/tokens";
    for (form, refusal) in [
        (vec![], ("code", (400, "parameter_missing"))),
        (
            vec![
                ("card[number]", "4242424242424241"),
                ("card[exp_month]", "1"),
                ("card[exp_year]", "30"),
            ],
            ("code", (402, "incorrect_number")),
        ),
        (
            vec![
                ("card[number]", "4242424242424242"),
                ("card[exp_month]", "0"),
                ("card[exp_year]", "30"),
            ],
            ("code", (402, "invalid_expiry_month")),
        ),
        (
            vec![("bank_account[country]", "US")],
            invalid("bank_account"),
        ),
        (
            vec![("card[networks][preferred]", "visa")],
            invalid("card[networks]"),
        ),
    ] {
        api.refused(tokens, &form, refusal).await;
    }
    expect_refusal(api.get("/v1/tokens/tok_nope", &[]).await, MISSING);
}

#[asym::clone("stripe", seed = "basic")]
async fn the_charges_api_charges_tokens_and_customers_cards(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let token = visa_token(&api).await;
    let form = [
        ("amount", "2000"),
        ("currency", "usd"),
        ("source", token.as_str()),
        ("description", "legacy"),
        ("metadata[order]", "6735"),
    ];
    let charge = api.created("/v1/charges", &form, "ch_").await;
    assert_fields(
        &charge,
        json!({"status": "succeeded", "paid": true, "captured": true, "amount_captured": 2000,
               "payment_intent": null, "customer": null, "description": "legacy",
               "metadata": {"order": "6735"}}),
    );
    assert_fields(
        &charge["source"],
        json!({"object": "card", "brand": "Visa", "last4": "4242"}),
    );
    assert_eq!(charge["payment_method"], charge["source"]["id"]);
    assert_eq!(charge["payment_method_details"]["card"]["brand"], "visa");
    assert_eq!(charge["billing_details"]["address"]["postal_code"], "94103");
    let txn = charge["balance_transaction"].as_str().unwrap();
    let (_, txn) = api
        .get(&format!("/v1/balance_transactions/{txn}"), &[])
        .await;
    assert_fields(&txn, json!({"amount": 2000, "fee": 88, "type": "charge"}));
    let spent = api.refused("/v1/charges", &form, invalid("source")).await;
    assert_eq!(spent["error"]["code"], "token_already_used");

    // A customer's default source, or one of its cards by id.
    let sources = format!("/v1/customers/{BOB}/sources");
    let visa = id(&api.ok(&sources, &[("source", "tok_visa")]).await).to_owned();
    let amex = id(&api.ok(&sources, &[("source", "tok_amex")]).await).to_owned();
    let base = [("amount", "1500"), ("currency", "usd"), ("customer", BOB)];
    let by_default = api.ok("/v1/charges", &base).await;
    assert_fields(
        &by_default,
        json!({"customer": BOB, "payment_method": visa}),
    );
    let by_card = api
        .ok(
            "/v1/charges",
            &[base[0], base[1], base[2], ("source", &amex)],
        )
        .await;
    assert_eq!(by_card["payment_method_details"]["card"]["brand"], "amex");
    let (_, listed) = api.get("/v1/charges", &[("customer", BOB)]).await;
    assert_eq!(data(&listed).len(), 2, "{listed}");

    // Authorized, then captured (in part: the rest is released as refunded).
    let held = [
        ("amount", "3000"),
        ("currency", "usd"),
        ("source", "tok_visa"),
        ("capture", "false"),
    ];
    let held = api.ok("/v1/charges", &held).await;
    assert_fields(
        &held,
        json!({"captured": false, "status": "succeeded", "balance_transaction": null,
               "amount_captured": 0}),
    );
    let capture = format!("/v1/charges/{}/capture", id(&held));
    api.refused(&capture, &[("amount", "3001")], invalid("amount"))
        .await;
    let captured = api.ok(&capture, &[("amount", "2500")]).await;
    assert_fields(
        &captured,
        json!({"captured": true, "amount_captured": 2500, "amount_refunded": 500}),
    );
    assert!(captured["balance_transaction"].is_string(), "{captured}");
    let twice = api
        .refused(&capture, &[], ("code", (400, "charge_already_captured")))
        .await;
    assert_eq!(
        twice["error"]["message"],
        format!("Charge {} has already been captured.", id(&held))
    );
    assert_events(&stripe, &["charge.succeeded", "charge.captured"]).await;
    let refund = [("charge", id(&held))];
    assert_eq!(api.ok("/v1/refunds", &refund).await["amount"], 2500);
}

#[asym::clone("stripe", seed = "basic")]
async fn legacy_charges_decline_and_refuse_as_stripe_does(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let charge = |source| [("amount", "1000"), ("currency", "usd"), ("source", source)];
    for (source, code, decline_code) in [
        ("tok_chargeDeclined", "card_declined", "generic_decline"),
        (
            "tok_chargeDeclinedInsufficientFunds",
            "card_declined",
            "insufficient_funds",
        ),
        (
            "tok_chargeDeclinedExpiredCard",
            "expired_card",
            "expired_card",
        ),
        (
            "tok_chargeDeclinedIncorrectCvc",
            "incorrect_cvc",
            "incorrect_cvc",
        ),
        ("tok_radarBlock", "card_declined", "fraudulent"),
        (
            "tok_threeDSecure2Required",
            "authentication_required",
            "authentication_required",
        ),
    ] {
        let body = api
            .refused("/v1/charges", &charge(source), ("code", (402, code)))
            .await;
        assert_eq!(body["error"]["decline_code"], decline_code, "{source}");
        let failed = api
            .current("/v1/charges", body["error"]["charge"].as_str().unwrap())
            .await;
        assert_fields(
            &failed,
            json!({"status": "failed", "paid": false, "failure_code": code,
                   "balance_transaction": null}),
        );
    }
    assert_events(&stripe, &["charge.failed"]).await;
    // `chargeCustomerFail` attaches, then its charges decline.
    let sources = format!("/v1/customers/{BOB}/sources");
    api.ok(&sources, &[("source", "tok_chargeCustomerFail")])
        .await;
    let customer = [("amount", "1000"), ("currency", "usd"), ("customer", BOB)];
    api.refused(
        "/v1/charges",
        &customer,
        ("decline_code", (402, "generic_decline")),
    )
    .await;

    let no_card = [
        ("amount", "1000"),
        ("currency", "usd"),
        ("customer", "cus_SEEDcarol00001"),
    ];
    let body = api
        .refused("/v1/charges", &no_card, ("code", (402, "missing")))
        .await;
    assert_fields(
        &body["error"],
        json!({"type": "card_error", "param": "card",
               "message": "Cannot charge a customer that has no active card"}),
    );
    let unlinked = [
        customer[0],
        customer[1],
        customer[2],
        ("source", "tok_visa"),
    ];
    let body = api
        .refused("/v1/charges", &unlinked, ("code", (404, "missing")))
        .await;
    assert_eq!(
        body["error"]["message"],
        format!("Customer {BOB} does not have a linked source with ID tok_visa.")
    );
    for (form, refusal) in [
        (charge("tok_nope").to_vec(), MISSING),
        (
            vec![
                ("amount", "1000"),
                ("currency", "usd"),
                ("customer", "cus_nope"),
            ],
            MISSING,
        ),
        (
            vec![
                ("amount", "10"),
                ("currency", "usd"),
                ("source", "tok_visa"),
            ],
            ("code", (400, "amount_too_small")),
        ),
        (
            vec![("currency", "usd"), ("source", "tok_visa")],
            ("code", (400, "parameter_missing")),
        ),
        (
            vec![("amount", "1000"), ("source", "tok_visa")],
            ("code", (400, "parameter_missing")),
        ),
        (
            [charge("tok_visa").as_slice(), &[("capture", "later")]].concat(),
            invalid("capture"),
        ),
        (
            [charge("tok_visa").as_slice(), &[("on_behalf_of", "acct_x")]].concat(),
            invalid("on_behalf_of"),
        ),
        (
            [charge("tok_visa").as_slice(), &[("card", "tok_visa")]].concat(),
            UNKNOWN,
        ),
    ] {
        api.refused("/v1/charges", &form, refusal).await;
    }
}
