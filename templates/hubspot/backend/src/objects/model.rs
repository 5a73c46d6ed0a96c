//! The object engine's queries: one table (`objects`) for every type, properties as JSONB
//! strings with the calculated ones (`hs_object_id`, `createdate`, `lastmodifieddate`,
//! `hs_lastmodifieddate`) written by the statements themselves, and each value's history.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::error::SqlState;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::types::ObjectType;
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
fn split(changes: &Changes) -> (Value, Vec<&str>) {
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
    (Value::Object(set), cleared)
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

/// Creates one object of `object_type` per entry of `sets`, in one statement; returns them
/// in the order of `sets` (their ids ascend in that order). The type's `stamped` properties an
/// entry does not set take the creation time (`createdate`'s value), history included. The statement takes the writers'
/// lock (as [`asym_kit::hold_writers`] does) before it draws the ids, so a reset cannot rewind
/// `object_ids` under an id it holds, with or without a transaction around it.
///
/// # Errors
///
/// [`WriteError::Duplicate`] for a contact whose email another live contact has (or an
/// earlier entry of `sets`): then nothing should be kept, so call it in a transaction when
/// `sets` holds more than one entry.
pub(crate) async fn insert_many(
    client: &impl GenericClient,
    object_type: &ObjectType,
    sets: &[&Changes],
) -> Result<Vec<Object>, WriteError> {
    if sets.is_empty() {
        return Ok(Vec::new());
    }
    let values: Vec<Value> = sets.iter().map(|changes| split(changes).0).collect();
    let statement = client
        .prepare_cached(&format!(
            "WITH n AS (SELECT now() AS at, to_char(now() AT TIME ZONE 'UTC', {ISO}) AS ts),
                  w AS (SELECT pg_advisory_xact_lock_shared($3)),
                  p AS (SELECT nextval('object_ids') AS id, e.ord,
                               (SELECT coalesce(jsonb_object_agg(k, n.ts), '{{}}')
                                FROM unnest($4::text[]) AS k) || e.set AS set
                        FROM w, n,
                             jsonb_array_elements($2::text::jsonb) WITH ORDINALITY AS e (set, ord))
             INSERT INTO objects (id, type, properties, history, created_at, updated_at)
             SELECT p.id, $1,
                    p.set || jsonb_build_object('hs_object_id', p.id::text,
                        'createdate', coalesce(p.set->>'createdate', n.ts),
                        'lastmodifieddate', n.ts, 'hs_lastmodifieddate', n.ts),
                    coalesce((SELECT jsonb_object_agg(key, jsonb_build_array(jsonb_build_object(
                        'value', value, 'timestamp', n.ts, 'sourceType', 'API')))
                        FROM jsonb_each_text(p.set)), '{{}}'),
                    n.at, n.at
             FROM p, n ORDER BY p.ord
             ON CONFLICT (lower(properties->>'email'))
                 WHERE type = 'contacts' AND NOT archived AND properties->>'email' <> ''
                 DO NOTHING
             RETURNING {cols}",
            cols = columns("objects"),
        ))
        .await?;
    let rows = client
        .query(
            &statement,
            &[
                &object_type.name,
                &Value::Array(values).to_string(),
                &asym_kit::WRITERS_LOCK,
                &object_type.stamped,
            ],
        )
        .await?;
    let mut created: Vec<Object> = rows.iter().map(Object::from_row).collect();
    created.sort_by_key(|object| object.id);
    if created.len() == sets.len() {
        return Ok(created);
    }
    let email = skipped_email(sets, &created).unwrap_or_default();
    let existing = find_by(client, &object_type.name, "email", &email).await?;
    Err(WriteError::Duplicate(existing.map_or(0, |o| o.id)))
}

/// The email of the first entry of `sets` that was not `created` (the insert skips a contact
/// whose email is taken, by an earlier entry too).
fn skipped_email(sets: &[&Changes], created: &[Object]) -> Option<String> {
    let mut kept: HashMap<String, usize> = HashMap::new();
    for object in created {
        if let Some(email) = object.properties.get("email").and_then(Value::as_str) {
            *kept.entry(email.to_lowercase()).or_default() += 1;
        }
    }
    sets.iter()
        .filter_map(|changes| email_of(changes))
        .find(|email| match kept.get_mut(&email.to_lowercase()) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        })
        .map(str::to_owned)
}

/// The (non-empty) email `changes` sets.
fn email_of(changes: &Changes) -> Option<&str> {
    changes
        .iter()
        .find(|(name, _)| name == "email")
        .and_then(|(_, value)| value.as_deref())
        .filter(|email| !email.is_empty())
}

