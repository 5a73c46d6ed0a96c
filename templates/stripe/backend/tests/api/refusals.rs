//! What Stripe takes on a create or update and the clone does not serve is refused by name
//! (`invalid_request_error` with `param`), not ignored; what Stripe does not take at all stays
//! `parameter_unknown`.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, PRO_MONTHLY, UNKNOWN, alice_subscription, assert_error, assert_fields, data, id,
    invalid,
};

/// A request and the parameter its refusal names: path, form, param.
type Case<'a> = (String, Vec<(&'a str, &'a str)>, &'a str);

/// Asserts `POST path` with `form` is refused naming `param` as not served.
async fn refused_by_name(api: &Api, path: &str, form: &[(&str, &str)], param: &str) {
    let body = api.refused(path, form, invalid(param)).await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("does not serve"), "{path}: {body}");
}

#[asym::clone("stripe", seed = "basic")]
async fn every_create_and_update_refuses_what_it_does_not_serve_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let intent = api.visa_intent("1000", &[]).await;
    let charge = intent["latest_charge"].as_str().unwrap().to_owned();
    let setup = api.ok("/v1/setup_intents", &[]).await;
    let method = api
        .ok(
            "/v1/payment_methods",
            &[("type", "card"), ("card[token]", "tok_visa")],
        )
        .await;
    let invoice = api.invoice_for_item(ALICE, "500").await;
    let item = data(&invoice["lines"])[0]["invoice_item"]
        .as_str()
        .unwrap()
        .to_owned();
    let coupon = api
        .ok(
            "/v1/coupons",
            &[("percent_off", "10"), ("duration", "once")],
        )
        .await;
    let sub = api.ok("/v1/subscriptions", &alice_subscription(&[])).await;
    let sub_item = data(&sub["items"])[0]["id"].as_str().unwrap().to_owned();
    let rate = api.tax_rate("VAT", "20", false).await;
    let endpoint = api
        .ok(
            "/v1/webhook_endpoints",
            &[
                ("url", "https://example.com/hook"),
                ("enabled_events[]", "*"),
            ],
        )
        .await;
    let path = |collection: &str, object: &Value| format!("{collection}/{}", id(object));
    let at = |collection: &str, id: &str| format!("{collection}/{id}");
    let cases: Vec<Case<'_>> = vec![
        (
            "/v1/customers".into(),
            vec![("cash_balance[settings][reconciliation_mode]", "manual")],
            "cash_balance",
        ),
        (
            "/v1/customers".into(),
            vec![("business_name", "Asym Ltd")],
            "business_name",
        ),
        (
            at("/v1/customers", ALICE),
            vec![("cash_balance[settings][reconciliation_mode]", "manual")],
            "cash_balance",
        ),
        (
            at("/v1/customers", ALICE),
            vec![("tax[ip_address]", "1.2.3.4")],
            "tax",
        ),
        (
            "/v1/payment_methods".into(),
            vec![("type", "sepa_debit"), ("sepa_debit[iban]", "DE89")],
            "sepa_debit",
        ),
        (
            path("/v1/payment_methods", &method),
            vec![("us_bank_account[account_holder_type]", "company")],
            "us_bank_account",
        ),
        (
            "/v1/payment_intents".into(),
            vec![
                ("amount", "1000"),
                ("currency", "usd"),
                ("transfer_data[destination]", "acct_1"),
            ],
            "transfer_data",
        ),
        (
            "/v1/payment_intents".into(),
            vec![
                ("amount", "1000"),
                ("currency", "usd"),
                ("on_behalf_of", "acct_1"),
            ],
            "on_behalf_of",
        ),
        (
            path("/v1/payment_intents", &intent),
            vec![("application_fee_amount", "10")],
            "application_fee_amount",
        ),
        (
            format!("{}/capture", path("/v1/payment_intents", &intent)),
            vec![("final_capture", "false")],
            "final_capture",
        ),
        (
            "/v1/setup_intents".into(),
            vec![
                ("single_use[amount]", "100"),
                ("single_use[currency]", "usd"),
            ],
            "single_use",
        ),
        (
            path("/v1/setup_intents", &setup),
            vec![("flow_directions[]", "inbound")],
            "flow_directions",
        ),
        (
            at("/v1/charges", &charge),
            vec![("fraud_details[user_report]", "safe")],
            "fraud_details",
        ),
        (
            "/v1/refunds".into(),
            vec![("charge", &charge), ("reverse_transfer", "true")],
            "reverse_transfer",
        ),
        (
            "/v1/products".into(),
            vec![("name", "Box"), ("package_dimensions[height]", "1")],
            "package_dimensions",
        ),
        (
            at("/v1/products", "prod_SEEDpro000001"),
            vec![("tax_details[tax_code]", "txcd_1")],
            "tax_details",
        ),
        (
            "/v1/prices".into(),
            vec![
                ("product", "prod_SEEDpro000001"),
                ("currency", "usd"),
                ("transform_quantity[divide_by]", "10"),
            ],
            "transform_quantity",
        ),
        (
            at("/v1/prices", PRO_MONTHLY),
            vec![("currency_options[eur][unit_amount]", "1800")],
            "currency_options",
        ),
        (
            "/v1/coupons".into(),
            vec![
                ("amount_off", "100"),
                ("currency", "usd"),
                ("currency_options[eur][amount_off]", "90"),
            ],
            "currency_options",
        ),
        (
            path("/v1/coupons", &coupon),
            vec![("currency_options[eur][amount_off]", "90")],
            "currency_options",
        ),
        (
            "/v1/promotion_codes".into(),
            vec![("coupon", id(&coupon)), ("customer_account", "acct_1")],
            "customer_account",
        ),
        (
            "/v1/invoices".into(),
            vec![("customer", ALICE), ("due_date", "1900000000")],
            "due_date",
        ),
        (
            "/v1/invoices".into(),
            vec![("customer", ALICE), ("subscription", id(&sub))],
            "subscription",
        ),
        (
            path("/v1/invoices", &invoice),
            vec![("custom_fields[0][name]", "PO")],
            "custom_fields",
        ),
        (
            format!("{}/pay", path("/v1/invoices", &invoice)),
            vec![("forgive", "true")],
            "forgive",
        ),
        (
            "/v1/invoiceitems".into(),
            vec![("customer", ALICE), ("price_data[currency]", "usd")],
            "price_data",
        ),
        (
            at("/v1/invoiceitems", &item),
            vec![("unit_amount_decimal", "10.5")],
            "unit_amount_decimal",
        ),
        (
            "/v1/checkout/sessions".into(),
            vec![
                ("mode", "payment"),
                ("payment_intent_data[metadata][a]", "b"),
            ],
            "payment_intent_data",
        ),
        (
            "/v1/billing_portal/sessions".into(),
            vec![
                ("customer", ALICE),
                ("flow_data[type]", "payment_method_update"),
            ],
            "flow_data",
        ),
        (
            "/v1/webhook_endpoints".into(),
            vec![
                ("url", "https://example.com/c"),
                ("enabled_events[]", "*"),
                ("connect", "true"),
            ],
            "connect",
        ),
        (
            "/v1/test_helpers/test_clocks".into(),
            vec![("frozen_time", "1767225600"), ("customer", ALICE)],
            "customer",
        ),
        (
            "/v1/subscription_items".into(),
            vec![
                ("subscription", id(&sub)),
                ("price", PRO_MONTHLY),
                ("discounts[0][coupon]", id(&coupon)),
            ],
            "discounts",
        ),
        (
            at("/v1/subscription_items", &sub_item),
            vec![("billing_thresholds[usage_gte]", "10")],
            "billing_thresholds",
        ),
        (
            path("/v1/subscriptions", &sub),
            vec![("billing_schedules[0][applies_to][0][type]", "price")],
            "billing_schedules",
        ),
    ];
    // Inside payment_method_options too: other types' options and card options not served.
    let options = [
        (
            "payment_method_options[sepa_debit][setup_future_usage]",
            "payment_method_options[sepa_debit]",
        ),
        (
            "payment_method_options[card][installments][enabled]",
            "payment_method_options[card][installments]",
        ),
    ];
    for (key, param) in options {
        let form = [("amount", "1000"), ("currency", "usd"), (key, "true")];
        refused_by_name(&api, "/v1/payment_intents", &form, param).await;
    }
    let moto = "payment_method_options[card][moto]";
    refused_by_name(
        &api,
        &path("/v1/setup_intents", &setup),
        &[(moto, "true")],
        moto,
    )
    .await;
    // Card options both intents refuse are refused on a payment intent too; what only
    // payments take there is unknown on a setup intent.
    let form = [("amount", "1000"), ("currency", "usd"), (moto, "true")];
    refused_by_name(&api, "/v1/payment_intents", &form, moto).await;
    let only_payments = "payment_method_options[card][capture_method]";
    api.refused("/v1/setup_intents", &[(only_payments, "manual")], UNKNOWN)
        .await;
    let asked = "payment_method_options[card][request_three_d_secure]";
    api.refused("/v1/setup_intents", &[(asked, "sometimes")], invalid(asked))
        .await;
    for (path, form, param) in &cases {
        refused_by_name(&api, path, form, param).await;
    }
    // What Stripe does not take on a route stays unknown there.
    for (path, key) in [
        (at("/v1/customers", ALICE), "test_clock"),
        (path("/v1/payment_intents", &intent), "confirm"),
        (path("/v1/webhook_endpoints", &endpoint), "api_version"),
        (path("/v1/tax_rates", &rate), "percentage"),
        (at("/v1/subscription_items", &sub_item), "subscription"),
        ("/v1/products".to_owned(), "colour"),
        (
            "/v1/setup_intents".to_owned(),
            "payment_method_options[card][colour]",
        ),
    ] {
        let (status, body) = api.post(&path, &[(key, "x")]).await;
        assert_eq!(
            (status, &body["error"]["code"], &body["error"]["param"]),
            (400, &json!("parameter_unknown"), &json!(key)),
            "{path}: {body}"
        );
    }
    // Nothing of a refused request was kept.
    let (_, clocks) = api.get("/v1/test_helpers/test_clocks", &[]).await;
    assert!(data(&clocks).is_empty());
}

