//! The git data API: blobs, trees, commits, annotated tags and refs (get, list and
//! matching, create, update with `force`, delete), over the same objects the contents API
//! writes.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::git::{self, Commit, Entry, Signature};
use crate::objects;
use crate::repos::{self, Access, Repo};
use crate::req::{Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{branches, commits, pulls, time};

/// The repository, when the caller has `access` to it.
async fn repo_for<P>(
    scope: &Scope<P>,
    access: Access,
) -> ApiResult<(asym_kit::deadpool_postgres::Object, Repo)> {
    let (client, repo) = scope.open().await?;
    repo.require(access)?;
    Ok((client, repo))
}

fn created(value: Value) -> Response {
    (StatusCode::CREATED, axum::Json(value)).into_response()
}

/// `POST /repos/{owner}/{repo}/git/blobs` (`encoding` `utf-8` or `base64`).
pub(crate) async fn create_blob(scope: Scope, _signed_in: Viewer, body: Body) -> ApiResult {
    let Some(content) = body.str("content")? else {
        return Err(ApiError::invalid(
            "Invalid request.\n\n\"content\" wasn't supplied.",
        ));
    };
    let data = match body
        .one_of("encoding", &["utf-8", "base64"], "Blob")?
        .as_deref()
    {
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(content.replace(['\n', '\r'], ""))
            .map_err(|_| ApiError::invalid("content is not valid Base64"))?,
        _ => content.as_bytes().to_vec(),
    };
    let (client, repo) = repo_for(&scope, Access::Write).await?;
    let sha = objects::put(&client, repo.id, "blob", &data).await?;
    Ok(created(
        json!({ "url": format!("{}/git/blobs/{sha}", repo.url(scope.base())), "sha": sha }),
    ))
}

/// `GET /repos/{owner}/{repo}/git/blobs/{sha}`.
pub(crate) async fn get_blob(scope: Scope<String>) -> ApiResult {
    let sha = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let data = match objects::get(&client, repo.id, sha).await? {
        Some((kind, data)) if kind == "blob" => data,
        _ => return Err(ApiError::not_found()),
    };
    let text = base64::engine::general_purpose::STANDARD.encode(&data);
    Ok(axum::Json(json!({
        "sha": sha,
        "node_id": format!("B_kwDO{}", &sha[..16]),
        "size": data.len(),
        "url": format!("{}/git/blobs/{sha}", repo.url(scope.base())),
        "content": text,
        "encoding": "base64",
    }))
    .into_response())
}

async fn tree_json(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    sha: &str,
    recursive: bool,
) -> ApiResult<Value> {
    let root = objects::tree(client, repo.id, sha)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut out = Vec::new();
    let mut stack: Vec<(String, Vec<Entry>)> = vec![(String::new(), root)];
    let mut blobs = Vec::new();
    while let Some((prefix, entries)) = stack.pop() {
        for entry in entries {
            let path = format!("{prefix}{}", entry.name);
            if recursive && entry.kind() == "tree" {
                let children = objects::tree(client, repo.id, &entry.sha)
                    .await?
                    .unwrap_or_default();
                stack.push((format!("{path}/"), children));
            }
            if entry.kind() == "blob" {
                blobs.push(entry.sha.clone());
            }
            out.push((path, entry));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    let sizes: std::collections::HashMap<String, i64> = client
        .query("SELECT sha, length(data)::bigint FROM git_objects WHERE repo_id = $1 AND sha = ANY($2)", &[&repo.id, &blobs])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let ru = repo.url(base);
    let items: Vec<Value> = out
        .iter()
        .map(|(path, entry)| {
            let kind = entry.kind();
            let mut item = json!({
                "path": path,
                "mode": entry.mode,
                "type": kind,
                "sha": entry.sha,
                "url": format!("{ru}/git/{}s/{}", if kind == "tree" { "tree" } else { "blob" }, entry.sha),
            });
            if kind == "blob" {
                item["size"] = json!(sizes.get(&entry.sha).copied().unwrap_or(0));
            }
            item
        })
        .collect();
    Ok(
        json!({ "sha": sha, "url": format!("{ru}/git/trees/{sha}"), "tree": items, "truncated": false }),
    )
}

/// `GET /repos/{owner}/{repo}/git/trees/{sha}` (`recursive`); a commit id or branch names
/// its tree, as on GitHub.
pub(crate) async fn get_tree(scope: Scope<String>, query: Query) -> ApiResult {
    let sha = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let tree = match objects::get(&client, repo.id, sha).await? {
        Some((kind, _)) if kind == "tree" => sha.clone(),
        _ => match objects::resolve(&client, repo.id, sha).await? {
            Some(commit) => {
                objects::commit(&client, repo.id, &commit)
                    .await?
                    .ok_or_else(ApiError::not_found)?
                    .tree
            }
            None => return Err(ApiError::not_found()),
        },
    };
    let recursive = query
        .get("recursive")
        .is_some_and(|v| v != "0" && v != "false");
    Ok(
        axum::Json(tree_json(&client, scope.base(), &repo, &tree, recursive).await?)
            .into_response(),
    )
}

/// `POST /repos/{owner}/{repo}/git/trees` (`base_tree`, entries by `sha` or `content`;
/// `sha: null` removes a path).
pub(crate) async fn create_tree(scope: Scope, _signed_in: Viewer, body: Body) -> ApiResult {
    let Some(Value::Array(items)) = body.0.get("tree") else {
        return Err(ApiError::invalid(
            "Invalid request.\n\n\"tree\" wasn't supplied.",
        ));
    };
    let base_tree = body.str("base_tree")?.map(str::to_owned);
    let (mut client, repo) = repo_for(&scope, Access::Write).await?;
    let tx = client.transaction().await?;
    let mut root = match &base_tree {
        Some(sha) => match objects::tree(&tx, repo.id, sha).await? {
            Some(_) => Some(sha.clone()),
            None => {
                return Err(ApiError::invalid(
                    "Invalid request.\n\nbase_tree is not a valid tree oid.",
                )
                .with_error(json!({"resource":"Tree","field":"base_tree","code":"invalid"})));
            }
        },
        None => None,
    };
    for item in items {
        let path = item
            .get("path")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::validation("Tree", "path", "missing_field"))?;
        let mode = item.get("mode").and_then(Value::as_str).unwrap_or("100644");
        if !["100644", "100755", "040000", "160000", "120000"].contains(&mode) {
            return Err(ApiError::validation("Tree", "mode", "invalid"));
        }
        let segments = objects::segments(path)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| ApiError::validation("Tree", "path", "invalid"))?;
        let sha = match (item.get("content"), item.get("sha")) {
            (Some(Value::String(text)), _) => {
                Some(objects::put(&tx, repo.id, "blob", text.as_bytes()).await?)
            }
            (_, Some(Value::String(sha))) => {
                if mode != "160000" && objects::get(&tx, repo.id, sha).await?.is_none() {
                    return Err(ApiError::invalid("Invalid tree info")
                        .with_error(json!({"resource":"Tree","field":"sha","code":"invalid"})));
                }
                Some(sha.clone())
            }
            (_, Some(Value::Null)) => None,
            _ => return Err(ApiError::validation("Tree", "sha", "missing_field")),
        };
        let entry = sha.as_deref().map(|s| (mode, s));
        match objects::write_path(&tx, repo.id, root.as_deref(), &segments, entry).await? {
            Some(next) => root = Some(next),
            None if entry.is_none() => {}
            None => return Err(ApiError::validation("Tree", "path", "invalid")),
        }
    }
    let root = match root {
        Some(root) => root,
        None => objects::put(&tx, repo.id, "tree", &git::encode_tree(&mut [])).await?,
    };
    let answer = tree_json(&tx, scope.base(), &repo, &root, false).await?;
    tx.commit().await?;
    Ok(created(answer))
}

/// `POST /repos/{owner}/{repo}/git/commits`.
pub(crate) async fn create_commit(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let message = body
        .str("message")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"message\" wasn't supplied."))?
        .to_owned();
    let tree = body
        .str("tree")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"tree\" wasn't supplied."))?
        .to_owned();
    let parents = body.strings("parents")?.unwrap_or_default();
    let (client, repo) = repo_for(&scope, Access::Write).await?;
    if objects::tree(&client, repo.id, &tree).await?.is_none() {
        return Err(ApiError::invalid("Tree SHA does not exist"));
    }
    for parent in &parents {
        if objects::commit(&client, repo.id, parent).await?.is_none() {
            return Err(ApiError::invalid(
                "Parent SHA does not exist or is not a commit object",
            ));
        }
    }
    let me = repos::signature(&client, viewer.user_id).await?;
    let person = |key: &str, fallback: &Signature| -> ApiResult<Signature> {
        let Some(p) = body.object(key)? else {
            return Ok(fallback.clone());
        };
        let field = |n: &str| p.get(n).and_then(Value::as_str).map(str::to_owned);
        Ok(Signature {
            name: field("name").unwrap_or_else(|| fallback.name.clone()),
            email: field("email").unwrap_or_else(|| fallback.email.clone()),
            when: match field("date") {
                Some(d) => time::parse(&d)
                    .ok_or_else(|| ApiError::validation("Commit", "date", "invalid"))?,
                None => fallback.when,
            },
        })
    };
    let author = person("author", &me)?;
    let committer = person("committer", &author)?;
    let commit = Commit {
        tree,
        parents,
        author,
        committer,
        message,
    };
    let sha = objects::put_commit(&client, repo.id, &commit).await?;
    Ok(created(commits::git_json(
        scope.base(),
        &repo,
        &sha,
        &commit,
    )))
}