/// Applies each `(id, changes)` of `updates` to that live object, in one statement (an id
/// must appear once); returns the objects changed, in id order, each with its values before
/// the change. Ids that name no live object of `object_type` are left out.
///
/// # Errors
///
/// [`WriteError::Duplicate`] when a contact's new email belongs to another live contact (or
/// another entry of `updates` gives it too).
pub(crate) async fn update_many(
    client: &impl GenericClient,
    object_type: &str,
    updates: &[(i64, &Changes)],
) -> Result<Vec<(Object, Map<String, Value>)>, WriteError> {
    if updates.is_empty() {
        return Ok(Vec::new());
    }
    if object_type == "contacts" {
        check_emails(client, updates).await?;
    }
    let records: Vec<Value> = updates
        .iter()
        .map(|(id, changes)| {
            let (set, cleared) = split(changes);
            json!({ "id": id, "set": set, "cleared": cleared })
        })
        .collect();
    let statement = client
        .prepare_cached(&format!(
            "WITH x AS (SELECT * FROM jsonb_to_recordset($2::text::jsonb)
                            AS x (id bigint, set jsonb, cleared jsonb)),
                  old AS (SELECT o.id, o.properties FROM objects o JOIN x ON x.id = o.id
                          WHERE o.type = $1 AND NOT o.archived FOR UPDATE OF o),
                  n AS (SELECT now() AS at, to_char(now() AT TIME ZONE 'UTC', {ISO}) AS ts)
             UPDATE objects o SET
                 properties = (o.properties - ARRAY(SELECT jsonb_array_elements_text(x.cleared)))
                     || x.set
                     || jsonb_build_object('lastmodifieddate', n.ts, 'hs_lastmodifieddate', n.ts),
                 history = o.history || coalesce((SELECT jsonb_object_agg(key,
                         jsonb_build_array(jsonb_build_object('value', value, 'timestamp', n.ts,
                             'sourceType', 'API')) || coalesce(o.history->key, '[]'))
                     FROM jsonb_each_text(x.set)), '{{}}'),
                 updated_at = n.at
             FROM old, x, n
             WHERE o.id = old.id AND x.id = old.id
             RETURNING {cols}, old.properties::text",
            cols = columns("o"),
        ))
        .await?;
    let rows = match client
        .query(
            &statement,
            &[&object_type, &Value::Array(records).to_string()],
        )
        .await
    {
        Ok(rows) => rows,
        // Lost a race with another write of the same email (checked above).
        Err(err) if err.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
            return Err(WriteError::Duplicate(0));
        }
        Err(err) => return Err(err.into()),
    };
    let mut updated: Vec<(Object, Map<String, Value>)> = rows
        .iter()
        .map(|row| {
            let old = match serde_json::from_str(row.get(7)) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            (Object::from_row(row), old)
        })
        .collect();
    updated.sort_by_key(|(object, _)| object.id);
    Ok(updated)
}

/// Applies `changes` to one live object: [`update_many`] for one.
///
/// # Errors
///
/// As [`update_many`].
pub(crate) async fn update(
    client: &impl GenericClient,
    object_type: &str,
    id: i64,
    changes: &Changes,
) -> Result<Option<(Object, Map<String, Value>)>, WriteError> {
    Ok(update_many(client, object_type, &[(id, changes)])
        .await?
        .pop())
}

/// Refuses contact updates whose new email another live contact holds, or another update
/// gives to a different contact.
async fn check_emails(
    client: &impl GenericClient,
    updates: &[(i64, &Changes)],
) -> Result<(), WriteError> {
    let mut wanted: HashMap<String, i64> = HashMap::new();
    for (id, changes) in updates {
        if let Some(email) = email_of(changes) {
            match wanted.insert(email.to_lowercase(), *id) {
                Some(first) if first != *id => return Err(WriteError::Duplicate(first)),
                _ => {}
            }
        }
    }
    if wanted.is_empty() {
        return Ok(());
    }
    let emails: Vec<&String> = wanted.keys().collect();
    let statement = client
        .prepare_cached(
            "SELECT lower(properties->>'email'), id FROM objects
             WHERE type = 'contacts' AND NOT archived AND lower(properties->>'email') = ANY($1)",
        )
        .await?;
    for row in client.query(&statement, &[&emails]).await? {
        let (email, holder): (String, i64) = (row.get(0), row.get(1));
        if wanted.get(&email).is_some_and(|id| *id != holder) {
            return Err(WriteError::Duplicate(holder));
        }
    }
    Ok(())
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
    let mut found = find_many_by(client, object_type, name, &[value]).await?;
    Ok(found.remove(&key(name, value)))
}

