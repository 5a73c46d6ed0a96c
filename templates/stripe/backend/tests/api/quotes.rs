//! Quotes: drafts with line items and their totals, finalizing (`open`, a number), accepting
//! into a subscription (recurring lines, one-time ones on its first invoice) or an invoice
//! (one-time lines only), canceling, updates, lists, and Stripe's refusals.
//!
//! Alice pays with Visa; Asym Pro monthly is $20, the T-shirt $25 one-time.

use asym_kit::testing::assert_contains;
use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, BOB, MISSING, PRO_MONTHLY, UNKNOWN, assert_events, assert_fields, data, id,
    invalid, pick,
};

const SHIRT: &str = "price_SEEDshirt001";

/// A draft quote for Alice of two Asym Pro monthly and one T-shirt, with `extra`.
async fn pro_and_shirt(api: &Api, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("customer", ALICE),
        ("line_items[0][price]", PRO_MONTHLY),
        ("line_items[0][quantity]", "2"),
        ("line_items[1][price]", SHIRT),
    ];
    form.extend_from_slice(extra);
    api.ok("/v1/quotes", &form).await
}

/// `POST /v1/quotes/{id}/<action>` with `form`.
async fn act(api: &Api, quote: &Value, action: &str, form: &[(&str, &str)]) -> (u16, Value) {
    api.post(&format!("/v1/quotes/{}/{action}", id(quote)), form)
        .await
}

