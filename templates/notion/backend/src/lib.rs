//! asym's Notion clone: the Notion REST API (`/v1/…`) over Postgres, in the API versions
//! Notion serves side by side — `2026-03-11` (`2025-09-03` without `archived` and append's
//! `after`), `2025-09-03` (databases contain data sources) and `2022-06-28`
//! (database-centric) — chosen per request by `Notion-Version`.
//!
//! | routes | module |
//! |---|---|
//! | version header, token, rate limit, bodies, ids, pagination | `request`, `ratelimit`, `body`, `seek` |
//! | `/v1/users`, `/v1/users/{id}`, `/v1/users/me` | `users` |
//! | `/v1/pages`, `/v1/pages/{id}` | `pages` (templates applied: `templates`) |
//! | `/v1/pages/{id}/move`, `/v1/pages/{id}/properties/{property_id}` | `moves` (nothing under itself: `ancestry`) |
//! | `/v1/pages/{id}/markdown` | `page_markdown` (conversion: `markdown`; synced blocks: `synced_markdown`) |
//! | `/v1/blocks/{id}`, `/v1/blocks/{id}/children` | `blocks` (shapes: `content`) |
//! | `/v1/blocks/meeting_notes/query` | `meeting_notes` |
//! | `/v1/databases…`, `/v1/data_sources…` (create, retrieve, update) | `databases` (schemas: `schema`) |
//! | `…/query` and `/v1/search` | `query` (filters and sorts: `filter`; on formulas and rollups: `computed`; conditions: `condition`) |
//! | `/v1/comments` | `comments` |
//! | `/v1/data_sources/{id}/templates`, `/v1/custom_emojis` | `listings` |
//! | `/v1/file_uploads…`, `/files/{id}/{name}` (the bytes), attaching uploads | `uploads` |
//! | property values, rich text, dates | `values`, `richtext`, `dates` |
//! | formulas; rollups and dual relations | `formula`; `relations` (functions: `rollup`) |
//! | reading one object by id | `rows` |
//! | the fixture workspace and its bot user | `workspace` |
//! | `/api/admin/webhooks…` and events | `webhooks` |
//! | capabilities (403 `restricted_resource`), `/api/admin/provision`, `/api/admin/capabilities` | `capabilities` |
//! | `/api/admin/rate-limit` | `ratelimit` |
//! | `/v1/views…` (views and their queries) | `views` |
//! | `/v1/oauth/token`, `/introspect`, `/revoke`; `/api/admin/oauth/…` | `oauth` |
//!
//! All state is in the clone's Postgres database (see `migrations/`) and, for the rate
//! limit's switch and counters, under its Redis prefix.

mod ancestry;
mod async_tasks;
mod blocks;
mod body;
mod capabilities;
mod comments;
mod computed;
mod condition;
mod content;
mod databases;
mod dates;
mod error;
mod filter;
mod formula;
mod ids;
mod listings;
mod markdown;
mod meeting_notes;
mod moves;
mod oauth;
mod page_blocks;
mod page_markdown;
mod pages;
mod query;
mod ratelimit;
mod relations;
mod request;
mod richtext;
mod rollup;
mod rows;
mod schema;
mod seek;
mod synced_markdown;
mod templates;
mod uploads;
mod users;
mod values;
mod views;
mod webhooks;
mod workspace;

use asym_kit::Kit;
use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::{any, get, post};
use serde_json::Value;

use crate::body::Object;
use crate::databases::Container;
use crate::error::{ApiError, ApiResult};
use crate::request::{Ctx, Path, Query};

/// A handler over a module function taking `(ctx, body)`, `(ctx, id)` or `(ctx, id, body)`:
/// the path is extracted first, then the context (version, token, rate limit), then the body
/// (checked against the version: [`Ctx::check`]); the answer goes through [`Ctx::answer`].
macro_rules! api {
    (body => $f:path) => {
        |ctx: Ctx, Object(body): Object| async move {
            ctx.check(&body)?;
            $f(&ctx, &body).await.map(|v| ctx.answer(v))
        }
    };
    (id => $f:path) => {
        |Path(id): Path<String>, ctx: Ctx| async move { $f(&ctx, &id).await.map(|v| ctx.answer(v)) }
    };
    (id, body => $f:path) => {
        |Path(id): Path<String>, ctx: Ctx, Object(body): Object| async move {
            ctx.check(&body)?;
            $f(&ctx, &id, &body).await.map(|v| ctx.answer(v))
        }
    };
}

