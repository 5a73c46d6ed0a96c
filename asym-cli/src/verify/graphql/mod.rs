//! `asym verify` for a GraphQL product: the clone's schema (the SDL it serves) compared with
//! the product's published schema over what the product's SDK documents use.
//!
//! The documents' operations, with the fragments they spread, are walked against the
//! product's schema ([`walk`]) to collect every (type, field) pair they select, the arguments
//! they pass and the input types of their variables; each is looked up in the clone's schema
//! with the same type ([`compare`]). Every operation is also validated against the clone's
//! schema ([`validate`]), statically: sending the documents to the clone would execute those
//! whose variables are all optional (writing to a clone the user passed), and a validation
//! failure and a missing variable answer alike (`GRAPHQL_VALIDATION_FAILED`, 400); the SDL a
//! clone serves is the one its executable schema is built from. Both schemas are read with
//! `async-graphql-parser` ([`sdl`]).

pub(crate) mod compare;
pub(crate) mod report;
pub(crate) mod sdl;
pub(crate) mod validate;
pub(crate) mod walk;

use std::path::{Path, PathBuf};

use async_graphql_parser::parse_query;
use async_graphql_parser::types::{ExecutableDocument, OperationType};

use self::report::{Comparison, Report};
use self::sdl::Schema;

/// The product's schema and its SDK's documents, read before any clone is spun.
pub(crate) struct Inputs {
    schema: Schema,
    documents: Vec<ExecutableDocument>,
    description: String,
}

impl Inputs {
    /// Reads the product's SDL from `specs` (several files are read as one, so an
    /// `extend type` file may follow the schema) and the documents from `documents`.
    ///
    /// # Errors
    /// A sentence naming the file that cannot be read or parsed.
    pub(crate) fn load(specs: &[PathBuf], documents: &[PathBuf]) -> Result<Self, String> {
        let mut sdl = String::new();
        for path in specs {
            sdl.push_str(&read(path)?);
            sdl.push('\n');
        }
        let schema = Schema::parse(&sdl)
            .map_err(|e| format!("{} is not a GraphQL schema (SDL): {e}", names(specs)))?;
        if schema.root(OperationType::Query).is_none() {
            return Err(format!("{} has no query type", names(specs)));
        }
        let parsed = documents
            .iter()
            .map(|path| {
                parse_query(read(path)?)
                    .map_err(|e| format!("{} is not a GraphQL document: {e}", path.display()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            schema,
            documents: parsed,
            description: format!("{} + {}", names(specs), names(documents)),
        })
    }

    /// Compares `clone_sdl` with the product's schema over what the documents use, and
    /// validates each operation against it.
    ///
    /// # Errors
    /// When the clone's SDL does not parse.
    pub(crate) fn verify(
        &self,
        template: &str,
        clone_sdl: &str,
        min: f64,
    ) -> Result<Report, String> {
        let clone = Schema::parse(clone_sdl)
            .map_err(|e| format!("the clone's schema is not GraphQL SDL: {e}"))?;
        let pairs = compare::compare(&self.schema, &clone, &self.documents);
        let operations = validate::validate(&clone, &self.documents);
        let roots: Vec<&str> = [
            OperationType::Query,
            OperationType::Mutation,
            OperationType::Subscription,
        ]
        .into_iter()
        .filter_map(|ty| self.schema.root(ty))
        .collect();
        Ok(Comparison::report(
            template,
            self.description.clone(),
            min,
            pairs,
            &roots,
            operations,
        ))
    }
}

/// The SDL a clone serves at `url`.
///
/// # Errors
/// When the clone does not answer, or answers with an error.
pub(crate) async fn served(url: &str) -> Result<String, String> {
    let response = reqwest::get(url)
        .await
        .map_err(|e| format!("the clone did not answer GET {url}: {e}"))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| format!("reading the clone's schema: {e}"))?;
    if !status.is_success() {
        return Err(format!("GET {url} answered {status}"));
    }
    Ok(body)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The files' names, joined with ` + `.
fn names(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| {
            p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        })
        .collect();
    names.join(" + ")
}

#[cfg(test)]
mod tests {
    use super::compare::Kind;
    use super::*;

    /// A small product: a query with a required argument, a list of non-null items, an enum,
    /// input objects reached by variables, a mutation.
    const PRODUCT: &str = "
        schema { query: Query mutation: Mutation }
        type Query { issue(id: String!): Issue! issues(first: Int, filter: IssueFilter): [Issue!]! }
        type Mutation { issueCreate(input: IssueCreateInput!): Issue }
        type Issue { id: ID! title: String! priority: Priority labels: [String!]! }
        type Team { id: ID! }
        enum Priority { low high urgent }
        input IssueFilter { title: String priority: Priority }
        input IssueCreateInput { title: String! }";