/// Quote `quote` finalized.
async fn finalized(api: &Api, quote: &Value) -> Value {
    let (status, body) = act(api, quote, "finalize", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Quote `quote` accepted.
async fn accepted(api: &Api, quote: &Value) -> Value {
    let (status, body) = act(api, quote, "accept", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quote_of_recurring_and_one_time_lines_is_accepted_into_a_subscription(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let quote = pro_and_shirt(&api, &[("description", "Pro for the team")]).await;
    assert_fields(
        &quote,
        json!({"object": "quote", "status": "draft", "customer": ALICE, "currency": "usd",
               "amount_subtotal": 6500, "amount_total": 6500, "number": null}),
    );
    assert!(id(&quote).starts_with("qt_"), "{quote}");
    assert_eq!(
        quote["expires_at"].as_i64().unwrap() - quote["created"].as_i64().unwrap(),
        30 * 86_400
    );
    assert_eq!(
        quote["computed"]["recurring"],
        json!({"amount_subtotal": 4000, "amount_total": 4000, "interval": "month",
               "interval_count": 1,
               "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}})
    );
    assert_eq!(quote["computed"]["upfront"]["amount_total"], 6500);
    assert!(quote.get("_line_items").is_none(), "{quote}");

    let (status, lines) = api
        .get(&format!("/v1/quotes/{}/line_items", id(&quote)), &[])
        .await;
    assert_eq!(status, 200, "{lines}");
    let shown: Vec<Value> = data(&lines)
        .iter()
        .map(|l| pick(l, ["object", "description", "quantity", "amount_total"]))
        .collect();
    assert_eq!(
        shown,
        [
            json!({"object": "item", "description": "Asym Pro", "quantity": 2, "amount_total": 4000}),
            json!({"object": "item", "description": "Asym T-shirt", "quantity": 1, "amount_total": 2500}),
        ]
    );
    assert_eq!(
        lines["url"],
        format!("/v1/quotes/{}/line_items", id(&quote))
    );
    let (_, expanded) = api
        .get(
            &format!("/v1/quotes/{}", id(&quote)),
            &[("expand[]", "line_items")],
        )
        .await;
    assert_eq!(data(&expanded["line_items"]).len(), 2, "{expanded}");

    let open = finalized(&api, &quote).await;
    assert_eq!(open["status"], "open");
    let number = open["number"].as_str().unwrap();
    assert!(
        number.starts_with("QT-") && number.ends_with("-0001-1"),
        "{number}"
    );
    assert!(
        open["status_transitions"]["finalized_at"].is_i64(),
        "{open}"
    );

    let (status, accepted) = act(&api, &open, "accept", &[]).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["status_transitions"]["accepted_at"].is_i64());
    let sub = api
        .current(
            "/v1/subscriptions",
            accepted["subscription"].as_str().unwrap(),
        )
        .await;
    assert_eq!(sub["status"], "active", "{sub}");
    assert_eq!(data(&sub["items"])[0]["price"]["id"], PRO_MONTHLY);
    assert_eq!(data(&sub["items"])[0]["quantity"], 2);
    assert_eq!(accepted["invoice"], sub["latest_invoice"]);
    let invoice = api
        .current("/v1/invoices", accepted["invoice"].as_str().unwrap())
        .await;
    assert_fields(
        &invoice,
        json!({"status": "paid", "amount_paid": 6500, "billing_reason": "subscription_create"}),
    );
    assert_events(
        &stripe,
        &[
            "quote.created",
            "quote.finalized",
            "quote.accepted",
            "customer.subscription.created",
        ],
    )
    .await;

    // Accepted, it is no longer anything else.
    let (status, body) = act(&api, &accepted, "cancel", &[]).await;
    assert_eq!(
        (status, body["error"]["type"].as_str()),
        (400, Some("invalid_request_error"))
    );
    let (status, _) = act(&api, &accepted, "accept", &[]).await;
    assert_eq!(status, 400);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quote_of_one_time_lines_is_accepted_into_a_draft_invoice(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let quote = api
        .ok(
            "/v1/quotes",
            &[
                ("customer", BOB),
                ("line_items[0][price]", SHIRT),
                ("line_items[0][quantity]", "2"),
                ("collection_method", "send_invoice"),
                ("invoice_settings[days_until_due]", "14"),
                ("footer", "Thanks"),
            ],
        )
        .await;
    assert_eq!(quote["computed"]["recurring"], Value::Null);
    assert_eq!(quote["invoice_settings"]["days_until_due"], 14);
    let open = finalized(&api, &quote).await;
    let accepted = accepted(&api, &open).await;
    assert_eq!(accepted["subscription"], Value::Null, "{accepted}");
    let invoice = api
        .current("/v1/invoices", accepted["invoice"].as_str().unwrap())
        .await;
    assert_fields(
        &invoice,
        json!({"status": "draft", "customer": BOB, "total": 5000,
               "collection_method": "send_invoice", "days_until_due": 14, "footer": "Thanks"}),
    );
    let line = &data(&invoice["lines"])[0];
    assert_fields(
        line,
        json!({"amount": 5000, "quantity": 2, "description": "Asym T-shirt"}),
    );
    assert_events(
        &stripe,
        &["invoiceitem.created", "invoice.created", "quote.accepted"],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_trial_leaves_recurring_lines_out_of_what_is_billed_upfront(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let quote = pro_and_shirt(
        &api,
        &[
            ("subscription_data[trial_period_days]", "14"),
            ("subscription_data[description]", "Team plan"),
            ("subscription_data[metadata][deal]", "42"),
        ],
    )
    .await;
    assert_eq!(quote["computed"]["upfront"]["amount_total"], 2500);
    assert_eq!(quote["amount_total"], 6500);
    let (status, upfront) = api
        .get(
            &format!("/v1/quotes/{}/computed_upfront_line_items", id(&quote)),
            &[],
        )
        .await;
    assert_eq!(status, 200, "{upfront}");
    assert_eq!(data(&upfront).len(), 1);
    assert_eq!(data(&upfront)[0]["price"]["id"], SHIRT);
    let open = finalized(&api, &quote).await;
    let accepted = accepted(&api, &open).await;
    let sub = api
        .current(
            "/v1/subscriptions",
            accepted["subscription"].as_str().unwrap(),
        )
        .await;
    assert_fields(
        &sub,
        json!({"status": "trialing", "description": "Team plan", "metadata": {"deal": "42"}}),
    );
    let invoice = api
        .current("/v1/invoices", accepted["invoice"].as_str().unwrap())
        .await;
    assert_eq!(invoice["amount_paid"], 2500, "{invoice}");
}

#[asym::clone("stripe", seed = "basic")]
async fn lines_of_price_data_and_default_tax_rates_are_billed_as_quoted(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let vat = api.tax_rate("VAT", "10", false).await;
    let quote = api
        .ok(
            "/v1/quotes",
            &[
                ("customer", ALICE),
                ("line_items[0][price_data][currency]", "usd"),
                ("line_items[0][price_data][product]", "prod_SEEDpro000001"),
                ("line_items[0][price_data][unit_amount]", "3000"),
                ("line_items[0][price_data][recurring][interval]", "month"),
                ("default_tax_rates[0]", id(&vat)),
            ],
        )
        .await;
    assert_fields(
        &quote,
        json!({"amount_subtotal": 3000, "amount_total": 3300, "default_tax_rates": [id(&vat)]}),
    );
    assert_eq!(quote["total_details"]["amount_tax"], 300);
    let open = finalized(&api, &quote).await;
    let accepted = accepted(&api, &open).await;
    let invoice = api
        .current("/v1/invoices", accepted["invoice"].as_str().unwrap())
        .await;
    assert_fields(
        &invoice,
        json!({"subtotal": 3000, "total": 3300, "amount_paid": 3300}),
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_draft_is_updated_and_an_open_quote_only_moves_its_expiry(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let quote = pro_and_shirt(&api, &[]).await;
    let path = format!("/v1/quotes/{}", id(&quote));
    let kept = id(&data(&api.get(&format!("{path}/line_items"), &[]).await.1)[0]).to_owned();
    let updated = api
        .ok(
            &path,
            &[
                ("line_items[0][id]", kept.as_str()),
                ("line_items[0][quantity]", "3"),
                ("header", "Offer"),
                ("metadata[deal]", "7"),
            ],
        )
        .await;
    assert_fields(
        &updated,
        json!({"amount_total": 6000, "header": "Offer", "metadata": {"deal": "7"}}),
    );
    let (_, lines) = api.get(&format!("{path}/line_items"), &[]).await;
    assert_eq!(data(&lines).len(), 1);
    assert_fields(&data(&lines)[0], json!({"id": kept, "quantity": 3}));
    api.refused(&path, &[("line_items[0][id]", "li_nope")], MISSING)
        .await;

    let open = finalized(&api, &updated).await;
    api.refused(&path, &[("header", "Later")], invalid("header"))
        .await;
    let later = (open["expires_at"].as_i64().unwrap() + 86_400).to_string();
    let moved = api.ok(&path, &[("expires_at", later.as_str())]).await;
    assert_eq!(moved["expires_at"].as_i64().unwrap().to_string(), later);
    api.refused(&path, &[("expires_at", "1000")], invalid("expires_at"))
        .await;
    let (status, canceled) = act(&api, &open, "cancel", &[]).await;
    assert_eq!(
        (status, canceled["status"].as_str()),
        (200, Some("canceled"))
    );
    assert!(canceled["status_transitions"]["canceled_at"].is_i64());
    assert_events(&stripe, &["quote.canceled"]).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn quotes_are_listed_by_customer_and_status(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let draft = pro_and_shirt(&api, &[]).await;
    let open = finalized(&api, &pro_and_shirt(&api, &[]).await).await;
    let bobs = api.ok("/v1/quotes", &[("customer", BOB)]).await;
    let ids =
        |list: &Value| -> Vec<String> { data(list).iter().map(|q| id(q).to_owned()).collect() };
    let (_, alices) = api.get("/v1/quotes", &[("customer", ALICE)]).await;
    assert_eq!(ids(&alices), [id(&open), id(&draft)]);
    let (_, opened) = api.get("/v1/quotes", &[("status", "open")]).await;
    assert_eq!(ids(&opened), [id(&open)]);
    // A list answers what a retrieve does: no internal fields (the lines kept beside it).
    let current = api.current("/v1/quotes", id(&open)).await;
    assert_eq!(data(&opened)[0], current);
    let (_, all) = api.get("/v1/quotes", &[("limit", "2")]).await;
    assert_eq!(
        (ids(&all), all["has_more"].as_bool()),
        (vec![id(&bobs).to_owned(), id(&open).to_owned()], Some(true))
    );
    let (status, body) = api.get("/v1/quotes", &[("status", "sent")]).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("status"))
    );
    // A second finalized quote of Alice's is her second.
    let second = finalized(&api, &draft).await;
    assert!(
        second["number"].as_str().unwrap().ends_with("-0002-1"),
        "{second}"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn quotes_refuse_what_stripe_refuses(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let draft = pro_and_shirt(&api, &[]).await;
    // Accepting a draft; finalizing twice.
    let (status, body) = act(&api, &draft, "accept", &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_contains(&body["error"]["message"], "`draft`");
    let open = finalized(&api, &draft).await;
    let (status, _) = act(&api, &open, "finalize", &[]).await;
    assert_eq!(status, 400);
    // Finalizing without lines, or without a customer.
    let empty = api.ok("/v1/quotes", &[("customer", ALICE)]).await;
    let (status, body) = act(&api, &empty, "finalize", &[]).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("line_items"))
    );
    let nobody = api
        .ok("/v1/quotes", &[("line_items[0][price]", SHIRT)])
        .await;
    assert_eq!(nobody["customer"], Value::Null);
    let (status, body) = act(&api, &nobody, "finalize", &[]).await;
    assert_eq!(
        (status, body["error"]["param"].as_str()),
        (400, Some("customer"))
    );
    // Bad lines and parameters.
    api.refused(
        "/v1/quotes",
        &[("line_items[0][price]", "price_nope")],
        ("param", (404, "line_items[0][price]")),
    )
    .await;
    api.refused(
        "/v1/quotes",
        &[
            ("line_items[0][price]", PRO_MONTHLY),
            ("line_items[1][price]", "price_SEEDproYear01"),
        ],
        invalid("line_items"),
    )
    .await;
    api.refused("/v1/quotes", &[("line_items[0][pricee]", SHIRT)], UNKNOWN)
        .await;
    api.refused(
        "/v1/quotes",
        &[("discounts[0][coupon]", "x")],
        ("param", (404, "discounts[0][coupon]")),
    )
    .await;
    let body = api
        .refused(
            "/v1/quotes",
            &[("subscription_data[effective_date]", "current_period_end")],
            invalid("subscription_data[effective_date]"),
        )
        .await;
    assert_contains(&body["error"]["message"], "not implemented");
    api.refused(
        "/v1/quotes",
        &[("subscription_data[effective_date]", "soon")],
        invalid("subscription_data[effective_date]"),
    )
    .await;
    api.refused("/v1/quotes", &[("customer", "cus_nope")], MISSING)
        .await;
    let (status, _) = api.get("/v1/quotes/qt_nope", &[]).await;
    assert_eq!(status, 404);
    // The PDF is not served, by name.
    let (status, body) = api.get(&format!("/v1/quotes/{}/pdf", id(&open)), &[]).await;
    assert_eq!(status, 400, "{body}");
    assert_contains(&body["error"]["message"], "not implemented");
}

/// The totals of a quote, its `computed.upfront` and its `computed.recurring`, each as
/// (amount_subtotal, amount_discount, amount_total).
fn quoted_totals(quote: &Value) -> [(i64, i64, i64); 3] {
    let sums = |at: &Value| {
        let n = |v: &Value| v.as_i64().unwrap_or(-1);
        let discount = n(&at["total_details"]["amount_discount"]);
        (n(&at["amount_subtotal"]), discount, n(&at["amount_total"]))
    };
    let computed = &quote["computed"];
    [
        sums(quote),
        sums(&computed["upfront"]),
        sums(&computed["recurring"]),
    ]
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quotes_coupon_is_in_its_totals_and_redeemed_by_its_subscription(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    api.ok(
        "/v1/coupons",
        &[
            ("id", "Q25"),
            ("percent_off", "25"),
            ("duration", "forever"),
        ],
    )
    .await;
    let quote = pro_and_shirt(&api, &[("discounts[0][coupon]", "Q25")]).await;
    let discount = quote["discounts"][0].as_str().unwrap().to_owned();
    assert!(discount.starts_with("di_"), "{quote}");
    // $40 of Pro and a $25 shirt, 25% off: upfront all of it, each period the Pro part.
    assert_eq!(
        quoted_totals(&quote),
        [(6500, 1625, 4875), (6500, 1625, 4875), (4000, 1000, 3000)],
        "{quote}"
    );
    let coupon = api.current("/v1/coupons", "Q25").await;
    assert_eq!(coupon["times_redeemed"], 0, "quoting redeems nothing");
    let done = accepted(&api, &finalized(&api, &quote).await).await;
    let sub = api
        .current("/v1/subscriptions", done["subscription"].as_str().unwrap())
        .await;
    assert_eq!(sub["discount"]["coupon"]["id"], "Q25", "{sub}");
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"subtotal": 6500, "total": 4875}));
    let coupon = api.current("/v1/coupons", "Q25").await;
    assert_eq!(coupon["times_redeemed"], 1, "{coupon}");
    // A once coupon discounts the first invoice only; `discounts=` removes it.
    api.ok(
        "/v1/coupons",
        &[("id", "ONCE5"), ("amount_off", "500"), ("currency", "usd")],
    )
    .await;
    let once = pro_and_shirt(&api, &[("discounts[0][coupon]", "ONCE5")]).await;
    assert_eq!(
        quoted_totals(&once),
        [(6500, 500, 6000), (6500, 500, 6000), (4000, 0, 4000)],
        "{once}"
    );
    let path = format!("/v1/quotes/{}", id(&once));
    let plain = api.ok(&path, &[("discounts", "")]).await;
    assert_eq!(plain["discounts"], json!([]), "{plain}");
    assert_eq!(quoted_totals(&plain)[0], (6500, 0, 6500), "{plain}");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_one_time_quotes_promotion_code_discounts_its_invoice(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    api.ok(
        "/v1/coupons",
        &[("id", "FIVE"), ("amount_off", "500"), ("currency", "usd")],
    )
    .await;
    let promo = [
        ("promotion[type]", "coupon"),
        ("promotion[coupon]", "FIVE"),
        ("code", "SHIRT5"),
    ];
    let promo = api.ok("/v1/promotion_codes", &promo).await;
    let form = [
        ("customer", ALICE),
        ("line_items[0][price]", SHIRT),
        ("discounts[0][promotion_code]", id(&promo)),
    ];
    let quote = api.ok("/v1/quotes", &form).await;
    assert_eq!(quoted_totals(&quote)[0], (2500, 500, 2000), "{quote}");
    let done = accepted(&api, &finalized(&api, &quote).await).await;
    let invoice = api
        .current("/v1/invoices", done["invoice"].as_str().unwrap())
        .await;
    assert_fields(&invoice, json!({"subtotal": 2500, "total": 2000}));
    assert_eq!(
        invoice["discount"]["promotion_code"],
        id(&promo),
        "{invoice}"
    );
    let promo = api.current("/v1/promotion_codes", id(&promo)).await;
    assert_eq!(promo["times_redeemed"], 1, "{promo}");
    // An inactive code is refused when quoted, in the promotion code's words.
    let path = format!("/v1/promotion_codes/{}", id(&promo));
    api.ok(&path, &[("active", "false")]).await;
    let body = api
        .refused("/v1/quotes", &form, invalid("discounts[0][promotion_code]"))
        .await;
    assert_contains(&body["error"]["message"], "inactive");
    let two = [
        ("discounts[0][coupon]", "FIVE"),
        ("discounts[1][coupon]", "FIVE"),
    ];
    api.refused("/v1/quotes", &two, invalid("discounts[1]"))
        .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_future_effective_date_makes_a_subscription_schedule_that_starts_then(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let start: i64 = 1_767_225_600; // 2026-01-01
    let clock = api.test_clock(start).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let effective = (start + 10 * 86_400).to_string();
    let form = [
        ("customer", id(&customer)),
        ("line_items[0][price]", PRO_MONTHLY),
        ("line_items[1][price]", SHIRT),
        ("subscription_data[effective_date]", effective.as_str()),
        ("subscription_data[metadata][deal]", "q1"),
    ];
    let quote = api.ok("/v1/quotes", &form).await;
    assert_eq!(
        quote["subscription_data"]["effective_date"],
        start + 10 * 86_400,
        "{quote}"
    );
    let done = accepted(&api, &finalized(&api, &quote).await).await;
    assert_fields(&done, json!({"status": "accepted", "subscription": null}));
    let sched = done["subscription_schedule"].as_str().unwrap().to_owned();
    let schedule = api.current("/v1/subscription_schedules", &sched).await;
    assert_eq!(schedule["status"], "not_started", "{schedule}");
    assert_eq!(
        schedule["phases"][0]["start_date"],
        start + 10 * 86_400,
        "{schedule}"
    );
    assert_eq!(
        schedule["phases"][0]["metadata"]["deal"], "q1",
        "{schedule}"
    );
    api.advance(id(&clock), &(start + 10 * 86_400 + 3_600).to_string())
        .await;
    let schedule = api.current("/v1/subscription_schedules", &sched).await;
    assert_eq!(schedule["status"], "active", "{schedule}");
    let sub = api
        .current(
            "/v1/subscriptions",
            schedule["subscription"].as_str().unwrap(),
        )
        .await;
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"total": 4500, "status": "paid"}));
    // A date already past when the quote is accepted is ignored: the subscription starts now.
    let past = (start + 86_400).to_string();
    let form = [
        ("customer", id(&customer)),
        ("line_items[0][price]", PRO_MONTHLY),
        ("subscription_data[effective_date]", past.as_str()),
    ];
    let late = accepted(
        &api,
        &finalized(&api, &api.ok("/v1/quotes", &form).await).await,
    )
    .await;
    assert!(late["subscription"].is_string(), "{late}");
    assert_eq!(late["subscription_schedule"], Value::Null, "{late}");
    // Sent empty, the date is unset.
    let path = format!("/v1/quotes/{}", id(&quote));
    let draft = pro_and_shirt(
        &api,
        &[("subscription_data[effective_date]", effective.as_str())],
    )
    .await;
    let path_draft = format!("/v1/quotes/{}", id(&draft));
    let unset = api
        .ok(&path_draft, &[("subscription_data[effective_date]", "")])
        .await;
    assert_eq!(
        unset["subscription_data"]["effective_date"],
        Value::Null,
        "{unset}"
    );
    let (status, _) = api.post(&path, &[("description", "x")]).await;
    assert_eq!(status, 400, "an accepted quote is not updated");
}
