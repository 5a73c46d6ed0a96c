//! The memberships model: which records are in which list (`list_memberships`), written by
//! hand (MANUAL and SNAPSHOT lists) or by a list's filters (SNAPSHOT once, DYNAMIC before
//! reads), and read in pages by record id or join order.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::assoc;
use crate::error::ApiError;
use crate::objects::model::ISO;
use crate::objects::search;
use crate::types::ObjectType;

/// Makes the members of the list `id` (of `object_type`) the live records `groups` (search
/// filter groups) match: adds those that are not members (they join now) and, when
/// `remove_others`, removes the members that no longer match.
///
/// # Errors
///
/// The refusals of the search's filters (an unknown property), and the statements' errors.
pub(crate) async fn apply_filters(
    client: &impl GenericClient,
    id: i64,
    object_type: &ObjectType,
    groups: &[Value],
    remove_others: bool,
) -> Result<(), ApiError> {
    let mut condition = search::condition(client, object_type, groups).await?;
    let list = condition.bind(id);
    let remove = condition.bind(remove_others);
    let writers = condition.bind(asym_kit::WRITERS_LOCK);
    // The type is a catalog name, not the caller's text (as the search writes it).
    let sql = format!(
        "WITH want AS (SELECT o.id FROM objects o
                       WHERE o.type = '{kind}' AND NOT o.archived AND {cond}),
              w AS (SELECT pg_advisory_xact_lock_shared({writers})),
              d AS (DELETE FROM list_memberships
                    WHERE list_id = {list} AND {remove}
                      AND record_id NOT IN (SELECT id FROM want) RETURNING 1),
              i AS (INSERT INTO list_memberships (list_id, record_id, seq, added_at)
                    SELECT {list}, id, nextval('list_membership_seq'), now()
                    FROM w, want ORDER BY id
                    ON CONFLICT DO NOTHING RETURNING 1)
         UPDATE lists
         SET last_added_at = CASE WHEN EXISTS (SELECT 1 FROM i) THEN now() ELSE last_added_at END,
             last_removed_at =
               CASE WHEN EXISTS (SELECT 1 FROM d) THEN now() ELSE last_removed_at END
         WHERE id = {list}",
        kind = object_type.name,
        cond = condition.text,
    );
    client.execute(&sql, &condition.params()).await?;
    Ok(())
}

/// What a membership change did, as `MembershipsUpdateResponse` reports it.
#[derive(Debug, Default)]
pub(crate) struct Change {
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
    pub(crate) missing: Vec<String>,
}

impl Change {
    /// `{recordIdsRemoved, recordsIdsAdded, recordIdsMissing}`: the field names of HubSpot's
    /// schema and SDKs (`recordsIdsAdded`), with `recordIdsAdded` beside it, the name its
    /// reference examples show.
    pub(crate) fn render(&self) -> Value {
        json!({
            "recordIdsRemoved": self.removed,
            "recordsIdsAdded": self.added,
            "recordIdsAdded": self.added,
            "recordIdsMissing": self.missing,
        })
    }
}

/// Adds `add` to the list `id` and removes `remove` (records of `object_type`). Records that
/// are not live records of that type are `missing`; ones already members (added) or not
/// members (removed) are left out of the answer.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn change(
    client: &impl GenericClient,
    id: i64,
    object_type: &str,
    add: &[String],
    remove: &[String],
) -> Result<Change, ApiError> {
    let parsed =
        |raw: &[String]| -> Vec<i64> { raw.iter().filter_map(|r| r.trim().parse().ok()).collect() };
    let (to_add, to_remove) = (parsed(add), parsed(remove));
    let mut asked: Vec<i64> = to_add.iter().chain(&to_remove).copied().collect();
    asked.sort_unstable();
    asked.dedup();
    let live: Vec<i64> = assoc::live(client, &asked)
        .await?
        .into_iter()
        .filter(|(_, kind)| kind == object_type)
        .map(|(record, _)| record)
        .collect();
    let missing = add
        .iter()
        .chain(remove)
        .filter(|raw| {
            raw.trim()
                .parse::<i64>()
                .map_or(true, |record| !live.contains(&record))
        })
        .cloned()
        .fold(Vec::new(), |mut out: Vec<String>, raw| {
            if !out.contains(&raw) {
                out.push(raw);
            }
            out
        });
    let keep =
        |ids: &[i64]| -> Vec<i64> { ids.iter().copied().filter(|r| live.contains(r)).collect() };
    let ids = |rows: Vec<Row>| -> Vec<String> {
        rows.iter()
            .map(|row| row.get::<_, i64>(0).to_string())
            .collect()
    };
    let removed = ids(client
        .query(
            "WITH d AS (DELETE FROM list_memberships WHERE list_id = $1 AND record_id = ANY($2)
                        RETURNING record_id),
                  u AS (UPDATE lists SET last_removed_at = now(), updated_at = now()
                        WHERE id = $1 AND EXISTS (SELECT 1 FROM d))
             SELECT record_id FROM d ORDER BY record_id",
            &[&id, &keep(&to_remove)],
        )
        .await?);
    let added = ids(client
        .query(
            "WITH w AS (SELECT pg_advisory_xact_lock_shared($3)),
                  i AS (INSERT INTO list_memberships (list_id, record_id, seq, added_at)
                        SELECT $1, r, nextval('list_membership_seq'), now()
                        FROM w, unnest($2::bigint[]) WITH ORDINALITY AS t(r, n) ORDER BY n
                        ON CONFLICT DO NOTHING RETURNING record_id),
                  u AS (UPDATE lists SET last_added_at = now(), updated_at = now()
                        WHERE id = $1 AND EXISTS (SELECT 1 FROM i))
             SELECT record_id FROM i ORDER BY record_id",
            &[&id, &keep(&to_add), &asym_kit::WRITERS_LOCK],
        )
        .await?);
    Ok(Change {
        added,
        removed,
        missing,
    })
}

