//! Snapshots and resets of a clone's database, in place, with its backend still running.
//!
//! A snapshot `name` is a schema `asym_snap_<name>` holding a copy of every table of `public`
//! plus a generated PL/pgSQL function `restore()` that, in one transaction, puts `public`'s
//! tables back as the copies hold them (foreign-key triggers off via
//! `session_replication_role`) and puts every sequence back. A reset is then one statement and
//! one round trip: `SELECT asym_snap_baseline.restore()`.
//!
//! It runs on a connection kept for restores alone, whose session is in replica mode from the
//! start ([`asym_contract::wire::RESTORER_SESSION`]; the engine's `restorer` and the kit's):
//! Postgres drops a session's cached plans whenever `session_replication_role` changes value,
//! so on an ordinary connection every restore planned all its statements again (GitHub after a
//! test's writes through twelve route families: 13.5 ms, against 3.6 ms with the plans kept).
//!
//! Only what was written since is restored, so a reset costs what the test wrote, not what the
//! seed holds. On a table with a primary key, statement-level triggers with transition tables
//! record the key of every row a statement inserts, updates or deletes in `asym_track.rows`;
//! `restore()` deletes those rows and re-inserts the copies' rows with those keys (the copy is
//! indexed on the key). A TRUNCATE, and any write to a table without a primary key, records
//! the whole table in `asym_track.dirty`, which `restore()` rewrites entirely; so does a write
//! to a table that held at most [`SMALL_TABLE_ROWS`] rows when the snapshot was taken, since
//! rewriting a few rows costs less than restoring them by key.
//! `asym_track.state` names the snapshot the database equals apart from what those two
//! record (the last one captured or restored): restoring another snapshot rewrites every
//! table. `restore()` runs as a replica session, where the triggers do not fire, then clears
//! both records.
//!
//! A reset excludes writers, not readers. The trigger recording a statement's writes first
//! takes a shared transaction-level advisory lock, which `restore()` takes exclusively: a
//! write that recorded anything before a reset starts commits before the reset reads the
//! records (and is undone); one that records during it waits until the reset commits (and is
//! recorded). A write the backend makes outside a request (a delivery's status), or one
//! racing a reset the engine runs on its own connection, is never committed between a table's
//! restore and the clearing of the records, where it would be kept and forgotten. A write
//! still inside its statement when a reset starts holds row locks the reset may need while
//! it waits for the reset's lock: Postgres breaks that deadlock after `deadlock_timeout`
//! (1 s), the reset is tried again, and both end right. The lock costs a writing statement
//! about 1 µs (a trigger of its own, `BEFORE` the statement, would avoid the deadlock at about
//! 5 µs a statement, 4% of Stripe's create throughput); `LOCK TABLE … IN EXCLUSIVE MODE` would
//! cost a reset about 150 µs per table (a strong lock scans every connection slot, 1,000
//! here). `capture` locks every table that way, since its triggers may not exist yet.
//!
//! Sequences are the exception: an insert draws its ids (`nextval`, not transactional) before
//! its recording trigger runs, so a reset in between would rewind the sequence under a row
//! still to be recorded, and the next insert would collide with it. A table with a `nextval`
//! default or an identity column therefore also takes the shared lock in a `BEFORE INSERT`
//! statement trigger. A backend that calls `nextval` itself, outside an insert or in the SQL
//! of one (Stripe reserves ids in its key lookup; HubSpot draws schema and association type
//! ids in its inserts), takes the same lock first ([`asym_contract::wire::WRITERS_LOCK`]; the
//! kit's `hold_writers`).
//! Alternatives measured in `benches/engine.rs`.

use std::fmt::Write as _;

use tokio_postgres::Client;

use crate::error::{Error, Result};

/// What the snapshots and change tracking this engine makes can be trusted with; raised when
/// a clone made by an older engine must not be reused by the harness (its `restore()` lacks
/// what this one relies on: 3 = writers excluded during a reset, by the recording triggers;
/// 4 = and before an insert draws from a sequence).
pub const SNAPSHOT_FORMAT: u32 = 4;

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

