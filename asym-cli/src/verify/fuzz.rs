//! `asym verify --fuzz`: the built-in scenario again, each step preceded by its own request
//! gone wrong (every body field of the wrong type, too long, holding a NUL; a body that is
//! not an object or not JSON; a form key of nested brackets; an id in the path that is a NUL,
//! invalid UTF-8, 3,000 characters or `..`). A clone must answer each with its product's
//! named error: a 5xx, a dropped connection or no answer within ten seconds is a failure.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use serde_json::{Value, json};

use super::scenario::{Scenario, Step, builtins, fill, save, send};

/// What a fuzz run found.
#[derive(Debug, Serialize)]
pub(crate) struct Fuzzed {
    /// The template fuzzed.
    pub(crate) template: String,
    /// Requests sent, the scenario's own among them.
    pub(crate) requests: usize,
    /// Requests answered with a 5xx, or not at all.
    pub(crate) failures: Vec<Failure>,
}

/// One request the clone failed.
#[derive(Debug, Serialize)]
pub(crate) struct Failure {
    /// The scenario step's method.
    pub(crate) method: String,
    /// The scenario step's path, before its placeholders were filled.
    pub(crate) path: String,
    /// What was wrong with the request.
    pub(crate) mutation: String,
    /// The status answered, or why there was no answer.
    pub(crate) answer: String,
}

impl Fuzzed {
    /// The report for people: a line, then a line a failure.
    pub(crate) fn print(&self) {
        println!(
            "fuzz {}: {} requests, {} failed (5xx or no answer)",
            self.template,
            self.requests,
            self.failures.len()
        );
        for failure in &self.failures {
            println!(
                "  {} {} with {}: {}",
                failure.method, failure.path, failure.mutation, failure.answer
            );
        }
    }
}

/// Values of the wrong type or shape for any JSON field.
fn wrong_values() -> Vec<(&'static str, Value)> {
    vec![
        ("a number", json!(12345)),
        ("-1", json!(-1)),
        ("an empty string", json!("")),
        ("a 70,000-character string", json!("x".repeat(70_000))),
        ("an empty array", json!([])),
        ("an empty object", json!({})),
        ("null", Value::Null),
        ("true", json!(true)),
        ("a NUL", json!("\u{0}")),
        ("1e308", json!(1e308)),
        ("nested arrays", json!([[[[]]]])),
        ("a nested object", json!({"a": {"b": 1}})),
        ("an emoji", json!("💥")),
    ]
}

/// Values no form field expects.
const WRONG_FORM_VALUES: [&str; 8] = [
    "",
    "-1",
    "99999999999999999999999",
    "\u{0}",
    "💥",
    "1e308",
    "true",
    "[]",
];

/// Path segments no route expects in place of an id.
fn wrong_ids() -> [(&'static str, String); 4] {
    [
        ("a NUL", "%00".to_owned()),
        ("invalid UTF-8", "%FF".to_owned()),
        ("..", "..".to_owned()),
        ("3,000 characters", "a".repeat(3_000)),
    ]
}

impl Scenario {
    /// Runs the scenario against `base` with the clone's `tokens`, each step preceded by
    /// its wrong variants; `version` fills `{version}`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub(crate) async fn fuzz(
        &self,
        template: &str,
        base: &str,
        tokens: &BTreeMap<String, String>,
        version: &str,
    ) -> Result<Fuzzed, String> {
        let client = super::scenario::client()?;
        let mut vars = builtins(version);
        let mut fuzzed = Fuzzed {
            template: template.to_owned(),
            requests: 0,
            failures: Vec::new(),
        };
        for step in self.steps() {
            let wrong = variants(step, &vars).into_iter().map(|(m, s)| (Some(m), s));
            for (mutation, sent) in wrong.chain([(None, step.clone())]) {
                let Ok(request) = self.request(&client, base, tokens, &sent, &vars) else {
                    continue;
                };
                fuzzed.requests += 1;
                let answer = match send(request).await {
                    Ok((status, body)) if mutation.is_none() => {
                        if let Ok(answer) = serde_json::from_str::<Value>(&body) {
                            save(&step.save, &answer, &mut vars);
                        }
                        if status < 500 {
                            continue;
                        }
                        format!("{status} {}", clip(&body))
                    }
                    Ok((status, _)) if status < 500 => continue,
                    Ok((status, body)) => format!("{status} {}", clip(&body)),
                    Err(why) => clip(&why),
                };
                fuzzed.failures.push(Failure {
                    method: step.method.clone(),
                    path: step.path.clone(),
                    mutation: mutation
                        .unwrap_or_else(|| "nothing (the scenario's own request)".into()),
                    answer,
                });
            }
        }
        Ok(fuzzed)
    }
}

/// The first 200 characters of an answer.
fn clip(body: &str) -> String {
    body.chars().take(200).collect()
}

/// `step`'s wrong variants, each with what is wrong with it.
fn variants(step: &Step, vars: &HashMap<String, Value>) -> Vec<(String, Step)> {
    let mut out = Vec::new();
    let with = |change: &dyn Fn(&mut Step)| {
        let mut wrong = step.clone();
        change(&mut wrong);
        wrong
    };
    if let Some(body) = &step.json {
        for (what, whole) in [
            ("an array", json!([])),
            ("a string", json!("str")),
            ("a number", json!(7)),
            ("null", Value::Null),
        ] {
            out.push((
                format!("a JSON body that is {what}"),
                with(&|s| s.json = Some(whole.clone())),
            ));
        }
        out.push((
            "a body that is not JSON".into(),
            with(&|s| {
                s.json = None;
                s.raw = Some("{\"a\":".into());
            }),
        ));
        if let Value::Object(fields) = body {
            for (key, value) in fields {
                for (what, wrong) in wrong_values() {
                    let mut body = fields.clone();
                    body.insert(key.clone(), wrong);
                    out.push((
                        format!("`{key}` {what}"),
                        with(&|s| s.json = Some(Value::Object(body.clone()))),
                    ));
                }
                if let Value::Object(inner) = value {
                    for inner_key in inner.keys() {
                        for (what, wrong) in wrong_values().into_iter().take(9) {
                            let mut body = fields.clone();
                            body[key][inner_key] = wrong;
                            out.push((
                                format!("`{key}.{inner_key}` {what}"),
                                with(&|s| s.json = Some(Value::Object(body.clone()))),
                            ));
                        }
                    }
                }
            }
        }
    }
    if let Some(form) = &step.form {
        for (i, (key, _)) in form.iter().enumerate() {
            for wrong in WRONG_FORM_VALUES {
                out.push((
                    format!("`{key}` = {wrong:?}"),
                    with(&|s| {
                        if let Some(form) = s.form.as_mut() {
                            form[i].1 = wrong.to_owned();
                        }
                    }),
                ));
            }
            let nested = format!("{key}[x][y]");
            out.push((
                format!("`{nested}`"),
                with(&|s| {
                    if let Some(form) = s.form.as_mut() {
                        form[i].0.clone_from(&nested);
                    }
                }),
            ));
        }
    }
    for segment in step
        .path
        .split(['/', '?'])
        .filter(|s| s.starts_with('{') && s.ends_with('}'))
    {
        if fill(segment, vars).is_err() {
            continue;
        }
        for (what, wrong) in wrong_ids() {
            out.push((
                format!("{segment} {what}"),
                with(&|s| s.path = step.path.replacen(segment, &wrong, 1)),
            ));
        }
    }
    out
}
