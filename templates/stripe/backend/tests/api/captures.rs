//! Refunds of a partially captured charge: the uncaptured rest is released as refunded, and
//! what was captured stays refundable.

use crate::common::{Api, data, id, invalid};

#[asym::clone("stripe", seed = "basic")]
async fn a_partially_captured_charge_refunds_all_it_captured(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let held = api
        .visa_intent("3000", &[("capture_method", "manual")])
        .await;
    let capture = format!("/v1/payment_intents/{}/capture", id(&held));
    api.ok(&capture, &[("amount_to_capture", "2000")]).await;
    let intent = [("payment_intent", id(&held))];
    let first = api.ok("/v1/refunds", &[intent[0], ("amount", "500")]).await;
    let charge = first["charge"].as_str().unwrap().to_owned();
    let partly = api.current("/v1/charges", &charge).await;
    assert_eq!(
        (
            partly["amount_refunded"].as_i64(),
            partly["refunded"].as_bool()
        ),
        (Some(1500), Some(false)),
        "{partly}"
    );
    let rest = api.ok("/v1/refunds", &intent).await;
    assert_eq!(rest["amount"], 1500, "{rest}");
    let whole = api.current("/v1/charges", &charge).await;
    assert_eq!(
        (
            whole["amount_refunded"].as_i64(),
            whole["refunded"].as_bool()
        ),
        (Some(3000), Some(true))
    );
    let (_, refunds) = api.get("/v1/refunds", &intent).await;
    assert_eq!(data(&refunds).len(), 2, "{refunds}");
    api.refused("/v1/refunds", &intent, invalid("charge")).await;
}
