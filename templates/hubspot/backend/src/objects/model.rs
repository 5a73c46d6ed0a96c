//! The object engine's queries: one table (`objects`) for every type, properties as JSONB
//! strings with the calculated ones (`hs_object_id`, `createdate`, `lastmodifieddate`,
//! `hs_lastmodifieddate`) written by the statements themselves, and each value's history.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::error::SqlState;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::values::Changes;

/// An instant as HubSpot writes it: `2024-01-02T03:04:05.678Z`.
pub(crate) const ISO: &str = "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'";

/// The columns [`Object::from_row`] reads, in order, of the table aliased `t`.
pub(crate) fn columns(t: &str) -> String {
    format!(
        "{t}.id, {t}.properties::text,
         to_char({t}.created_at AT TIME ZONE 'UTC', {ISO}),
         to_char({t}.updated_at AT TIME ZONE 'UTC', {ISO}),
         {t}.archived, to_char({t}.archived_at AT TIME ZONE 'UTC', {ISO}), {t}.history::text"
    )
}

/// One stored object.
#[derive(Debug, Clone)]
pub(crate) struct Object {
    /// Its id.
    pub(crate) id: i64,
    /// Every value it holds.
    pub(crate) properties: Map<String, Value>,
    /// When it was created (ISO).
    pub(crate) created_at: String,
    /// When it was last changed (ISO).
    pub(crate) updated_at: String,
    /// Whether it is archived.
    pub(crate) archived: bool,
    /// When it was archived.
    pub(crate) archived_at: Option<String>,
    /// Each property's past values, newest first.
    pub(crate) history: Map<String, Value>,
}

impl Object {
    /// Reads [`columns`] from `row`.
    pub(crate) fn from_row(row: &Row) -> Self {
        let map = |text: &str| match serde_json::from_str(text) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        Self {
            id: row.get(0),
            properties: map(row.get(1)),
            created_at: row.get(2),
            updated_at: row.get(3),
            archived: row.get(4),
            archived_at: row.get(5),
            history: map(row.get(6)),
        }
    }
}

/// `changes` as a JSON object of the values set (cleared ones left out) and the cleared names.
fn split(changes: &Changes) -> (String, Vec<&str>) {
    let mut set = Map::new();
    let mut cleared = Vec::new();
    for (name, value) in changes {
        match value {
            Some(value) => {
                set.insert(name.clone(), Value::String(value.clone()));
            }
            None => cleared.push(name.as_str()),
        }
    }
    (Value::Object(set).to_string(), cleared)
}

/// Why a write was refused.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// Another live contact has this email; its id.
    Duplicate(i64),
    /// Anything else.
    Api(ApiError),
}

impl From<ApiError> for WriteError {
    fn from(err: ApiError) -> Self {
        Self::Api(err)
    }
}

impl From<asym_kit::tokio_postgres::Error> for WriteError {
    fn from(err: asym_kit::tokio_postgres::Error) -> Self {
        Self::Api(err.into())
    }
}

/// Creates an object of `object_type` holding `changes`.
///
/// # Errors
///
/// [`WriteError::Duplicate`] for a contact whose email another live contact has.
pub(crate) async fn insert(
    client: &impl GenericClient,
    object_type: &str,
    changes: &Changes,
) -> Result<Object, WriteError> {
    let (set, _) = split(changes);
    let statement = client
        .prepare_cached(&format!(
            "WITH n AS (SELECT nextval('object_ids') AS id, now() AS at,
                               to_char(now() AT TIME ZONE 'UTC', {ISO}) AS ts),
                  p AS (SELECT $2::text::jsonb AS set)
             INSERT INTO objects (id, type, properties, history, created_at, updated_at)
             SELECT n.id, $1,
                    p.set || jsonb_build_object('hs_object_id', n.id::text,
                        'createdate', coalesce(p.set->>'createdate', n.ts),
                        'lastmodifieddate', n.ts, 'hs_lastmodifieddate', n.ts),
                    coalesce((SELECT jsonb_object_agg(key, jsonb_build_array(jsonb_build_object(
                        'value', value, 'timestamp', n.ts, 'sourceType', 'API')))
                        FROM jsonb_each_text(p.set)), '{{}}'),
                    n.at, n.at
             FROM n, p
             ON CONFLICT (lower(properties->>'email'))
                 WHERE type = 'contacts' AND NOT archived AND properties->>'email' <> ''
                 DO NOTHING
             RETURNING {cols}",
            cols = columns("objects"),
        ))
        .await?;
    match client.query_opt(&statement, &[&object_type, &set]).await? {
        Some(row) => Ok(Object::from_row(&row)),
        None => {
            let email = changes
                .iter()
                .find(|(name, _)| name == "email")
                .and_then(|(_, value)| value.clone())
                .unwrap_or_default();
            let existing = find_by(client, object_type, "email", &email).await?;
            Err(WriteError::Duplicate(existing.map_or(0, |o| o.id)))
        }
    }
}

