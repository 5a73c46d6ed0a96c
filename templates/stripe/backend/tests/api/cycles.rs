//! A subscription update's billing cycle: `billing_cycle_anchor=now` restarts the period now and
//! invoices it at once; a future `trial_end` puts the subscription on a trial until then
//! (crediting the unused time of a paid period), `trial_end=now` ends one; the update's other
//! parameters, and those of a create, are served or refused by name, and
//! `/v1/subscription_items` names its own.
//!
//! As in `prorations`, every subscription starts on a test clock at 2026-01-01 00:00 UTC on
//! Asym Pro monthly ($20).

use serde_json::{Value, json};

use crate::common::{
    Api, PRO_MONTHLY, UNKNOWN, assert_fields, data, expect_refusal, id, invalid, pick,
};
use crate::prorations::{
    END, HALF, START, amounts_of, invoices_of, item, move_to, pending, subscribed,
};

/// 2026-02-16 12:00 UTC: a month after [`HALF`].
const HALF_FEB: i64 = HALF + 31 * 86_400;
/// 2026-02-10 00:00 UTC: the end of the trials put on here.
const TRIAL_END: i64 = END + 9 * 86_400;

/// The billing cycle fields of a subscription.
fn cycle(sub: &Value) -> Value {
    pick(
        sub,
        [
            "status",
            "billing_cycle_anchor",
            "current_period_start",
            "current_period_end",
            "trial_start",
            "trial_end",
        ],
    )
}

/// A subscription made as [`subscribed`] does, its clock at [`HALF`]: (clock id, the
/// subscription, the $50 price id, its update path).
async fn half_through(api: &Api, extra: &[(&str, &str)]) -> (String, Value, String, String) {
    let (clock, sub, fifty) = subscribed(api, extra, HALF).await;
    let path = format!("/v1/subscriptions/{}", id(&sub));
    (clock, sub, fifty, path)
}

/// Asserts `POST path` with `form` is a 400 naming `param`.
async fn assert_refused(api: &Api, path: &str, form: (&str, &str), param: &str) {
    api.refused(path, &[form], invalid(param)).await;
}

/// Updates the subscription at `path` with `trial_end` [`TRIAL_END`], asserting it is then
/// trialing from `since` (its period too), anchored at the trial's end; the subscription.
async fn trial_until_feb_10(api: &Api, path: &str, since: i64) -> Value {
    let trialing = api.ok(path, &[("trial_end", &TRIAL_END.to_string())]).await;
    assert_eq!(
        cycle(&trialing),
        json!({"status": "trialing", "billing_cycle_anchor": TRIAL_END,
               "current_period_start": since, "current_period_end": TRIAL_END,
               "trial_start": since, "trial_end": TRIAL_END})
    );
    trialing
}

