//! Reactions (on issues, issue comments, review comments, commit comments and releases: list, create,
//! delete), issue
//! events (`closed`, `reopened`, `labeled`, `assigned`, `locked`, `renamed`,
//! `review_dismissed`, …) of an issue and of a repository, and an issue's timeline (its
//! events, comments, reviews, a pull request's commits and the mentions of it elsewhere in
//! the repository).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::tokio_postgres::types::ToSql;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{delete, get};

use crate::error::{ApiError, ApiResult};
use crate::issues::{Issue, Numbered};
use crate::pulls::{self, Pull};
use crate::repos::Repo;
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{commits, db, releases, review_comments};

const CONTENTS: [&str; 8] = [
    "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
];

/// What a release takes: no `-1`, no `confused` (GitHub's enum for releases).
const RELEASE_CONTENTS: [&str; 6] = ["+1", "laugh", "heart", "hooray", "rocket", "eyes"];

/// What a reaction is on.
#[derive(Clone, Copy)]
enum On {
    /// An issue or a pull request, by number.
    Issue,
    /// An issue comment, by id.
    Comment,
    /// A pull-request review comment, by id.
    ReviewComment,
    /// A commit comment, by id.
    CommitComment,
    /// A release, by id.
    Release,
}

impl On {
    /// Every kind, each with the same three reaction routes.
    const ALL: [Self; 5] = [
        Self::Issue,
        Self::Comment,
        Self::ReviewComment,
        Self::CommitComment,
        Self::Release,
    ];

    /// What it is on, below the repository's path, its number or id the route's parameter.
    fn route(self) -> &'static str {
        match self {
            Self::Issue => "/issues/{number}",
            Self::Comment => "/issues/comments/{id}",
            Self::ReviewComment => "/pulls/comments/{id}",
            Self::CommitComment => "/comments/{id}",
            Self::Release => "/releases/{id}",
        }
    }

    /// The `reactions.subject` it is stored under.
    fn subject(self) -> &'static str {
        match self {
            Self::Issue => "issue",
            Self::Comment => "comment",
            Self::ReviewComment => "review_comment",
            Self::CommitComment => "commit_comment",
            Self::Release => "release",
        }
    }

    /// The reactions it takes.
    fn contents(self) -> &'static [&'static str] {
        match self {
            Self::Release => &RELEASE_CONTENTS,
            _ => &CONTENTS,
        }
    }

    /// Its reactions' path below the repository's (`key` its number or id).
    fn tail(self, key: &str) -> String {
        let within = match self {
            Self::Issue => "issues",
            Self::Comment => "issues/comments",
            Self::ReviewComment => "pulls/comments",
            Self::CommitComment => "comments",
            Self::Release => "releases",
        };
        format!("{within}/{key}/reactions")
    }

    /// Its id, resolved in `repo` (404 when it is not there, or is a comment of a pending
    /// review that is not the caller `viewer`'s).
    async fn resolve(
        self,
        client: &impl GenericClient,
        (repo, viewer): (&Repo, Option<i64>),
        key: &str,
    ) -> ApiResult<i64> {
        let sql = match self {
            Self::Issue => return Ok(Issue::find(client, repo, key).await?.id),
            Self::Release => return releases::by_id(client, repo, key).await,
            Self::Comment => "SELECT id FROM comments WHERE id = $1 AND repo_id = $2",
            Self::CommitComment => "SELECT id FROM commit_comments WHERE id = $1 AND repo_id = $2",
            Self::ReviewComment => {
                let sql = format!(
                    "SELECT c.id FROM review_comments c JOIN issues i ON i.id = c.issue_id
                     WHERE c.id = $1 AND i.repo_id = $2 AND {}",
                    review_comments::visible("$3")
                );
                let id: i64 = db::id(key)?;
                return Ok(db::found(client, &sql, &[&id, &repo.id, &viewer])
                    .await?
                    .get(0));
            }
        };
        Ok(db::keyed::<i64>(client, sql, key, repo.id).await?.get(0))
    }
}

/// The routes below `/repos/{owner}/{repo}`: issue events, and reactions, the same for issues
/// (and pull requests), issue comments, review comments and commit comments: `GET …/reactions` (`content`),
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
    if content
        .as_deref()
        .is_some_and(|c| !on.contents().contains(&c))
    {
        return Err(ApiError::validation("Reaction", "content", "invalid"));
    }
    let key = &scope.path;
    let (client, repo) = scope.open().await?;
    let id = on.resolve(&client, (&repo, scope.viewer_id()), key).await?;
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
        .one_of("content", on.contents(), "Reaction")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"content\" wasn't supplied."))?;
    let (client, repo) = scope.open().await?;
    let id = on
        .resolve(&client, (&repo, scope.viewer_id()), &scope.path)
        .await?;
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
    let id = on.resolve(&client, (&repo, scope.viewer_id()), key).await?;
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
            WHEN e.detail->>'requested_reviewer' IS NOT NULL THEN jsonb_build_object(
                'review_requester', gh_user_id(e.actor_id, $2),
                'requested_reviewer', gh_user_id((e.detail->>'requested_reviewer')::bigint, $2))
            WHEN e.detail->'milestone' IS NOT NULL THEN jsonb_build_object('milestone', e.detail->'milestone')
            WHEN e.detail->'dismissed_review' IS NOT NULL THEN
                jsonb_build_object('dismissed_review', e.detail->'dismissed_review')
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
    let (client, repo, issue, [base, ru]) = the_issue(&scope).await?;
    let page = scope.page(&repo, &format!("issues/{}/events", scope.path), &query);
    req::list(&client, &page, &listing, &[&issue.id, &base, &ru]).await
}

