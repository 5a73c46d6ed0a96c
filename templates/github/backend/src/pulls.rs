//! Pull requests: create from branches (`head` may be `owner:branch`), list (`state`,
//! `head`, `base`, `sort`), get (with `mergeable`, `mergeable_state`, counts), update,
//! files, commits; what a push to a branch does to them (`ref_moved`: heads followed, pull
//! requests whose head reached their base marked merged). Merging lives in `merges`.

use std::collections::HashSet;

use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::tokio_postgres::Row;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::git::Commit;
use crate::issues::{self, Issue, Numbered};
use crate::objects;
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, db};
use crate::{commits, hooks};

/// A pull request as a write resolved it.
#[derive(Debug, Clone)]
pub(crate) struct Pull {
    /// The issue it is (id, author, state).
    pub(crate) issue: Issue,
    /// Its number.
    pub(crate) number: i32,
    /// Head branch.
    pub(crate) head_ref: String,
    /// The login owning the head's repository (this one, or a fork of its network).
    pub(crate) head_owner: String,
    /// Base branch.
    pub(crate) base_ref: String,
    /// Head commit now.
    pub(crate) head_sha: String,
    /// Base commit now.
    pub(crate) base_sha: String,
    /// Whether it was merged.
    pub(crate) merged: bool,
    /// Whether it is a draft.
    pub(crate) draft: bool,
}

impl Numbered for Pull {
    const SQL: &'static str = "SELECT i.id, i.user_id, i.state, i.locked, i.is_pull, i.number, p.head_ref, p.base_ref,
                    coalesce((SELECT sha FROM git_refs WHERE i.state = 'open' AND repo_id = gh_pull_head_repo(p, i.repo_id) AND ref = 'refs/heads/' || p.head_ref), p.head_sha),
                    coalesce((SELECT sha FROM git_refs WHERE i.state = 'open' AND repo_id = i.repo_id AND ref = 'refs/heads/' || p.base_ref), p.base_sha),
                    p.merged_at IS NOT NULL, p.draft, u.login
             FROM issues i JOIN pulls p ON p.issue_id = i.id
                  JOIN repos b ON b.id = i.repo_id JOIN users u ON u.id = coalesce(p.head_user_id, b.owner_id)
             WHERE i.number = $1 AND i.repo_id = $2";

    /// The pull request's issue in the first five columns of `row`, then its own.
    fn from_row(row: &Row) -> Self {
        Self {
            issue: Issue::from_row(row),
            number: row.get(5),
            head_ref: row.get(6),
            base_ref: row.get(7),
            head_sha: row.get(8),
            base_sha: row.get(9),
            merged: row.get(10),
            draft: row.get(11),
            head_owner: row.get(12),
        }
    }
}

impl Scope<String> {
    /// A pool connection, the repository and the pull request the path's number names (404
    /// when there is none): what every `/pulls/{number}/…` read starts from.
    pub(crate) async fn pull(&self) -> ApiResult<(Object, Repo, Pull)> {
        let (client, repo) = self.open().await?;
        let pull = Pull::find(&client, &repo, &self.path).await?;
        Ok((client, repo, pull))
    }
}

/// Which of GitHub's two pull request shapes an answer takes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// `pull-request`: merge state and counts (get, create, update, webhooks).
    Full,
    /// `pull-request-simple`: lists and reviewer requests.
    Simple,
}

/// The pull request's JSON in `shape`.
pub(crate) async fn render(
    client: &impl GenericClient,
    base: &str,
    id: i64,
    shape: Shape,
) -> ApiResult<String> {
    let renderer = match shape {
        Shape::Full => "gh_pull",
        Shape::Simple => "gh_pull_simple",
    };
    let sql = format!(
        "SELECT {renderer}(i, p, $2)::text FROM issues i JOIN pulls p ON p.issue_id = i.id WHERE i.id = $1"
    );
    Ok(db::value(client, &sql, &[&id, &base]).await?)
}

