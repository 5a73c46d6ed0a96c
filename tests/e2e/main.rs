//! End-to-end: the `asym` binary against real Docker, Postgres and Redis.
#![allow(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod faults;
mod hardening;
mod harness;
mod isolation;
mod journal;
mod lifecycle;
mod outages;
mod recovery;
mod verify;
mod webhooks;
