//! [`Kind`]: every type of object the store keeps, with how Stripe names it in a
//! `resource_missing` error and what its search accepts; and what fetching, retrieving,
//! listing and searching one takes, written once for all of them.

use serde_json::Value;

use crate::cx::{Cx, Filter, allow_with, list_filters};
use crate::error::ApiResult;
use crate::params::{Params, Takes};
use crate::search;

/// A type of stored object.
#[derive(Debug)]
pub(crate) struct Kind {
    /// Its `object` field.
    pub(crate) object: &'static str,
    /// The noun of its `No such <noun>` error.
    noun: &'static str,
    /// The parameter that error names when the id comes from the request path: `id`, as
    /// recorded from Stripe for customers, charges and invoices (whatever its path calls the
    /// id), except the intents' `intent` (recorded for payment intents); `""` for none.
    param: &'static str,
    /// Its search's resource name (`customers`) and the fields a query may name.
    search: (&'static str, &'static [&'static str]),
}

const fn kind(object: &'static str, noun: &'static str, param: &'static str) -> Kind {
    Kind {
        object,
        noun,
        param,
        search: ("", &[]),
    }
}

const fn searchable(
    object: &'static str,
    param: &'static str,
    resource: &'static str,
    fields: &'static [&'static str],
) -> Kind {
    Kind {
        object,
        noun: object,
        param,
        search: (resource, fields),
    }
}

#[rustfmt::skip]
pub(crate) const CUSTOMER: Kind =
    searchable("customer", "id", "customers", &["created", "email", "name", "phone"]);
#[rustfmt::skip]
pub(crate) const PRODUCT: Kind = searchable("product", "id", "products",
    &["active", "created", "description", "name", "shippable", "url"]);
#[rustfmt::skip]
pub(crate) const PRICE: Kind = searchable("price", "id", "prices",
    &["active", "created", "currency", "lookup_key", "product", "type"]);
pub(crate) const PAYMENT_METHOD: Kind = kind("payment_method", "PaymentMethod", "");
/// A card of the legacy APIs: a customer's source (`No such source`).
pub(crate) const CARD: Kind = kind("card", "source", "id");
pub(crate) const TOKEN: Kind = kind("token", "token", "id");
#[rustfmt::skip]
pub(crate) const PAYMENT_INTENT: Kind = searchable("payment_intent", "intent", "payment_intents",
    &["amount", "created", "currency", "customer", "status"]);
#[rustfmt::skip]
pub(crate) const CHARGE: Kind = searchable("charge", "id", "charges",
    &["amount", "created", "currency", "customer", "status", "payment_intent", "refunded",
      "disputed"]);
pub(crate) const REFUND: Kind = kind("refund", "refund", "id");
pub(crate) const DISPUTE: Kind = kind("dispute", "dispute", "id");
#[rustfmt::skip]
pub(crate) const BALANCE_TRANSACTION: Kind =
    kind("balance_transaction", "balance transaction", "id");
pub(crate) const SETUP_INTENT: Kind = kind("setup_intent", "setupintent", "intent");
#[rustfmt::skip]
pub(crate) const SUBSCRIPTION: Kind = searchable("subscription", "id", "subscriptions",
    &["created", "status", "customer", "current_period_end", "current_period_start",
      "canceled_at"]);
#[rustfmt::skip]
pub(crate) const INVOICE: Kind = searchable("invoice", "id", "invoices",
    &["created", "currency", "customer", "number", "status", "subscription", "total"]);
pub(crate) const SUBSCRIPTION_SCHEDULE: Kind =
    kind("subscription_schedule", "subscription_schedule", "id");
pub(crate) const METER: Kind = kind("billing.meter", "billing.meter", "id");
pub(crate) const INVOICE_ITEM: Kind = kind("invoiceitem", "invoiceitem", "id");
pub(crate) const TEST_CLOCK: Kind =
    kind("test_helpers.test_clock", "test_helpers.test_clock", "id");
pub(crate) const COUPON: Kind = kind("coupon", "coupon", "id");
#[rustfmt::skip]
pub(crate) const PROMOTION_CODE: Kind =
    kind("promotion_code", "promotion code", "id");
pub(crate) const TAX_RATE: Kind = kind("tax_rate", "tax rate", "id");
pub(crate) const TAX_ID: Kind = kind("tax_id", "tax id", "id");
pub(crate) const CUSTOMER_BALANCE_TRANSACTION: Kind = kind(
    "customer_balance_transaction",
    "customer balance transaction",
    "id",
);
pub(crate) const CHECKOUT_SESSION: Kind = kind("checkout.session", "checkout.session", "id");
pub(crate) const PORTAL_CONFIGURATION: Kind = kind(
    "billing_portal.configuration",
    "billing_portal.configuration",
    "id",
);
pub(crate) const QUOTE: Kind = kind("quote", "quote", "id");
pub(crate) const PAYMENT_LINK: Kind = kind("payment_link", "payment link", "id");
pub(crate) const CREDIT_NOTE: Kind = kind("credit_note", "credit_note", "id");
pub(crate) const MANDATE: Kind = kind("mandate", "mandate", "mandate");
pub(crate) const EVENT: Kind = kind("event", "event", "id");
pub(crate) const WEBHOOK_ENDPOINT: Kind = kind("webhook_endpoint", "webhook endpoint", "id");

impl Kind {
    /// The live object `id` named by the request path, or `resource_missing`.
    pub(crate) async fn find(&self, cx: &Cx<'_>, id: &str) -> ApiResult<Value> {
        cx.fetch(self.object, self.noun, id, self.param, false)
            .await
    }

