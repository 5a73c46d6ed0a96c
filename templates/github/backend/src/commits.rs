//! Commits as the REST API shows them: list (`sha`, `path`, `author`, `since`, `until`),
//! get (with `stats` and `files`), compare. They read the same objects the contents and git
//! data routes write.

use std::collections::{HashMap, HashSet};

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::git::Commit;
use crate::objects::{self, Change};
use crate::repos::Repo;
use crate::req::{self, Query};
use crate::scope::Scope;
use crate::{db, time};

/// Most commits a history walk reads.
const HISTORY_CAP: i64 = 5000;

/// Users by commit email, rendered.
async fn users_by_email(
    client: &impl GenericClient,
    base: &str,
    emails: Vec<String>,
) -> ApiResult<HashMap<String, Value>> {
    let statement = client
        .prepare_cached(
            "SELECT lower(email), gh_user(u, $2)::text FROM users u WHERE lower(email) = ANY($1)",
        )
        .await?;
    let emails: Vec<String> = emails.into_iter().map(|e| e.to_lowercase()).collect();
    let rows = client.query(&statement, &[&emails, &base]).await?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                row.get::<_, String>(0),
                serde_json::from_str(row.get(1)).unwrap_or(Value::Null),
            )
        })
        .collect())
}

/// How many commit comments each of `shas` has in repository `repo` (those with none left out).
async fn comment_counts(
    client: &impl GenericClient,
    repo: i64,
    shas: Vec<&str>,
) -> ApiResult<HashMap<String, i64>> {
    const SQL: &str = "SELECT commit_id, count(*) FROM commit_comments
                       WHERE repo_id = $1 AND commit_id = ANY($2) GROUP BY commit_id";
    let statement = client.prepare_cached(SQL).await?;
    let rows = client.query(&statement, &[&repo, &shas]).await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// The commit `rev` (a sha, branch or tag) names in `repo`: 422 `No commit found for SHA`
/// when none.
pub(crate) async fn commit_of(
    client: &impl GenericClient,
    repo: &Repo,
    rev: &str,
) -> ApiResult<String> {
    objects::resolve(client, repo.id, rev)
        .await?
        .ok_or_else(|| ApiError::invalid(format!("No commit found for SHA: {rev}")))
}

/// The git-data view of a commit (`GET /git/commits/{sha}` and inside REST commits).
pub(crate) fn git_json(base: &str, repo: &Repo, sha: &str, commit: &Commit) -> Value {
    let ru = repo.url(base);
    let person = |s: &crate::git::Signature| json!({ "name": s.name, "email": s.email, "date": time::iso(s.when) });
    json!({
        "sha": sha,
        "node_id": format!("C_kwDO{}", &sha[..16.min(sha.len())]),
        "url": format!("{ru}/git/commits/{sha}"),
        "html_url": format!("{base}/{}/commit/{sha}", repo.full_name),
        "author": person(&commit.author),
        "committer": person(&commit.committer),
        "tree": { "sha": commit.tree, "url": format!("{ru}/git/trees/{}", commit.tree) },
        "message": commit.message.trim_end_matches('\n'),
        "parents": commit.parents.iter().map(|p| json!({
            "sha": p, "url": format!("{ru}/git/commits/{p}"), "html_url": format!("{base}/{}/commit/{p}", repo.full_name)
        })).collect::<Vec<_>>(),
        "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null },
    })
}

/// REST commit objects for `commits`, in order.
async fn render_many(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    commits: &[(String, Commit)],
) -> ApiResult<Vec<Value>> {
    let emails: HashSet<String> = commits
        .iter()
        .flat_map(|(_, c)| [c.author.email.clone(), c.committer.email.clone()])
        .collect();
    let users = users_by_email(client, base, emails.into_iter().collect()).await?;
    let shas = commits.iter().map(|(sha, _)| sha.as_str()).collect();
    let comments = comment_counts(client, repo.id, shas).await?;
    let ru = repo.url(base);
    Ok(commits
        .iter()
        .map(|(sha, commit)| {
            let git = git_json(base, repo, sha, commit);
            let user = |email: &str| users.get(&email.to_lowercase()).cloned().unwrap_or(Value::Null);
            json!({
                "sha": sha,
                "node_id": git["node_id"],
                "commit": {
                    "author": git["author"],
                    "committer": git["committer"],
                    "message": git["message"],
                    "tree": git["tree"],
                    "url": git["url"],
                    "comment_count": comments.get(sha).copied().unwrap_or(0),
                    "verification": git["verification"],
                },
                "url": format!("{ru}/commits/{sha}"),
                "html_url": git["html_url"],
                "comments_url": format!("{ru}/commits/{sha}/comments"),
                "author": user(&commit.author.email),
                "committer": user(&commit.committer.email),
                "parents": commit.parents.iter().map(|p| json!({
                    "sha": p, "url": format!("{ru}/commits/{p}"), "html_url": format!("{base}/{}/commit/{p}", repo.full_name)
                })).collect::<Vec<_>>(),
            })
        })
        .collect())
}

/// One REST commit object.
pub(crate) async fn render(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    sha: &str,
) -> ApiResult<Value> {
    let commit = objects::commit(client, repo.id, sha)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut many = render_many(client, base, repo, &[(sha.to_owned(), commit)]).await?;
    Ok(many.pop().unwrap_or(Value::Null))
}

/// REST commit objects for many commits.
pub(crate) async fn render_list(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    commits: &[(String, Commit)],
) -> ApiResult<Value> {
    Ok(Value::Array(
        render_many(client, base, repo, commits).await?,
    ))
}

fn line_counts(before: &[u8], after: &[u8]) -> (usize, usize) {
    let count = |text: &[u8]| {
        let mut map: HashMap<Vec<u8>, usize> = HashMap::new();
        for line in text.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            *map.entry(line.to_vec()).or_default() += 1;
        }
        map
    };
    let (old, new) = (count(before), count(after));
    let surplus = |a: &HashMap<Vec<u8>, usize>, b: &HashMap<Vec<u8>, usize>| {
        a.iter()
            .map(|(line, n)| n.saturating_sub(*b.get(line).unwrap_or(&0)))
            .sum::<usize>()
    };
    (surplus(&new, &old), surplus(&old, &new))
}

