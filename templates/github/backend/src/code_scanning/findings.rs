//! The results of a SARIF run as alerts record them: each result's rule, severity, message
//! and location, and the fingerprint that says which alert it is.

use serde_json::{Value, json};

/// The `security-severity` score a level starts at (GitHub's bands).
const BANDS: [(f64, &str); 4] = [
    (9.0, "critical"),
    (7.0, "high"),
    (4.0, "medium"),
    (0.1, "low"),
];

/// The findings of `run` (its results that have a location), in order, each once.
pub(super) fn of(run: &Value, tool: &str, category: &str) -> Vec<Value> {
    let rules = run["tool"]["driver"]["rules"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    let mut findings = Vec::new();
    for result in run["results"].as_array().into_iter().flatten() {
        let rule = result["ruleIndex"]
            .as_u64()
            .and_then(|i| rules.get(usize::try_from(i).ok()?))
            .or_else(|| rules.iter().find(|r| r["id"] == result["ruleId"]))
            .cloned()
            .unwrap_or_else(|| json!({ "id": result["ruleId"] }));
        let Some(id) = result["ruleId"].as_str().or(rule["id"].as_str()) else {
            continue;
        };
        let physical = &result["locations"][0]["physicalLocation"];
        let Some(path) = physical["artifactLocation"]["uri"].as_str() else {
            continue;
        };
        let region = &physical["region"];
        let start = region["startLine"].as_i64().unwrap_or(1);
        let fingerprint = format!("{tool}\u{1f}{category}\u{1f}{id}\u{1f}{path}\u{1f}{start}");
        if !seen.insert(fingerprint.clone()) {
            continue;
        }
        let level = result["level"]
            .as_str()
            .or(rule["defaultConfiguration"]["level"].as_str())
            .unwrap_or("warning");
        let severity = match level {
            "error" | "note" | "none" => level,
            _ => "warning",
        };
        let score = rule["properties"]["security-severity"]
            .as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .or(rule["properties"]["security-severity"].as_f64());
        let security = score.and_then(|s| BANDS.iter().find(|(from, _)| s >= *from).map(|b| b.1));
        let text = |v: &Value| v["text"].as_str().unwrap_or_default().to_owned();
        findings.push(json!({
            "ord": findings.len(),
            "fingerprint": fingerprint,
            "severity": security.unwrap_or(severity),
            "message": text(&result["message"]),
            "location": {
                "path": path, "start_line": start,
                "end_line": region["endLine"].as_i64().unwrap_or(start),
                "start_column": region["startColumn"].as_i64().unwrap_or(1),
                "end_column": region["endColumn"].as_i64().unwrap_or(1),
            },
            "rule": {
                "id": id, "severity": severity, "security_severity_level": security,
                "description": text(&rule["shortDescription"]),
                "name": rule["name"].as_str().unwrap_or(id),
                "tags": rule["properties"]["tags"].as_array().cloned().unwrap_or_default(),
                "full_description": text(&rule["fullDescription"]),
                "help": rule["help"]["text"].as_str(),
                "help_uri": rule["helpUri"].as_str(),
            },
        }));
    }
    findings
}
