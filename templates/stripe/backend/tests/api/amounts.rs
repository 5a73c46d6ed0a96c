//! Amounts, quantities, counts and timestamps near `i64::MAX`: refused by name before any sum
//! or product of them could overflow (Stripe's eight-digit amounts, `amount_too_large` for a
//! line no payment could collect), never a 5xx, and the largest accepted value still works.

use serde_json::Value;

use crate::common::{ALICE, Api, PRO_MONTHLY, Refusal, expect_refusal, id};

/// One past `i64::MAX`: not an integer at all.
const PAST_I64: &str = "9223372036854775808";
const I64_MAX: &str = "9223372036854775807";

/// Stripe's 400 for an integer out of range, and for a line above its largest amount.
const OUT_OF_RANGE: Refusal<'static> = ("code", (400, "parameter_invalid_integer"));
const TOO_LARGE: Refusal<'static> = ("code", (400, "amount_too_large"));

/// One request of a sweep: the path, the form it starts from, the parameter and value added.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str, &'a str);

/// POSTs each case, asserting `refusal` naming the case's parameter; the error bodies.
async fn refuse_each(api: &Api, cases: &[Case<'_>], refusal: Refusal<'_>) -> Vec<Value> {
    let mut bodies = Vec::new();
    for (path, form, param, value) in cases {
        let mut form = form.to_vec();
        form.push((param, value));
        let body = expect_refusal(api.post(path, &form).await, refusal);
        assert_eq!(body["error"]["param"], *param, "{path} {param}={value}");
        bodies.push(body);
    }
    bodies
}

#[asym::clone("stripe", seed = "basic")]
async fn amounts_above_eight_digits_are_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let price = [("product", "prod_SEEDshirt0001"), ("currency", "usd")];
    let item = [("customer", ALICE), ("currency", "usd")];
    let balance = format!("/v1/customers/{ALICE}/balance_transactions");
    let usd = [("currency", "usd")];
    let coupon = [("currency", "usd"), ("duration", "once")];
    let above = |sent: &str| {
        format!("This value must be less than or equal to 99999999 (it currently is '{sent}').")
    };
    let below = "This value must be greater than or equal to -99999999.".to_owned();
    let cases: &[(Case<'_>, String)] = &[
        (
            ("/v1/prices", &price, "unit_amount", "100000000"),
            above("100000000"),
        ),
        (
            ("/v1/prices", &price, "unit_amount", I64_MAX),
            above(I64_MAX),
        ),
        (
            ("/v1/prices", &price, "unit_amount", PAST_I64),
            format!("Invalid integer: {PAST_I64}"),
        ),
        (
            ("/v1/prices", &price, "unit_amount_decimal", "1e300"),
            above("1e300"),
        ),
        (
            ("/v1/invoiceitems", &item, "amount", I64_MAX),
            above(I64_MAX),
        ),
        (
            ("/v1/invoiceitems", &item, "unit_amount", "-100000000"),
            below.clone(),
        ),
        ((&balance, &usd, "amount", "-9223372036854775808"), below),
        (("/v1/customers", &[], "balance", I64_MAX), above(I64_MAX)),
        (
            ("/v1/coupons", &coupon, "amount_off", "100000000"),
            above("100000000"),
        ),
    ];
    let requests: Vec<Case<'_>> = cases.iter().map(|(case, _)| *case).collect();
    let bodies = refuse_each(&api, &requests, OUT_OF_RANGE).await;
    for (body, (case, said)) in bodies.iter().zip(cases) {
        assert_eq!(body["error"]["message"], said.as_str(), "{case:?}");
    }
    // The largest amount is taken, and a line of it bills it.
    let mut form = price.to_vec();
    form.push(("unit_amount", "99999999"));
    assert_eq!(api.ok("/v1/prices", &form).await["unit_amount"], 99_999_999);
    let mut form = item.to_vec();
    form.push(("amount", "99999999"));
    assert_eq!(
        api.ok("/v1/invoiceitems", &form).await["amount"],
        99_999_999
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quantity_that_would_bill_more_than_stripes_largest_amount_is_refused(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let sub = [("customer", ALICE), ("items[0][price]", PRO_MONTHLY)];
    let preview = [
        ("customer", ALICE),
        ("subscription_details[items][0][price]", PRO_MONTHLY),
    ];
    let shirt = [("customer", ALICE), ("price", "price_SEEDshirt001")];
    let unit = [
        ("customer", ALICE),
        ("currency", "usd"),
        ("unit_amount", "99999999"),
    ];
    let cases: &[Case<'_>] = &[
        ("/v1/subscriptions", &sub, "items[0][quantity]", I64_MAX),
        ("/v1/subscriptions", &sub, "items[0][quantity]", "50000"),
        (
            "/v1/invoices/create_preview",
            &preview,
            "subscription_details[items][0][quantity]",
            I64_MAX,
        ),
        ("/v1/invoiceitems", &shirt, "quantity", I64_MAX),
        ("/v1/invoiceitems", &unit, "quantity", "2"),
    ];
    for body in refuse_each(&api, cases, TOO_LARGE).await {
        let said = "Amount must be no more than $999,999.99";
        assert_eq!(body["error"]["message"], said, "{body}");
    }
    // $20 × 49,999 is $999,980: one payment can collect it.
    let mut form = sub.to_vec();
    form.push(("items[0][quantity]", "49999"));
    form.push(("expand[]", "latest_invoice"));
    let created = api.ok("/v1/subscriptions", &form).await;
    assert_eq!(created["latest_invoice"]["total"], 99_998_000, "{created}");
    // Raising it past the largest amount is refused on the item and on the subscription.
    let item = created["items"]["data"][0]["id"].as_str().unwrap();
    let path = format!("/v1/subscription_items/{item}");
    let subscription = format!("/v1/subscriptions/{}", id(&created));
    let raise = [("items[0][id]", item)];
    let cases: &[Case<'_>] = &[
        (&path, &[], "quantity", "50000"),
        (&subscription, &raise, "items[0][quantity]", I64_MAX),
    ];
    refuse_each(&api, cases, TOO_LARGE).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn counts_days_and_timestamps_out_of_range_are_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let sub = [("customer", ALICE), ("items[0][price]", PRO_MONTHLY)];
    let recurring = [
        ("product", "prod_SEEDpro000001"),
        ("currency", "usd"),
        ("unit_amount", "100"),
        ("recurring[interval]", "month"),
    ];
    let session = [
        ("mode", "payment"),
        ("success_url", "https://example.com/ok"),
        ("line_items[0][price]", "price_SEEDshirt001"),
        ("line_items[0][quantity]", "1"),
    ];
    let invoice = [("customer", ALICE), ("collection_method", "send_invoice")];
    let coupon = [("percent_off", "10"), ("duration", "repeating")];
    let clock = api.test_clock(1_767_225_600).await;
    let advance = format!("/v1/test_helpers/test_clocks/{}/advance", id(&clock));
    let cases: &[Case<'_>] = &[
        ("/v1/subscriptions", &sub, "trial_end", I64_MAX),
        ("/v1/subscriptions", &sub, "trial_period_days", "731"),
        ("/v1/prices", &recurring, "recurring[interval_count]", "37"),
        (
            "/v1/prices",
            &recurring,
            "recurring[trial_period_days]",
            I64_MAX,
        ),
        ("/v1/checkout/sessions", &session, "expires_at", I64_MAX),
        ("/v1/invoices", &invoice, "days_until_due", I64_MAX),
        ("/v1/invoices", &invoice, "days_until_due", "-1"),
        ("/v1/coupons", &coupon, "duration_in_months", I64_MAX),
        ("/v1/customers", &[], "next_invoice_sequence", I64_MAX),
        ("/v1/test_helpers/test_clocks", &[], "frozen_time", I64_MAX),
        (&advance, &[], "frozen_time", I64_MAX),
    ];
    refuse_each(&api, cases, ("type", (400, "invalid_request_error"))).await;
    // A trial of Stripe's longest, two years, is taken.
    let mut form = sub.to_vec();
    form.push(("trial_period_days", "730"));
    assert_eq!(
        api.ok("/v1/subscriptions", &form).await["status"],
        "trialing"
    );
}