    /// [`Kind::find`], locked for update.
    pub(crate) async fn lock(&self, cx: &Cx<'_>, id: &str) -> ApiResult<Value> {
        cx.fetch(self.object, self.noun, id, self.param, true).await
    }

    /// The live object `id` named by parameter `param`, or `resource_missing` naming it.
    pub(crate) async fn named(&self, cx: &Cx<'_>, id: &str, param: &str) -> ApiResult<Value> {
        cx.fetch(self.object, self.noun, id, param, false).await
    }

    /// [`Kind::named`], locked for update.
    pub(crate) async fn lock_named(&self, cx: &Cx<'_>, id: &str, param: &str) -> ApiResult<Value> {
        cx.fetch(self.object, self.noun, id, param, true).await
    }

    /// What a request changing object `id` starts with: its parameters (checked against
    /// what `route` takes, see [`Params::take`]) and the object, locked.
    pub(crate) async fn for_update(
        &self,
        cx: &Cx<'_>,
        id: &str,
        route: &Takes,
    ) -> ApiResult<(Params, Value)> {
        cx.params.take(route)?;
        Ok((cx.params.clone(), self.lock(cx, id).await?))
    }

    /// `GET /v1/<resource>/{id}`: the object; no parameters.
    pub(crate) async fn retrieve(&self, cx: &Cx<'_>, id: &str) -> ApiResult {
        cx.params.allow(&[])?;
        self.find(cx, id).await
    }

    /// A page of the live objects matching `filters` (see [`Cx::list`]).
    pub(crate) async fn list(&self, cx: &Cx<'_>, filters: &[Filter]) -> ApiResult {
        cx.list(self.object, self.noun, filters).await
    }

    /// `GET /v1/<resource>`: a page filtered by the request parameters `keys` (each with its
    /// SQL condition) and `created`, accepting the parameters `ignored` as well.
    pub(crate) async fn list_by(
        &self,
        cx: &Cx<'_>,
        keys: &[(&str, &'static str)],
        ignored: &[&str],
    ) -> ApiResult {
        let mut allowed: Vec<&str> = keys.iter().map(|(param, _)| *param).collect();
        allowed.extend_from_slice(ignored);
        allow_with(cx, &allowed)?;
        let filters = list_filters(cx, keys)?;
        self.list(cx, &filters).await
    }

    /// `GET /v1/<resource>/search`.
    pub(crate) async fn search(&self, cx: &Cx<'_>) -> ApiResult {
        let (resource, fields) = self.search;
        search::run(cx, self.object, resource, fields).await
    }
}