/// A table of `public` as a snapshot copies it.
struct Table {
    /// The table's name, unquoted.
    name: String,
    /// Its oid, which names its key-recording trigger function.
    oid: u32,
    /// Its stored columns, quoted and comma-separated.
    columns: String,
    /// Its primary key's columns (quoted) and their types; empty when it has none or cannot
    /// carry transition tables (a partitioned table or one with inheritance children).
    key: Vec<(String, String)>,
}

/// The tables of `public` a snapshot copies.
async fn tables(client: &Client) -> std::result::Result<Vec<Table>, tokio_postgres::Error> {
    let rows = client
        .query(
            "SELECT c.relname::text, c.oid, \
                    (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a \
                      WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
                        AND a.attgenerated = ''), \
                    pk.names, pk.types \
               FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
               LEFT JOIN LATERAL ( \
                    SELECT array_agg(a.attname::text ORDER BY k.ord) AS names, \
                           array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY k.ord) AS types \
                      FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord) \
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
                     WHERE i.indrelid = c.oid AND i.indisprimary \
                       AND c.relkind = 'r' AND NOT c.relhassubclass) pk ON true \
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
              ORDER BY c.relname",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let quoted = |i| {
                row.get::<_, Option<Vec<String>>>(i)
                    .unwrap_or_default()
                    .iter()
                    .map(|c| ident(c))
                    .collect::<Vec<_>>()
            };
            let types = row.get::<_, Option<Vec<String>>>(4).unwrap_or_default();
            Table {
                name: row.get(0),
                oid: row.get(1),
                columns: quoted(2).join(", "),
                key: quoted(3).into_iter().zip(types).collect(),
            }
        })
        .collect())
}