#[asym::clone("stripe", seed = "basic")]
async fn served_values_stand_beside_refused_ones(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    // An invoice item's create takes its period and discountable, as its update does.
    let item = api
        .ok(
            "/v1/invoiceitems",
            &[
                ("customer", ALICE),
                ("amount", "700"),
                ("currency", "usd"),
                ("discountable", "false"),
                ("period[start]", "1767225600"),
                ("period[end]", "1769904000"),
                ("description", "Setup"),
            ],
        )
        .await;
    assert_fields(
        &item,
        json!({"discountable": false, "period": {"start": 1_767_225_600, "end": 1_769_904_000},
               "description": "Setup"}),
    );
    // The price of an invoice item as Stripe spells it from 2025-03-31.basil.
    let shirt = api
        .ok(
            "/v1/invoiceitems",
            &[
                ("customer", ALICE),
                ("pricing[price]", "price_SEEDshirt001"),
            ],
        )
        .await;
    assert_eq!(
        (&shirt["amount"], &shirt["price"]["id"]),
        (&json!(2500), &json!("price_SEEDshirt001"))
    );
    api.refused(
        "/v1/invoiceitems",
        &[("customer", ALICE), ("pricing[price]", "price_nope")],
        ("param", (404, "pricing[price]")),
    )
    .await;
    api.refused(
        &format!("/v1/invoiceitems/{}", id(&shirt)),
        &[("pricing[unit_amount_decimal]", "10.5")],
        UNKNOWN,
    )
    .await;
    // A payment method's create takes allow_redisplay; a value Stripe lacks is refused.
    let card = [("type", "card"), ("card[token]", "tok_visa")];
    let method = api
        .ok(
            "/v1/payment_methods",
            &[card[0], card[1], ("allow_redisplay", "always")],
        )
        .await;
    assert_eq!(method["allow_redisplay"], "always");
    api.refused(
        "/v1/payment_methods",
        &[card[0], card[1], ("allow_redisplay", "sometimes")],
        invalid("allow_redisplay"),
    )
    .await;
    // allowed_payment_method_types (2026-07-29.dahlia) keeps the types the clone serves, as
    // Stripe keeps the compatible ones; none of them, or with payment_method_types, is a 400.
    let allowed = "allowed_payment_method_types[]";
    let amount = [("amount", "1000"), ("currency", "usd")];
    let filtered = api
        .ok(
            "/v1/payment_intents",
            &[
                amount[0],
                amount[1],
                (allowed, "card"),
                (allowed, "sepa_debit"),
            ],
        )
        .await;
    assert_fields(
        &filtered,
        json!({"payment_method_types": ["card"], "automatic_payment_methods": null}),
    );
    let setup = api.ok("/v1/setup_intents", &[(allowed, "card")]).await;
    assert_eq!(setup["payment_method_types"], json!(["card"]));
    for extra in [
        vec![(allowed, "sepa_debit")],
        vec![(allowed, "card"), ("payment_method_types[]", "card")],
    ] {
        api.refused(
            "/v1/payment_intents",
            &[&amount[..], &extra].concat(),
            invalid("allowed_payment_method_types"),
        )
        .await;
    }
    // Manual confirmation is refused by name; automatic is what the clone does.
    let intent = [("amount", "1000"), ("currency", "usd")];
    api.refused(
        "/v1/payment_intents",
        &[intent[0], intent[1], ("confirmation_method", "manual")],
        invalid("confirmation_method"),
    )
    .await;
    api.ok(
        "/v1/payment_intents",
        &[intent[0], intent[1], ("confirmation_method", "automatic")],
    )
    .await;
}

