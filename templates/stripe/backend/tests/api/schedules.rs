//! Subscription schedules: phases that start a subscription and change its items as a test
//! clock reaches them, a schedule's end (`release` or `cancel`), schedules made from a
//! subscription, updates, cancel and release, and Stripe's refusals of bad phases.
//!
//! Every schedule here belongs to a customer paying with Visa on a test clock at 2026-01-01
//! 00:00 UTC ([`START`]); Asym Pro monthly is $20, and each test adds a $50 monthly price.

use asym_kit::testing::assert_contains;
use serde_json::{Value, json};

use crate::common::{
    Api, MISSING, PRO_MONTHLY, Refusal, UNKNOWN, assert_events, assert_fields, data,
    expect_refusal, id, invalid,
};
use crate::prorations::{END, HALF, START, amounts_of, fifty_monthly, pending};

/// 2026-03-01 00:00 UTC.
const MARCH: i64 = 1_772_323_200;
/// 2026-04-01 00:00 UTC.
const APRIL: i64 = 1_775_001_600;

/// A Visa-paying customer on a new test clock at [`START`] and a $50 monthly price of Asym
/// Pro: (clock id, customer id, price id).
async fn customer_and_price(api: &Api) -> (String, String, String) {
    let clock = api.test_clock(START).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    (
        id(&clock).to_owned(),
        id(&customer).to_owned(),
        fifty_monthly(api).await,
    )
}

/// The price ids and quantities of subscription `sub`'s items.
fn items_of(sub: &Value) -> Vec<(String, i64)> {
    data(&sub["items"])
        .iter()
        .map(|i| {
            (
                i["price"]["id"].as_str().unwrap().to_owned(),
                i["quantity"].as_i64().unwrap(),
            )
        })
        .collect()
}

/// A new Asym Pro monthly subscription of `customer` and the schedule made from it:
/// (subscription, schedule).
async fn pro_on_a_schedule(api: &Api, customer: &str) -> (Value, Value) {
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[("customer", customer), ("items[0][price]", PRO_MONTHLY)],
        )
        .await;
    let schedule = api
        .ok(
            "/v1/subscription_schedules",
            &[("from_subscription", id(&sub))],
        )
        .await;
    (sub, schedule)
}

/// The schedule's subscription as it is now.
async fn subscription_of(api: &Api, schedule: &Value) -> Value {
    let sub = schedule["subscription"]
        .as_str()
        .or(schedule["released_subscription"].as_str())
        .expect("a subscription");
    api.current("/v1/subscriptions", sub).await
}

/// The `amount_due` of subscription `sub`'s latest invoice.
async fn latest_due(api: &Api, sub: &Value) -> Value {
    api.latest_invoice(sub).await["amount_due"].clone()
}

/// Creates a subscription schedule of `customer` with `form` (its phases and settings).
async fn schedule_of(api: &Api, customer: &str, form: &[(&str, &str)]) -> Value {
    let mut all = vec![("customer", customer)];
    all.extend_from_slice(form);
    api.created("/v1/subscription_schedules", &all, "sub_sched_")
        .await
}

/// Schedule `schedule` as it is now.
async fn schedule_now(api: &Api, schedule: &Value) -> Value {
    api.current("/v1/subscription_schedules", id(schedule))
        .await
}

