//! `GET /search/issues` (`q` with `repo:`, `is:`/`type:`/`state:`, `label:`, `author:`,
//! `assignee:`, `in:title|body`, free words) and `GET /search/repositories` (words, `org:`,
//! `user:`, `is:public|private`, `fork:`, `topic:`, `archived:`).

use asym_kit::Kit;
use axum::extract::State;
use serde_json::{Value, json};

use super::{Range, Term, answer, direction, invalid_q, select, terms};
use crate::error::{ApiError, ApiResult};
use crate::issues::{self, Filter, Shown};
use crate::req::{Listing, Query};
use crate::viewer::Caller;

/// `GET /search/issues`.
pub(crate) async fn issues(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    query: Query,
) -> ApiResult {
    let mut filter = Filter::new();
    filter.add(
        "gh_permission(i.repo_id, ?) IS NOT NULL",
        viewer.as_ref().map(|v| v.user_id),
    );
    let mut fields = Vec::new();
    let mut words = Vec::new();
    for Term { key, value, word } in terms(&query)? {
        match key.as_str() {
            "repo" => filter.add("i.repo_id = (SELECT id FROM repos WHERE lower(full_name) = lower(?))", value),
            "org" | "user" => filter.add(
                "i.repo_id IN (SELECT r.id FROM repos r JOIN users o ON o.id = r.owner_id WHERE lower(o.login) = lower(?))",
                value,
            ),
            "is" | "type" | "state" => match value.to_lowercase().as_str() {
                "issue" => filter.clauses.push("NOT i.is_pull".into()),
                "pr" | "pull-request" => filter.clauses.push("i.is_pull".into()),
                "open" | "closed" => filter.add("i.state = ?", value.to_lowercase()),
                "merged" => filter.clauses.push("EXISTS (SELECT 1 FROM pulls p WHERE p.issue_id = i.id AND p.merged_at IS NOT NULL)".into()),
                "unmerged" => filter.clauses.push("EXISTS (SELECT 1 FROM pulls p WHERE p.issue_id = i.id AND p.merged_at IS NULL)".into()),
                "locked" => filter.clauses.push("i.locked".into()),
                "unlocked" => filter.clauses.push("NOT i.locked".into()),
                _ => return Err(invalid_q()),
            },
            "label" => filter.add(
                "EXISTS (SELECT 1 FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = i.id AND lower(l.name) = lower(?))",
                value,
            ),
            "author" => filter.add("i.user_id = (SELECT id FROM users WHERE lower(login) = lower(?))", value),
            "assignee" => filter.add("(SELECT id FROM users WHERE lower(login) = lower(?)) = ANY(i.assignee_ids)", value),
            "mentions" => filter.add("i.body ILIKE '%@' || ? || '%'", value),
            "milestone" => filter.add("i.milestone_id IN (SELECT id FROM milestones WHERE title = ?)", value),
            "no" => match value.as_str() {
                "label" => filter.clauses.push("NOT EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id)".into()),
                "assignee" => filter.clauses.push("cardinality(i.assignee_ids) = 0".into()),
                "milestone" => filter.clauses.push("i.milestone_id IS NULL".into()),
                _ => return Err(invalid_q()),
            },
            "in" => fields = super::in_columns(&value, &[("title", "i.title"), ("body", "i.body")]),
            _ => words.push(word),
        }
    }
    super::words_in(&mut filter, &fields, &["i.title", "i.body"], words);
    let direction = direction(&query)?;
    let sort = match query.get("sort").unwrap_or("created") {
        "created" | "best-match" => "i.created_at",
        "updated" => "i.updated_at",
        "comments" => "i.comments",
        _ => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let order = format!("{sort} {direction}, i.id {direction}");
    let (total, items) = issues::select(&kit, &filter, &order, query.page(), Shown::Scored).await?;
    let extra = json!({ "search_type": "lexical" });
    Ok(answer(&kit, "/search/issues", &query, total, &items, extra))
}

/// `GET /search/repositories`.
pub(crate) async fn repositories(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    query: Query,
) -> ApiResult {
    let uid = viewer.as_ref().map(|v| v.user_id);
    let mut filter = Filter::new();
    filter.add("gh_permission(r.id, ?) IS NOT NULL", uid);
    // Forks are left out unless `fork:true` (with them) or `fork:only` (only them) asks.
    let mut forks = "r.parent_id IS NULL";
    for Term { key, value, word } in terms(&query)? {
        match key.as_str() {
            "fork" => {
                forks = match value.as_str() {
                    "true" => "true",
                    "only" => "r.parent_id IS NOT NULL",
                    _ => "r.parent_id IS NULL",
                }
            }
            "org" | "user" => filter.add(
                "r.owner_id = (SELECT id FROM users WHERE lower(login) = lower(?))",
                value,
            ),
            "repo" => filter.add("lower(r.full_name) = lower(?)", value),
            "is" => match value.as_str() {
                "public" => filter.clauses.push("NOT r.private".into()),
                "private" => filter.clauses.push("r.private".into()),
                _ => return Err(invalid_q()),
            },
            "topic" => filter.add("? = ANY(r.topics)", value.to_lowercase()),
            "archived" => filter.add("r.archived = ?", value == "true"),
            _ => filter.add(
                "(r.name || ' ' || coalesce(r.description, '')) ILIKE ?",
                super::anywhere(&word),
            ),
        }
    }
    filter.clauses.push(forks.into());
    let direction = direction(&query)?;
    let sort = match query.get("sort").unwrap_or("updated") {
        "updated" | "best-match" => "r.updated_at",
        "stars" | "forks" | "help-wanted-issues" => "r.id",
        _ => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let listing = Listing {
        from: "repos r",
        alias: "r",
        filter: "",
        item: "gh_repo(r, $T, gh_permission(r.id, $1))::jsonb || '{\"score\":1.0}'",
        order: &format!("{sort} {direction}, r.id"),
    };
    let base = kit.config().public_url.clone();
    let (total, items) = select(&kit, &query, &filter, &listing, Some(base)).await?;
    let path = "/search/repositories";
    Ok(answer(&kit, path, &query, total, &items, Value::Null))
}

/// The topics of public repositories, each with when its first repository was made and
/// last changed and how many carry it.
const TOPICS: &str = "(SELECT t.name, count(*) AS repos, min(r.created_at) AS created_at,
                              max(r.updated_at) AS updated_at
                       FROM repos r CROSS JOIN LATERAL unnest(r.topics) AS t(name)
                       WHERE NOT r.private GROUP BY t.name) t";

/// `GET /search/topics` (PyGithub's `search_topics`, Octokit's `search.topics`): the topics
/// of public repositories whose name holds every word, most used first, as GitHub's topic
/// search items (no topic is featured or curated, and none has a display name or
/// description: the clone keeps only names); `is:featured`, `is:curated`, `repositories:` (a
/// range) and `created:` qualify them.
pub(crate) async fn topics(State(kit): State<Kit>, query: Query) -> ApiResult {
    let mut filter = Filter::new();
    let mut words = Vec::new();
    for Term { key, value, word } in terms(&query)? {
        match key.as_str() {
            "is" => match value.to_lowercase().as_str() {
                "featured" | "curated" => filter.clauses.push("false".into()),
                "not-featured" | "not-curated" => {}
                _ => return Err(invalid_q()),
            },
            "repositories" => Range::count(&value)?.restrict(&mut filter, "t.repos"),
            "created" => Range::date(&value)?
                .restrict(&mut filter, "extract(epoch FROM t.created_at)::bigint"),
            _ => words.push(word),
        }
    }
    super::words_in(&mut filter, &[], &["t.name"], words);
    let listing = Listing {
        from: TOPICS,
        alias: "t",
        filter: "",
        item: "json_build_object('name', t.name, 'display_name', NULL, 'short_description', NULL,
                'description', NULL, 'created_by', NULL, 'released', NULL,
                'created_at', gh_ts(t.created_at), 'updated_at', gh_ts(t.updated_at),
                'featured', false, 'curated', false, 'repository_count', t.repos,
                'score', 1.0)",
        order: "t.repos DESC, t.name",
    };
    let (total, items) = select(&kit, &query, &filter, &listing, None).await?;
    Ok(answer(
        &kit,
        "/search/topics",
        &query,
        total,
        &items,
        Value::Null,
    ))
}
