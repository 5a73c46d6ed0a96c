//! The HubSpot clone's tests: through the HTTP API of real clones leased from the harness,
//! each reset to the `basic` seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod associations;
mod batch;
mod objects;
mod owners_pipelines;
mod properties;
mod protocol;
mod search;
mod webhooks;

use asym_kit::testing::Api;
use serde_json::Value;

/// A client for the clone's API with its provisioned private app token.
pub(crate) fn api(hubspot: &asym::HubSpot) -> Api {
    Api::new(hubspot.api_url()).bearer(hubspot.token())
}

/// A client for the clone's admin surface.
pub(crate) fn admin(hubspot: &asym::HubSpot) -> Api {
    Api::new(hubspot.api_url()).with_header("X-Asym-Admin-Secret", hubspot.admin_secret())
}

/// An object's property.
pub(crate) fn prop<'a>(object: &'a Value, name: &str) -> &'a Value {
    &object["properties"][name]
}

/// An object's id.
pub(crate) fn id(object: &Value) -> String {
    object["id"].as_str().unwrap().to_owned()
}
