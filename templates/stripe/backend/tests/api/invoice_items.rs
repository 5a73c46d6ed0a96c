//! Invoice items updated and deleted, pending or on a draft invoice (whose lines and totals
//! follow), and refused once their invoice is finalized.

use crate::common::{Api, BOB, amounts, assert_events, data, expect_refusal, id, invalid};

#[asym::clone("stripe", seed = "basic")]
async fn invoice_items_are_updated_and_deleted_with_their_draft_lines(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let invoice = api.invoice_for_item(BOB, "1000").await;
    let item = data(&invoice["lines"])[0]["invoice_item"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/v1/invoiceitems/{item}");
    let rate = api.tax_rate("VAT", "20", false).await;
    let updated = api
        .ok(
            &path,
            &[
                ("unit_amount", "700"),
                ("quantity", "2"),
                ("description", "Two hours"),
                ("tax_rates[0]", id(&rate)),
                ("metadata[k]", "v"),
            ],
        )
        .await;
    assert_eq!(
        (
            updated["amount"].as_i64(),
            updated["quantity"].as_i64(),
            updated["description"].as_str(),
            updated["metadata"]["k"].as_str()
        ),
        (Some(1400), Some(2), Some("Two hours"), Some("v"))
    );
    let invoice_path = format!("/v1/invoices/{}", id(&invoice));
    let draft = api.current("/v1/invoices", id(&invoice)).await;
    assert_eq!(
        amounts(&draft, ["subtotal", "tax", "total"]),
        [1400, 280, 1680].map(Some),
        "{draft}"
    );
    assert_eq!(data(&draft["lines"])[0]["description"], "Two hours");

    // A second item, deleted: its line goes too.
    let second = api
        .ok(
            "/v1/invoiceitems",
            &[
                ("customer", BOB),
                ("amount", "500"),
                ("currency", "usd"),
                ("invoice", id(&invoice)),
            ],
        )
        .await;
    let (status, gone) = api
        .delete(&format!("/v1/invoiceitems/{}", id(&second)))
        .await;
    assert_eq!((status, gone["deleted"].as_bool()), (200, Some(true)));
    let draft = api.current("/v1/invoices", id(&invoice)).await;
    assert_eq!(
        (data(&draft["lines"]).len(), draft["total"].as_i64()),
        (1, Some(1680))
    );
    assert_events(&stripe, &["invoiceitem.updated", "invoiceitem.deleted"]).await;

    // Finalized: neither changes.
    api.ok(&format!("{invoice_path}/finalize"), &[]).await;
    api.refused(
        &path,
        &[("description", "late")],
        ("code", (400, "invoice_not_editable")),
    )
    .await;
    expect_refusal(api.delete(&path).await, invalid("invoice"));
}

#[asym::clone("stripe", seed = "basic")]
async fn an_item_of_a_price_is_described_by_its_product(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("customer", BOB),
        ("price", "price_SEEDshirt001"),
        ("quantity", "2"),
    ];
    let named = api.ok("/v1/invoiceitems", &form).await;
    assert_eq!(named["description"], "Asym T-shirt", "{named}");
    let mut own = form.to_vec();
    own.push(("description", "Two shirts"));
    let described = api.ok("/v1/invoiceitems", &own).await;
    assert_eq!(described["description"], "Two shirts");
    let bare = api
        .ok(
            "/v1/invoiceitems",
            &[("customer", BOB), ("amount", "300"), ("currency", "usd")],
        )
        .await;
    assert!(bare["description"].is_null(), "{bare}");
    let invoice = api
        .ok(
            "/v1/invoices",
            &[
                ("customer", BOB),
                ("pending_invoice_items_behavior", "include"),
            ],
        )
        .await;
    let mut lines: Vec<&str> = data(&invoice["lines"])
        .iter()
        .filter_map(|l| l["description"].as_str())
        .collect();
    lines.sort_unstable();
    assert_eq!(lines, ["Asym T-shirt", "Two shirts"]);
}
