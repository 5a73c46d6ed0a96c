//! Tiered prices: `billing_scheme=tiered` with `tiers` and `tiers_mode`, shown under
//! `expand[]=tiers`, refused as Stripe refuses them, and billed tier by tier on subscription
//! invoices, previews and invoice items.

use serde_json::{Value, json};

use crate::common::{ALICE, Api, UNKNOWN, assert_fields, data, id, invalid};

/// Three tiers: up to 5 at $10.00 plus $5.00 flat, up to 10 at $8.00, then $0.036 with a
/// $0.00 flat amount.
const TIERS: [(&str, &str); 7] = [
    ("tiers[0][up_to]", "5"),
    ("tiers[0][unit_amount]", "1000"),
    ("tiers[0][flat_amount]", "500"),
    ("tiers[1][up_to]", "10"),
    ("tiers[1][unit_amount_decimal]", "800"),
    ("tiers[2][up_to]", "inf"),
    ("tiers[2][unit_amount_decimal]", "3.6"),
];

/// A tiered price of `mode` on Asym Pro with [`TIERS`] and `extra` parameters.
async fn tiered(api: &Api, mode: &str, extra: &[(&str, &str)]) -> Value {
    let mut form = vec![
        ("product", "prod_SEEDpro000001"),
        ("currency", "usd"),
        ("billing_scheme", "tiered"),
        ("tiers_mode", mode),
    ];
    form.extend_from_slice(&TIERS);
    form.extend_from_slice(extra);
    api.ok("/v1/prices", &form).await
}

#[asym::clone("stripe", seed = "basic")]
async fn a_tiered_price_shows_its_tiers_only_when_expanded(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let price = tiered(&api, "graduated", &[("recurring[interval]", "month")]).await;
    assert_eq!(
        (
            &price["billing_scheme"],
            &price["tiers_mode"],
            &price["unit_amount"],
            &price["unit_amount_decimal"],
            price.get("tiers"),
        ),
        (
            &json!("tiered"),
            &json!("graduated"),
            &Value::Null,
            &Value::Null,
            None
        ),
        "{price}"
    );
    let expanded = api.expanded("/v1/prices", id(&price), "tiers").await;
    assert_eq!(
        expanded["tiers"],
        json!([
            {"flat_amount": 500, "flat_amount_decimal": "500", "unit_amount": 1000,
             "unit_amount_decimal": "1000", "up_to": 5},
            {"flat_amount": null, "flat_amount_decimal": null, "unit_amount": 800,
             "unit_amount_decimal": "800", "up_to": 10},
            {"flat_amount": null, "flat_amount_decimal": null, "unit_amount": null,
             "unit_amount_decimal": "3.6", "up_to": null},
        ])
    );
    let (_, page) = api
        .get(
            "/v1/prices",
            &[
                ("product", "prod_SEEDpro000001"),
                ("expand[]", "data.tiers"),
            ],
        )
        .await;
    let listed = data(&page).iter().find(|p| p["id"] == price["id"]).unwrap();
    assert_eq!(listed["tiers"], expanded["tiers"]);
    let plan = api.current("/v1/plans", id(&price)).await;
    assert_fields(
        &plan,
        json!({"amount": null, "billing_scheme": "tiered", "tiers_mode": "graduated"}),
    );
}

/// A refused create: its form, the parameter named and the message.
type Case = (
    Vec<(&'static str, &'static str)>,
    &'static str,
    &'static str,
);