/// `GET /repos/{owner}/{repo}/git/commits/{sha}`.
pub(crate) async fn get_commit(scope: Scope<String>) -> ApiResult {
    let sha = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let commit = objects::commit(&client, repo.id, sha)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(commits::git_json(scope.base(), &repo, sha, &commit)).into_response())
}

fn tag_json(base: &str, repo: &Repo, sha: &str, data: &[u8]) -> Value {
    let text = String::from_utf8_lossy(data);
    let (head, message) = text.split_once("\n\n").unwrap_or((&text, ""));
    let field = |key: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or("")
            .to_owned()
    };
    let tagger = field("tagger ");
    let (who, when) = tagger.rsplit_once('>').unwrap_or((&tagger, ""));
    let (tname, temail) = who.split_once('<').unwrap_or((who, ""));
    let secs: i64 = when
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let object = field("object ");
    let kind = field("type ");
    let ru = repo.url(base);
    json!({
        "node_id": format!("TAG_kwDO{}", &sha[..16]),
        "tag": field("tag "),
        "sha": sha,
        "url": format!("{ru}/git/tags/{sha}"),
        "message": message.trim_end_matches('\n'),
        "tagger": { "name": tname.trim(), "email": temail, "date": time::iso(secs) },
        "object": { "type": kind, "sha": object, "url": format!("{ru}/git/{kind}s/{object}") },
        "verification": { "verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null },
    })
}

