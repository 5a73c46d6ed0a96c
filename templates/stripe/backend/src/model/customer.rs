//! Customers: a new customer's fields, as `POST /v1/customers` and a completed checkout
//! session make one.

use serde_json::{Value, json};

use crate::ids;

/// A new customer `id` (not stored), created at `created`, on `test_clock` (its id or null),
/// every other field at its default.
pub(crate) fn new_customer(id: &str, created: i64, test_clock: Option<Value>) -> Value {
    json!({
        "id": id,
        "object": "customer",
        "address": null,
        "balance": 0,
        "created": created,
        "currency": null,
        "default_source": null,
        "delinquent": false,
        "description": null,
        "discount": null,
        "email": null,
        "invoice_prefix": ids::base62(&format!("prefix:{id}"), 8).to_uppercase(),
        "invoice_settings": {
            "custom_fields": null,
            "default_payment_method": null,
            "footer": null,
            "rendering_options": null,
        },
        "livemode": false,
        "metadata": {},
        "name": null,
        "next_invoice_sequence": 1,
        "phone": null,
        "preferred_locales": [],
        "shipping": null,
        "tax_exempt": "none",
        "test_clock": test_clock,
    })
}