#[asym::clone("stripe", seed = "basic")]
async fn tiers_are_refused_as_stripe_refuses_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let base = [
        ("product", "prod_SEEDpro000001"),
        ("currency", "usd"),
        ("billing_scheme", "tiered"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut form = base.to_vec();
        form.extend_from_slice(extra);
        form
    };
    let inf = [("tiers[0][up_to]", "inf"), ("tiers[0][unit_amount]", "100")];
    let cases: Vec<Case> = vec![
        (
            with(&inf),
            "tiers_mode",
            "Missing required param: tiers_mode.",
        ),
        (
            with(&[("tiers_mode", "volume")]),
            "tiers",
            "Missing required param: tiers.",
        ),
        (
            with(&[("tiers_mode", "stepped"), inf[0], inf[1]]),
            "tiers_mode",
            "Invalid tiers_mode: must be one of graduated or volume",
        ),
        (
            with(&[("tiers_mode", "volume"), ("tiers[0][up_to]", "5")]),
            "tiers[0][up_to]",
            "The last tier must have `up_to` set to `inf`.",
        ),
        (
            with(&[
                ("tiers_mode", "volume"),
                ("tiers[0][up_to]", "inf"),
                ("tiers[1][up_to]", "inf"),
            ]),
            "tiers[0][up_to]",
            "Only the last tier may have `up_to` set to `inf`.",
        ),
        (
            with(&[
                ("tiers_mode", "volume"),
                ("tiers[0][up_to]", "10"),
                ("tiers[1][up_to]", "10"),
                ("tiers[2][up_to]", "inf"),
            ]),
            "tiers[1][up_to]",
            "Each tier's `up_to` must be greater than the previous tier's.",
        ),
        (
            with(&[
                ("tiers_mode", "volume"),
                ("unit_amount", "100"),
                inf[0],
                inf[1],
            ]),
            "unit_amount",
            "You may not specify `unit_amount` when `billing_scheme` is `tiered`: each tier \
             has its own.",
        ),
        (
            with(&[
                ("tiers_mode", "volume"),
                inf[0],
                inf[1],
                ("tiers[0][unit_amount_decimal]", "1.5"),
            ]),
            "tiers[0][unit_amount]",
            "You may only specify one of these parameters: unit_amount, unit_amount_decimal.",
        ),
        (
            with(&[
                ("tiers_mode", "volume"),
                ("tiers[0][up_to]", "inf"),
                ("tiers[0][flat_amount_decimal]", "1.0000000000001"),
            ]),
            "tiers[0][flat_amount_decimal]",
            "Invalid decimal: 1.0000000000001",
        ),
        (
            vec![
                ("product", "prod_SEEDpro000001"),
                ("currency", "usd"),
                ("unit_amount", "100"),
                ("tiers_mode", "volume"),
            ],
            "tiers_mode",
            "You may only specify `tiers_mode` when `billing_scheme` is `tiered`.",
        ),
    ];
    for (form, param, message) in cases {
        let body = api.refused("/v1/prices", &form, invalid(param)).await;
        assert_eq!(body["error"]["message"], message, "{form:?}");
    }
    let mut typo = with(&[("tiers_mode", "volume"), inf[0], inf[1]]);
    typo.push(("tiers[0][amount]", "5"));
    let body = api.refused("/v1/prices", &typo, UNKNOWN).await;
    assert_eq!(body["error"]["param"], "tiers[0][amount]");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_subscription_bills_each_tier_reached(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let price = tiered(&api, "graduated", &[("recurring[interval]", "month")]).await;
    let form = [
        ("customer", ALICE),
        ("items[0][price]", id(&price)),
        ("items[0][quantity]", "12"),
        ("expand[]", "latest_invoice"),
    ];
    let preview = api
        .ok(
            "/v1/invoices/create_preview",
            &[
                ("customer", ALICE),
                ("subscription_details[items][0][price]", id(&price)),
                ("subscription_details[items][0][quantity]", "12"),
            ],
        )
        .await;
    let sub = api.ok("/v1/subscriptions", &form).await;
    let invoice = &sub["latest_invoice"];
    // 5 × $10.00 + $5.00, 5 × $8.00, 2 × $0.036 (7.2 cents, rounded) + $0.00.
    assert_eq!(invoice["amount_due"], 5000 + 500 + 4000 + 7, "{invoice}");
    let lines: Vec<Value> = data(&invoice["lines"])
        .iter()
        .map(|l| {
            json!([
                l["description"],
                l["quantity"],
                l["amount"],
                l["unit_amount_excluding_tax"]
            ])
        })
        .collect();
    assert_eq!(
        lines,
        [
            json!(["5 × Asym Pro (Tier 1 at $10.00 / month)", 5, 5000, "1000"]),
            json!(["Asym Pro (Tier 1 at $5.00 / month)", 0, 500, null]),
            json!(["5 × Asym Pro (Tier 2 at $8.00 / month)", 5, 4000, "800"]),
            json!(["2 × Asym Pro (Tier 3 at $0.036 / month)", 2, 7, "4"]),
        ]
    );
    assert_eq!(preview["amount_due"], invoice["amount_due"], "{preview}");
    assert_eq!(data(&preview["lines"]).len(), 4);
}

#[asym::clone("stripe", seed = "basic")]
async fn volume_tiers_bill_every_unit_at_the_tier_reached(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let price = tiered(&api, "volume", &[]).await;
    let item = |quantity: &'static str| {
        [
            ("customer", ALICE),
            ("price", id(&price)),
            ("quantity", quantity),
        ]
    };
    let seven = api.ok("/v1/invoiceitems", &item("7")).await;
    assert_fields(
        &seven,
        json!({"amount": 5600, "unit_amount": null, "unit_amount_decimal": "800"}),
    );
    let five = api.ok("/v1/invoiceitems", &item("5")).await;
    assert_eq!(five["amount"], 5500, "the first tier's flat amount too");
    let updated = api
        .ok(
            &format!("/v1/invoiceitems/{}", id(&five)),
            &[("quantity", "100")],
        )
        .await;
    assert_fields(
        &updated,
        json!({"amount": 360, "unit_amount_decimal": "3.6"}),
    );
    let body = api
        .refused("/v1/invoiceitems", &item("30000000"), invalid("quantity"))
        .await;
    assert_eq!(body["error"]["code"], "amount_too_large");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_plan_takes_tiers_as_a_price_does(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let mut form = vec![
        ("id", "tiered-gold"),
        ("currency", "usd"),
        ("interval", "month"),
        ("product", "prod_SEEDpro000001"),
        ("billing_scheme", "tiered"),
        ("tiers_mode", "volume"),
    ];
    form.extend_from_slice(&TIERS);
    let plan = api.ok("/v1/plans", &form).await;
    assert_eq!(
        (&plan["amount"], &plan["tiers_mode"], plan.get("tiers")),
        (&Value::Null, &json!("volume"), None),
        "{plan}"
    );
    let expanded = api.expanded("/v1/plans", "tiered-gold", "tiers").await;
    assert_eq!(expanded["tiers"][2]["unit_amount_decimal"], "3.6");
    let price = api.expanded("/v1/prices", "tiered-gold", "tiers").await;
    assert_eq!(price["tiers"], expanded["tiers"]);
    form[0] = ("id", "tiered-silver");
    form.push(("amount", "100"));
    api.refused("/v1/plans", &form, invalid("amount")).await;
}
