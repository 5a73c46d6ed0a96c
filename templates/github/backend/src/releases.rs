//! Releases: create, list, get (by id, by tag, the latest), update, delete (their assets
//! are in `assets`). Publishing a release makes its tag
//! (`refs/tags/<tag_name>`) at the target when the tag is new, announced as a push; every
//! change is a `release` webhook (`created`, `published`, `released` or `prereleased`,
//! `edited`, `deleted`), as GitHub sends them.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query, Shape};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{commits, db, git, hooks, objects};

/// Who may see drafts: those who can push.
const DRAFTS: Access = Access::Write;

/// A release's JSON.
async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_release(rl, $2)::text FROM releases rl WHERE rl.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// The release of `repo` that `sql` selects by `key` (`$1`; the repository is `$2`) as its
/// `id` and `draft`: 404 when there is none, or when it is a draft the caller may not see.
pub(crate) async fn find(
    client: &impl GenericClient,
    repo: &Repo,
    sql: &str,
    key: &(dyn ToSql + Sync),
) -> ApiResult<i64> {
    let row = db::found(client, sql, &[key, &repo.id]).await?;
    if row.get::<_, bool>(1) && !repo.can(DRAFTS) {
        return Err(ApiError::not_found());
    }
    Ok(row.get(0))
}

/// The release the path's id names.
pub(crate) async fn by_id(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<i64> {
    const SQL: &str = "SELECT id, draft FROM releases WHERE id = $1 AND repo_id = $2";
    find(client, repo, SQL, &db::id::<i64>(id)?).await
}

/// 422 for a target that names no branch, tag or commit.
fn unknown_target() -> ApiError {
    ApiError::validation("Release", "target_commitish", "invalid")
}

/// `make_latest` (`"true"`, `"false"`, `"legacy"`), when given.
fn make_latest(body: &Body) -> ApiResult<Option<String>> {
    body.one_of("make_latest", &["true", "false", "legacy"], "Release")
}

/// Longest tag name taken (a longer one cannot be indexed, and no tool makes one).
const MAX_TAG: usize = 255;

/// The tag a body names, checked as a ref name.
fn tag_name(tag: &str) -> ApiResult<&str> {
    if tag.trim().is_empty() || tag.len() > MAX_TAG || !git::valid_ref(&format!("refs/tags/{tag}"))
    {
        return Err(ApiError::validation("Release", "tag_name", "invalid"));
    }
    Ok(tag)
}

/// Makes `refs/tags/<tag>` at the commit `target` names unless the tag exists; whether a
/// push was announced (wake the outbox after committing).
async fn make_tag(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    (tag, target): (&str, &str),
    sender: i64,
) -> ApiResult<bool> {
    let reference = format!("refs/tags/{tag}");
    if objects::ref_sha(client, repo.id, &reference)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let sha = objects::resolve(client, repo.id, target)
        .await?
        .ok_or_else(unknown_target)?;
    objects::set_ref(client, repo.id, &reference, &sha).await?;
    commits::announce_push(client, base, repo, &reference, None, &sha, sender).await
}

/// Sends `release` webhooks with `actions`, in order, about release `id`.
async fn announce(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    (id, actions): (i64, &[&str]),
    sender: i64,
    extra: &Map<String, Value>,
) -> ApiResult<bool> {
    let release = render(client, base, id).await?;
    let mut woke = false;
    for action in actions {
        let mut payload = hooks::payload(action, [("release", release.as_str())]);
        payload.extend(extra.clone());
        woke |= hooks::emit(client, base, repo.id, "release", sender, payload).await?;
    }
    Ok(woke)
}

/// What publishing announces after `created`: `published`, then `released` or
/// `prereleased`.
fn published(prerelease: bool) -> [&'static str; 2] {
    [
        "published",
        if prerelease {
            "prereleased"
        } else {
            "released"
        },
    ]
}

/// `GET /repos/{owner}/{repo}/releases`: newest first; drafts for those who can push.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "releases", &query),
        &Listing {
            from: "releases rl",
            alias: "rl",
            filter: "rl.repo_id = $1 AND (NOT rl.draft OR $2)",
            item: "gh_release(rl, $3)",
            order: "rl.created_at DESC, rl.id DESC",
        },
        &[&repo.id, &repo.can(DRAFTS), &scope.base()],
    )
    .await
}