#[asym::clone("stripe", seed = "subscriptions")]
async fn subscription_items_take_expand_on_every_route(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let expand = ("expand[]", "price.product");
    let product = |item: &Value| item["price"]["product"]["object"].clone();
    let (_, page) = api
        .get(
            "/v1/subscription_items",
            &[
                ("subscription", "sub_SEEDbob0000001"),
                ("expand[]", "data.price.product"),
            ],
        )
        .await;
    assert_eq!(product(&data(&page)[0]), "product", "{page}");
    let path = "/v1/subscription_items/si_SEEDbob0000001";
    let (_, one) = api.get(path, &[expand]).await;
    assert_eq!(product(&one), "product", "{one}");
    let updated = api.ok(path, &[("metadata[seat]", "1"), expand]).await;
    assert_eq!(
        (product(&updated), &updated["metadata"]["seat"]),
        (json!("product"), &json!("1"))
    );
    let year = api.monthly_price("900", &[]).await;
    let added = api
        .ok(
            "/v1/subscription_items",
            &[
                ("subscription", "sub_SEEDbob0000001"),
                ("price", id(&year)),
                ("proration_behavior", "none"),
                expand,
            ],
        )
        .await;
    assert_eq!(product(&added), "product", "{added}");
    let path = format!("/v1/subscription_items/{}", id(&added));
    let delete = reqwest::Method::DELETE;
    let form = [("proration_behavior", "none"), ("expand[]", "subscription")];
    // A deleted item keeps only its id: nothing there to expand, as on any deleted object,
    // and the refusal keeps the item.
    let (status, gone, _) = api.send(delete.clone(), &path, &form, &[]).await;
    assert_error(status, &gone, "param", (400, "expand"));
    let (status, gone, _) = api.send(delete, &path, &form[..1], &[]).await;
    assert_eq!((status, &gone["deleted"]), (200, &json!(true)), "{gone}");
}

