//! The contents API: get a file (base64) or a directory, the README, create or update a file
//! (`sha` required to update; a stale one answers 409), delete one. Every write is a real
//! commit on the branch, announced as a `push`.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::git::{Commit, Entry, Signature};
use crate::objects;
use crate::repos::{self, Access, Repo};
use crate::req::{Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, commits, pulls, time};

/// Where a path lives for URLs.
struct Place<'a> {
    base: &'a str,
    repo: &'a Repo,
    rev: &'a str,
}

impl Place<'_> {
    fn entry(&self, path: &str, entry: &Entry, size: i64) -> Value {
        let ru = self.repo.url(self.base);
        let kind = match entry.kind() {
            "tree" => "dir",
            "commit" => "submodule",
            _ if entry.mode == "120000" => "symlink",
            _ => "file",
        };
        let git = match kind {
            "dir" => format!("{ru}/git/trees/{}", entry.sha),
            _ => format!("{ru}/git/blobs/{}", entry.sha),
        };
        let html = format!(
            "{}/{}/{}/{}/{path}",
            self.base,
            self.repo.full_name,
            if kind == "dir" { "tree" } else { "blob" },
            self.rev
        );
        let url = format!("{ru}/contents/{path}?ref={}", self.rev);
        let download = (kind == "file").then(|| {
            format!(
                "{}/{}/raw/{}/{path}",
                self.base, self.repo.full_name, self.rev
            )
        });
        json!({
            "name": path.rsplit('/').next().unwrap_or(path),
            "path": path,
            "sha": entry.sha,
            "size": if kind == "dir" { 0 } else { size },
            "url": url,
            "html_url": html,
            "git_url": git,
            "download_url": download,
            "type": kind,
            "_links": { "self": url, "git": git, "html": html },
        })
    }
}

/// Base64 as GitHub sends file contents: wrapped every 60 characters.
fn wrapped_base64(data: &[u8]) -> String {
    let text = base64::engine::general_purpose::STANDARD.encode(data);
    let mut out = String::with_capacity(text.len() + text.len() / 60 + 1);
    for chunk in text.as_bytes().chunks(60) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out
}

async fn sizes(
    client: &impl GenericClient,
    repo: i64,
    shas: &[String],
) -> ApiResult<std::collections::HashMap<String, i64>> {
    let rows = client
        .query("SELECT sha, length(data)::bigint FROM git_objects WHERE repo_id = $1 AND sha = ANY($2)", &[&repo, &shas])
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// The commit a read names (`ref`, default branch): 404 on an empty repository.
async fn read_head(
    client: &impl GenericClient,
    repo: &Repo,
    rev: Option<&str>,
) -> ApiResult<(String, String)> {
    let rev = rev.unwrap_or(&repo.default_branch).to_owned();
    match objects::resolve(client, repo.id, &rev).await? {
        Some(sha) => Ok((rev, sha)),
        None if objects::ref_sha(
            client,
            repo.id,
            &format!("refs/heads/{}", repo.default_branch),
        )
        .await?
        .is_none() =>
        {
            Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "This repository is empty.",
            ))
        }
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("No commit found for the ref {rev}"),
        )),
    }
}

async fn show<P>(scope: &Scope<P>, path: &str, query: &Query) -> ApiResult {
    let base = scope.base();
    let (client, repo) = scope.open().await?;
    let (rev, head) = read_head(&client, &repo, query.get("ref")).await?;
    let segments = objects::segments(path).ok_or_else(ApiError::not_found)?;
    let commit = objects::commit(&client, repo.id, &head)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let entry = objects::lookup(&client, repo.id, &commit.tree, &segments)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let place = Place {
        base,
        repo: &repo,
        rev: &rev,
    };
    let path = segments.join("/");
    if entry.kind() == "tree" {
        let entries = objects::tree(&client, repo.id, &entry.sha)
            .await?
            .unwrap_or_default();
        let shas: Vec<String> = entries.iter().map(|e| e.sha.clone()).collect();
        let sizes = sizes(&client, repo.id, &shas).await?;
        let mut items: Vec<&Entry> = entries.iter().collect();
        items.sort_by(|a, b| (a.kind() != "tree", &a.name).cmp(&(b.kind() != "tree", &b.name)));
        let list: Vec<Value> = items
            .iter()
            .map(|e| {
                let child = if path.is_empty() {
                    e.name.clone()
                } else {
                    format!("{path}/{}", e.name)
                };
                place.entry(&child, e, *sizes.get(&e.sha).unwrap_or(&0))
            })
            .collect();
        return Ok(axum::Json(Value::Array(list)).into_response());
    }
    let data = objects::get(&client, repo.id, &entry.sha)
        .await?
        .map(|(_, d)| d)
        .unwrap_or_default();
    let mut body = place.entry(&path, &entry, i64::try_from(data.len()).unwrap_or(0));
    body["content"] = json!(wrapped_base64(&data));
    body["encoding"] = json!("base64");
    Ok(axum::Json(body).into_response())
}