/// Takes `user` off the requested reviewers of the pull request with issue id `issue`, as
/// the review they submit answers the request.
pub(crate) async fn reviewed(client: &impl GenericClient, issue: i64, user: i64) -> ApiResult<()> {
    const SQL: &str =
        "UPDATE pulls SET requested_reviewer_ids = array_remove(requested_reviewer_ids, $2)
                       WHERE issue_id = $1 AND $2 = ANY(requested_reviewer_ids)";
    db::execute(client, SQL, &[&issue, &user]).await?;
    Ok(())
}

/// Announces `action` on a pull request to the repository's hooks.
pub(crate) async fn announce(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    pull: &Pull,
    action: &str,
    sender: i64,
) -> ApiResult<bool> {
    deliver(client, base, repo, pull, (action, &[]), sender).await
}

/// Delivers `action` on a pull request with the payload's `extra` keys (`before`, `after`,
/// `changes`), and the pull request as `GET …/pulls/{n}` answers it (its counts and merge
/// state included, as GitHub's payloads carry them), rendered only when a hook hears it.
pub(crate) async fn deliver(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    pull: &Pull,
    (action, extra): (&str, &[(&str, Value)]),
    sender: i64,
) -> ApiResult<bool> {
    if !hooks::listening(client, repo.id, "pull_request").await? {
        return Ok(false);
    }
    let number = pull.number.to_string();
    let mut payload = hooks::payload(action, [("number", &number)]);
    for (key, value) in extra {
        payload.insert((*key).into(), value.clone());
    }
    payload.insert(
        "pull_request".into(),
        detail(client, base, repo, pull).await?,
    );
    hooks::emit(client, base, repo.id, "pull_request", sender, payload).await
}

/// Follows a push of branch `name` of repository `repo`: each open pull request whose head it
/// is (in this repository, or in the base repository of a pull request from this fork) gets
/// the branch's objects and a `synchronize` event (with the branch's `before` and `after`
/// shas) on its base repository's hooks.
async fn follow_push(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    (name, before, after): (&str, &str, &str),
    sender: i64,
) -> ApiResult<bool> {
    const TOUCH: &str = "WITH p AS (UPDATE pulls SET head_sha = $2 WHERE issue_id = $1)
                         UPDATE issues SET updated_at = now() WHERE id = $1";
    let mut woke = false;
    for (target, pull) in headed_by(client, repo, name).await? {
        if target.id != repo {
            objects::share(client, repo, target.id).await?;
        }
        db::execute(client, TOUCH, &[&pull.issue.id, &after]).await?;
        let moved = [("before", json!(before)), ("after", json!(after))];
        woke |= deliver(
            client,
            base,
            &target,
            &pull,
            ("synchronize", &moved),
            sender,
        )
        .await?;
    }
    Ok(woke)
}

/// The open pull requests whose head is branch `name` (`refs/heads/…`) of repository `repo`,
/// in this repository or in the base repository of a pull request from this fork, each with
/// its base repository (seen with `read` permission).
async fn headed_by(
    client: &impl GenericClient,
    repo: i64,
    name: &str,
) -> ApiResult<Vec<(Repo, Pull)>> {
    const HEADED: &str = "SELECT i.number::text, r.id, r.full_name, r.default_branch, r.archived
                          FROM issues i JOIN pulls p ON p.issue_id = i.id JOIN repos r ON r.id = i.repo_id
                          WHERE i.state = 'open' AND gh_pull_head_repo(p, i.repo_id) = $1
                            AND 'refs/heads/' || p.head_ref = $2
                          ORDER BY i.id";
    let mut pulls = Vec::new();
    for row in client.query(HEADED, &[&repo, &name]).await? {
        let target = Repo {
            id: row.get(1),
            full_name: row.get(2),
            default_branch: row.get(3),
            archived: row.get(4),
            permission: "read".into(),
        };
        let pull = Pull::find(client, &target, &row.get::<_, String>(0)).await?;
        pulls.push((target, pull));
    }
    Ok(pulls)
}

