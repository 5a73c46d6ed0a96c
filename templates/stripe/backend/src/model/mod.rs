//! The model layer: one module per resource that other resources build on, owning the
//! objects' construction and the state changes several routes share (a subscription's
//! invoice, an intent's charge, a test card). Route handlers (`subscriptions`, `invoices`,
//! `payments`, …) depend on it, never on each other; nothing here depends on a handler.

pub(crate) mod additions;
pub(crate) mod auth;
pub(crate) mod balance;
pub(crate) mod bank;
pub(crate) mod card;
pub(crate) mod change;
pub(crate) mod checkout;
pub(crate) mod closing;
pub(crate) mod customer;
pub(crate) mod customer_balance;
pub(crate) mod discount;
pub(crate) mod dispute;
pub(crate) mod intent;
pub(crate) mod invoice;
pub(crate) mod invoice_item;
pub(crate) mod meter;
pub(crate) mod method;
pub(crate) mod phase;
pub(crate) mod price;
pub(crate) mod proration;
pub(crate) mod refund;
pub(crate) mod schedule;
pub(crate) mod setup;
pub(crate) mod source;
pub(crate) mod subscribe;
pub(crate) mod subscription;
pub(crate) mod tax;
pub(crate) mod tax_id;
pub(crate) mod tiers;