/// The issue an `/issues/{number}/…` route names, with a client, its repository, the clone's
/// base URL and the repository's API URL (what its lists render with).
async fn the_issue(scope: &Scope<String>) -> ApiResult<(Object, Repo, Issue, [String; 2])> {
    let (client, repo, base, ru) = open(scope).await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    Ok((client, repo, issue, [base.to_owned(), ru]))
}

/// A reference to issue `me` (its number `n`) in text `body`: `#n`, not inside a word, a
/// path or an HTML entity.
macro_rules! mentions {
    ($body:literal) => {
        concat!(
            $body,
            " ~ ('(^|[^[:alnum:]_/&#-])#' || me.number || '($|[^[:alnum:]_])')"
        )
    };
}

/// What an issue's timeline holds (`t`: `at`, `kind`, `id`, `who`): its events (0), comments
/// (1) and submitted reviews (2) of issue `$1`; a pull request's commits (3, `id` the
/// commit's place in `$4`, its time, and `$5`, its JSON); and the other issues and pull
/// requests of the repository whose body or a comment mentions it (4, `id` the one that
/// mentions, `who` who first did), in the order they happened.
const TIMELINE: &str = concat!(
    "(SELECT e.created_at AS at, 0 AS kind, e.id, NULL::bigint AS who FROM issue_events e WHERE e.issue_id = $1
      UNION ALL SELECT c.created_at, 1, c.id, NULL FROM comments c WHERE c.issue_id = $1
      UNION ALL SELECT v.submitted_at, 2, v.id, NULL FROM reviews v WHERE v.issue_id = $1 AND v.state <> 'PENDING'
      UNION ALL SELECT to_timestamp(x.at), 3, x.ord, NULL FROM unnest($4::float8[]) WITH ORDINALITY x(at, ord)
      UNION ALL (SELECT DISTINCT ON (m.source) m.at, 4, m.source, m.who FROM (
                   SELECT s.created_at AS at, s.id AS source, s.user_id AS who FROM issues s, issues me
                   WHERE me.id = $1 AND s.repo_id = me.repo_id AND s.id <> me.id AND ",
    mentions!("s.body"),
    "
                   UNION ALL SELECT c.created_at, c.issue_id, c.user_id FROM comments c, issues me
                   WHERE me.id = $1 AND c.repo_id = me.repo_id AND c.issue_id <> me.id AND ",
    mentions!("c.body"),
    ") m ORDER BY m.source, m.at)) t"
);

/// A timeline entry's JSON: an event as the events list shows it; a comment with `event`
/// `commented` and its author as `actor`; a review with `event` `reviewed` and its state in
/// lower case; a commit as git data shows it with `event` `committed`; a mention as
/// `cross-referenced` with its `source.issue` (and the issue's `repository`), as GitHub's
/// timeline answers them.
const TIMELINE_ITEM: &str = concat!(
    "CASE t.kind WHEN 0 THEN (SELECT ",
    event_json!(),
    " FROM issue_events e WHERE e.id = t.id)
     WHEN 1 THEN (SELECT gh_comment(c, $2)::jsonb
                         || jsonb_build_object('event', 'commented', 'actor', gh_user_id(c.user_id, $2))
                  FROM comments c WHERE c.id = t.id)
     WHEN 2 THEN (SELECT gh_review(v, $2)::jsonb || jsonb_build_object('event', 'reviewed', 'state', lower(v.state))
                  FROM reviews v WHERE v.id = t.id)
     WHEN 3 THEN ($5::text[])[t.id]::jsonb
     ELSE (SELECT jsonb_build_object('event', 'cross-referenced', 'actor', gh_user_id(t.who, $2),
                         'created_at', gh_ts(t.at), 'updated_at', gh_ts(t.at),
                         'source', jsonb_build_object('type', 'issue', 'issue', coalesce(s.rendered::jsonb, gh_issue(s, $2)::jsonb)
                             || jsonb_build_object('repository', gh_repo(r, $2, NULL))))
           FROM issues s JOIN repos r ON r.id = s.repo_id WHERE s.id = t.id) END"
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
    let (client, repo, issue, [base, ru]) = the_issue(&scope).await?;
    let (times, commits) = committed(&client, &base, &repo, &issue, &scope.path).await?;
    let page = scope.page(&repo, &format!("issues/{}/timeline", scope.path), &query);
    let params: [&(dyn ToSql + Sync); 5] = [&issue.id, &base, &ru, &times, &commits];
    req::list(&client, &page, &listing, &params).await
}

/// A pull request's commits (none for an issue) as its timeline shows them: each one's
/// committer time (Unix seconds) and its JSON (`event` `committed`).
async fn committed(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    issue: &Issue,
    number: &str,
) -> ApiResult<(Vec<f64>, Vec<String>)> {
    if !issue.is_pull {
        return Ok(Default::default());
    }
    let pull = Pull::find(client, repo, number).await?;
    let mut commits = pulls::commits_of(client, repo, &pull).await?;
    commits.sort_by_key(|(_, commit)| commit.committer.when);
    Ok(commits
        .iter()
        .map(|(sha, commit)| {
            let mut json = commits::git_json(base, repo, sha, commit);
            json["event"] = "committed".into();
            #[allow(
                clippy::cast_precision_loss,
                reason = "Unix seconds fit a double exactly"
            )]
            (commit.committer.when as f64, json.to_string())
        })
        .unzip())
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
