//! Reading a SARIF upload: its runs, each the tool that made it, its category and how many
//! results and rules it has.

use serde_json::Value;

/// Runs per file GitHub accepts.
const MAX_RUNS: usize = 20;

/// One run of a SARIF file, as an analysis records it.
pub(super) struct Run {
    /// `tool.driver.name` (else the upload's `tool_name`).
    pub(super) tool: String,
    /// `tool.driver.semanticVersion` or `version`.
    pub(super) version: Option<String>,
    /// `tool.driver.guid`.
    pub(super) guid: Option<String>,
    /// `automationDetails.id`, empty without.
    pub(super) category: String,
    /// How many results.
    pub(super) results: i32,
    /// How many rules `tool.driver.rules` has.
    pub(super) rules: i32,
}

/// The runs of the SARIF `text`, or why it cannot be processed (the clone's wordings).
pub(super) fn runs(text: &str, tool_name: &str) -> Result<Vec<Run>, String> {
    let sarif: Value = serde_json::from_str(text)
        .map_err(|error| format!("Invalid SARIF. JSON syntax error: {error}"))?;
    let Some(runs) = sarif.get("runs").and_then(Value::as_array) else {
        return Err("Invalid SARIF: instance requires property \"runs\"".to_owned());
    };
    if runs.len() > MAX_RUNS {
        return Err(format!(
            "Invalid SARIF: {} runs, more than the {MAX_RUNS} a file may hold",
            runs.len()
        ));
    }
    runs.iter().map(|run| read(run, tool_name)).collect()
}

/// One run, or why it cannot be read.
fn read(run: &Value, tool_name: &str) -> Result<Run, String> {
    let driver = &run["tool"]["driver"];
    if !driver.is_object() {
        return Err("Invalid SARIF: a run requires property \"tool.driver\"".to_owned());
    }
    let text = |value: &Value| value.as_str().map(str::to_owned);
    let count =
        |value: &Value| i32::try_from(value.as_array().map_or(0, Vec::len)).unwrap_or(i32::MAX);
    Ok(Run {
        tool: text(&driver["name"]).unwrap_or_else(|| tool_name.to_owned()),
        version: text(&driver["semanticVersion"]).or_else(|| text(&driver["version"])),
        guid: text(&driver["guid"]),
        category: text(&run["automationDetails"]["id"]).unwrap_or_default(),
        results: count(&run["results"]),
        rules: count(&driver["rules"]),
    })
}