/// Closes the open pull requests whose head is branch `name` of repository `repo` (a branch
/// renamed: GitHub closes them), each with its `closed` event and `pull_request` `closed` to
/// its base repository's hooks. Whether a delivery was queued.
pub(crate) async fn close_headed(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    name: &str,
    sender: i64,
) -> ApiResult<bool> {
    const CLOSE: &str = "UPDATE issues SET state = 'closed', closed_at = now(), closed_by_id = $2,
                             updated_at = now() WHERE id = $1";
    let mut woke = false;
    for (target, pull) in headed_by(client, repo, name).await? {
        let id = pull.issue.id;
        db::execute(client, CLOSE, &[&id, &sender]).await?;
        issues::keep_commits(client, id).await?;
        issues::record(client, id, sender, "closed", None).await?;
        let closed = Pull::find(client, &target, &pull.number.to_string()).await?;
        woke |= announce(client, base, &target, &closed, "closed", sender).await?;
    }
    Ok(woke)
}

/// `name` of `repo` moved from `before` (none when created) to `after`: the open pull requests
/// that take their head from it follow it (`synchronize`), then the repository's hooks hear
/// the `push` ([`commits::announce_push`]). Whether a delivery was queued.
pub(crate) async fn ref_moved(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    name: &str,
    (before, after): (Option<&str>, &str),
    sender: i64,
) -> ApiResult<bool> {
    let followed = match before {
        Some(before) if after != commits::ZERO => {
            follow_push(client, base, repo.id, (name, before, after), sender).await?
        }
        _ => false,
    };
    let pushed = commits::announce_push(client, base, repo, name, before, after, sender).await?;
    let landed = match after {
        commits::ZERO => false,
        after => land(client, base, repo, (name, before, after), sender).await?,
    };
    Ok(pushed || followed || landed)
}

/// Marks the pull request merged into `sha` by `user`: closed, `merged_at`, `merged_by`,
/// `merge_commit_sha`, its head and base kept as they were, and the `merged` then `closed`
/// events GitHub's merged pull request shows, each naming `sha`.
pub(crate) async fn close_merged(
    client: &impl GenericClient,
    pull: &Pull,
    sha: &str,
    user: i64,
) -> ApiResult<()> {
    const PULL: &str =
        "UPDATE pulls SET merged_at = now(), merged_by_id = $2, merge_commit_sha = $3,
                            head_sha = $4, base_sha = $5 WHERE issue_id = $1";
    const ISSUE: &str = "UPDATE issues SET state = 'closed', closed_at = now(), closed_by_id = $2,
                             updated_at = now() WHERE id = $1";
    let id = pull.issue.id;
    db::execute(
        client,
        PULL,
        &[&id, &user, &sha, &pull.head_sha, &pull.base_sha],
    )
    .await?;
    db::execute(client, ISSUE, &[&id, &user]).await?;
    for event in ["merged", "closed"] {
        let commit = json!({ "commit_id": sha });
        issues::record(client, id, user, event, Some(commit)).await?;
    }
    Ok(())
}

/// Branch `name` of `repo` moved from `before` to `after`: each open pull request into that
/// branch whose head `after` now contains (and `before` did not) is merged, as GitHub marks a
/// pull request whose commits reach its base by a push or `POST …/merges`, with `after` as
/// its `merge_commit_sha`, and its hooks hear `closed`. Whether a delivery was queued.
async fn land(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    (name, before, after): (&str, Option<&str>, &str),
    sender: i64,
) -> ApiResult<bool> {
    const INTO: &str = "SELECT i.number::text FROM issues i JOIN pulls p ON p.issue_id = i.id
                        WHERE i.repo_id = $1 AND i.state = 'open' AND 'refs/heads/' || p.base_ref = $2
                        ORDER BY i.number";
    let mut woke = false;
    for row in client.query(INTO, &[&repo.id, &name]).await? {
        let number: String = row.get(0);
        let pull = Pull::find(client, repo, &number).await?;
        let head = pull.head_sha.as_str();
        let reached = head == after || objects::is_ancestor(client, repo.id, head, after).await?;
        let already = match before {
            Some(before) => {
                head == before || objects::is_ancestor(client, repo.id, head, before).await?
            }
            None => false,
        };
        if !reached || already {
            continue;
        }
        // The base it was merged into is the branch as it was before the push.
        let base_sha = before.map_or_else(|| pull.base_sha.clone(), str::to_owned);
        close_merged(client, &Pull { base_sha, ..pull }, after, sender).await?;
        let merged = Pull::find(client, repo, &number).await?;
        woke |= announce(client, base, repo, &merged, "closed", sender).await?;
    }
    Ok(woke)
}

