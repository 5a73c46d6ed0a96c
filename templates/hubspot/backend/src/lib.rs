//! asym's HubSpot clone: the CRM v3 object APIs (seventeen types over one generic engine),
//! search, batch, associations v4 and v3, properties, owners, pipelines, lists, CSV imports and
//! app webhooks (with HubSpot's webhooks API), over Postgres — so `hubspot-api-client` (Python) and `@hubspot/api-client` (Node) work against
//! it by changing only their base path to `http://<host>:<port>`.
//!
//! | API | module |
//! |---|---|
//! | `/crm/v3/objects/{type}` (create, read, update, archive, list, merge, GDPR delete) | `objects` |
//! | `/crm/v3/objects/{type}/batch/*` | `objects::batch` |
//! | `/crm/v3/objects/{type}/search` | `objects::search` |
//! | object queries, rendering, unique values | `objects::model`, `objects::render`, `objects::unique` |
//! | property values (types, options, dates) | `values` |
//! | `/crm/v4/objects/…/associations`, `/crm/v4/associations/…/batch/*`, `/crm/v3/associations/…` | `associations` (routes), `assoc` (model) |
//! | `/crm/v4/associations/{from}/{to}/labels`, `/crm/associations/v4/{from}/{to}/labels` | `labels` |
//! | `/crm/v3/properties/{type}` and groups | `properties`, `fieldtypes` (the `fieldType`s each `type` takes) |
//! | `/crm/v3/schemas` (custom object types, their association definitions) | `schemas` |
//! | `/crm/v3/owners` | `owners` |
//! | `/settings/v3/users` (users, roles, teams) | `users` |
//! | `/communication-preferences/v3` (subscription types, an address's statuses) | `preferences` |
//! | `/crm/v3/exports/export/async` (CSV exports), their files | `exports` |
//! | `/integrators/timeline/v3` (event templates and tokens, events) | `timeline::templates`, `timeline::events` |
//! | `/crm/v3/imports` (CSV imports, their errors) | `imports` (routes), `imports::plan` (the request), `imports::run` (the rows), `imports::csv`, `imports::model` |
//! | `/oauth/v1/access-tokens/{token}`, `/oauth/v1/refresh-tokens/{token}` (metadata, deletion) | `oauth` |
//! | `/oauth/authorize`, `/oauth/v1/token`, `/api/admin/oauth/codes` (grants) | `oauth::grant` |
//! | `/crm/v3/pipelines/{deals,tickets}` and stages | `pipelines` |
//! | `/marketing/v3/forms/` (forms), `/submissions/v3/integration/…/submit/…`, `/form-integrations/v1/submissions/forms/…` | `forms`, `forms::definition`, `forms::submit` |
//! | `/crm/v3/lists` (lists, memberships, filters, folders, id mapping) | `lists`, `lists::memberships`, `lists::folders`, `lists::mapping` (routes), `lists::model`, `lists::members`, `lists::tree` (model), `lists::filters` |
//! | app webhooks: events | `webhooks` |
//! | `/webhooks/v3/{appId}/…` (settings, subscriptions), the admin surface's webhook routes | `subscriptions::api`, `subscriptions::admin` (routes), `subscriptions` (model) |
//! | `X-HubSpot-RateLimit-*`, 429 | `ratelimit` |
//! | `/api/admin/provision`, `/api/admin/private-apps` | `admin` |
//! | auth, bodies, query arguments | `request` |
//! | when OAuth access tokens and codes expire, `/api/admin/oauth/advance` | `expiry` |
//! | unique names the tables leave unconstrained (their lock) | `names` |
//! | the seventeen types and the custom ones | `types` |
//!
//! All state is in the clone's Postgres database (see `migrations/`) and under its Redis
//! prefix (rate-limit counters); the process holds none.

mod admin;
mod assoc;
mod associations;
mod error;
mod expiry;
mod exports;
mod fieldtypes;
mod forms;
mod imports;
mod labels;
mod lists;
mod names;
mod oauth;
mod objects;
mod owners;
mod pipelines;
mod preferences;
mod properties;
mod ratelimit;
mod request;
mod schemas;
mod subscriptions;
mod timeline;
mod types;
mod users;
mod values;
mod webhooks;

use asym_kit::Kit;
use axum::Router;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::error::ApiError;
use crate::request::Caller;

/// The HubSpot clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
pub fn app(kit: Kit) -> Router {
    Router::new()
        .merge(
            Caller::Admin.mark(
                Router::new()
                    .route("/api/admin/provision", post(admin::provision))
                    .route("/api/admin/private-apps", post(admin::mint))
                    .route("/api/admin/rate-limits", post(ratelimit::configure))
                    .merge(subscriptions::admin::routes())
                    .merge(oauth::admin_routes()),
            ),
        )
        .merge(Caller::DeveloperKey.mark(subscriptions::api::routes()))
        .merge(objects::routes())
        .merge(associations::routes())
        .merge(properties::routes())
        .merge(schemas::routes())
        .merge(owners::routes())
        .merge(pipelines::routes())
        .merge(lists::routes())
        .merge(imports::routes())
        .merge(exports::routes())
        .merge(timeline::routes())
        .merge(timeline::template_routes())
        .merge(oauth::routes())
        .merge(users::routes())
        .merge(preferences::routes())
        .merge(forms::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(middleware::from_fn_with_state(
            kit.clone(),
            ratelimit::layer,
        ))
        .layer(middleware::from_fn(refuse_unreadable))
        .with_state(kit)
}

/// A NUL (`%00`) in the path answers 404, in the query 400: no name or value HubSpot serves
/// holds one, and Postgres would refuse it as text. A path whose escapes decode to invalid
/// UTF-8 (`%FF`) names nothing either: 404 in the same envelope (axum's own refusal of it is
/// plain text).
async fn refuse_unreadable(request: axum::extract::Request, next: middleware::Next) -> Response {
    use asym_kit::body::{Nul, nul_in, path_is_utf8};
    if !path_is_utf8(request.uri()) {
        return ApiError::missing("Not Found").into_response();
    }
    match nul_in(request.uri()) {
        Some(Nul::Path) => ApiError::missing("Not Found").into_response(),
        Some(Nul::Query) => {
            ApiError::validation("A query parameter holds a NUL character.").into_response()
        }
        None => next.run(request).await,
    }
}

/// HubSpot's 404 for a path it does not serve.
async fn not_found() -> impl IntoResponse {
    ApiError::missing("Not Found")
}