/// Adds every member of `source` to `id` (already members kept as they were).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn add_from(
    client: &impl GenericClient,
    id: i64,
    source: i64,
) -> Result<(), ApiError> {
    client
        .execute(
            "WITH w AS (SELECT pg_advisory_xact_lock_shared($3)),
                  i AS (INSERT INTO list_memberships (list_id, record_id, seq, added_at)
                        SELECT $1, record_id, nextval('list_membership_seq'), now()
                        FROM w, (SELECT record_id FROM list_memberships WHERE list_id = $2
                                 ORDER BY seq) s
                        ON CONFLICT DO NOTHING RETURNING record_id)
             UPDATE lists SET last_added_at = now(), updated_at = now()
             WHERE id = $1 AND EXISTS (SELECT 1 FROM i)",
            &[&id, &source, &asym_kit::WRITERS_LOCK],
        )
        .await?;
    Ok(())
}

/// Removes every member of `id`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn clear(client: &impl GenericClient, id: i64) -> Result<(), ApiError> {
    client
        .execute(
            "WITH d AS (DELETE FROM list_memberships WHERE list_id = $1 RETURNING 1)
             UPDATE lists SET last_removed_at = now(), updated_at = now()
             WHERE id = $1 AND EXISTS (SELECT 1 FROM d)",
            &[&id],
        )
        .await?;
    Ok(())
}

/// How a page of memberships is ordered: by record id, or by when each joined.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Order {
    Record,
    Joined,
}

impl Order {
    /// The column the order and its cursors use.
    fn column(self) -> &'static str {
        match self {
            Self::Record => "record_id",
            Self::Joined => "seq",
        }
    }
}

/// One member: its cursor key (per [`Order`]), record id and when it joined.
#[derive(Debug)]
pub(crate) struct Member {
    pub(crate) key: i64,
    pub(crate) record_id: i64,
    pub(crate) joined_at: String,
}

/// Up to `limit + 1` members of `id` in `order`: after `key` ascending, or before it
/// descending (`backwards`).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn members(
    client: &impl GenericClient,
    id: i64,
    order: Order,
    key: Option<i64>,
    backwards: bool,
    limit: i64,
) -> Result<Vec<Member>, ApiError> {
    let column = order.column();
    let (compare, direction) = if backwards {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    let sql = format!(
        "SELECT {column}, record_id, to_char(added_at AT TIME ZONE 'UTC', {ISO})
         FROM list_memberships
         WHERE list_id = $1 AND ($2::bigint IS NULL OR {column} {compare} $2)
         ORDER BY {column} {direction} LIMIT $3"
    );
    let rows = client.query(&sql, &[&id, &key, &(limit + 1)]).await?;
    Ok(rows
        .iter()
        .map(|row| Member {
            key: row.get(0),
            record_id: row.get(1),
            joined_at: row.get(2),
        })
        .collect())
}

/// The total number of members of `id`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn size(client: &impl GenericClient, id: i64) -> Result<i64, ApiError> {
    Ok(client
        .query_one(
            "SELECT count(*) FROM list_memberships WHERE list_id = $1",
            &[&id],
        )
        .await?
        .get(0))
}

/// The live lists `record` is a member of: `RecordListMembership`s.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn of_record(
    client: &impl GenericClient,
    object_type_id: &str,
    record: i64,
) -> Result<Vec<Value>, ApiError> {
    let mut lists = of_records(client, &[(object_type_id.to_owned(), record)]).await?;
    Ok(lists.pop().unwrap_or_default())
}

/// The live lists each `(object type id, record)` is a member of, in the order given, in one
/// statement: `RecordListMembership`s.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn of_records(
    client: &impl GenericClient,
    records: &[(String, i64)],
) -> Result<Vec<Vec<Value>>, ApiError> {
    let (types, ids): (Vec<&str>, Vec<i64>) = records.iter().map(|(t, r)| (t.as_str(), *r)).unzip();
    let sql = format!(
        "SELECT i.ord, l.id, l.version, to_char(m.added_at AT TIME ZONE 'UTC', {ISO})
         FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS i(type_id, record_id, ord)
         JOIN list_memberships m ON m.record_id = i.record_id
         JOIN lists l ON l.id = m.list_id AND l.object_type_id = i.type_id
                     AND l.deleted_at IS NULL
         ORDER BY i.ord, l.id"
    );
    let rows = client.query(&sql, &[&types, &ids]).await?;
    let mut lists = vec![Vec::new(); records.len()];
    for row in &rows {
        let joined: String = row.get(3);
        let at = usize::try_from(row.get::<_, i64>(0) - 1).unwrap_or_default();
        lists[at].push(json!({
            "listId": row.get::<_, i64>(1).to_string(),
            "listVersion": row.get::<_, i32>(2),
            "firstAddedTimestamp": joined,
            "lastAddedTimestamp": joined,
            "isPublicList": true,
        }));
    }
    Ok(lists)
}
