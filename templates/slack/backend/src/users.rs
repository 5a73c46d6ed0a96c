//! People and bots: `users.list`, `users.info`, `users.lookupByEmail`, `users.profile.get`,
//! `users.profile.set`, `users.getPresence`, `users.setPresence`. (`users.conversations` lives
//! with the conversations, `users.setPhoto` and `users.deletePhoto` with the photos.)

use asym_kit::cursor;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::error::SqlState;
use serde_json::{Map, Value, json};

use crate::args::id_page;
use crate::auth::{caller, caller_with};
use crate::error::{ApiError, ApiResult, reply};
use crate::model::event::emit;
use crate::model::user::{USER_COLUMNS, USER_FROM, avatar, avatar_hash, find, find_with, is_admin};
use crate::{AppState, Call};

/// `(tz_label, tz_offset)` for the time zones the fixtures use (standard time).
fn tz_info(tz: &str) -> (&'static str, i64) {
    match tz {
        "America/Los_Angeles" => ("Pacific Standard Time", -28_800),
        "America/Denver" => ("Mountain Standard Time", -25_200),
        "America/Chicago" => ("Central Standard Time", -21_600),
        "America/New_York" => ("Eastern Standard Time", -18_000),
        "Europe/London" => ("Greenwich Mean Time", 0),
        "Europe/Berlin" | "Europe/Paris" | "Europe/Madrid" => ("Central European Time", 3_600),
        "Asia/Kolkata" => ("India Standard Time", 19_800),
        "Asia/Tokyo" => ("Japan Standard Time", 32_400),
        "Australia/Sydney" => ("Australian Eastern Standard Time", 36_000),
        _ => ("Coordinated Universal Time", 0),
    }
}

/// The `profile` object.
fn profile_json(row: &Row, team: &str, with_email: bool) -> Value {
    let id: String = row.get(0);
    let real_name: String = row.get(5);
    let display_name: String = row.get(6);
    let email: Option<String> = row.get(7);
    let is_bot: bool = row.get(17);
    let bot_id: Option<String> = row.get(19);
    let (first, last) = real_name.split_once(' ').unwrap_or((&real_name, ""));
    // A photo set with users.setPhoto: its URLs' base, its kind, its key.
    let photo: Option<(String, String, String)> = row
        .get::<_, Option<String>>(23)
        .map(|url| (url, row.get(24), row.get(25)));
    let hash = photo
        .as_ref()
        .map_or_else(|| avatar_hash(&id), |(_, _, key)| key.clone());
    let mut profile = Map::new();
    profile.insert("title".into(), json!(row.get::<_, String>(8)));
    profile.insert("phone".into(), json!(row.get::<_, String>(9)));
    profile.insert("skype".into(), json!(""));
    profile.insert("real_name".into(), json!(real_name));
    profile.insert("real_name_normalized".into(), json!(real_name));
    profile.insert("display_name".into(), json!(display_name));
    profile.insert("display_name_normalized".into(), json!(display_name));
    profile.insert("fields".into(), Value::Null);
    profile.insert("status_text".into(), json!(row.get::<_, String>(10)));
    profile.insert("status_emoji".into(), json!(row.get::<_, String>(11)));
    profile.insert("status_emoji_display_info".into(), json!([]));
    profile.insert("status_expiration".into(), json!(row.get::<_, i64>(22)));
    profile.insert("avatar_hash".into(), json!(hash));
    if let Some(bot_id) = bot_id.filter(|_| is_bot) {
        profile.insert("api_app_id".into(), json!(row.get::<_, Option<String>>(20)));
        profile.insert("always_active".into(), json!(true));
        profile.insert("bot_id".into(), json!(bot_id));
    }
    if with_email && let Some(email) = email {
        profile.insert("email".into(), json!(email));
    }
    profile.insert("first_name".into(), json!(first));
    profile.insert("last_name".into(), json!(last));
    match &photo {
        None => {
            for size in [24, 32, 48, 72, 192, 512] {
                profile.insert(format!("image_{size}"), json!(avatar(&id, size)));
            }
        }
        Some((url, kind, _)) => {
            profile.extend(photo_images(url, kind));
            profile.insert("is_custom_image".into(), json!(true));
        }
    }
    profile.insert("status_text_canonical".into(), json!(""));
    profile.insert("team".into(), json!(team));
    Value::Object(profile)
}

