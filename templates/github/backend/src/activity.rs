//! Reactions (on issues, issue comments and review comments: list, create, delete), issue
//! events (`closed`, `reopened`, `labeled`, `assigned`, `locked`, `renamed`, …) of an issue and
//! of a repository, and an issue's timeline (its events, comments and reviews).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::issues::{Issue, Numbered};
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

const CONTENTS: [&str; 8] = [
    "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
];

/// What a reaction is on.
#[derive(Clone, Copy)]
enum On {
    /// An issue or a pull request, by number.
    Issue,
    /// An issue comment, by id.
    Comment,
    /// A pull-request review comment, by id.
    ReviewComment,
}

impl On {
    /// Every kind, each with the same three reaction routes.
    const ALL: [Self; 3] = [Self::Issue, Self::Comment, Self::ReviewComment];

    /// What it is on, below the repository's path, its number or id the route's parameter.
    fn route(self) -> &'static str {
        match self {
            Self::Issue => "/issues/{number}",
            Self::Comment => "/issues/comments/{id}",
            Self::ReviewComment => "/pulls/comments/{id}",
        }
    }

    /// The `reactions.subject` it is stored under.
    fn subject(self) -> &'static str {
        match self {
            Self::Issue => "issue",
            Self::Comment => "comment",
            Self::ReviewComment => "review_comment",
        }
    }

    /// Its reactions' path below the repository's (`key` its number or id).
    fn tail(self, key: &str) -> String {
        let within = match self {
            Self::Issue => "issues",
            Self::Comment => "issues/comments",
            Self::ReviewComment => "pulls/comments",
        };
        format!("{within}/{key}/reactions")
    }

    /// Its id, resolved in `repo` (404 when it is not there).
    async fn resolve(self, client: &impl GenericClient, repo: &Repo, key: &str) -> ApiResult<i64> {
        let sql = match self {
            Self::Issue => return Ok(Issue::find(client, repo, key).await?.id),
            Self::Comment => "SELECT id FROM comments WHERE id = $1 AND repo_id = $2",
            Self::ReviewComment => {
                "SELECT c.id FROM review_comments c JOIN issues i ON i.id = c.issue_id
                 WHERE c.id = $1 AND i.repo_id = $2"
            }
        };
        Ok(db::keyed::<i64>(client, sql, key, repo.id).await?.get(0))
    }
}

/// The routes below `/repos/{owner}/{repo}`: issue events, and reactions, the same for issues
/// (and pull requests), issue comments and review comments: `GET …/reactions` (`content`),
/// `POST …/reactions` (201, or 200 when it existed) and `DELETE …/reactions/{id}`.
pub(crate) fn routes() -> Router<Kit> {
    let events = Router::new()
        .route("/issues/{number}/events", get(events))
        .route("/issues/{number}/timeline", get(timeline))
        .route("/issues/events", get(repo_events))
        .route("/issues/events/{id}", get(event));
    On::ALL.into_iter().fold(events, |router, on| {
        router
            .route(
                &format!("{}/reactions", on.route()),
                get(move |scope: Scope<String>, query: Query| list(scope, on, query)).post(
                    move |scope: Scope<String>, viewer: Viewer, body: Body| {
                        react(scope, viewer, on, body)
                    },
                ),
            )
            .route(
                &format!("{}/reactions/{{reaction}}", on.route()),
                delete(move |scope: Scope<(String, String)>, viewer: Viewer| {
                    unreact(scope, viewer, on)
                }),
            )
    })
}

