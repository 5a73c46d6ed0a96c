//! asym's skeleton clone: the smallest complete template, to copy when cloning an API of your
//! own. One resource (`/v1/notes`: create, list with cursor pagination, retrieve, delete),
//! bearer tokens minted at provisioning and stored hashed by the kit, bounded bodies, and one
//! error envelope `{"error": {"code", "message"}}`. Everything else (health, admin guard,
//! resets, start-up) is the kit's: see `templates/README.md`.
//!
//! All state is in the clone's Postgres database (`migrations/0001_notes.sql`).

use asym_kit::body::{self, BodyError, Limits};
use asym_kit::credentials::{self, Mint};
use asym_kit::tokio_postgres::Row;
use asym_kit::{BackendError, Kit, cursor, form, token};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

/// The routes. [`asym_kit::router`] adds `/api/health`, the admin guard and the resets.
pub fn app(kit: Kit) -> Router {
    Router::new()
        .route("/api/admin/provision", post(provision))
        .route("/v1/notes", get(list).post(create))
        .route("/v1/notes/{id}", get(retrieve).delete(delete))
        .with_state(kit)
}

/// The API's one error shape.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    fn not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no note with id {id:?}"),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}

impl From<BackendError> for ApiError {
    fn from(err: BackendError) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            asym_kit::error_chain(&err),
        )
    }
}

asym_kit::backend_error_conversions!(ApiError);

impl From<BodyError> for ApiError {
    fn from(err: BodyError) -> Self {
        match err {
            BodyError::TooLarge { .. } => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", err.to_string())
            }
            other => Self::new(StatusCode::BAD_REQUEST, "invalid_json", other.to_string()),
        }
    }
}

type ApiResult<T = Json<Value>> = Result<T, ApiError>;

/// `POST /api/admin/provision`: one bearer token, `skel_…`.
async fn provision(State(kit): State<Kit>, body: Bytes) -> Response {
    credentials::provision(&kit, &body, || {
        vec![Mint::new("token", token::mint("skel_"))]
    })
    .await
}

/// A handler argument that only exists for a request with a valid bearer token.
struct Caller;

impl FromRequestParts<Kit> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, ApiError> {
        let unauthorized = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "send Authorization: Bearer <token>",
            )
        };
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        match credentials::authenticate(kit, token).await? {
            Some(_) => Ok(Self),
            None => Err(unauthorized()),
        }
    }
}

/// A note as the API answers it, rendered by the statement that read it.
const NOTE: &str = "json_build_object('id', id::text, 'title', title, 'body', body, \
     'created_at', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))::text";

fn note(row: &Row) -> Value {
    serde_json::from_str(row.get(0)).unwrap_or(Value::Null)
}

/// `POST /v1/notes` `{"title": "…", "body": "…"}` → 201 with the note.
async fn create(
    State(kit): State<Kit>,
    _: Caller,
    request: axum::extract::Request,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let bytes = body::read(request.into_body(), &Limits::default()).await?;
    let Value::Object(fields) = body::json(&bytes, &Limits::default())? else {
        return Err(ApiError::invalid("the body must be a JSON object"));
    };
    let title = match fields.get("title") {
        Some(Value::String(title)) if !title.trim().is_empty() => title,
        Some(Value::String(_)) | None => return Err(ApiError::invalid("title is required")),
        Some(_) => return Err(ApiError::invalid("title must be a string")),
    };
    let text = match fields.get("body") {
        None | Some(Value::Null) => "",
        Some(Value::String(text)) => text,
        Some(_) => return Err(ApiError::invalid("body must be a string")),
    };
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(&format!(
            "INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING {NOTE}"
        ))
        .await?;
    let row = client.query_one(&statement, &[title, &text]).await?;
    Ok((StatusCode::CREATED, Json(note(&row))))
}

/// `GET /v1/notes?limit=20&cursor=…`: oldest first, `{"data": [...], "next_cursor": …}`.
async fn list(State(kit): State<Kit>, _: Caller, RawQuery(query): RawQuery) -> ApiResult {
    let params = form::parse(query.unwrap_or_default().as_bytes());
    let param = |name: &str| params.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v);
    let limit: i64 = match param("limit") {
        None => 20,
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| ApiError::invalid("limit must be an integer from 1 to 100"))?,
    };
    let after: i64 = match param("cursor") {
        None => 0,
        Some(raw) => cursor::decode(raw)
            .ok()
            .and_then(|inner| inner.parse().ok())
            .ok_or_else(|| ApiError::invalid("cursor is not one this API gave"))?,
    };
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(&format!(
            "SELECT {NOTE}, id FROM notes WHERE id > $1 ORDER BY id LIMIT $2"
        ))
        .await?;
    let mut rows = client.query(&statement, &[&after, &(limit + 1)]).await?;
    let more = rows.len() > usize::try_from(limit).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let next = match rows.last() {
        Some(last) if more => Value::String(cursor::encode(&last.get::<_, i64>(1).to_string())),
        _ => Value::Null,
    };
    let data: Vec<Value> = rows.iter().map(note).collect();
    Ok(Json(json!({ "data": data, "next_cursor": next })))
}

/// `GET /v1/notes/{id}`.
async fn retrieve(State(kit): State<Kit>, _: Caller, Path(id): Path<String>) -> ApiResult {
    let number: i64 = id.parse().map_err(|_| ApiError::not_found(&id))?;
    let client = kit.db().await?;
    let statement = client
        .prepare_cached(&format!("SELECT {NOTE} FROM notes WHERE id = $1"))
        .await?;
    match client.query_opt(&statement, &[&number]).await? {
        Some(row) => Ok(Json(note(&row))),
        None => Err(ApiError::not_found(&id)),
    }
}

/// `DELETE /v1/notes/{id}` → 204.
async fn delete(State(kit): State<Kit>, _: Caller, Path(id): Path<String>) -> ApiResult<Response> {
    let number: i64 = id.parse().map_err(|_| ApiError::not_found(&id))?;
    let client = kit.db().await?;
    let statement = client
        .prepare_cached("DELETE FROM notes WHERE id = $1")
        .await?;
    match client.execute(&statement, &[&number]).await? {
        0 => Err(ApiError::not_found(&id)),
        _ => Ok((StatusCode::NO_CONTENT, Body::empty()).into_response()),
    }
}
