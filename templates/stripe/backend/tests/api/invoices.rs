//! Invoices sent by hand (`POST /v1/invoices/{id}/send`), and closing refused in Stripe's
//! recorded words.

use serde_json::json;

use crate::common::{Api, BOB, MISSING, UNKNOWN, assert_events, assert_fields, expect_refusal, id};

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
    assert_eq!(draft["auto_advance"], false, "{draft}");
    let send = format!("/v1/invoices/{}/send", id(&draft));
    let sent = api.ok(&send, &[]).await;
    assert_fields(&sent, json!({"status": "open", "amount_due": 1500}));
    assert!(sent["due_date"].is_i64(), "{sent}");
    assert_eq!(api.ok(&send, &[]).await["status"], "open");
    assert_events(&stripe, &["invoice.finalized", "invoice.sent"]).await;
    expect_refusal(api.post(&send, &[("foo", "1")]).await, UNKNOWN);

    let automatic = api.invoice_for_item(BOB, "700").await;
    let send = format!("/v1/invoices/{}/send", id(&automatic));
    let refusal = ("type", (400, "invalid_request_error"));
    expect_refusal(api.post(&send, &[]).await, refusal);
    let body = expect_refusal(api.post("/v1/invoices/in_nope/send", &[]).await, MISSING);
    assert_eq!(body["error"]["param"], "invoice", "{body}");
}

/// Asserts `POST path` is refused with a 400 saying `said`.
async fn refused_saying(api: &Api, path: &str, said: &str) {
    let (status, body) = api.post(path, &[]).await;
    let got = (status, body["error"]["message"].as_str());
    assert_eq!(got, (400, Some(said)), "{path}: {body}");
}

#[asym::clone("stripe", seed = "basic")]
async fn a_paid_invoice_is_not_sent_voided_or_marked_again(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let draft = api.invoice_for_item(BOB, "900").await;
    let path = format!("/v1/invoices/{}", id(&draft));
    let not_open = "You can only pass in open invoices. This invoice isn't open.";
    refused_saying(&api, &format!("{path}/void"), not_open).await;
    refused_saying(&api, &format!("{path}/mark_uncollectible"), not_open).await;
    api.ok(&format!("{path}/finalize"), &[]).await;
    api.ok(&format!("{path}/mark_uncollectible"), &[]).await;
    let again = "This invoice has already been marked uncollectible.";
    refused_saying(&api, &format!("{path}/mark_uncollectible"), again).await;
    api.ok(&format!("{path}/pay"), &[("paid_out_of_band", "true")])
        .await;
    let paid = "Invoices with `paid` payments cannot be voided.";
    refused_saying(&api, &format!("{path}/void"), paid).await;
    let sent = api
        .ok(
            "/v1/invoices",
            &[
                ("customer", BOB),
                ("collection_method", "send_invoice"),
                ("days_until_due", "7"),
            ],
        )
        .await;
    let send = format!("/v1/invoices/{}/send", id(&sent));
    assert_eq!(api.ok(&send, &[]).await["status"], "paid");
    let said = "This invoice cannot be sent right now. Please contact us via \
                https://support.stripe.com/contact with details, so we can help.";
    refused_saying(&api, &send, said).await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_due_date_goes_with_send_invoice_only(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let cases = [
        (
            ("collection_method", "send_invoice"),
            "If invoice collection method is 'send_invoice', you must specify 'due_date' or \
             'days_until_due'.",
        ),
        (
            ("days_until_due", "7"),
            "You can only specify 'due_date' or 'days_until_due' if invoice collection method \
             is 'send_invoice'.",
        ),
    ];
    for (extra, said) in cases {
        let (status, body) = api.post("/v1/invoices", &[("customer", BOB), extra]).await;
        assert_eq!(
            (status, body["error"]["message"].as_str()),
            (400, Some(said)),
            "{body}"
        );
    }
    let (status, body) = api.get("/v1/invoices", &[("status", "bogus")]).await;
    let said = "Invalid status: must be one of draft, open, void, paid, or uncollectible";
    assert_eq!(
        (status, body["error"]["message"].as_str()),
        (400, Some(said)),
        "{body}"
    );
}
