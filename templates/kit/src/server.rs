//! Serving a backend: the shared routes (health), the admin guard, start-up and shutdown.

use std::net::SocketAddr;
use std::process::ExitCode;

use asym_contract::wire::is_admin;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::config::Config;
use crate::errors::error_chain;
use crate::kit::{BackendError, Kit, StartError};
use crate::token::constant_time_eq;
use crate::{faults, journal, outbox, reset};

pub use asym_contract::wire::{ADMIN_SECRET_HEADER, HEALTH_PATH, OUTBOX_PATH};

/// Wraps a product's router with what every backend serves the same way:
/// `GET /api/health`, the admin guard over everything under `/api/admin/`, resets, the
/// outbox's admin routes, and the faults a test asks for (the `faults` module).
///
/// [`serve`] calls this; in-process tests call it to drive the full stack with `oneshot`.
pub fn router(kit: &Kit, app: Router) -> Router {
    let shared = Router::new()
        .route(HEALTH_PATH, get(health))
        .route(reset::RESET_PATH, post(reset::reset))
        .route(
            &format!("{}/{{pending}}", reset::RESET_PATH),
            get(reset::settled),
        )
        .merge(outbox::admin_routes())
        .merge(faults::admin_routes())
        .merge(journal::admin_routes())
        .with_state(kit.clone());
    app.merge(shared)
        .layer(middleware::from_fn_with_state(kit.clone(), reset::gate))
        .layer(middleware::from_fn_with_state(kit.clone(), admin_guard))
}

