//! `GET /search/users` (words over login, name and email; `in:`, `type:`, `user:`/`org:`,
//! `fullname:`, `location:`, `language:`, `repos:`, `followers:`, `created:`) and
//! `GET /search/labels` (words over a repository's label names and descriptions).

use asym_kit::Kit;
use axum::extract::State;
use serde_json::Value;

use super::{Range, Term, answer, direction, invalid_q, select, terms};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::Filter;
use crate::req::{Listing, Query};
use crate::viewer::Caller;

/// The columns `in:` names for users (`in:login,name,email`; `fullname` is `name`).
const IN_COLUMNS: &[(&str, &str)] = &[
    ("login", "u.login"),
    ("name", "u.name"),
    ("fullname", "u.name"),
    ("email", "u.email"),
];

/// An account's public repositories, counted (`repos:` and `sort=repositories`).
const PUBLIC_REPOS: &str =
    "(SELECT count(*) FROM repos r WHERE r.owner_id = u.id AND NOT r.private)";

/// `GET /search/users`: users and organizations (never app bots). The clone keeps no
/// followers, so every account has none: `followers:0` matches all, `followers:>0` none.
pub(crate) async fn users(State(kit): State<Kit>, query: Query) -> ApiResult {
    let mut filter = Filter::new();
    filter
        .clauses
        .push("u.type IN ('User', 'Organization')".into());
    let mut fields = Vec::new();
    let mut words = Vec::new();
    for Term { key, value, word } in terms(&query)? {
        match key.as_str() {
            "type" => match value.to_lowercase().as_str() {
                "user" => filter.clauses.push("u.type = 'User'".into()),
                "org" => filter.clauses.push("u.type = 'Organization'".into()),
                _ => return Err(invalid_q()),
            },
            "in" => fields = super::in_columns(&value, IN_COLUMNS),
            "user" | "org" => filter.add("lower(u.login) = lower(?)", value),
            "fullname" => filter.add("u.name ILIKE ?", super::anywhere(&value)),
            "location" => filter.add("u.location ILIKE ?", super::anywhere(&value)),
            "language" => filter.add(
                "EXISTS (SELECT 1 FROM repos r WHERE r.owner_id = u.id AND NOT r.private
                                                  AND lower(r.language) = lower(?))",
                value,
            ),
            "repos" => Range::count(&value)?.restrict(&mut filter, PUBLIC_REPOS),
            "followers" => Range::count(&value)?.restrict(&mut filter, "0::bigint"),
            "created" => Range::date(&value)?
                .restrict(&mut filter, "extract(epoch FROM u.created_at)::bigint"),
            _ => words.push(word),
        }
    }
    super::words_in(
        &mut filter,
        &fields,
        &["u.login", "u.name", "u.email"],
        words,
    );
    let direction = direction(&query)?;
    let order = match query.get("sort") {
        None | Some("best-match") => "u.id".to_owned(),
        Some("followers") => format!("u.id {direction}"),
        Some("repositories") => format!("{PUBLIC_REPOS} {direction}, u.id"),
        Some("joined") => format!("u.created_at {direction}, u.id {direction}"),
        Some(_) => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let listing = Listing {
        from: "users u",
        alias: "u",
        filter: "",
        item: "gh_user(u, $T)::jsonb || '{\"score\":1.0}'",
        order: &order,
    };
    let base = kit.config().public_url.clone();
    let (total, items) = select(&kit, &query, &filter, &listing, Some(base)).await?;
    Ok(answer(
        &kit,
        "/search/users",
        &query,
        total,
        &items,
        Value::Null,
    ))
}

/// `GET /search/labels?repository_id=…&q=…`: the labels of a repository the caller can see
/// whose name or description holds every word of `q` (`sort` `created` or `updated`: the
/// clone keeps neither time, so both are creation order).
pub(crate) async fn labels(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    query: Query,
) -> ApiResult {
    const REPO: &str = "SELECT r.full_name FROM repos r
                        WHERE r.id = $1 AND gh_permission(r.id, $2) IS NOT NULL";
    let repo = query
        .get("repository_id")
        .ok_or_else(|| ApiError::validation("Search", "repository_id", "missing"))?;
    let repo: i64 = repo
        .parse()
        .map_err(|_| ApiError::validation("Search", "repository_id", "invalid"))?;
    let words = terms(&query)?;
    let direction = direction(&query)?;
    let order = match query.get("sort") {
        None | Some("best-match") => "l.id".to_owned(),
        Some("created" | "updated") => format!("l.id {direction}"),
        Some(_) => return Err(ApiError::validation("Search", "sort", "invalid")),
    };
    let uid = viewer.as_ref().map(|v| v.user_id);
    let full_name: String = {
        let client = kit.db().await?;
        db::found(&client, REPO, &[&repo, &uid]).await?.get(0)
    };
    let mut filter = Filter::new();
    filter.add("l.repo_id = ?", repo);
    let words = words.into_iter().map(|term| term.word).collect();
    super::words_in(&mut filter, &[], &["l.name", "l.description"], words);
    let listing = Listing {
        from: "labels l",
        alias: "l",
        filter: "",
        item: "gh_label(l, $T)::jsonb || '{\"score\":1.0}'",
        order: &order,
    };
    let repo_url = format!("{}/repos/{full_name}", kit.config().public_url);
    let (total, items) = select(&kit, &query, &filter, &listing, Some(repo_url)).await?;
    Ok(answer(
        &kit,
        "/search/labels",
        &query,
        total,
        &items,
        Value::Null,
    ))
}