    const DOCUMENTS: &str = "
        fragment Issue on Issue { __typename id title priority labels }
        fragment Team on Team { id }
        query issue($id: String!) { issue(id: $id) { ...Issue } }
        query issues($first: Int, $filter: IssueFilter) {
            issues(first: $first, filter: $filter) { id }
        }
        mutation issueCreate($input: IssueCreateInput!) { issueCreate(input: $input) { id } }";

    fn inputs() -> Inputs {
        Inputs {
            schema: Schema::parse(PRODUCT).unwrap(),
            documents: vec![parse_query(DOCUMENTS).unwrap()],
            description: "product".into(),
        }
    }

    #[test]
    fn the_product_s_own_schema_scores_one() {
        let report = inputs().verify("linear", PRODUCT, 0.99).unwrap();
        assert_eq!((report.valid, report.total, report.score), (10, 10, 1.0));
        assert_eq!(
            (report.detail.selected.total, report.detail.inputs.total),
            (7, 3),
            "Team is in no operation"
        );
        assert!(report.passed && report.kinds.is_empty());
        assert_eq!(
            (report.detail.documents.valid, report.detail.documents.total),
            (3, 3)
        );
        assert!(report.detail.not_implemented.is_empty());
    }

    #[test]
    fn each_deviation_is_named_on_its_pair() {
        let clone = "
            type Query { issue: Issue! issues(first: Int, filter: IssueFilter): [Issue]! }
            type Issue { id: ID! title: String priority: Priority }
            enum Priority { low high }
            input IssueFilter { title: Int priority: Priority }";
        let report = inputs().verify("linear", clone, 0.99).unwrap();
        assert_eq!(
            (report.valid, report.total),
            (1, 10),
            "only Issue.id matches"
        );
        assert!(!report.passed);
        let found: Vec<(Kind, &str, &str, &str)> = report
            .detail
            .pairs
            .iter()
            .flat_map(|p| &p.violations)
            .map(|v| (v.kind, v.at.as_str(), v.expected.as_str(), v.found.as_str()))
            .collect();
        for expected in [
            (
                Kind::MissingArgument,
                "Query.issue(id)",
                "id: String!",
                "none",
            ),
            (
                Kind::WrongNullability,
                "Query.issues",
                "[Issue!]!",
                "[Issue]!",
            ),
            (Kind::WrongNullability, "Issue.title", "String!", "String"),
            (
                Kind::MissingField,
                "Issue.labels",
                "labels: [String!]!",
                "none",
            ),
            (Kind::WrongType, "IssueFilter.title", "String", "Int"),
            (
                Kind::MissingType,
                "Mutation.issueCreate",
                "type Mutation",
                "none",
            ),
            (
                Kind::MissingType,
                "IssueCreateInput.title",
                "type IssueCreateInput",
                "none",
            ),
        ] {
            assert!(found.contains(&expected), "{expected:?} not in {found:#?}");
        }
        let enums: Vec<&str> = found
            .iter()
            .filter(|v| v.0 == Kind::EnumValuesMissing)
            .map(|v| v.1)
            .collect();
        assert_eq!(
            enums,
            ["Issue.priority: Priority", "IssueFilter.priority: Priority"]
        );
        assert_eq!(report.detail.not_implemented, ["Mutation.issueCreate"]);
        let errors: Vec<(&str, &[String])> = report
            .detail
            .documents
            .operations
            .iter()
            .map(|o| (o.name.as_str(), o.errors.as_slice()))
            .collect();
        assert_eq!(
            errors,
            [
                (
                    "mutation issueCreate",
                    &["the schema has no mutation type".to_owned()][..]
                ),
                (
                    "query issue",
                    &[
                        "Query.issue has no argument id".to_owned(),
                        "Issue has no field labels".to_owned()
                    ][..]
                ),
                ("query issues", &[][..]),
            ]
        );
    }

    #[test]
    fn an_argument_the_clone_requires_and_the_reverse_nullability_are_named() {
        let clone = PRODUCT.replace("issues(first: Int,", "issues(first: Int!, team: ID!,");
        let report = inputs().verify("linear", &clone, 0.99).unwrap();
        let issues = report
            .detail
            .pairs
            .iter()
            .find(|p| (p.type_name.as_str(), p.field.as_str()) == ("Query", "issues"))
            .unwrap();
        let found: Vec<(Kind, &str, &str)> = issues
            .violations
            .iter()
            .map(|v| (v.kind, v.expected.as_str(), v.found.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (Kind::WrongNullability, "Int", "Int!"),
                (Kind::ExtraRequiredArgument, "none", "team: ID! (required)"),
            ]
        );
        assert_eq!(report.valid, 9);
    }
}
