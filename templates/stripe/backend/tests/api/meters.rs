//! Usage-based billing: meters, meter events and their summaries, and a metered price with a
//! `recurring[meter]` billing a subscription the usage of the period just ended.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, BOB, MISSING, Refusal, assert_fields, data, expect_refusal, id, invalid,
};
use crate::prorations::{END, START};

/// 2026-03-01 00:00 UTC.
const MARCH: i64 = 1_772_323_200;

/// A meter of `event_name` aggregating by `formula`.
async fn meter(api: &Api, event_name: &str, formula: &str) -> Value {
    api.ok(
        "/v1/billing/meters",
        &[
            ("display_name", "API calls"),
            ("event_name", event_name),
            ("default_aggregation[formula]", formula),
        ],
    )
    .await
}

/// Records a meter event of `event_name` for `customer`, `value` at `timestamp`.
async fn record(api: &Api, event_name: &str, customer: &str, value: &str, timestamp: i64) -> Value {
    api.ok(
        "/v1/billing/meter_events",
        &[
            ("event_name", event_name),
            ("payload[stripe_customer_id]", customer),
            ("payload[value]", value),
            ("timestamp", &timestamp.to_string()),
        ],
    )
    .await
}

/// The form of a $0.05 monthly price of Asym Pro of `usage` type on `meter`.
fn metered_price<'a>(meter: &'a str, usage: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("product", "prod_SEEDpro000001"),
        ("currency", "usd"),
        ("unit_amount", "5"),
        ("recurring[interval]", "month"),
        ("recurring[usage_type]", usage),
        ("recurring[meter]", meter),
    ]
}