#[asym::clone("stripe", seed = "basic")]
async fn phases_start_a_subscription_change_its_items_and_release_it_at_the_end(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (clock, customer, fifty) = customer_and_price(&api).await;
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("start_date", "now"),
            ("end_behavior", "release"),
            ("phases[0][items][0][price]", PRO_MONTHLY),
            ("phases[0][items][0][quantity]", "1"),
            ("phases[0][iterations]", "1"),
            ("phases[1][items][0][price]", &fifty),
            ("phases[1][iterations]", "2"),
            ("metadata[plan]", "intro"),
        ],
    )
    .await;
    assert_eq!(schedule["object"], "subscription_schedule");
    assert_eq!(schedule["status"], "active");
    assert_eq!(schedule["metadata"], json!({"plan": "intro"}));
    assert_eq!(
        schedule["current_phase"],
        json!({"start_date": START, "end_date": END})
    );
    let dates: Vec<Value> = schedule["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| json!([p["start_date"], p["end_date"]]))
        .collect();
    assert_eq!(dates, [json!([START, END]), json!([END, APRIL])]);
    assert_eq!(schedule["phases"][1]["items"][0]["price"], fifty.as_str());
    assert_eq!(schedule["phases"][1]["items"][0]["quantity"], 1);

    let sub = subscription_of(&api, &schedule).await;
    assert_eq!(sub["schedule"], id(&schedule));
    assert_eq!(sub["status"], "active");
    assert_eq!(items_of(&sub), [(PRO_MONTHLY.to_owned(), 1)]);
    assert_eq!(latest_due(&api, &sub).await, 2000);

    // At the phase's end the subscription's items change, and the renewal bills them.
    api.advance(&clock, &END.to_string()).await;
    let sub = subscription_of(&api, &schedule).await;
    assert_eq!(items_of(&sub), [(fifty.clone(), 1)]);
    assert_eq!(latest_due(&api, &sub).await, 5000);
    let moved = schedule_now(&api, &schedule).await;
    assert_eq!(
        moved["current_phase"],
        json!({"start_date": END, "end_date": APRIL})
    );

    // At the last phase's end the schedule is released; the subscription goes on.
    api.advance(&clock, &MARCH.to_string()).await;
    api.advance(&clock, &APRIL.to_string()).await;
    let released = schedule_now(&api, &schedule).await;
    assert_fields(
        &released,
        json!({"status": "released", "subscription": null, "released_subscription": sub["id"],
               "released_at": APRIL, "current_phase": null}),
    );
    let sub = subscription_of(&api, &released).await;
    assert_eq!(sub["schedule"], Value::Null);
    assert_eq!(sub["status"], "active");
    assert_eq!(sub["current_period_start"], APRIL);
    assert_eq!(latest_due(&api, &sub).await, 5000);
    assert_events(
        &stripe,
        &[
            "subscription_schedule.created",
            "subscription_schedule.updated",
            "subscription_schedule.released",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn end_behavior_cancel_completes_the_schedule_and_cancels_its_subscription(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (clock, customer, _) = customer_and_price(&api).await;
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("end_behavior", "cancel"),
            ("phases[0][items][0][price]", PRO_MONTHLY),
            ("phases[0][items][0][quantity]", "3"),
            ("phases[0][end_date]", &END.to_string()),
        ],
    )
    .await;
    let sub = subscription_of(&api, &schedule).await;
    assert_eq!(latest_due(&api, &sub).await, 6000);
    api.advance(&clock, &(END + 3600).to_string()).await;
    let done = schedule_now(&api, &schedule).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["completed_at"], END);
    assert_eq!(done["subscription"], sub["id"]);
    let sub = subscription_of(&api, &done).await;
    assert_fields(&sub, json!({"status": "canceled", "ended_at": END}));
    assert_events(
        &stripe,
        &[
            "subscription_schedule.completed",
            "customer.subscription.deleted",
        ],
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_future_start_date_waits_not_started_until_the_clock_reaches_it(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (clock, customer, fifty) = customer_and_price(&api).await;
    let start = START + 10 * 86_400;
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("start_date", &start.to_string()),
            ("phases[0][items][0][price]", &fifty),
            ("phases[0][duration][interval]", "month"),
            ("phases[0][duration][interval_count]", "2"),
        ],
    )
    .await;
    assert_eq!(schedule["status"], "not_started");
    assert_eq!(schedule["subscription"], Value::Null);
    assert_eq!(schedule["current_phase"], Value::Null);
    assert_eq!(schedule["phases"][0]["start_date"], start);
    let (_, waiting) = api
        .get(
            "/v1/subscription_schedules",
            &[("customer", &customer), ("scheduled", "true")],
        )
        .await;
    assert_eq!(data(&waiting).len(), 1, "{waiting}");
    let (_, started) = api
        .get(
            "/v1/subscription_schedules",
            &[("customer", &customer), ("scheduled", "false")],
        )
        .await;
    assert_eq!(data(&started).len(), 0, "{started}");

    api.advance(&clock, &(start + 60).to_string()).await;
    let active = schedule_now(&api, &schedule).await;
    assert_eq!(active["status"], "active");
    let sub = subscription_of(&api, &active).await;
    assert_eq!(sub["start_date"], start);
    assert_eq!(sub["schedule"], id(&schedule));
    assert_eq!(items_of(&sub), [(fifty, 1)]);
    assert_eq!(latest_due(&api, &sub).await, 5000);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_schedule_from_a_subscription_is_updated_canceled_and_refuses_a_second(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (clock, customer, fifty) = customer_and_price(&api).await;
    let (sub, schedule) = pro_on_a_schedule(&api, &customer).await;
    assert_eq!(schedule["status"], "active");
    assert_eq!(schedule["subscription"], id(&sub));
    assert_eq!(
        schedule["current_phase"],
        json!({"start_date": START, "end_date": END})
    );
    assert_eq!(schedule["phases"][0]["items"][0]["price"], PRO_MONTHLY);
    assert_eq!(
        api.current("/v1/subscriptions", id(&sub)).await["schedule"],
        id(&schedule)
    );
    api.refused(
        "/v1/subscription_schedules",
        &[("from_subscription", id(&sub))],
        invalid("from_subscription"),
    )
    .await;

    // Halfway through January, two seats from now on, prorated; then $50 from February.
    api.advance(&clock, &HALF.to_string()).await;
    let path = format!("/v1/subscription_schedules/{}", id(&schedule));
    let updated = api
        .ok(
            &path,
            &[
                ("phases[0][start_date]", &START.to_string()),
                ("phases[0][items][0][price]", PRO_MONTHLY),
                ("phases[0][items][0][quantity]", "2"),
                ("phases[0][end_date]", &END.to_string()),
                ("phases[1][items][0][price]", &fifty),
                ("phases[1][iterations]", "1"),
                ("proration_behavior", "create_prorations"),
            ],
        )
        .await;
    assert_eq!(updated["phases"][1]["end_date"], MARCH);
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(items_of(&now), [(PRO_MONTHLY.to_owned(), 2)]);
    let prorated = amounts_of(&pending(&api, &now).await);
    assert_eq!(
        prorated.iter().sum::<i64>(),
        1000,
        "half a month of a second seat: {prorated:?}"
    );
    api.refused(
        &path,
        &[
            ("phases[0][start_date]", &HALF.to_string()),
            ("phases[0][items][0][price]", PRO_MONTHLY),
        ],
        invalid("phases[0][start_date]"),
    )
    .await;

    api.advance(&clock, &END.to_string()).await;
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(items_of(&now), [(fifty, 1)]);
    assert_eq!(latest_due(&api, &now).await, 6000, "$50 and the proration");

    let canceled = api.ok(&format!("{path}/cancel"), &[]).await;
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["canceled_at"], END);
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(now["status"], "canceled");
    for action in ["cancel", "release"] {
        let refused = api
            .refused(
                &format!("{path}/{action}"),
                &[],
                ("type", (400, "invalid_request_error")),
            )
            .await;
        assert_contains(&refused["error"]["message"], "`canceled` status");
    }
    assert_events(&stripe, &["subscription_schedule.canceled"]).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_canceled_schedule_invoices_its_proration_now_unless_told_not_to(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (clock, customer, _) = customer_and_price(&api).await;
    let mut schedules = Vec::new();
    for _ in 0..2 {
        let (sub, schedule) = pro_on_a_schedule(&api, &customer).await;
        schedules.push((schedule, sub["latest_invoice"].clone()));
    }
    api.advance(&clock, &HALF.to_string()).await;

    // Defaults: prorated, and the credit for half of January invoiced at once.
    let (schedule, first) = &schedules[0];
    let path = format!("/v1/subscription_schedules/{}/cancel", id(schedule));
    assert_eq!(api.ok(&path, &[]).await["status"], "canceled");
    let sub = subscription_of(&api, schedule).await;
    assert_eq!(sub["status"], "canceled");
    assert_ne!(&sub["latest_invoice"], first);
    let invoice = api.latest_invoice(&sub).await;
    assert_eq!(invoice["subscription"], id(&sub));
    assert_eq!(invoice["total"], -1000, "{invoice}");
    assert_eq!(invoice["amount_due"], 0);
    assert_eq!(invoice["status"], "paid");
    assert!(pending(&api, &sub).await.is_empty());
    let balance = api.current("/v1/customers", &customer).await["balance"].clone();
    assert_eq!(balance, -1000, "the credit goes to the customer's balance");

    // invoice_now=false: the credit stays pending.
    let (schedule, first) = &schedules[1];
    let path = format!("/v1/subscription_schedules/{}/cancel", id(schedule));
    api.ok(&path, &[("invoice_now", "false")]).await;
    let sub = subscription_of(&api, schedule).await;
    assert_eq!(sub["status"], "canceled");
    assert_eq!(&sub["latest_invoice"], first);
    assert_eq!(amounts_of(&pending(&api, &sub).await), [-1000]);
}

#[asym::clone("stripe", seed = "basic")]
async fn releasing_a_schedule_leaves_its_subscription_as_it_is(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, customer, fifty) = customer_and_price(&api).await;
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("phases[0][items][0][price]", &fifty),
            ("phases[0][iterations]", "3"),
        ],
    )
    .await;
    let released = api
        .ok(
            &format!("/v1/subscription_schedules/{}/release", id(&schedule)),
            &[("preserve_cancel_date", "true")],
        )
        .await;
    assert_eq!(released["status"], "released");
    assert_eq!(released["released_at"], START);
    assert_eq!(released["released_subscription"], schedule["subscription"]);
    let sub = subscription_of(&api, &released).await;
    assert_fields(&sub, json!({"status": "active", "schedule": null}));
    let (_, list) = api
        .get("/v1/subscription_schedules", &[("customer", &customer)])
        .await;
    assert_eq!(data(&list).len(), 1);
    assert_eq!(data(&list)[0]["status"], "released");
}

