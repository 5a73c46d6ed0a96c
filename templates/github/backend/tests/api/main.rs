//! The GitHub clone's tests: through the HTTP API of real clones leased from the harness,
//! each reset to its seed.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

mod actions;
mod apps;
mod assets;
mod bad_input;
mod branch_renames;
mod changes;
mod checks;
mod code_scanning;
mod commit_comments;
mod common;
mod dependencies;
mod deployments;
mod events;
mod forks;
mod git;
mod hooks;
mod inprocess;
mod invitations;
mod issues;
mod permissions;
mod protection;
mod protocol;
mod pulls;
mod reactions;
mod releases;
mod repos;
mod reviews;
mod rulesets;
mod search;
mod secrets;
mod stars;
mod sub_issues;
mod teams;
