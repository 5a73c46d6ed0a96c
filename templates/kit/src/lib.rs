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
//! - [`token`]: minting credentials and HMAC; [`credentials`]: provisioning, hashed storage,
//!   lookup and revocation of the credentials a clone accepts;
//! - [`outbox`]: durable, signed webhook delivery (one [`outbox::Signer`] per product
//!   scheme), retried with back-off and resumed after a restart; listed and redelivered
//!   under `/api/admin/outbox`;
//! - faults a test asks for (`/api/admin/faults`): the product's 500, an outage, a 429, or a
//!   delay, for matching requests, a number of times, cleared by a reset;
//! - [`body`]: bounded request bodies (size, depth, keys, NUL, UTF-8) for JSON and forms;
//! - pagination in the three styles the products use: [`cursor`] (opaque base64 cursors),
//!   [`page`] (`page`/`per_page` with `Link` headers), and Relay connections (async-graphql's
//!   `connection` module, with [`cursor`] for the cursors);
//! - [`jwt`]: RS256-signed JWTs and their JWK, for products' OpenID Connect id_tokens;
//! - [`form`]: urlencoded bodies; [`multipart`]: `multipart/form-data` bodies (uploads);
//! - `testing` (feature `testing`): the in-process app, an API client, a webhook receiver.
//!
//! The kit keeps two tables of its own in every clone's database (`sql/kit.sql`:
//! `asym_credentials`, `asym_outbox`), created when the backend first reaches Postgres and
//! before its health check answers 200. See `templates/README.md` for how a clone is built.
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

pub mod body;
pub mod calendar;
mod config;
pub mod credentials;
pub mod cursor;
mod errors;
mod faults;
pub mod form;
mod gate;
mod journal;
pub mod jwt;
mod kit;
pub mod multipart;
pub mod outbox;
pub mod page;
mod reset;
mod server;
#[cfg(feature = "testing")]
pub mod testing;
pub mod token;

pub use deadpool_postgres;
pub use redis;
pub use tokio_postgres;

pub use asym_contract::wire::WRITERS_LOCK;
pub use config::{Config, ConfigError, DEFAULT_PORT};
pub use errors::error_chain;
pub use kit::{BackendError, Kit, MAX_CACHED_STATEMENTS, ManualTx, StartError, redis_key};
pub use reset::hold_writers;
pub use server::{
    ADMIN_SECRET_HEADER, HEALTH_PATH, OUTBOX_PATH, router, run, run_single_threaded, serve,
};