/// `GET /api/health`: 200 `{"ok":true}` when `SELECT 1` and `PING` both answer, otherwise
/// 503 `{"ok":false,"failed":["postgres",…],"postgres":"<error>"|"ok","redis":…}`.
async fn health(State(kit): State<Kit>) -> Response {
    let (pg, redis) = tokio::join!(kit.check_postgres(), kit.check_redis());
    if pg.is_ok() && redis.is_ok() {
        return (StatusCode::OK, axum::Json(json!({ "ok": true }))).into_response();
    }
    let failed: Vec<&str> = [("postgres", pg.is_err()), ("redis", redis.is_err())]
        .into_iter()
        .filter_map(|(name, failed)| failed.then_some(name))
        .collect();
    let body = json!({
        "ok": false,
        "failed": failed,
        "postgres": describe(&pg),
        "redis": describe(&redis),
    });
    (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response()
}

fn describe(result: &Result<(), BackendError>) -> String {
    match result {
        Ok(()) => "ok".to_owned(),
        Err(err) => error_chain(err),
    }
}

/// Rejects requests under `/api/admin/` that lack the right `X-Asym-Admin-Secret` with 401
/// `{"error":"unauthorized","message":…}`.
async fn admin_guard(State(kit): State<Kit>, request: Request, next: Next) -> Response {
    if is_admin(request.uri().path())
        && !admin_secret_matches(request.headers(), &kit.config().admin_secret)
    {
        let body = json!({
            "error": "unauthorized",
            "message": "missing or wrong X-Asym-Admin-Secret header",
        });
        return (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    }
    next.run(request).await
}

fn admin_secret_matches(headers: &HeaderMap, secret: &str) -> bool {
    headers
        .get(ADMIN_SECRET_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|given| constant_time_eq(given, secret))
}

/// Serves `app` (built from the backend's [`Kit`]) plus the shared routes on
/// `ASYM_BIND:ASYM_PORT` until SIGTERM or SIGINT, then drains in-flight requests.
///
/// Returns as soon as the socket is bound and serving; Postgres and Redis are connected in
/// the background (see [`Kit`]).
///
/// # Errors
///
/// [`StartError`] when the URLs do not parse, the port cannot be bound or serving fails.
pub async fn serve<F>(config: Config, app: F) -> Result<(), StartError>
where
    F: FnOnce(Kit) -> Router,
{
    let addr = SocketAddr::new(config.bind, config.port);
    let kit = Kit::new(config)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    kit.spawn_warm_up();
    tokio::spawn(outbox::worker(kit.clone()));
    let app = router(&kit, app(kit.clone()));
    eprintln!("asym clone {} listening on {addr}", kit.config().clone_id);
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(StartError::Serve)
}

/// The whole of a backend's `main`: reads [`Config::from_env`], runs [`serve`] on a small
/// runtime (two worker threads) and turns any failure into one line on stderr and exit
/// code 1.
///
/// ```no_run
/// fn main() -> std::process::ExitCode {
///     asym_kit::run(|_kit| axum::Router::new())
/// }
/// ```
pub fn run<F>(app: F) -> ExitCode
where
    F: FnOnce(Kit) -> Router,
{
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    runtime.worker_threads(2);
    run_on(runtime, app)
}

/// [`run`] on one thread: for a backend whose requests mostly wait on Postgres, where a
/// second worker only adds wake-ups across threads and takes CPU from Postgres on a small
/// machine (Slack's `chat.postMessage` under 16 connections on 2 cores: about 7% more
/// requests a second). A backend that spends its time on its own CPU work keeps [`run`].
pub fn run_single_threaded<F>(app: F) -> ExitCode
where
    F: FnOnce(Kit) -> Router,
{
    run_on(tokio::runtime::Builder::new_current_thread(), app)
}

fn run_on<F>(mut runtime: tokio::runtime::Builder, app: F) -> ExitCode
where
    F: FnOnce(Kit) -> Router,
{
    let result = Config::from_env()
        .map_err(StartError::from)
        .and_then(|config| {
            runtime
                .max_blocking_threads(8)
                .enable_all()
                .build()
                .map_err(StartError::Runtime)
                .map(|runtime| (config, runtime))
        })
        .and_then(|(config, runtime)| runtime.block_on(serve(config, app)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", error_chain(&err));
            ExitCode::FAILURE
        }
    }
}

/// Resolves on the first SIGTERM (what `docker stop` sends) or SIGINT.
async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, never resolve: SIGTERM still works.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("shutting down");
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request as HttpRequest;
    use axum::routing::post;
    use tower::ServiceExt;

    /// A kit whose Postgres and Redis refuse connections (port 1 on loopback).
    pub(crate) fn offline_kit() -> Kit {
        let vars = [
            ("DATABASE_URL", "postgres://postgres:pw@127.0.0.1:1/clone_x"),
            ("REDIS_URL", "redis://127.0.0.1:1"),
            ("ASYM_REDIS_PREFIX", "x-1:"),
            ("ASYM_ADMIN_SECRET", "s3cret"),
            ("ASYM_JWT_SECRET", "jwt"),
            ("ASYM_CLONE_ID", "x-1"),
        ];
        let config = Config::from_lookup(
            |name| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            },
            3001,
        )
        .unwrap();
        Kit::new(config).unwrap()
    }

    /// A handler with a bug.
    async fn panics() -> &'static str {
        panic!("a bug")
    }

    fn app(kit: &Kit) -> Router {
        let product = Router::new()
            .route("/api/admin/provision", post(|| async { "provisioned" }))
            .route("/api/ping", get(|| async { "pong" }))
            .route("/api/panic", get(panics));
        router(kit, product)
    }

    pub(crate) async fn send(app: Router, request: HttpRequest<Body>) -> (StatusCode, String) {
        let response = app.oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
    }

    fn post_admin(secret: Option<&str>) -> HttpRequest<Body> {
        let mut builder = HttpRequest::post("/api/admin/provision");
        if let Some(secret) = secret {
            builder = builder.header("X-Asym-Admin-Secret", secret);
        }
        builder.body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn admin_routes_need_the_secret() {
        let kit = offline_kit();
        let (status, body) = send(app(&kit), post_admin(None)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("\"error\":\"unauthorized\""), "{body}");

        let (status, _) = send(app(&kit), post_admin(Some("wrong"))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let (status, body) = send(app(&kit), post_admin(Some("s3cret"))).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "provisioned"));
    }

    #[tokio::test]
    async fn unknown_admin_paths_are_guarded_too_and_others_are_not() {
        let kit = offline_kit();
        let request = HttpRequest::get("/api/admin/anything")
            .body(Body::empty())
            .unwrap();
        let (status, _) = send(app(&kit), request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        let request = HttpRequest::get("/api/ping").body(Body::empty()).unwrap();
        let (status, body) = send(app(&kit), request).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "pong"));
    }

    #[tokio::test]
    async fn health_is_503_and_names_both_when_nothing_answers() {
        let kit = offline_kit();
        let request = HttpRequest::get(HEALTH_PATH).body(Body::empty()).unwrap();
        let (status, body) = send(app(&kit), request).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let body: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(body["ok"], false);
        assert_eq!(body["failed"], json!(["postgres", "redis"]));
        assert_ne!(body["postgres"], "ok");
    }

    #[tokio::test]
    async fn a_handler_that_panics_answers_500_and_the_clone_serves_on() {
        let kit = offline_kit();
        let request = HttpRequest::get("/api/panic").body(Body::empty()).unwrap();
        let (status, body) = send(app(&kit), request).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(body.contains("\"error\":\"clone_panicked\""), "{body}");

        let request = HttpRequest::get("/api/ping").body(Body::empty()).unwrap();
        let (status, body) = send(app(&kit), request).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "pong"));
    }
}