/// The `files` entries for `changes` (with line counts).
pub(crate) async fn files_json(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    head: &str,
    changes: &[Change],
) -> ApiResult<Vec<Value>> {
    let ru = repo.url(base);
    let mut out = Vec::new();
    for change in changes {
        let read = |sha: &Option<String>| {
            let sha = sha.clone();
            async move {
                match sha {
                    Some(sha) => objects::get(client, repo.id, &sha)
                        .await
                        .map(|o| o.map(|(_, d)| d).unwrap_or_default()),
                    None => Ok(Vec::new()),
                }
            }
        };
        let (old, new) = (read(&change.before).await?, read(&change.after).await?);
        let (additions, deletions) = line_counts(&old, &new);
        let sha = change
            .after
            .clone()
            .or_else(|| change.before.clone())
            .unwrap_or_default();
        out.push(json!({
            "sha": sha,
            "filename": change.path,
            "status": change.status(),
            "additions": additions,
            "deletions": deletions,
            "changes": additions + deletions,
            "blob_url": format!("{base}/{}/blob/{head}/{}", repo.full_name, change.path),
            "raw_url": format!("{base}/{}/raw/{head}/{}", repo.full_name, change.path),
            "contents_url": format!("{ru}/contents/{}?ref={head}", change.path),
        }));
    }
    Ok(out)
}

/// `GET /repos/{owner}/{repo}/commits`.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let bound = |key: &str| {
        query
            .get(key)
            .map(|t| time::parse(t).ok_or_else(|| ApiError::validation("Commit", key, "invalid")))
            .transpose()
    };
    let (since, until) = (bound("since")?, bound("until")?);
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let rev = query.get("sha").unwrap_or(&repo.default_branch).to_owned();
    let Some(head) = objects::resolve(&client, repo.id, &rev).await? else {
        if objects::ref_sha(
            &client,
            repo.id,
            &format!("refs/heads/{}", repo.default_branch),
        )
        .await?
        .is_none()
        {
            return Err(ApiError::conflict("Git Repository is empty."));
        }
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("No commit found for SHA: {rev}"),
        ));
    };
    let author_email = match query.get("author") {
        Some(who) if who.contains('@') => Some(who.to_lowercase()),
        Some(login) => Some(
            client
                .query_opt(
                    "SELECT lower(email) FROM users WHERE lower(login) = lower($1)",
                    &[&login],
                )
                .await?
                .and_then(|r| r.get::<_, Option<String>>(0))
                .unwrap_or_else(|| "\u{1}".to_owned()),
        ),
        None => None,
    };
    let path = query.get("path").map(|p| p.trim_matches('/').to_owned());
    let mut picked = Vec::new();
    for (sha, commit) in objects::history(&client, repo.id, &head, HISTORY_CAP).await? {
        if author_email
            .as_ref()
            .is_some_and(|e| *e != commit.author.email.to_lowercase())
            || since.is_some_and(|s| commit.committer.when < s)
            || until.is_some_and(|u| commit.committer.when > u)
        {
            continue;
        }
        if let Some(path) = &path
            && !touches(&client, &repo, &commit, path).await?
        {
            continue;
        }
        picked.push((sha, commit));
    }
    let (total, slice) = query.slice(picked);
    let items = render_list(&client, base, &repo, &slice).await?;
    Ok(req::paged(
        base,
        &format!("{}/commits", repo.path()),
        &query,
        total,
        items.to_string(),
    ))
}

