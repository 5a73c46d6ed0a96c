//! Prorations: a change of a subscription's items in the middle of its period credits the old
//! items' unused time and charges the new ones' remaining time, to the second, as pending
//! invoice items the next invoice bills (`create_prorations`), at once (`always_invoice`) or
//! not at all (`none`); previews show them.
//!
//! Every subscription here starts on a test clock at 2026-01-01 00:00 UTC on Asym Pro monthly
//! ($20), so its period is January: 31 days, 2,678,400 seconds.

use asym_kit::testing::assert_contains;
use serde_json::{Value, json};

use crate::common::{
    Api, PRO_MONTHLY, amounts, assert_fields, data, expect_refusal, id, invalid, pick,
};

/// 2026-01-01 00:00 UTC, when the subscriptions start.
pub(crate) const START: i64 = 1_767_225_600;
/// 2026-02-01 00:00 UTC, when their first period ends.
pub(crate) const END: i64 = 1_769_904_000;
/// 2026-01-16 12:00 UTC: halfway through January (1,339,200 of 2,678,400 seconds).
pub(crate) const HALF: i64 = 1_768_564_800;
/// The seeded yearly price of Asym Pro ($200).
const PRO_YEARLY: &str = "price_SEEDproYear01";

/// A customer paying with Visa on a new test clock at [`START`], subscribed to Asym Pro monthly
/// with `extra` parameters, and a $50 monthly price of the same product, the clock then advanced
/// to `now`: (clock id, the subscription, the $50 price id).
pub(crate) async fn subscribed(
    api: &Api,
    extra: &[(&str, &str)],
    now: i64,
) -> (String, Value, String) {
    let clock = api.test_clock(START).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let mut form = vec![
        ("customer", id(&customer)),
        ("items[0][price]", PRO_MONTHLY),
    ];
    form.extend_from_slice(extra);
    let sub = api.ok("/v1/subscriptions", &form).await;
    assert_eq!(sub["current_period_end"], END, "{sub}");
    let price = fifty_monthly(api).await;
    api.advance(id(&clock), &now.to_string()).await;
    (id(&clock).to_owned(), sub, price)
}

/// As [`subscribed`], with a new coupon of `percent_off` % off forever.
async fn subscribed_off(api: &Api, percent_off: &str, now: i64) -> (String, Value, String) {
    let form = [("percent_off", percent_off), ("duration", "forever")];
    let coupon = api.ok("/v1/coupons", &form).await;
    subscribed(api, &[("coupon", id(&coupon))], now).await
}

/// A new $50 monthly price of Asym Pro: its id.
pub(crate) async fn fifty_monthly(api: &Api) -> String {
    id(&api.monthly_price("5000", &[]).await).to_owned()
}

/// The balance of `sub`'s customer (negative: credit it holds).
async fn balance_of(api: &Api, sub: &Value) -> Value {
    let customer = sub["customer"].as_str().expect("a customer");
    api.current("/v1/customers", customer).await["balance"].clone()
}

/// `POST /v1/subscriptions/{id}` moving `sub`'s first item to `price`, with `extra`
/// parameters: the subscription, its latest invoice expanded.
pub(crate) async fn move_to(api: &Api, sub: &Value, price: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("items[0][id]", item(sub)),
        ("items[0][price]", price),
        ("expand[]", "latest_invoice"),
    ];
    form.extend_from_slice(extra);
    api.ok(&format!("/v1/subscriptions/{}", id(sub)), &form)
        .await
}

/// The first item of subscription `sub`.
pub(crate) fn item(sub: &Value) -> &str {
    sub["items"]["data"][0]["id"].as_str().expect("an item")
}

/// The customer's pending invoice items, oldest first.
pub(crate) async fn pending(api: &Api, sub: &Value) -> Vec<Value> {
    let customer = sub["customer"].as_str().unwrap();
    let (_, list) = api
        .get(
            "/v1/invoiceitems",
            &[("customer", customer), ("pending", "true")],
        )
        .await;
    let mut items = data(&list).to_vec();
    items.reverse();
    items
}

/// The amounts of `lines` (invoice items or invoice lines), in order.
pub(crate) fn amounts_of(lines: &[Value]) -> Vec<i64> {
    lines
        .iter()
        .map(|l| l["amount"].as_i64().unwrap())
        .collect()
}

