//! Putting a clone back to its baseline from inside its backend, on its own connections.
//!
//! `POST /api/admin/reset` restores the baseline snapshot the engine captured after spin and
//! clears the clone's Redis prefix, then answers. With `?defer=true` it answers `202` at once
//! with a `pending` token and does the work in the background: the harness sends it when a
//! test releases its clone, so the reset runs while the next test process starts. Until it
//! is done every other request waits (a gate every request but the reset routes passes
//! through), and `GET /api/admin/reset/{pending}` answers once it is, saying whether it
//! succeeded, so the next holder knows the clone is clean without resetting it again.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::Ordering;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use serde::Deserialize;
use serde_json::json;

use crate::errors::{admin_error, error_chain};
use crate::kit::{BackendError, Kit};

use asym_contract::wire::REQUESTS_PATH;
pub(crate) use asym_contract::wire::RESET_PATH;

/// The restore function of the baseline snapshot the engine captures after spin (the engine's
/// `reset` module generates it: delete + re-insert every table, sequences put back).
const RESTORE_BASELINE: &str = "SELECT asym_snap_baseline.restore()";

/// Lua deleting every key under a prefix in one round trip (the engine runs the same script).
const CLEAR_PREFIX_LUA: &str = include_str!("clear_prefix.lua");

/// Forgets the faults tests asked for and the requests answered, then restores the baseline
/// and clears the Redis prefix, concurrently.
async fn restore(kit: &Kit) -> Result<(), BackendError> {
    kit.faults().clear();
    kit.journal().clear();
    let database = async {
        let client = kit.restorer().await?;
        // One statement, so one transaction: a deadlock with a write in flight rolls all of
        // it back, and it is tried again.
        let mut outcome = client.batch_execute(RESTORE_BASELINE).await;
        for _ in 0..4 {
            match &outcome {
                Err(e)
                    if e.code()
                        == Some(&tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED) =>
                {
                    outcome = client.batch_execute(RESTORE_BASELINE).await;
                }
                _ => break,
            }
        }
        outcome?;
        Ok::<(), BackendError>(())
    };
    let keys = async {
        let mut redis = kit.redis().await?;
        redis::Script::new(CLEAR_PREFIX_LUA)
            .arg(&kit.config().redis_prefix)
            .invoke_async::<i64>(&mut redis)
            .await?;
        Ok::<(), BackendError>(())
    };
    let (database, keys) = tokio::join!(database, keys);
    database.and(keys)
}

/// `?defer=true` on `POST /api/admin/reset`.
#[derive(Debug, Deserialize)]
pub(crate) struct ResetParams {
    #[serde(default)]
    defer: bool,
}

/// `POST /api/admin/reset`: 200 `{"ok":true,"redis":true}` once the database is back at its
/// baseline and the Redis prefix is empty; 404 `snapshot_not_found` before the engine captured
/// a baseline; 503 when Postgres or Redis fails. With `?defer=true`: 202
/// `{"ok":true,"redis":true,"pending":"<token>"}` at once, the work done in the background.
pub(crate) async fn reset(State(kit): State<Kit>, Query(params): Query<ResetParams>) -> Response {
    let resets = kit.resets();
    let guard = resets.gate.clone().write_owned().await;
    if !params.defer {
        let restored = restore(&kit).await;
        drop(guard);
        return match restored {
            Ok(()) => {
                let body = json!({ "ok": true, "redis": true });
                (StatusCode::OK, axum::Json(body)).into_response()
            }
            Err(BackendError::Postgres(e))
                if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_SCHEMA_NAME) =>
            {
                let body = json!({ "ok": false, "error": "snapshot_not_found" });
                (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
            }
            Err(e) => {
                let body =
                    json!({ "ok": false, "error": "internal_error", "detail": error_chain(&e) });
                (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
            }
        };
    }
    let generation = resets.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let pending = format!("{}.{generation}", resets.boot);
    tokio::spawn(async move {
        if restore(&kit).await.is_ok() {
            kit.resets()
                .succeeded
                .fetch_max(generation, Ordering::SeqCst);
        }
        drop(guard);
    });
    let body = json!({ "ok": true, "redis": true, "pending": pending });
    (StatusCode::ACCEPTED, axum::Json(body)).into_response()
}

/// `GET /api/admin/reset/{pending}`: waits for the deferred reset `pending`, then 200
/// `{"ok":true}` when it (or a later one) succeeded, or `{"ok":false,"error":"reset_unknown"}`
/// when it failed or was issued before the backend restarted: reset again.
pub(crate) async fn settled(State(kit): State<Kit>, Path(pending): Path<String>) -> Response {
    let resets = kit.resets();
    let _done = resets.gate.read().await;
    let known = pending
        .split_once('.')
        .filter(|(boot, _)| *boot == resets.boot)
        .and_then(|(_, n)| n.parse::<u64>().ok())
        .is_some_and(|n| n >= 1 && resets.succeeded.load(Ordering::SeqCst) >= n);
    let body = if known {
        json!({ "ok": true })
    } else {
        json!({ "ok": false, "error": "reset_unknown" })
    };
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// Holds every request but the reset routes until a reset in flight is done, then lets the
/// faults tests asked for take it, and journals it with its answer (one layer for all three:
/// every request passes it). A handler that panics (a bug of the clone's) answers 500
/// `clone_panicked` and the clone goes on serving every other request: its other tests'
/// requests are not dropped with it.
pub(crate) async fn gate(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    // A reset's own routes, and listings of the journal (which may wait for a request to
    // come: holding the gate, they would hold resets up).
    if request.uri().path().starts_with(RESET_PATH) || request.uri().path() == REQUESTS_PATH {
        return next.run(request).await;
    }
    let _open = kit.resets().gate.clone().read_owned().await;
    let (request, sent) = kit.journal().read(request).await;
    let response = AssertUnwindSafe(kit.faults().serve(request, next))
        .catch_unwind()
        .await
        .unwrap_or_else(|_| {
            admin_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "clone_panicked",
                "the clone failed on this request, a bug of asym's: its log (`asym logs <id>`) \
                 has the panic",
            )
        });
    match sent {
        Some(sent) => kit.journal().keep(sent, response).await,
        None => response,
    }
}

/// Takes [`WRITERS_LOCK`](crate::WRITERS_LOCK) shared for the rest of `tx`'s transaction: what
/// a write that draws ids from a sequence in its own SQL (`nextval(…)` in a `VALUES` list or a
/// `WITH`, which runs before the insert's triggers take the lock) does first, so that a reset
/// cannot rewind the sequence under an id the write still holds. Tables whose inserts draw ids
/// through a column default need nothing: the engine's statement trigger takes the lock first.
///
/// # Errors
///
/// The statement's error.
pub async fn hold_writers(
    tx: &impl deadpool_postgres::GenericClient,
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "SELECT pg_advisory_xact_lock_shared($1)",
        &[&crate::WRITERS_LOCK],
    )
    .await
    .map(drop)
}
