//! Stateful local clones of Slack, Stripe, Notion, HubSpot, GitHub and Linear for your tests.
//!
//! Add `asym-test` as a dev-dependency (its library is named `asym`) and write:
//!
//! ```no_run
//! #[asym::clone("slack", seed = "basic")]
//! async fn alert_is_posted(slack: asym::Slack) {
//!     let api = slack.api_url();      // http://127.0.0.1:<port>/api
//!     let token = slack.bot_token();  // xoxb-…
//!     // … drive your code against `api` with `token` …
//!     let rows = slack.query("select count(*) from messages").await.unwrap();
//!     assert!(rows[0].get::<_, i64>(0) > 0);
//! }
//! ```
//!
//! Each test leases an idle clone of the same template, mode, seed and image digest from a pool
//! shared by every thread and process of the run (file locks, released by the OS if a process
//! dies), spins one if none is idle and the pool is below its cap, runs the body on it at its
//! seeded baseline and releases it. On release the clone's backend resets it in the background
//! (milliseconds, while the next test starts); the next holder waits for that reset, or resets
//! the clone itself when it cannot be vouched for (a killed holder, a restarted backend). A
//! failed test's clone stays as the test left it, out of the pool until the next run, and the
//! failure names it; a `#[should_panic]` test that panics as expected is not a failure. Clones
//! outlive the process so the next run starts warm; idle ones are reaped after `ASYM_IDLE_TTL`
//! (default 30 min).
//!
//! Settings: `ASYM_POOL_MAX` (pool cap per template/seed; default: the number of tests that
//! can run at once), `ASYM_LEASE_TIMEOUT` (seconds to wait for a clone, default 300),
//! `ASYM_IDLE_TTL` (e.g. `30m`, `2h`, `90s`), plus the engine's `ASYM_HOME` and friends.
//! Image digests are pinned per crate in `asym.lock` beside its `Cargo.toml`; `ASYM_PIN=off`
//! uses whatever the template's tag points at now and writes no pin (for developing templates).

mod handle;
mod pool;
mod runner;
mod spec;
mod steps;

pub use asym_engine::{Error, Fault, SeenRequest, Webhook};
pub use asym_test_macros::clone;
pub use handle::{AnyClone, GitHub, HubSpot, Linear, Notion, Slack, Stripe};

/// The generic handle's former name: it shadowed the prelude's `Clone` trait for anyone who
/// imported it.
#[deprecated(since = "0.1.0", note = "renamed to `asym::AnyClone`")]
pub type Clone = AnyClone;
pub use tokio_postgres::Row;

#[doc(hidden)]
pub mod __private {
    pub use crate::handle::FromClone;
    pub use crate::runner::{Clones, TestResult, run, run_async};
    pub use crate::spec::{Request, Test};
    pub use crate::steps::{record as record_steps, take as take_steps};
}