/// The subscription's invoices, newest first.
pub(crate) async fn invoices_of(api: &Api, sub: &Value) -> Vec<Value> {
    let (_, list) = api.get("/v1/invoices", &[("subscription", id(sub))]).await;
    data(&list).to_vec()
}

#[asym::clone("stripe", seed = "basic")]
async fn an_upgrade_halfway_credits_unused_time_and_charges_the_rest_on_the_next_invoice(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (clock, sub, fifty) = subscribed(&api, &[], HALF).await;
    let updated = move_to(&api, &sub, &fifty, &[]).await;
    assert_eq!(updated["items"]["data"][0]["price"]["id"], fifty.as_str());
    assert_eq!(
        updated["latest_invoice"]["id"], sub["latest_invoice"],
        "nothing invoiced yet"
    );

    // Half of $20 back, half of $50 due.
    let items = pending(&api, &sub).await;
    assert_eq!(amounts_of(&items), [-1000, 2500]);
    let keys = [
        "proration",
        "subscription",
        "subscription_item",
        "period",
        "description",
    ];
    assert_eq!(
        items.iter().map(|i| pick(i, keys)).collect::<Vec<_>>(),
        [
            json!({"proration": true, "subscription": id(&sub), "subscription_item": item(&sub),
                   "period": {"start": HALF, "end": END},
                   "description": "Unused time on Asym Pro after 16 Jan 2026"}),
            json!({"proration": true, "subscription": id(&sub), "subscription_item": item(&sub),
                   "period": {"start": HALF, "end": END},
                   "description": "Remaining time on Asym Pro after 16 Jan 2026"}),
        ]
    );
    assert_eq!(
        items[0]["price"]["id"], PRO_MONTHLY,
        "the credit is at the old price"
    );
    assert_eq!(
        items
            .iter()
            .map(|i| i["discountable"] == true)
            .collect::<Vec<_>>(),
        [false, true],
        "a debit proration is discountable, a credit is not"
    );

    // The renewal bills February at $50 with both prorations: 5000 − 1000 + 2500.
    api.advance(&clock, &(END + 3600).to_string()).await;
    let renewal = &invoices_of(&api, &sub).await[0];
    assert_eq!(
        amounts(renewal, ["total", "amount_paid"]),
        [Some(6500), Some(6500)]
    );
    // Stripe's order: the pending prorations (the credit, then the debit it came with),
    // then the period's line.
    let lines = data(&renewal["lines"]);
    assert_eq!(amounts_of(lines), [-1000, 2500, 5000]);
    assert_eq!(
        lines
            .iter()
            .map(|l| l["proration"] == true)
            .collect::<Vec<_>>(),
        [true, true, false]
    );
    // The credit names the line that billed January.
    let first = api.latest_invoice(&sub).await;
    assert_eq!(
        lines[0]["proration_details"]["credited_items"],
        json!({"invoice": id(&first), "invoice_line_items": [first["lines"]["data"][0]["id"]]})
    );
    assert_eq!(lines[1]["proration_details"]["credited_items"], Value::Null);
    // From 2025-03-31.basil the same under `parent`.
    assert_fields(
        &lines[1]["parent"]["subscription_item_details"],
        json!({"proration": true, "subscription": id(&sub), "subscription_item": item(&sub),
               "invoice_item": lines[1]["invoice_item"]}),
    );
    assert_eq!(lines[2]["parent"]["type"], "subscription_item_details");
    assert!(
        pending(&api, &sub).await.is_empty(),
        "the renewal took them"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn proration_behavior_none_changes_the_price_without_prorations(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (clock, sub, fifty) = subscribed(&api, &[], HALF).await;
    move_to(&api, &sub, &fifty, &[("proration_behavior", "none")]).await;
    assert!(pending(&api, &sub).await.is_empty());
    api.advance(&clock, &(END + 3600).to_string()).await;
    assert_eq!(invoices_of(&api, &sub).await[0]["total"], 5000);

    let path = format!("/v1/subscriptions/{}", id(&sub));
    api.refused(
        &path,
        &[("proration_behavior", "sometimes")],
        invalid("proration_behavior"),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quantity_change_with_always_invoice_is_invoiced_and_paid_at_once(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let rate = api.tax_rate("VAT", "20", false).await;
    // Ten days in: 1,814,400 of 2,678,400 seconds remain.
    let at = START + 10 * 86_400;
    let (_, sub, _) = subscribed(&api, &[("default_tax_rates[0]", id(&rate))], at).await;
    let path = format!("/v1/subscriptions/{}", id(&sub));
    let updated = api
        .ok(
            &path,
            &[
                ("items[0][id]", item(&sub)),
                ("items[0][quantity]", "3"),
                ("proration_behavior", "always_invoice"),
                ("expand[]", "latest_invoice"),
            ],
        )
        .await;
    let invoice = &updated["latest_invoice"];
    assert_ne!(invoice["id"], sub["latest_invoice"], "a new invoice");
    assert_fields(
        invoice,
        json!({"billing_reason": "subscription_update", "status": "paid"}),
    );
    // 2000 × 1814400 / 2678400 = 1354.84 → −1355; 6000 × … = 4064.52 → 4065; VAT 20% per line:
    // −271 and 813.
    let lines = data(&invoice["lines"]);
    assert_eq!(amounts_of(lines), [-1355, 4065]);
    assert_eq!(
        lines[1]["description"],
        "Remaining time on 3 × Asym Pro after 11 Jan 2026"
    );
    assert_eq!(
        amounts(invoice, ["subtotal", "tax", "total", "amount_paid"]),
        [Some(2710), Some(542), Some(3252), Some(3252)]
    );
    assert!(pending(&api, &sub).await.is_empty());
}

#[asym::clone("stripe", seed = "basic")]
async fn a_downgrade_invoiced_at_once_credits_the_customer_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    // A day after the proration date the request names: the amounts are those of HALF.
    let (_, sub, fifty) = subscribed(&api, &[], HALF + 86_400).await;
    let half = HALF.to_string();
    move_to(&api, &sub, &fifty, &[("proration_behavior", "none")]).await;
    let back = move_to(
        &api,
        &sub,
        PRO_MONTHLY,
        &[
            ("proration_behavior", "always_invoice"),
            ("proration_date", &half),
        ],
    )
    .await;
    // −2500 + 1000: nothing due, 1500 to the customer's credit.
    let invoice = &back["latest_invoice"];
    assert_eq!(
        amounts(invoice, ["total", "amount_due", "ending_balance"]),
        [Some(-1500), Some(0), Some(-1500)]
    );
    assert_eq!(invoice["status"], "paid");
    assert_eq!(balance_of(&api, &sub).await, -1500);
}

#[asym::clone("stripe", seed = "basic")]
async fn previews_show_the_prorations_of_a_proposed_change(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, fifty) = subscribed(&api, &[], START + 86_400).await;
    let half = HALF.to_string();
    let proposal = |behavior| {
        [
            ("subscription", id(&sub)),
            ("subscription_details[items][0][id]", item(&sub)),
            ("subscription_details[items][0][price]", fifty.as_str()),
            ("subscription_details[proration_date]", half.as_str()),
            ("subscription_details[proration_behavior]", behavior),
        ]
    };
    // At the proration date, not the clock's time: the next period at $50 with the halves.
    let next = api
        .ok(
            "/v1/invoices/create_preview",
            &proposal("create_prorations"),
        )
        .await;
    assert_eq!(amounts_of(data(&next["lines"])), [-1000, 2500, 5000]);
    assert_fields(
        &next,
        json!({"billing_reason": "subscription_cycle", "total": 6500,
               "subscription_proration_date": HALF}),
    );
    assert_eq!(
        next["lines"]["data"][1]["period"],
        json!({"start": HALF, "end": END})
    );
    let at_once = api
        .ok("/v1/invoices/create_preview", &proposal("always_invoice"))
        .await;
    assert_eq!(amounts_of(data(&at_once["lines"])), [-1000, 2500]);
    assert_fields(
        &at_once,
        json!({"billing_reason": "subscription_update", "total": 1500}),
    );
    let none = api
        .ok("/v1/invoices/create_preview", &proposal("none"))
        .await;
    assert_eq!(amounts_of(data(&none["lines"])), [5000]);
    assert!(pending(&api, &sub).await.is_empty(), "nothing stored");

    // The older `upcoming` spells them subscription_proration_behavior / _date.
    let (status, upcoming) = api
        .get(
            "/v1/invoices/upcoming",
            &[
                ("subscription", id(&sub)),
                ("subscription_items[0][id]", item(&sub)),
                ("subscription_items[0][quantity]", "2"),
                ("subscription_proration_date", &half),
            ],
        )
        .await;
    assert_eq!(status, 200, "{upcoming}");
    assert_eq!(amounts_of(data(&upcoming["lines"])), [-1000, 2000, 4000]);

    let after_the_period = (END + 1).to_string();
    let mut late = proposal("create_prorations");
    late[3].1 = &after_the_period;
    api.refused(
        "/v1/invoices/create_preview",
        &late,
        invalid("subscription_details[proration_date]"),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_change_of_interval_restarts_the_period_and_invoices_at_once(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, _) = subscribed(&api, &[], HALF).await;
    let yearly = move_to(&api, &sub, PRO_YEARLY, &[]).await;
    // A year from the change, anchored there; 20000 for it less 1000 of January unused.
    assert_fields(
        &yearly,
        json!({"billing_cycle_anchor": HALF, "current_period_start": HALF,
               "current_period_end": HALF + 365 * 86_400}),
    );
    let invoice = &yearly["latest_invoice"];
    assert_eq!(amounts_of(data(&invoice["lines"])), [-1000, 20000]);
    assert_fields(
        invoice,
        json!({"billing_reason": "subscription_update", "status": "paid", "amount_paid": 19000}),
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn subscription_items_are_added_changed_and_removed_with_prorations(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, fifty) = subscribed(&api, &[], HALF).await;
    let added = api
        .ok(
            "/v1/subscription_items",
            &[
                ("subscription", id(&sub)),
                ("price", &fifty),
                ("quantity", "2"),
            ],
        )
        .await;
    assert_fields(
        &added,
        json!({"object": "subscription_item", "quantity": 2, "subscription": id(&sub)}),
    );
    let path = format!("/v1/subscription_items/{}", id(&added));
    let changed = api.ok(&path, &[("quantity", "1")]).await;
    assert_eq!(changed["quantity"], 1);
    let (status, deleted) = api.delete(&path).await;
    assert_eq!(
        (status, deleted["deleted"].as_bool()),
        (200, Some(true)),
        "{deleted}"
    );
    // Added: +5000 for half; to one: −5000 + 2500; removed: −2500.
    assert_eq!(
        amounts_of(&pending(&api, &sub).await),
        [5000, -5000, 2500, -2500]
    );
    let current = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(data(&current["items"]).len(), 1);

    let only = format!("/v1/subscription_items/{}", item(&sub));
    let refused = ("type", (400, "invalid_request_error"));
    expect_refusal(api.delete(&only).await, refused);
}

#[asym::clone("stripe", seed = "basic")]
async fn trials_are_not_prorated_and_discounted_subscriptions_are_refused(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, trialing, fifty) = subscribed(&api, &[("trial_period_days", "31")], HALF).await;
    assert_eq!(trialing["status"], "trialing");
    move_to(&api, &trialing, &fifty, &[]).await;
    assert!(
        pending(&api, &trialing).await.is_empty(),
        "a trial costs nothing"
    );

    let (_, sub, fifty) = subscribed_off(&api, "50", HALF).await;
    let form = [
        ("items[0][id]", item(&sub)),
        ("items[0][price]", fifty.as_str()),
    ];
    let (status, refused) = api
        .post(&format!("/v1/subscriptions/{}", id(&sub)), &form)
        .await;
    assert_eq!(status, 400, "{refused}");
    assert_contains(&refused["error"]["message"], "not implemented");
    move_to(&api, &sub, &fifty, &[("proration_behavior", "none")]).await;
    assert!(pending(&api, &sub).await.is_empty());
}

#[asym::clone("stripe", seed = "basic")]
async fn cancelling_with_prorate_credits_the_unused_time(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, _) = subscribed(&api, &[], HALF).await;
    let cancel = format!("/v1/subscriptions/{}/cancel", id(&sub));
    let canceled = api.ok(&cancel, &[("prorate", "true")]).await;
    assert_eq!(canceled["status"], "canceled");
    let credit = pending(&api, &sub).await;
    assert_eq!(amounts_of(&credit), [-1000]);
    assert_eq!(
        credit[0]["description"],
        "Unused time on Asym Pro after 16 Jan 2026"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn cancelling_with_invoice_now_bills_the_credit_on_a_final_invoice(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, _) = subscribed(&api, &[], HALF).await;
    let first = sub["latest_invoice"].clone();
    let cancel = format!("/v1/subscriptions/{}/cancel", id(&sub));
    let form = [("prorate", "true"), ("invoice_now", "true")];
    let canceled = api.ok(&cancel, &form).await;
    assert_eq!(canceled["status"], "canceled");
    assert_ne!(canceled["latest_invoice"], first);
    let invoice = api.latest_invoice(&canceled).await;
    assert_eq!(amounts_of(data(&invoice["lines"])), [-1000], "{invoice}");
    assert_eq!(invoice["billing_reason"], "subscription_update");
    assert_fields(&invoice, json!({"amount_due": 0, "status": "paid"}));
    assert!(pending(&api, &sub).await.is_empty());
    assert_eq!(balance_of(&api, &sub).await, -1000);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_declined_change_is_past_due_or_refused_with_error_if_incomplete(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, sub, fifty) = subscribed(&api, &[], HALF).await;
    let customer = sub["customer"].as_str().unwrap();
    let attach = "/v1/payment_methods/pm_card_chargeCustomerFail/attach";
    let failing = api.ok(attach, &[("customer", customer)]).await;
    let default = [("invoice_settings[default_payment_method]", id(&failing))];
    api.ok(&format!("/v1/customers/{customer}"), &default).await;

    let path = format!("/v1/subscriptions/{}", id(&sub));
    let form = [
        ("items[0][id]", item(&sub)),
        ("items[0][price]", fifty.as_str()),
        ("proration_behavior", "always_invoice"),
        ("payment_behavior", "error_if_incomplete"),
    ];
    api.refused(&path, &form, ("type", (402, "card_error")))
        .await;
    let pending_update = [
        form[0],
        form[1],
        ("payment_behavior", "pending_if_incomplete"),
    ];
    api.refused(&path, &pending_update, invalid("payment_behavior"))
        .await;
    let kept = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(
        (
            kept["items"]["data"][0]["price"]["id"].as_str(),
            kept["status"].as_str()
        ),
        (Some(PRO_MONTHLY), Some("active")),
        "nothing of the change is kept"
    );
    assert!(pending(&api, &sub).await.is_empty());

    let always = [("proration_behavior", "always_invoice")];
    let past_due = move_to(&api, &sub, &fifty, &always).await;
    assert_eq!(
        (
            past_due["status"].as_str(),
            past_due["latest_invoice"]["status"].as_str()
        ),
        (Some("past_due"), Some("open"))
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn cancelling_a_discounted_subscription_credits_what_its_discount_left_to_pay(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    // 25% off forever: $15.00 paid for the month, half of it unused.
    let (_, sub, _) = subscribed_off(&api, "25", HALF).await;
    let cancel = format!("/v1/subscriptions/{}/cancel", id(&sub));
    api.ok(&cancel, &[("prorate", "true")]).await;
    let credit = pending(&api, &sub).await;
    assert_eq!(amounts_of(&credit), [-750]);
    assert_eq!(credit[0]["discountable"], false);
    let first = api.latest_invoice(&sub).await;
    assert_eq!(first["amount_paid"], 1500, "{first}");

    // $5.00 off once, then a schedule's cancel (prorating and invoicing by default): the
    // $15.00 paid, half credited on the final invoice and to the balance.
    let five = api
        .ok(
            "/v1/coupons",
            &[
                ("amount_off", "500"),
                ("currency", "usd"),
                ("duration", "once"),
            ],
        )
        .await;
    let (_, sub, _) = subscribed(&api, &[("coupon", id(&five))], HALF).await;
    let schedule = api
        .ok(
            "/v1/subscription_schedules",
            &[("from_subscription", id(&sub))],
        )
        .await;
    let path = format!("/v1/subscription_schedules/{}/cancel", id(&schedule));
    let canceled = api.ok(&path, &[]).await;
    assert_eq!(canceled["status"], "canceled");
    let current = api.current("/v1/subscriptions", id(&sub)).await;
    let invoice = api.latest_invoice(&current).await;
    assert_eq!(amounts_of(data(&invoice["lines"])), [-750], "{invoice}");
    assert_eq!(balance_of(&api, &sub).await, -750);
}
