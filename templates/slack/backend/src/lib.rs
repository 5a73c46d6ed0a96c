//! asym's Slack clone: the Slack Web API over Postgres.
//!
//! Methods are served at `POST /api/<method>` (and `GET` with a query string), with
//! arguments in a form or JSON body, the token in `Authorization: Bearer` or a `token`
//! argument, and every method error answered HTTP 200 `{"ok":false,"error":"<code>"}` — so
//! Slack's official SDKs work against it by changing only their base URL to
//! `http://<host>:<port>/api/`.
//!
//! | methods | module |
//! |---|---|
//! | `api.test`, `auth.test` | `auth` |
//! | `auth.revoke`, `apps.uninstall` | `revoke` |
//! | `team.info`, `team.profile.get`, `team.preferences.list`, `team.billableInfo`, `team.billing.info`, `bots.info`, `auth.teams.list` | `team` |
//! | `chat.postMessage` (one statement per call) | `post` |
//! | `chat.*` (update, delete, ephemeral, `/me`, permalink, scheduling, streams) | `chat` |
//! | `chat.unfurl` and the app's unfurl domains (`link_shared`: `model::link`) | `unfurl` |
//! | `conversations.*`, `users.conversations` | `conversations` |
//! | `conversations.history` (one statement per call) | `history` |
//! | `users.*` | `users` |
//! | `users.setPhoto`, `users.deletePhoto` and the avatars they serve | `photos` |
//! | `usergroups.*` | `usergroups` |
//! | `reactions.*`, `pins.*` | `reactions` |
//! | `stars.*` (saved items) | `stars` |
//! | `calls.*` (the Calls API) | `calls` |
//! | `search.messages`, `search.files`, `search.all` | `search` |
//! | `emoji.list` | `emoji` |
//! | `bookmarks.*` | `bookmarks` |
//! | `canvases.*` (`getContent` too), `conversations.canvases.create` | `canvases` |
//! | `slackLists.*` (Slack Lists: a list, its items, exports, access) | `lists` |
//! | `views.*` | `views` |
//! | `dnd.*` | `dnd` |
//! | `reminders.*` | `reminders` |
//! | `assistant.threads.*` | `assistant` |
//! | system messages (`channel_join`, `channel_leave`, `channel_name`, …) | `model::system` |
//! | `files.*` and the upload/download URLs | `files` |
//! | `files.remote.*` (remote files) | `remote` |
//! | `functions.completeSuccess`, `functions.completeError` and the admin surface's executions | `functions` |
//! | Events API subscription, queue and delivery worker; `apps.event.authorizations.list` | `events` |
//! | Interactivity: app configuration, slash commands, block actions, modals, `response_url` | `interactivity` |
//! | rate-limit tiers | `ratelimit` |
//! | `oauth.v2.access` and the admin surface's install codes | `oauth` |
//! | token rotation: `oauth.v2.access` with `grant_type=refresh_token`, `oauth.v2.exchange`, `tooling.tokens.rotate` | `rotation` |
//! | Sign in with Slack: `openid.connect.*`, `users.identity`, the JWKS | `openid` |
//! | Socket Mode: `apps.connections.open`, the WebSocket, its admin routes (state: `model::socket`, live connections: `hub`) | `socket` |
//! | `POST /api/admin/provision`, `/tokens`, `/rate-limits` | `admin` |
//!
//! All state is in the clone's Postgres database (see `migrations/`); the process holds only
//! the Socket Mode connections open on it (`hub`).

mod admin;
mod args;
mod assistant;
mod auth;
mod bookmarks;
mod calls;
mod canvases;
mod chat;
mod conversations;
mod dnd;
mod emoji;
mod error;
mod events;
mod files;
mod functions;
mod history;
mod hub;
mod interactivity;
mod json;
mod lists;
mod model;
mod oauth;
mod openid;
mod photos;
mod post;
mod ratelimit;
mod reactions;
mod reminders;
mod remote;
mod revoke;
mod rotation;
mod search;
mod socket;
mod stars;
mod team;
mod ts;
mod unfurl;
mod usergroups;
mod users;
mod views;

use asym_kit::Kit;
use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Map, Value};

use crate::args::Args;
use crate::error::{ApiError, ApiResult};

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Configuration, Postgres and Redis.
    pub kit: Kit,
    /// The Socket Mode connections open on this process.
    pub(crate) sockets: std::sync::Arc<hub::Hub>,
}

impl AppState {
    /// Wraps the kit's state.
    pub fn new(kit: Kit) -> Self {
        Self {
            kit,
            sockets: std::sync::Arc::default(),
        }
    }