/// The live objects whose unique property `name` is one of `values`, in one statement, by
/// [`key`] of their value (the lowest id where several share one).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn find_many_by(
    client: &impl GenericClient,
    object_type: &str,
    name: &str,
    values: &[&str],
) -> Result<HashMap<String, Object>, ApiError> {
    let found = if name == "hs_object_id" {
        let ids: Vec<i64> = values.iter().filter_map(|v| v.parse().ok()).collect();
        get_many(client, object_type, &ids, false).await?
    } else {
        let keys: Vec<String> = values.iter().map(|value| key(name, value)).collect();
        select(
            client,
            "type = $1 AND NOT archived
               AND CASE WHEN $2::text = 'email' THEN lower(properties->>'email')
                        ELSE properties->>$2::text END = ANY($3)
             ORDER BY id",
            &[&object_type, &name, &keys],
        )
        .await?
    };
    let mut by_key = HashMap::new();
    for object in found {
        let value = match name {
            "hs_object_id" => object.id.to_string(),
            _ => object.properties[name]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        };
        by_key.entry(key(name, &value)).or_insert(object);
    }
    Ok(by_key)
}

/// The live objects of `object_type` holding, for some `i`, the value `values[i]` of the
/// property `names[i]` (emails compared case-insensitively): `(id, name, value held)`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn holders(
    client: &impl GenericClient,
    object_type: &str,
    names: &[&str],
    values: &[&str],
) -> Result<Vec<(i64, String, String)>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT o.id, p.name, o.properties->>p.name
             FROM unnest($2::text[], $3::text[]) AS p (name, value)
             JOIN objects o ON o.type = $1 AND NOT o.archived
              AND CASE WHEN p.name = 'email' THEN lower(o.properties->>'email') = lower(p.value)
                       ELSE o.properties->>p.name = p.value END",
        )
        .await?;
    let rows = client
        .query(&statement, &[&object_type, &names, &values])
        .await?;
    Ok(rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2)))
        .collect())
}

/// How [`find_many_by`] keys a `value` of the unique property `name`: emails in lower case,
/// ids as numbers write them.
pub(crate) fn key(name: &str, value: &str) -> String {
    match name {
        "email" => value.to_lowercase(),
        "hs_object_id" => value
            .parse::<i64>()
            .map_or_else(|_| value.to_owned(), |id| id.to_string()),
        _ => value.to_owned(),
    }
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

/// Archives the live objects among `ids` (they leave their associations and lists); returns
/// those archived.
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
                        WHERE from_id IN (SELECT id FROM a) OR to_id IN (SELECT id FROM a)),
                  m AS (DELETE FROM list_memberships WHERE record_id IN (SELECT id FROM a))
             SELECT id FROM a ORDER BY id",
        )
        .await?;
    let rows = client.query(&statement, &[&ids, &object_type]).await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

/// Deletes an object, its associations and list memberships for good (GDPR delete); `false`
/// when none.
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
                        WHERE from_id IN (SELECT id FROM d) OR to_id IN (SELECT id FROM d)),
                  m AS (DELETE FROM list_memberships WHERE record_id IN (SELECT id FROM d))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(id: i64, email: &str) -> Object {
        Object {
            id,
            properties: json!({ "email": email })
                .as_object()
                .cloned()
                .unwrap_or_default(),
            created_at: String::new(),
            updated_at: String::new(),
            archived: false,
            archived_at: None,
            history: Map::new(),
        }
    }

    fn set(email: &str) -> Changes {
        vec![("email".to_owned(), Some(email.to_owned()))]
    }

    #[test]
    fn the_skipped_contact_is_the_first_whose_email_was_not_kept() {
        let (a, b, a_again, none) = (
            set("a@x.example"),
            set("b@x.example"),
            set("A@x.example"),
            Changes::new(),
        );
        let kept = [contact(1, "a@x.example")];
        assert_eq!(
            skipped_email(&[&none, &a, &a_again], &kept).as_deref(),
            Some("A@x.example")
        );
        assert_eq!(
            skipped_email(&[&b, &a], &kept).as_deref(),
            Some("b@x.example")
        );
        assert_eq!(skipped_email(&[&a, &none], &kept), None);
    }

    #[test]
    fn keys_fold_emails_and_ids() {
        assert_eq!(key("email", "Jane@Example.com"), "jane@example.com");
        assert_eq!(key("hs_object_id", "0201"), "201");
        assert_eq!(key("domain", "Acme.example"), "Acme.example");
    }
}
