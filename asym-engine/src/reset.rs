//! Snapshots and resets of a clone's database, in place, with its backend still running.
//!
//! A snapshot `name` is a schema `asym_snap_<name>` holding a copy of every table of `public`
//! plus a generated PL/pgSQL function `restore()` that, in one transaction, deletes the rows of
//! `public`'s tables, re-inserts the copies (foreign-key triggers off via
//! `session_replication_role`) and puts every sequence back. A reset is then one statement and
//! one round trip: `SELECT asym_snap_baseline.restore()`.
//!
//! Only tables written since are restored: a statement-level trigger on every table of
//! `public` records each table a statement writes in `asym_track.dirty`, and
//! `asym_track.state` names the snapshot the database equals apart from those tables (the last
//! one captured or restored). Restoring that snapshot rewrites just the dirty tables (a test
//! that posted one message costs one table, not all of them); restoring another rewrites all.
//! `restore()` runs as a replica session, where the triggers do not fire, then clears the set.
//! Alternatives measured in `benches/engine.rs`.

use std::fmt::Write as _;

use tokio_postgres::Client;

use crate::error::{Error, Result};

/// The snapshot taken at the end of spin (post-provision, post-seed).
pub const BASELINE: &str = "baseline";
/// The internal snapshot of a clone right after provisioning, before any seed: what
/// `seed --fixture` replaces the clone's data from.
pub(crate) const PROVISIONED: &str = "provisioned";
const SCHEMA_PREFIX: &str = "asym_snap_";

/// Quotes an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Checks a snapshot name: lowercase letters, digits and `_`, 1–40 characters.
pub(crate) fn validate_name(name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(format!("{SCHEMA_PREFIX}{name}"))
    } else {
        Err(Error::SnapshotNameInvalid {
            name: name.escape_debug().take(60).collect(),
            reason: "use 1-40 lowercase letters, digits or '_'".to_owned(),
        })
    }
}

/// Checks a name a user gives a new snapshot: valid, and not the reserved `baseline`.
///
/// # Errors
/// [`Error::SnapshotNameInvalid`].
pub(crate) fn validate_new_name(name: &str) -> Result<String> {
    if name == PROVISIONED {
        return Err(Error::SnapshotNameInvalid {
            name: name.to_owned(),
            reason: "\"provisioned\" is kept by asym for `seed --fixture`".to_owned(),
        });
    }
    if name == BASELINE {
        return Err(Error::SnapshotNameInvalid {
            name: name.to_owned(),
            reason: "\"baseline\" is the state `reset` returns to; `asym seed` changes it"
                .to_owned(),
        });
    }
    validate_name(name)
}

/// Takes snapshot `name` of the database `client` is connected to, replacing an older one.
pub(crate) async fn capture(client: &mut Client, name: &str) -> Result<()> {
    let schema = ident(&validate_name(name)?);
    let ctx = |e| Error::internal(format!("taking snapshot {name}"), e);
    let tables = client
        .query(
            "SELECT c.relname::text, \
                    array_agg(a.attname::text ORDER BY a.attnum) \
               FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 \
                    AND NOT a.attisdropped AND a.attgenerated = '' \
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
              GROUP BY c.relname ORDER BY c.relname",
            &[],
        )
        .await
        .map_err(ctx)?;
    let sequences = client
        .query(
            "SELECT c.relname::text FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1",
            &[],
        )
        .await
        .map_err(ctx)?;

    let mut setup =
        format!("{TRACKING}DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};\n");
    let mut deletes = String::new();
    let mut inserts = String::new();
    for row in &tables {
        let table = ident(row.get::<_, &str>(0));
        let columns: Vec<String> = row
            .get::<_, Vec<String>>(1)
            .iter()
            .map(|c| ident(c))
            .collect();
        let columns = columns.join(", ");
        let _ = writeln!(
            setup,
            "CREATE TABLE {schema}.{table} AS SELECT {columns} FROM public.{table};"
        );
        let _ = writeln!(
            setup,
            "CREATE OR REPLACE TRIGGER asym_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
             ON public.{table} FOR EACH STATEMENT EXECUTE FUNCTION asym_track.mark();"
        );
        // The table's name as a text literal, to test against the dirty set.
        let literal = row.get::<_, &str>(0).replace('\'', "''");
        let _ = writeln!(
            deletes,
            "  IF everything OR '{literal}' = ANY(dirty) THEN DELETE FROM public.{table}; END IF;"
        );
        let _ = writeln!(
            inserts,
            "  IF everything OR '{literal}' = ANY(dirty) THEN \
             INSERT INTO public.{table} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} FROM {schema}.{table}; END IF;"
        );
    }
    let mut setvals = String::new();
    for row in &sequences {
        let seq = row.get::<_, &str>(0);
        let state = client
            .query_one(
                &format!("SELECT last_value, is_called FROM public.{}", ident(seq)),
                &[],
            )
            .await
            .map_err(ctx)?;
        let (last, called): (i64, bool) = (state.get(0), state.get(1));
        // The regclass literal is an identifier we quoted, inside a string literal.
        let regclass = format!("public.{}", ident(seq)).replace('\'', "''");
        let _ = writeln!(setvals, "  PERFORM setval('{regclass}', {last}, {called});");
    }
    let name_literal = name.replace('\'', "''");
    if inserts.contains("$asym$") {
        return Err(Error::internal(
            format!("taking snapshot {name}"),
            "a table name contains the reserved text $asym$",
        ));
    }
    let _ = write!(
        setup,
        "CREATE FUNCTION {schema}.restore() RETURNS void LANGUAGE plpgsql AS $asym$\n\
         DECLARE\n  \
           everything boolean := (SELECT current FROM asym_track.state) IS DISTINCT FROM '{name_literal}';\n  \
           dirty text[] := ARRAY(SELECT tbl FROM asym_track.dirty);\n\
         BEGIN\n  \
           SET LOCAL session_replication_role = replica;\n{deletes}{inserts}{setvals}  \
           DELETE FROM asym_track.dirty;\n  \
           UPDATE asym_track.state SET current = '{name_literal}';\n\
         END\n$asym$;\n\
         DELETE FROM asym_track.dirty; UPDATE asym_track.state SET current = '{name_literal}';"
    );
    let tx = client.transaction().await.map_err(ctx)?;
    tx.batch_execute(&setup).await.map_err(ctx)?;
    tx.commit().await.map_err(ctx)
}