/// The Notion clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
pub fn app(kit: Kit) -> Router {
    let router = containers(Router::new())
        .route("/api/admin/provision", post(capabilities::provision))
        .route(
            "/api/admin/capabilities",
            get(capabilities::get).put(capabilities::put),
        )
        .route("/api/admin/rate-limit", post(ratelimit::set))
        .route(
            "/api/admin/file_uploads/{id}/expire",
            post(uploads::admin_expire),
        )
        .merge(webhooks::admin_routes())
        .route("/v1/users", get(users_list))
        .route("/v1/users/{id}", get(api!(id => users::retrieve)))
        .route("/v1/search", post(api!(body => query::search)))
        .route("/v1/custom_emojis", get(custom_emojis))
        .route("/v1/data_sources/{id}/templates", get(templates))
        .route("/v1/pages", post(pages_create))
        .route(
            "/v1/async_tasks/{id}",
            get(api!(id => async_tasks::retrieve)),
        )
        .route(
            "/v1/pages/{id}",
            get(pages_retrieve).patch(api!(id, body => pages::update)),
        )
        .route(
            "/v1/pages/{id}/move",
            post(api!(id, body => moves::move_page)),
        )
        .route("/v1/pages/{id}/properties/{property}", get(pages_property))
        .route(
            "/v1/pages/{id}/markdown",
            get(page_markdown).patch(page_markdown_update),
        )
        .route(
            "/v1/blocks/{id}",
            get(api!(id => blocks::retrieve))
                .patch(api!(id, body => page_blocks::update))
                .delete(api!(id => page_blocks::delete)),
        )
        .route(
            "/v1/blocks/meeting_notes/query",
            post(api!(body => meeting_notes::query)),
        )
        .route(
            "/v1/blocks/{id}/children",
            get(blocks_children).patch(api!(id, body => blocks::append)),
        )
        .route(
            "/v1/comments",
            get(comments_list).post(api!(body => comments::create)),
        )
        .route(
            "/v1/comments/{id}",
            get(api!(id => comments::retrieve))
                .patch(api!(id, body => comments::update))
                .delete(api!(id => comments::delete)),
        )
        .route(
            "/v1/file_uploads",
            get(uploads_list).post(api!(body => uploads::create)),
        )
        .route("/v1/file_uploads/{id}", get(api!(id => uploads::retrieve)))
        .route("/v1/file_uploads/{id}/send", post(uploads_send))
        .route(
            "/v1/file_uploads/{id}/complete",
            post(api!(id, body => uploads::complete)),
        )
        .route("/files/{id}/{name}", get(uploads::download));
    let router = views_routes(router)
        .route("/v1/oauth/token", post(oauth::token))
        .route("/v1/oauth/introspect", post(oauth::introspect))
        .route("/v1/oauth/revoke", post(oauth::revoke))
        .route("/api/admin/oauth/client", post(oauth::admin_client))
        .route("/api/admin/oauth/codes", post(oauth::admin_code));
    unserved(router)
        .fallback(|| async { ApiError::invalid_url() })
        .method_not_allowed_fallback(|| async { ApiError::invalid_url() })
        .with_state(kit)
}

/// Route families Notion serves that the clone does not: each answers 501
/// `not_implemented` naming it (rather than `invalid_request_url`, which would say the URL
/// is wrong).
const UNSERVED: [(&str, &str); 9] = [
    ("/v1/blocks/meeting_notes", "Meeting notes"),
    ("/v1/agents", "Agents"),
    ("/v1/agents/{*rest}", "Agents"),
    ("/v1/sessions", "Agent sessions"),
    ("/v1/sessions/{*rest}", "Agent sessions"),
    ("/v1/threads/{*rest}", "Agent threads"),
    ("/v1/external_agent_stub/{*rest}", "External agents"),
    ("/v1/oauth/{*rest}", "OAuth"),
    ("/v1/meeting_notes/{*rest}", "Meeting notes"),
];

fn unserved(mut router: Router<Kit>) -> Router<Kit> {
    for (path, name) in UNSERVED {
        router = router.route(
            path,
            any(move || async move { ApiError::not_implemented(name) }),
        );
    }
    router
}

/// `/v1/databases…` and `/v1/data_sources…`: create, retrieve, update and query each.
fn containers(mut router: Router<Kit>) -> Router<Kit> {
    for container in Container::ALL {
        let path = container.path();
        router = router
            .route(
                path,
                post(move |ctx: Ctx, Object(body): Object| async move {
                    ctx.check(&body)?;
                    container.create(&ctx, &body).await.map(|v| ctx.answer(v))
                }),
            )
            .route(
                &format!("{path}/{{id}}"),
                get(move |Path(id): Path<String>, ctx: Ctx| async move {
                    container.retrieve(&ctx, &id).await.map(|v| ctx.answer(v))
                })
                .patch(
                    move |Path(id): Path<String>, ctx: Ctx, Object(body): Object| async move {
                        ctx.check(&body)?;
                        container
                            .update(&ctx, &id, &body)
                            .await
                            .map(|v| ctx.answer(v))
                    },
                ),
            )
            .route(
                &format!("{path}/{{id}}/query"),
                post(move |path, query, ctx, body| {
                    run_query(container == Container::Database, path, query, ctx, body)
                }),
            );
    }
    router
}