/// Asserts `POST path` with `form` is Stripe's `parameter_unknown` for one parameter, in
/// Stripe's words: `said` is what follows `Received unknown parameter: `, the parameter's name
/// and the key it is a typo of (`items[0][pricee]. Did you mean price?`), and the name is
/// `param`.
async fn unknown_by_name(api: &Api, path: &str, form: &[(&str, &str)], said: &str) {
    let body = api.refused(path, form, UNKNOWN).await;
    let (param, _) = said.split_once(". Did you mean").unwrap_or((said, ""));
    let message = format!("Received unknown parameter: {said}");
    assert_eq!(
        (&body["error"]["param"], &body["error"]["message"]),
        (&json!(param), &json!(message)),
        "{path}"
    );
}

#[asym::clone("stripe", seed = "basic")]
async fn nested_parameters_are_checked_like_top_level_ones(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let sub = api.ok("/v1/subscriptions", &alice_subscription(&[])).await;
    let sub_item = data(&sub["items"])[0]["id"].as_str().unwrap().to_owned();
    let coupon = api
        .ok(
            "/v1/coupons",
            &[("percent_off", "10"), ("duration", "once")],
        )
        .await;
    let path = |collection: &str, object: &Value| format!("{collection}/{}", id(object));
    let pro = [("product", "prod_SEEDpro000001"), ("currency", "usd")];
    let card = [("type", "card"), ("card[token]", "tok_visa")];
    let usd = [("amount", "1000"), ("currency", "usd")];
    let line = [
        ("mode", "payment"),
        ("success_url", "https://example.com/ok"),
        ("line_items[0][quantity]", "1"),
        ("line_items[0][price_data][currency]", "usd"),
        ("line_items[0][price_data][unit_amount]", "500"),
        ("line_items[0][price_data][product_data][name]", "Mug"),
    ];
    let with = |base: &[(&'static str, &'static str)], extra: (&'static str, &'static str)| {
        let mut form = base.to_vec();
        form.push(extra);
        form
    };
    // A key Stripe lacks inside a hash, at any depth and in any hash of an array, is unknown
    // by its full name, as a top-level one is, naming the key a typo is of.
    let unknown: Vec<Case<'_>> = vec![
        (
            "/v1/subscriptions".into(),
            alice_subscription(&[("items[0][pricee]", PRO_MONTHLY)]),
            "items[0][pricee]. Did you mean price?",
        ),
        (
            path("/v1/subscriptions", &sub),
            vec![("items[0][id]", &sub_item), ("items[0][quantityy]", "2")],
            "items[0][quantityy]. Did you mean quantity?",
        ),
        (
            "/v1/subscriptions".into(),
            alice_subscription(&[("discounts[0][cupon]", id(&coupon))]),
            "discounts[0][cupon]. Did you mean coupon?",
        ),
        (
            "/v1/subscription_items".into(),
            vec![
                ("subscription", id(&sub)),
                ("price_data[currency]", "usd"),
                ("price_data[product]", "prod_SEEDpro000001"),
                ("price_data[unit_amount]", "900"),
                ("price_data[recurring][interval]", "month"),
                ("price_data[recurring][intervall]", "month"),
            ],
            "price_data[recurring][intervall]. Did you mean interval?",
        ),
        (
            "/v1/prices".into(),
            with(&pro, ("recurring[intervall]", "month")),
            "recurring[intervall]. Did you mean interval?",
        ),
        (
            "/v1/prices".into(),
            vec![
                ("currency", "usd"),
                ("unit_amount", "100"),
                ("product_data[name]", "Mug"),
                ("product_data[foo]", "1"),
            ],
            "product_data[foo]",
        ),
        (
            "/v1/payment_intents".into(),
            with(&usd, ("payment_method_data[card][x]", "1")),
            "payment_method_data[card][x]",
        ),
        (
            format!("/v1/customers/{ALICE}"),
            vec![("address[zip]", "75001")],
            "address[zip]",
        ),
        (
            "/v1/customers".into(),
            vec![("shipping[name]", "Al"), ("shipping[address][zip]", "1")],
            "shipping[address][zip]",
        ),
        (
            format!("/v1/customers/{ALICE}"),
            vec![("invoice_settings[footerr]", "Thanks")],
            "invoice_settings[footerr]. Did you mean footer?",
        ),
        (
            "/v1/payment_methods".into(),
            with(&card, ("billing_details[address][zip]", "1")),
            "billing_details[address][zip]",
        ),
        (
            "/v1/checkout/sessions".into(),
            with(&line, ("line_items[0][price_data][product_data][foo]", "1")),
            "line_items[0][price_data][product_data][foo]",
        ),
        (
            "/v1/invoices/create_preview".into(),
            vec![
                ("customer", ALICE),
                ("subscription_details[items][0][pricee]", PRO_MONTHLY),
            ],
            "subscription_details[items][0][pricee]. Did you mean price?",
        ),
        (
            "/v1/promotion_codes".into(),
            vec![("coupon", id(&coupon)), ("restrictions[minimum]", "100")],
            "restrictions[minimum]",
        ),
        // Unknown wins over a refusal elsewhere in the request, as at the top level.
        (
            "/v1/prices".into(),
            vec![
                ("currency", "usd"),
                ("unit_amount", "100"),
                ("tiers_mode", "graduated"),
                ("product_data[foo]", "1"),
            ],
            "product_data[foo]",
        ),
    ];
    for (path, form, said) in &unknown {
        unknown_by_name(&api, path, form, said).await;
    }
    // Several are named together, in the request's order, the first as `param`.
    let form = [("shipping[foo]", "1"), ("nmae", "Al")];
    let body = api.refused("/v1/customers", &form, UNKNOWN).await;
    assert_fields(
        &body["error"],
        json!({"param": "shipping[foo]",
               "message": "Received unknown parameters: shipping[foo], nmae"}),
    );
    // A key Stripe takes there that the clone does not serve is refused by that name.
    let refused: Vec<Case<'_>> = vec![
        (
            "/v1/subscriptions".into(),
            alice_subscription(&[("items[0][discounts][0][coupon]", id(&coupon))]),
            "items[0][discounts]",
        ),
        (
            "/v1/prices".into(),
            with(&pro, ("product_data[tax_code]", "txcd_1")),
            "product_data[tax_code]",
        ),
        (
            "/v1/products".into(),
            vec![
                ("name", "Box"),
                ("default_price_data[currency]", "usd"),
                (
                    "default_price_data[currency_options][eur][unit_amount]",
                    "9",
                ),
            ],
            "default_price_data[currency_options]",
        ),
        (
            "/v1/payment_methods".into(),
            with(&card, ("card[networks][preferred]", "visa")),
            "card[networks]",
        ),
        (
            "/v1/payment_intents".into(),
            with(&usd, ("payment_method_data[metadata][k]", "v")),
            "payment_method_data[metadata]",
        ),
        (
            "/v1/payment_intents".into(),
            with(&usd, ("payment_method_data[type]", "sepa_debit")),
            "payment_method_data[type]",
        ),
        (
            "/v1/checkout/sessions".into(),
            with(
                &line,
                ("line_items[0][adjustable_quantity][enabled]", "true"),
            ),
            "line_items[0][adjustable_quantity]",
        ),
        (
            "/v1/invoices/create_preview".into(),
            vec![
                ("customer", ALICE),
                ("subscription_details[trial_end]", "now"),
            ],
            "subscription_details[trial_end]",
        ),
    ];
    for (path, form, param) in &refused {
        refused_by_name(&api, path, form, param).await;
    }
    // Keys that are data stay free (metadata at any depth), beside served nested keys.
    let made = api
        .ok(
            "/v1/subscriptions",
            &alice_subscription(&[
                ("items[0][metadata][any key]", "1"),
                ("metadata[whatever]", "2"),
                ("payment_settings[save_default_payment_method]", "off"),
            ]),
        )
        .await;
    assert_eq!(
        (
            &data(&made["items"])[0]["metadata"],
            &made["metadata"]["whatever"]
        ),
        (&json!({"any key": "1"}), &json!("2"))
    );
    let price = api
        .ok(
            "/v1/prices",
            &[
                ("currency", "usd"),
                ("unit_amount", "100"),
                ("product_data[name]", "Mug"),
                ("product_data[metadata][colour]", "blue"),
                ("recurring[interval]", "month"),
                ("recurring[interval_count]", "3"),
            ],
        )
        .await;
    assert_eq!(price["recurring"]["interval_count"], 3);
    // Nothing of a refused request was kept: Alice has the two subscriptions made above.
    let (_, subs) = api.get("/v1/subscriptions", &[("customer", ALICE)]).await;
    assert_eq!(data(&subs).len(), 2);
}