/// A photo's URLs (set with `users.setPhoto`, at `url` as a `kind` image), as a profile
/// shows them: `image_24` … `image_1024` and `image_original`.
pub(crate) fn photo_images(url: &str, kind: &str) -> Map<String, Value> {
    let mut images: Map<String, Value> = [24, 32, 48, 72, 192, 512, 1024]
        .into_iter()
        .map(|size| {
            (
                format!("image_{size}"),
                json!(format!("{url}_{size}.{kind}")),
            )
        })
        .collect();
    images.insert(
        "image_original".into(),
        json!(format!("{url}_original.{kind}")),
    );
    images
}

/// The user object, as `users.list` and `users.info` return it. The email shows only to a
/// token holding `users:read.email`.
pub(crate) fn user_json(row: &Row, with_email: bool) -> Value {
    let team: String = row.get(1);
    let tz: String = row.get(12);
    let (tz_label, tz_offset) = tz_info(&tz);
    let is_bot: bool = row.get(17);
    let id: String = row.get(0);
    let is_slackbot = id == "USLACKBOT";
    json!({
        "id": id,
        "team_id": team,
        "name": row.get::<_, String>(2),
        "deleted": row.get::<_, bool>(3),
        "color": row.get::<_, String>(4),
        "real_name": row.get::<_, String>(5),
        "tz": tz,
        "tz_label": tz_label,
        "tz_offset": tz_offset,
        "profile": profile_json(row, &team, with_email),
        "is_admin": row.get::<_, bool>(13),
        "is_owner": row.get::<_, bool>(14),
        "is_primary_owner": row.get::<_, bool>(15),
        "is_restricted": row.get::<_, bool>(16),
        "is_ultra_restricted": false,
        "is_bot": is_bot,
        "is_app_user": false,
        "updated": row.get::<_, i64>(18),
        "is_email_confirmed": !is_bot && !is_slackbot,
        "who_can_share_contact_card": "EVERYONE",
    })
}

/// What adds `locale` to a user object when the call asks `include_locale` (every person's
/// is `en-US`, the workspace's language), and leaves it as it is otherwise.
fn with_locale(call: &Call) -> impl Fn(Value) -> Value {
    let include = call.args.flag("include_locale").unwrap_or(false);
    move |mut user| {
        if include && let Value::Object(fields) = &mut user {
            fields.insert("locale".into(), json!("en-US"));
        }
        user
    }
}

/// `users.list`: everyone in the workspace (bots and deleted users included), ordered by
/// id, paged with `limit` (default 0 = all… Slack pages at 1000) and `cursor`.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:read"]).await?;
    let limit = call.args.limit(1000, 1000)?;
    let after = match call.args.non_empty("cursor") {
        None => None,
        Some(cursor) => Some(
            cursor::decode(&cursor)
                .ok()
                .and_then(|inner| inner.strip_prefix("users:").map(str::to_owned))
                .filter(|id| !id.is_empty())
                .ok_or_else(|| ApiError::new("invalid_cursor"))?,
        ),
    };
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {USER_COLUMNS} FROM {USER_FROM}
                 WHERE u.team_id = $1 AND ($2::text IS NULL OR u.id >= $2)
                 ORDER BY u.id LIMIT $3"
            ),
            &[&caller.team_id, &after, &(limit + 1)],
        )
        .await?;
    let with_email = caller.has("users:read.email");
    let locale = with_locale(call);
    let mut members: Vec<Value> = rows
        .iter()
        .map(|row| locale(user_json(row, with_email)))
        .collect();
    let metadata = id_page(&mut members, limit, "users");
    reply([
        ("members", Value::Array(members)),
        ("cache_ts", json!(crate::ts::now_seconds())),
        ("response_metadata", metadata),
    ])
}

