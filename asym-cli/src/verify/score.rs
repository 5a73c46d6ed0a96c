//! What both kinds of `verify` report share: the score (valid of total, against `--min`),
//! the [`Violation`]s it counts grouped by kind with one example each, and the lines that
//! print them. What each kind adds is its [`Detail`]: OpenAPI's answers and probes
//! ([`report::Answers`](super::report::Answers)), GraphQL's pairs and documents
//! ([`graphql::report::Comparison`](super::graphql::report::Comparison)).

use std::collections::BTreeMap;

use serde::Serialize;

/// One deviation of kind `K`: where, what the product's description says and what the clone
/// has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Violation<K> {
    /// Its kind.
    pub(crate) kind: K,
    /// Where: a JSON pointer into a response body (`""` is the whole body), or a GraphQL
    /// type and field (`Issue.title`, `Query.issue(id)`).
    pub(crate) at: String,
    /// What the product's description says.
    pub(crate) expected: String,
    /// What the clone has.
    pub(crate) found: String,
}

/// What a kind of report adds to the score, and how it prints.
pub(crate) trait Detail: Serialize + Sized {
    /// The kinds its violations come in.
    type Kind: Copy + Ord + Serialize;
    /// What valid of total counts, as the shortfall says it (`answers valid`).
    const COUNTED: &'static str;
    /// How many of how many are valid.
    fn tally(&self) -> (usize, usize);
    /// Every violation, with the request it came from where there is one.
    fn violations(&self) -> impl Iterator<Item = (&Violation<Self::Kind>, Option<String>)>;
    /// Prints `report` for humans, on stdout (its violations with [`Report::print_kinds`]).
    fn print(report: &Report<Self>);
}

/// A `verify` report, as `--json` prints it.
#[derive(Debug, Serialize)]
pub(crate) struct Report<D: Detail> {
    /// The template verified.
    pub(crate) template: String,
    /// What it was verified against: the description's `info.title`, or the files compared
    /// (`schema.graphql + _generated_documents.graphql`).
    pub(crate) description: String,
    /// Answers or pairs with no violation.
    pub(crate) valid: usize,
    /// Answers or pairs checked.
    pub(crate) total: usize,
    /// `valid / total`.
    pub(crate) score: f64,
    /// The threshold.
    pub(crate) min: f64,
    /// Whether `score >= min` (and anything was checked).
    pub(crate) passed: bool,
    /// Violations by kind: how many, one example.
    pub(crate) kinds: BTreeMap<D::Kind, Group<D::Kind>>,
    /// What the kind of report adds.
    #[serde(flatten)]
    pub(crate) detail: D,
}

/// The violations of one kind.
#[derive(Debug, Serialize)]
pub(crate) struct Group<K> {
    /// How many violations.
    pub(crate) count: usize,
    /// The request the example came from (`GET /v1/customers/cus_1 → 200`), where there is
    /// one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) request: Option<String>,
    /// One of them.
    pub(crate) example: Violation<K>,
}

impl<D: Detail> Report<D> {
    /// Scores `detail` against `min`.
    pub(crate) fn new(template: &str, description: String, min: f64, detail: D) -> Self {
        let (valid, total) = detail.tally();
        let score = ratio(valid, total);
        let mut kinds: BTreeMap<D::Kind, Group<D::Kind>> = BTreeMap::new();
        for (violation, request) in detail.violations() {
            kinds
                .entry(violation.kind)
                .and_modify(|g| g.count += 1)
                .or_insert_with(|| Group {
                    count: 1,
                    request,
                    example: violation.clone(),
                });
        }
        Self {
            template: template.to_owned(),
            description,
            valid,
            total,
            score,
            min,
            passed: total > 0 && score >= min,
            kinds,
            detail,
        }
    }

    /// Why it failed (`stripe scored 0.912 (…), below --min 0.99`), or none when it passed.
    pub(crate) fn shortfall(&self) -> Option<String> {
        (!self.passed).then(|| {
            format!(
                "{} scored {:.3} ({}/{} {}), below --min {}",
                self.template,
                self.score,
                self.valid,
                self.total,
                D::COUNTED,
                self.min
            )
        })
    }

    /// Prints it for humans, on stdout.
    pub(crate) fn print(&self) {
        D::print(self);
    }

    /// Prints the violations, one line a kind under `heading`, or that there are none.
    pub(crate) fn print_kinds(&self, heading: &str) {
        if self.kinds.is_empty() {
            println!("no violations");
            return;
        }
        println!("{heading}");
        for (kind, group) in &self.kinds {
            let v = &group.example;
            let request = group
                .request
                .as_ref()
                .map_or_else(String::new, |r| format!("{r}  "));
            let at = if v.at.is_empty() { "answer" } else { &v.at };
            println!(
                "  {:<23} {:>5}  {request}{at}: expected {}, found {}",
                kind_name(kind),
                group.count,
                v.expected,
                v.found
            );
        }
    }
}

/// A kind's name in reports, the one `--json` gives it (`missing_required`, …).
pub(crate) fn kind_name(kind: &impl Serialize) -> String {
    match serde_json::to_value(kind) {
        Ok(serde_json::Value::String(name)) => name,
        other => format!("{other:?}"),
    }
}

/// `valid / total`, 0 when there is nothing to count.
pub(crate) fn ratio(valid: usize, total: usize) -> f64 {
    #[allow(
        clippy::cast_precision_loss,
        reason = "counts of answers and fields are far below 2^52"
    )]
    if total == 0 {
        0.0
    } else {
        valid as f64 / total as f64
    }
}