/// `POST /repos/{owner}/{repo}/git/tags`: an annotated tag object (the ref is made
/// separately, as on GitHub).
pub(crate) async fn create_tag(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let tag = body.required("tag", "Tag")?.to_owned();
    let message = body.str("message")?.unwrap_or("").to_owned();
    let object = body.required("object", "Tag")?.to_owned();
    let kind = body
        .one_of("type", &["commit", "tree", "blob"], "Tag")?
        .unwrap_or_else(|| "commit".into());
    let (client, repo) = repo_for(&scope, Access::Write).await?;
    match objects::get(&client, repo.id, &object).await? {
        Some((found, _)) if found == kind => {}
        _ => return Err(ApiError::validation("Tag", "object", "invalid")),
    }
    let me = repos::signature(&client, viewer.user_id).await?;
    let tagger = body.object("tagger")?;
    let field = |n: &str, d: &str| {
        tagger
            .and_then(|t| t.get(n))
            .and_then(Value::as_str)
            .unwrap_or(d)
            .to_owned()
    };
    let data = format!(
        "object {object}\ntype {kind}\ntag {tag}\ntagger {} <{}> {} +0000\n\n{message}\n",
        field("name", &me.name),
        field("email", &me.email),
        me.when
    );
    let sha = objects::put(&client, repo.id, "tag", data.as_bytes()).await?;
    Ok(created(tag_json(
        scope.base(),
        &repo,
        &sha,
        data.as_bytes(),
    )))
}

