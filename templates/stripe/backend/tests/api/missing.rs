//! An unknown id in the request path: Stripe's 404 `resource_missing`, "No such <noun>:
//! '<id>'", and one rule for its `param`: `id` (recorded from Stripe for customers, charges
//! and invoices), the intents' `intent` (recorded for payment intents).

use crate::common::{ALICE, Api, MISSING, expect_refusal};

#[asym::clone("stripe", seed = "basic")]
async fn an_unknown_id_in_the_path_is_resource_missing_naming_id(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let balance = format!("/v1/customers/{ALICE}/balance_transactions/cbtxn_nope");
    let cases: &[(&str, &str, &str, &str)] = &[
        ("/v1/customers/cus_nope", "customer", "cus_nope", "id"),
        ("/v1/products/prod_nope", "product", "prod_nope", "id"),
        ("/v1/prices/price_nope", "price", "price_nope", "id"),
        ("/v1/charges/ch_nope", "charge", "ch_nope", "id"),
        ("/v1/refunds/re_nope", "refund", "re_nope", "id"),
        ("/v1/invoices/in_nope", "invoice", "in_nope", "id"),
        ("/v1/invoices/in_nope/lines", "invoice", "in_nope", "id"),
        ("/v1/invoiceitems/ii_nope", "invoiceitem", "ii_nope", "id"),
        (
            "/v1/subscriptions/sub_nope",
            "subscription",
            "sub_nope",
            "id",
        ),
        (
            "/v1/subscription_items/si_nope",
            "subscription_item",
            "si_nope",
            "id",
        ),
        ("/v1/coupons/NOPE", "coupon", "NOPE", "id"),
        (
            "/v1/promotion_codes/promo_nope",
            "promotion code",
            "promo_nope",
            "id",
        ),
        ("/v1/tax_rates/txr_nope", "tax rate", "txr_nope", "id"),
        (&balance, "customer balance transaction", "cbtxn_nope", "id"),
        (
            "/v1/checkout/sessions/cs_nope",
            "checkout.session",
            "cs_nope",
            "id",
        ),
        (
            "/v1/test_helpers/test_clocks/clock_nope",
            "test_helpers.test_clock",
            "clock_nope",
            "id",
        ),
        ("/v1/events/evt_nope", "event", "evt_nope", "id"),
        (
            "/v1/webhook_endpoints/we_nope",
            "webhook endpoint",
            "we_nope",
            "id",
        ),
        (
            "/v1/payment_intents/pi_nope",
            "payment_intent",
            "pi_nope",
            "intent",
        ),
        (
            "/v1/setup_intents/seti_nope",
            "setupintent",
            "seti_nope",
            "intent",
        ),
    ];
    for (path, noun, id, param) in cases {
        let body = expect_refusal(api.get(path, &[]).await, MISSING);
        let said = format!("No such {noun}: '{id}'");
        let got = (
            body["error"]["message"].as_str(),
            body["error"]["param"].as_str(),
        );
        assert_eq!(got, (Some(said.as_str()), Some(*param)), "GET {path}");
    }
    // Acting on one is the same answer; an invoice named by a parameter is named by it.
    for path in ["/v1/invoices/in_nope/finalize", "/v1/invoices/in_nope/pay"] {
        let body = expect_refusal(api.post(path, &[]).await, MISSING);
        assert_eq!(body["error"]["param"], "id", "{path}: {body}");
    }
    let item = [
        ("customer", ALICE),
        ("amount", "100"),
        ("currency", "usd"),
        ("invoice", "in_nope"),
    ];
    let body = expect_refusal(api.post("/v1/invoiceitems", &item).await, MISSING);
    assert_eq!(body["error"]["param"], "invoice", "{body}");
}
