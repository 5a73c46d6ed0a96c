//! Answers in the shape of the request's `Stripe-Version`.

use reqwest::Method;
use serde_json::Value;

use crate::common::{Api, data, id};

#[asym::clone("stripe", seed = "basic")]
async fn products_have_features_before_2024_04_10_and_marketing_features_after(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let old = [("Stripe-Version", "2023-10-16")];
    let (status, product, headers) = api
        .send(
            Method::POST,
            "/v1/products",
            &[("name", "Versioned"), ("features[0][name]", "Fast")],
            &old,
        )
        .await;
    assert_eq!(status, 200, "{product}");
    assert_eq!(headers["stripe-version"], "2023-10-16");
    assert_eq!(product["features"][0]["name"], "Fast");
    assert!(product.get("marketing_features").is_none(), "{product}");

    let path = format!("/v1/products/{}", id(&product));
    let (_, current) = api.get(&path, &[]).await;
    assert_eq!(current["marketing_features"][0]["name"], "Fast");
    assert!(current.get("features").is_none(), "{current}");

    let newest = [("Stripe-Version", "2024-09-30.acacia")];
    let (_, listed, _) = api
        .send(Method::GET, "/v1/products", &[("limit", "100")], &newest)
        .await;
    assert!(
        listed["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p.get("features").is_none())
    );
    let (_, listed, _) = api
        .send(Method::GET, "/v1/products", &[("limit", "100")], &old)
        .await;
    let products = data(&listed);
    assert!(products.len() >= 3);
    assert!(
        products
            .iter()
            .all(|p| p["features"].is_array() && p.get("marketing_features").is_none()),
        "{listed}"
    );
    let (_, price, _) = api
        .send(
            Method::GET,
            "/v1/prices/price_SEEDshirt001",
            &[("expand[]", "product")],
            &old,
        )
        .await;
    assert!(
        price["product"]["features"].is_array(),
        "expanded too: {price}"
    );
}

#[asym::clone("stripe", seed = "subscriptions")]
async fn an_older_version_gets_no_field_it_did_not_have_and_a_newer_one_keeps_them(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let path = "/v1/subscriptions/sub_SEEDbob0000001";
    let expand = [(
        "expand[]",
        "customer.invoice_settings.default_payment_method",
    )];
    // (the object holding the field, the field): a field may be JSON null, so its key is what
    // is looked for.
    let fields = [
        ("", "billing_mode"),
        ("/automatic_tax", "liability"),
        ("/items", "total_count"),
        ("/items/data/0", "current_period_end"),
        ("/items/data/0", "plan"),
        ("/items/data/0/price/recurring", "meter"),
        (
            "/customer/invoice_settings/default_payment_method",
            "allow_redisplay",
        ),
    ];
    for (version, kept) in [
        ("2023-08-16", false),
        ("2024-06-20", true),
        ("2026-09-30.endive", true),
    ] {
        let (status, sub, _) = api
            .send(Method::GET, path, &expand, &[("Stripe-Version", version)])
            .await;
        assert_eq!(status, 200, "{sub}");
        for (parent, field) in fields {
            let holder = sub.pointer(parent).expect("the parent object is answered");
            assert_eq!(
                holder.get(field).is_some(),
                kept,
                "{parent}/{field} at {version}: {sub}"
            );
        }
        assert_eq!(
            sub["items"]["data"][0]["price"]["recurring"]["interval"],
            "month"
        );
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn a_quote_at_an_older_version_has_only_the_fields_it_had_then(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("customer", "cus_SEEDalice00001"),
        ("line_items[0][price]", "price_SEEDproMonth1"),
    ];
    let quote = api.ok("/v1/quotes", &form).await;
    let path = format!("/v1/quotes/{}", id(&quote));
    // (the object holding the field, the field), as stripe-node 13 (2023-08-16) types a quote.
    let fields = [
        ("", "customer_account"),
        ("/automatic_tax", "liability"),
        ("/automatic_tax", "provider"),
        ("/invoice_settings", "issuer"),
        ("/subscription_data", "billing_mode"),
        ("/subscription_data", "metadata"),
    ];
    for (version, kept) in [("2023-08-16", false), ("2024-06-20", true)] {
        let header = [("Stripe-Version", version)];
        let (status, got, _) = api.send(Method::GET, &path, &[], &header).await;
        assert_eq!(status, 200, "{got}");
        let (_, listed, _) = api.send(Method::GET, "/v1/quotes", &[], &header).await;
        assert_eq!(listed["data"][0], got, "a list is shaped as a retrieve");
        for (parent, field) in fields {
            let holder = got.pointer(parent).expect("the parent object is answered");
            let had = holder.get(field).is_some();
            assert_eq!(had, kept, "{parent}/{field} at {version}: {got}");
        }
        assert_eq!(got["subscription_data"]["trial_period_days"], Value::Null);
        assert_eq!(got["automatic_tax"]["enabled"], false);
    }
}

#[asym::clone("stripe", seed = "basic")]
async fn disputes_credit_notes_and_portal_configurations_take_the_2023_08_16_shape(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    api.card_intent("2000", "pm_card_createDispute", &[]).await;
    let (_, disputes) = api.get("/v1/disputes", &[]).await;
    let path = format!("/v1/disputes/{}", id(&data(&disputes)[0]));
    let open = api.open_invoice_for_item("cus_SEEDbob0000001", "900").await;
    let preview = format!("/v1/credit_notes/preview?invoice={}&amount=100", id(&open));
    let portal = "/v1/billing_portal/configurations/bpc_asymDefaultConfig";
    // (path, the field's pointer): left out at 2023-08-16, answered at the default version.
    let fields = [
        (path.as_str(), "/payment_method_details/card/case_type"),
        (path.as_str(), "/payment_method_details/card/network"),
        (path.as_str(), "/enhanced_eligibility_types"),
        (path.as_str(), "/network_reason_code"),
        (preview.as_str(), "/pre_payment_amount"),
        (preview.as_str(), "/total_taxes"),
        (portal, "/name"),
    ];
    for (version, kept) in [("2023-08-16", false), ("2026-09-30.endive", true)] {
        let header = [("Stripe-Version", version)];
        for (path, field) in fields {
            let (status, got, _) = api.send(Method::GET, path, &[], &header).await;
            assert_eq!(status, 200, "{got}");
            let had = got.pointer(field).is_some();
            assert_eq!(had, kept, "{path} {field} at {version}: {got}");
            if field.ends_with("network") && kept {
                assert_eq!(got.pointer(field), Some(&Value::from("visa")), "{got}");
            }
        }
        // The portal's pause feature, which that description requires, is never on.
        let (_, got, _) = api.send(Method::GET, portal, &[], &header).await;
        let pause = got.pointer("/features/subscription_pause/enabled");
        assert_eq!(pause.is_some(), !kept, "{got}");
    }
}
