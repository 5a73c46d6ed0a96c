//! Reading a SARIF upload: its runs, each the tool that made it, its category and how many
//! results and rules it has.

use serde_json::Value;

/// Runs per file GitHub accepts.
const MAX_RUNS: usize = 20;

/// One run of a SARIF file, as an analysis records it: its tool (`tool.driver`'s `name`, else
/// the upload's `tool_name`; `semanticVersion` or `version`; `guid`), its category
/// (`automationDetails.id`, empty without), how many results and rules (`tool.driver.rules`)
/// it has (`counts`), and its results as alerts record them (`findings::of`).
pub(super) struct Run {
    pub(super) tool: String,
    pub(super) version: Option<String>,
    pub(super) guid: Option<String>,
    pub(super) category: String,
    pub(super) counts: (i32, i32),
    pub(super) findings: Vec<Value>,
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
    let tool = text(&driver["name"]).unwrap_or_else(|| tool_name.to_owned());
    let category = text(&run["automationDetails"]["id"]).unwrap_or_default();
    Ok(Run {
        findings: super::findings::of(run, &tool, &category),
        version: text(&driver["semanticVersion"]).or_else(|| text(&driver["version"])),
        guid: text(&driver["guid"]),
        counts: (count(&run["results"]), count(&driver["rules"])),
        tool,
        category,
    })
}
