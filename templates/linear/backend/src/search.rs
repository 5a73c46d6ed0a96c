//! Searches: `searchIssues`, `issueSearch` (deprecated by Linear), `searchProjects`,
//! `searchDocuments` (a case-insensitive substring match, with `totalCount`) and
//! `issueVcsBranchSearch` (the issue a Git branch is named after).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::connection::{self, Where, object};
use crate::entity::{self, CTX, ISSUE_DOC};
use crate::error::{self, Result};
use crate::filter::{self, Kind};

/// `searchIssues(term:)`: issues whose title or description contains the term (or whose
/// identifier is it), optionally in one team, with `totalCount`.
pub(crate) async fn search_issues(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "IssueSearchResult", search_conditions).await
}

/// `searchProjects(term:)`: projects whose name, description or content contains the term
/// (or whose `slugId` is it), with `totalCount`. As with documents, Linear's `teamId` only
/// ranks, and projects have no comments in the clone for `includeComments` to search.
pub(crate) async fn search_projects(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "ProjectSearchResult", project_search_conditions).await
}

/// `issueVcsBranchSearch(branchName:)`: the issue a Git branch is named after, found by the
/// first issue identifier in the name (`ada/eng-12-fix-login` → ENG-12, as Linear links
/// branches and pull requests); null when it names none that exists.
pub(crate) async fn issue_vcs_branch_search(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let candidates = identifiers_in(&arg_str(ctx, "branchName")?);
    if candidates.is_empty() {
        return Ok(Value::Null);
    }
    let sql = format!(
        "{CTX}SELECT {ISSUE_DOC}::text FROM ctx, issues t
         WHERE t.identifier = ANY($3) ORDER BY array_position($3, t.identifier) LIMIT 1"
    );
    Ok(entity::query(shared, viewer, &sql, &[&candidates])
        .await?
        .pop()
        .unwrap_or(Value::Null))
}

/// The issue identifiers a branch name holds, in order: a team key (a letter, then letters
/// or digits) and a number joined by `-`, between separators (`/`, `_`, `.`, …) or other
/// `-`-joined words, upper-cased as Linear writes them.
fn identifiers_in(branch: &str) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in branch.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let words: Vec<&str> = chunk.split('-').collect();
        for pair in words.windows(2) {
            let (key, number) = (pair[0], pair[1]);
            let is_key = key.starts_with(|c: char| c.is_ascii_alphabetic());
            let is_number = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
            if is_key && is_number {
                found.push(format!("{}-{number}", key.to_ascii_uppercase()));
            }
        }
    }
    found
}

/// `searchDocuments(term:)`: documents whose title or content contains the term (or whose
/// `slugId` is it), with `totalCount`. Linear's `teamId` only ranks a team's documents
/// higher, and the clone does not rank; documents have no comments in the clone, so
/// `includeComments` finds nothing more.
pub(crate) async fn search_documents(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "DocumentSearchResult", document_search_conditions).await
}

/// A search payload of `entity`: the page `conditions` select, `totalCount` (archived rows
/// only with `includeArchived`), each node's (empty) `metadata` and an empty
/// `archivePayload`.
async fn search(
    ctx: &ResolverContext<'_>,
    entity: &str,
    conditions: fn(&ResolverContext<'_>) -> Result<Where>,
) -> Result<Value> {
    let table = entity::by_name(entity)
        .ok_or_else(|| error::internal("unknown entity"))?
        .table;
    let mut page = connection::list(ctx, entity, conditions(ctx)?).await?;
    let mut counted = conditions(ctx)?;
    if ctx
        .args
        .get("includeArchived")
        .and_then(|v| v.boolean().ok())
        != Some(true)
    {
        counted.push("t.archived_at IS NULL");
    }
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "{CTX}SELECT count(*)::text FROM ctx, {table} t WHERE {}",
        counted.sql()
    );
    let total = entity::query(shared, viewer, &sql, &counted.params())
        .await?
        .pop()
        .unwrap_or(Value::from(0));
    if let Value::Object(map) = &mut page {
        if let Some(Value::List(nodes)) = map.get_mut("nodes") {
            for node in nodes {
                if let Value::Object(node) = node {
                    node.insert(
                        async_graphql::Name::new("metadata"),
                        Value::Object(Default::default()),
                    );
                }
            }
        }
        map.insert(async_graphql::Name::new("totalCount"), total);
        map.insert(
            async_graphql::Name::new("archivePayload"),
            object([
                ("archive", Value::from("")),
                ("totalCount", Value::from(0)),
                ("databaseVersion", Value::from(0)),
                ("includesDependencies", Value::List(Vec::new())),
            ]),
        );
    }
    Ok(page)
}

