//! End-to-end: the `asym` binary against real Docker, Postgres and Redis.

#[path = "../common/mod.rs"]
mod common;

mod lifecycle;
mod faults;
