//! The fixture workspace and its integration: ids the seed and every answer share (users,
//! pages' workspace parent, webhook events).

/// The integration's bot user (the subject of the provisioned token; the seed names it).
pub(crate) const BOT_ID: &str = "b0700000-0000-4000-8000-000000000001";

/// The fixture workspace's id (events and workspace parents carry it).
pub(crate) const WORKSPACE_ID: &str = "7a1f0000-0000-4000-8000-000000000001";
/// The fixture workspace's name.
pub(crate) const WORKSPACE_NAME: &str = "Asym Workspace";