/// Whether `user` may push to `branch` of the fork `repo` as a maintainer: an open pull request
/// takes its head from that branch, allows maintainer edits, and `user` can write to its base
/// repository.
pub(crate) async fn maintainer_may_push(
    client: &impl GenericClient,
    repo: i64,
    branch: &str,
    user: i64,
) -> ApiResult<bool> {
    const SQL: &str = "SELECT EXISTS (SELECT 1 FROM issues i JOIN pulls p ON p.issue_id = i.id
                       WHERE i.state = 'open' AND p.maintainer_can_modify AND p.head_user_id IS NOT NULL
                         AND p.head_repo_id = $1 AND p.head_ref = $2
                         AND gh_permission(i.repo_id, $3) IN ('admin', 'maintain', 'write'))";
    Ok(db::value(client, SQL, &[&repo, &branch, &user]).await?)
}

/// Whether the head merges cleanly into the base: `Some(tree)` of the merge, or `None`.
pub(crate) async fn merged_tree(
    client: &impl GenericClient,
    repo: &Repo,
    pull: &Pull,
) -> ApiResult<Option<String>> {
    if objects::is_ancestor(client, repo.id, &pull.base_sha, &pull.head_sha).await? {
        return Ok(objects::commit(client, repo.id, &pull.head_sha)
            .await?
            .map(|c| c.tree));
    }
    Ok(objects::merge_trees(client, repo.id, &pull.base_sha, &pull.head_sha).await?)
}

/// Commits on the head not on the base, oldest first.
pub(crate) async fn commits_of(
    client: &impl GenericClient,
    repo: &Repo,
    pull: &Pull,
) -> ApiResult<Vec<(String, Commit)>> {
    let base: HashSet<String> = objects::history(client, repo.id, &pull.base_sha, 5000)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let mut mine: Vec<_> = objects::history(client, repo.id, &pull.head_sha, 5000)
        .await?
        .into_iter()
        .filter(|(s, _)| !base.contains(s))
        .collect();
    mine.reverse();
    Ok(mine)
}

async fn changes(
    client: &impl GenericClient,
    repo: &Repo,
    pull: &Pull,
) -> ApiResult<Vec<objects::Change>> {
    let merge_base = objects::merge_base(client, repo.id, &pull.base_sha, &pull.head_sha)
        .await?
        .unwrap_or_else(|| pull.base_sha.clone());
    let tree = |sha: String| async move {
        Ok::<_, ApiError>(
            objects::commit(client, repo.id, &sha)
                .await?
                .map(|c| c.tree)
                .unwrap_or_default(),
        )
    };
    Ok(objects::diff(
        client,
        repo.id,
        &tree(merge_base).await?,
        &tree(pull.head_sha.clone()).await?,
    )
    .await?)
}

/// Where a pull request's head branch lives.
struct Head {
    /// The repository: the base one, or a fork in its network.
    repo: i64,
    /// The login owning it.
    owner: String,
    /// The branch.
    branch: String,
}

/// The head `head` names (`branch` or `owner:branch`, with `head_repo` `owner/name` naming the
/// repository when given): a branch of `repo` itself, or of the fork `owner` has in `repo`'s
/// network. Anything else is 422 `head invalid`, as GitHub answers an unknown head.
async fn head_of(
    client: &impl GenericClient,
    repo: &Repo,
    head: &str,
    head_repo: Option<&str>,
) -> ApiResult<Head> {
    const SQL: &str = "SELECT h.id, u.login FROM repos b, repos h JOIN users u ON u.id = h.owner_id
                       WHERE b.id = $1 AND coalesce(h.source_id, h.id) = coalesce(b.source_id, b.id)
                         AND ($2::text IS NULL OR lower(u.login) = lower($2))
                         AND ($3::text IS NULL OR lower(h.full_name) = lower($3))
                         AND ($2 IS NOT NULL OR $3 IS NOT NULL OR h.id = b.id)
                       ORDER BY h.id = b.id DESC, h.id LIMIT 1";
    let (owner, branch) = match head.split_once(':') {
        Some((owner, branch)) => (Some(owner), branch),
        None => (None, head),
    };
    let row = client
        .query_opt(SQL, &[&repo.id, &owner, &head_repo])
        .await?
        .ok_or_else(|| ApiError::validation("PullRequest", "head", "invalid"))?;
    Ok(Head {
        repo: row.get(0),
        owner: row.get(1),
        branch: branch.to_owned(),
    })
}