#[asym::clone("stripe", seed = "basic")]
async fn billing_cycle_anchor_now_restarts_the_period_and_invoices_it_at_once(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (_, sub, _, path) = half_through(&api, &[]).await;
    let kept = api
        .ok(&path, &[("billing_cycle_anchor", "unchanged")])
        .await;
    assert_eq!(cycle(&kept), cycle(&sub), "unchanged keeps the cycle");
    assert_refused(
        &api,
        &path,
        ("billing_cycle_anchor", "1769904000"),
        "billing_cycle_anchor",
    )
    .await;

    let form = [
        ("billing_cycle_anchor", "now"),
        ("expand[]", "latest_invoice"),
    ];
    let reset = api.ok(&path, &form).await;
    assert_eq!(
        cycle(&reset),
        json!({"status": "active", "billing_cycle_anchor": HALF, "current_period_start": HALF,
               "current_period_end": HALF_FEB, "trial_start": null, "trial_end": null})
    );
    // A month from now for 2000, less the 1000 of January's second half unused (pending
    // items first, as Stripe lists them).
    let invoice = &reset["latest_invoice"];
    assert_eq!(amounts_of(data(&invoice["lines"])), [-1000, 2000]);
    assert_fields(
        invoice,
        json!({"billing_reason": "subscription_update", "status": "paid", "amount_paid": 1000}),
    );
    assert!(pending(&api, &sub).await.is_empty());

    let (_, _, _, path) = half_through(&api, &[]).await;
    // From 2026-10-28.endive the SDKs send the anchor as `billing_cycle_anchor[type]`.
    let type_later = ("billing_cycle_anchor[type]", "later");
    assert_refused(&api, &path, type_later, "billing_cycle_anchor[type]").await;
    let none = [
        ("billing_cycle_anchor[type]", "now"),
        ("proration_behavior", "none"),
        ("expand[]", "latest_invoice"),
    ];
    let reset = api.ok(&path, &none).await;
    assert_eq!(amounts_of(data(&reset["latest_invoice"]["lines"])), [2000]);
    assert_eq!(reset["current_period_end"], HALF_FEB);

    let (_, _, _, path) = half_through(&api, &[("trial_period_days", "31")]).await;
    assert_refused(
        &api,
        &path,
        ("billing_cycle_anchor", "now"),
        "billing_cycle_anchor",
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_future_trial_end_puts_a_paid_subscription_on_trial_until_then(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (clock, sub, _, path) = half_through(&api, &[]).await;
    trial_until_feb_10(&api, &path, HALF).await;
    assert_eq!(amounts_of(&pending(&api, &sub).await), [-1000]);

    // The trial's end bills a month from then, less the credit: 2026-03-10.
    api.advance(&clock, &(TRIAL_END + 3600).to_string()).await;
    let renewed = api.current("/v1/subscriptions", id(&sub)).await;
    assert_fields(
        &renewed,
        json!({"status": "active", "current_period_start": TRIAL_END,
               "current_period_end": TRIAL_END + 28 * 86_400}),
    );
    let invoice = &invoices_of(&api, &sub).await[0];
    assert_eq!(amounts_of(data(&invoice["lines"])), [-1000, 2000]);
    assert_fields(
        invoice,
        json!({"billing_reason": "subscription_cycle", "amount_paid": 1000}),
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn a_trial_is_lengthened_or_ended_and_bad_trial_ends_are_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, trialing, fifty, path) = half_through(&api, &[("trial_period_days", "31")]).await;
    let longer = trial_until_feb_10(&api, &path, START).await;
    let upgraded = move_to(&api, &longer, &fifty, &[]).await;
    assert_eq!(upgraded["status"], "trialing");
    assert!(
        pending(&api, &trialing).await.is_empty(),
        "no proration in a trial"
    );
    for (form, param) in [
        (("trial_end", "1767225600"), "trial_end"),
        (("trial_from_plan", "true"), "trial_from_plan"),
    ] {
        assert_refused(&api, &path, form, param).await;
    }

    let ended = api
        .ok(
            &path,
            &[("trial_end", "now"), ("expand[]", "latest_invoice")],
        )
        .await;
    assert_eq!(
        cycle(&ended),
        json!({"status": "active", "billing_cycle_anchor": HALF, "current_period_start": HALF,
               "current_period_end": HALF_FEB, "trial_start": START, "trial_end": HALF})
    );
    assert_eq!(ended["latest_invoice"]["amount_paid"], 5000);
    assert_refused(&api, &path, ("trial_end", "now"), "trial_end").await;
}

#[asym::clone("stripe", seed = "basic")]
async fn update_parameters_are_served_or_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, _, _, path) = half_through(&api, &[]).await;
    for (form, expected) in [
        (
            ("pause_collection[behavior]", "sometimes"),
            ("param", "pause_collection[behavior]"),
        ),
        (
            ("pause_collection[resumes_at]", "1767225600"),
            ("param", "pause_collection[behavior]"),
        ),
        (
            ("pause_collection[reason]", "x"),
            ("code", "parameter_unknown"),
        ),
        (("cancel_at", "1769904000"), ("param", "cancel_at")),
        (
            ("add_invoice_items[0][period][start]", "1"),
            ("param", "add_invoice_items[0][period]"),
        ),
        (
            ("payment_behavior", "default_incomplete"),
            ("param", "payment_behavior"),
        ),
        (
            ("payment_behavior", "sometimes"),
            ("param", "payment_behavior"),
        ),
        (
            ("customer", "cus_SEEDbob0000001"),
            ("code", "parameter_unknown"),
        ),
        (
            ("collection_method", "send_invoice"),
            ("param", "days_until_due"),
        ),
        (("days_until_due", "30"), ("param", "days_until_due")),
    ] {
        api.refused(&path, &[form], (expected.0, (400, expected.1)))
            .await;
    }
    let form = [
        ("collection_method", "send_invoice"),
        ("days_until_due", "30"),
        ("cancellation_details[comment]", "too dear"),
    ];
    let invoiced = api.ok(&path, &form).await;
    assert_fields(
        &invoiced,
        json!({"collection_method": "send_invoice", "days_until_due": 30}),
    );
    assert_eq!(invoiced["cancellation_details"]["comment"], "too dear");
    let back = api
        .ok(&path, &[("collection_method", "charge_automatically")])
        .await;
    assert_eq!(back["days_until_due"], Value::Null);
}