    /// Commits a write's transaction, then wakes the outbox and the Socket Mode connections
    /// for the events it queued.
    ///
    /// # Errors
    ///
    /// `internal_error` when the commit fails.
    pub(crate) async fn commit(
        &self,
        tx: asym_kit::deadpool_postgres::Transaction<'_>,
    ) -> Result<(), ApiError> {
        tx.commit().await?;
        self.kit.wake_outbox();
        self.sockets.wake();
        Ok(())
    }

    /// Starts the background worker that posts scheduled messages when due (queued events
    /// are the kit outbox's to deliver). Call once, inside a Tokio runtime.
    pub fn spawn_worker(&self) {
        tokio::spawn(events::worker(self.clone()));
    }
}

/// One Web API call: its method, headers and arguments.
#[derive(Debug)]
pub(crate) struct Call {
    /// The method name (`chat.postMessage`).
    pub(crate) method: String,
    /// The request headers (for `Authorization`).
    pub(crate) headers: HeaderMap,
    /// The merged query-string and body arguments.
    pub(crate) args: Args,
}

/// The Slack clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(admin::routes())
        .merge(events::admin_routes())
        .merge(files::routes())
        .merge(functions::admin_routes())
        .merge(interactivity::routes())
        .merge(oauth::admin_routes())
        .merge(rotation::admin_routes())
        .merge(openid::routes())
        .merge(photos::routes())
        .merge(socket::routes())
        .merge(unfurl::admin_routes())
        .route("/api/{method}", any(web_api))
        .with_state(state)
        .layer(axum::middleware::from_fn(refuse_nul))
}

/// A NUL (`%00`) in the path or query of a route other than a Web API method answers 404
/// `not_found` (path) or 400 `invalid_arguments` (query): no id or name the clone keeps holds
/// one, and Postgres refuses it as text. So does a path that is not UTF-8 once decoded
/// (`%FF`), rather than the router's plain-text refusal. (Web API arguments are checked as
/// they are parsed, and a method name is only compared.)
async fn refuse_nul(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use asym_kit::body::{Nul, nul_in, path_is_utf8};
    let path = request.uri().path();
    let web_api = path.starts_with("/api/") && !path.starts_with("/api/admin/");
    if web_api {
        return next.run(request).await;
    }
    let not_found = || ApiError::status(axum::http::StatusCode::NOT_FOUND, "not_found");
    match nul_in(request.uri()) {
        Some(Nul::Path) => not_found().into_response(),
        Some(Nul::Query) => {
            ApiError::status(axum::http::StatusCode::BAD_REQUEST, "invalid_arguments")
                .with("message", "a query parameter holds a NUL character")
                .into_response()
        }
        None if !path_is_utf8(request.uri()) => not_found().into_response(),
        None => next.run(request).await,
    }
}

