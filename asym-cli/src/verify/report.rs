//! The score of a scenario run: valid answers over all answers, violations grouped by kind
//! with one example each, and which of the description's operations the scenario reached.

use std::collections::BTreeSet;

use serde::Serialize;

use super::errata::Erratum;
use super::scenario::Outcome;
use super::schema::{Kind, Violation};
use super::score::{self, Detail};
use super::spec::{Description, Operation};

/// The report of a scenario run against an OpenAPI description.
pub(crate) type Report = score::Report<Answers>;

/// The answers of a scenario run, and how the clone answered the operations it did not
/// exercise.
#[derive(Debug, Serialize)]
pub(crate) struct Answers {
    /// The API version requested (the description's `info.version` unless overridden).
    pub(crate) version: String,
    /// The description's operations the scenario exercised.
    pub(crate) covered: Vec<Operation>,
    /// The description's operations it did not, each probed once: the clone should answer
    /// with its product's error (see [`Probes`]).
    pub(crate) not_implemented: Vec<Outcome>,
    /// How the clone answered the probes.
    pub(crate) probes: Probes,
    /// Every answer with its violations. Those to routes the description does not have
    /// cannot be checked and are not scored; skipped steps count, as invalid.
    pub(crate) answers: Vec<Outcome>,
    /// The corrections applied to the description before checking (see [`super::errata`]).
    pub(crate) errata: Vec<Erratum>,
}

/// How a clone answers the operations the scenario does not exercise. A 404 (or the
/// scenario's `unknown` answer) says the clone does not implement one; any other answer says
/// it does, and the scenario misses it.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Probes {
    /// "No such route" (404, or the scenario's `unknown` answer) with the error the
    /// description describes: not implemented, said properly.
    pub(crate) not_found: usize,
    /// 404 where the operation describes none (GitHub's description leaves 404 out of most
    /// operations, though GitHub answers it for anything it does not have).
    pub(crate) not_found_undescribed: usize,
    /// 404 with a body that deviates from the description's error.
    pub(crate) not_found_deviating: usize,
    /// Another 4xx (a missing body, a bad id): the route exists, the scenario misses it.
    pub(crate) refused: Vec<Operation>,
    /// 2xx or 3xx: the route exists, the scenario misses it.
    pub(crate) answered: Vec<Operation>,
    /// 501: the clone says, by name, that it does not implement the operation.
    pub(crate) unimplemented: Vec<Operation>,
    /// Another 5xx.
    pub(crate) failed: Vec<Operation>,
}

impl Probes {
    fn new(probes: &[Outcome]) -> Self {
        let mut tally = Self::default();
        for probe in probes {
            let op = || probe.operation.clone().into_iter();
            let undescribed = |v: &Violation| v.kind == Kind::UndescribedStatus;
            match probe.status.unwrap_or(0) {
                _ if probe.unknown && probe.violations.is_empty() => tally.not_found += 1,
                _ if probe.unknown && probe.violations.iter().all(undescribed) => {
                    tally.not_found_undescribed += 1;
                }
                _ if probe.unknown => tally.not_found_deviating += 1,
                400..=499 => tally.refused.extend(op()),
                501 => tally.unimplemented.extend(op()),
                500.. => tally.failed.extend(op()),
                _ => tally.answered.extend(op()),
            }
        }
        tally
    }
}

impl Answers {
    /// Scores `answers` against `min`; `probes` are the answers to the operations the
    /// scenario does not exercise ([`Scenario::probe`](super::scenario::Scenario::probe)).
    pub(crate) fn report(
        template: &str,
        description: &Description,
        version: &str,
        min: f64,
        answers: Vec<Outcome>,
        probes: Vec<Outcome>,
    ) -> Report {
        let answers = Self {
            version: version.to_owned(),
            covered: covered(description, &answers),
            probes: Probes::new(&probes),
            not_implemented: probes,
            answers,
            errata: Vec::new(),
        };
        Report::new(template, description.title(), min, answers)
    }
}

impl Detail for Answers {
    type Kind = Kind;
    const COUNTED: &'static str = "answers valid";

    fn tally(&self) -> (usize, usize) {
        let described = |a: &&Outcome| {
            !a.violations
                .iter()
                .any(|v| v.kind == Kind::UndescribedRoute)
        };
        let total = self.answers.iter().filter(described).count();
        let valid = self
            .answers
            .iter()
            .filter(|a| a.violations.is_empty())
            .count();
        (valid, total)
    }

    fn violations(&self) -> impl Iterator<Item = (&Violation, Option<String>)> {
        self.answers.iter().flat_map(|answer| {
            let request = request_line(answer);
            answer
                .violations
                .iter()
                .map(move |v| (v, Some(request.clone())))
        })
    }

