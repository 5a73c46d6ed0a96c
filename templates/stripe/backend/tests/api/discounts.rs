//! Coupons, promotion codes and the discounts they make on customers, subscriptions and
//! their invoices.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, BOB, MISSING, PRO_MONTHLY, UNKNOWN, alice_subscription, assert_events,
    assert_fields, data, expect_refusal, id, invalid,
};

/// Creates a coupon from `form`.
async fn coupon(api: &Api, form: &[(&str, &str)]) -> Value {
    api.ok("/v1/coupons", form).await
}

/// Subscribes Alice (Visa by default) to Asym Pro monthly ($20) with `extra` parameters.
async fn subscribe_alice(api: &Api, extra: &[(&str, &str)]) -> (u16, Value) {
    api.post("/v1/subscriptions", &alice_subscription(extra))
        .await
}

/// Deletes the discount at `path` (a customer's or a subscription's `…/discount`), asserting
/// the answer names `discount` as deleted and a second delete finds none.
async fn remove_discount(api: &Api, path: &str, discount: &Value) {
    let (status, removed) = api.delete(path).await;
    assert_eq!(
        (status, removed["deleted"].as_bool(), &removed["id"]),
        (200, Some(true), &discount["id"]),
        "{removed}"
    );
    let (status, again) = api.delete(path).await;
    assert_eq!(status, 404, "{again}");
}

#[asym::clone("stripe", seed = "basic")]
async fn coupons_are_created_retrieved_updated_listed_and_deleted(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let made = coupon(
        &api,
        &[
            ("id", "SUMMER25"),
            ("percent_off", "25.5"),
            ("duration", "repeating"),
            ("duration_in_months", "3"),
            ("max_redemptions", "10"),
            ("name", "Summer"),
            ("metadata[campaign]", "summer"),
            ("applies_to[products][]", "prod_SEEDpro000001"),
        ],
    )
    .await;
    assert_fields(
        &made,
        json!({"id": "SUMMER25", "object": "coupon", "percent_off": 25.5,
               "duration_in_months": 3, "times_redeemed": 0, "valid": true, "currency": null}),
    );
    assert_eq!(
        made["applies_to"]["products"],
        json!(["prod_SEEDpro000001"])
    );
    let generated = coupon(
        &api,
        &[
            ("amount_off", "500"),
            ("currency", "USD"),
            ("duration", "forever"),
        ],
    )
    .await;
    assert_eq!(id(&generated).len(), 8, "{generated}");
    assert_eq!(generated["currency"], "usd");
    assert_eq!(generated["duration"], "forever");

    let fetched = api.current("/v1/coupons", "SUMMER25").await;
    assert_eq!(fetched, made);
    let renamed = api
        .ok(
            "/v1/coupons/SUMMER25",
            &[("name", "Summer sale"), ("metadata[campaign]", "")],
        )
        .await;
    assert_fields(&renamed, json!({"name": "Summer sale", "metadata": {}}));
    api.refused("/v1/coupons/SUMMER25", &[("percent_off", "50")], UNKNOWN)
        .await;

    let (_, page) = api.get("/v1/coupons", &[("limit", "1")]).await;
    assert_eq!(
        (data(&page).len(), page["has_more"].as_bool()),
        (1, Some(true))
    );
    assert_eq!(page["url"], "/v1/coupons");

    let (status, deleted) = api.delete("/v1/coupons/SUMMER25").await;
    assert_eq!(
        (status, deleted),
        (
            200,
            json!({"id": "SUMMER25", "object": "coupon", "deleted": true})
        )
    );
    let missing = expect_refusal(api.get("/v1/coupons/SUMMER25", &[]).await, MISSING);
    assert_eq!(missing["error"]["message"], "No such coupon: 'SUMMER25'");
    assert_events(
        &stripe,
        &["coupon.created", "coupon.updated", "coupon.deleted"],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn coupon_creates_are_checked_like_stripe(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(&api, &[("id", "TAKEN"), ("percent_off", "10")]).await;
    let err = api
        .refused(
            "/v1/coupons",
            &[("id", "TAKEN"), ("percent_off", "10")],
            ("code", (400, "resource_already_exists")),
        )
        .await;
    assert_eq!(err["error"]["param"], "id");
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[
                ("percent_off", "10"),
                ("amount_off", "100"),
                ("currency", "usd"),
            ],
            "amount_off",
        ),
        (&[("amount_off", "100")], "currency"),
        (&[("percent_off", "0")], "percent_off"),
        (&[("percent_off", "100.5")], "percent_off"),
        (
            &[("percent_off", "10"), ("duration", "repeating")],
            "duration_in_months",
        ),
        (
            &[("percent_off", "10"), ("duration", "sometimes")],
            "duration",
        ),
        (&[("percent_off", "10"), ("redeem_by", "1000")], "redeem_by"),
    ];
    for (form, param) in cases {
        let err = api.refused("/v1/coupons", form, invalid(param)).await;
        assert_eq!(err["error"]["type"], "invalid_request_error");
    }
    let (status, err) = api.post("/v1/coupons", &[("duration", "once")]).await;
    assert_eq!(status, 400, "neither percent_off nor amount_off: {err}");
    assert_eq!(err["error"]["type"], "invalid_request_error");
}

