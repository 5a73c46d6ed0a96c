//! Customer portal configurations: created with the features a portal offers, read, updated,
//! listed beside the account's default one, and named by portal sessions.

use crate::common::{ALICE, Api, MISSING, UNKNOWN, data, expect_refusal, id, invalid};

#[asym::clone("stripe", seed = "basic")]
async fn a_portal_configuration_is_created_updated_and_used_by_sessions(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let form = [
        ("business_profile[headline]", "Asym billing"),
        ("features[invoice_history][enabled]", "true"),
        ("features[subscription_cancel][enabled]", "true"),
        ("features[subscription_cancel][mode]", "immediately"),
        (
            "features[subscription_cancel][cancellation_reason][options][]",
            "too_expensive",
        ),
        ("features[subscription_update][enabled]", "true"),
        (
            "features[subscription_update][default_allowed_updates][]",
            "price",
        ),
        (
            "features[subscription_update][products][0][product]",
            "prod_SEEDpro000001",
        ),
        (
            "features[subscription_update][products][0][prices][]",
            "price_SEEDproMonth1",
        ),
        ("default_return_url", "https://example.com/account"),
        ("metadata[team]", "billing"),
    ];
    let config = api
        .created("/v1/billing_portal/configurations", &form, "bpc_")
        .await;
    let features = &config["features"];
    let got = (
        config["object"].as_str(),
        config["is_default"].as_bool(),
        config["business_profile"]["headline"].as_str(),
        features["invoice_history"]["enabled"].as_bool(),
        features["payment_method_update"]["enabled"].as_bool(),
        features["subscription_cancel"]["mode"].as_str(),
        features["subscription_update"]["products"][0]["prices"][0].as_str(),
    );
    let want = (
        Some("billing_portal.configuration"),
        Some(false),
        Some("Asym billing"),
        Some(true),
        Some(false),
        Some("immediately"),
        Some("price_SEEDproMonth1"),
    );
    assert_eq!(got, want, "{config}");
    let path = format!("/v1/billing_portal/configurations/{}", id(&config));
    let (status, fetched) = api.get(&path, &[]).await;
    assert_eq!((status, &fetched), (200, &config));
    let updated = api
        .ok(
            &path,
            &[
                ("features[invoice_history][enabled]", "false"),
                ("name", "Main"),
            ],
        )
        .await;
    let got = (
        updated["features"]["invoice_history"]["enabled"].as_bool(),
        updated["name"].as_str(),
        updated["features"]["subscription_cancel"]["mode"].as_str(),
    );
    assert_eq!(got, (Some(false), Some("Main"), Some("immediately")));

    // Sessions name it, or take the account's default.
    let portal = "/v1/billing_portal/sessions";
    let named = [("customer", ALICE), ("configuration", id(&config))];
    assert_eq!(api.ok(portal, &named).await["configuration"], id(&config));
    let default = api.ok(portal, &[("customer", ALICE)]).await;
    let default_id = default["configuration"].as_str().unwrap().to_owned();
    let (_, listed) = api
        .get(
            "/v1/billing_portal/configurations",
            &[("is_default", "true")],
        )
        .await;
    let ids: Vec<&str> = data(&listed).iter().map(id).collect();
    assert_eq!(ids, [default_id.as_str()], "{listed}");
    let unknown = [("customer", ALICE), ("configuration", "bpc_nope")];
    let body = expect_refusal(api.post(portal, &unknown).await, MISSING);
    assert_eq!(body["error"]["param"], "configuration", "{body}");
    api.ok(&path, &[("active", "false")]).await;
    api.refused(portal, &named, invalid("configuration")).await;

    // Refusals: features is required, a key outside Stripe's shape is unknown by its full name,
    // an enumerated value outside its choices names its field.
    let configs = "/v1/billing_portal/configurations";
    api.refused(configs, &[("name", "x")], invalid("features"))
        .await;
    let typo = [("features[invoice_histroy][enabled]", "true")];
    let body = api.refused(configs, &typo, UNKNOWN).await;
    assert_eq!(
        body["error"]["param"], "features[invoice_histroy]",
        "{body}"
    );
    let mode = "features[subscription_cancel][mode]";
    api.refused(configs, &[(mode, "later")], invalid(mode))
        .await;
}
