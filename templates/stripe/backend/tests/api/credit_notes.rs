//! Credit notes: before payment they lower what an open invoice owes (paying it when nothing
//! is left), after payment they refund, credit the customer's balance or record a credit made
//! outside Stripe; refusals and voiding.

use serde_json::{Value, json};

use crate::common::{
    ALICE, Api, BOB, MISSING, UNKNOWN, assert_fields, data, expect_refusal, id, invalid,
};

/// The lines of a credit note on `invoice`: `amount` of its first line, and a custom line of
/// two goodwill credits of `unit_amount` each.
fn two_lines<'a>(
    invoice: &'a Value,
    amount: &'a str,
    unit_amount: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("invoice", id(invoice)),
        ("lines[0][type]", "invoice_line_item"),
        (
            "lines[0][invoice_line_item]",
            id(&data(&invoice["lines"])[0]),
        ),
        ("lines[0][amount]", amount),
        ("lines[1][type]", "custom_line_item"),
        ("lines[1][unit_amount]", unit_amount),
        ("lines[1][quantity]", "2"),
        ("lines[1][description]", "Goodwill"),
    ]
}

#[asym::clone("stripe", seed = "basic")]
async fn a_credit_note_lowers_what_an_open_invoice_owes_and_pays_it_when_nothing_is_left(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let open = api.open_invoice_for_item(BOB, "1500").await;
    let invoice = id(&open);
    let note = api
        .ok(
            "/v1/credit_notes",
            &[
                ("invoice", invoice),
                ("amount", "500"),
                ("reason", "order_change"),
            ],
        )
        .await;
    assert_fields(
        &note,
        json!({"object": "credit_note", "status": "issued", "type": "pre_payment",
               "pre_payment_amount": 500, "post_payment_amount": 0}),
    );
    let now = api.current("/v1/invoices", invoice).await;
    assert_fields(
        &now,
        json!({"amount_due": 1000, "amount_remaining": 1000,
               "pre_payment_credit_notes_amount": 500}),
    );
    assert_eq!(api.charged_for(&now).await, 1000);
    // Voided, it gives back what it took off.
    let void = format!("/v1/credit_notes/{}/void", id(&note));
    assert_eq!(api.ok(&void, &[]).await["status"], "void");
    assert_eq!(
        api.current("/v1/invoices", invoice).await["amount_due"],
        1500
    );
    api.refused(&void, &[], ("type", (400, "invalid_request_error")))
        .await;
    // Crediting all that is owed pays the invoice.
    let whole = [("invoice", invoice), ("amount", "1500")];
    api.ok("/v1/credit_notes", &whole).await;
    let paid = api.current("/v1/invoices", invoice).await;
    assert_fields(&paid, json!({"status": "paid", "amount_paid": 0}));
    let (_, notes) = api.get("/v1/credit_notes", &[("invoice", invoice)]).await;
    assert_eq!(data(&notes).len(), 2, "{notes}");
    api.refused(
        "/v1/credit_notes",
        &[("invoice", invoice), ("amount", "1")],
        invalid("amount"),
    )
    .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_credit_note_on_a_paid_invoice_refunds_and_credits_the_balance(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let draft = api.invoice_for_item(ALICE, "3000").await;
    let paid = api
        .ok(&format!("/v1/invoices/{}/pay", id(&draft)), &[])
        .await;
    assert_eq!(paid["status"], "paid", "{paid}");
    let invoice = id(&paid);
    let settled = [("refund_amount", "1000"), ("credit_amount", "500")];
    let form = [two_lines(&paid, "1000", "250"), settled.to_vec()].concat();
    let note = api.ok("/v1/credit_notes", &form).await;
    assert_fields(
        &note,
        json!({"amount": 1500, "type": "post_payment", "post_payment_amount": 1500}),
    );
    assert_eq!(data(&note["lines"]).len(), 2, "{note}");
    let refund = note["refunds"][0]["refund"].as_str().unwrap();
    assert_eq!(api.current("/v1/refunds", refund).await["amount"], 1000);
    let charge = api
        .current("/v1/charges", paid["charge"].as_str().unwrap())
        .await;
    assert_eq!(charge["amount_refunded"], 1000, "{charge}");
    assert_eq!(api.current("/v1/customers", ALICE).await["balance"], -500);
    assert!(note["customer_balance_transaction"].is_string(), "{note}");
    let invoice_now = api.current("/v1/invoices", invoice).await;
    assert_eq!(invoice_now["post_payment_credit_notes_amount"], 1500);
    let lines_path = format!("/v1/credit_notes/{}/lines", id(&note));
    let (_, lines) = api.get(&lines_path, &[]).await;
    assert_eq!(data(&lines).len(), 2, "{lines}");
    let updated = api
        .ok(
            &format!("/v1/credit_notes/{}", id(&note)),
            &[("memo", "Sorry")],
        )
        .await;
    assert_eq!(updated["memo"], "Sorry");

    // Refusals: the post-payment part must be settled exactly (Stripe's documented rule, in its
    // words; a preview is refused as a create is), a draft cannot be credited, an unknown
    // invoice is named.
    for (settlement, settled) in [
        (vec![], 0),
        (vec![("refund_amount", "40")], 40),
        (
            vec![("credit_amount", "60"), ("out_of_band_amount", "60")],
            120,
        ),
        (
            vec![
                ("refund_amount", "30"),
                ("credit_amount", "30"),
                ("out_of_band_amount", "30"),
            ],
            90,
        ),
    ] {
        let form = [&[("invoice", invoice), ("amount", "100")][..], &settlement].concat();
        let said = format!(
            "The sum of refunds, customer balance credits, and outside of Stripe credits \
             ({settled}) must equal the post_payment_amount (100)."
        );
        let answers = [
            api.post("/v1/credit_notes", &form).await,
            api.get("/v1/credit_notes/preview", &form).await,
        ];
        for answer in answers {
            let body = expect_refusal(answer, ("type", (400, "invalid_request_error")));
            assert_eq!(body["error"]["message"], said.as_str(), "{settlement:?}");
        }
    }
    let outside = [
        ("invoice", invoice),
        ("amount", "100"),
        ("credit_amount", "40"),
        ("out_of_band_amount", "60"),
    ];
    let settled = api.ok("/v1/credit_notes", &outside).await;
    assert_fields(
        &settled,
        json!({"post_payment_amount": 100, "out_of_band_amount": 60}),
    );
    let draft = api.invoice_for_item(BOB, "700").await;
    let on_draft = [("invoice", id(&draft)), ("amount", "100")];
    api.refused("/v1/credit_notes", &on_draft, invalid("invoice"))
        .await;
    let body = expect_refusal(
        api.post(
            "/v1/credit_notes",
            &[("invoice", "in_nope"), ("amount", "1")],
        )
        .await,
        MISSING,
    );
    assert_eq!(body["error"]["param"], "invoice", "{body}");
    let typo = [("invoice", invoice), ("lines[0][amout]", "1")];
    api.refused("/v1/credit_notes", &typo, UNKNOWN).await;
    let refused = [
        ("invoice", invoice),
        ("amount", "1"),
        ("shipping_cost[shipping_rate]", "x"),
    ];
    api.refused("/v1/credit_notes", &refused, invalid("shipping_cost"))
        .await;
}

#[asym::clone("stripe", seed = "basic")]
async fn a_credit_note_preview_is_checked_as_a_credit_note_and_writes_nothing(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let open = api.open_invoice_for_item(BOB, "1500").await;
    let invoice = id(&open);
    let query = [two_lines(&open, "400", "100"), vec![("memo", "Preview")]].concat();
    let (status, preview) = api.get("/v1/credit_notes/preview", &query).await;
    assert_eq!(status, 200, "{preview}");
    assert_fields(
        &preview,
        json!({"object": "credit_note", "amount": 600, "pre_payment_amount": 600,
               "type": "pre_payment", "memo": "Preview"}),
    );
    assert_eq!(data(&preview["lines"]).len(), 2, "{preview}");
    assert!(
        preview["id"].as_str().unwrap().starts_with("cn_"),
        "{preview}"
    );
    // Its lines, paged; the same preview gives the same line ids.
    let first_page = [&query[..], &[("limit", "1")]].concat();
    let (_, page) = api.get("/v1/credit_notes/preview/lines", &first_page).await;
    assert_eq!(
        (
            data(&page).len(),
            page["has_more"].as_bool(),
            page["url"].as_str()
        ),
        (1, Some(true), Some("/v1/credit_notes/preview/lines")),
        "{page}"
    );
    let after = data(&page)[0]["id"].as_str().unwrap().to_owned();
    let next = [&query[..], &[("starting_after", after.as_str())]].concat();
    let (_, rest) = api.get("/v1/credit_notes/preview/lines", &next).await;
    assert_eq!(data(&rest)[0]["amount"], 200, "{rest}");
    // Nothing was written: no credit note, the invoice owes what it did.
    let (_, notes) = api.get("/v1/credit_notes", &[("invoice", invoice)]).await;
    assert!(data(&notes).is_empty(), "{notes}");
    assert_eq!(
        api.current("/v1/invoices", invoice).await["amount_due"],
        1500
    );
    // Refused as a credit note is.
    let on_draft = api.invoice_for_item(ALICE, "700").await;
    for (query, refusal) in [
        (
            vec![("amount", "100")],
            ("code", (400, "parameter_missing")),
        ),
        (vec![("invoice", "in_nope"), ("amount", "1")], MISSING),
        (
            vec![("invoice", id(&on_draft)), ("amount", "1")],
            invalid("invoice"),
        ),
        (
            vec![("invoice", invoice), ("amount", "1600")],
            invalid("amount"),
        ),
        (
            vec![("invoice", invoice), ("lines[0][amout]", "1")],
            UNKNOWN,
        ),
        (
            vec![("invoice", invoice), ("reason", "whim")],
            invalid("reason"),
        ),
        (
            vec![
                ("invoice", invoice),
                ("refund_amount", "1"),
                ("amount", "1"),
            ],
            ("type", (400, "invalid_request_error")),
        ),
    ] {
        for path in ["/v1/credit_notes/preview", "/v1/credit_notes/preview/lines"] {
            expect_refusal(api.get(path, &query).await, refusal);
        }
    }
}