/// Whether `commit` changed what `path` holds relative to its first parent.
async fn touches(
    client: &impl GenericClient,
    repo: &Repo,
    commit: &Commit,
    path: &str,
) -> ApiResult<bool> {
    let Some(segments) = objects::segments(path) else {
        return Ok(false);
    };
    let now = objects::lookup(client, repo.id, &commit.tree, &segments)
        .await?
        .map(|e| e.sha);
    let before = match commit.parents.first() {
        Some(parent) => match objects::commit(client, repo.id, parent).await? {
            Some(p) => objects::lookup(client, repo.id, &p.tree, &segments)
                .await?
                .map(|e| e.sha),
            None => None,
        },
        None => None,
    };
    Ok(now != before)
}

/// `GET /repos/{owner}/{repo}/commits/{ref}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let rev = &scope.path;
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let sha = objects::resolve(&client, repo.id, rev)
        .await?
        .ok_or_else(|| ApiError::invalid(format!("No commit found for SHA: {rev}")))?;
    let commit = objects::commit(&client, repo.id, &sha)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let parent_tree = match commit.parents.first() {
        Some(p) => objects::commit(&client, repo.id, p).await?.map(|c| c.tree),
        None => None,
    };
    let empty = "4b825dc642cb6eb9a060e54bf8d69288fbee4904".to_owned();
    let changes = objects::diff(
        &client,
        repo.id,
        parent_tree.as_ref().unwrap_or(&empty),
        &commit.tree,
    )
    .await?;
    let files = files_json(&client, base, &repo, &sha, &changes).await?;
    let (additions, deletions) = files.iter().fold((0, 0), |(a, d), f| {
        (
            a + f["additions"].as_u64().unwrap_or(0),
            d + f["deletions"].as_u64().unwrap_or(0),
        )
    });
    let mut body = render(&client, base, &repo, &sha).await?;
    body["stats"] =
        json!({ "total": additions + deletions, "additions": additions, "deletions": deletions });
    body["files"] = Value::Array(files);
    Ok(axum::Json(body).into_response())
}