/// `searchIssues`' conditions: the term in the title, description or identifier (and
/// comments with `includeComments`), `teamId`, `filter`.
fn search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    let term = arg_str(ctx, "term")?;
    let mut conditions = Where::default();
    let comments = ctx
        .args
        .get("includeComments")
        .and_then(|v| v.boolean().ok())
        == Some(true);
    matching(&mut conditions, &term, comments);
    if let Some(team) = ctx.args.get("teamId").and_then(|v| v.string().ok()) {
        let placeholder = conditions.param(team.to_owned());
        conditions.push(format!("t.team_id = {placeholder}"));
    }
    filter::apply(
        &mut conditions,
        Kind::Issue,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    Ok(conditions)
}

/// `issueSearch(query:)`, deprecated by Linear for `searchIssues`: the issues `filter`
/// selects whose title, description or identifier matches `query` (every one without it),
/// as a plain `IssueConnection`.
pub(crate) async fn issue_search(ctx: &ResolverContext<'_>) -> Result<Value> {
    let mut conditions = Where::default();
    if let Some(term) = ctx.args.get("query").and_then(|v| v.string().ok()) {
        matching(&mut conditions, term, false);
    }
    filter::apply(
        &mut conditions,
        Kind::Issue,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    connection::list(ctx, "Issue", conditions).await
}

/// Adds to `conditions` an issue search's match of `term`: in the title or description
/// (case-insensitive), the identifier itself, and the comments' bodies with `comments`.
fn matching(conditions: &mut Where, term: &str, comments: bool) {
    let pattern = conditions.param(containing(term));
    let exact = conditions.param(term.to_uppercase());
    let comments = if comments {
        format!(
            " OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = t.id AND c.body ILIKE {pattern})"
        )
    } else {
        String::new()
    };
    conditions.push(format!(
        "(t.title ILIKE {pattern} OR t.description ILIKE {pattern} OR t.identifier = {exact}{comments})"
    ));
}

/// `searchDocuments`' conditions: the term in the title or content, or the `slugId`.
fn document_search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    text_or_slug(ctx, &["title", "content"])
}

/// `searchProjects`' conditions: the term in the name, description or content, or the
/// `slugId`.
fn project_search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    text_or_slug(ctx, &["name", "description", "content"])
}

/// A search's conditions: the `term` argument in any of the text `columns` of rows `t`
/// (case-insensitively), or their `slugId`.
fn text_or_slug(ctx: &ResolverContext<'_>, columns: &[&str]) -> Result<Where> {
    let term = arg_str(ctx, "term")?;
    let mut conditions = Where::default();
    let pattern = conditions.param(containing(&term));
    let exact = conditions.param(term);
    let matches: Vec<String> = columns
        .iter()
        .map(|column| format!("t.{column} ILIKE {pattern}"))
        .collect();
    conditions.push(format!("({} OR t.slug_id = {exact})", matches.join(" OR ")));
    Ok(conditions)
}

/// The `LIKE` pattern of any text containing `term` (its wildcards escaped).
pub(crate) fn containing(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::identifiers_in;

    #[test]
    fn branch_names_yield_their_issue_identifiers_in_order() {
        for (branch, expected) in [
            ("eng-1-build-the-login-page", &["ENG-1"][..]),
            ("ada/ENG-12-fix", &["ENG-12"]),
            ("feature/des-3_ops-40.wip", &["DES-3", "OPS-40"]),
            ("v2-3", &["V2-3"]),
            ("release-notes", &[]),
            ("2024-05-hotfix", &[]),
            ("eng--1", &[]),
            ("", &[]),
        ] {
            assert_eq!(identifiers_in(branch), expected, "{branch}");
        }
    }
}