async fn list(scope: Scope<String>, on: On, query: Query) -> ApiResult {
    let content = query.get("content").map(str::to_owned);
    if content.as_deref().is_some_and(|c| !CONTENTS.contains(&c)) {
        return Err(ApiError::validation("Reaction", "content", "invalid"));
    }
    let key = &scope.path;
    let (client, repo) = scope.open().await?;
    let id = on.resolve(&client, &repo, key).await?;
    req::list(
        &client,
        &scope.page(&repo, &on.tail(key), &query),
        &Listing {
            from: "reactions r",
            alias: "r",
            filter: "r.subject = $1 AND r.subject_id = $2 AND ($3::text IS NULL OR r.content = $3)",
            item: "json_build_object('id', r.id, 'node_id', gh_node('REA', r.id),
                   'user', gh_user_id(r.user_id, $4), 'content', r.content, 'created_at', gh_ts(r.created_at))",
            order: "r.id",
        },
        &[&on.subject(), &id, &content, &scope.base()],
    )
    .await
}

async fn react(scope: Scope<String>, viewer: Viewer, on: On, body: Body) -> ApiResult {
    let content = body
        .one_of("content", &CONTENTS, "Reaction")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"content\" wasn't supplied."))?;
    let (client, repo) = scope.open().await?;
    let id = on.resolve(&client, &repo, &scope.path).await?;
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
            &[&on.subject(), &id, &viewer.user_id, &content, &scope.base()],
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

/// Deletes the caller's reaction `reaction` on what `key` names: 204, 404 when there is no
/// such reaction of theirs there.
async fn unreact(scope: Scope<(String, String)>, viewer: Viewer, on: On) -> ApiResult {
    let (key, reaction) = &scope.path;
    let reaction: i64 = db::id(reaction)?;
    let (client, repo) = scope.open().await?;
    let id = on.resolve(&client, &repo, key).await?;
    const SQL: &str =
        "DELETE FROM reactions WHERE id = $1 AND subject = $2 AND subject_id = $3 AND user_id = $4";
    match db::execute(
        &client,
        SQL,
        &[&reaction, &on.subject(), &id, &viewer.user_id],
    )
    .await?
    {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// An event's JSON (`e` an `issue_events` row, `$2` the clone's base, `$3` the repository's
/// API URL), as a literal for `concat!`.
macro_rules! event_json {
    () => {
        "json_build_object('id', e.id, 'node_id', gh_node('E', e.id),
           'url', $3 || '/issues/events/' || e.id, 'actor', gh_user_id(e.actor_id, $2),
           'event', e.event, 'commit_id', e.detail->>'commit_id',
           'commit_url', $3 || '/commits/' || (e.detail->>'commit_id'),
           'created_at', gh_ts(e.created_at), 'performed_via_github_app', NULL)::jsonb
       || CASE
            WHEN e.detail->>'label' IS NOT NULL THEN jsonb_build_object('label', jsonb_build_object(
                'name', e.detail->>'label',
                'color', coalesce((SELECT color FROM labels l JOIN issues i ON i.repo_id = l.repo_id
                                   WHERE i.id = e.issue_id AND lower(l.name) = lower(e.detail->>'label')), 'ededed')))
            WHEN e.detail->>'assignee' IS NOT NULL THEN jsonb_build_object(
                'assignee', gh_user_id((e.detail->>'assignee')::bigint, $2),
                'assigner', gh_user_id(e.actor_id, $2))
            WHEN e.detail->'rename' IS NOT NULL THEN jsonb_build_object('rename', e.detail->'rename')
            ELSE '{}'::jsonb END"
    };
}

/// An event's JSON, as an issue's events show it.
const EVENT: &str = event_json!();

/// An event's JSON with its `issue`, as the repository's events show it.
const EVENT_WITH_ISSUE: &str = concat!(
    "(",
    event_json!(),
    ") || jsonb_build_object('issue', (SELECT coalesce(i.rendered::json, gh_issue(i, $2)) FROM issues i WHERE i.id = e.issue_id))"
);

/// `GET /repos/{owner}/{repo}/issues/{number}/events`.
async fn events(scope: Scope<String>, query: Query) -> ApiResult {
    let listing = Listing {
        from: "issue_events e",
        alias: "e",
        filter: "e.issue_id = $1",
        item: EVENT,
        order: "e.id",
    };
    of_issue(&scope, &query, "events", &listing).await
}

/// The list `/issues/{number}/{kind}` of an issue: `listing` of issue `$1`, rendered with the
/// clone's base URL (`$2`) and the repository's API URL (`$3`).
async fn of_issue(
    scope: &Scope<String>,
    query: &Query,
    kind: &str,
    listing: &Listing<'_>,
) -> ApiResult {
    let number = &scope.path;
    let (client, repo, base, ru) = open(scope).await?;
    let issue = Issue::find(&client, &repo, number).await?;
    let page = scope.page(&repo, &format!("issues/{number}/{kind}"), query);
    req::list(&client, &page, listing, &[&issue.id, &base, &ru]).await
}

/// What an issue's timeline holds (`t`: `at`, `kind`, `id`): its events (0), comments (1)
/// and submitted reviews (2) of issue `$1`, in the order they happened.
const TIMELINE: &str = "(SELECT e.created_at AS at, 0 AS kind, e.id FROM issue_events e WHERE e.issue_id = $1
                         UNION ALL SELECT c.created_at, 1, c.id FROM comments c WHERE c.issue_id = $1
                         UNION ALL SELECT v.submitted_at, 2, v.id FROM reviews v
                                   WHERE v.issue_id = $1 AND v.state <> 'PENDING') t";

