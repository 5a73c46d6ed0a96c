//! Invoice previews: `POST /v1/invoices/create_preview` and `GET /v1/invoices/upcoming`.

use asym_kit::testing::{assert_prefix, pluck};
use serde_json::{Value, json};

use crate::common::{
    Api, BOB, PRO_MONTHLY, UNKNOWN, assert_fields, data, expect_refusal, id, invalid,
};

#[asym::clone("stripe", seed = "subscriptions")]
async fn previews_show_the_next_invoice_without_storing_it(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let next = api
        .ok("/v1/invoices/create_preview", &[("customer", BOB)])
        .await;
    assert_eq!(next["object"], "invoice");
    assert_prefix(&next["id"], "upcoming_in_");
    assert_fields(
        &next,
        json!({"amount_due": 2000, "billing_reason": "subscription_cycle", "status": "draft"}),
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
        ["invoiceitem", "subscription"],
        "pending invoice items first, as Stripe lists them"
    );
    assert!(
        lines[1].get("invoice_item").is_none(),
        "a subscription line names no item"
    );
    assert_prefix(&lines[0]["invoice_item"], "ii_");
    assert_eq!(with_item["amount_due"], 20000 + 500, "{with_item}");
    let (_, page) = api
        .get(
            "/v1/invoices/upcoming/lines",
            &[("customer", BOB), ("limit", "1")],
        )
        .await;
    assert_fields(&page, json!({"object": "list", "has_more": true}));
    assert_eq!(page["data"][0]["type"], "invoiceitem");
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
    assert_fields(
        &first,
        json!({"amount_due": 4000, "billing_reason": "subscription_create"}),
    );
    assert_eq!(first["subscription"], Value::Null);

    let none = api
        .refused(
            "/v1/invoices/create_preview",
            &[("customer", carol)],
            ("code", (404, "invoice_upcoming_none")),
        )
        .await;
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
        api.refused("/v1/invoices/create_preview", &form, ("code", code))
            .await;
    }
}

#[asym::clone("stripe", seed = "subscriptions")]
async fn previews_take_customer_details_and_currency_and_refuse_the_rest_by_name(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let address = [
        ("customer_details[address][line1]", "1 Rue de Rivoli"),
        ("customer_details[address][city]", "Paris"),
        ("customer_details[address][country]", "FR"),
    ];
    let mut form = vec![("customer", BOB), ("currency", "usd")];
    form.extend(address);
    form.extend([
        ("customer_details[shipping][name]", "Bob"),
        ("customer_details[shipping][address][country]", "FR"),
        ("customer_details[tax_exempt]", "reverse"),
        ("automatic_tax[enabled]", "false"),
        ("issuer[type]", "self"),
        ("preview_mode", "next"),
        ("on_behalf_of", ""),
    ]);
    let next = api.ok("/v1/invoices/create_preview", &form).await;
    assert_fields(
        &next,
        json!({"customer": BOB, "currency": "usd", "customer_tax_exempt": "reverse",
               "amount_due": 2000}),
    );
    assert_eq!(next["customer_address"]["city"], "Paris");
    assert_eq!(next["customer_shipping"]["name"], "Bob");
    let bob = api.current("/v1/customers", BOB).await;
    assert_eq!(
        bob["address"],
        Value::Null,
        "the customer is left as it was"
    );
    // The older route takes them too (not preview_mode, which is create_preview's).
    form.retain(|(key, _)| *key != "preview_mode");
    let (status, upcoming) = api.get("/v1/invoices/upcoming", &form).await;
    assert_eq!(
        (status, &upcoming["customer_address"]["country"]),
        (200, &json!("FR"))
    );

    // Without a customer, the details stand for a new one: its first invoice.
    let mut form = vec![("subscription_details[items][0][price]", PRO_MONTHLY)];
    form.extend(address);
    let first = api.ok("/v1/invoices/create_preview", &form).await;
    assert_fields(
        &first,
        json!({"customer": null, "billing_reason": "subscription_create", "amount_due": 2000}),
    );
    assert_eq!(first["customer_address"]["country"], "FR");

    // Values the clone does not preview are refused by name, on both routes.
    for (key, value, param) in [
        ("currency", "eur", "currency"),
        ("automatic_tax[enabled]", "true", "automatic_tax[enabled]"),
        ("on_behalf_of", "acct_1", "on_behalf_of"),
        ("issuer[type]", "account", "issuer[type]"),
        ("preview_mode", "recurring", "preview_mode"),
        (
            "customer_details[tax_ids][0][type]",
            "eu_vat",
            "customer_details[tax_ids]",
        ),
        (
            "customer_details[tax][ip_address]",
            "1.2.3.4",
            "customer_details[tax]",
        ),
        ("invoice_items[0][amount]", "100", "invoice_items"),
        ("discounts[0][coupon]", "TEN", "discounts"),
        (
            "schedule_details[billing_mode][type]",
            "flexible",
            "schedule_details[billing_mode]",
        ),
    ] {
        let form = [("customer", BOB), (key, value)];
        api.refused("/v1/invoices/create_preview", &form, invalid(param))
            .await;
    }
    // A schedule is previewed (see `schedules`): an unknown one is Stripe's 404 naming it.
    let form = [("customer", BOB), ("schedule", "sub_sched_1")];
    api.refused(
        "/v1/invoices/create_preview",
        &form,
        ("param", (404, "schedule")),
    )
    .await;
    for key in [
        "subscription_trial_end",
        "subscription_cancel_now",
        "subscription_billing_cycle_anchor",
        "coupon",
    ] {
        expect_refusal(
            api.get("/v1/invoices/upcoming", &[("customer", BOB), (key, "now")])
                .await,
            invalid(key),
        );
    }
    expect_refusal(
        api.get(
            "/v1/invoices/upcoming/lines",
            &[("customer", BOB), ("preview_mode", "next")],
        )
        .await,
        UNKNOWN,
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn an_invoice_lists_pending_items_newest_first(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let start = 1_767_225_600;
    let clock = api.test_clock(start).await;
    let customer = api.visa_customer_on(id(&clock), &[]).await;
    let item = |amount| {
        [
            ("customer", id(&customer)),
            ("amount", amount),
            ("currency", "usd"),
        ]
    };
    api.ok("/v1/invoiceitems", &item("100")).await;
    api.advance(id(&clock), &(start + 3600).to_string()).await;
    api.ok("/v1/invoiceitems", &item("200")).await;
    let include = [
        ("customer", id(&customer)),
        ("pending_invoice_items_behavior", "include"),
    ];
    let invoice = api.ok("/v1/invoices", &include).await;
    // Stripe: "pending invoice items (including prorations) in reverse chronological order".
    let amounts: Vec<_> = data(&invoice["lines"])
        .iter()
        .map(|l| l["amount"].clone())
        .collect();
    assert_eq!(amounts, [200, 100]);
}
