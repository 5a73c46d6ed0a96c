//! A clone's database: its own role, migrations, seed SQL.

use std::path::{Path, PathBuf};

use tokio_postgres::Client;

use crate::catalog::Template;
use crate::error::{Error, Result};
use crate::model::{SeedResult, SeedSpec};

use super::LocalDockerProvider;

impl LocalDockerProvider {
    /// The SQL of a seed, checked to exist before anything is created.
    pub(super) fn seed_sql(
        &self,
        template: &Template,
        files: &Path,
        seed: &SeedSpec,
    ) -> Result<String> {
        let manifest = &template.manifest;
        let glob = &manifest.seed.fixtures;
        let missing = |what: String| Error::FixtureNotFound {
            template: manifest.name.clone(),
            what,
            fixtures: asym_contract::catalog::fixtures(files, glob).unwrap_or_default(),
        };
        match seed {
            SeedSpec::Fixture(name) => fixture_sql(files, glob, name, missing),
            SeedSpec::File(path) => read_seed_file(path).map_err(|reason| match reason {
                None => missing(format!("seed file {}", path.display())),
                Some(reason) => Error::SeedFileInvalid {
                    path: path.clone(),
                    reason,
                },
            }),
        }
    }

    /// Creates the clone's role (login, nothing else: no superuser, no `CREATEDB`, no
    /// `CREATEROLE`) and its database, owned by that role, that no one else may connect to.
    /// Everything inside (migrations, seeds, snapshots) is then made by the role itself, and
    /// the backend, `databaseUrl`, `query` and `db` all log in as it.
    pub(super) async fn create_owned_database(&self, id: &str, db: &str) -> Result<()> {
        let step = |e| Error::step(id, "create database", e);
        let infra = self.infra().await?;
        let (role, password) = infra.role(db);
        // A session of its own: the password travels as a parameter into a session setting
        // that the DO block reads back, and no concurrent spin shares that setting.
        let admin = self.fresh_client("postgres").await?;
        admin
            .execute(
                "SELECT set_config('asym.role', $1, false), set_config('asym.role_password', $2, false)",
                &[&role, &password],
            )
            .await
            .map_err(step)?;
        admin
            .batch_execute(
                "DO $$ BEGIN
                   EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE \
                                   NOREPLICATION NOBYPASSRLS PASSWORD %L',
                                  current_setting('asym.role'), current_setting('asym.role_password'));
                 EXCEPTION WHEN duplicate_object THEN
                   EXECUTE format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE \
                                   NOREPLICATION NOBYPASSRLS PASSWORD %L',
                                  current_setting('asym.role'), current_setting('asym.role_password'));
                 END $$",
            )
            .await
            .map_err(step)?;
        // `db` is `clone_` + a template name and hex (validated identifiers), quoted anyway.
        let quoted = format!("\"{}\"", db.replace('"', "\"\""));
        for statement in [
            format!("CREATE DATABASE {quoted} OWNER {quoted}"),
            format!("REVOKE ALL ON DATABASE {quoted} FROM PUBLIC"),
            // Resets disable triggers for their one statement (`session_replication_role`).
            // Grants on one parameter share a catalogue row: concurrent spins take turns.
            format!(
                "DO $$ BEGIN PERFORM pg_advisory_xact_lock({PARAMETER_ACL_LOCK}); \
                 GRANT SET ON PARAMETER session_replication_role TO {quoted}; END $$"
            ),
        ] {
            admin.simple_query(&statement).await.map_err(step)?;
        }
        Ok(())
    }

    pub(super) async fn migrate(
        &self,
        id: &str,
        files: &Path,
        template: &Template,
        db: &str,
    ) -> Result<()> {
        self.create_owned_database(id, db).await?;
        let dir = files.join(
            template
                .manifest
                .database
                .migrations
                .trim_start_matches("./"),
        );
        let mut migrations: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| Error::step(id, format!("read migrations {}", dir.display()), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "sql"))
            .collect();
        migrations.sort();
        let client = self.client(db).await?;
        for path in migrations {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let sql = std::fs::read_to_string(&path)
                .map_err(|e| Error::step(id, format!("read migration {name}"), e))?;
            client
                .batch_execute(&sql)
                .await
                .map_err(|e| Error::step(id, format!("migration {name}"), e))?;
        }
        Ok(())
    }

    pub(super) async fn run_seed(&self, id: &str, db: &str, sql: &str) -> Result<SeedResult> {
        let client = self.client(db).await?;
        let before = count_rows(&client).await?;
        client
            .batch_execute(&format!("BEGIN;\n{sql}\n;COMMIT;"))
            .await
            .map_err(|e| {
                let client = client.clone();
                tokio::spawn(async move { client.batch_execute("ROLLBACK").await });
                Error::step(id, "seed", e)
            })?;
        let after = count_rows(&client).await?;
        Ok(SeedResult {
            rows_written: after - before,
            warnings: Vec::new(),
        })
    }
}

/// Largest seed file read (a seed is SQL a person wrote or dumped, not a data load).
const MAX_SEED_FILE: u64 = 64 << 20;

