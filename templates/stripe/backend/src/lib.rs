//! asym's Stripe clone: the Stripe API over Postgres.
//!
//! Served at `/v1/*` on the clone's base address (what Stripe's SDKs take as their API base),
//! with Stripe's protocol: keys in `Authorization: Bearer sk_test_…` (or HTTP Basic with the
//! key as user name), form-encoded parameters with bracket syntax (`metadata[k]=v`,
//! `items[0][price]=…`, `expand[]=…`), JSON objects with `id`, `object`, `created`,
//! `livemode: false` and `metadata`, the list and search envelopes, Stripe's error object,
//! `Idempotency-Key` replays, and events delivered to webhook endpoints signed with
//! `Stripe-Signature`.
//!
//! | resource | module |
//! |---|---|
//! | customers | `customers` |
//! | customer balance transactions (the ledger: `model::customer_balance`) | `customer_balance` |
//! | products, prices | `catalog` |
//! | plans (recurring prices seen as the legacy `plan`) | `plans` |
//! | coupons, promotion codes (discounts: `model::discount`) | `coupons` |
//! | tax rates (their tax on invoices: `model::tax`) | `tax_rates` |
//! | payment methods | `methods` |
//! | card tokens, a customer's card sources (the legacy cards: `model::source`) | `sources` |
//! | billing meters, meter events (usage: `model::meter`) | `meters` |
//! | payment intents | `payments` |
//! | charges, refunds | `charges` |
//! | disputes (opened by the dispute test cards: `model::dispute`) | `disputes` |
//! | balance, balance transactions | `balance` |
//! | setup intents | `setups` |
//! | mandates (ACH Direct Debit) and settling a processing debit for a test (`POST /api/admin/payment_intents/{id}/settle`; the debit: `model::bank`) | `mandates` |
//! | subscriptions, subscription items | `subscriptions` |
//! | subscription schedules (phases over time: `model::schedule`) | `subscription_schedules` |
//! | invoices | `invoices` |
//! | invoice items | `invoice_items` |
//! | credit notes | `credit_notes` |
//! | quotes (accepted into a subscription or an invoice) | `quotes` |
//! | payment links (line items of prices at a `buy.stripe.com` address) | `payment_links` |
//! | invoice previews (`create_preview`, `upcoming`) | `invoice_previews` |
//! | the invoice preview of a subscription schedule | `schedule_preview` |
//! | test clocks | `test_clocks` |
//! | what several resources build on (test cards, charging an intent, a subscription's invoice) | `model` |
//! | checkout sessions, billing portal sessions | `checkout` |
//! | Checkout's page (`/c/pay/{id}`) and completing a session for a test (`POST /api/admin/checkout/sessions/{id}/complete`; the completion: `model::checkout`) | `checkout_page` |
//! | customer portal configurations | `portal` |
//! | the 3-D Secure test page (`/redirect/authenticate/{id}`) | `authenticate` |
//! | the HTML pages' frame | `html` |
//! | events, webhook endpoints | `events` |
//! | stored object types (`Kind`: fetch, retrieve, list, search) | `kinds` |
//! | bounds on the integers a request sends (amounts, counts, dates) | `bounds` |
//! | the request pipeline (key, idempotency, transaction, expand) and `call!` | `dispatch` |
//! | answers in the shape of the request's `Stripe-Version` | `version` |
//! | the account (`GET /v1/account`) | `account` |
//! | `POST /api/admin/provision` | `admin` |
//! | `POST /api/admin/rate-limit`, 429 `rate_limit` | `ratelimit` |
//!
//! All state is in the clone's Postgres database (see `migrations/`); the process holds none.

#![recursion_limit = "256"]

mod account;
mod admin;
mod authenticate;
mod balance;
mod bounds;
mod catalog;
mod charges;
mod checkout;
mod checkout_page;
mod clock;
mod coupons;
mod credit_notes;
mod customer_balance;
mod customers;
mod cx;
mod db;
mod dispatch;
mod disputes;
mod error;
mod events;
mod html;
mod ids;
mod invoice_items;
mod invoice_previews;
mod invoices;
mod kinds;
mod mandates;
mod meters;
mod methods;
mod model;
mod params;
mod payment_links;
mod payments;
mod plans;
mod portal;
mod quotes;
mod ratelimit;
mod schedule_preview;
mod search;
mod setups;
mod shapes;
mod sources;
mod subscription_items;
mod subscription_schedules;
mod subscriptions;
mod tax_ids;
mod tax_rates;
mod test_clocks;
mod version;

