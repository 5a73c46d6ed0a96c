//! Reactions (on issues and on issue comments: list, create) and an issue's events
//! (`closed`, `reopened`, `labeled`, `assigned`, `locked`, …).

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues;
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

const CONTENTS: [&str; 8] = [
    "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
];

/// What a reaction is on: (`issue` | `comment`, id), resolved in `repo`.
async fn subject(
    client: &impl GenericClient,
    repo: &Repo,
    kind: &'static str,
    key: &str,
) -> ApiResult<(&'static str, i64)> {
    if kind == "issue" {
        return Ok(("issue", issues::find(client, repo, key).await?.id));
    }
    const SQL: &str = "SELECT id FROM comments WHERE id = $1 AND repo_id = $2";
    let row = db::keyed::<i64>(client, SQL, key, repo.id).await?;
    Ok(("comment", row.get(0)))
}

async fn list(scope: &Scope<String>, kind: &'static str, query: &Query) -> ApiResult {
    let content = query.get("content").map(str::to_owned);
    if content.as_deref().is_some_and(|c| !CONTENTS.contains(&c)) {
        return Err(ApiError::validation("Reaction", "content", "invalid"));
    }
    let key = &scope.path;
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let (subject, id) = subject(&client, &repo, kind, key).await?;
    let path = match kind {
        "issue" => format!("{}/issues/{key}/reactions", repo.path()),
        _ => format!("{}/issues/comments/{key}/reactions", repo.path()),
    };
    req::list(
        &client,
        base,
        &path,
        query,
        &Listing {
            from: "reactions r",
            alias: "r",
            filter: "r.subject = $1 AND r.subject_id = $2 AND ($3::text IS NULL OR r.content = $3)",
            item: "json_build_object('id', r.id, 'node_id', gh_node('REA', r.id),
                   'user', gh_user_id(r.user_id, $4), 'content', r.content, 'created_at', gh_ts(r.created_at))",
            order: "r.id",
        },
        &[&subject, &id, &content, &base],
    )
    .await
}

async fn react(
    scope: &Scope<String>,
    viewer: &Viewer,
    kind: &'static str,
    body: &Body,
) -> ApiResult {
    let content = body
        .one_of("content", &CONTENTS, "Reaction")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"content\" wasn't supplied."))?;
    let (client, repo) = scope.open().await?;
    let (subject, id) = subject(&client, &repo, kind, &scope.path).await?;
    let row = client
        .query_one(
            "WITH ins AS (INSERT INTO reactions (subject, subject_id, user_id, content) VALUES ($1, $2, $3, $4)
                          ON CONFLICT DO NOTHING RETURNING *),
                  r AS (SELECT *, true AS created FROM ins
                        UNION ALL SELECT *, false FROM reactions
                        WHERE subject = $1 AND subject_id = $2 AND user_id = $3 AND content = $4)
             SELECT bool_or(created), (array_agg(json_build_object('id', r.id, 'node_id', gh_node('REA', r.id),
                    'user', gh_user_id(r.user_id, $5), 'content', r.content, 'created_at', gh_ts(r.created_at))::text))[1]
             FROM r",
            &[&subject, &id, &viewer.user_id, &content, &scope.base()],
        )
        .await?;
    let status = if row.get::<_, Option<bool>>(0).unwrap_or(false) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(req::json_text(
        status,
        row.get::<_, Option<String>>(1).unwrap_or_default(),
    ))
}

/// `GET /repos/{owner}/{repo}/issues/{number}/reactions`.
pub(crate) async fn issue_reactions(scope: Scope<String>, query: Query) -> ApiResult {
    list(&scope, "issue", &query).await
}

/// `POST /repos/{owner}/{repo}/issues/{number}/reactions`: 201, or 200 when it existed.
pub(crate) async fn react_to_issue(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    react(&scope, &viewer, "issue", &body).await
}

/// `GET /repos/{owner}/{repo}/issues/comments/{id}/reactions`.
pub(crate) async fn comment_reactions(scope: Scope<String>, query: Query) -> ApiResult {
    list(&scope, "comment", &query).await
}

/// `POST /repos/{owner}/{repo}/issues/comments/{id}/reactions`.
pub(crate) async fn react_to_comment(
    scope: Scope<String>,
    viewer: Viewer,
    body: Body,
) -> ApiResult {
    react(&scope, &viewer, "comment", &body).await
}

/// `GET /repos/{owner}/{repo}/issues/{number}/events`.
pub(crate) async fn events(scope: Scope<String>, query: Query) -> ApiResult {
    let number = &scope.path;
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let issue = issues::find(&client, &repo, number).await?;
    let ru = format!("{base}{}", repo.path());
    req::list(
        &client,
        base,
        &format!("{}/issues/{number}/events", repo.path()),
        &query,
        &Listing {
            from: "issue_events e",
            alias: "e",
            filter: "e.issue_id = $1",
            item: "json_build_object('id', e.id, 'node_id', gh_node('E', e.id),
                       'url', $3 || '/issues/events/' || e.id, 'actor', gh_user_id(e.actor_id, $2),
                       'event', e.event, 'commit_id', NULL, 'commit_url', NULL,
                       'created_at', gh_ts(e.created_at), 'performed_via_github_app', NULL)::jsonb
                   || CASE
                        WHEN e.detail->>'label' IS NOT NULL THEN jsonb_build_object('label', jsonb_build_object(
                            'name', e.detail->>'label',
                            'color', coalesce((SELECT color FROM labels l JOIN issues i ON i.repo_id = l.repo_id
                                               WHERE i.id = e.issue_id AND lower(l.name) = lower(e.detail->>'label')), 'ededed')))
                        WHEN e.detail->>'assignee' IS NOT NULL THEN jsonb_build_object(
                            'assignee', gh_user_id((e.detail->>'assignee')::bigint, $2),
                            'assigner', gh_user_id(e.actor_id, $2))
                        ELSE '{}'::jsonb END",
            order: "e.id",
        },
        &[&issue.id, &base, &ru],
    )
    .await
}