#[asym::clone("stripe", seed = "basic")]
async fn bad_phases_are_refused_as_stripe_refuses_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, customer, _) = customer_and_price(&api).await;
    let one_time = "price_SEEDshirt001";
    let past = (START - 86_400).to_string();
    let end = END.to_string();
    let c = customer.as_str();
    let item = ("phases[0][items][0][price]", PRO_MONTHLY);
    let cases: Vec<(Vec<(&str, &str)>, Refusal<'_>)> = vec![
        (vec![("customer", c)], invalid("phases")),
        (vec![item], invalid("customer")),
        (
            vec![("customer", c), ("phases[0][iterations]", "1")],
            invalid("phases[0][items]"),
        ),
        (
            vec![
                ("customer", c),
                item,
                ("phases[0][iterations]", "1"),
                ("phases[0][end_date]", &end),
            ],
            invalid("phases[0][iterations]"),
        ),
        (
            vec![("customer", c), item, ("start_date", &past)],
            invalid("start_date"),
        ),
        (
            vec![("customer", c), item, ("phases[0][end_date]", &past)],
            invalid("phases[0][end_date]"),
        ),
        (
            vec![("customer", c), ("phases[0][items][0][price]", one_time)],
            invalid("phases[0][items][0][price]"),
        ),
        (
            vec![
                ("customer", c),
                ("phases[0][items][0][price]", "price_nope"),
            ],
            MISSING,
        ),
        (
            vec![("customer", c), item, ("phases[0][iterations]", "0")],
            invalid("phases[0][iterations]"),
        ),
        (
            vec![("customer", c), item, ("end_behavior", "renew")],
            invalid("end_behavior"),
        ),
        (
            vec![
                ("customer", c),
                item,
                ("phases[0][default_tax_rates][0]", "txr_x"),
            ],
            invalid("phases[0][default_tax_rates]"),
        ),
        (
            vec![
                ("customer", c),
                item,
                ("phases[0][discounts][0][coupon]", "x"),
            ],
            ("param", (404, "phases[0][discounts][0][coupon]")),
        ),
        (
            vec![
                ("customer", c),
                item,
                ("phases[0][add_invoice_items][0][price]", PRO_MONTHLY),
            ],
            invalid("phases[0][add_invoice_items][0][price]"),
        ),
        (
            vec![("customer", c), item, ("phases[0][itemz]", "x")],
            UNKNOWN,
        ),
        (
            vec![("customer", c), ("from_subscription", "sub_x")],
            invalid("customer"),
        ),
        (vec![("from_subscription", "sub_x")], MISSING),
        (vec![("customer", "cus_nope"), item], MISSING),
        (vec![("customer", c), ("phases", "x")], invalid("phases")),
        (
            vec![("customer", c), ("phases[0][items]", "x")],
            invalid("phases[0][items]"),
        ),
        (
            vec![("customer", c), ("phases[0][items][0]", "x")],
            invalid("phases[0][items][0]"),
        ),
        (
            vec![("customer", c), item, ("phases[0][duration]", "x")],
            invalid("phases[0][duration]"),
        ),
        (
            vec![("customer", c), item, ("start_date", "soon")],
            invalid("start_date"),
        ),
    ];
    for (form, refusal) in cases {
        let answer = api.post("/v1/subscription_schedules", &form).await;
        expect_refusal(answer, refusal);
    }
    let (_, none) = api
        .get("/v1/subscription_schedules", &[("customer", c)])
        .await;
    assert_eq!(data(&none).len(), 0, "nothing refused is kept: {none}");
    let (status, body) = api.get("/v1/subscription_schedules/sub_sched_x", &[]).await;
    expect_refusal((status, body), MISSING);
}