/// Reads a user's seed file: a regular file of at most [`MAX_SEED_FILE`] bytes of UTF-8.
/// `Err(None)` when it does not exist; `Err(Some(reason))` when it cannot be used.
/// The SQL of fixture `name` among `files` (matched by `glob`): when it extends another
/// (`asym_contract::EXTENDS`), the chain's SQL, base first, as one text.
fn fixture_sql(
    files: &Path,
    glob: &str,
    name: &str,
    missing: impl Fn(String) -> Error,
) -> Result<String> {
    let mut chain: Vec<(String, String)> = Vec::new();
    let mut next = Some(name.to_owned());
    while let Some(name) = next.take() {
        if chain.iter().any(|(seen, _)| *seen == name) || chain.len() == 8 {
            let names: Vec<&str> = chain.iter().map(|(n, _)| n.as_str()).collect();
            return Err(Error::SeedFileInvalid {
                path: asym_contract::catalog::fixture_file(files, glob, names[0])
                    .unwrap_or_default(),
                reason: format!(
                    "it extends in a loop or more than 8 deep: {} → {name}",
                    names.join(" → ")
                ),
            });
        }
        let sql = asym_contract::catalog::fixture_file(files, glob, &name)
            .and_then(|path| std::fs::read_to_string(path).ok())
            .ok_or_else(|| missing(format!("fixture \"{name}\"")))?;
        next = asym_contract::extends(&sql).map(str::to_owned);
        chain.push((name, sql));
    }
    let parts: Vec<String> = chain.into_iter().rev().map(|(_, sql)| sql).collect();
    Ok(parts.join("\n"))
}

fn read_seed_file(path: &Path) -> std::result::Result<String, Option<String>> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(|_| None)?;
    if !meta.is_file() {
        return Err(Some("not a regular file".to_owned()));
    }
    let mut text = String::new();
    let read = std::fs::File::open(path)
        .map_err(|e| Some(e.to_string()))?
        .take(MAX_SEED_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|_| Some("not UTF-8 text".to_owned()))?;
    if read as u64 > MAX_SEED_FILE {
        return Err(Some(format!("larger than {} MiB", MAX_SEED_FILE >> 20)));
    }
    Ok(text)
}

/// Advisory lock key serialising grants and revokes on `session_replication_role` (one
/// catalogue row for every clone role: concurrent updates would fail).
pub(super) const PARAMETER_ACL_LOCK: i64 = 0x6173_796d_5f61_636c;

/// Total rows across the tables of `public`, in one round trip.
pub(super) async fn count_rows(client: &Client) -> Result<i64> {
    let ctx = |e| Error::internal("counting rows", e);
    let tables = client
        .query(
            "SELECT format('SELECT count(*) FROM public.%I', relname) FROM pg_class c \
               JOIN pg_namespace n ON n.oid = c.relnamespace \
              WHERE n.nspname = 'public' AND c.relkind = 'r'",
            &[],
        )
        .await
        .map_err(ctx)?;
    if tables.is_empty() {
        return Ok(0);
    }
    let parts: Vec<String> = tables
        .iter()
        .map(|r| format!("({})", r.get::<_, String>(0)))
        .collect();
    let row = client
        .query_one(&format!("SELECT ({})::bigint", parts.join(" + ")), &[])
        .await
        .map_err(ctx)?;
    Ok(row.get(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixture_is_applied_after_the_fixtures_it_extends() {
        let dir = tempfile::tempdir().unwrap();
        let seeds = dir.path().join("seeds");
        std::fs::create_dir(&seeds).unwrap();
        let write = |name: &str, sql: &str| std::fs::write(seeds.join(format!("{name}.sql")), sql);
        write("basic", "INSERT basic;").unwrap();
        write("team", "-- asym:extends basic\nINSERT team;").unwrap();
        write("big", "-- asym:extends team\nINSERT big;").unwrap();
        write("loop", "-- asym:extends loop\nINSERT loop;").unwrap();
        write("orphan", "-- asym:extends nowhere\nINSERT orphan;").unwrap();
        let glob = "./seeds/*.sql";
        let missing = |what: String| Error::FixtureNotFound {
            template: "t".into(),
            what,
            fixtures: Vec::new(),
        };
        let sql = |name: &str| fixture_sql(dir.path(), glob, name, missing);
        assert_eq!(sql("basic").unwrap(), "INSERT basic;");
        assert_eq!(
            sql("big").unwrap(),
            "INSERT basic;\n-- asym:extends basic\nINSERT team;\n-- asym:extends team\nINSERT big;"
        );
        let looped = sql("loop").unwrap_err();
        assert_eq!(looped.code(), "SEED_FILE_INVALID");
        assert!(looped.to_string().contains("loop → loop"), "{looped}");
        let orphan = sql("orphan").unwrap_err();
        assert_eq!(orphan.code(), "FIXTURE_NOT_FOUND");
        assert!(orphan.to_string().contains("nowhere"), "{orphan}");
    }
}
