//! asym's Slack clone: the Slack Web API over Postgres.
//!
//! Methods are served at `POST /api/<method>` (and `GET` with a query string), with
//! arguments in a form or JSON body, the token in `Authorization: Bearer` or a `token`
//! argument, and every method error answered HTTP 200 `{"ok":false,"error":"<code>"}` — so
//! Slack's official SDKs work against it by changing only their base URL to
//! `http://<host>:<port>/api/`.
//!
//! | method | module |
//! |---|---|
//! | `auth.test` | `auth` |
//! | `conversations.list`, `conversations.history` | `conversations` |
//! | `chat.postMessage` | `chat` |
//! | `POST /api/admin/provision` | `admin` |
//!
//! All state is in the clone's Postgres database (see `migrations/`); the process holds none.

mod admin;
mod args;
mod auth;
mod chat;
mod conversations;
mod error;
mod ts;

use asym_kit::Kit;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use serde_json::{Map, Value};

use crate::args::Args;
use crate::error::{ApiError, ApiResult};

/// What the handlers share.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Configuration, Postgres and Redis.
    pub kit: Kit,
}

impl AppState {
    /// Wraps the kit's state.
    pub fn new(kit: Kit) -> Self {
        Self { kit }
    }
}

/// One Web API call: its headers and arguments.
#[derive(Debug)]
pub(crate) struct Call {
    /// The request headers (for `Authorization`).
    pub(crate) headers: HeaderMap,
    /// The merged query-string and body arguments.
    pub(crate) args: Args,
}

/// The Slack clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/admin/provision", post(admin::provision))
        .route("/api/{method}", any(web_api))
        .with_state(state)
}

/// `/api/<method>`: parses the call, runs the method, wraps the result in `{"ok":true,…}`.
async fn web_api(
    State(state): State<AppState>,
    Path(method): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let args = match Args::parse(content_type, uri.query(), &body) {
        Ok(args) => args,
        Err(err) => return err.into_response(),
    };
    let call = Call { headers, args };
    let result: ApiResult = match method.as_str() {
        "auth.test" => auth::test(&state, &call).await,
        "conversations.list" => conversations::list(&state, &call).await,
        "conversations.history" => conversations::history(&state, &call).await,
        "chat.postMessage" => chat::post_message(&state, &call).await,
        _ => Err(ApiError::new("unknown_method").with("req_method", method.as_str())),
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
