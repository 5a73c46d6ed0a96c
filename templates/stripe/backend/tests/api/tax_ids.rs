//! Tax ids: a customer's (`/v1/customers/{id}/tax_ids`), the top-level `/v1/tax_ids`, the
//! customer's `tax_ids` and `tax_id_data`, and an invoice's `customer_tax_ids`.

use serde_json::{Value, json};

use crate::common::{ALICE, Api, BOB, MISSING, assert_fields, data, id, invalid};

#[asym::clone("stripe", seed = "basic")]
async fn a_customer_keeps_tax_ids_checked_as_stripe_checks_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = format!("/v1/customers/{ALICE}/tax_ids");
    let vat = api
        .ok(&path, &[("type", "eu_vat"), ("value", "DE123456789")])
        .await;
    assert_fields(
        &vat,
        json!({
            "object": "tax_id", "country": "DE", "customer": ALICE, "type": "eu_vat",
            "value": "DE123456789",
            "verification": {"status": "pending", "verified_address": null, "verified_name": null},
        }),
    );
    assert!(id(&vat).starts_with("txi_"), "{vat}");
    assert_eq!(vat["owner"]["type"], "customer");
    let ein = api
        .ok(&path, &[("type", "us_ein"), ("value", "12-3456789")])
        .await;
    assert_eq!(
        (&ein["country"], &ein["verification"]["status"]),
        (&json!("US"), &json!("unavailable"))
    );
    let verified = api
        .ok(&path, &[("type", "gb_vat"), ("value", "GB000000000")])
        .await;
    assert_eq!(verified["verification"]["status"], "verified");

    let (_, page) = api.get(&path, &[]).await;
    let listed: Vec<&Value> = data(&page).iter().map(|t| &t["id"]).collect();
    assert_eq!(
        listed,
        [&verified["id"], &ein["id"], &vat["id"]],
        "newest first"
    );
    assert_eq!(page["url"], path);
    let one = format!("{path}/{}", id(&vat));
    assert_eq!(api.get(&one, &[]).await, (200, vat.clone()));
    let customer = api.expanded("/v1/customers", ALICE, "tax_ids").await;
    assert_eq!(
        customer["tax_ids"]["data"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(
        api.current("/v1/customers", ALICE)
            .await
            .get("tax_ids")
            .is_none()
    );

    // Another customer's tax id is not found under this one; a deleted one is gone.
    let (status, _) = api
        .get(&format!("/v1/customers/{BOB}/tax_ids/{}", id(&vat)), &[])
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        api.delete(&one).await,
        (
            200,
            json!({"id": id(&vat), "object": "tax_id", "deleted": true})
        )
    );
    assert_eq!(api.get(&one, &[]).await.0, 404);
}

#[asym::clone("stripe", seed = "basic")]
async fn bad_tax_ids_are_refused_by_name(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let path = format!("/v1/customers/{ALICE}/tax_ids");
    let body = api
        .refused(
            &path,
            &[("type", "eu_vat"), ("value", "DE12345")],
            invalid("value"),
        )
        .await;
    assert_fields(
        &body["error"],
        json!({"code": "tax_id_invalid", "message": "Invalid value for eu_vat."}),
    );
    let body = api
        .refused(
            &path,
            &[("type", "xx_vat"), ("value", "1")],
            invalid("type"),
        )
        .await;
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Invalid type: must be one of ad_nrt, ae_trn"),
        "{message}"
    );
    api.refused(&path, &[("value", "1")], invalid("type")).await;
    api.refused(&path, &[("type", "us_ein")], invalid("value"))
        .await;
    api.refused(
        "/v1/customers/cus_nope/tax_ids",
        &[("type", "us_ein"), ("value", "12-3456789")],
        MISSING,
    )
    .await;
    let body = api
        .refused(
            "/v1/customers",
            &[
                ("tax_id_data[0][type]", "au_abn"),
                ("tax_id_data[0][value]", "12345678912"),
                ("tax_id_data[1][type]", "au_abn"),
                ("tax_id_data[1][value]", "123"),
            ],
            invalid("tax_id_data[1][value]"),
        )
        .await;
    assert_eq!(body["error"]["code"], "tax_id_invalid");
}

#[asym::clone("stripe", seed = "basic")]
async fn top_level_tax_ids_and_invoices_name_them(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let own = api
        .ok("/v1/tax_ids", &[("type", "ca_bn"), ("value", "123456789")])
        .await;
    assert_eq!(
        (&own["owner"]["type"], &own["customer"], &own["country"]),
        (&json!("self"), &Value::Null, &json!("CA"))
    );
    let customer = api
        .ok(
            "/v1/customers",
            &[
                ("email", "vat@example.com"),
                ("tax_id_data[0][type]", "eu_vat"),
                ("tax_id_data[0][value]", "FRAB123456789"),
            ],
        )
        .await;
    let theirs = api
        .ok(
            "/v1/tax_ids",
            &[
                ("type", "au_abn"),
                ("value", "12345678912"),
                ("owner[type]", "customer"),
                ("owner[customer]", id(&customer)),
            ],
        )
        .await;
    assert_eq!(theirs["customer"], customer["id"]);
    let (_, mine) = api.get("/v1/tax_ids", &[]).await;
    assert_eq!(
        data(&mine),
        std::slice::from_ref(&own),
        "the account's own by default"
    );
    let (_, page) = api
        .get(
            "/v1/tax_ids",
            &[
                ("owner[type]", "customer"),
                ("owner[customer]", id(&customer)),
            ],
        )
        .await;
    let values: Vec<&Value> = data(&page).iter().map(|t| &t["value"]).collect();
    assert_eq!(values, [&json!("12345678912"), &json!("FRAB123456789")]);
    api.refused(
        "/v1/tax_ids",
        &[
            ("type", "ca_bn"),
            ("value", "123456789"),
            ("owner[type]", "customer"),
        ],
        invalid("owner[customer]"),
    )
    .await;

    let invoice = api.invoice_for_item(id(&customer), "1500").await;
    let expected = json!([
        {"type": "au_abn", "value": "12345678912"},
        {"type": "eu_vat", "value": "FRAB123456789"},
    ]);
    assert_eq!(invoice["customer_tax_ids"], expected);
    let (status, _) = api.delete(&format!("/v1/tax_ids/{}", id(&theirs))).await;
    assert_eq!(status, 200);
    let finalized = api
        .ok(&format!("/v1/invoices/{}/finalize", id(&invoice)), &[])
        .await;
    assert_eq!(
        finalized["customer_tax_ids"],
        json!([{"type": "eu_vat", "value": "FRAB123456789"}]),
        "as they are when it is finalized"
    );
    assert_eq!(
        api.get(&format!("/v1/tax_ids/{}", id(&own)), &[]).await.1,
        own
    );
}
