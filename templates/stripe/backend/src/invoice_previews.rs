//! Invoice previews: `POST /v1/invoices/create_preview` and `GET /v1/invoices/upcoming` (and
//! its `/lines`): a customer's or subscription's next invoice, with proposed changes, stored
//! nowhere.

use axum::Router;
use serde_json::{Map, Value, json};

use crate::cx::{CURSOR, Cx};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::invoices::{delete_invoice, page_lines, update_invoice};
use crate::kinds::{CUSTOMER, INVOICE, PRICE, SUBSCRIPTION};
use crate::model::invoice::{next_period, none_upcoming, preview};
use crate::model::proration::{self, Behavior};
use crate::model::subscription::{
    check_line, customer_now, interval_of_items, plan_of, quantity_at, subscription_active,
};
use crate::model::tax;
use crate::params::{Nested, Params, Takes, bool_at, string_at, unserved};
use crate::schedule_preview::{Asked, SCHEDULE_DETAILS, schedule_preview};
use crate::shapes::{ADDRESS, SHIPPING};
use asym_kit::Kit;

/// Invoice previews: the `/v1` routes this module serves (with `POST` and `DELETE` on their
/// paths answered as on an invoice of that id).
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/invoices/upcoming" =>
            get(upcoming), post(update_invoice, 1), delete(delete_invoice, 1);
        "/v1/invoices/upcoming/lines" => get(upcoming_lines);
        "/v1/invoices/create_preview" =>
            post(create_preview), get(INVOICE.retrieve, 1), delete(delete_invoice, 1);
    }
}

/// What both preview routes serve: whose invoice, its currency, who the customer is, and the
/// defaults of tax, issuer and account (the only values served; see [`Options::of`]).
#[rustfmt::skip]
const SERVED: &[&str] = &[
    "customer", "subscription", "currency", "customer_details", "automatic_tax", "issuer",
    "on_behalf_of", "schedule",
];

/// What Stripe takes on both preview routes that this clone does not preview: proposed
/// invoice items, discounts.
const UNSERVED: &[&str] = &["discounts", "invoice_items"];

/// The hashes both preview routes check inside.
const NESTED: Nested = &[
    ("customer_details", &CUSTOMER_DETAILS),
    ("automatic_tax", &AUTOMATIC_TAX),
    ("issuer", &ISSUER),
];

/// What `GET /v1/invoices/upcoming` checks inside: [`NESTED`] and its proposed items.
const UPCOMING_NESTED: Nested = &[
    NESTED[0],
    NESTED[1],
    NESTED[2],
    ("subscription_items", &ITEM),
];

/// A preview's `customer_details`: what stands in for the customer's fields
/// ([`DETAILS`]); its tax location and tax ids are refused by name.
const CUSTOMER_DETAILS: Takes = Takes {
    route: "invoice previews",
    serves: &[DETAILS],
    refuses: &[&["tax", "tax_ids"]],
    nested: &[("address", &ADDRESS), ("shipping", &SHIPPING)],
};

/// A preview's `automatic_tax` (only `enabled=false` is previewed: [`Options::of`]).
const AUTOMATIC_TAX: Takes = Takes {
    route: "invoice previews",
    serves: &[&["enabled"]],
    refuses: &[&["liability"]],
    nested: &[],
};

/// A preview's `issuer` (only `type=self` is previewed: [`Options::of`]).
const ISSUER: Takes = Takes::serving("invoice previews", &[&["type", "account"]]);

/// A create preview's `subscription_details`: the changes it previews are its items, tax
/// rates and proration; every other change is refused by name.
#[rustfmt::skip]
const SUBSCRIPTION_DETAILS: Takes = Takes {
    route: "invoice previews",
    serves: &[&["items", "default_tax_rates", "proration_behavior", "proration_date"]],
    refuses: &[&[
        "billing_cycle_anchor", "billing_mode", "billing_schedules", "cancel_at",
        "cancel_at_period_end", "cancel_now", "metadata", "pause", "resume_at", "start_date",
        "trial_end",
    ]],
    nested: &[("items", &ITEM)],
};