/// `users.info`: one user by id.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:read"]).await?;
    let user = call.args.non_empty_or("user", "user_not_found")?;
    let row = find(state, &caller, &user).await?;
    let user = user_json(&row, caller.has("users:read.email"));
    reply([("user", with_locale(call)(user))])
}

/// `users.lookupByEmail`: one user by email address (case-insensitive).
pub(crate) async fn lookup_by_email(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:read.email"]).await?;
    let email = call.args.required("email")?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!(
                "SELECT {USER_COLUMNS} FROM {USER_FROM}
                 WHERE u.team_id = $1 AND lower(u.email) = lower($2)"
            ),
            &[&caller.team_id, &email.trim()],
        )
        .await?
        .ok_or_else(|| ApiError::new("users_not_found"))?;
    reply([("user", user_json(&row, true))])
}

/// `users.profile.get`: a user's profile (default the caller's).
pub(crate) async fn profile_get(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users.profile:read"]).await?;
    let user = caller.user_arg(call);
    let row = find(state, &caller, &user).await?;
    let team: String = row.get(1);
    let profile = profile_json(&row, &team, caller.has("users:read.email"));
    reply([("profile", profile)])
}

/// `users.getPresence`: `active` or `away`; for the caller itself, the connection details
/// too.
pub(crate) async fn get_presence(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:read"]).await?;
    let user = caller.user_arg(call);
    let row = find(state, &caller, &user).await?;
    let presence: String = row.get(21);
    let mut body = Map::new();
    body.insert("presence".into(), json!(presence));
    if user == caller.user_id {
        let online = presence == "active";
        body.insert("online".into(), json!(online));
        body.insert("auto_away".into(), json!(false));
        body.insert("manual_away".into(), json!(!online));
        body.insert("connection_count".into(), json!(i32::from(online)));
        if online {
            body.insert("last_activity".into(), json!(crate::ts::now_seconds()));
        }
    }
    Ok(body)
}

/// The profile fields `users.profile.set` writes, each to its column of `users`.
const PROFILE_COLUMNS: &[(&str, &str)] = &[
    ("real_name", "real_name"),
    ("display_name", "display_name"),
    ("title", "title"),
    ("phone", "phone"),
    ("email", "email"),
    ("status_text", "status_text"),
    ("status_emoji", "status_emoji"),
];

/// Most profile fields one `users.profile.set` may carry.
const MAX_PROFILE_FIELDS: usize = 50;

/// The fields a `users.profile.set` call changes: its `profile` object, or its `name` and
/// `value` pair.
fn profile_changes(call: &Call) -> Result<Map<String, Value>, ApiError> {
    let changes = match call.args.json("profile", "invalid_profile")? {
        Some(Value::Object(fields)) => fields,
        Some(_) => return Err(ApiError::new("invalid_profile")),
        None => match call.args.non_empty("name") {
            Some(name) => Map::from_iter([(
                name,
                Value::String(call.args.string("value").unwrap_or_default()),
            )]),
            None => return Err(ApiError::new("invalid_profile")),
        },
    };
    if changes.len() > MAX_PROFILE_FIELDS {
        return Err(ApiError::new("invalid_profile"));
    }
    Ok(changes)
}