/// What a release write takes and the clone does not act on (it has no discussions),
/// type-checked.
const UNUSED: &[(&str, Shape)] = &[("discussion_category_name", Shape::Str)];

/// `POST /repos/{owner}/{repo}/releases` (`tag_name`, `target_commitish`, `name`, `body`,
/// `draft`, `prerelease`, `make_latest`, `generate_release_notes`): 201.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let tag = tag_name(body.required("tag_name", "Release")?)?.to_owned();
    body.accepts(UNUSED)?;
    let draft = body.bool("draft")?.unwrap_or(false);
    let prerelease = body.bool("prerelease")?.unwrap_or(false);
    let latest = make_latest(&body)?.unwrap_or_else(|| "true".to_owned());
    let base = scope.base();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let target = body
        .str("target_commitish")?
        .unwrap_or(&repo.default_branch)
        .to_owned();
    let notes = match body.str("body")? {
        None if body.bool("generate_release_notes")? == Some(true) => Some(format!(
            "**Full Changelog**: {base}/{}/commits/{tag}",
            repo.full_name
        )),
        given => given.map(str::to_owned),
    };
    let tx = client.transaction().await?;
    if objects::resolve(&tx, repo.id, &target).await?.is_none() {
        return Err(unknown_target());
    }
    let mut woke = if draft {
        false
    } else {
        make_tag(&tx, base, &repo, (&tag, &target), viewer.user_id).await?
    };
    let id: i64 = tx
        .query_opt(
            "INSERT INTO releases (repo_id, tag_name, target_commitish, name, body, draft,
                                   prerelease, make_latest, author_id, published_at, latest_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
                     CASE WHEN NOT $6 THEN now() END, CASE WHEN NOT $6 THEN now() END)
             ON CONFLICT (repo_id, tag_name) DO NOTHING RETURNING id",
            &[
                &repo.id,
                &tag,
                &target,
                &body.str("name")?,
                &notes,
                &draft,
                &prerelease,
                &latest,
                &viewer.user_id,
            ],
        )
        .await?
        .ok_or_else(|| ApiError::validation("Release", "tag_name", "already_exists"))?
        .get(0);
    let actions: &[&str] = if draft {
        &["created"]
    } else {
        let [published, released] = published(prerelease);
        &["created", published, released]
    };
    woke |= announce(&tx, base, &repo, (id, actions), viewer.user_id, &Map::new()).await?;
    let answer = render(&tx, base, id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(answer))
}

/// `GET /repos/{owner}/{repo}/releases/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let id = by_id(&client, &repo, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `GET /repos/{owner}/{repo}/releases/latest`: the most recently published (or made
/// latest) release that is neither a draft, a prerelease, nor kept out by
/// `make_latest: "false"`; 404 when there is none.
pub(crate) async fn latest(scope: Scope) -> ApiResult {
    const SQL: &str = "SELECT id FROM releases
                       WHERE repo_id = $1 AND NOT draft AND NOT prerelease AND make_latest <> 'false'
                       ORDER BY latest_at DESC, id DESC LIMIT 1";
    let (client, repo) = scope.open().await?;
    let row = client
        .query_opt(SQL, &[&repo.id])
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(req::ok(render(&client, scope.base(), row.get(0)).await?))
}

/// `GET /repos/{owner}/{repo}/releases/tags/{tag}`: a published release only.
pub(crate) async fn by_tag(scope: Scope<String>) -> ApiResult {
    const SQL: &str =
        "SELECT id, false FROM releases WHERE tag_name = $1 AND repo_id = $2 AND NOT draft";
    let (client, repo) = scope.open().await?;
    let id = find(&client, &repo, SQL, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), id).await?))
}

