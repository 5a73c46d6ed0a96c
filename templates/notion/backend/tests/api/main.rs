//! The Notion clone's tests: through the HTTP API of real clones leased from the harness,
//! each reset to its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod async_tasks;
mod block_types;
mod blocks;
mod capabilities;
mod comments;
mod common;
mod computed;
mod computed_queries;
mod databases;
mod formulas;
mod inprocess;
mod listings;
mod markdown;
mod markdown_fuzz;
mod meeting_notes;
mod oauth;
mod pages;
mod paging;
mod protocol;
mod search;
mod templates;
mod uploads;
mod versions;
mod views;
mod webhooks;