/// `GET /repos/{owner}/{repo}/compare/{base}...{head}` (a head may be `owner:branch`).
pub(crate) async fn compare(scope: Scope<String>) -> ApiResult {
    let basehead = &scope.path;
    let (from, to) = basehead
        .split_once("...")
        .or_else(|| basehead.split_once(".."))
        .ok_or_else(ApiError::not_found)?;
    let strip = |rev: &str| rev.rsplit_once(':').map_or(rev, |(_, b)| b).to_owned();
    let (from, to) = (strip(from), strip(to));
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let not_found = || ApiError::not_found();
    let base_sha = objects::resolve(&client, repo.id, &from)
        .await?
        .ok_or_else(not_found)?;
    let head_sha = objects::resolve(&client, repo.id, &to)
        .await?
        .ok_or_else(not_found)?;
    let merge_base = objects::merge_base(&client, repo.id, &base_sha, &head_sha)
        .await?
        .unwrap_or_else(|| base_sha.clone());
    let base_history: HashSet<String> = objects::history(&client, repo.id, &base_sha, HISTORY_CAP)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let head_history = objects::history(&client, repo.id, &head_sha, HISTORY_CAP).await?;
    let head_set: HashSet<&String> = head_history.iter().map(|(s, _)| s).collect();
    let behind_by = base_history
        .iter()
        .filter(|s| !head_set.contains(s))
        .count();
    let mut ahead: Vec<(String, Commit)> = head_history
        .iter()
        .filter(|(s, _)| !base_history.contains(s))
        .cloned()
        .collect();
    ahead.reverse();
    let status = match (ahead.len(), behind_by) {
        (0, 0) => "identical",
        (_, 0) => "ahead",
        (0, _) => "behind",
        _ => "diverged",
    };
    let tree_of = |sha: String| {
        let client = &client;
        let id = repo.id;
        async move {
            objects::commit(client, id, &sha)
                .await
                .map(|c| c.map(|c| c.tree).unwrap_or_default())
        }
    };
    let changes = objects::diff(
        &client,
        repo.id,
        &tree_of(merge_base.clone()).await?,
        &tree_of(head_sha.clone()).await?,
    )
    .await?;
    let files = files_json(&client, base, &repo, &head_sha, &changes).await?;
    let ru = repo.url(base);
    let body = json!({
        "url": format!("{ru}/compare/{basehead}"),
        "html_url": format!("{base}/{}/compare/{basehead}", repo.full_name),
        "permalink_url": format!("{base}/{}/compare/{base_sha}...{head_sha}", repo.full_name),
        "diff_url": format!("{base}/{}/compare/{basehead}.diff", repo.full_name),
        "patch_url": format!("{base}/{}/compare/{basehead}.patch", repo.full_name),
        "base_commit": render(&client, base, &repo, &base_sha).await?,
        "merge_base_commit": render(&client, base, &repo, &merge_base).await?,
        "status": status,
        "ahead_by": ahead.len(),
        "behind_by": behind_by,
        "total_commits": ahead.len(),
        "commits": render_list(&client, base, &repo, &ahead).await?,
        "files": files,
    });
    Ok(axum::Json(body).into_response())
}

/// The sha a deleted ref moves to, in a `push` event's `after`.
pub(crate) const ZERO: &str = "0000000000000000000000000000000000000000";

/// Announces a `push` of `name` from `before` (none when created) to `after` to the
/// repository's hooks, with the new commits (at most 20, as GitHub sends). Pull requests that
/// follow the ref are [`crate::pulls::ref_moved`]'s.
pub(crate) async fn announce_push(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    name: &str,
    before: Option<&str>,
    after: &str,
    sender: i64,
) -> ApiResult<bool> {
    const HOOKED: &str = "SELECT EXISTS (SELECT 1 FROM hooks WHERE repo_id = $1 AND active
                                             AND ('push' = ANY(events) OR '*' = ANY(events)))";
    if !db::value::<bool>(client, HOOKED, &[&repo.id]).await? {
        return Ok(false);
    }
    let payload = push_payload(client, base, repo, (name, before, after), sender).await?;
    crate::hooks::emit(client, base, repo.id, "push", sender, payload).await
}