/// A profile field's new value as text (`status_expiration` aside).
fn text_value(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `users.profile.set`: changes the caller's profile (an admin's, anyone's `user`) from a
/// `profile` object or a `name`/`value` pair; `first_name` and `last_name` make up
/// `real_name`. User tokens only.
pub(crate) async fn profile_set(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    if caller.is_bot() {
        return Err(ApiError::new("not_allowed_token_type"));
    }
    caller.require(&["users.profile:write"])?;
    let changes = profile_changes(call)?;
    let user = caller.user_arg(call);
    let mut client = state.kit.db().await?;
    if user != caller.user_id && !is_admin(&client, &caller).await? {
        return Err(ApiError::new("not_admin"));
    }
    let row = find_with(&client, &caller, &user).await?;
    let current: String = row.get(5);
    let (first, last) = current.split_once(' ').unwrap_or((&current, ""));
    let tx = client.transaction().await?;
    for (field, column) in PROFILE_COLUMNS {
        if let Some(value) = changes.get(*field) {
            let value = text_value(value);
            if *field == "email" && !value.contains('@') {
                return Err(ApiError::new("invalid_email"));
            }
            let sql = format!("UPDATE users SET {column} = $2 WHERE id = $1");
            tx.execute(&sql, &[&row.get::<_, &str>(0), &value])
                .await
                .map_err(|err| {
                    if err.code() == Some(&SqlState::UNIQUE_VIOLATION) {
                        ApiError::new("email_taken")
                    } else {
                        ApiError::from(err)
                    }
                })?;
        }
    }
    if !changes.contains_key("real_name")
        && (changes.contains_key("first_name") || changes.contains_key("last_name"))
    {
        let first = changes
            .get("first_name")
            .map_or(first.to_owned(), text_value);
        let last = changes.get("last_name").map_or(last.to_owned(), text_value);
        let real_name = format!("{first} {last}").trim().to_owned();
        tx.execute(
            "UPDATE users SET real_name = $2 WHERE id = $1",
            &[&row.get::<_, &str>(0), &real_name],
        )
        .await?;
    }
    if let Some(expiration) = changes.get("status_expiration") {
        let seconds = match expiration {
            Value::Number(number) => number.as_i64(),
            other => text_value(other).trim().parse().ok(),
        }
        .ok_or_else(|| ApiError::new("invalid_profile"))?;
        tx.execute(
            "UPDATE users SET status_expiration = $2 WHERE id = $1",
            &[&row.get::<_, &str>(0), &seconds],
        )
        .await?;
    }
    let row = announce_change(&tx, &caller, &user).await?;
    state.commit(tx).await?;
    let team: String = row.get(1);
    reply([
        ("username", json!(row.get::<_, String>(2))),
        ("profile", profile_json(&row, &team, true)),
    ])
}

/// Marks `user`'s profile changed in `tx` (its `updated` now) and queues `user_change`
/// with the user as changed; answers the user's row.
///
/// # Errors
///
/// `user_not_found`; `internal_error` when Postgres fails.
pub(crate) async fn announce_change(
    tx: &asym_kit::deadpool_postgres::Transaction<'_>,
    caller: &crate::auth::Caller,
    user: &str,
) -> Result<Row, ApiError> {
    tx.execute(
        "UPDATE users SET updated = extract(epoch FROM now())::bigint WHERE id = $1",
        &[&user],
    )
    .await?;
    let row = find_with(tx, caller, user).await?;
    let event = json!({
        "type": "user_change",
        "user": user_json(&row, true),
        "cache_ts": crate::ts::now_seconds(),
        "event_ts": crate::ts::event_ts(),
    });
    emit(tx, "user_change", None, &event).await?;
    Ok(row)
}

/// `users.setPresence`: `auto` (shown `active`) or `away`, for the token's own user.
pub(crate) async fn set_presence(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["users:write"]).await?;
    let presence = match call.args.string("presence").as_deref().map(str::trim) {
        Some("auto") => "active",
        Some("away") => "away",
        _ => return Err(ApiError::new("invalid_presence")),
    };
    let client = state.kit.db().await?;
    client
        .execute(
            "UPDATE users SET presence = $2 WHERE id = $1",
            &[&caller.user_id, &presence],
        )
        .await?;
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_have_labels_and_offsets() {
        assert_eq!(
            tz_info("America/Los_Angeles"),
            ("Pacific Standard Time", -28_800)
        );
        assert_eq!(tz_info("Mars/Olympus").1, 0);
    }

    #[test]
    fn avatar_hashes_are_stable_and_short() {
        assert_eq!(avatar_hash("U1"), avatar_hash("U1"));
        assert_ne!(avatar_hash("U1"), avatar_hash("U2"));
        assert_eq!(avatar_hash("U1").len(), 12);
    }
}
