//! Users: the user row and finding one.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;

use crate::AppState;
use crate::auth::{Caller, TokenKind};
use crate::error::ApiError;

/// The columns [`user_json`](crate::users::user_json) reads, over [`USER_FROM`].
pub(crate) const USER_COLUMNS: &str = "u.id, u.team_id, u.name, u.deleted, u.color, u.real_name,
    u.display_name, u.email, u.title, u.phone, u.status_text, u.status_emoji, u.tz,
    u.is_admin, u.is_owner, u.is_primary_owner, u.is_restricted, u.is_bot, u.updated,
    b.id, b.app_id, u.presence, u.status_expiration, p.url, p.kind, p.key";

/// A stable 12-hex-digit avatar hash for a user id.
pub(crate) fn avatar_hash(id: &str) -> String {
    asym_kit::token::hash(id)[..12].to_owned()
}

/// The URL of a user's avatar, `size` pixels square.
pub(crate) fn avatar(id: &str, size: u32) -> String {
    let hash = avatar_hash(id);
    format!("https://secure.gravatar.com/avatar/{hash}.jpg?s={size}&d=identicon")
}

/// The URL of a user's picture, `size` pixels square: their photo's when they set one
/// (`photo`: the URL base and image kind `users.setPhoto` kept), else their default avatar.
pub(crate) fn picture(id: &str, photo: Option<(&str, &str)>, size: u32) -> String {
    match photo {
        Some((url, kind)) => format!("{url}_{size}.{kind}"),
        None => avatar(id, size),
    }
}

/// The URL of a workspace's (default) icon, `size` pixels square.
pub(crate) fn team_icon(size: u32) -> String {
    format!("https://a.slack-edge.com/80588/img/avatars-teams/ava_0001-{size}.png")
}

/// The tables [`USER_COLUMNS`] reads: a user, its bot, its profile photo.
pub(crate) const USER_FROM: &str = "users u LEFT JOIN bots b ON b.user_id = u.id
    LEFT JOIN user_photos p ON p.user_id = u.id";

/// Finds a user of the caller's workspace by id.
///
/// # Errors
///
/// `user_not_found` when none matches.
pub(crate) async fn find(state: &AppState, caller: &Caller, id: &str) -> Result<Row, ApiError> {
    find_with(&state.kit.db().await?, caller, id).await
}

/// [`find`] on `client` (inside a transaction, it sees the transaction's changes).
///
/// # Errors
///
/// `user_not_found` when none matches.
pub(crate) async fn find_with(
    client: &impl GenericClient,
    caller: &Caller,
    id: &str,
) -> Result<Row, ApiError> {
    let sql = format!("SELECT {USER_COLUMNS} FROM {USER_FROM} WHERE u.id = $1 AND u.team_id = $2");
    caller.find_row(client, &sql, id, "user_not_found").await
}

/// Whether the caller may delete anyone's messages and files: a user token of a workspace
/// admin or owner.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn is_admin(
    client: &impl GenericClient,
    caller: &Caller,
) -> Result<bool, ApiError> {
    if caller.kind != TokenKind::User {
        return Ok(false);
    }
    let row = client
        .query_one(
            "SELECT is_admin OR is_owner FROM users WHERE id = $1",
            &[&caller.user_id],
        )
        .await?;
    Ok(row.get(0))
}