/// `GET /repos/{owner}/{repo}/git/tags/{sha}`.
pub(crate) async fn get_tag(scope: Scope<String>) -> ApiResult {
    let sha = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    match objects::get(&client, repo.id, sha).await? {
        Some((kind, data)) if kind == "tag" => {
            Ok(axum::Json(tag_json(scope.base(), &repo, sha, &data)).into_response())
        }
        _ => Err(ApiError::not_found()),
    }
}

async fn refs_like(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    prefix: &str,
) -> ApiResult<Vec<Value>> {
    let rows = client
        .query(
            "SELECT r.ref, r.sha, coalesce(o.type, 'commit') FROM git_refs r
             LEFT JOIN git_objects o ON o.repo_id = r.repo_id AND o.sha = r.sha
             WHERE r.repo_id = $1 AND starts_with(r.ref, $2) ORDER BY r.ref",
            &[&repo.id, &prefix],
        )
        .await?;
    let ru = repo.url(base);
    Ok(rows
        .iter()
        .map(|row| {
            let (name, sha, kind): (String, String, String) = (row.get(0), row.get(1), row.get(2));
            json!({
                "ref": name,
                "node_id": format!("REF_kwDO{}", &sha[..16]),
                "url": format!("{ru}/git/{name}"),
                "object": { "sha": sha, "type": kind, "url": format!("{ru}/git/{kind}s/{sha}") },
            })
        })
        .collect())
}

/// `GET /repos/{owner}/{repo}/git/refs`: every ref.
pub(crate) async fn list_refs(scope: Scope) -> ApiResult {
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let refs = refs_like(&client, scope.base(), &repo, "refs/").await?;
    if refs.is_empty() {
        return Err(ApiError::conflict("Git Repository is empty."));
    }
    Ok(axum::Json(refs).into_response())
}

/// `GET /repos/{owner}/{repo}/git/refs/{ref}`: the ref itself, or the refs under it.
pub(crate) async fn get_refs(scope: Scope<String>) -> ApiResult {
    let reference = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let full = format!("refs/{}", reference.trim_start_matches("refs/"));
    let mut found = refs_like(&client, scope.base(), &repo, &full).await?;
    if let Some(i) = found.iter().position(|r| r["ref"] == full.as_str()) {
        return Ok(axum::Json(found.swap_remove(i)).into_response());
    }
    let under: Vec<Value> = found
        .into_iter()
        .filter(|r| {
            r["ref"]
                .as_str()
                .is_some_and(|n| n.starts_with(&format!("{full}/")))
        })
        .collect();
    if under.is_empty() {
        return Err(ApiError::not_found());
    }
    Ok(axum::Json(under).into_response())
}

/// `GET /repos/{owner}/{repo}/git/ref/{ref}`: exactly that ref.
pub(crate) async fn get_ref(scope: Scope<String>) -> ApiResult {
    let reference = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let full = format!("refs/{reference}");
    let found = refs_like(&client, scope.base(), &repo, &full).await?;
    found
        .into_iter()
        .find(|r| r["ref"] == full.as_str())
        .map(|r| axum::Json(r).into_response())
        .ok_or_else(ApiError::not_found)
}

/// `GET /repos/{owner}/{repo}/git/matching-refs/{ref}`: refs starting with it (409 in a
/// repository with no refs at all, as GitHub answers every git data read there).
pub(crate) async fn matching_refs(scope: Scope<String>) -> ApiResult {
    let reference = &scope.path;
    let (client, repo) = repo_for(&scope, Access::Read).await?;
    let found = refs_like(&client, scope.base(), &repo, &format!("refs/{reference}")).await?;
    if found.is_empty()
        && refs_like(&client, scope.base(), &repo, "refs/")
            .await?
            .is_empty()
    {
        return Err(ApiError::conflict("Git Repository is empty."));
    }
    Ok(axum::Json(found).into_response())
}

