//! The score of a schema comparison: matching pairs over all pairs, violations grouped by
//! kind with one example each, the root fields the clone does not serve, and how many of the
//! documents' operations validate against the clone's schema.

use std::collections::BTreeMap;

use serde::Serialize;

use super::compare::{Kind, Pair, Violation};
use super::validate::Operation;
use crate::verify::{Scored, ratio};

/// The whole report, as `--json` prints it.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    /// The template verified.
    pub(crate) template: String,
    /// The files compared against (`schema.graphql + _generated_documents.graphql`).
    pub(crate) description: String,
    /// Pairs the clone has as the product does.
    pub(crate) valid: usize,
    /// Pairs the documents reach.
    pub(crate) total: usize,
    /// `valid / total`.
    pub(crate) score: f64,
    /// The threshold.
    pub(crate) min: f64,
    /// Whether `score >= min`.
    pub(crate) passed: bool,
    /// Of them, the fields the documents select.
    pub(crate) selected: Tally,
    /// Of them, the input fields their variables' types reach.
    pub(crate) inputs: Tally,
    /// Violations by kind: how many, one example.
    pub(crate) kinds: BTreeMap<Kind, Group>,
    /// The root fields (`Query.issue`, `Mutation.issueCreate`) the documents select: how
    /// many the clone has (whatever their type).
    pub(crate) roots: Tally,
    /// The root fields the documents select that the clone does not have.
    pub(crate) not_implemented: Vec<String>,
    /// The documents' operations validated against the clone's schema.
    pub(crate) documents: Documents,
    /// Every pair with its violations.
    pub(crate) pairs: Vec<Pair>,
}

/// Valid of total.
#[derive(Debug, Serialize)]
pub(crate) struct Tally {
    /// Without a violation.
    pub(crate) valid: usize,
    /// All.
    pub(crate) total: usize,
}

impl Tally {
    fn of<'a, T: 'a>(items: impl Iterator<Item = &'a T>, valid: impl Fn(&T) -> bool) -> Self {
        let (mut tally, mut all) = (0, 0);
        for item in items {
            all += 1;
            tally += usize::from(valid(item));
        }
        Self {
            valid: tally,
            total: all,
        }
    }
}

/// The violations of one kind.
#[derive(Debug, Serialize)]
pub(crate) struct Group {
    /// How many violations.
    pub(crate) count: usize,
    /// One of them.
    pub(crate) example: Violation,
}

/// The operations, each with the errors the clone's schema gives it.
#[derive(Debug, Serialize)]
pub(crate) struct Documents {
    /// Operations that validate.
    pub(crate) valid: usize,
    /// Operations.
    pub(crate) total: usize,
    /// Every operation (`errors` empty when it validates).
    pub(crate) operations: Vec<Operation>,
}

impl Report {
    /// Scores `pairs` against `min`; `roots` names the product's root types.
    pub(crate) fn new(
        template: &str,
        description: String,
        min: f64,
        pairs: Vec<Pair>,
        roots: &[&str],
        operations: Vec<Operation>,
    ) -> Self {
        let matching = |p: &Pair| p.violations.is_empty();
        let root = |p: &&Pair| !p.input && roots.contains(&p.type_name.as_str());
        let absent = |p: &Pair| {
            p.violations
                .iter()
                .any(|v| matches!(v.kind, Kind::MissingType | Kind::MissingField))
        };
        let not_implemented = pairs
            .iter()
            .filter(root)
            .filter(|p| absent(p))
            .map(|p| format!("{}.{}", p.type_name, p.field))
            .collect();
        let all = Tally::of(pairs.iter(), matching);
        let score = ratio(all.valid, all.total);
        let mut kinds: BTreeMap<Kind, Group> = BTreeMap::new();
        for violation in pairs.iter().flat_map(|p| &p.violations) {
            kinds
                .entry(violation.kind)
                .and_modify(|g| g.count += 1)
                .or_insert_with(|| Group {
                    count: 1,
                    example: violation.clone(),
                });
        }
        let documents = Documents {
            valid: operations.iter().filter(|o| o.errors.is_empty()).count(),
            total: operations.len(),
            operations,
        };
        Self {
            template: template.to_owned(),
            description,
            valid: all.valid,
            total: all.total,
            score,
            min,
            passed: all.total > 0 && score >= min,
            selected: Tally::of(pairs.iter().filter(|p| !p.input), matching),
            inputs: Tally::of(pairs.iter().filter(|p| p.input), matching),
            kinds,
            roots: Tally::of(pairs.iter().filter(root), |p| !absent(p)),
            not_implemented,
            documents,
            pairs,
        }
    }
}

impl Scored for Report {
    fn shortfall(&self) -> Option<String> {
        (!self.passed).then(|| {
            format!(
                "{} scored {:.3} ({}/{} pairs match), below --min {}",
                self.template, self.score, self.valid, self.total, self.min
            )
        })
    }

    fn print(&self) {
        println!(
            "{} against {}: {}/{} (type, field) pairs match ({}/{} selected, {}/{} in the \
             variables' input types), score {:.3} (minimum {})",
            self.template,
            self.description,
            self.valid,
            self.total,
            self.selected.valid,
            self.selected.total,
            self.inputs.valid,
            self.inputs.total,
            self.score,
            self.min
        );
        if self.kinds.is_empty() {
            println!("no violations");
        } else {
            println!(
                "violations by kind (expected: the product's schema, found: the clone's; one \
                 example each; --json lists every pair):"
            );
            for (kind, group) in &self.kinds {
                let v = &group.example;
                println!(
                    "  {:<23} {:>5}  {}: expected {}, found {}",
                    kind.name(),
                    group.count,
                    v.at,
                    v.expected,
                    v.found
                );
            }
        }
        let rest = if self.not_implemented.is_empty() {
            ""
        } else {
            "; the others are not implemented (--json lists them)"
        };
        println!(
            "root fields: the clone has {} of the {} the documents select{rest}",
            self.roots.valid, self.roots.total
        );
        let d = &self.documents;
        println!(
            "documents: {} of {} operations validate against the clone's schema (--json lists \
             each with its errors)",
            d.valid, d.total
        );
        let invalid = d.operations.iter().filter(|o| !o.errors.is_empty());
        for operation in invalid.take(5) {
            println!(
                "  {}: {}{}",
                operation.name,
                operation.errors[0],
                match operation.errors.len() {
                    1 => String::new(),
                    n => format!(" (and {} more)", n - 1),
                }
            );
        }
    }
}
