//! `asym query`.

use std::io::{IsTerminal as _, Read as _};
use std::path::PathBuf;
use std::process::ExitCode;

use asym_engine::{Error, Provider};
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

pub(crate) async fn run(provider: &impl Provider, args: Args) -> Result<ExitCode, Error> {
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
    if args.json {
        let rows = json_rows(provider, &args.id, &sql).await?;
        output::json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let result = provider.sql(&args.id, &sql, args.write).await?;
    if result.columns.is_empty() {
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

/// Rows of a single query as JSON objects with typed values, as Postgres's `to_json` writes
/// them: numbers, booleans, null, `json`/`jsonb` nested, arrays, timestamps in RFC 3339.
/// Integers beyond 2^53 (which JSON readers round) are strings. SQL that cannot be wrapped
/// (several statements, not a query) falls back to every value as text.
async fn json_rows(provider: &impl Provider, id: &str, sql: &str) -> Result<Vec<Value>, Error> {
    let single = sql.trim().trim_end_matches(';').trim_end();
    let wrapped = format!("SELECT to_json(asym_row)::text FROM ({single}\n) AS asym_row");
    match provider.sql(id, &wrapped, false).await {
        Ok(result) => Ok(result
            .rows
            .iter()
            .map(|row| {
                let text = row.first().cloned().flatten().unwrap_or_default();
                let mut value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                exact(&mut value);
                value
            })
            .collect()),
        Err(Error::QueryFailed { .. }) => {
            let result = provider.sql(id, sql, false).await?;
            Ok(result
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
                .collect())
        }
        Err(other) => Err(other),
    }
}

/// Integers JSON readers cannot hold exactly (beyond ±2^53) become strings, everywhere in
/// `value`.
fn exact(value: &mut Value) {
    const SAFE: u64 = 1 << 53;
    match value {
        Value::Number(n) => {
            let big = n.as_u64().is_some_and(|u| u > SAFE)
                || n.as_i64().is_some_and(|i| i.unsigned_abs() > SAFE)
                || n.as_f64()
                    .is_some_and(|f| f.fract() == 0.0 && f.abs() > SAFE as f64);
            if big {
                *value = Value::String(n.to_string());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(exact),
        Value::Object(map) => map.values_mut().for_each(exact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_beyond_2_53_become_strings() {
        let mut value = serde_json::json!({"a": 1, "b": 9_007_199_254_740_993u64, "c": [-9_007_199_254_740_993i64, 1.5]});
        exact(&mut value);
        assert_eq!(
            value,
            serde_json::json!({"a": 1, "b": "9007199254740993", "c": ["-9007199254740993", 1.5]})
        );
    }
}