#[asym::clone("stripe", seed = "basic")]
async fn phases_add_invoice_items_and_discounts_and_take_the_default_settings(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (clock, customer, fifty) = customer_and_price(&api).await;
    let half = api
        .ok(
            "/v1/coupons",
            &[("percent_off", "50"), ("duration", "forever")],
        )
        .await;
    let shirt = "price_SEEDshirt001";
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("phases[0][items][0][price]", PRO_MONTHLY),
            ("phases[0][iterations]", "1"),
            ("phases[0][add_invoice_items][0][price]", shirt),
            ("phases[0][add_invoice_items][0][quantity]", "2"),
            ("phases[0][discounts][0][coupon]", id(&half)),
            ("phases[1][items][0][price]", &fifty),
            ("phases[1][iterations]", "1"),
            ("phases[1][add_invoice_items][0][price]", shirt),
        ],
    )
    .await;
    let first = &schedule["phases"][0];
    assert_fields(
        &first["add_invoice_items"][0],
        json!({"price": shirt, "quantity": 2}),
    );
    assert_eq!(first["discounts"][0]["coupon"], id(&half));
    assert_eq!(schedule["phases"][1]["discounts"], json!([]));

    // The first phase's invoice bills its items and its added ones, at half price.
    let sub = subscription_of(&api, &schedule).await;
    assert_eq!(sub["discount"]["coupon"]["id"], id(&half), "{sub}");
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"subtotal": 7000, "amount_paid": 3500}));

    // Previews see the discount end with the phase, and a proposed phase's coupon.
    let preview = "/v1/invoices/create_preview";
    let next = api.ok(preview, &[("schedule", id(&schedule))]).await;
    assert_fields(&next, json!({"subtotal": 7500, "total": 7500}));
    let new = api
        .ok(
            preview,
            &[
                ("customer", &customer),
                ("schedule_details[phases][0][items][0][price]", PRO_MONTHLY),
                (
                    "schedule_details[phases][0][discounts][0][coupon]",
                    id(&half),
                ),
            ],
        )
        .await;
    assert_fields(&new, json!({"subtotal": 2000, "total": 1000}));

    // Default settings changed meanwhile apply from the next phase, which ends the discount
    // and bills its own added item on its first invoice.
    api.ok(
        &format!("/v1/subscription_schedules/{}", id(&schedule)),
        &[("default_settings[description]", "Second phase")],
    )
    .await;
    api.advance(&clock, &END.to_string()).await;
    let sub = subscription_of(&api, &schedule).await;
    assert_fields(
        &sub,
        json!({"discount": null, "description": "Second phase"}),
    );
    let invoice = api.latest_invoice(&sub).await;
    assert_fields(&invoice, json!({"subtotal": 7500, "amount_paid": 7500}));
}