/// Takes snapshot `name` of the database `client` is connected to, replacing an older one.
/// The change records start empty again, cleared by `TRUNCATE`: a seed's writes leave a record
/// per row (30,000 for a 10,000-contact HubSpot seed), and a `DELETE` would leave them as dead
/// tuples that every later reset scans until a vacuum (11.7 ms a reset instead of ~4).
pub(crate) async fn capture(client: &mut Client, name: &str) -> Result<()> {
    let schema_name = validate_name(name)?;
    let schema = ident(&schema_name);
    let ctx = |e| Error::internal(format!("taking snapshot {name}"), e);
    let tables = tables(client).await.map_err(ctx)?;
    let reserved = |text: &str| text.contains("$asym$");
    if tables
        .iter()
        .any(|t| reserved(&t.name) || reserved(&t.columns))
    {
        return Err(Error::internal(
            format!("taking snapshot {name}"),
            "a table or column name contains the reserved text $asym$",
        ));
    }
    let sequences = client
        .query(
            "SELECT c.relname::text FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY 1",
            &[],
        )
        .await
        .map_err(ctx)?;
    // Tables whose inserts draw ids from a sequence (a `nextval` default or an identity).
    let drawing: Vec<String> = client
        .query(
            "SELECT DISTINCT c.relname::text FROM pg_attribute a \
               JOIN pg_class c ON c.oid = a.attrelid \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
               LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
              WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
                AND NOT a.attisdropped \
                AND (a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%')",
            &[],
        )
        .await
        .map_err(ctx)?
        .iter()
        .map(|row| row.get(0))
        .collect();

    // Every table, locked against writers (readers go on) until the transaction ends: a write
    // in flight is then wholly before the snapshot or wholly after it, never recorded half.
    // (Table locks, not the advisory one: the writers' triggers may not exist yet.)
    let lock = if tables.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = tables
            .iter()
            .map(|t| format!("public.{}", ident(&t.name)))
            .collect();
        format!("LOCK TABLE {} IN EXCLUSIVE MODE;", names.join(", "))
    };
    let mut setup = format!(
        "{TRACKING}{}{lock}\nDROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};\n",
        mark_function()
    );
    setup.push_str(
        &full_restores_for_older_snapshots(client, &schema_name)
            .await
            .map_err(ctx)?,
    );
    let small = small_tables(client, &tables).await.map_err(ctx)?;
    let mut deletes = String::new();
    let mut inserts = String::new();
    for table in &tables {
        let Table { oid, columns, .. } = table;
        let quoted = ident(&table.name);
        // The table's name as a text literal, to test against the records.
        let literal = table.name.replace('\'', "''");
        let _ = writeln!(
            setup,
            "CREATE TABLE {schema}.{quoted} AS SELECT {columns} FROM public.{quoted};"
        );
        if drawing.contains(&table.name) {
            // The writers' lock before the statement draws its ids: a reset never rewinds a
            // sequence under an insert that drew from it and has yet to record its row.
            let _ = writeln!(
                setup,
                "CREATE OR REPLACE TRIGGER asym_writer BEFORE INSERT ON public.{quoted} \
                 FOR EACH STATEMENT EXECUTE FUNCTION asym_track.writer();"
            );
        }
        let whole = format!("everything OR '{literal}' = ANY(dirty)");
        let all_rows = format!(
            "INSERT INTO public.{quoted} ({columns}) OVERRIDING SYSTEM VALUE \
             SELECT {columns} FROM {schema}.{quoted}"
        );
        if table.key.is_empty() || small.contains(&table.name) {
            // Written, the whole table is rewritten: it has no key to record rows by, or it
            // is so small that two plain statements cost less than restoring rows by key.
            // (Rows an older snapshot's triggers recorded count as written too.)
            let _ = writeln!(
                setup,
                "DROP TRIGGER IF EXISTS asym_rows_i ON public.{quoted};\n\
                 DROP TRIGGER IF EXISTS asym_rows_u ON public.{quoted};\n\
                 DROP TRIGGER IF EXISTS asym_rows_d ON public.{quoted};\n\
                 CREATE OR REPLACE TRIGGER asym_dirty AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE \
                 ON public.{quoted} FOR EACH STATEMENT EXECUTE FUNCTION asym_track.mark();"
            );
            let written = format!("{whole} OR '{literal}' = ANY(touched)");
            let _ = writeln!(
                deletes,
                "  IF {written} THEN DELETE FROM public.{quoted}; END IF;"
            );
            let _ = writeln!(inserts, "  IF {written} THEN {all_rows}; END IF;");
            continue;
        }
        let key_columns: Vec<&str> = table.key.iter().map(|(c, _)| c.as_str()).collect();
        let key_columns = key_columns.join(", ");
        // The recorded key, as text, of a row of transition table `t`; and back as typed values.
        let recorded = |t: &str| {
            let parts: Vec<String> = table
                .key
                .iter()
                .map(|(c, _)| format!("{t}.{c}::text"))
                .collect();
            format!("'{literal}', ARRAY[{}] FROM {t}", parts.join(", "))
        };
        let typed: Vec<String> = (1..)
            .zip(&table.key)
            .map(|(i, (_, ty))| format!("(r.key[{i}])::{ty}"))
            .collect();
        let typed = typed.join(", ");
        let matched: Vec<String> = (1..)
            .zip(&table.key)
            .map(|(i, (c, ty))| format!("x.{c} = (k.key[{i}])::{ty}"))
            .collect();
        let matched = matched.join(" AND ");
        let _ = write!(
            setup,
            "CREATE INDEX ON {schema}.{quoted} ({key_columns});\n\
             CREATE OR REPLACE FUNCTION asym_track.keys_{oid}() RETURNS trigger LANGUAGE plpgsql AS $asym$\n\
             BEGIN\n  \
               PERFORM pg_advisory_xact_lock_shared({WRITERS});\n  \
               IF TG_OP = 'INSERT' THEN INSERT INTO asym_track.rows SELECT {n};\n  \
               ELSIF TG_OP = 'DELETE' THEN INSERT INTO asym_track.rows SELECT {o};\n  \
               ELSE INSERT INTO asym_track.rows SELECT {n} UNION ALL SELECT {o};\n  \
               END IF;\n  \
               RETURN NULL;\n\
             END\n$asym$;\n\
             CREATE OR REPLACE TRIGGER asym_dirty AFTER TRUNCATE ON public.{quoted} \
             FOR EACH STATEMENT EXECUTE FUNCTION asym_track.mark();\n\
             CREATE OR REPLACE TRIGGER asym_rows_i AFTER INSERT ON public.{quoted} \
             REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION asym_track.keys_{oid}();\n\
             CREATE OR REPLACE TRIGGER asym_rows_u AFTER UPDATE ON public.{quoted} \
             REFERENCING OLD TABLE AS o NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION asym_track.keys_{oid}();\n\
             CREATE OR REPLACE TRIGGER asym_rows_d AFTER DELETE ON public.{quoted} \
             REFERENCING OLD TABLE AS o FOR EACH STATEMENT EXECUTE FUNCTION asym_track.keys_{oid}();\n",
            n = recorded("n"),
            o = recorded("o"),
        );
        let _ = writeln!(
            deletes,
            "  IF {whole} THEN DELETE FROM public.{quoted};\n  \
               ELSIF '{literal}' = ANY(touched) THEN DELETE FROM public.{quoted} x USING \
               (SELECT DISTINCT r.key FROM asym_track.rows r WHERE r.tbl = '{literal}') k \
               WHERE {matched};\n  END IF;"
        );
        let _ = writeln!(
            inserts,
            "  IF {whole} THEN {all_rows};\n  \
               ELSIF '{literal}' = ANY(touched) THEN INSERT INTO public.{quoted} ({columns}) \
               OVERRIDING SYSTEM VALUE SELECT {columns} FROM {schema}.{quoted} x \
               WHERE ({key_columns}) IN (SELECT {typed} FROM asym_track.rows r WHERE r.tbl = '{literal}');\n  END IF;"
        );
    }
    // Every sequence a write moved is put back, in one statement: each sequence's state now,
    // beside its state in the snapshot (one executor run instead of one per sequence: GitHub's
    // 15 sequences cost a restore 0.12 ms instead of 0.21).
    let mut now = Vec::new();
    let mut then = Vec::new();
    for row in &sequences {
        let seq = row.get::<_, &str>(0);
        let quoted = format!("public.{}", ident(seq));
        let state = client
            .query_one(&format!("SELECT last_value, is_called FROM {quoted}"), &[])
            .await
            .map_err(ctx)?;
        let (last, called): (i64, bool) = (state.get(0), state.get(1));
        // The regclass literal is an identifier we quoted, inside a string literal.
        let regclass = quoted.replace('\'', "''");
        now.push(format!(
            "SELECT '{regclass}'::regclass AS seq, last_value, is_called FROM {quoted}"
        ));
        then.push(format!(
            "('{regclass}'::regclass, {last}::bigint, {called})"
        ));
    }
    // A sequence no write moved is left alone (setval writes WAL and takes a lock).
    let setvals = if sequences.is_empty() {
        String::new()
    } else {
        format!(
            "  PERFORM setval(t.seq, t.last_value, t.is_called) \
             FROM (VALUES {}) AS t (seq, last_value, is_called) \
             JOIN ({}) AS n USING (seq) \
             WHERE (n.last_value, n.is_called) IS DISTINCT FROM (t.last_value, t.is_called);\n",
            then.join(", "),
            now.join(" UNION ALL ")
        )
    };
    let name_literal = name.replace('\'', "''");
    let _ = write!(
        setup,
        "CREATE FUNCTION {schema}.restore() RETURNS void LANGUAGE plpgsql AS $asym$\n\
         DECLARE\n  \
           everything boolean;\n  \
           dirty text[];\n  \
           touched text[];\n\
         BEGIN\n  \
           PERFORM pg_advisory_xact_lock({WRITERS});\n  \
           SET LOCAL session_replication_role = replica;\n  \
           everything := (SELECT current FROM asym_track.state) IS DISTINCT FROM '{name_literal}';\n  \
           dirty := ARRAY(SELECT tbl FROM asym_track.dirty);\n  \
           touched := ARRAY(SELECT DISTINCT tbl FROM asym_track.rows);\n{deletes}{inserts}{setvals}  \
           IF cardinality(dirty) > 0 THEN DELETE FROM asym_track.dirty; END IF;\n  \
           IF cardinality(touched) > 0 THEN DELETE FROM asym_track.rows; END IF;\n  \
           IF everything THEN UPDATE asym_track.state SET current = '{name_literal}'; END IF;\n\
         END\n$asym$;\n\
         TRUNCATE asym_track.dirty, asym_track.rows; \
         UPDATE asym_track.state SET current = '{name_literal}';"
    );
    let tx = client.transaction().await.map_err(ctx)?;
    tx.batch_execute(&setup).await.map_err(ctx)?;
    tx.commit().await.map_err(ctx)
}

