//! Tax rates (create, retrieve, update, list).

use serde_json::Value;

use super::{Api, assert_error, assert_events, data, id};

/// Creates a tax rate of `percentage`, inclusive or not.
async fn tax_rate(api: &Api, name: &str, percentage: &str, inclusive: bool) -> Value {
    let inclusive = inclusive.to_string();
    api.ok(
        "/v1/tax_rates",
        &[
            ("display_name", name),
            ("percentage", percentage),
            ("inclusive", &inclusive),
        ],
    )
    .await
}

#[asym::clone("stripe", seed = "basic")]
async fn tax_rates_are_created_retrieved_updated_and_listed(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let vat = api
        .ok(
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
        )
        .await;
    assert!(id(&vat).starts_with("txr_"), "{vat}");
    assert_eq!(
        (
            vat["object"].as_str(),
            vat["percentage"].as_f64(),
            vat["inclusive"].as_bool(),
            vat["active"].as_bool(),
            vat["tax_type"].as_str(),
            vat["metadata"]["k"].as_str(),
        ),
        (
            Some("tax_rate"),
            Some(19.5),
            Some(false),
            Some(true),
            Some("vat"),
            Some("v")
        )
    );
    let path = format!("/v1/tax_rates/{}", id(&vat));
    assert_eq!(api.current("/v1/tax_rates", id(&vat)).await, vat);

    let updated = api
        .ok(&path, &[("active", "false"), ("display_name", "MwSt")])
        .await;
    assert_eq!(
        (
            updated["active"].as_bool(),
            updated["display_name"].as_str()
        ),
        (Some(false), Some("MwSt"))
    );
    for fixed in ["percentage", "inclusive"] {
        let (status, body) = api.post(&path, &[(fixed, "true")]).await;
        assert_error(status, &body, "code", (400, "parameter_unknown"));
        assert_eq!(body["error"]["param"], fixed);
    }
    let (status, body) = api
        .post(
            "/v1/tax_rates",
            &[("display_name", "x"), ("inclusive", "false")],
        )
        .await;
    assert_error(status, &body, "param", (400, "percentage"));
    let (status, body) = api.get("/v1/tax_rates/txr_nope", &[]).await;
    assert_error(status, &body, "code", (404, "resource_missing"));

    let gst = tax_rate(&api, "GST", "10", true).await;
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
}
