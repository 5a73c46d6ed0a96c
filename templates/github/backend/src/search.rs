//! Search: issues and pull requests (`q` with `repo:`, `is:`/`type:`/`state:`, `label:`,
//! `author:`, `assignee:`, `in:title|body`, free words) and repositories (words, `org:`,
//! `user:`, `is:public|private`), answered `{total_count, incomplete_results, items}`.

use asym_kit::Kit;
use axum::extract::State;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::issues::{self, Filter};
use crate::req::{self, Listing, Query};
use crate::viewer::Caller;

/// Splits `q` into words, keeping `"quoted phrases"` (and `label:"two words"`) whole.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One word of `q`: a qualifier (`repo:acme/app`) or a bare word.
struct Term {
    /// The qualifier before the colon, lowercased (`repo`); empty for a bare word.
    key: String,
    /// What follows the colon; the whole word when there is none.
    value: String,
    /// The whole word, as sent.
    word: String,
}

/// The terms of the request's `q` (422 `missing` without one).
fn terms(query: &Query) -> ApiResult<Vec<Term>> {
    let q = query
        .get("q")
        .ok_or_else(|| ApiError::validation("Search", "q", "missing"))?;
    Ok(tokens(q)
        .into_iter()
        .map(|word| {
            let (key, value) = word.split_once(':').unwrap_or(("", &word));
            Term {
                key: key.to_lowercase(),
                value: value.to_owned(),
                word,
            }
        })
        .collect())
}

/// The search answer around `items`; `extra` adds fields (the issue search's `search_type`).
fn envelope(total: i64, items: &str, extra: Value) -> axum::response::Response {
    let items: Value = serde_json::from_str(items).unwrap_or(Value::Array(Vec::new()));
    let mut body = json!({ "total_count": total, "incomplete_results": false, "items": items });
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    req::ok(body.to_string())
}

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
    let mut fields = vec!["i.title", "i.body"];
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
                _ => return Err(ApiError::validation("Search", "q", "invalid")),
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
                _ => return Err(ApiError::validation("Search", "q", "invalid")),
            },
            "in" => {
                fields = value
                    .split(',')
                    .filter_map(|f| match f {
                        "title" => Some("i.title"),
                        "body" => Some("i.body"),
                        _ => None,
                    })
                    .collect();
            }
            _ => words.push(word),
        }
    }
    if fields.is_empty() {
        fields = vec!["i.title", "i.body"];
    }
    let haystack = fields
        .iter()
        .map(|f| format!("coalesce({f}, '')"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ");
    for word in words {
        filter.add(
            &format!("({haystack}) ILIKE '%' || ? || '%'"),
            word.replace(['%', '_'], ""),
        );
    }
    let direction = match query.get("order").unwrap_or("desc") {
        "asc" => "ASC",
        "desc" => "DESC",
        _ => return Err(ApiError::validation("Search", "order", "invalid")),
    };
    let sort = match query.get("sort").unwrap_or("created") {
        "created" | "best-match" => "i.created_at",
        "updated" => "i.updated_at",
        "comments" => "i.comments",
        _ => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let order = format!("{sort} {direction}, i.id {direction}");
    let (total, items) = issues::select(&kit, &filter, &order, query.page(), true).await?;
    Ok(with_link(
        &kit,
        "/search/issues",
        &query,
        total,
        envelope(total, &items, json!({ "search_type": "lexical" })),
    ))
}

fn with_link(
    kit: &Kit,
    path: &str,
    query: &Query,
    total: i64,
    mut response: axum::response::Response,
) -> axum::response::Response {
    let paged = req::paged(&kit.config().public_url, path, query, total, String::new());
    if let Some(link) = paged.headers().get(axum::http::header::LINK) {
        response
            .headers_mut()
            .insert(axum::http::header::LINK, link.clone());
    }
    response
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
                _ => return Err(ApiError::validation("Search", "q", "invalid")),
            },
            "topic" => filter.add("? = ANY(r.topics)", value.to_lowercase()),
            "archived" => filter.add("r.archived = ?", value == "true"),
            _ => filter.add(
                "(r.name || ' ' || coalesce(r.description, '')) ILIKE '%' || ? || '%'",
                word.replace(['%', '_'], ""),
            ),
        }
    }
    filter.clauses.push(forks.into());
    let direction = if query.get("order") == Some("asc") {
        "ASC"
    } else {
        "DESC"
    };
    let sort = match query.get("sort").unwrap_or("updated") {
        "updated" | "best-match" => "r.updated_at",
        "stars" | "forks" | "help-wanted-issues" => "r.id",
        _ => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let page = query.page();
    let n = filter.params.len();
    let sql = Listing {
        from: "repos r",
        alias: "r",
        filter: &filter.sql(),
        item: &format!(
            "gh_repo(r, ${}, gh_permission(r.id, $1))::jsonb || '{{\"score\":1.0}}'",
            n + 1
        ),
        order: &format!("{sort} {direction}, r.id"),
    }
    .sql(n + 1);
    let base = kit.config().public_url.clone();
    let (limit, offset) = (page.limit(), page.offset());
    let mut params: Vec<&(dyn asym_kit::tokio_postgres::types::ToSql + Sync)> = filter
        .params
        .iter()
        .map(|p| p.as_ref() as &(dyn asym_kit::tokio_postgres::types::ToSql + Sync))
        .collect();
    params.push(&base);
    params.push(&limit);
    params.push(&offset);
    let client = kit.db().await?;
    let row = client.query_one(&sql, &params).await?;
    let total: i64 = row.get(0);
    Ok(with_link(
        &kit,
        "/search/repositories",
        &query,
        total,
        envelope(total, row.get(1), Value::Null),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_split_qualifiers_from_words() {
        let query = Query::parse(Some("q=Repo:acme/app+label:%22good+first%22+crash"));
        let parsed = terms(&query).expect("a q with words is read");
        let read: Vec<_> = parsed
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str(), t.word.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("repo", "acme/app", "Repo:acme/app"),
                ("label", "good first", "label:good first"),
                ("", "crash", "crash"),
            ]
        );
        assert!(terms(&Query::parse(Some("q="))).is_err());
    }
}
