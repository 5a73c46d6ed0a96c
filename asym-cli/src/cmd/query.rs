//! `asym query`.

use std::io::{IsTerminal as _, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

use asym_engine::{Error, LocalDockerProvider};
use serde_json::{Map, Value};

use crate::output;

/// Run SQL on a clone's database: read-only unless --write (enforced by the database role).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "SQL comes from -f FILE, else the argument, else stdin.\n\nExamples:\n  asym query slack-1a2b3c 'select id, name from conversations'\n  asym query slack-1a2b3c -f checks.sql --json\n  echo \"delete from messages\" | asym query slack-1a2b3c --write"
)]
pub(crate) struct Args {
    /// Clone id.
    id: String,
    /// SQL to run.
    sql: Option<String>,
    /// Read SQL from a file.
    #[arg(short = 'f', long = "file")]
    file: Option<PathBuf>,
    /// Allow changes (the default session can only read).
    #[arg(long, conflicts_with = "json")]
    write: bool,
    /// Print rows as a JSON array of objects (read-only).
    #[arg(long)]
    json: bool,
}

pub(crate) async fn run(provider: &LocalDockerProvider, args: Args) -> Result<ExitCode, Error> {
    let sql = if let Some(path) = &args.file {
        std::fs::read_to_string(path).map_err(|e| Error::Internal {
            context: format!("reading {}", path.display()),
            source: e.into(),
        })?
    } else if let Some(sql) = args.sql {
        sql
    } else if !std::io::stdin().is_terminal() {
        let mut text = String::new();
        let _ = std::io::stdin().read_to_string(&mut text);
        text
    } else {
        String::new()
    };
    if sql.trim().is_empty() {
        eprintln!("asym: no SQL given; pass it as an argument, with -f FILE, or on stdin");
        return Ok(ExitCode::from(2));
    }
    let result = provider.sql(&args.id, &sql, args.write).await?;
    if args.json {
        let rows: Vec<Value> = result
            .rows
            .iter()
            .map(|row| {
                let object: Map<String, Value> = result
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), v.clone().map_or(Value::Null, Value::String)))
                    .collect();
                Value::Object(object)
            })
            .collect();
        output::json(&rows)?;
    } else if result.columns.is_empty() {
        println!("{} rows affected", result.affected.unwrap_or(0));
    } else {
        let rows: Vec<Vec<String>> = result
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.clone().unwrap_or_else(|| "NULL".into()))
                    .collect()
            })
            .collect();
        let header: Vec<&str> = result.columns.iter().map(String::as_str).collect();
        output::table(&header, &rows);
        println!("({} rows)", rows.len());
    }
    Ok(ExitCode::SUCCESS)
}
