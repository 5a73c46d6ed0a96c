//! The model layer: one module per resource, owning its queries and the objects built from
//! them. Method handlers (`chat`, `conversations`, `files`, …) depend on it, never on each
//! other; nothing here depends on a handler.

pub(crate) mod blocks;
pub(crate) mod canvas;
pub(crate) mod content;
pub(crate) mod conversation;
pub(crate) mod element;
pub(crate) mod event;
pub(crate) mod interaction;
pub(crate) mod link;
pub(crate) mod list;
pub(crate) mod list_item;
pub(crate) mod message;
pub(crate) mod preview;
pub(crate) mod reminder;
pub(crate) mod socket;
pub(crate) mod system;
pub(crate) mod token;
pub(crate) mod user;
pub(crate) mod view;