/// Tables of at most this many rows are restored whole when written, not row by row: on
/// GitHub's `basic` fixture (26 tables of a few rows), a reset after a test's writes through
/// twelve route families took p50 5.70 ms row by row and 3.04 ms with every table rewritten
/// (`benches/engine.rs`, a host about three times slower than usual).
const SMALL_TABLE_ROWS: i64 = 32;

/// The tables of `tables` holding at most [`SMALL_TABLE_ROWS`] rows, counted in one statement
/// (each count stops past the limit).
async fn small_tables(
    client: &Client,
    tables: &[Table],
) -> std::result::Result<Vec<String>, tokio_postgres::Error> {
    if tables.is_empty() {
        return Ok(Vec::new());
    }
    let counts: Vec<String> = tables
        .iter()
        .map(|t| {
            format!(
                "SELECT '{literal}'::text, \
                 (SELECT count(*) FROM (SELECT FROM public.{quoted} LIMIT {limit}) s)",
                literal = t.name.replace('\'', "''"),
                quoted = ident(&t.name),
                limit = SMALL_TABLE_ROWS + 1,
            )
        })
        .collect();
    let rows = client.query(&counts.join(" UNION ALL "), &[]).await?;
    Ok(rows
        .iter()
        .filter(|row| row.get::<_, i64>(1) <= SMALL_TABLE_ROWS)
        .map(|row| row.get(0))
        .collect())
}

