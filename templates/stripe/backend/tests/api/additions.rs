//! `add_invoice_items` on a subscription's create and update: one-time prices billed on its
//! next invoice (the first one, on a create), refused by name where Stripe refuses them.

use serde_json::json;

use crate::common::{ALICE, Api, MISSING, PRO_MONTHLY, assert_fields, expect_refusal, id, invalid};
use crate::prorations::{END, HALF, invoices_of, subscribed};

#[asym::clone("stripe", seed = "basic")]
async fn added_invoice_items_are_billed_on_the_next_invoice(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("customer", ALICE),
        ("items[0][price]", PRO_MONTHLY),
        ("add_invoice_items[0][price]", "price_SEEDshirt001"),
        ("add_invoice_items[0][quantity]", "2"),
        (
            "add_invoice_items[1][price_data][product]",
            "prod_SEEDshirt0001",
        ),
        ("add_invoice_items[1][price_data][currency]", "usd"),
        ("add_invoice_items[1][price_data][unit_amount]", "500"),
        ("add_invoice_items[1][metadata][kind]", "setup"),
        ("expand[]", "latest_invoice"),
    ];
    let sub = api.ok("/v1/subscriptions", &form).await;
    let invoice = &sub["latest_invoice"];
    let lines: Vec<i64> = invoice["lines"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["amount"].as_i64().unwrap())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [500, 2000, 5000], "{invoice}");
    assert_fields(invoice, json!({"total": 7500, "status": "paid"}));

    // On an update, they wait for the next renewal.
    let (clock, clocked, _) = subscribed(&api, &[], HALF).await;
    let path = format!("/v1/subscriptions/{}", id(&clocked));
    api.ok(
        &path,
        &[("add_invoice_items[0][price]", "price_SEEDshirt001")],
    )
    .await;
    api.advance(&clock, &(END + 3600).to_string()).await;
    let renewal = &invoices_of(&api, &clocked).await[0];
    assert_eq!(renewal["total"], 4500, "{renewal}");

    let base = [("customer", ALICE), ("items[0][price]", PRO_MONTHLY)];
    let cases = [
        (
            ("add_invoice_items[0][price]", PRO_MONTHLY),
            "add_invoice_items[0][price]",
        ),
        (
            ("add_invoice_items[0][quantity]", "-1"),
            "add_invoice_items[0][price]",
        ),
        (
            ("add_invoice_items[0][discounts][0][coupon]", "X"),
            "add_invoice_items[0][discounts]",
        ),
    ];
    for ((key, value), param) in cases {
        let mut form = base.to_vec();
        form.push((key, value));
        api.refused("/v1/subscriptions", &form, invalid(param))
            .await;
    }
    let mut form = base.to_vec();
    form.push(("add_invoice_items[0][price]", "price_nope"));
    let body = expect_refusal(api.post("/v1/subscriptions", &form).await, MISSING);
    assert_eq!(
        body["error"]["param"], "add_invoice_items[0][price]",
        "{body}"
    );
}