#[asym::clone("stripe", seed = "basic")]
async fn a_schedule_is_previewed_by_id_or_by_proposed_phases(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (_, customer, fifty) = customer_and_price(&api).await;
    let shirt = "price_SEEDshirt001";
    let schedule = schedule_of(
        &api,
        &customer,
        &[
            ("end_behavior", "cancel"),
            ("phases[0][items][0][price]", PRO_MONTHLY),
            ("phases[0][iterations]", "1"),
            ("phases[1][items][0][price]", &fifty),
            ("phases[1][iterations]", "1"),
            ("phases[1][add_invoice_items][0][price]", shirt),
        ],
    )
    .await;
    let preview = "/v1/invoices/create_preview";
    // The renewal at the first phase's end bills the second phase's items and added item.
    let next = api.ok(preview, &[("schedule", id(&schedule))]).await;
    assert_fields(
        &next,
        json!({"subtotal": 7500, "billing_reason": "subscription_cycle", "period_end": END}),
    );
    let described: Vec<&str> = data(&next["lines"])
        .iter()
        .map(|l| l["description"].as_str().unwrap())
        .collect();
    assert_eq!(
        described,
        ["Asym T-shirt", "1 × Asym Pro (at $50.00 / month)"]
    );
    let (status, upcoming) = api
        .get("/v1/invoices/upcoming", &[("schedule", id(&schedule))])
        .await;
    assert_eq!((status, &upcoming["subtotal"]), (200, &json!(7500)));

    // Proposed phases for it: three seats after the first month.
    let first = &schedule["phases"][0];
    let (start, end) = (
        first["start_date"].to_string(),
        first["end_date"].to_string(),
    );
    let proposed = api
        .ok(
            preview,
            &[
                ("schedule", id(&schedule)),
                ("schedule_details[phases][0][start_date]", &start),
                ("schedule_details[phases][0][end_date]", &end),
                ("schedule_details[phases][0][items][0][price]", PRO_MONTHLY),
                ("schedule_details[phases][1][items][0][price]", PRO_MONTHLY),
                ("schedule_details[phases][1][items][0][quantity]", "3"),
            ],
        )
        .await;
    assert_eq!(proposed["subtotal"], 6000, "{proposed}");

    // A new schedule's first invoice; a schedule past its last phase has none.
    let new = api
        .ok(
            preview,
            &[
                ("customer", &customer),
                ("schedule_details[phases][0][items][0][price]", PRO_MONTHLY),
                ("schedule_details[phases][0][items][0][quantity]", "2"),
            ],
        )
        .await;
    assert_fields(
        &new,
        json!({"subtotal": 4000, "billing_reason": "subscription_create"}),
    );
    let ending = api
        .refused(
            preview,
            &[
                ("schedule", id(&schedule)),
                ("schedule_details[phases][0][start_date]", &start),
                ("schedule_details[phases][0][end_date]", &end),
                ("schedule_details[phases][0][items][0][price]", PRO_MONTHLY),
            ],
            ("code", (404, "invoice_upcoming_none")),
        )
        .await;
    assert!(
        ending["error"]["message"]
            .as_str()
            .unwrap()
            .contains(&customer)
    );
    api.refused(
        preview,
        &[
            ("customer", &customer),
            ("schedule_details[phases][0][items][0][price]", "price_nope"),
        ],
        (
            "param",
            (404, "schedule_details[phases][0][items][0][price]"),
        ),
    )
    .await;
    api.refused(
        preview,
        &[
            ("schedule", id(&schedule)),
            ("subscription", schedule["subscription"].as_str().unwrap()),
        ],
        ("type", (400, "invalid_request_error")),
    )
    .await;
    api.refused(
        preview,
        &[
            ("schedule_details[proration_behavior]", "none"),
            ("customer", &customer),
        ],
        invalid("schedule_details[proration_behavior]"),
    )
    .await;
}