/// `PATCH /repos/{owner}/{repo}/releases/{id}`: the fields given; publishing a draft
/// (`draft: false`) makes its tag and announces it.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let tag = body.str("tag_name")?.map(tag_name).transpose()?;
    body.accepts(UNUSED)?;
    let latest = make_latest(&body)?;
    let base = scope.base();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id = by_id(&client, &repo, &scope.path).await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_one(
            "SELECT tag_name, target_commitish, draft, name, body FROM releases WHERE id = $1 FOR UPDATE",
            &[&id],
        )
        .await?;
    let (was_tag, was_target, was_draft): (String, String, bool) =
        (row.get(0), row.get(1), row.get(2));
    let target = body.str("target_commitish")?.unwrap_or(&was_target);
    if objects::resolve(&tx, repo.id, target).await?.is_none() {
        return Err(unknown_target());
    }
    let tag = tag.unwrap_or(&was_tag);
    let draft = body.bool("draft")?.unwrap_or(was_draft);
    let publishing = was_draft && !draft;
    let mut woke = if draft {
        false
    } else {
        make_tag(&tx, base, &repo, (tag, target), viewer.user_id).await?
    };
    let updated = tx
        .execute(
            "UPDATE releases SET tag_name = $2, target_commitish = $3,
                 name = CASE WHEN $4 THEN $5 ELSE name END,
                 body = CASE WHEN $6 THEN $7 ELSE body END,
                 draft = $8, prerelease = coalesce($9, prerelease),
                 make_latest = coalesce($10, make_latest),
                 published_at = CASE WHEN $8 THEN NULL ELSE coalesce(published_at, now()) END,
                 latest_at = CASE WHEN $8 THEN NULL
                                  WHEN $10 = 'true' OR latest_at IS NULL THEN now()
                                  ELSE latest_at END,
                 updated_at = now()
             WHERE id = $1 AND NOT EXISTS (
                 SELECT 1 FROM releases o WHERE o.repo_id = $11 AND o.tag_name = $2 AND o.id <> $1)",
            &[
                &id,
                &tag,
                &target,
                &body.has("name"),
                &body.str("name")?,
                &body.has("body"),
                &body.str("body")?,
                &draft,
                &body.bool("prerelease")?,
                &latest,
                &repo.id,
            ],
        )
        .await?;
    if updated == 0 {
        return Err(ApiError::validation(
            "Release",
            "tag_name",
            "already_exists",
        ));
    }
    let prerelease: bool =
        db::value(&tx, "SELECT prerelease FROM releases WHERE id = $1", &[&id]).await?;
    let mut changes = Map::new();
    for (field, before, now) in [
        ("tag_name", Some(was_tag.as_str()), Some(tag)),
        ("name", row.get(3), body.str("name")?),
        ("body", row.get(4), body.str("body")?),
    ] {
        if body.has(field) && before != now {
            changes.insert(field.into(), serde_json::json!({ "from": before }));
        }
    }
    let mut extra = Map::new();
    let [published, released] = published(prerelease);
    let actions: &[&str] = if publishing {
        &[published, released]
    } else {
        extra.insert("changes".into(), Value::Object(changes));
        &["edited"]
    };
    woke |= announce(&tx, base, &repo, (id, actions), viewer.user_id, &extra).await?;
    let answer = render(&tx, base, id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(answer))
}

/// `DELETE /repos/{owner}/{repo}/releases/{id}`: 204; its tag stays.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let base = scope.base();
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id = by_id(&client, &repo, &scope.path).await?;
    let tx = client.transaction().await?;
    let woke = announce(
        &tx,
        base,
        &repo,
        (id, &["deleted"]),
        viewer.user_id,
        &Map::new(),
    )
    .await?;
    tx.execute("DELETE FROM releases WHERE id = $1", &[&id])
        .await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}