/// `GET /repos/{owner}/{repo}/contents/{path}` (`ref`).
pub(crate) async fn get(scope: Scope<String>, query: Query) -> ApiResult {
    show(&scope, &scope.path, &query).await
}

/// `GET /repos/{owner}/{repo}/contents` (the root directory).
pub(crate) async fn get_root(scope: Scope, query: Query) -> ApiResult {
    show(&scope, "", &query).await
}

/// `GET /repos/{owner}/{repo}/readme`: the first `README*` at the root.
pub(crate) async fn readme(scope: Scope, query: Query) -> ApiResult {
    let path = {
        let (client, repo) = scope.open().await?;
        let (_, head) = read_head(&client, &repo, query.get("ref")).await?;
        let commit = objects::commit(&client, repo.id, &head)
            .await?
            .ok_or_else(ApiError::not_found)?;
        objects::tree(&client, repo.id, &commit.tree)
            .await?
            .unwrap_or_default()
            .into_iter()
            .find(|e| e.kind() == "blob" && e.name.to_lowercase().starts_with("readme"))
            .map(|e| e.name)
            .ok_or_else(ApiError::not_found)?
    };
    show(&scope, &path, &query).await
}

/// A signature from a body's `author` / `committer` object, or `fallback`.
fn signature(body: &Body, key: &str, fallback: &Signature) -> ApiResult<Signature> {
    let Some(person) = body.object(key)? else {
        return Ok(fallback.clone());
    };
    let field = |name: &str| person.get(name).and_then(Value::as_str).map(str::to_owned);
    let (Some(name), Some(email)) = (field("name"), field("email")) else {
        return Err(ApiError::invalid(format!(
            "Invalid request.\n\n\"name\", \"email\" weren't supplied for '{key}'."
        )));
    };
    let when = match field("date") {
        Some(date) => {
            time::parse(&date).ok_or_else(|| ApiError::validation("Commit", "date", "invalid"))?
        }
        None => fallback.when,
    };
    Ok(Signature { name, email, when })
}

/// A write to one path: who writes where with what message, and the branch as it is now.
struct Write<'a> {
    base: &'a str,
    repo: &'a Repo,
    viewer: &'a Viewer,
    body: &'a Body,
    message: &'a str,
    /// The branch written to.
    branch: String,
    /// Its head (locked until the transaction ends), `None` in an empty repository.
    head: Option<String>,
    /// The path's segments.
    segments: Vec<&'a str>,
}

impl Write<'_> {
    /// Commits `tree` on the branch inside `tx` and announces the push; returns the commit
    /// id and the commit.
    async fn commit(&self, tx: &impl GenericClient, tree: String) -> ApiResult<(String, Commit)> {
        let (repo, head) = (self.repo, self.head.as_deref());
        let me = repos::signature(tx, self.viewer.user_id).await?;
        let commit = Commit {
            tree,
            parents: head.map(|h| vec![h.to_owned()]).unwrap_or_default(),
            author: signature(self.body, "author", &me)?,
            committer: signature(self.body, "committer", &me)?,
            message: self.message.to_owned(),
        };
        let sha = objects::put_commit(tx, repo.id, &commit).await?;
        let name = format!("refs/heads/{}", self.branch);
        objects::set_ref(tx, repo.id, &name, &sha).await?;
        tx.execute(
            "UPDATE repos SET pushed_at = now(), updated_at = now() WHERE id = $1",
            &[&repo.id],
        )
        .await?;
        let sender = self.viewer.user_id;
        pulls::ref_moved(tx, self.base, repo, &name, (head, &sha), sender).await?;
        Ok((sha, commit))
    }
}

/// The write `body` asks for on `path` (the branch's head locked in `tx`).
async fn write_target<'a>(
    tx: &impl GenericClient,
    base: &'a str,
    repo: &'a Repo,
    viewer: &'a Viewer,
    body: &'a Body,
    message: &'a str,
    path: &'a str,
) -> ApiResult<Write<'a>> {
    let segments = objects::segments(path)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::custom(
                "Content",
                "path",
                "path contains a malformed path component",
            )
        })?;
    let branch = body
        .str("branch")?
        .unwrap_or(&repo.default_branch)
        .trim_start_matches("refs/heads/")
        .to_owned();
    let head = objects::lock_ref(tx, repo.id, &format!("refs/heads/{branch}")).await?;
    if head.is_none() {
        let any: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM git_refs WHERE repo_id = $1)",
                &[&repo.id],
            )
            .await?
            .get(0);
        if any {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                format!("Branch {branch} not found"),
            ));
        }
    }
    let push = branches::Push::Update {
        forced: false,
        merges: false,
    };
    branches::check_push(
        tx,
        repo,
        viewer.user_id,
        &branch,
        push,
        StatusCode::CONFLICT,
    )
    .await?;
    Ok(Write {
        base,
        repo,
        viewer,
        body,
        message,
        branch,
        head,
        segments,
    })
}