    fn print(report: &Report) {
        let d = &report.detail;
        println!(
            "{} against {} (version {}): {}/{} answers valid, score {:.3} (minimum {})",
            report.template,
            report.description,
            d.version,
            report.valid,
            report.total,
            report.score,
            report.min
        );
        if !d.errata.is_empty() {
            println!(
                "errata applied to the description ({}; --no-errata checks it as published):",
                d.errata.len()
            );
            for e in &d.errata {
                println!("  {}: {} ({})", e.id, e.why, e.evidence.join(", "));
            }
        }
        report.print_kinds("violations by kind (one example each; --json lists every answer):");
        let p = &d.probes;
        println!(
            "operations: {} of the description's {} exercised; of the {} others (--json lists \
             them) the clone says it has no such route to {} as described, {} where none is described, {} \
             with a deviating body",
            d.covered.len(),
            d.covered.len() + d.not_implemented.len(),
            d.not_implemented.len(),
            p.not_found,
            p.not_found_undescribed,
            p.not_found_deviating,
        );
        for (what, ops) in [
            (
                "answered 4xx, not 404 (it exists: the scenario misses it)",
                &p.refused,
            ),
            (
                "answered 2xx/3xx (it exists: the scenario misses it)",
                &p.answered,
            ),
            (
                "answered 501 (the clone says it does not implement it)",
                &p.unimplemented,
            ),
            ("answered 5xx", &p.failed),
        ] {
            for op in ops {
                println!("  {what}: {} {}", op.method, op.path);
            }
        }
    }
}

/// The description's operations `answers` exercised.
pub(crate) fn covered(description: &Description, answers: &[Outcome]) -> Vec<Operation> {
    let reached: BTreeSet<&Operation> = answers
        .iter()
        .filter_map(|a| a.operation.as_ref())
        .collect();
    description
        .operations()
        .iter()
        .filter(|op| reached.contains(op))
        .cloned()
        .collect()
}

fn request_line(answer: &Outcome) -> String {
    let status = answer
        .status
        .map_or_else(|| "skipped".to_owned(), |s| s.to_string());
    format!("{} {} → {status}", answer.method, answer.path)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn description() -> Description {
        Description::new(vec![json!({"openapi": "3.0.0", "info": {"title": "T"},
            "paths": {"/v1/notes/{id}": {"get": {}, "delete": {}}}})])
        .unwrap()
    }

    fn outcome(path: &str, kinds: &[Kind]) -> Outcome {
        Outcome {
            method: "GET".into(),
            path: path.into(),
            operation: description().find("GET", path).cloned(),
            status: Some(200),
            unknown: false,
            violations: kinds
                .iter()
                .map(|&kind| Violation {
                    kind,
                    at: "/id".into(),
                    expected: "string".into(),
                    found: "integer".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_score_counts_answers_and_groups_violations_by_kind() {
        let description = description();
        let answers = vec![
            outcome("/v1/notes/1", &[]),
            outcome("/v1/notes/2", &[Kind::WrongType, Kind::WrongType]),
            outcome("/v1/notes/3", &[Kind::MissingRequired]),
            outcome("/v1/notes/4", &[]),
            outcome("/v1/legacy", &[Kind::UndescribedRoute]),
        ];
        let mut probe = outcome("/v1/notes/asym-probe", &[]);
        probe.method = "DELETE".into();
        probe.status = Some(404);
        probe.unknown = true;
        let mut refused = outcome("/v1/notes/asym-probe", &[]);
        refused.status = Some(501);
        let mut broken = outcome("/v1/notes/asym-probe", &[]);
        broken.status = Some(500);
        let probes = vec![probe, refused, broken];
        let report = Answers::report("skeleton", &description, "1", 0.5, answers, probes);
        assert_eq!((report.valid, report.total, report.score), (2, 4, 0.5));
        assert!(report.passed);
        assert_eq!(report.kinds[&Kind::WrongType].count, 2);
        assert_eq!(
            report.kinds[&Kind::WrongType].request.as_deref(),
            Some("GET /v1/notes/2 → 200")
        );
        assert_eq!(report.kinds[&Kind::MissingRequired].count, 1);
        assert_eq!(
            report.kinds[&Kind::UndescribedRoute].count,
            1,
            "listed, not scored"
        );
        assert_eq!(report.detail.covered.len(), 1);
        assert_eq!(report.detail.not_implemented[0].method, "DELETE");
        assert_eq!(report.detail.probes.not_found, 1);
        let probes = &report.detail.probes;
        assert_eq!((probes.unimplemented.len(), probes.failed.len()), (1, 1));
    }
}