/// `POST /repos/{owner}/{repo}/pulls`.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let title = body.required("title", "PullRequest")?.to_owned();
    let head = body.required("head", "PullRequest")?.to_owned();
    let base_ref = body.required("base", "PullRequest")?.to_owned();
    let draft = body.bool("draft")?.unwrap_or(false);
    let modify = body.bool("maintainer_can_modify")?.unwrap_or(true);
    let (mut client, repo) = scope.open().await?;
    let tx = client.transaction().await?;
    let head = head_of(&tx, &repo, &head, body.str("head_repo")?).await?;
    let invalid = |field: &str| ApiError::validation("PullRequest", field, "invalid");
    let head_sha = objects::ref_sha(&tx, head.repo, &format!("refs/heads/{}", head.branch))
        .await?
        .ok_or_else(|| invalid("head"))?;
    let base_sha = objects::ref_sha(&tx, repo.id, &format!("refs/heads/{base_ref}"))
        .await?
        .ok_or_else(|| invalid("base"))?;
    if head.repo != repo.id {
        objects::share(&tx, head.repo, repo.id).await?;
    }
    let head_ref = head.branch;
    if objects::is_ancestor(&tx, repo.id, &head_sha, &base_sha).await? {
        return Err(ApiError::custom(
            "PullRequest",
            "head",
            &format!("No commits between {base_ref} and {head_ref}"),
        ));
    }
    let base = scope.base();
    let existing = tx
        .query_opt(
            "SELECT 1 FROM issues i JOIN pulls p ON p.issue_id = i.id
             WHERE i.repo_id = $1 AND i.state = 'open' AND p.head_ref = $2 AND p.base_ref = $3
               AND gh_pull_head_repo(p, i.repo_id) = $4",
            &[&repo.id, &head_ref, &base_ref, &head.repo],
        )
        .await?;
    if existing.is_some() {
        return Err(ApiError::custom(
            "PullRequest",
            "head",
            &format!(
                "A pull request already exists for {}:{head_ref}.",
                head.owner
            ),
        ));
    }
    let head_repo = (head.repo != repo.id).then_some(head.repo);
    let id: i64 = tx
        .query_one(
            "WITH n AS (UPDATE repos SET next_number = greatest(next_number,
                                (SELECT coalesce(max(number), 0) + 1 FROM issues WHERE repo_id = $1)) + 1
                        WHERE id = $1 RETURNING next_number - 1 AS number),
                  i AS (INSERT INTO issues (repo_id, number, title, body, user_id, is_pull)
                        SELECT $1, n.number, $2, $3, $4, true FROM n RETURNING id)
             INSERT INTO pulls (issue_id, head_ref, head_sha, base_ref, base_sha, draft, maintainer_can_modify, head_repo_id, head_user_id)
             SELECT i.id, $5, $6, $7, $8, $9, $10, $11, (SELECT owner_id FROM repos WHERE id = $11) FROM i RETURNING issue_id",
            &[&repo.id, &title, &body.str("body")?, &viewer.user_id, &head_ref, &head_sha, &base_ref, &base_sha, &draft, &modify, &head_repo],
        )
        .await?
        .get(0);
    let number: i32 = tx
        .query_one("SELECT number FROM issues WHERE id = $1", &[&id])
        .await?
        .get(0);
    let pull = Pull::find(&tx, &repo, &number.to_string()).await?;
    let woke = announce(&tx, base, &repo, &pull, "opened", viewer.user_id).await?;
    let text = detail(&tx, base, &repo, &pull).await?;
    scope.commit(tx, woke).await?;
    Ok((StatusCode::CREATED, axum::Json(text)).into_response())
}

