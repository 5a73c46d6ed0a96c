//! The Slack clone's tests: in-process (no database), then through the HTTP API of real
//! clones leased from the harness, each reset to its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

#[path = "../common/mod.rs"]
mod common;

mod assistant;
mod bookmarks;
mod calls;
mod canvases;
mod chat;
mod conversations;
mod dnd;
mod events;
mod files;
mod functions;
mod inprocess;
mod interactivity;
mod lists;
mod meta;
mod oauth;
mod openid;
mod protocol;
mod reactions;
mod reminders;
mod remote;
mod search;
mod socket;
mod stars;
mod stream;
mod system;
mod unfurl;
mod usergroups;
mod users;
mod views;
