//! Tax rates (create, retrieve, update, list) and the tax they add to invoices: exclusive on
//! top, inclusive within, after discounts, per line and in total, in both the older
//! (`tax_amounts`, `total_tax_amounts`) and the 2025-03-31 shape (`taxes`, `total_taxes`).

use asym_kit::testing::assert_contains;
use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, MISSING, PRO_MONTHLY, UNKNOWN, alice_subscription, amounts, assert_events,
    assert_fields, data, expect_refusal, id, invalid,
};

/// An invoice's totals, before and after discounts and tax.
const TOTALS: [&str; 6] = [
    "subtotal",
    "subtotal_excluding_tax",
    "total_excluding_tax",
    "tax",
    "total",
    "amount_due",
];

/// The form of an invoice item for Alice of `amount` cents (usd) at tax rate `rate`.
fn taxed_item<'a>(amount: &'a str, rate: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("customer", ALICE),
        ("amount", amount),
        ("currency", "usd"),
        ("tax_rates[]", rate),
    ]
}

#[asym::clone("stripe", seed = "basic")]
async fn tax_rates_are_created_retrieved_updated_and_listed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let vat = api
        .created(
            "/v1/tax_rates",
            &[
                ("display_name", "VAT"),
                ("description", "VAT Germany"),
                ("jurisdiction", "DE"),
                ("country", "DE"),
                ("percentage", "19.5"),
                ("inclusive", "false"),
                ("tax_type", "vat"),
                ("metadata[k]", "v"),
            ],
            "txr_",
        )
        .await;
    assert_fields(
        &vat,
        json!({"object": "tax_rate", "percentage": 19.5, "inclusive": false, "active": true,
               "tax_type": "vat", "metadata": {"k": "v"}}),
    );
    let path = format!("/v1/tax_rates/{}", id(&vat));
    assert_eq!(api.current("/v1/tax_rates", id(&vat)).await, vat);

    let updated = api
        .ok(&path, &[("active", "false"), ("display_name", "MwSt")])
        .await;
    assert_fields(&updated, json!({"active": false, "display_name": "MwSt"}));
    for fixed in ["percentage", "inclusive"] {
        let body = api.refused(&path, &[(fixed, "true")], UNKNOWN).await;
        assert_eq!(body["error"]["param"], fixed);
    }
    api.refused(
        "/v1/tax_rates",
        &[("display_name", "x"), ("inclusive", "false")],
        invalid("percentage"),
    )
    .await;
    expect_refusal(api.get("/v1/tax_rates/txr_nope", &[]).await, MISSING);

    let gst = api.tax_rate("GST", "10", true).await;
    let all = api.get("/v1/tax_rates", &[("limit", "1")]).await.1;
    assert_eq!(
        (id(&data(&all)[0]), all["has_more"].as_bool()),
        (id(&gst), Some(true))
    );
    let after = [("starting_after", id(&gst))];
    assert_eq!(
        id(&data(&api.get("/v1/tax_rates", &after).await.1)[0]),
        id(&vat)
    );
    let active = api.get("/v1/tax_rates", &[("active", "true")]).await.1;
    assert_eq!(data(&active).iter().map(id).collect::<Vec<_>>(), [id(&gst)]);
    let inclusive = api.get("/v1/tax_rates", &[("inclusive", "false")]).await.1;
    assert_eq!(
        data(&inclusive).iter().map(id).collect::<Vec<_>>(),
        [id(&vat)]
    );
    assert_events(&stripe, &["tax_rate.created", "tax_rate.updated"]).await;

    // An inactive rate cannot be applied to something new.
    api.refused(
        "/v1/invoiceitems",
        &taxed_item("100", id(&vat)),
        invalid("tax_rates[0]"),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn subscription_invoices_add_exclusive_tax_after_the_discount(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let rate = api.tax_rate("Sales tax", "10", false).await;
    let coupon = api
        .ok(
            "/v1/coupons",
            &[("percent_off", "50"), ("duration", "forever")],
        )
        .await;
    let form = alice_subscription(&[
        ("default_tax_rates[]", id(&rate)),
        ("discounts[0][coupon]", id(&coupon)),
    ]);
    let sub = api.ok("/v1/subscriptions", &form).await;
    assert_eq!(sub["default_tax_rates"][0]["id"], id(&rate));
    let invoice = &sub["latest_invoice"];
    // $20 − 50% = $10, + 10% = $11.
    let totals = amounts(invoice, TOTALS);
    assert_eq!(
        totals,
        [2000, 2000, 1000, 100, 1100, 1100].map(Some),
        "{invoice}"
    );
    assert_eq!(invoice["amount_paid"], 1100);
    assert_eq!(invoice["default_tax_rates"][0]["id"], id(&rate));
    let total = &invoice["total_taxes"][0];
    assert_fields(
        total,
        json!({"amount": 100, "taxable_amount": 1000, "tax_behavior": "exclusive",
               "type": "tax_rate_details"}),
    );
    assert_eq!(total["tax_rate_details"]["tax_rate"], id(&rate));
    let old = &invoice["total_tax_amounts"][0];
    assert_fields(
        old,
        json!({"amount": 100, "inclusive": false, "tax_rate": id(&rate)}),
    );
    let line = &invoice["lines"]["data"][0];
    assert_eq!(line["taxes"][0]["amount"], 100);
    assert_eq!(line["tax_amounts"][0]["amount"], 100);
    assert_eq!(api.charged_for(invoice).await, 1100);

    // Older versions get the older shape.
    let (_, old, _) = api
        .send(
            reqwest::Method::GET,
            &format!("/v1/invoices/{}", id(invoice)),
            &[],
            &[("Stripe-Version", "2024-04-10")],
        )
        .await;
    assert!(
        old.get("total_taxes").is_none() && old["total_tax_amounts"][0]["amount"] == 100,
        "{old}"
    );
    assert!(old["lines"]["data"][0].get("taxes").is_none());

    // A rate archived later shows as it is now wherever it is applied.
    let rate_path = format!("/v1/tax_rates/{}", id(&rate));
    api.ok(
        &rate_path,
        &[("active", "false"), ("display_name", "Old tax")],
    )
    .await;
    let now = api.current("/v1/subscriptions", id(&sub)).await;
    assert_eq!(now["default_tax_rates"][0]["active"], false, "{now}");
    let paid = api.current("/v1/invoices", id(invoice)).await;
    assert_eq!(paid["default_tax_rates"][0]["display_name"], "Old tax");
    assert_eq!(paid["total"], 1100, "its tax stays");
    api.ok(&rate_path, &[("active", "true")]).await;

    // Clearing the rates: the next invoice has no tax.
    let path = format!("/v1/subscriptions/{}", id(&sub));
    let cleared = api.ok(&path, &[("default_tax_rates", "")]).await;
    assert_eq!(cleared["default_tax_rates"], json!([]));
    let next = api
        .ok("/v1/invoices/create_preview", &[("subscription", id(&sub))])
        .await;
    // Proposed rates: the subscription's defaults, a new subscription's item.
    let proposals = [
        (
            ("subscription", id(&sub)),
            ("subscription_details[default_tax_rates][0]", id(&rate)),
            1100,
        ),
        (
            ("subscription_details[items][0][price]", PRO_MONTHLY),
            ("subscription_details[items][0][tax_rates][0]", id(&rate)),
            2200,
        ),
    ];
    for (what, rates, total) in proposals {
        let form = [("customer", ALICE), what, rates];
        let proposed = api.ok("/v1/invoices/create_preview", &form).await;
        assert_eq!(proposed["total"], total, "{proposed}");
        let line = &proposed["lines"]["data"][0];
        assert_eq!(line["taxes"][0]["tax_rate_details"]["tax_rate"], id(&rate));
    }
    let (_, upcoming) = api
        .get(
            "/v1/invoices/upcoming",
            &[
                ("customer", ALICE),
                ("subscription_items[0][price]", PRO_MONTHLY),
                ("subscription_default_tax_rates[0]", id(&rate)),
            ],
        )
        .await;
    assert_eq!(
        upcoming["tax"], 200,
        "a new subscription, undiscounted: {upcoming}"
    );
    assert_fields(&next, json!({"tax": null, "total": 1000}));
}

#[asym::clone("stripe", seed = "basic")]
async fn item_rates_override_the_defaults_and_inclusive_tax_is_within(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let vat = api.tax_rate("VAT", "20", true).await;
    let extra = api.tax_rate("Extra", "5", false).await;
    api.ok("/v1/invoiceitems", &taxed_item("1200", id(&vat)))
        .await;
    api.ok(
        "/v1/invoiceitems",
        &[("customer", ALICE), ("amount", "1000"), ("currency", "usd")],
    )
    .await;
    let invoice = api
        .ok(
            "/v1/invoices",
            &[
                ("customer", ALICE),
                ("pending_invoice_items_behavior", "include"),
                ("default_tax_rates[]", id(&extra)),
            ],
        )
        .await;
    // Line 1: $12 with $2 VAT inside; line 2: $10 + 5% = $0.50.
    let totals = amounts(&invoice, TOTALS);
    assert_eq!(
        totals,
        [2200, 2000, 2000, 250, 2250, 2250].map(Some),
        "{invoice}"
    );
    let lines = data(&invoice["lines"]);
    let vat_line = lines.iter().find(|l| l["amount"] == 1200).unwrap();
    assert_fields(
        &vat_line["taxes"][0],
        json!({"amount": 200, "tax_behavior": "inclusive", "taxable_amount": 1000}),
    );
    assert_eq!(vat_line["amount_excluding_tax"], 1000);
    assert_eq!(vat_line["tax_rates"][0]["id"], id(&vat));
    let rates: Vec<&str> = invoice["total_taxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tax_rate_details"]["tax_rate"].as_str().unwrap())
        .collect();
    assert_eq!(rates.len(), 2);

    // A draft's default rates change with an update, and its totals follow.
    let path = format!("/v1/invoices/{}", id(&invoice));
    let updated = api.ok(&path, &[("default_tax_rates", "")]).await;
    assert_eq!(
        amounts(&updated, ["tax", "total"]),
        [200, 2200].map(Some),
        "{updated}"
    );
    let finalized = api.ok(&format!("{path}/finalize"), &[]).await;
    assert_eq!(finalized["amount_due"], 2200);
}