/// The single-pull-request shape: with `mergeable`, `mergeable_state` and the counts.
async fn detail(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    pull: &Pull,
) -> ApiResult<Value> {
    let mut value: Value =
        serde_json::from_str(&render(client, base, pull.issue.id, Shape::Full).await?)
            .unwrap_or(Value::Null);
    let (mergeable, state) = if pull.merged || pull.issue.state == "closed" {
        (Value::Null, "unknown")
    } else if merged_tree(client, repo, pull).await?.is_some() {
        let head = (pull.issue.id, pull.head_sha.as_str());
        let state = if pull.draft {
            "draft"
        } else {
            let held = branches::held_back(client, repo, &pull.base_ref, head).await?;
            held.unwrap_or("clean")
        };
        (json!(true), state)
    } else {
        (json!(false), "dirty")
    };
    let changed = changes(client, repo, pull).await?;
    let files = commits::files_json(client, base, repo, &pull.head_sha, &changed).await?;
    let sum = |key: &str| {
        files
            .iter()
            .map(|f| f[key].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    value["mergeable"] = mergeable;
    value["rebaseable"] = value["mergeable"].clone();
    value["mergeable_state"] = json!(state);
    value["commits"] = json!(commits_of(client, repo, pull).await?.len());
    value["additions"] = json!(sum("additions"));
    value["deletions"] = json!(sum("deletions"));
    value["changed_files"] = json!(files.len());
    Ok(value)
}

/// `GET /repos/{owner}/{repo}/pulls` (`state`, `head`, `base`, `sort`, `direction`).
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let state = query.state("PullRequest")?;
    let direction = query.direction("PullRequest", "DESC")?;
    let sort = match query.get("sort").unwrap_or("created") {
        "created" => "i.created_at",
        "updated" => "i.updated_at",
        "popularity" => "i.comments",
        "long-running" => "(i.updated_at - i.created_at)",
        _ => return Err(ApiError::validation("PullRequest", "sort", "invalid")),
    };
    let head = query.get("head").map(str::to_owned);
    let base_ref = query.get("base").map(str::to_owned);
    let (client, repo) = scope.open().await?;
    let filter = "i.repo_id = $1 AND ($2::text IS NULL OR i.state = $2)
                  AND ($3::text IS NULL OR p.head_ref = regexp_replace($3, '^[^:]*:', '')
                       AND (position(':' IN $3) = 0
                            OR (SELECT lower(u.login) FROM repos b JOIN users u ON u.id = coalesce(p.head_user_id, b.owner_id)
                                WHERE b.id = i.repo_id) = lower(split_part($3, ':', 1))))
                  AND ($4::text IS NULL OR p.base_ref = $4)";
    let order = format!("{sort} {direction}, i.id {direction}");
    req::list_sql(
        &client,
        &scope.page(&repo, "pulls", &query),
        &format!(
                "SELECT (SELECT count(*) FROM issues i JOIN pulls p ON p.issue_id = i.id WHERE {filter}),
                        (SELECT coalesce(json_agg(gh_pull_simple(i, p, $5) ORDER BY {order}), '[]')::text
                         FROM (SELECT i.* FROM issues i JOIN pulls p ON p.issue_id = i.id WHERE {filter}
                               ORDER BY {order} LIMIT $6 OFFSET $7) i JOIN pulls p ON p.issue_id = i.id)"
            ),
        &[&repo.id, &state, &head, &base_ref, &scope.base()],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/pulls/{number}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo, pull) = scope.pull().await?;
    Ok(axum::Json(detail(&client, scope.base(), &repo, &pull).await?).into_response())
}

/// `PATCH /repos/{owner}/{repo}/pulls/{number}` (`title`, `body`, `state`, `base`).
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let number = &scope.path;
    let state = body.one_of("state", &["open", "closed"], "PullRequest")?;
    let new_base = body.str("base")?.map(str::to_owned);
    let (mut client, repo) = scope.open().await?;
    let pull = Pull::find(&client, &repo, number).await?;
    if pull.issue.user_id != viewer.user_id && !repo.can(Access::Write) {
        return Err(ApiError::forbidden(
            "Must have push access to edit this pull request.",
        ));
    }
    if pull.merged && state.as_deref() == Some("open") {
        return Err(ApiError::custom(
            "PullRequest",
            "state",
            "state cannot be changed. The pull request has been merged.",
        ));
    }
    if let Some(b) = &new_base
        && objects::ref_sha(&client, repo.id, &format!("refs/heads/{b}"))
            .await?
            .is_none()
    {
        return Err(ApiError::validation("PullRequest", "base", "invalid"));
    }
    let closing = state.as_deref() == Some("closed") && pull.issue.state == "open";
    let reopening = state.as_deref() == Some("open") && pull.issue.state == "closed";
    let base = scope.base();
    let title = body.str("title")?;
    let text = match body.has("body") {
        true => Some(body.str("body")?),
        false => None,
    };
    let tx = client.transaction().await?;
    let mut changes = issues::edit(&tx, pull.issue.id, viewer.user_id, title, text).await?;
    if new_base.as_ref().is_some_and(|b| *b != pull.base_ref) {
        let from = json!({ "ref": { "from": pull.base_ref }, "sha": { "from": pull.base_sha } });
        changes.insert("base".into(), from);
    }
    tx.execute(
        "UPDATE issues SET title = coalesce($2, title), body = CASE WHEN $3 THEN $4 ELSE body END,
             state = coalesce($5, state),
             closed_at = CASE WHEN $6 THEN now() WHEN $7 THEN NULL ELSE closed_at END,
             closed_by_id = CASE WHEN $6 THEN $8 WHEN $7 THEN NULL ELSE closed_by_id END, updated_at = now()
         WHERE id = $1",
        &[&pull.issue.id, &title, &text.is_some(), &text.flatten(), &state, &closing, &reopening, &viewer.user_id],
    )
    .await?;
    tx.execute(
        "UPDATE pulls SET base_ref = coalesce($2, base_ref), maintainer_can_modify = coalesce($3, maintainer_can_modify)
         WHERE issue_id = $1",
        &[&pull.issue.id, &new_base, &body.bool("maintainer_can_modify")?],
    )
    .await?;
    if closing {
        issues::keep_commits(&tx, pull.issue.id).await?;
    }
    let action = issues::state_change(closing, reopening);
    if let Some(action) = action {
        issues::record(&tx, pull.issue.id, viewer.user_id, action, None).await?;
    }
    let pull = Pull::find(&tx, &repo, number).await?;
    let mut woke = false;
    if !changes.is_empty() {
        let edited = ("edited", &[("changes", Value::Object(changes))][..]);
        woke |= deliver(&tx, base, &repo, &pull, edited, viewer.user_id).await?;
    }
    if let Some(action) = action {
        woke |= announce(&tx, base, &repo, &pull, action, viewer.user_id).await?;
    }
    let text = detail(&tx, base, &repo, &pull).await?;
    scope.commit(tx, woke).await?;
    Ok(axum::Json(text).into_response())
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/merge`: 204 when merged, else 404.
pub(crate) async fn is_merged(scope: Scope<String>) -> ApiResult {
    let (_, _, pull) = scope.pull().await?;
    match pull.merged {
        true => Ok(req::no_content()),
        false => Err(ApiError::not_found()),
    }
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/files`.
pub(crate) async fn files(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo, pull) = scope.pull().await?;
    let (total, page) = query.slice(changes(&client, &repo, &pull).await?);
    let items = commits::files_json(&client, scope.base(), &repo, &pull.head_sha, &page).await?;
    Ok(paged(
        &scope,
        &repo,
        "files",
        &query,
        total,
        Value::Array(items),
    ))
}

/// `GET /repos/{owner}/{repo}/pulls/{number}/commits`, oldest first.
pub(crate) async fn commits(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo, pull) = scope.pull().await?;
    let (total, page) = query.slice(commits_of(&client, &repo, &pull).await?);
    let items = commits::render_list(&client, scope.base(), &repo, &page).await?;
    Ok(paged(&scope, &repo, "commits", &query, total, items))
}

/// A page of the pull request's `list` (`files`, `commits`) of `total` items, with its `Link`
/// header.
fn paged(
    scope: &Scope<String>,
    repo: &Repo,
    list: &str,
    query: &Query,
    total: i64,
    items: Value,
) -> Response {
    let path = format!("{}/pulls/{}/{list}", repo.path(), scope.path);
    req::paged(scope.base(), &path, query, total, items.to_string())
}
