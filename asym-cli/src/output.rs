//! The one error renderer and shared printing helpers.

use std::io::{IsTerminal as _, Write as _};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use asym_engine::{CloneInstance, CloneRecord, Environment, Error, Provider, Timestamp};
use serde::Serialize;

/// Prints `asym: CODE: message (cause: …)` on stderr; exit 1 for named errors, 2 otherwise.
pub(crate) fn fail(err: &Error) -> ExitCode {
    eprintln!("asym: {}", err.render());
    ExitCode::from(if err.is_named() { 1 } else { 2 })
}

/// A usage problem clap cannot see (exit 1 with a hint).
pub(crate) fn usage(message: &str) -> ExitCode {
    eprintln!("asym: {message}");
    ExitCode::from(1)
}

/// Pretty JSON on stdout.
pub(crate) fn json(value: &impl Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Internal {
        context: "printing JSON".into(),
        source: e.into(),
    })?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    Ok(())
}

/// A clone's record with its credentials replaced by `"<redacted>"` (`asym tokens` shows them).
pub(crate) fn redacted(mut instance: CloneInstance) -> CloneInstance {
    for value in instance.record.tokens.values_mut() {
        *value = "<redacted>".into();
    }
    if let Some((base, db)) = instance.database_url.rsplit_once('/')
        && let Some((scheme_user, host)) = base.rsplit_once('@')
        && let Some((scheme, _password)) = scheme_user.rsplit_once(':')
    {
        instance.database_url = format!("{scheme}:<redacted>@{host}/{db}");
    }
    instance
}

/// Spin progress on stderr, one line per step as it begins, only when stderr is a terminal
/// and the output is for humans.
pub(crate) struct Progress {
    shown: bool,
    started: Arc<Mutex<Instant>>,
}

impl Progress {
    /// Shows `provider`'s spin steps unless `json` or stderr is not a terminal.
    pub(crate) fn install(provider: &impl Provider, json: bool) -> Self {
        let shown = !json && std::io::stderr().is_terminal();
        let started = Arc::new(Mutex::new(Instant::now()));
        if shown {
            let since = started.clone();
            provider.on_spin_step(move |step| {
                let elapsed = since.lock().map(|t| t.elapsed()).unwrap_or_default();
                eprintln!("asym: {:>6.2} s  {step}…", elapsed.as_secs_f64());
            });
        }
        Self { shown, started }
    }

    /// Starts timing the next spin, named `what`.
    pub(crate) fn begin(&self, what: &str) {
        if let Ok(mut started) = self.started.lock() {
            *started = Instant::now();
        }
        if self.shown {
            eprintln!("asym: spinning {what}");
        }
    }
}

/// A clone as a short block for humans.
pub(crate) fn clone_block(instance: &CloneInstance, extra: &[(&str, String)]) {
    let r = &instance.record;
    println!("{}  ({} {}, {})", r.id, r.template, r.mode, r.state);
    println!("  {:<13} {}", "api", instance.endpoints.api);
    for (label, value) in extra {
        println!("  {label:<13} {value}");
    }
    println!("  {:<13} {}", "database", r.database);
    for (name, token) in &r.tokens {
        println!("  {name:<13} {}", token_shown(&r.id, name, token));
    }
}

/// A credential on one line: a key of several lines (GitHub's `appPrivateKey` PEM) shows its
/// first line and how to print it whole.
pub(crate) fn token_shown(id: &str, name: &str, value: &str) -> String {
    match value.split_once('\n') {
        None => value.to_owned(),
        Some((first, _)) => format!(
            "{first} … ({} lines: `asym tokens {id} {name}` prints it)",
            value.trim_end().lines().count()
        ),
    }
}

/// `3m`, `2h`, `5d`: how long ago.
pub(crate) fn age(since: Timestamp) -> String {
    let secs = since.elapsed().as_secs();
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86_400 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// Prints rows as an aligned table with a header.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// Prints `items` as JSON with `json`, else as a table under `header`, a row an item.
///
/// # Errors
/// When `items` cannot be written as JSON.
pub(crate) fn listing<T: Serialize>(
    json: bool,
    items: &[T],
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
) -> Result<(), Error> {
    if json {
        return self::json(&items);
    }
    let rows: Vec<Vec<String>> = items.iter().map(row).collect();
    table(header, &rows);
    Ok(())
}

/// The name of the environment clone `id` belongs to, or `-`.
pub(crate) fn env_of(environments: &[Environment], id: &str) -> String {
    environments
        .iter()
        .find(|e| e.members.iter().any(|m| m == id))
        .map_or("-".to_owned(), |e| e.name.clone())
}

/// A record's ports as `service:port` pairs.
pub(crate) fn ports(record: &CloneRecord) -> String {
    record
        .ports
        .iter()
        .map(|(s, p)| format!("{s}:{p}"))
        .collect::<Vec<_>>()
        .join(",")
}