#[asym::clone("stripe", seed = "basic")]
async fn promotion_codes_are_created_listed_and_unique_among_active_ones(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(&api, &[("id", "TEN"), ("percent_off", "10")]).await;
    let promo = api
        .created(
            "/v1/promotion_codes",
            &[
                ("promotion[type]", "coupon"),
                ("promotion[coupon]", "TEN"),
                ("code", "WELCOME10"),
                ("max_redemptions", "5"),
                ("restrictions[first_time_transaction]", "true"),
                ("restrictions[minimum_amount]", "1000"),
                ("restrictions[minimum_amount_currency]", "usd"),
                ("metadata[channel]", "email"),
            ],
            "promo_",
        )
        .await;
    assert_eq!(
        promo["promotion"],
        json!({"coupon": "TEN", "type": "coupon"})
    );
    assert_eq!(promo["coupon"]["id"], "TEN", "the older shape's coupon");
    assert_fields(&promo, json!({"active": true, "times_redeemed": 0}));
    assert_eq!(promo["restrictions"]["minimum_amount"], 1000);
    // The older parameter (before 2025-09-30.clover), and a generated code.
    let older = api
        .ok(
            "/v1/promotion_codes",
            &[("coupon", "TEN"), ("customer", BOB)],
        )
        .await;
    assert_eq!(older["code"].as_str().map(str::len), Some(8), "{older}");
    assert_eq!(older["customer"], BOB);

    api.refused(
        "/v1/promotion_codes",
        &[("coupon", "TEN"), ("code", "welcome10")],
        invalid("code"),
    )
    .await;
    let err = api
        .refused("/v1/promotion_codes", &[("coupon", "NOPE")], MISSING)
        .await;
    assert_eq!(err["error"]["message"], "No such coupon: 'NOPE'");
    api.refused(
        "/v1/promotion_codes",
        &[("code", "X")],
        ("code", (400, "parameter_missing")),
    )
    .await;

    for (filter, value, expected) in [
        ("code", "welcome10", 1),
        ("coupon", "TEN", 2),
        ("customer", BOB, 1),
        ("active", "false", 0),
    ] {
        let (_, page) = api.get("/v1/promotion_codes", &[(filter, value)]).await;
        assert_eq!(data(&page).len(), expected, "{filter}={value}: {page}");
    }
    let path = format!("/v1/promotion_codes/{}", id(&promo));
    let off = api
        .ok(&path, &[("active", "false"), ("metadata[channel]", "")])
        .await;
    assert_fields(&off, json!({"active": false, "metadata": {}}));
    api.ok(
        "/v1/promotion_codes",
        &[("coupon", "TEN"), ("code", "WELCOME10")],
    )
    .await;
    api.refused(&path, &[("active", "true")], invalid("code"))
        .await;
    api.refused(&path, &[("code", "OTHER")], UNKNOWN).await;
    assert_eq!(api.current("/v1/promotion_codes", id(&promo)).await, off);
    expect_refusal(
        api.get("/v1/promotion_codes/promo_nope", &[]).await,
        MISSING,
    );
    assert_events(
        &stripe,
        &["promotion_code.created", "promotion_code.updated"],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_coupon_discounts_its_first_invoice_once(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(
        &api,
        &[("id", "HALF"), ("percent_off", "50"), ("duration", "once")],
    )
    .await;
    let (status, sub) = subscribe_alice(&api, &[("discounts[0][coupon]", "HALF")]).await;
    assert_eq!(status, 200, "{sub}");
    assert_eq!(sub["status"], "active");
    let discount = &sub["discount"];
    assert!(id(discount).starts_with("di_"), "{sub}");
    assert_fields(
        discount,
        json!({"object": "discount", "customer": ALICE, "subscription": id(&sub), "end": null}),
    );
    assert_eq!(
        (&discount["coupon"]["id"], &discount["source"]["coupon"]),
        (&json!("HALF"), &json!("HALF"))
    );
    assert_eq!(sub["discounts"], json!([id(discount)]));
    let invoice = &sub["latest_invoice"];
    assert_fields(
        invoice,
        json!({"subtotal": 2000, "total": 1000, "amount_due": 1000, "amount_paid": 1000,
               "status": "paid"}),
    );
    assert_eq!(
        invoice["total_discount_amounts"],
        json!([{"amount": 1000, "discount": id(discount)}])
    );
    assert_eq!(
        invoice["lines"]["data"][0]["discount_amounts"],
        json!([{"amount": 1000, "discount": id(discount)}])
    );
    assert_eq!(
        api.charged_for(invoice).await,
        1000,
        "the charge is the discounted amount"
    );
    let expanded = api
        .expanded("/v1/subscriptions", id(&sub), "discounts")
        .await;
    assert_eq!(expanded["discounts"][0]["coupon"]["id"], "HALF");
    let half = api.current("/v1/coupons", "HALF").await;
    assert_eq!(half["times_redeemed"], 1);

    let next = api
        .ok("/v1/invoices/create_preview", &[("subscription", id(&sub))])
        .await;
    // Once: the next invoice is not discounted.
    assert_fields(&next, json!({"total": 2000, "total_discount_amounts": []}));
    assert_events(&stripe, &["customer.discount.created"]).await;

    let path = format!("/v1/subscriptions/{}/discount", id(&sub));
    remove_discount(&api, &path, discount).await;
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_fields(&now, json!({"discount": null, "discounts": []}));
    assert_events(&stripe, &["customer.discount.deleted"]).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn an_amount_off_is_capped_at_the_subtotal_and_pays_nothing(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(
        &api,
        &[
            ("id", "BIG"),
            ("amount_off", "5000"),
            ("currency", "usd"),
            ("duration", "forever"),
        ],
    )
    .await;
    let (status, sub) = subscribe_alice(&api, &[("coupon", "BIG")]).await;
    assert_eq!(status, 200, "{sub}");
    let invoice = &sub["latest_invoice"];
    assert_fields(
        invoice,
        json!({"total": 0, "amount_due": 0, "status": "paid", "payment_intent": null}),
    );
    assert_eq!(invoice["total_discount_amounts"][0]["amount"], 2000);
    assert_eq!(sub["status"], "active");
    let (status, err) = api
        .post(
            "/v1/coupons",
            &[("id", "EUR"), ("amount_off", "100"), ("currency", "eur")],
        )
        .await;
    assert_eq!(status, 200, "{err}");
    expect_refusal(
        subscribe_alice(&api, &[("coupon", "EUR")]).await,
        invalid("coupon"),
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_repeating_coupon_lasts_its_months(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let start = 1_767_225_600; // 2026-01-01 00:00 UTC
    let clock = api.test_clock(start).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    coupon(
        &api,
        &[
            ("id", "TWO"),
            ("percent_off", "20"),
            ("duration", "repeating"),
            ("duration_in_months", "2"),
        ],
    )
    .await;
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", id(&customer)),
                ("items[0][price]", PRO_MONTHLY),
                ("discounts[0][coupon]", "TWO"),
            ],
        )
        .await;
    assert_eq!(
        sub["discount"]["end"], 1_772_323_200,
        "two months on: 2026-03-01"
    );
    // Two intervals at most in one advance, as Stripe allows: February, then March.
    api.advance(id(&clock), "1769990400").await; // 2026-02-02
    api.advance(id(&clock), "1772409600").await; // 2026-03-02
    let (_, invoices) = api.get("/v1/invoices", &[("subscription", id(&sub))]).await;
    let totals: Vec<i64> = data(&invoices)
        .iter()
        .map(|i| i["total"].as_i64().unwrap())
        .collect();
    assert_eq!(totals, [2000, 1600, 1600], "newest first: {invoices}");
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(now["discount"], Value::Null, "over after its months");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_customer_discount_applies_to_its_invoices_until_removed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(
        &api,
        &[
            ("id", "FIVE"),
            ("amount_off", "500"),
            ("currency", "usd"),
            ("duration", "forever"),
        ],
    )
    .await;
    let promo = api
        .ok(
            "/v1/promotion_codes",
            &[("coupon", "FIVE"), ("code", "FIVEOFF")],
        )
        .await;
    let bob = api
        .ok(
            &format!("/v1/customers/{BOB}"),
            &[("promotion_code", id(&promo))],
        )
        .await;
    let discount = &bob["discount"];
    assert_fields(
        discount,
        json!({"promotion_code": id(&promo), "subscription": null}),
    );
    assert_eq!(discount["coupon"]["id"], "FIVE");
    let promo_now = api.current("/v1/promotion_codes", id(&promo)).await;
    assert_eq!(promo_now["times_redeemed"], 1);
    let invoice = api.invoice_for_item(BOB, "1200").await;
    assert_fields(&invoice, json!({"subtotal": 1200, "total": 700}));
    assert_eq!(invoice["discount"]["id"], discount["id"]);
    remove_discount(&api, &format!("/v1/customers/{BOB}/discount"), discount).await;
    assert_eq!(
        api.current("/v1/customers", BOB).await["discount"],
        Value::Null
    );
    assert_events(
        &stripe,
        &["customer.discount.created", "customer.discount.deleted"],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn redemptions_past_their_limits_are_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    coupon(
        &api,
        &[
            ("id", "ONCE"),
            ("percent_off", "10"),
            ("max_redemptions", "1"),
        ],
    )
    .await;
    api.ok(&format!("/v1/customers/{BOB}"), &[("coupon", "ONCE")])
        .await;
    let err = api
        .refused(
            "/v1/customers/cus_SEEDcarol00001",
            &[("coupon", "ONCE")],
            ("code", (400, "coupon_expired")),
        )
        .await;
    assert_eq!(err["error"]["param"], "coupon");
    assert_eq!(api.current("/v1/coupons", "ONCE").await["valid"], false);

    coupon(&api, &[("id", "OPEN"), ("percent_off", "10")]).await;
    let inactive = api
        .ok(
            "/v1/promotion_codes",
            &[("coupon", "OPEN"), ("active", "false")],
        )
        .await;
    let bobs = api
        .ok(
            "/v1/promotion_codes",
            &[("coupon", "OPEN"), ("customer", BOB)],
        )
        .await;
    let minimum = api
        .ok(
            "/v1/promotion_codes",
            &[
                ("coupon", "OPEN"),
                ("restrictions[minimum_amount]", "5000"),
                ("restrictions[minimum_amount_currency]", "usd"),
            ],
        )
        .await;
    // An inactive code, another customer's, one whose minimum is not met, an unknown coupon,
    // two discounts of one coupon.
    let refusals = [
        (
            vec![("discounts[0][promotion_code]", id(&inactive))],
            invalid("discounts[0][promotion_code]"),
        ),
        (
            vec![("promotion_code", id(&bobs))],
            invalid("promotion_code"),
        ),
        (
            vec![("promotion_code", id(&minimum))],
            invalid("promotion_code"),
        ),
        (vec![("coupon", "MISSING")], MISSING),
        (
            vec![
                ("discounts[0][coupon]", "OPEN"),
                ("discounts[1][coupon]", "OPEN"),
            ],
            invalid("discounts[1]"),
        ),
    ];
    for (extra, refusal) in refusals {
        let err = expect_refusal(subscribe_alice(&api, &extra).await, refusal);
        if refusal == MISSING {
            assert_eq!(err["error"]["message"], "No such coupon: 'MISSING'");
        }
    }
    let (_, subs) = api.get("/v1/subscriptions", &[("customer", ALICE)]).await;
    assert_eq!(data(&subs).len(), 0, "nothing refused was kept");
    let open = api.current("/v1/coupons", "OPEN").await;
    assert_eq!(open["times_redeemed"], 0);
}
