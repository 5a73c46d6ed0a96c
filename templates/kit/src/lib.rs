//! What every asym clone backend shares.
//!
//! A clone backend is a small axum server speaking one product's wire protocol, with all of
//! its state in its own Postgres database and under its own Redis key prefix. This crate
//! holds the parts that are the same for every product:
//!
//! - [`Config`]: the environment contract the engine injects (`DATABASE_URL`, `REDIS_URL`,
//!   `ASYM_REDIS_PREFIX`, `ASYM_ADMIN_SECRET`, …), with a named error for what is missing;
//! - [`Kit`]: the state handlers share — a small Postgres pool and a Redis connection, both
//!   connected lazily so start-up never waits for them;
//! - [`serve`] / [`run`]: `GET /api/health` (200 only when Postgres and Redis answer), the
//!   admin guard over `/api/admin/` (header `X-Asym-Admin-Secret`), graceful shutdown on
//!   SIGTERM/SIGINT; `POST /api/admin/reset` (now, or deferred while the next test starts);
//! - [`token`]: minting credentials and storing them only as SHA-256 hashes;
//! - [`cursor`]: opaque base64 pagination cursors; [`form`]: urlencoded bodies;
//!   [`multipart`]: `multipart/form-data` bodies (uploads).
//!
//! A backend's `main.rs` is one line:
//!
//! ```no_run
//! use axum::{Router, routing::post};
//!
//! fn app(kit: asym_kit::Kit) -> Router {
//!     Router::new()
//!         .route("/api/admin/provision", post(|| async { "minted" }))
//!         .with_state(kit)
//! }
//!
//! fn main() -> std::process::ExitCode {
//!     asym_kit::run(app)
//! }
//! ```

mod config;
pub mod cursor;
pub mod form;
mod kit;
pub mod multipart;
mod reset;
mod server;
pub mod token;

pub use deadpool_postgres;
pub use redis;
pub use tokio_postgres;

pub use config::{Config, ConfigError, DEFAULT_PORT};
pub use kit::{BackendError, Kit, StartError, redis_key};
pub use server::{ADMIN_SECRET_HEADER, HEALTH_PATH, error_chain, router, run, serve};
