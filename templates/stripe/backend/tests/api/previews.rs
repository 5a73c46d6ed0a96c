//! Invoice previews: `POST /v1/invoices/create_preview` and `GET /v1/invoices/upcoming`.

use asym_kit::testing::{assert_prefix, pluck};
use serde_json::Value;

use crate::common::{Api, assert_error, data};

const BOB: &str = "cus_SEEDbob0000001";

#[asym::clone("stripe", seed = "subscriptions")]
async fn previews_show_the_next_invoice_without_storing_it(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let next = api
        .ok("/v1/invoices/create_preview", &[("customer", BOB)])
        .await;
    assert_eq!(next["object"], "invoice");
    assert_prefix(&next["id"], "upcoming_in_");
    assert_eq!(
        (
            next["amount_due"].as_i64(),
            next["billing_reason"].as_str(),
            next["status"].as_str()
        ),
        (Some(2000), Some("subscription_cycle"), Some("draft"))
    );
    assert_eq!(next["subscription"], "sub_SEEDbob0000001");
    let line = &next["lines"]["data"][0];
    assert_eq!(
        line["period"]["start"], 1_702_592_100,
        "the period after the current one"
    );
    assert_eq!(line["subscription_item"], "si_SEEDbob0000001");
    let (_, stored) = api.get("/v1/invoices", &[("customer", BOB)]).await;
    assert_eq!(data(&stored).len(), 1, "nothing stored");

    let (status, upcoming) = api.get("/v1/invoices/upcoming", &[("customer", BOB)]).await;
    assert_eq!(
        (status, upcoming.get("id")),
        (200, None),
        "the older form has no id"
    );
    assert_eq!(upcoming["amount_due"], 2000);

    let more = api
        .ok(
            "/v1/invoices/create_preview",
            &[
                ("subscription", "sub_SEEDbob0000001"),
                ("subscription_details[items][0][id]", "si_SEEDbob0000001"),
                ("subscription_details[items][0][quantity]", "3"),
            ],
        )
        .await;
    assert_eq!(more["amount_due"], 6000, "proposed quantity");
    api.ok(
        "/v1/invoiceitems",
        &[("customer", BOB), ("amount", "500"), ("currency", "usd")],
    )
    .await;
    let (_, with_item) = api
        .get(
            "/v1/invoices/upcoming",
            &[
                ("customer", BOB),
                ("subscription_items[0][id]", "si_SEEDbob0000001"),
                ("subscription_items[0][price]", "price_SEEDproYear01"),
            ],
        )
        .await;
    let lines = with_item["lines"]["data"].as_array().unwrap();
    assert_eq!(
        pluck(&with_item["lines"]["data"], "type"),
        ["subscription", "invoiceitem"]
    );
    assert!(
        lines[0].get("invoice_item").is_none(),
        "a subscription line names no item"
    );
    assert_prefix(&lines[1]["invoice_item"], "ii_");
    assert_eq!(with_item["amount_due"], 20000 + 500, "{with_item}");
    let (_, page) = api
        .get(
            "/v1/invoices/upcoming/lines",
            &[("customer", BOB), ("limit", "1")],
        )
        .await;
    assert_eq!(
        (page["object"].as_str(), page["has_more"].as_bool()),
        (Some("list"), Some(true)),
        "{page}"
    );
    assert_eq!(page["data"][0]["type"], "subscription");
    assert_eq!(page["url"], "/v1/invoices/upcoming/lines");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_new_subscription_can_be_previewed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let carol = "cus_SEEDcarol00001";
    let first = api
        .ok(
            "/v1/invoices/create_preview",
            &[
                ("customer", carol),
                (
                    "subscription_details[items][0][price]",
                    "price_SEEDproMonth1",
                ),
                ("subscription_details[items][0][quantity]", "2"),
            ],
        )
        .await;
    assert_eq!(
        (
            first["amount_due"].as_i64(),
            first["billing_reason"].as_str()
        ),
        (Some(4000), Some("subscription_create"))
    );
    assert_eq!(first["subscription"], Value::Null);

    let (status, none) = api
        .post("/v1/invoices/create_preview", &[("customer", carol)])
        .await;
    assert_error(status, &none, "code", (404, "invoice_upcoming_none"));
    assert_eq!(
        none["error"]["message"],
        format!("No upcoming invoices for customer: {carol}")
    );
    for (form, code) in [
        (vec![], (400, "parameter_missing")),
        (vec![("customer", "cus_nope")], (404, "resource_missing")),
        (
            vec![
                ("customer", carol),
                ("subscription_details[items][0][price]", "price_nope"),
            ],
            (404, "resource_missing"),
        ),
    ] {
        let (status, err) = api.post("/v1/invoices/create_preview", &form).await;
        assert_error(status, &err, "code", code);
    }
}