/// One proposed item (`subscription_details[items][n]`, `subscription_items[n]`): added by
/// `price`, changed or removed by `id`. Inline prices, plans and what only billing uses are
/// refused by name.
#[rustfmt::skip]
const ITEM: Takes = Takes {
    route: "invoice previews",
    serves: &[&["id", "price", "quantity", "deleted", "tax_rates", "metadata"]],
    refuses: &[&[
        "billing_thresholds", "clear_usage", "current_trial", "discounts", "plan", "price_data",
    ]],
    nested: &[],
};

/// What `POST /v1/invoices/create_preview` takes.
const CREATE_PREVIEW: Takes = Takes {
    route: "invoice previews",
    serves: &[
        SERVED,
        &["subscription_details", "preview_mode", "schedule_details"],
    ],
    refuses: &[UNSERVED, &["customer_account"]],
    nested: &[
        ("subscription_details", &SUBSCRIPTION_DETAILS),
        ("schedule_details", &SCHEDULE_DETAILS),
        NESTED[0],
        NESTED[1],
        NESTED[2],
    ],
};

/// What `GET /v1/invoices/upcoming` takes: the subscription changes it proposes are spelled
/// `subscription_…`.
#[rustfmt::skip]
const UPCOMING_SERVED: &[&str] = &[
    "subscription_items", "subscription_default_tax_rates", "subscription_proration_behavior",
    "subscription_proration_date",
];

/// The subscription changes `GET /v1/invoices/upcoming` proposes that this clone does not
/// preview (and its `coupon`).
#[rustfmt::skip]
const UPCOMING_UNSERVED: &[&str] = &[
    "coupon", "subscription_billing_cycle_anchor", "subscription_cancel_at",
    "subscription_cancel_at_period_end", "subscription_cancel_now", "subscription_prebilling",
    "subscription_resume_at", "subscription_start_date", "subscription_trial_end",
    "subscription_trial_from_plan",
];

/// What `GET /v1/invoices/upcoming` takes.
const UPCOMING: Takes = Takes {
    route: "invoice previews",
    serves: &[SERVED, UPCOMING_SERVED],
    refuses: &[UNSERVED, UPCOMING_UNSERVED],
    nested: UPCOMING_NESTED,
};

/// What `GET /v1/invoices/upcoming/lines` takes: [`UPCOMING`]'s and a page's.
const UPCOMING_LINES: Takes = Takes {
    route: "invoice previews",
    serves: &[SERVED, UPCOMING_SERVED, CURSOR],
    refuses: &[UNSERVED, UPCOMING_UNSERVED],
    nested: UPCOMING_NESTED,
};

/// What a preview says of the invoice itself rather than of a subscription change: its
/// currency and the customer's details standing in for (or in place of) the customer's own.
struct Options {
    currency: Option<String>,
    details: Map<String, Value>,
}

/// `customer_details` keys that stand in for the customer's fields of the same name.
const DETAILS: &[&str] = &["address", "shipping", "tax_exempt"];

impl Options {
    /// The request's options, its `automatic_tax`, `on_behalf_of`, `issuer` and
    /// `preview_mode` checked: a value asking for what previews do not serve is refused by
    /// name rather than previewed without it.
    fn of(params: &Params) -> ApiResult<Self> {
        if let Some(tax) = params.hash("automatic_tax")? {
            let enabled = bool_at(tax.get("enabled"), "automatic_tax[enabled]")?
                .ok_or_else(|| ApiError::missing("automatic_tax[enabled]"))?;
            if enabled {
                return Err(unserved("automatic_tax[enabled]", "invoice previews"));
            }
        }
        if params.str("on_behalf_of")?.is_some_and(|s| !s.is_empty()) {
            return Err(unserved("on_behalf_of", "invoice previews"));
        }
        if let Some(issuer) = params.hash("issuer")? {
            let kind = string_at(issuer.get("type"), "issuer[type]")?
                .ok_or_else(|| ApiError::missing("issuer[type]"))?;
            match kind {
                "self" if !issuer.contains_key("account") => {}
                "self" => return Err(ApiError::unknown("issuer[account]")),
                "account" => return Err(unserved("issuer[type]", "invoice previews")),
                other => {
                    return Err(ApiError::invalid_param(
                        "issuer[type]",
                        format!(
                            "Invalid issuer[type]: must be one of account or self (got {other})"
                        ),
                    ));
                }
            }
        }
        if params.one_of("preview_mode", &["next", "recurring"])? == Some("recurring") {
            return Err(unserved("preview_mode", "invoice previews"));
        }
        let mut details = params
            .hash("customer_details")?
            .cloned()
            .unwrap_or_default();
        for (key, value) in &mut details {
            let at = format!("customer_details[{key}]");
            match key.as_str() {
                "address" | "shipping" => match value {
                    Value::String(s) if s.is_empty() => *value = Value::Null,
                    Value::Object(_) => {}
                    _ => {
                        return Err(ApiError::invalid_param(
                            &at,
                            format!("Invalid object: {at}"),
                        ));
                    }
                },
                "tax_exempt" => {
                    let exempt = string_at(Some(value), &at)?.unwrap_or_default();
                    if !["none", "exempt", "reverse", ""].contains(&exempt) {
                        return Err(ApiError::invalid_param(
                            &at,
                            format!(
                                "Invalid {at}: must be one of none, exempt, or reverse (got {exempt})"
                            ),
                        ));
                    }
                    if exempt.is_empty() {
                        *value = json!("none");
                    }
                }
                // [`CUSTOMER_DETAILS`] refused any other key.
                _ => {}
            }
        }
        Ok(Self {
            currency: params.str("currency")?.map(str::to_lowercase),
            details,
        })
    }

