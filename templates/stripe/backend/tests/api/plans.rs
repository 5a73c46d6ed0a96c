//! Plans: recurring prices seen as the legacy `plan`, created, read, listed, updated,
//! subscribed to and deleted through `/v1/plans`.

use serde_json::json;

use crate::common::{
    ALICE, Api, MISSING, PRO_MONTHLY, assert_fields, data, expect_refusal, id, invalid,
};

#[asym::clone("stripe", seed = "basic")]
async fn a_plan_is_a_recurring_price_under_its_legacy_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("id", "gold"),
        ("amount", "1500"),
        ("currency", "usd"),
        ("interval", "month"),
        ("product[name]", "Gold"),
        ("nickname", "Gold monthly"),
        ("trial_period_days", "7"),
    ];
    let plan = api.ok("/v1/plans", &form).await;
    assert_fields(
        &plan,
        json!({"id": "gold", "object": "plan", "amount": 1500, "interval": "month",
               "interval_count": 1, "trial_period_days": 7}),
    );
    assert!(plan["product"].as_str().unwrap().starts_with("prod_"));
    assert_eq!(api.current("/v1/plans", "gold").await, plan);
    let price = api.current("/v1/prices", "gold").await;
    assert_fields(&price, json!({"object": "price", "unit_amount": 1500}));
    // Every recurring price reads as a plan; a one-time price does not.
    assert_eq!(api.current("/v1/plans", PRO_MONTHLY).await["amount"], 2000);
    let body = expect_refusal(api.get("/v1/plans/price_SEEDshirt001", &[]).await, MISSING);
    assert_eq!(
        body["error"]["message"],
        "No such plan: 'price_SEEDshirt001'"
    );
    let (_, page) = api.get("/v1/plans", &[("limit", "100")]).await;
    assert!(data(&page).iter().all(|p| p["object"] == "plan"), "{page}");
    assert!(data(&page).iter().any(|p| p["id"] == "gold"), "{page}");
    assert_eq!(page["url"], "/v1/plans");

    let updated = api
        .ok(
            "/v1/plans/gold",
            &[("nickname", "Gold"), ("metadata[tier]", "3")],
        )
        .await;
    assert_eq!(
        (
            updated["nickname"].as_str(),
            updated["metadata"]["tier"].as_str()
        ),
        (Some("Gold"), Some("3"))
    );
    // The plan's trial applies when asked for with trial_from_plan, as on Stripe.
    let sub = [("customer", ALICE), ("items[0][plan]", "gold")];
    let plain = api.ok("/v1/subscriptions", &sub).await;
    assert_eq!(plain["status"], "active", "{plain}");
    let mut form = sub.to_vec();
    form.push(("trial_from_plan", "true"));
    let subscribed = api.ok("/v1/subscriptions", &form).await;
    assert_eq!(
        subscribed["items"]["data"][0]["plan"]["id"], "gold",
        "{subscribed}"
    );
    let trial =
        subscribed["trial_end"].as_i64().unwrap() - subscribed["trial_start"].as_i64().unwrap();
    assert_eq!(
        (subscribed["status"].as_str(), trial),
        (Some("trialing"), 7 * 86_400)
    );

    let (status, deleted) = api.delete("/v1/plans/gold").await;
    assert_eq!(
        (status, deleted["deleted"].as_bool()),
        (200, Some(true)),
        "{deleted}"
    );
    expect_refusal(api.get("/v1/plans/gold", &[]).await, MISSING);
    let sub_now = api.current("/v1/subscriptions", id(&subscribed)).await;
    assert_eq!(sub_now["plan"]["id"], "gold");
}

#[asym::clone("stripe", seed = "basic")]
async fn plan_refusals_name_the_plans_parameters(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let base = [("currency", "usd"), ("product", "prod_SEEDpro000001")];
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("interval", "month")], "amount"),
        (&[("amount", "100"), ("interval", "fortnight")], "interval"),
        (&[("amount", "100")], "interval"),
        (&[("amount", "100000000"), ("interval", "month")], "amount"),
        (
            &[
                ("amount", "100"),
                ("interval", "month"),
                ("interval_count", "37"),
            ],
            "interval_count",
        ),
        (
            &[
                ("amount", "100"),
                ("interval", "month"),
                ("id", PRO_MONTHLY),
            ],
            "id",
        ),
        (
            &[
                ("amount", "100"),
                ("interval", "month"),
                ("tiers_mode", "graduated"),
            ],
            "tiers_mode",
        ),
    ];
    for (extra, param) in cases {
        let mut form = base.to_vec();
        form.extend_from_slice(extra);
        api.refused("/v1/plans", &form, invalid(param)).await;
    }
    let missing = [
        ("amount", "100"),
        ("currency", "usd"),
        ("interval", "month"),
    ];
    api.refused("/v1/plans", &missing, invalid("product")).await;
}