#[asym::clone("stripe", seed = "basic")]
async fn create_parameters_are_served_or_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let clock = api.test_clock(START).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let create = [
        ("customer", id(&customer)),
        ("items[0][price]", PRO_MONTHLY),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut form = create.to_vec();
        form.push(extra);
        form
    };
    let unserved = [
        ("billing_cycle_anchor", "1769904000"),
        ("billing_cycle_anchor_config[day_of_month]", "1"),
        ("backdate_start_date", "1764547200"),
        ("billing_mode[type]", "flexible"),
        ("billing_schedules[0][applies_to][0][type]", "price"),
        ("customer_account", "acct_nope"),
        ("cancel_at", "1769904000"),
        ("proration_behavior", "sometimes"),
        ("automatic_tax[enabled]", "true"),
        (
            "trial_settings[end_behavior][missing_payment_method]",
            "cancel",
        ),
        ("application_fee_percent", "10"),
        ("billing_thresholds[amount_gte]", "1000"),
        ("invoice_settings[days_until_due]", "10"),
        ("on_behalf_of", "acct_nope"),
        ("pending_invoice_item_interval[interval]", "month"),
        ("transfer_data[destination]", "acct_nope"),
        ("default_source", "card_nope"),
        ("currency", "eur"),
    ];
    for (key, value) in unserved {
        let param = key.split('[').next().unwrap_or(key);
        api.refused("/v1/subscriptions", &with((key, value)), invalid(param))
            .await;
    }
    let methods = ("payment_settings[payment_method_types][0]", "card");
    let expected = invalid("payment_settings[payment_method_types]");
    api.refused("/v1/subscriptions", &with(methods), expected)
        .await;
    // The update's own parameters, and the legacy top-level plan and quantity, are unknown here.
    for update_only in [
        ("pause_collection[behavior]", "void"),
        ("proration_date", "1767225600"),
        ("cancellation_details[comment]", "too dear"),
        ("plan", PRO_MONTHLY),
        ("quantity", "2"),
    ] {
        api.refused("/v1/subscriptions", &with(update_only), UNKNOWN)
            .await;
    }
    // Accepted, as on Stripe: with no anchor, proration_behavior changes nothing.
    let mut form = create.to_vec();
    form.extend([
        ("trial_from_plan", "false"),
        ("proration_behavior", "none"),
        ("currency", "usd"),
        (
            "payment_settings[save_default_payment_method]",
            "on_subscription",
        ),
    ]);
    let sub = api.ok("/v1/subscriptions", &form).await;
    assert_fields(
        &sub,
        json!({"status": "active", "currency": "usd", "current_period_end": END}),
    );
    assert_eq!(
        sub["payment_settings"]["save_default_payment_method"],
        "on_subscription"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn subscription_item_errors_name_the_routes_own_parameters(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, _) = subscribed(&api, &[], HALF).await;
    let subscription = ("subscription", id(&sub));
    let unknown = [subscription, ("price", "price_nope")];
    api.refused(
        "/v1/subscription_items",
        &unknown,
        ("param", (404, "price")),
    )
    .await;
    let path = format!("/v1/subscription_items/{}", item(&sub));
    assert_refused(&api, &path, ("quantity", "-1"), "quantity").await;
    let (status, missing) = api.post("/v1/subscription_items", &[subscription]).await;
    let error = &missing["error"];
    assert_eq!(
        (status, error["param"].as_str(), error["message"].as_str()),
        (400, Some("price"), Some("Missing required param: price."))
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn previews_refuse_the_cycle_changes_they_do_not_serve(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, _, _) = half_through(&api, &[]).await;
    let subscription = ("subscription", id(&sub));
    for key in ["billing_cycle_anchor", "trial_end", "cancel_at_period_end"] {
        let param = format!("subscription_details[{key}]");
        let form = [subscription, (param.as_str(), "now")];
        api.refused("/v1/invoices/create_preview", &form, invalid(&param))
            .await;
    }
    let cancel = "subscription_cancel_at_period_end";
    expect_refusal(
        api.get("/v1/invoices/upcoming", &[subscription, (cancel, "true")])
            .await,
        invalid(cancel),
    );
}