use asym_kit::Kit;
use axum::Router;
use axum::routing::post;
use serde_json::{Map, Value};

use crate::cx::Cx;
use crate::error::ApiResult;

/// The Stripe clone's routes: each resource module's, merged. [`asym_kit::router`] adds
/// `/api/health` and the admin guard.
pub fn app(kit: Kit) -> Router {
    let routes = Router::new()
        .merge(account::routes())
        .merge(customers::routes())
        .merge(customer_balance::routes())
        .merge(catalog::routes())
        .merge(plans::routes())
        .merge(coupons::routes())
        .merge(tax_rates::routes())
        .merge(tax_ids::routes())
        .merge(methods::routes())
        .merge(sources::routes())
        .merge(meters::routes())
        .merge(payments::routes())
        .merge(mandates::routes())
        .merge(charges::routes())
        .merge(disputes::routes())
        .merge(balance::routes())
        .merge(setups::routes())
        .merge(subscriptions::routes())
        .merge(subscription_items::routes())
        .merge(subscription_schedules::routes())
        .merge(invoices::routes())
        .merge(invoice_items::routes())
        .merge(credit_notes::routes())
        .merge(quotes::routes())
        .merge(payment_links::routes())
        .merge(invoice_previews::routes())
        .merge(test_clocks::routes())
        .merge(checkout::routes())
        .merge(checkout_page::routes())
        .merge(portal::routes())
        .merge(events::routes())
        .merge(authenticate::routes())
        .method_not_allowed_fallback(dispatch::unmatched)
        .route("/api/admin/provision", post(admin::provision))
        .route("/api/admin/rate-limit", post(ratelimit::set))
        .fallback(dispatch::unmatched)
        .with_state(kit);
    // The layer rewrites the path before `routes` sees it.
    Router::new()
        .fallback_service(routes)
        .layer(axum::middleware::map_request(dispatch::normalise))
}

/// Values `expand[]` can reach that are not stored on the object (a customer's
/// `subscriptions`, a checkout session's `line_items`, …).
pub(crate) async fn virtual_field(
    cx: &Cx<'_>,
    object: &Map<String, Value>,
    key: &str,
) -> ApiResult<Option<Value>> {
    let kind = object
        .get("object")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let id = object.get("id").and_then(Value::as_str).unwrap_or_default();
    Ok(match (kind, key) {
        ("customer", "subscriptions") => {
            let data = cx
                .all("subscription", &[("customer = {}", id.to_owned())])
                .await?;
            let url = format!("/v1/customers/{id}/subscriptions");
            Some(cx::list_value(data, false, &url))
        }
        ("customer", "sources") => Some(cx::list_value(
            cx.all("card", &[("customer = {}", id.to_owned())]).await?,
            false,
            &format!("/v1/customers/{id}/sources"),
        )),
        ("customer", "tax") => Some(serde_json::json!({
            "automatic_tax": "unrecognized_location", "ip_address": null, "location": null
        })),
        ("customer", "cash_balance") => Some(Value::Null),
        // The balance by currency (one here: the customer's, else the account's).
        ("customer", "invoice_credit_balance") => {
            let balance = object.get("balance").and_then(Value::as_i64).unwrap_or(0);
            let currency = object
                .get("currency")
                .and_then(Value::as_str)
                .unwrap_or("usd");
            Some(if balance == 0 {
                serde_json::json!({})
            } else {
                serde_json::json!({ currency: balance })
            })
        }
        ("customer", "tax_ids") => Some(cx::list_value(
            model::tax_id::of_customer(cx, id).await?,
            false,
            &format!("/v1/customers/{id}/tax_ids"),
        )),
        ("price" | "plan", "tiers") => Some(model::tiers::expanded(object)),
        ("checkout.session" | "quote" | "payment_link", "line_items") => {
            Some(checkout::line_items_value(object))
        }
        _ => None,
    })
}