/// Applies `changes` to a live object; returns it with its values before the change.
///
/// # Errors
///
/// [`WriteError::Duplicate`] when a contact's new email belongs to another live contact.
pub(crate) async fn update(
    client: &impl GenericClient,
    object_type: &str,
    id: i64,
    changes: &Changes,
) -> Result<Option<(Object, Map<String, Value>)>, WriteError> {
    let (set, cleared) = split(changes);
    let email = changes
        .iter()
        .find(|(name, _)| name == "email")
        .and_then(|(_, value)| value.as_deref());
    if let (Some(email), "contacts") = (email, object_type) {
        let holder = email_owner(client, email).await?;
        if holder != 0 && holder != id {
            return Err(WriteError::Duplicate(holder));
        }
    }
    let statement = client
        .prepare_cached(&format!(
            "WITH old AS (SELECT id, properties FROM objects
                          WHERE id = $1 AND type = $2 AND NOT archived FOR UPDATE),
                  n AS (SELECT now() AS at, to_char(now() AT TIME ZONE 'UTC', {ISO}) AS ts),
                  p AS (SELECT $3::text::jsonb AS set)
             UPDATE objects o SET
                 properties = (o.properties - $4::text[]) || p.set
                     || jsonb_build_object('lastmodifieddate', n.ts, 'hs_lastmodifieddate', n.ts),
                 history = o.history || coalesce((SELECT jsonb_object_agg(key,
                         jsonb_build_array(jsonb_build_object('value', value, 'timestamp', n.ts,
                             'sourceType', 'API')) || coalesce(o.history->key, '[]'))
                     FROM jsonb_each_text(p.set)), '{{}}'),
                 updated_at = n.at
             FROM old, n, p
             WHERE o.id = old.id
             RETURNING {cols}, old.properties::text",
            cols = columns("o"),
        ))
        .await?;
    let row = match client
        .query_opt(&statement, &[&id, &object_type, &set, &cleared])
        .await
    {
        Ok(row) => row,
        // Lost a race with another write of the same email (checked above).
        Err(err) if err.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            return Err(WriteError::Duplicate(0));
        }
        Err(err) => return Err(err.into()),
    };
    Ok(row.map(|row| {
        let old = match serde_json::from_str(row.get(7)) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        (Object::from_row(&row), old)
    }))
}

/// The live contact holding `email` (0 when none: a race lost to a concurrent delete).
async fn email_owner(client: &impl GenericClient, email: &str) -> Result<i64, ApiError> {
    Ok(find_by(client, "contacts", "email", email)
        .await?
        .map_or(0, |o| o.id))
}

/// One object by id; archived ones only when `archived`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn get(
    client: &impl GenericClient,
    object_type: &str,
    id: i64,
    archived: bool,
) -> Result<Option<Object>, ApiError> {
    let found = select(
        client,
        "id = $1 AND type = $2 AND archived = $3",
        &[&id, &object_type, &archived],
    )
    .await?;
    Ok(found.into_iter().next())
}