/// What every API handler answers: the module's JSON, or its error.
type Reply = ApiResult<Json<Value>>;

async fn users_list(ctx: Ctx, query: Query) -> Reply {
    users::list(&ctx, query.paging()?).await.map(Json)
}

async fn pages_retrieve(Path(id): Path<String>, query: Query, ctx: Ctx) -> Reply {
    let only = query.filter_properties();
    pages::retrieve(&ctx, &id, &only)
        .await
        .map(|v| ctx.answer(v))
}

async fn pages_property(
    Path((id, property)): Path<(String, String)>,
    ctx: Ctx,
    query: Query,
) -> Reply {
    let paging = query.paging()?;
    moves::property_item(&ctx, &id, &property, paging)
        .await
        .map(Json)
}

async fn blocks_children(Path(id): Path<String>, ctx: Ctx, query: Query) -> Reply {
    blocks::children(&ctx, &id, query.paging()?)
        .await
        .map(|v| ctx.answer(v))
}

/// `POST /v1/databases/{id}/query` (`legacy`) or `/v1/data_sources/{id}/query`.
async fn run_query(
    legacy: bool,
    Path(id): Path<String>,
    query: Query,
    ctx: Ctx,
    Object(body): Object,
) -> Reply {
    ctx.check(&body)?;
    let only = query.filter_properties();
    query::query(&ctx, &id, legacy, &body, &only)
        .await
        .map(|v| ctx.answer(v))
}

/// `POST /v1/pages`: the page, or with `allow_async: true` and `markdown` an async task.
async fn pages_create(ctx: Ctx, Object(body): Object) -> ApiResult<Response> {
    ctx.check(&body)?;
    let asked = async_tasks::wanted(&body)? && body.contains_key("markdown");
    let page = pages::create(&ctx, &body).await?;
    async_tasks::reply(&ctx, asked, "POST /v1/pages", ctx.answer(page)).await
}

/// `PATCH /v1/pages/{id}/markdown`: the page's markdown, or with `allow_async: true` an
/// async task.
async fn page_markdown_update(
    Path(id): Path<String>,
    ctx: Ctx,
    Object(body): Object,
) -> ApiResult<Response> {
    ctx.check(&body)?;
    let asked = async_tasks::wanted(&body)?;
    let markdown = page_markdown::update(&ctx, &id, &body).await?;
    let operation = "PATCH /v1/pages/:page_id/markdown";
    async_tasks::reply(&ctx, asked, operation, ctx.answer(markdown)).await
}

async fn page_markdown(Path(id): Path<String>, ctx: Ctx, query: Query) -> Reply {
    page_markdown::retrieve(&ctx, &id, &query).await.map(Json)
}

async fn templates(Path(id): Path<String>, ctx: Ctx, query: Query) -> Reply {
    listings::templates(&ctx, &id, &query).await.map(Json)
}

async fn custom_emojis(ctx: Ctx, query: Query) -> Reply {
    listings::custom_emojis(&ctx, &query).await.map(Json)
}

async fn comments_list(ctx: Ctx, query: Query) -> Reply {
    let paging = query.paging()?;
    comments::list(&ctx, query.get("block_id"), paging)
        .await
        .map(Json)
}

async fn uploads_list(ctx: Ctx, query: Query) -> Reply {
    let paging = query.paging()?;
    uploads::list(&ctx, query.get("status"), paging)
        .await
        .map(|v| ctx.answer(v))
}

/// `POST /v1/file_uploads/{id}/send`: a `multipart/form-data` body, read by the module.
async fn uploads_send(Path(id): Path<String>, ctx: Ctx, headers: HeaderMap, body: Body) -> Reply {
    uploads::send(&ctx, &id, &headers, body)
        .await
        .map(|v| ctx.answer(v))
}

/// `/v1/views…`: views and their queries (`views`).
fn views_routes(router: Router<Kit>) -> Router<Kit> {
    router
        .route(
            "/v1/views",
            get(|ctx: Ctx, query: Query| async move { views::list(&ctx, &query).await.map(Json) })
                .post(api!(body => views::create)),
        )
        .route(
            "/v1/views/{id}",
            get(api!(id => views::retrieve))
                .patch(api!(id, body => views::update))
                .delete(api!(id => views::delete)),
        )
        .route(
            "/v1/views/{id}/queries",
            post(api!(id, body => views::query)),
        )
        .route(
            "/v1/views/{id}/queries/{query_id}",
            get(
                |Path((id, query_id)): Path<(String, String)>, ctx: Ctx, query: Query| async move {
                    views::query_results(&ctx, (&id, &query_id), &query)
                        .await
                        .map(Json)
                },
            )
            .delete(
                |Path((id, query_id)): Path<(String, String)>, ctx: Ctx| async move {
                    views::delete_query(&ctx, (&id, &query_id)).await.map(Json)
                },
            ),
        )
}
