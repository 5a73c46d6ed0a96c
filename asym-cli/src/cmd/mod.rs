//! One module per verb.

pub(crate) mod admin;
pub(crate) mod clone;
pub(crate) mod completions;
pub(crate) mod db;
pub(crate) mod destroy;
pub(crate) mod doctor;
pub(crate) mod env;
pub(crate) mod fault;
pub(crate) mod images;
pub(crate) mod logs;
pub(crate) mod ls;
pub(crate) mod pin;
pub(crate) mod prune;
pub(crate) mod query;
pub(crate) mod requests;
pub(crate) mod seed;
pub(crate) mod snapshots;
pub(crate) mod spin;
pub(crate) mod status;
pub(crate) mod tokens;
pub(crate) mod verify;
pub(crate) mod webhooks;