/// The live object whose unique property `name` is `value` (emails case-insensitively).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn find_by(
    client: &impl GenericClient,
    object_type: &str,
    name: &str,
    value: &str,
) -> Result<Option<Object>, ApiError> {
    if name == "hs_object_id" {
        return match value.parse::<i64>() {
            Ok(id) => get(client, object_type, id, false).await,
            Err(_) => Ok(None),
        };
    }
    let found = select(
        client,
        "type = $1 AND NOT archived
           AND CASE WHEN $2::text = 'email' THEN lower(properties->>'email') = lower($3)
                    ELSE properties->>$2::text = $3 END
         ORDER BY id LIMIT 1",
        &[&object_type, &name, &value],
    )
    .await?;
    Ok(found.into_iter().next())
}

/// The objects (`objects o`) matching `condition`, a `WHERE` clause and what follows it.
async fn select(
    client: &impl GenericClient,
    condition: &str,
    params: &[&(dyn ToSql + Sync)],
) -> Result<Vec<Object>, ApiError> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {cols} FROM objects o WHERE {condition}",
            cols = columns("o"),
        ))
        .await?;
    let rows = client.query(&statement, params).await?;
    Ok(rows.iter().map(Object::from_row).collect())
}

/// Objects of ids in `ids` (live or archived per `archived`), in id order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn get_many(
    client: &impl GenericClient,
    object_type: &str,
    ids: &[i64],
    archived: bool,
) -> Result<Vec<Object>, ApiError> {
    select(
        client,
        "id = ANY($1) AND type = $2 AND archived = $3 ORDER BY id",
        &[&ids, &object_type, &archived],
    )
    .await
}

/// A page of objects after id `after`, at most `limit` (one more is fetched to tell whether
/// a next page exists).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn list(
    client: &impl GenericClient,
    object_type: &str,
    after: i64,
    limit: i64,
    archived: bool,
) -> Result<Vec<Object>, ApiError> {
    select(
        client,
        "type = $1 AND archived = $2 AND id > $3 ORDER BY id LIMIT $4",
        &[&object_type, &archived, &after, &(limit + 1)],
    )
    .await
}

/// Archives the live objects among `ids` (and drops their associations); returns those
/// archived.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn archive(
    client: &impl GenericClient,
    object_type: &str,
    ids: &[i64],
) -> Result<Vec<i64>, ApiError> {
    let statement = client
        .prepare_cached(
            "WITH a AS (UPDATE objects SET archived = true, archived_at = now(), updated_at = now()
                        WHERE id = ANY($1) AND type = $2 AND NOT archived RETURNING id),
                  d AS (DELETE FROM associations
                        WHERE from_id IN (SELECT id FROM a) OR to_id IN (SELECT id FROM a))
             SELECT id FROM a ORDER BY id",
        )
        .await?;
    let rows = client.query(&statement, &[&ids, &object_type]).await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// Deletes an object and its associations for good (GDPR delete); `false` when none.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn purge(
    client: &impl GenericClient,
    object_type: &str,
    id: i64,
) -> Result<bool, ApiError> {
    let statement = client
        .prepare_cached(
            "WITH d AS (DELETE FROM objects WHERE id = $1 AND type = $2 RETURNING id),
                  a AS (DELETE FROM associations
                        WHERE from_id IN (SELECT id FROM d) OR to_id IN (SELECT id FROM d))
             SELECT count(*) FROM d",
        )
        .await?;
    let row = client.query_one(&statement, &[&id, &object_type]).await?;
    Ok(row.get::<_, i64>(0) > 0)
}

/// Moves `from`'s associations to `into` (merge), skipping ones `into` already has.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn move_associations(
    client: &impl GenericClient,
    from: i64,
    into: i64,
) -> Result<(), ApiError> {
    client
        .execute(
            "WITH moved AS (DELETE FROM associations WHERE from_id = $1 OR to_id = $1 RETURNING *)
             INSERT INTO associations (from_type, from_id, to_type, to_id, category, type_id)
             SELECT from_type, CASE WHEN from_id = $1 THEN $2 ELSE from_id END,
                    to_type, CASE WHEN to_id = $1 THEN $2 ELSE to_id END, category, type_id
             FROM moved WHERE NOT (from_id = $1 AND to_id = $2) AND NOT (from_id = $2 AND to_id = $1)
             ON CONFLICT DO NOTHING",
            &[&from, &into],
        )
        .await?;
    Ok(())
}
