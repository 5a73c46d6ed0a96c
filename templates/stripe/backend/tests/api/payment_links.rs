//! Payment links: created from line items of prices (a recurring and a one-time price
//! together), read, updated (deactivated, a line's quantity, metadata, after_completion),
//! listed with their line items, and Stripe's refusals.

use asym_kit::testing::{assert_contains, assert_prefix};
use serde_json::json;

use crate::common::{
    Api, MISSING, PRO_MONTHLY, UNKNOWN, assert_events, assert_fields, data, expect_refusal, id,
    invalid,
};

const SHIRT: &str = "price_SEEDshirt001";

#[asym::clone("stripe", seed = "basic")]
async fn a_payment_link_sells_its_lines_at_a_buy_address_and_is_updated(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("line_items[0][price]", PRO_MONTHLY),
        ("line_items[0][quantity]", "2"),
        ("line_items[1][price]", SHIRT),
        ("line_items[1][quantity]", "1"),
        ("after_completion[type]", "redirect"),
        (
            "after_completion[redirect][url]",
            "https://example.com/thanks",
        ),
        ("metadata[campaign]", "spring"),
    ];
    let link = api.created("/v1/payment_links", &form, "plink_").await;
    assert_fields(
        &link,
        json!({"object": "payment_link", "active": true, "currency": "usd",
               "metadata": {"campaign": "spring"},
               "after_completion": {"redirect": {"url": "https://example.com/thanks"},
                                    "type": "redirect"}}),
    );
    assert_prefix(&link["url"], "https://buy.stripe.com/test_");
    assert!(link.get("line_items").is_none(), "includable only: {link}");
    assert_eq!(api.current("/v1/payment_links", id(&link)).await, link);

    let path = format!("/v1/payment_links/{}/line_items", id(&link));
    let (_, lines) = api.get(&path, &[]).await;
    let got: Vec<_> = data(&lines)
        .iter()
        .map(|l| {
            (
                l["price"]["id"].clone(),
                l["quantity"].clone(),
                l["amount_total"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (json!(PRO_MONTHLY), json!(2), json!(4000)),
            (json!(SHIRT), json!(1), json!(2500)),
        ]
    );
    assert_fields(&lines, json!({"object": "list", "url": path}));
    let expanded = api
        .ok(
            &format!("/v1/payment_links/{}", id(&link)),
            &[("expand[]", "line_items")],
        )
        .await;
    assert_eq!(data(&expanded["line_items"]).len(), 2, "{expanded}");

    let pro_line = data(&lines)[0]["id"].as_str().unwrap().to_owned();
    let update = [
        ("active", "false"),
        ("line_items[0][id]", pro_line.as_str()),
        ("line_items[0][quantity]", "3"),
        ("metadata[campaign]", ""),
        ("after_completion[type]", "hosted_confirmation"),
        (
            "after_completion[hosted_confirmation][custom_message]",
            "Thanks!",
        ),
    ];
    let updated = api
        .ok(&format!("/v1/payment_links/{}", id(&link)), &update)
        .await;
    assert_fields(
        &updated,
        json!({"active": false, "metadata": {}, "url": link["url"],
               "after_completion": {"hosted_confirmation": {"custom_message": "Thanks!"},
                                    "type": "hosted_confirmation"}}),
    );
    let (_, lines) = api.get(&path, &[]).await;
    assert_eq!(
        (&data(&lines)[0]["id"], &data(&lines)[0]["quantity"]),
        (&json!(pro_line), &json!(3))
    );
    assert_eq!(data(&lines)[0]["amount_total"], 6000);

    let (_, inactive) = api.get("/v1/payment_links", &[("active", "false")]).await;
    assert_eq!(data(&inactive).len(), 1, "{inactive}");
    assert_eq!(
        data(&inactive)[0],
        updated,
        "a list answers what a retrieve does"
    );
    let (_, active) = api.get("/v1/payment_links", &[("active", "true")]).await;
    assert!(data(&active).is_empty(), "{active}");
    assert_events(&stripe, &["payment_link.created", "payment_link.updated"]).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn payment_links_are_refused_as_stripe_refuses_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let old = api.monthly_price("700", &[]).await;
    let path = format!("/v1/prices/{}", id(&old));
    api.ok(&path, &[("active", "false")]).await;
    let body = api
        .refused(
            "/v1/payment_links",
            &[
                ("line_items[0][price]", id(&old)),
                ("line_items[0][quantity]", "1"),
            ],
            invalid("line_items[0][price]"),
        )
        .await;
    assert_contains(&body["error"]["message"], "The price specified is inactive");
    let shirt = [
        ("line_items[0][price]", SHIRT),
        ("line_items[0][quantity]", "1"),
    ];
    let with = |extra: (&'static str, &'static str)| {
        let mut form = shirt.to_vec();
        form.push(extra);
        form
    };
    let cases = [
        (vec![], ("code", (400, "parameter_missing"))),
        (
            vec![
                ("line_items[0][price]", "price_nope"),
                ("line_items[0][quantity]", "1"),
            ],
            MISSING,
        ),
        (
            vec![("line_items[0][price]", SHIRT)],
            invalid("line_items[0][quantity]"),
        ),
        (with(("active", "false")), UNKNOWN),
        (
            with(("allow_promotion_codes", "true")),
            invalid("allow_promotion_codes"),
        ),
        (
            with(("after_completion[type]", "redirect")),
            invalid("after_completion[redirect][url]"),
        ),
        (
            with(("after_completion[type]", "elsewhere")),
            invalid("after_completion[type]"),
        ),
        (
            with(("after_completion[redirect][url]", "not a url")),
            invalid("after_completion[type]"),
        ),
    ];
    for (form, refusal) in cases {
        let answer = api.post("/v1/payment_links", &form).await;
        expect_refusal(answer, refusal);
    }
    let (_, page) = api.get("/v1/payment_links", &[]).await;
    assert!(data(&page).is_empty(), "nothing refused was kept: {page}");

    let link = api.created("/v1/payment_links", &shirt, "plink_").await;
    let path = format!("/v1/payment_links/{}", id(&link));
    let unknown_line = [
        ("line_items[0][id]", "li_nope"),
        ("line_items[0][quantity]", "2"),
    ];
    api.refused(&path, &unknown_line, MISSING).await;
    let answer = api.get("/v1/payment_links/plink_nope", &[]).await;
    let body = expect_refusal(answer, MISSING);
    assert_eq!(
        body["error"]["message"],
        "No such payment link: 'plink_nope'"
    );
}