/// The change tracking every snapshot's `restore()` relies on (see the module docs).
const TRACKING: &str = "\
CREATE SCHEMA IF NOT EXISTS asym_track;
CREATE TABLE IF NOT EXISTS asym_track.dirty (tbl text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS asym_track.state (current text);
INSERT INTO asym_track.state SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM asym_track.state);
CREATE OR REPLACE FUNCTION asym_track.mark() RETURNS trigger LANGUAGE plpgsql AS $asym$
BEGIN
  INSERT INTO asym_track.dirty VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$asym$;
";

/// Restores snapshot `name`; `SNAPSHOT_NOT_FOUND` lists the ones that exist.
pub(crate) async fn restore(client: &Client, id: &str, name: &str) -> Result<()> {
    let schema = ident(&validate_name(name)?);
    let statement = format!("SELECT {schema}.restore()");
    // One statement, so one transaction: a deadlock with a write in flight (a trigger taking
    // its locks in another order) rolls all of it back, and it is tried again.
    let mut outcome = client.simple_query(&statement).await;
    for _ in 0..4 {
        match &outcome {
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED) => {
                outcome = client.simple_query(&statement).await;
            }
            _ => break,
        }
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(e)
            if e.code() == Some(&tokio_postgres::error::SqlState::INVALID_SCHEMA_NAME)
                || e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_FUNCTION) =>
        {
            Err(Error::SnapshotNotFound {
                id: id.to_owned(),
                name: name.to_owned(),
                snapshots: list(client).await?,
            })
        }
        Err(e) => Err(Error::internal(
            format!("restoring snapshot {name} of {id}"),
            e,
        )),
    }
}

/// Names of the snapshots a database holds (not the internal `provisioned` one).
pub(crate) async fn list(client: &Client) -> Result<Vec<String>> {
    let mut names = list_all(client).await?;
    names.retain(|n| n != PROVISIONED);
    Ok(names)
}

/// Names of every snapshot a database holds.
pub(crate) async fn list_all(client: &Client) -> Result<Vec<String>> {
    let rows = client
        .query(
            "SELECT substr(nspname, $1) FROM pg_namespace WHERE nspname LIKE 'asym\\_snap\\_%' ORDER BY 1",
            &[&i32::try_from(SCHEMA_PREFIX.len() + 1).unwrap_or(11)],
        )
        .await
        .map_err(|e| Error::internal("listing snapshots", e))?;
    Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
}

/// Lua deleting every key under a prefix, server-side, in one round trip; the same script a
/// backend runs on `POST /api/admin/reset` (it lives with the kit every backend builds on).
const CLEAR_PREFIX_LUA: &str = include_str!("../../templates/kit/src/clear_prefix.lua");

/// Deletes every Redis key starting with `prefix`.
pub(crate) async fn clear_redis(
    conn: &mut redis::aio::MultiplexedConnection,
    prefix: &str,
) -> Result<()> {
    redis::Script::new(CLEAR_PREFIX_LUA)
        .arg(prefix)
        .invoke_async::<i64>(conn)
        .await
        .map(|_| ())
        .map_err(|e| Error::internal(format!("clearing Redis keys {prefix}*"), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_names_map_to_schemas_and_bad_ones_are_refused() {
        assert_eq!(validate_name("baseline").unwrap(), "asym_snap_baseline");
        assert_eq!(validate_name("before_pay").unwrap(), "asym_snap_before_pay");
        assert!(validate_name("before-pay").is_err());
        assert!(validate_name("Robert'); DROP").is_err());
        assert!(validate_name("").is_err());
        assert_eq!(ident("we\"ird"), "\"we\"\"ird\"");
    }
}
