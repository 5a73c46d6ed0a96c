//! The score of a schema comparison: matching pairs over all pairs, violations grouped by
//! kind with one example each, the root fields the clone does not serve, and how many of the
//! documents' operations validate against the clone's schema.

use serde::Serialize;

use super::compare::{Kind, Pair, Violation};
use super::validate::Operation;
use crate::verify::score::{self, Detail};

/// The report of a schema comparison.
pub(crate) type Report = score::Report<Comparison>;

/// The pairs compared, the root fields the clone lacks and the documents validated.
#[derive(Debug, Serialize)]
pub(crate) struct Comparison {
    /// Of the pairs, the fields the documents select.
    pub(crate) selected: Tally,
    /// Of the pairs, the input fields their variables' types reach.
    pub(crate) inputs: Tally,
    /// The root fields (`Query.issue`, `Mutation.issueCreate`) the documents select: how
    /// many the clone has (whatever their type).
    pub(crate) roots: Tally,
    /// The root fields the documents select that the clone does not have.
    pub(crate) not_implemented: Vec<String>,
    /// The documents' operations validated against the clone's schema.
    pub(crate) documents: Documents,
    /// Every pair the documents reach, with its violations.
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

impl Comparison {
    /// Scores `pairs` against `min`; `roots` names the product's root types.
    pub(crate) fn report(
        template: &str,
        description: String,
        min: f64,
        pairs: Vec<Pair>,
        roots: &[&str],
        operations: Vec<Operation>,
    ) -> Report {
        let root = |p: &&Pair| !p.input && roots.contains(&p.type_name.as_str());
        let absent = |p: &Pair| {
            p.violations
                .iter()
                .any(|v| matches!(v.kind, Kind::MissingType | Kind::MissingField))
        };
        let comparison = Self {
            selected: Tally::of(pairs.iter().filter(|p| !p.input), matching),
            inputs: Tally::of(pairs.iter().filter(|p| p.input), matching),
            roots: Tally::of(pairs.iter().filter(root), |p| !absent(p)),
            not_implemented: pairs
                .iter()
                .filter(root)
                .filter(|p| absent(p))
                .map(|p| format!("{}.{}", p.type_name, p.field))
                .collect(),
            documents: Documents {
                valid: operations.iter().filter(|o| o.errors.is_empty()).count(),
                total: operations.len(),
                operations,
            },
            pairs,
        };
        Report::new(template, description, min, comparison)
    }
}

/// Whether the clone has `pair` as the product does.
fn matching(pair: &Pair) -> bool {
    pair.violations.is_empty()
}

impl Detail for Comparison {
    type Kind = Kind;
    const COUNTED: &'static str = "pairs match";

    fn tally(&self) -> (usize, usize) {
        let all = Tally::of(self.pairs.iter(), matching);
        (all.valid, all.total)
    }

    fn violations(&self) -> impl Iterator<Item = (&Violation, Option<String>)> {
        self.pairs
            .iter()
            .flat_map(|p| &p.violations)
            .map(|v| (v, None))
    }

    fn print(report: &Report) {
        let c = &report.detail;
        println!(
            "{} against {}: {}/{} (type, field) pairs match ({}/{} selected, {}/{} in the \
             variables' input types), score {:.3} (minimum {})",
            report.template,
            report.description,
            report.valid,
            report.total,
            c.selected.valid,
            c.selected.total,
            c.inputs.valid,
            c.inputs.total,
            report.score,
            report.min
        );
        report.print_kinds(
            "violations by kind (expected: the product's schema, found: the clone's; one \
             example each; --json lists every pair):",
        );
        let rest = if c.not_implemented.is_empty() {
            ""
        } else {
            "; the others are not implemented (--json lists them)"
        };
        println!(
            "root fields: the clone has {} of the {} the documents select{rest}",
            c.roots.valid, c.roots.total
        );
        let d = &c.documents;
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