/// SQL making the snapshots an older asym took (whose `restore()` knows only whole tables, not
/// the row keys the triggers now record) rewrite every table when restored, which is always
/// right; empty when there are none. `schema` (unquoted) is the snapshot being taken, which is
/// replaced anyway.
async fn full_restores_for_older_snapshots(
    client: &Client,
    schema: &str,
) -> std::result::Result<String, tokio_postgres::Error> {
    let older = client
        .query(
            "SELECT n.nspname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
              WHERE p.proname = 'restore' AND n.nspname LIKE 'asym\\_snap\\_%' \
                AND position('asym_track.rows' IN p.prosrc) = 0 AND n.nspname <> $1",
            &[&schema],
        )
        .await?;
    let mut sql = String::new();
    for row in &older {
        let older = ident(row.get::<_, &str>(0));
        let _ = writeln!(
            sql,
            "ALTER FUNCTION {older}.restore() RENAME TO restore_tables;\n\
             CREATE FUNCTION {older}.restore() RETURNS void LANGUAGE plpgsql AS $asym$\n\
             BEGIN\n  \
               UPDATE asym_track.state SET current = NULL;\n  \
               PERFORM {older}.restore_tables();\n  \
               DELETE FROM asym_track.rows;\n\
             END\n$asym$;"
        );
    }
    Ok(sql)
}

/// The advisory lock key writers share and `restore()` takes alone.
const WRITERS: i64 = asym_contract::wire::WRITERS_LOCK;

/// The change tracking every snapshot's `restore()` relies on (see the module docs).
const TRACKING: &str = "\
CREATE SCHEMA IF NOT EXISTS asym_track;
CREATE TABLE IF NOT EXISTS asym_track.dirty (tbl text PRIMARY KEY);
CREATE TABLE IF NOT EXISTS asym_track.rows (tbl text NOT NULL, key text[] NOT NULL);
CREATE TABLE IF NOT EXISTS asym_track.state (current text);
INSERT INTO asym_track.state SELECT NULL WHERE NOT EXISTS (SELECT 1 FROM asym_track.state);
";

/// The trigger function recording a whole table as written (a TRUNCATE, or a write to a table
/// without a primary key), under the writers' shared lock (see the module docs); and the one
/// taking that lock before an insert draws ids from a sequence.
fn mark_function() -> String {
    format!(
        "CREATE OR REPLACE FUNCTION asym_track.mark() RETURNS trigger LANGUAGE plpgsql AS $asym$\n\
         BEGIN\n  \
           PERFORM pg_advisory_xact_lock_shared({WRITERS});\n  \
           INSERT INTO asym_track.dirty VALUES (TG_TABLE_NAME) ON CONFLICT DO NOTHING;\n  \
           RETURN NULL;\n\
         END\n$asym$;\n\
         CREATE OR REPLACE FUNCTION asym_track.writer() RETURNS trigger LANGUAGE plpgsql AS $asym$\n\
         BEGIN\n  \
           PERFORM pg_advisory_xact_lock_shared({WRITERS});\n  \
           RETURN NULL;\n\
         END\n$asym$;\n"
    )
}

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