/// `POST /repos/{owner}/{repo}/git/refs` (`ref`, `sha`).
pub(crate) async fn create_ref(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let reference = body.required("ref", "Reference")?.to_owned();
    let sha = body.required("sha", "Reference")?.to_owned();
    if !git::valid_ref(&reference) {
        return Err(ApiError::invalid("Reference name is invalid"));
    }
    let (mut client, repo) = repo_for(&scope, Access::Write).await?;
    if objects::get(&client, repo.id, &sha).await?.is_none() {
        return Err(ApiError::invalid("Object does not exist"));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    guard_ref(
        &tx,
        &repo,
        viewer.user_id,
        &reference,
        branches::Push::Create,
    )
    .await?;
    let inserted = tx
        .execute(
            "INSERT INTO git_refs (repo_id, ref, sha) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&repo.id, &reference, &sha],
        )
        .await?;
    if inserted == 0 {
        return Err(ApiError::invalid("Reference already exists"));
    }
    let woke =
        commits::announce_push(&tx, base, &repo, &reference, None, &sha, viewer.user_id).await?;
    let answer = refs_like(&tx, base, &repo, &reference)
        .await?
        .into_iter()
        .find(|r| r["ref"] == reference.as_str());
    scope.commit(tx, woke).await?;
    Ok(created(answer.unwrap_or(Value::Null)))
}

/// Refuses `push` to the ref `full` when it is a protected branch's or a ruleset forbids it,
/// as GitHub's git refs API refuses it (422).
async fn guard_ref(
    tx: &impl GenericClient,
    repo: &Repo,
    user: i64,
    full: &str,
    push: branches::Push,
) -> ApiResult<()> {
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    match full.strip_prefix("refs/heads/") {
        Some(branch) => branches::check_push(tx, repo, user, branch, push, status).await,
        None => crate::rulesets::check_ref(tx, repo, user, full, &push, status).await,
    }
}

/// `PATCH /repos/{owner}/{repo}/git/refs/{ref}` (`sha`, `force`): 422 unless a fast
/// forward or forced.
pub(crate) async fn update_ref(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let reference = &scope.path;
    let sha = body.required("sha", "Reference")?.to_owned();
    let force = body.bool("force")?.unwrap_or(false);
    let full = format!("refs/{}", reference.trim_start_matches("refs/"));
    let (mut client, repo) = repo_for(&scope, Access::Write).await?;
    if objects::commit(&client, repo.id, &sha).await?.is_none() {
        return Err(ApiError::invalid("Object does not exist"));
    }
    let base = scope.base();
    let tx = client.transaction().await?;
    let current = objects::lock_ref(&tx, repo.id, &full)
        .await?
        .ok_or_else(|| ApiError::invalid("Reference does not exist"))?;
    let fast_forward = current == sha || objects::is_ancestor(&tx, repo.id, &current, &sha).await?;
    if !force && !fast_forward {
        return Err(ApiError::invalid("Update is not a fast forward"));
    }
    let push = branches::Push::Update {
        forced: !fast_forward,
        merges: objects::brings_merge(&tx, repo.id, &current, &sha).await?,
    };
    guard_ref(&tx, &repo, viewer.user_id, &full, push).await?;
    objects::set_ref(&tx, repo.id, &full, &sha).await?;
    let moved = (Some(current.as_str()), sha.as_str());
    let woke = pulls::ref_moved(&tx, base, &repo, &full, moved, viewer.user_id).await?;
    let answer = refs_like(&tx, base, &repo, &full)
        .await?
        .into_iter()
        .find(|r| r["ref"] == full.as_str());
    scope.commit(tx, woke).await?;
    Ok(axum::Json(answer.unwrap_or(Value::Null)).into_response())
}

/// `DELETE /repos/{owner}/{repo}/git/refs/{ref}`: 204, 422 when it does not exist.
pub(crate) async fn delete_ref(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let reference = &scope.path;
    let full = format!("refs/{}", reference.trim_start_matches("refs/"));
    let (mut client, repo) = repo_for(&scope, Access::Write).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    guard_ref(&tx, &repo, viewer.user_id, &full, branches::Push::Delete).await?;
    let row = tx
        .query_opt(
            "DELETE FROM git_refs WHERE repo_id = $1 AND ref = $2 RETURNING sha",
            &[&repo.id, &full],
        )
        .await?
        .ok_or_else(|| ApiError::invalid("Reference does not exist"))?;
    let before: String = row.get(0);
    let woke = commits::announce_push(
        &tx,
        base,
        &repo,
        &full,
        Some(&before),
        commits::ZERO,
        viewer.user_id,
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(crate::req::no_content())
}