    /// `customer` as the preview sees it: with the request's details in place of its own.
    fn apply(&self, customer: &mut Value) {
        for key in DETAILS {
            if let Some(value) = self.details.get(*key) {
                customer[*key] = value.clone();
            }
        }
    }
}

/// The customer a preview without one invoices: nobody yet, with the request's details.
fn nobody() -> Value {
    json!({
        "id": null, "object": "customer", "address": null, "balance": 0, "currency": null,
        "discount": null, "email": null, "name": null, "phone": null, "shipping": null,
        "tax_exempt": "none", "test_clock": null,
    })
}

/// The subscription changes a preview proposes: item changes, default tax rates, and how
/// the change is prorated and when, each with the parameter that names it (`create_preview`
/// nests them in `subscription_details[…]`, `upcoming` spells them `subscription_…`).
struct Proposal {
    items: Option<Value>,
    items_param: &'static str,
    rates: Option<Value>,
    rates_param: &'static str,
    proration: Option<Value>,
    proration_param: &'static str,
    date: Option<Value>,
    date_param: &'static str,
}

impl Proposal {
    /// What `GET /v1/invoices/upcoming` (and its `/lines`) proposes.
    fn upcoming(params: &Params) -> ApiResult<Self> {
        let get = |key| params.get(key).cloned();
        Ok(Self {
            items: get("subscription_items"),
            items_param: "subscription_items",
            rates: get("subscription_default_tax_rates"),
            rates_param: "subscription_default_tax_rates",
            proration: get("subscription_proration_behavior"),
            proration_param: "subscription_proration_behavior",
            date: get("subscription_proration_date"),
            date_param: "subscription_proration_date",
        })
    }
}

/// `POST /v1/invoices/create_preview`: the next invoice, with an id of its own.
pub(crate) async fn create_preview(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&CREATE_PREVIEW)?;
    let details = cx.params.hash("subscription_details")?;
    let get = |key| details.and_then(|d| d.get(key)).cloned();
    let proposal = Proposal {
        items: get("items"),
        items_param: "subscription_details[items]",
        rates: get("default_tax_rates"),
        rates_param: "subscription_details[default_tax_rates]",
        proration: get("proration_behavior"),
        proration_param: "subscription_details[proration_behavior]",
        date: get("proration_date"),
        date_param: "subscription_details[proration_date]",
    };
    let id = format!(
        "upcoming_in_{}",
        crate::ids::base62(&format!("preview:{}", cx.request_id), 24)
    );
    if let Some(invoice) = preview_of_schedule(cx, Some(&id)).await? {
        return Ok(invoice);
    }
    preview_invoice(cx, proposal, Some(&id)).await
}

/// The preview of the request's subscription schedule (`schedule`, `schedule_details`), if it
/// names one, in the request's currency.
async fn preview_of_schedule(cx: &mut Cx<'_>, id: Option<&str>) -> ApiResult<Option<Value>> {
    let options = Options::of(&cx.params)?;
    let apply = |customer: &mut Value| options.apply(customer);
    let asked = Asked { apply: &apply, id };
    let Some(invoice) = schedule_preview(cx, &asked).await? else {
        return Ok(None);
    };
    check_currency(&options, &invoice)?;
    Ok(Some(invoice))
}