#[asym::clone("stripe", seed = "basic")]
async fn subscription_item_rates_tax_their_line(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let rate = api.tax_rate("Sales tax", "8.25", false).await;
    let form = alice_subscription(&[("items[0][tax_rates][0]", id(&rate))]);
    let sub = api.ok("/v1/subscriptions", &form).await;
    assert_eq!(sub["items"]["data"][0]["tax_rates"][0]["id"], id(&rate));
    // 8.25% of $20 = $1.65.
    assert_eq!(sub["latest_invoice"]["total"], 2165, "{sub}");
    let item = sub["items"]["data"][0]["id"].as_str().unwrap();
    let path = format!("/v1/subscriptions/{}", id(&sub));
    let updated = api
        .ok(
            &path,
            &[("items[0][id]", item), ("items[0][tax_rates]", "")],
        )
        .await;
    assert_eq!(updated["items"]["data"][0]["tax_rates"], json!([]));
    api.refused(
        &path,
        &[
            ("items[0][id]", item),
            ("items[0][tax_rates][0]", "txr_nope"),
        ],
        ("param", (404, "items[0][tax_rates][0]")),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_price_s_tax_behavior_must_agree_with_its_rates(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let inclusive = [("tax_behavior", "inclusive")];
    let inclusive_price = api.monthly_price("1000", &inclusive).await;
    let exclusive = api.tax_rate("State tax", "10", false).await;
    let (status, body) = api
        .post(
            "/v1/subscriptions",
            &[
                ("customer", ALICE),
                ("items[0][price]", id(&inclusive_price)),
                ("items[0][tax_rates][0]", id(&exclusive)),
            ],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_contains(&body["error"]["message"], "conflicts with the tax rates");
}

#[asym::clone("stripe", seed = "basic")]
async fn checkout_line_items_are_taxed_at_their_rates(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let exclusive = api.tax_rate("Sales tax", "10", false).await;
    let mut form = vec![
        ("mode", "payment"),
        ("success_url", "https://example.com/ok"),
        ("line_items[0][price]", "price_SEEDshirt001"),
        ("line_items[0][quantity]", "2"),
        ("line_items[0][tax_rates][0]", id(&exclusive)),
    ];
    let session = api.ok("/v1/checkout/sessions", &form).await;
    // 2 × $25 + 10%.
    let totals = [
        &session["amount_subtotal"],
        &session["total_details"]["amount_tax"],
        &session["amount_total"],
    ]
    .map(Value::as_i64);
    assert_eq!(totals, [5000, 500, 5500].map(Some), "{session}");
    let path = format!("/v1/checkout/sessions/{}/line_items", id(&session));
    let items = api.get(&path, &[]).await.1;
    assert_eq!(data(&items)[0]["amount_tax"], 500);
    form.push(("line_items[0][dynamic_tax_rates][0]", id(&exclusive)));
    let param = "line_items[0][dynamic_tax_rates]";
    api.refused("/v1/checkout/sessions", &form, invalid(param))
        .await;
}