/// The `aggregated_value` of `customer`'s usage of `meter` over `[start, end)`.
async fn summary(api: &Api, meter: &str, customer: &str, (start, end): (i64, i64)) -> Value {
    let (status, list) = api
        .get(
            &format!("/v1/billing/meters/{meter}/event_summaries"),
            &[
                ("customer", customer),
                ("start_time", &start.to_string()),
                ("end_time", &end.to_string()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(data(&list)[0]["object"], "billing.meter_event_summary");
    data(&list)[0]["aggregated_value"].clone()
}

#[asym::clone("stripe", seed = "basic")]
async fn meters_are_created_updated_listed_deactivated_and_reactivated(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let created = meter(&api, "api_calls", "sum").await;
    assert!(id(&created).starts_with("mtr_"), "{created}");
    assert_fields(
        &created,
        json!({"object": "billing.meter", "status": "active",
               "customer_mapping": {"event_payload_key": "stripe_customer_id", "type": "by_id"},
               "value_settings": {"event_payload_key": "value"}}),
    );
    let path = format!("/v1/billing/meters/{}", id(&created));
    let renamed = api.ok(&path, &[("display_name", "Calls")]).await;
    assert_eq!(renamed["display_name"], "Calls");
    let inactive = api.ok(&format!("{path}/deactivate"), &[]).await;
    assert_eq!(inactive["status"], "inactive");
    assert!(inactive["status_transitions"]["deactivated_at"].is_i64());
    let (_, active) = api.get("/v1/billing/meters", &[("status", "active")]).await;
    assert_eq!(data(&active).len(), 0, "{active}");
    api.refused(
        "/v1/billing/meter_events",
        &[
            ("event_name", "api_calls"),
            ("payload[stripe_customer_id]", ALICE),
            ("payload[value]", "1"),
        ],
        invalid("event_name"),
    )
    .await;
    api.refused(
        &format!("{path}/deactivate"),
        &[],
        ("type", (400, "invalid_request_error")),
    )
    .await;
    let again = api.ok(&format!("{path}/reactivate"), &[]).await;
    assert_eq!(again["status"], "active");
    assert_eq!(again["status_transitions"]["deactivated_at"], Value::Null);
    let (_, all) = api.get("/v1/billing/meters", &[]).await;
    assert_eq!(data(&all)[0]["id"], id(&created));
}

#[asym::clone("stripe", seed = "basic")]
async fn a_metered_price_bills_the_usage_of_the_period_just_ended(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let calls = meter(&api, "calls", "sum").await;
    let price = api
        .ok("/v1/prices", &metered_price(id(&calls), "metered"))
        .await;
    assert_eq!(price["recurring"]["meter"], id(&calls));
    let clock = api.test_clock(START).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let sub = api
        .ok(
            "/v1/subscriptions",
            &[
                ("customer", id(&customer)),
                ("items[0][price]", id(&price)),
                ("expand[]", "latest_invoice"),
            ],
        )
        .await;
    assert_eq!(sub["latest_invoice"]["amount_due"], 0, "nothing used yet");
    assert!(sub["items"]["data"][0].get("_billed_until").is_none());

    let event = record(&api, "calls", id(&customer), "100", START + 86_400).await;
    assert_eq!(
        (
            &event["object"],
            &event["payload"]["value"],
            event.get("id")
        ),
        (&json!("billing.meter_event"), &json!("100"), None)
    );
    assert!(event["identifier"].as_str().unwrap().len() > 4);
    record(&api, "calls", id(&customer), "50", START + 2 * 86_400).await;
    record(&api, "calls", ALICE, "999", START + 86_400).await;
    record(&api, "calls", id(&customer), "7", END + 86_400).await;
    assert_eq!(
        summary(&api, id(&calls), id(&customer), (START, END)).await,
        150.0
    );

    api.advance(id(&clock), &END.to_string()).await;
    let now = api
        .expanded("/v1/subscriptions", id(&sub), "latest_invoice")
        .await;
    let invoice = &now["latest_invoice"];
    let line = &data(&invoice["lines"])[0];
    assert_fields(
        line,
        json!({"quantity": 150, "amount": 750, "period": {"start": START, "end": END}}),
    );
    assert_eq!(invoice["amount_paid"], 750);
    // The renewal's event names what changed, never the clone's internal fields.
    let (_, events) = api
        .get(
            "/v1/events",
            &[("type", "customer.subscription.updated"), ("limit", "100")],
        )
        .await;
    assert!(!data(&events).is_empty(), "{events}");
    for event in data(&events) {
        let previous = event["data"]["previous_attributes"].to_string();
        assert!(!previous.contains("\"_"), "{previous}");
    }

    api.advance(id(&clock), &MARCH.to_string()).await;
    let now = api
        .expanded("/v1/subscriptions", id(&sub), "latest_invoice")
        .await;
    let line = &data(&now["latest_invoice"]["lines"])[0];
    assert_fields(
        line,
        json!({"quantity": 7, "period": {"start": END, "end": MARCH}}),
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn counts_and_last_values_aggregate_as_their_formula_says(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let count = meter(&api, "logins", "count").await;
    let last = meter(&api, "seats", "last").await;
    for (n, value) in ["3", "9", "4"].into_iter().enumerate() {
        let at = START + i64::try_from(n).unwrap() * 60;
        record(&api, "logins", BOB, "1", at).await;
        record(&api, "seats", BOB, value, at).await;
    }
    let range = (START, START + 3600);
    assert_eq!(summary(&api, id(&count), BOB, range).await, 3.0);
    assert_eq!(summary(&api, id(&last), BOB, range).await, 4.0);
    assert_eq!(summary(&api, id(&last), ALICE, range).await, 0.0);
}

#[asym::clone("stripe", seed = "basic")]
async fn bad_meters_and_events_are_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let calls = meter(&api, "calls", "sum").await;
    api.ok(
        "/v1/billing/meter_events",
        &[
            ("event_name", "calls"),
            ("identifier", "once"),
            ("payload[stripe_customer_id]", ALICE),
            ("payload[value]", "1"),
        ],
    )
    .await;
    let meter_cases: Vec<(Vec<(&str, &str)>, Refusal<'_>)> = vec![
        (
            vec![("event_name", "x"), ("default_aggregation[formula]", "sum")],
            invalid("display_name"),
        ),
        (
            vec![
                ("display_name", "x"),
                ("default_aggregation[formula]", "sum"),
            ],
            invalid("event_name"),
        ),
        (
            vec![("display_name", "x"), ("event_name", "x")],
            invalid("default_aggregation[formula]"),
        ),
        (
            vec![
                ("display_name", "x"),
                ("event_name", "x"),
                ("default_aggregation[formula]", "avg"),
            ],
            invalid("default_aggregation[formula]"),
        ),
        (
            vec![
                ("display_name", "x"),
                ("event_name", "calls"),
                ("default_aggregation[formula]", "sum"),
            ],
            invalid("event_name"),
        ),
    ];
    for (form, refusal) in meter_cases {
        expect_refusal(api.post("/v1/billing/meters", &form).await, refusal);
    }
    let event_cases: Vec<(Vec<(&str, &str)>, Refusal<'_>)> = vec![
        (vec![("event_name", "calls")], invalid("payload")),
        (
            vec![("event_name", "nope"), ("payload[value]", "1")],
            invalid("event_name"),
        ),
        (
            vec![("event_name", "calls"), ("payload[value]", "1")],
            invalid("payload[stripe_customer_id]"),
        ),
        (
            vec![
                ("event_name", "calls"),
                ("payload[stripe_customer_id]", "cus_nope"),
                ("payload[value]", "1"),
            ],
            MISSING,
        ),
        (
            vec![
                ("event_name", "calls"),
                ("payload[stripe_customer_id]", ALICE),
                ("payload[value]", "lots"),
            ],
            invalid("payload[value]"),
        ),
        (
            vec![
                ("event_name", "calls"),
                ("identifier", "once"),
                ("payload[stripe_customer_id]", ALICE),
                ("payload[value]", "1"),
            ],
            invalid("identifier"),
        ),
    ];
    for (form, refusal) in event_cases {
        expect_refusal(api.post("/v1/billing/meter_events", &form).await, refusal);
    }
    api.refused("/v1/prices", &metered_price("mtr_nope", "metered"), MISSING)
        .await;
    api.refused(
        "/v1/prices",
        &metered_price(id(&calls), "licensed"),
        invalid("recurring[meter]"),
    )
    .await;
    let summaries = format!("/v1/billing/meters/{}/event_summaries", id(&calls));
    for (query, param) in [
        (vec![("start_time", "1"), ("end_time", "2")], "customer"),
        (
            vec![("customer", ALICE), ("start_time", "5"), ("end_time", "2")],
            "end_time",
        ),
        (
            vec![
                ("customer", ALICE),
                ("start_time", "1"),
                ("end_time", "2"),
                ("value_grouping_window", "day"),
            ],
            "value_grouping_window",
        ),
    ] {
        expect_refusal(api.get(&summaries, &query).await, invalid(param));
    }
    let (status, body) = api.get("/v1/billing/meters/mtr_nope", &[]).await;
    expect_refusal((status, body), MISSING);
}