/// 403 unless the caller may push to the write's branch: with write access to the repository,
/// or, on a fork, as a maintainer of the base repository of an open pull request from that
/// branch that allows maintainer edits.
async fn require_push(
    client: &impl GenericClient,
    repo: &Repo,
    viewer: &Viewer,
    body: &Body,
) -> ApiResult<()> {
    let branch = body.str("branch")?.unwrap_or(&repo.default_branch);
    if !repo.can(Access::Write)
        && !repo.archived
        && pulls::maintainer_may_push(client, repo.id, branch, viewer.user_id).await?
    {
        return Ok(());
    }
    repo.require(Access::Write)
}

/// `PUT /repos/{owner}/{repo}/contents/{path}`: 201 when created, 200 when updated.
pub(crate) async fn put(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let path = &scope.path;
    let message = body.required("message", "Content")?.to_owned();
    let content = match body.str("content")? {
        Some(text) => base64::engine::general_purpose::STANDARD
            .decode(text.replace(['\n', '\r'], ""))
            .map_err(|_| ApiError::invalid("content is not valid Base64"))?,
        None => {
            return Err(ApiError::invalid(
                "Invalid request.\n\n\"content\" wasn't supplied.",
            ));
        }
    };
    let expected = body.str("sha")?.map(str::to_owned);
    let base = scope.base();
    let (mut client, repo) = scope.open().await?;
    require_push(&client, &repo, &viewer, &body).await?;
    let tx = client.transaction().await?;
    let write = write_target(&tx, base, &repo, &viewer, &body, &message, path).await?;
    let segments = &write.segments;
    let root = match &write.head {
        Some(h) => Some(
            objects::commit(&tx, repo.id, h)
                .await?
                .ok_or_else(ApiError::not_found)?
                .tree,
        ),
        None => None,
    };
    let existing = match &root {
        Some(root) => objects::lookup(&tx, repo.id, root, segments).await?,
        None => None,
    };
    match (&existing, &expected) {
        (Some(entry), _) if entry.kind() == "tree" => {
            return Err(ApiError::custom("Content", "path", "path is a directory"));
        }
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "Invalid request.\n\n\"sha\" wasn't supplied.",
            ));
        }
        (Some(entry), Some(sha)) if entry.sha != *sha => {
            return Err(ApiError::conflict(format!(
                "{} does not match {sha}",
                segments.join("/")
            )));
        }
        _ => {}
    }
    let blob = objects::put(&tx, repo.id, "blob", &content).await?;
    let tree = objects::write_path(
        &tx,
        repo.id,
        root.as_deref(),
        segments,
        Some(("100644", &blob)),
    )
    .await?
    .ok_or_else(|| ApiError::custom("Content", "path", "a parent of the path is a file"))?;
    let (sha, commit) = write.commit(&tx, tree).await?;
    let place = Place {
        base,
        repo: &repo,
        rev: &write.branch,
    };
    let entry = Entry {
        mode: "100644".into(),
        name: String::new(),
        sha: blob,
    };
    let answer = json!({
        "content": place.entry(&segments.join("/"), &entry, i64::try_from(content.len()).unwrap_or(0)),
        "commit": commits::git_json(base, &repo, &sha, &commit),
    });
    tx.commit().await?;
    scope.kit.wake_outbox();
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, axum::Json(answer)).into_response())
}

/// `DELETE /repos/{owner}/{repo}/contents/{path}` (`message`, `sha` required).
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let message = body.required("message", "Content")?.to_owned();
    let expected = body.required("sha", "Content")?.to_owned();
    let base = scope.base();
    let (mut client, repo) = scope.open().await?;
    require_push(&client, &repo, &viewer, &body).await?;
    let tx = client.transaction().await?;
    let write = write_target(&tx, base, &repo, &viewer, &body, &message, &scope.path).await?;
    let (head, segments) = (write.head.as_deref(), &write.segments);
    let root = objects::commit(&tx, repo.id, head.ok_or_else(ApiError::not_found)?)
        .await?
        .ok_or_else(ApiError::not_found)?
        .tree;
    let entry = objects::lookup(&tx, repo.id, &root, segments)
        .await?
        .ok_or_else(ApiError::not_found)?;
    if entry.sha != expected {
        return Err(ApiError::conflict(format!(
            "{} does not match {expected}",
            segments.join("/")
        )));
    }
    let tree = objects::write_path(&tx, repo.id, Some(&root), segments, None)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (sha, commit) = write.commit(&tx, tree).await?;
    let mut answer = Map::new();
    answer.insert("content".into(), Value::Null);
    answer.insert(
        "commit".into(),
        commits::git_json(base, &repo, &sha, &commit),
    );
    tx.commit().await?;
    scope.kit.wake_outbox();
    Ok(axum::Json(Value::Object(answer)).into_response())
}
