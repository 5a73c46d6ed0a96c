//! Invoices sent by hand (`POST /v1/invoices/{id}/send`).

use crate::common::{Api, BOB, MISSING, UNKNOWN, assert_events, expect_refusal, id};

#[asym::clone("stripe", seed = "basic")]
async fn an_invoice_sent_by_hand_is_finalized_and_announced(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let item = [("customer", BOB), ("amount", "1500"), ("currency", "usd")];
    api.ok("/v1/invoiceitems", &item).await;
    let draft = api
        .ok(
            "/v1/invoices",
            &[
                ("customer", BOB),
                ("pending_invoice_items_behavior", "include"),
                ("collection_method", "send_invoice"),
                ("days_until_due", "30"),
            ],
        )
        .await;
    let send = format!("/v1/invoices/{}/send", id(&draft));
    let sent = api.ok(&send, &[]).await;
    let due = (sent["status"].as_str(), sent["amount_due"].as_i64());
    assert_eq!(due, (Some("open"), Some(1500)), "{sent}");
    assert!(sent["due_date"].is_i64(), "{sent}");
    assert_eq!(api.ok(&send, &[]).await["status"], "open");
    assert_events(&stripe, &["invoice.finalized", "invoice.sent"]).await;
    expect_refusal(api.post(&send, &[("foo", "1")]).await, UNKNOWN);

    let automatic = api.invoice_for_item(BOB, "700").await;
    let send = format!("/v1/invoices/{}/send", id(&automatic));
    let refusal = ("type", (400, "invalid_request_error"));
    expect_refusal(api.post(&send, &[]).await, refusal);
    expect_refusal(api.post("/v1/invoices/in_nope/send", &[]).await, MISSING);
}
