//! CRM timeline events (`hubspot.crm.timeline` / `crm.timeline`): the app's event templates
//! and their tokens ([`templates`], with the developer API key) and the events written with
//! them on records' timelines ([`events`], with an access token holding `timeline` or the
//! record type's write scope).

mod events;
mod templates;

use asym_kit::Kit;
use axum::Router;
use axum::routing::{get, post, put};

use crate::request::Caller;

/// The event routes (bearer tokens).
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/integrators/timeline/v3/events", post(events::create))
        .route(
            "/integrators/timeline/v3/events/batch/create",
            post(events::create_batch),
        )
        .route(
            "/integrators/timeline/v3/events/{eventTemplateId}/{eventId}",
            get(events::read),
        )
        .route(
            "/integrators/timeline/v3/events/{eventTemplateId}/{eventId}/detail",
            get(events::detail),
        )
        .route(
            "/integrators/timeline/v3/events/{eventTemplateId}/{eventId}/render",
            get(events::render_page),
        )
}

/// The template routes (the app's developer API key, `hapikey`).
pub(crate) fn template_routes() -> Router<Kit> {
    Caller::DeveloperKey.mark(
        Router::new()
            .route(
                "/integrators/timeline/v3/{appId}/event-templates",
                get(templates::list).post(templates::create),
            )
            .route(
                "/integrators/timeline/v3/{appId}/event-templates/{eventTemplateId}",
                get(templates::read)
                    .put(templates::update)
                    .delete(templates::archive),
            )
            .route(
                "/integrators/timeline/v3/{appId}/event-templates/{eventTemplateId}/tokens",
                post(templates::add_token),
            )
            .route(
                "/integrators/timeline/v3/{appId}/event-templates/{eventTemplateId}/tokens/{tokenName}",
                put(templates::update_token).delete(templates::remove_token),
            ),
    )
}
