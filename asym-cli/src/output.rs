//! The one error renderer and shared printing helpers.

use std::io::Write as _;
use std::process::ExitCode;

use asym_engine::{CloneInstance, Error};
use serde::Serialize;

/// Prints `error[CODE]: message (cause: …)` on stderr; exit 1 for named errors, 2 otherwise.
pub(crate) fn fail(err: &Error) -> ExitCode {
    eprintln!("asym: {}", err.render());
    ExitCode::from(if err.is_named() { 1 } else { 2 })
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

/// A clone as a short block for humans.
pub(crate) fn clone_block(instance: &CloneInstance, extra: &[(&str, String)]) {
    let r = &instance.record;
    println!("{}  ({} {}, {})", r.id, r.template, r.mode, r.state);
    println!("  api       {}", instance.endpoints.api);
    for (label, value) in extra {
        println!("  {label:<9} {value}");
    }
    println!("  database  {}", r.database);
    for (name, token) in &r.tokens {
        println!("  {name:<9} {token}");
    }
}