/// A timeline entry's JSON: an event as the events list shows it; a comment with `event`
/// `commented` and its author as `actor`; a review with `event` `reviewed` and its state in
/// lower case, as GitHub's timeline answers them.
const TIMELINE_ITEM: &str = concat!(
    "CASE t.kind WHEN 0 THEN (SELECT ",
    event_json!(),
    " FROM issue_events e WHERE e.id = t.id)
     WHEN 1 THEN (SELECT gh_comment(c, $2)::jsonb
                         || jsonb_build_object('event', 'commented', 'actor', gh_user_id(c.user_id, $2))
                  FROM comments c WHERE c.id = t.id)
     ELSE (SELECT gh_review(v, $2)::jsonb || jsonb_build_object('event', 'reviewed', 'state', lower(v.state))
           FROM reviews v WHERE v.id = t.id) END"
);

/// `GET /repos/{owner}/{repo}/issues/{number}/timeline`.
async fn timeline(scope: Scope<String>, query: Query) -> ApiResult {
    let listing = Listing {
        from: TIMELINE,
        alias: "t",
        filter: "true",
        item: TIMELINE_ITEM,
        order: "t.at, t.kind, t.id",
    };
    of_issue(&scope, &query, "timeline", &listing).await
}

/// The repository of an events route: a client, the repository, the clone's base URL and the
/// repository's API URL (what the events render with).
async fn open<P>(scope: &Scope<P>) -> ApiResult<(Object, Repo, &str, String)> {
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let ru = repo.url(base);
    Ok((client, repo, base, ru))
}

/// Events of `repo`'s issues (`$1`).
const IN_REPO: &str = "EXISTS (SELECT 1 FROM issues i WHERE i.id = e.issue_id AND i.repo_id = $1)";

/// `GET /repos/{owner}/{repo}/issues/events`: every issue's events, newest first, each
/// with its `issue`.
async fn repo_events(scope: Scope, query: Query) -> ApiResult {
    let (client, repo, base, ru) = open(&scope).await?;
    req::list(
        &client,
        &scope.page(&repo, "issues/events", &query),
        &Listing {
            from: "issue_events e",
            alias: "e",
            filter: IN_REPO,
            item: EVENT_WITH_ISSUE,
            order: "e.id DESC",
        },
        &[&repo.id, &base, &ru],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/issues/events/{id}`.
async fn event(scope: Scope<String>) -> ApiResult {
    let (client, repo, base, ru) = open(&scope).await?;
    let id: i64 = db::id(&scope.path)?;
    let sql = format!(
        "SELECT ({EVENT_WITH_ISSUE})::text FROM issue_events e WHERE e.id = $4 AND {IN_REPO}"
    );
    let row = db::found(&client, &sql, &[&repo.id, &base, &ru, &id]).await?;
    Ok(req::ok(row.get(0)))
}