/// Refuses a preview's `currency` other than its invoice's.
fn check_currency(options: &Options, invoice: &Value) -> ApiResult<()> {
    if let Some(asked) = &options.currency
        && invoice["currency"] != asked.as_str()
    {
        return Err(ApiError::invalid_param(
            "currency",
            format!(
                "This Stripe clone's prices have one currency each: this invoice would be in {}, \
                 not {asked} (currency options are not implemented).",
                invoice["currency"].as_str().unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// `GET /v1/invoices/upcoming`: the next invoice (its older form, without an id).
pub(crate) async fn upcoming(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&UPCOMING)?;
    if let Some(invoice) = preview_of_schedule(cx, None).await? {
        return Ok(invoice);
    }
    let proposal = Proposal::upcoming(&cx.params)?;
    preview_invoice(cx, proposal, None).await
}

/// `GET /v1/invoices/upcoming/lines`: the next invoice's lines, paged.
pub(crate) async fn upcoming_lines(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&UPCOMING_LINES)?;
    let invoice = match preview_of_schedule(cx, None).await? {
        Some(invoice) => invoice,
        None => preview_invoice(cx, Proposal::upcoming(&cx.params)?, None).await?,
    };
    page_lines(cx, &invoice, "/v1/invoices/upcoming/lines")
}

/// The next invoice of the request's `customer` or `subscription`: a subscription's next
/// period (with `proposal`'s item changes: `{id?, price?, quantity?, deleted?}`, and default
/// tax rates) and the prorations of those changes, or, when they change the billing interval
/// or are `always_invoice`, the invoice the change makes at once; a new subscription's first
/// (proposed items without a subscription); and pending invoice items. Nothing is stored; the
/// caller checks the parameters.
async fn preview_invoice(cx: &mut Cx<'_>, proposal: Proposal, id: Option<&str>) -> ApiResult {
    let proposed = proposal.items;
    let params = cx.params.clone();
    let options = Options::of(&params)?;
    let named = params.str("subscription")?.filter(|s| !s.is_empty());
    let sub = match named {
        Some(sub) => Some(SUBSCRIPTION.named(cx, sub, "subscription").await?),
        None => None,
    };
    let customer_id = match (params.str("customer")?.filter(|s| !s.is_empty()), &sub) {
        (Some(customer), _) => customer.to_owned(),
        (None, Some(sub)) => sub["customer"].as_str().unwrap_or_default().to_owned(),
        // Details without a customer: a new customer's first invoice (of proposed items).
        (None, None) if !options.details.is_empty() && proposed.is_some() => String::new(),
        (None, None) => return Err(ApiError::missing("customer")),
    };
    let mut customer = if customer_id.is_empty() {
        nobody()
    } else {
        CUSTOMER.named(cx, &customer_id, "customer").await?
    };
    options.apply(&mut customer);
    let sub = match sub {
        Some(sub) => Some(sub),
        // Without a subscription named, proposed items change the customer's subscription
        // when they name its items, and make a new one otherwise.
        None if !customer_id.is_empty() && proposed.as_ref().is_none_or(names_items) => cx
            .all("subscription", &[("customer = {}", customer_id.clone())])
            .await?
            .into_iter()
            .find(|s| subscription_active(s["status"].as_str().unwrap_or_default())),
        None => None,
    };
    let mut items = sub
        .as_ref()
        .and_then(|s| s["items"]["data"].as_array().cloned())
        .unwrap_or_default();
    let changing = proposed.is_some();
    if let Some(proposed) = proposed {
        change_items(cx, &mut items, &proposed, proposal.items_param).await?;
    }
    let now = customer_now(cx, &customer).await?;
    let behavior = proration::behavior(proposal.proration.as_ref(), proposal.proration_param)?;
    let mut prorations = Vec::new();
    let mut prorated_at = None;
    let mut billed = items.as_slice();
    let (period, reason) = match &sub {
        Some(sub)
            if sub["cancel_at_period_end"] == true
                || !subscription_active(sub["status"].as_str().unwrap_or_default()) =>
        {
            return Err(none_upcoming(&customer_id));
        }
        Some(sub) => {
            let old = sub["items"]["data"].as_array().cloned().unwrap_or_default();
            let current = proration::period_of(sub, now);
            let at = proration::date(proposal.date.as_ref(), proposal.date_param, current, now)?;
            let restarts = changing
                && sub["status"] != "trialing"
                && interval_of_items(&old) != interval_of_items(&items);
            if changing && behavior != Behavior::None {
                prorated_at = Some(at);
                let new = if restarts { &[][..] } else { &items };
                prorations = proration::items(cx, (sub, &customer), &old, new, (at, now)).await?;
            }
            if restarts {
                (next_period(&items, now), "subscription_update")
            } else if behavior == Behavior::AlwaysInvoice && !prorations.is_empty() {
                billed = &[];
                ((now, now), "subscription_update")
            } else {
                (next_period(&items, current.1), "subscription_cycle")
            }
        }
        None if !items.is_empty() => (next_period(&items, now), "subscription_create"),
        None => ((now, now), "manual"),
    };
    let mut sub = sub.unwrap_or(Value::Null);
    let rates = tax::rates(cx, proposal.rates.as_ref(), proposal.rates_param).await?;
    if let Some(rates) = rates {
        // A new subscription's preview has no subscription object: one holding only its
        // rates bills the same.
        sub["default_tax_rates"] = json!(rates);
    }
    let lines = (billed, prorations.as_slice());
    let mut invoice = preview(cx, (&customer, &sub), lines, (period, reason), id)
        .await?
        .ok_or_else(|| none_upcoming(&customer_id))?;
    check_currency(&options, &invoice)?;
    if let Some(at) = prorated_at {
        // Stripe sets it only on previews of prorations: the time they are computed at.
        invoice["subscription_proration_date"] = json!(at);
    }
    Ok(invoice)
}

/// Whether proposed item changes name existing items (`[{id, …}]`).
fn names_items(proposed: &Value) -> bool {
    proposed
        .as_array()
        .is_some_and(|changes| changes.iter().any(|c| c.get("id").is_some()))
}

/// Applies proposed item changes to `items`: an `id` names an item to change (or delete with
/// `deleted`), a `price` without one adds an item.
async fn change_items(
    cx: &Cx<'_>,
    items: &mut Vec<Value>,
    proposed: &Value,
    param: &str,
) -> ApiResult<()> {
    let changes = match proposed {
        Value::Array(changes) => changes.clone(),
        _ => {
            return Err(ApiError::invalid_param(
                param,
                format!("Invalid array: {param} must be an array"),
            ));
        }
    };
    for (n, change) in changes.iter().enumerate() {
        let at = format!("{param}[{n}]");
        let price = match string_at(change.get("price"), &format!("{at}[price]"))? {
            Some(price) => Some(PRICE.named(cx, price, &format!("{at}[price]")).await?),
            None => None,
        };
        let quantity = quantity_at(change.get("quantity"), &format!("{at}[quantity]"))?;
        let deleted = bool_at(change.get("deleted"), &format!("{at}[deleted]"))?.unwrap_or(false);
        let rates = tax::rates(cx, change.get("tax_rates"), &format!("{at}[tax_rates]")).await?;
        match string_at(change.get("id"), &format!("{at}[id]"))? {
            Some(id) => {
                let Some(pos) = items.iter().position(|i| i["id"] == id) else {
                    return Err(ApiError::missing_resource(
                        "subscription_item",
                        id,
                        &format!("{at}[id]"),
                    ));
                };
                if deleted {
                    items.remove(pos);
                    continue;
                }
                if let Some(price) = price {
                    items[pos]["plan"] = plan_of(&price);
                    items[pos]["price"] = price;
                }
                if let Some(quantity) = quantity {
                    items[pos]["quantity"] = json!(quantity);
                }
                if let Some(rates) = rates {
                    items[pos]["tax_rates"] = json!(rates);
                }
                check_line(&items[pos], &format!("{at}[quantity]"))?;
            }
            None => {
                let price = price.ok_or_else(|| ApiError::missing(&format!("{at}[price]")))?;
                let item = json!({"id": null, "object": "subscription_item", "metadata": {},
                                  "plan": plan_of(&price), "price": price,
                                  "quantity": quantity.unwrap_or(1),
                                  "tax_rates": rates.unwrap_or_default()});
                check_line(&item, &format!("{at}[quantity]"))?;
                items.push(item);
            }
        }
    }
    Ok(())
}