/// `/api/<method>`: parses the call, runs the method, wraps the result in `{"ok":true,…}`.
async fn web_api(
    State(state): State<AppState>,
    method: Result<Path<String>, PathRejection>,
    uri: Uri,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Response {
    let Ok(Path(method)) = method else {
        // Not UTF-8 once decoded: no method Slack has.
        let name = uri.path().trim_start_matches("/api/");
        let unknown = ApiError::new("unknown_method").with("req_method", name);
        return unknown.into_response();
    };
    let body = match asym_kit::body::read(body, &args::LIMITS).await {
        Ok(body) => body,
        Err(err) => return args::refused(err).into_response(),
    };
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let args = match Args::parse(content_type, uri.query(), &body) {
        Ok(args) => args,
        Err(err) => return err.into_response(),
    };
    let call = Call {
        method,
        headers,
        args,
    };
    let state = &state;
    let call = &call;
    if call.method == "conversations.history" {
        // Written straight into bytes: the body is a page of up to 999 messages.
        return match history::history(state, call).await {
            Ok(body) => ([(CONTENT_TYPE, "application/json")], body).into_response(),
            Err(err) => err.into_response(),
        };
    }
    let result: ApiResult = match call.method.as_str() {
        "api.test" => auth::api_test(call),
        "auth.test" => auth::test(state, call).await,
        "auth.revoke" => revoke::revoke(state, call).await,
        "apps.uninstall" => revoke::uninstall(state, call).await,
        "auth.teams.list" => team::teams_list(state, call).await,
        "apps.connections.open" => socket::connections_open(state, call).await,
        "apps.event.authorizations.list" => events::authorizations_list(state, call).await,
        "oauth.v2.access"
            if call.args.non_empty("grant_type").as_deref() == Some("refresh_token") =>
        {
            rotation::refresh(state, call).await
        }
        "oauth.v2.access" => oauth::access(state, call).await,
        "oauth.v2.exchange" => rotation::exchange(state, call).await,
        "tooling.tokens.rotate" => rotation::rotate_config_token(state, call).await,
        "openid.connect.token" => openid::connect_token(state, call).await,
        "openid.connect.userInfo" => openid::user_info(state, call).await,
        "users.identity" => openid::identity(state, call).await,
        "team.info" => team::info(state, call).await,
        "team.profile.get" => team::profile_get(state, call).await,
        "team.preferences.list" => team::preferences_list(state, call).await,
        "team.billableInfo" => team::billable_info(state, call).await,
        "team.billing.info" => team::billing_info(state, call).await,
        "bots.info" => team::bots_info(state, call).await,
        "chat.postMessage" => post::post_message(state, call).await,
        "chat.update" => chat::update(state, call).await,
        "chat.startStream" => chat::start_stream(state, call).await,
        "chat.appendStream" => chat::append_stream(state, call).await,
        "chat.stopStream" => chat::stop_stream(state, call).await,
        "chat.delete" => chat::delete(state, call).await,
        "chat.postEphemeral" => chat::post_ephemeral(state, call).await,
        "chat.getPermalink" => chat::get_permalink(state, call).await,
        "chat.scheduleMessage" => chat::schedule_message(state, call).await,
        "chat.scheduledMessages.list" => chat::scheduled_list(state, call).await,
        "chat.deleteScheduledMessage" => chat::delete_scheduled(state, call).await,
        "chat.meMessage" => chat::me_message(state, call).await,
        "chat.unfurl" => unfurl::unfurl(state, call).await,
        "canvases.create" => canvases::create(state, call).await,
        "canvases.edit" => canvases::edit(state, call).await,
        "canvases.delete" => canvases::delete(state, call).await,
        "canvases.access.set" => canvases::access_set(state, call).await,
        "canvases.access.delete" => canvases::access_delete(state, call).await,
        "canvases.sections.lookup" => canvases::sections_lookup(state, call).await,
        "canvases.getContent" => canvases::get_content(state, call).await,
        "conversations.canvases.create" => canvases::create_for_channel(state, call).await,
        "slackLists.create" => lists::create(state, call).await,
        "slackLists.update" => lists::update(state, call).await,
        "slackLists.items.create" => lists::items_create(state, call).await,
        "slackLists.items.list" => lists::items_list(state, call).await,
        "slackLists.items.info" => lists::items_info(state, call).await,
        "slackLists.items.update" => lists::items_update(state, call).await,
        "slackLists.items.delete" => lists::items_delete(state, call).await,
        "slackLists.items.deleteMultiple" => lists::items_delete_multiple(state, call).await,
        "slackLists.download.start" => lists::download_start(state, call).await,
        "slackLists.download.get" => lists::download_get(state, call).await,
        "slackLists.access.set" => lists::access_set(state, call).await,
        "slackLists.access.delete" => lists::access_delete(state, call).await,
        "conversations.list" => conversations::list(state, call).await,
        "conversations.info" => conversations::info(state, call).await,
        "conversations.replies" => conversations::replies(state, call).await,
        "conversations.create" => conversations::create(state, call).await,
        "conversations.join" => conversations::join(state, call).await,
        "conversations.leave" => conversations::leave(state, call).await,
        "conversations.invite" => conversations::invite(state, call).await,
        "conversations.kick" => conversations::kick(state, call).await,
        "conversations.archive" => conversations::set_archived(state, call, true).await,
        "conversations.unarchive" => conversations::set_archived(state, call, false).await,
        "conversations.rename" => conversations::rename(state, call).await,
        "conversations.setTopic" => conversations::set_text(state, call, "topic").await,
        "conversations.setPurpose" => conversations::set_text(state, call, "purpose").await,
        "conversations.members" => conversations::members(state, call).await,
        "conversations.open" => conversations::open(state, call).await,
        "conversations.mark" => conversations::mark(state, call).await,
        "conversations.close" => conversations::close(state, call).await,
        "users.list" => users::list(state, call).await,
        "users.info" => users::info(state, call).await,
        "users.lookupByEmail" => users::lookup_by_email(state, call).await,
        "users.conversations" => conversations::user_conversations(state, call).await,
        "users.profile.get" => users::profile_get(state, call).await,
        "users.getPresence" => users::get_presence(state, call).await,
        "users.setPresence" => users::set_presence(state, call).await,
        "users.profile.set" => users::profile_set(state, call).await,
        "users.setPhoto" => photos::set(state, call).await,
        "users.deletePhoto" => photos::delete(state, call).await,
        "usergroups.create" => usergroups::create(state, call).await,
        "usergroups.list" => usergroups::list(state, call).await,
        "usergroups.update" => usergroups::update(state, call).await,
        "usergroups.disable" => usergroups::set_enabled(state, call, true).await,
        "usergroups.enable" => usergroups::set_enabled(state, call, false).await,
        "usergroups.users.list" => usergroups::users_list(state, call).await,
        "usergroups.users.update" => usergroups::users_update(state, call).await,
        "reactions.add" => reactions::react(state, call, true).await,
        "reactions.remove" => reactions::react(state, call, false).await,
        "reactions.get" => reactions::get(state, call).await,
        "reactions.list" => reactions::list(state, call).await,
        "pins.add" => reactions::set_pin(state, call, true).await,
        "pins.remove" => reactions::set_pin(state, call, false).await,
        "pins.list" => reactions::pins_list(state, call).await,
        "calls.add" => calls::add(state, call).await,
        "calls.info" => calls::info(state, call).await,
        "calls.update" => calls::update(state, call).await,
        "calls.end" => calls::end(state, call).await,
        "calls.participants.add" => calls::set_participants(state, call, true).await,
        "calls.participants.remove" => calls::set_participants(state, call, false).await,
        "stars.add" => stars::add(state, call).await,
        "stars.remove" => stars::remove(state, call).await,
        "stars.list" => stars::list(state, call).await,
        "search.messages" => search::messages(state, call).await,
        "search.files" => search::files(state, call).await,
        "search.all" => search::all(state, call).await,
        "emoji.list" => emoji::list(state, call).await,
        "bookmarks.add" => bookmarks::add(state, call).await,
        "bookmarks.edit" => bookmarks::edit(state, call).await,
        "bookmarks.list" => bookmarks::list(state, call).await,
        "bookmarks.remove" => bookmarks::remove(state, call).await,
        "assistant.threads.setStatus" => assistant::set_status(state, call).await,
        "assistant.threads.setTitle" => assistant::set_title(state, call).await,
        "assistant.threads.setSuggestedPrompts" => {
            assistant::set_suggested_prompts(state, call).await
        }
        "dnd.info" => dnd::info(state, call).await,
        "dnd.teamInfo" => dnd::team_info(state, call).await,
        "dnd.setSnooze" => dnd::set(state, call).await,
        "dnd.endSnooze" => dnd::end_snooze(state, call).await,
        "dnd.endDnd" => dnd::end_dnd(state, call).await,
        "reminders.add" => reminders::add(state, call).await,
        "reminders.info" => reminders::info(state, call).await,
        "reminders.list" => reminders::list(state, call).await,
        "reminders.complete" => reminders::complete(state, call).await,
        "reminders.delete" => reminders::delete(state, call).await,
        "views.publish" => views::publish(state, call).await,
        "views.update" => views::update(state, call).await,
        "views.open" | "views.push" => views::open(state, call).await,
        "files.getUploadURLExternal" => files::get_upload_url(state, call).await,
        "files.completeUploadExternal" => files::complete_upload(state, call).await,
        "files.info" => files::info(state, call).await,
        "files.list" => files::list(state, call).await,
        "files.delete" => files::delete(state, call).await,
        "files.sharedPublicURL" => files::public_url(state, call, true).await,
        "files.revokePublicURL" => files::public_url(state, call, false).await,
        "files.remote.add" => remote::add(state, call).await,
        "files.remote.info" => remote::info(state, call).await,
        "files.remote.list" => remote::list(state, call).await,
        "files.remote.update" => remote::update(state, call).await,
        "files.remote.remove" => remote::remove(state, call).await,
        "files.remote.share" => remote::share(state, call).await,
        "functions.completeSuccess" => functions::complete_success(state, call).await,
        "functions.completeError" => functions::complete_error(state, call).await,
        // Retired by Slack on 2025-11-12: it answers every app this way since.
        "files.upload" => Err(ApiError::new("method_deprecated")),
        _ => Err(ApiError::new("unknown_method").with("req_method", call.method.as_str())),
    };
    match result {
        Ok(fields) => {
            let mut body = Map::with_capacity(fields.len() + 1);
            body.insert("ok".to_owned(), Value::Bool(true));
            body.extend(fields);
            axum::Json(Value::Object(body)).into_response()
        }
        Err(err) => err.into_response(),
    }
}