/// The `push` payload of `name` moved from `before` (none when created) to `after` by
/// `sender`: the new commits (at most 20), `head_commit`, `pusher`, `compare`, ….
pub(crate) async fn push_payload(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    (name, before, after): (&str, Option<&str>, &str),
    sender: i64,
) -> ApiResult<serde_json::Map<String, Value>> {
    let known: HashSet<String> = match before {
        Some(sha) => objects::history(client, repo.id, sha, HISTORY_CAP)
            .await?
            .into_iter()
            .map(|(s, _)| s)
            .collect(),
        None => HashSet::new(),
    };
    let mut new: Vec<(String, Commit)> = objects::history(client, repo.id, after, HISTORY_CAP)
        .await?
        .into_iter()
        .filter(|(s, _)| !known.contains(s))
        .take(20)
        .collect();
    new.reverse();
    // History is by date: a commit made in the same second as the head (a merge's other
    // parent) can sort after it. The head is the push's last commit and its `head_commit`.
    if let Some(at) = new.iter().position(|(sha, _)| sha == after) {
        let head = new.remove(at);
        new.push(head);
    }
    let mut listed = Vec::new();
    for (sha, commit) in &new {
        let parent_tree = match commit.parents.first() {
            Some(p) => objects::commit(client, repo.id, p).await?.map(|c| c.tree),
            None => None,
        };
        let changes = objects::diff(
            client,
            repo.id,
            parent_tree
                .as_deref()
                .unwrap_or("4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
            &commit.tree,
        )
        .await?;
        let paths = |status: &str| {
            changes
                .iter()
                .filter(|c| c.status() == status)
                .map(|c| c.path.clone())
                .collect::<Vec<_>>()
        };
        let person = |s: &crate::git::Signature| json!({ "name": s.name, "email": s.email });
        listed.push(json!({
            "id": sha,
            "tree_id": commit.tree,
            "distinct": true,
            "message": commit.message.trim_end_matches('\n'),
            "timestamp": time::iso(commit.committer.when),
            "url": format!("{base}/{}/commit/{sha}", repo.full_name),
            "author": person(&commit.author),
            "committer": person(&commit.committer),
            "added": paths("added"),
            "removed": paths("removed"),
            "modified": paths("modified"),
        }));
    }
    let pusher = client
        .query_one(
            "SELECT login, coalesce(email, '') FROM users WHERE id = $1",
            &[&sender],
        )
        .await?;
    let before_text = before.unwrap_or(ZERO);
    let mut payload = serde_json::Map::new();
    payload.insert("ref".into(), json!(name));
    payload.insert("before".into(), json!(before_text));
    payload.insert("after".into(), json!(after));
    payload.insert("created".into(), json!(before.is_none()));
    payload.insert("deleted".into(), json!(after == ZERO));
    payload.insert("forced".into(), json!(false));
    payload.insert("base_ref".into(), Value::Null);
    payload.insert(
        "compare".into(),
        json!(format!(
            "{base}/{}/compare/{}...{}",
            repo.full_name,
            &before_text[..12],
            &after[..12.min(after.len())]
        )),
    );
    payload.insert(
        "head_commit".into(),
        listed.last().cloned().unwrap_or(Value::Null),
    );
    payload.insert("commits".into(), Value::Array(listed));
    payload.insert(
        "pusher".into(),
        json!({ "name": pusher.get::<_, String>(0), "email": pusher.get::<_, String>(1) }),
    );
    Ok(payload)
}

/// `GET /repos/{owner}/{repo}/contributors`: the users who authored commits on the default
/// branch (matched by commit email), most commits first, each with `contributions`; with
/// `anon=1` (or `true`) also the unmatched authors (`type: "Anonymous"`, `email`, `name`).
/// An empty repository answers 204, as GitHub does.
pub(crate) async fn contributors(scope: Scope, query: Query) -> ApiResult {
    const SQL: &str = "WITH RECURSIVE walk(sha) AS (
             SELECT $2::text
             UNION SELECT unnest(c.parents) FROM walk w
                   JOIN git_commits c ON c.repo_id = $1 AND c.sha = w.sha),
         authors AS (
             SELECT lower(c.author_email) AS email, min(c.author_name) AS name, count(*) AS n
             FROM git_commits c JOIN walk USING (sha) WHERE c.repo_id = $1 GROUP BY 1),
         matched AS (
             SELECT u.id, sum(a.n)::bigint AS n
             FROM authors a JOIN users u ON lower(u.email) = a.email GROUP BY u.id),
         listed AS (
             SELECT gh_user(u, $3)::jsonb || jsonb_build_object('contributions', m.n) AS item,
                    m.n, u.login AS key
             FROM matched m JOIN users u ON u.id = m.id
             UNION ALL
             SELECT jsonb_build_object('email', a.email, 'name', a.name, 'type', 'Anonymous',
                                       'contributions', a.n), a.n, a.email
             FROM authors a
             WHERE $4 AND NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = a.email))
         SELECT (SELECT count(*) FROM listed),
                (SELECT coalesce(json_agg(item ORDER BY n DESC, key), '[]')::text
                 FROM (SELECT * FROM listed ORDER BY n DESC, key LIMIT $5 OFFSET $6) p)";
    let anonymous = matches!(query.get("anon"), Some("1" | "true"));
    let (client, repo) = scope.open().await?;
    let head = format!("refs/heads/{}", repo.default_branch);
    let Some(sha) = objects::ref_sha(&client, repo.id, &head).await? else {
        return Ok(req::no_content());
    };
    let page = scope.page(&repo, "contributors", &query);
    req::list_sql(
        &client,
        &page,
        SQL,
        &[&repo.id, &sha, &scope.base(), &anonymous],
    )
    .await
}
