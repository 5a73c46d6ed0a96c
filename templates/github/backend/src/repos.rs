//! Repositories: the model every `/repos/{owner}/{repo}/…` route resolves first (with the
//! caller's permission), and create (user and org, `auto_init`), get, update, delete and list.

use crate::req::Raw;
use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::error::{ApiError, ApiResult};
use crate::git::{Commit, Entry, Signature};
use crate::req::{self, Body, Listing, Page, Query, Shape};
use crate::scope::Scope;
use crate::viewer::{Caller, Person, Viewer};
use crate::{db, objects, users};

/// What a caller may do in a repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Access {
    /// See it.
    Read,
    /// Manage issues and pull requests.
    Triage,
    /// Push.
    Write,
    /// Administer.
    Admin,
}

/// A repository as a request resolved it.
#[derive(Debug, Clone)]
pub(crate) struct Repo {
    /// Its id.
    pub(crate) id: i64,
    /// `owner/name`.
    pub(crate) full_name: String,
    /// The default branch.
    pub(crate) default_branch: String,
    /// Whether it is archived (read-only).
    pub(crate) archived: bool,
    /// The caller's permission (`admin`, `maintain`, `write`, `triage`, `read`).
    pub(crate) permission: String,
}

impl Repo {
    /// Whether the caller has at least `access`.
    pub(crate) fn can(&self, access: Access) -> bool {
        let have = match self.permission.as_str() {
            "admin" => Access::Admin,
            "maintain" | "write" => Access::Write,
            "triage" => Access::Triage,
            _ => Access::Read,
        };
        have >= access
    }

    /// 403 unless the caller has `access` (and the repository is not archived for writes).
    pub(crate) fn require(&self, access: Access) -> ApiResult<()> {
        if !self.can(access) {
            return Err(ApiError::forbidden(match access {
                Access::Admin => "Must have admin rights to Repository.",
                _ => "Resource not accessible by personal access token",
            }));
        }
        if self.archived && access > Access::Read {
            return Err(ApiError::forbidden(
                "Repository was archived so is read-only.",
            ));
        }
        Ok(())
    }

    /// `/repos/{owner}/{repo}` below the clone's base.
    pub(crate) fn path(&self) -> String {
        format!("/repos/{}", self.full_name)
    }

    /// The repository's API URL (`{base}/repos/{owner}/{repo}`), which its resources'
    /// `url`s start with.
    pub(crate) fn url(&self, base: &str) -> String {
        format!("{base}{}", self.path())
    }
}

impl<P> Scope<P> {
    /// A pool connection and the path's repository as the caller sees it (404 when it
    /// cannot): what every `/repos/{owner}/{repo}/…` handler starts from.
    pub(crate) async fn open(&self) -> ApiResult<(Object, Repo)> {
        let client = self.kit.db().await?;
        let repo = find(&client, &self.owner, &self.name, self.viewer.as_ref()).await?;
        Ok((client, repo))
    }

    /// The page `query` asks for of the repository's list at `{repo}/{tail}`
    /// (`/repos/{owner}/{repo}/{tail}`).
    pub(crate) fn page<'a>(&'a self, repo: &Repo, tail: &str, query: &'a Query) -> Page<'a> {
        Page::new(self.base(), format!("{}/{tail}", repo.path()), query)
    }
}

/// Resolves `owner/name` for `viewer`: 404 when it does not exist or the caller cannot see
/// it (as GitHub hides private repositories).
pub(crate) async fn find(
    client: &impl GenericClient,
    owner: &str,
    name: &str,
    viewer: Option<&Viewer>,
) -> ApiResult<Repo> {
    const SQL: &str = "SELECT r.id, r.full_name, r.default_branch, r.archived,
                              gh_permission(r.id, $3)
                       FROM repos r JOIN users o ON o.id = r.owner_id
                       WHERE lower(o.login) = lower($1) AND lower(r.name) = lower($2)";
    let uid = viewer.map(|v| v.user_id);
    let Some(row) = db::row(client, SQL, &[&owner, &name, &uid]).await? else {
        return Err(moved(client, owner, name, uid).await?);
    };
    let permission: Option<String> = row.get(4);
    Ok(Repo {
        id: row.get(0),
        full_name: row.get(1),
        default_branch: row.get(2),
        archived: row.get(3),
        permission: permission.ok_or_else(ApiError::not_found)?,
    })
}

/// What a repository name that names none answers: a redirect to the repository renamed
/// from it, when the caller can see it ([`ApiError::moved`]), else 404.
async fn moved(
    client: &impl GenericClient,
    owner: &str,
    name: &str,
    uid: Option<i64>,
) -> ApiResult<ApiError> {
    const SQL: &str = "SELECT r.id FROM repo_renames m
                       JOIN users o ON o.id = m.owner_id JOIN repos r ON r.id = m.repo_id
                       WHERE lower(o.login) = lower($1) AND lower(m.name) = lower($2)
                         AND gh_permission(r.id, $3) IS NOT NULL";
    Ok(db::first::<i64>(client, SQL, &[&owner, &name, &uid])
        .await?
        .map_or_else(ApiError::not_found, ApiError::moved))
}

/// The repository's JSON as the caller sees it.
pub(crate) async fn render(
    client: &impl GenericClient,
    base: &str,
    id: i64,
    viewer: Option<&Viewer>,
) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_repo_full(r, $2, gh_permission(r.id, $3))::text FROM repos r WHERE r.id = $1";
    let uid = viewer.map(|v| v.user_id);
    Ok(db::value(client, SQL, &[&id, &base, &uid]).await?)
}

/// `GET /repos/{owner}/{repo}`.
pub(crate) async fn get(scope: Scope) -> ApiResult {
    let (client, repo) = scope.open().await?;
    Ok(req::ok(
        render(&client, scope.base(), repo.id, scope.viewer.as_ref()).await?,
    ))
}

/// Repository names keep letters, digits, `.`, `-` and `_`; anything else becomes `-`.
fn clean_name(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// `POST /user/repos`.
pub(crate) async fn create_for_user(
    State(kit): State<Kit>,
    Person(viewer): Person,
    Raw(bytes): Raw,
) -> ApiResult {
    let body = Body::parse(&bytes)?;
    req::non_null("POST", "/user/repos", &body)?;
    create(&kit, &viewer, viewer.user_id, &body).await
}

/// `POST /orgs/{org}/repos`.
pub(crate) async fn create_for_org(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(org): Path<String>,
    body: Body,
) -> ApiResult {
    let org_id = {
        let client = kit.db().await?;
        let org_id = users::org(&client, &org).await?;
        if !may_add_to(&client, &viewer, org_id).await? {
            return Err(ApiError::forbidden(
                "You need admin access to the organization before adding a repository to it.",
            ));
        }
        org_id
    };
    create(&kit, &viewer, org_id, &body).await
}

/// Whether `viewer` may add repositories to organization `org`: a member, or an app
/// installed on it.
pub(crate) async fn may_add_to(
    client: &impl GenericClient,
    viewer: &Viewer,
    org: i64,
) -> ApiResult<bool> {
    const INSTALLED: &str = "SELECT 1 FROM installations i JOIN apps a ON a.id = i.app_id
                             WHERE a.bot_user_id = $1 AND i.account_id = $2";
    if users::role(client, org, viewer.user_id).await?.is_some() {
        return Ok(true);
    }
    Ok(viewer.installation
        && db::first::<i32>(client, INSTALLED, &[&viewer.user_id, &org])
            .await?
            .is_some())
}

/// Whether a create or update body asks for a private repository (`visibility` first, then
/// `private`).
fn private(body: &Body) -> ApiResult<Option<bool>> {
    match body
        .one_of(
            "visibility",
            &["public", "private", "internal"],
            "Repository",
        )?
        .as_deref()
    {
        Some(visibility) => Ok(Some(visibility != "public")),
        None => body.bool("private"),
    }
}

/// A repository name as GitHub keeps it ([`clean_name`]); 422 when that is empty, `.`, `..`
/// or longer than 100 characters.
pub(crate) fn valid_name(name: &str) -> ApiResult<String> {
    let name = clean_name(name);
    if name.is_empty() || name.len() > 100 || name == "." || name == ".." {
        return Err(ApiError::custom("Repository", "name", "name is invalid"));
    }
    Ok(name)
}

async fn create(kit: &Kit, viewer: &Viewer, owner: i64, body: &Body) -> ApiResult {
    viewer.require_scope("repo", &["public_repo"])?;
    let name = valid_name(body.required("name", "Repository")?)?;
    let private = private(body)?.unwrap_or(false);
    body.accepts(UNUSED_SETTINGS)?;
    body.accepts(&[
        ("has_downloads", Shape::Bool),
        ("has_discussions", Shape::Bool),
        ("team_id", Shape::Int),
        ("gitignore_template", Shape::Str),
        ("license_template", Shape::Str),
        ("custom_properties", Shape::Object),
    ])?;
    let description = body.str("description")?;
    let homepage = body.str("homepage")?;
    let flag = |key: &str, default: bool| body.bool(key).map(|v| v.unwrap_or(default));
    let flags = [
        flag("has_issues", true)?,
        flag("has_projects", true)?,
        flag("has_wiki", true)?,
        flag("is_template", false)?,
        flag("allow_merge_commit", true)?,
        flag("allow_squash_merge", true)?,
        flag("allow_rebase_merge", true)?,
        flag("delete_branch_on_merge", false)?,
    ];
    let auto_init = flag("auto_init", false)?;
    let base = &kit.config().public_url;
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "INSERT INTO repos (owner_id, name, full_name, description, homepage, private,
                 has_issues, has_projects, has_wiki, is_template, allow_merge_commit,
                 allow_squash_merge, allow_rebase_merge, delete_branch_on_merge)
             SELECT $1, $2, o.login || '/' || $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
             FROM users o WHERE o.id = $1
             ON CONFLICT DO NOTHING RETURNING id",
            &[
                &owner,
                &name,
                &description,
                &homepage,
                &private,
                &flags[0],
                &flags[1],
                &flags[2],
                &flags[3],
                &flags[4],
                &flags[5],
                &flags[6],
                &flags[7],
            ],
        )
        .await?;
    let Some(row) = row else {
        return Err(name_taken());
    };
    let id: i64 = row.get(0);
    if auto_init {
        let readme = match description {
            Some(text) => format!("# {name}\n{text}"),
            None => format!("# {name}\n"),
        };
        initial_commit(&tx, id, viewer.user_id, readme.as_bytes()).await?;
    }
    let text = render(&tx, base, id, Some(viewer)).await?;
    tx.commit().await?;
    Ok(req::created(text))
}

/// 422 `Repository creation failed.`: the account has a repository of that name.
pub(crate) fn name_taken() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "Repository creation failed.",
    )
    .with_error(serde_json::json!({
        "resource": "Repository", "code": "custom", "field": "name",
        "message": "name already exists on this account"
    }))
}

/// Commits `README.md` holding `readme` as the first commit on `main`.
async fn initial_commit(
    client: &impl GenericClient,
    repo: i64,
    user: i64,
    readme: &[u8],
) -> ApiResult<String> {
    let blob = objects::put(client, repo, "blob", readme).await?;
    let mut entries = vec![Entry {
        mode: "100644".into(),
        name: "README.md".into(),
        sha: blob,
    }];
    let tree = objects::put(client, repo, "tree", &crate::git::encode_tree(&mut entries)).await?;
    let signature = signature(client, user).await?;
    let commit = Commit {
        tree,
        parents: Vec::new(),
        author: signature.clone(),
        committer: signature,
        message: "Initial commit".into(),
    };
    let sha = objects::put_commit(client, repo, &commit).await?;
    objects::set_ref(client, repo, "refs/heads/main", &sha).await?;
    client
        .execute("UPDATE repos SET pushed_at = now() WHERE id = $1", &[&repo])
        .await?;
    Ok(sha)
}

/// A user's commit signature now: their name (or login) and email (or a noreply address).
pub(crate) async fn signature(client: &impl GenericClient, user: i64) -> ApiResult<Signature> {
    let statement = client
        .prepare_cached(
            "SELECT coalesce(name, login), coalesce(email, id || '+' || login || '@users.noreply.github.com')
             FROM users WHERE id = $1",
        )
        .await?;
    let row = client.query_one(&statement, &[&user]).await?;
    Ok(Signature {
        name: row.get(0),
        email: row.get(1),
        when: crate::time::now(),
    })
}

/// The settings a repository create or update takes and the clone does not keep (its
/// answers show GitHub's defaults for them), type-checked.
const UNUSED_SETTINGS: &[(&str, Shape)] = &[
    ("security_and_analysis", Shape::Object),
    ("has_pull_requests", Shape::Bool),
    ("pull_request_creation_policy", Shape::Str),
    ("allow_auto_merge", Shape::Bool),
    ("allow_update_branch", Shape::Bool),
    ("use_squash_pr_title_as_default", Shape::Bool),
    ("squash_merge_commit_title", Shape::Str),
    ("squash_merge_commit_message", Shape::Str),
    ("merge_commit_title", Shape::Str),
    ("merge_commit_message", Shape::Str),
    ("allow_forking", Shape::Bool),
    ("web_commit_signoff_required", Shape::Bool),
];

/// `PATCH /repos/{owner}/{repo}`.
pub(crate) async fn update(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    if !repo.can(Access::Admin) {
        return Err(ApiError::forbidden("Must have admin rights to Repository."));
    }
    let new_name = body.str("name")?.map(valid_name).transpose()?;
    let private = private(&body)?;
    body.accepts(UNUSED_SETTINGS)?;
    let text = |key: &str| body.str(key).map(|v| v.map(str::to_owned));
    let bools: Vec<Option<bool>> = [
        "has_issues",
        "has_projects",
        "has_wiki",
        "is_template",
        "archived",
        "allow_merge_commit",
        "allow_squash_merge",
        "allow_rebase_merge",
        "delete_branch_on_merge",
    ]
    .iter()
    .map(|key| body.bool(key))
    .collect::<ApiResult<_>>()?;
    let default_branch = text("default_branch")?;
    let tx = client.transaction().await?;
    if let Some(branch) = &default_branch
        && objects::ref_sha(&tx, repo.id, &format!("refs/heads/{branch}"))
            .await?
            .is_none()
    {
        return Err(ApiError::custom(
            "Repository",
            "default_branch",
            &format!(
                "The branch {branch} was not found. Please push that ref first or create it via the Git Data API."
            ),
        ));
    }
    let updated = tx
        .execute(
            "UPDATE repos r SET
                 name = coalesce($2, r.name),
                 full_name = (SELECT login FROM users WHERE id = r.owner_id) || '/' || coalesce($2, r.name),
                 description = CASE WHEN $3 THEN $4 ELSE r.description END,
                 homepage = CASE WHEN $5 THEN $6 ELSE r.homepage END,
                 private = coalesce($7, r.private),
                 has_issues = coalesce($8, r.has_issues),
                 has_projects = coalesce($9, r.has_projects),
                 has_wiki = coalesce($10, r.has_wiki),
                 is_template = coalesce($11, r.is_template),
                 archived = coalesce($12, r.archived),
                 allow_merge_commit = coalesce($13, r.allow_merge_commit),
                 allow_squash_merge = coalesce($14, r.allow_squash_merge),
                 allow_rebase_merge = coalesce($15, r.allow_rebase_merge),
                 delete_branch_on_merge = coalesce($16, r.delete_branch_on_merge),
                 default_branch = coalesce($17, r.default_branch),
                 updated_at = now()
             WHERE r.id = $1
               AND NOT EXISTS (SELECT 1 FROM repos o WHERE o.owner_id = r.owner_id
                               AND lower(o.name) = lower($2) AND o.id <> r.id)",
            &[
                &repo.id, &new_name, &body.has("description"), &text("description")?,
                &body.has("homepage"), &text("homepage")?, &private, &bools[0], &bools[1],
                &bools[2], &bools[3], &bools[4], &bools[5], &bools[6], &bools[7], &bools[8],
                &default_branch,
            ],
        )
        .await?;
    if updated == 0 {
        return Err(ApiError::custom(
            "Repository",
            "name",
            "name already exists on this account",
        ));
    }
    if default_branch.is_some() {
        objects::refresh_language(&tx, repo.id, None).await?;
    }
    let text = render(&tx, scope.base(), repo.id, Some(&viewer)).await?;
    tx.commit().await?;
    Ok(req::ok(text))
}

/// `GET /repos/{owner}/{repo}/languages`: bytes per language on the default branch, most
/// first (`{}` for an empty repository or one with no counted files; see `linguist`).
pub(crate) async fn languages(scope: Scope) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let head = format!("refs/heads/{}", repo.default_branch);
    let mut answer = serde_json::Map::new();
    if let Some(sha) = objects::ref_sha(&client, repo.id, &head).await? {
        for (language, bytes) in objects::languages(&client, repo.id, &sha).await? {
            answer.insert(language.into(), bytes.into());
        }
    }
    Ok(req::ok(serde_json::Value::Object(answer).to_string()))
}

/// `DELETE /repos/{owner}/{repo}`: admin and the `delete_repo` scope.
pub(crate) async fn delete(scope: Scope, viewer: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    if !repo.can(Access::Admin) {
        return Err(ApiError::forbidden("Must have admin rights to Repository."));
    }
    viewer.require_scope("delete_repo", &[])?;
    client
        .execute("DELETE FROM repos WHERE id = $1", &[&repo.id])
        .await?;
    Ok(req::no_content())
}

/// Which repositories a list shows.
enum Whose {
    /// `GET /user/repos`: what the caller owns, collaborates on or sees through its orgs.
    Mine(i64),
    /// `GET /orgs/{org}/repos` and `GET /users/{u}/repos`: one owner's.
    Owner(i64),
}

async fn list(
    kit: &Kit,
    viewer: Option<&Viewer>,
    whose: Whose,
    path: &str,
    query: &Query,
) -> ApiResult {
    let sort = match query.get("sort").unwrap_or(match whose {
        Whose::Mine(_) => "full_name",
        Whose::Owner(_) => "created",
    }) {
        "created" => "r.created_at",
        "updated" => "r.updated_at",
        "pushed" => "coalesce(r.pushed_at, r.created_at)",
        "full_name" => "lower(r.full_name)",
        _ => return Err(ApiError::validation("Repository", "sort", "invalid")),
    };
    let direction = query.direction(
        "Repository",
        if sort.contains("full_name") {
            "ASC"
        } else {
            "DESC"
        },
    )?;
    // (private, fork): what `visibility` or `type` keeps.
    let (visibility, forks) = match query.get("visibility").or(query.get("type")) {
        None | Some("all" | "owner" | "member") => (None, None),
        Some("public") => (Some(false), None),
        Some("private") => (Some(true), None),
        Some("forks") => (None, Some(true)),
        Some("sources") => (None, Some(false)),
        Some(_) => return Err(ApiError::validation("Repository", "type", "invalid")),
    };
    let (subject, mine) = match whose {
        Whose::Mine(uid) => (uid, true),
        Whose::Owner(id) => (id, false),
    };
    let uid = viewer.map(|v| v.user_id);
    let filter = "($1 AND (r.owner_id = $2
                      OR EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = $2)
                      OR EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = r.owner_id AND m.user_id = $2)
                      OR EXISTS (SELECT 1 FROM installations i JOIN apps a ON a.id = i.app_id
                                 WHERE a.bot_user_id = $2 AND i.account_id = r.owner_id))
                   OR (NOT $1 AND r.owner_id = $2))
                  AND gh_permission(r.id, $3) IS NOT NULL
                  AND ($4::bool IS NULL OR r.private = $4)
                  AND ($6::bool IS NULL OR (r.parent_id IS NOT NULL) = $6)";
    let client = kit.db().await?;
    req::list(
        &client,
        &Page::new(&kit.config().public_url, path, query),
        &Listing {
            from: "repos r",
            alias: "r",
            filter,
            item: "gh_repo(r, $5, gh_permission(r.id, $3))",
            order: &format!("{sort} {direction}, r.id"),
        },
        &[
            &mine,
            &subject,
            &uid,
            &visibility,
            &kit.config().public_url,
            &forks,
        ],
    )
    .await
}

/// `GET /user/repos`.
pub(crate) async fn list_mine(
    State(kit): State<Kit>,
    Person(viewer): Person,
    query: Query,
) -> ApiResult {
    list(
        &kit,
        Some(&viewer),
        Whose::Mine(viewer.user_id),
        "/user/repos",
        &query,
    )
    .await
}

/// `GET /orgs/{org}/repos` and `GET /users/{username}/repos`.
pub(crate) async fn list_owner(
    State(kit): State<Kit>,
    Caller(viewer): Caller,
    Path(login): Path<String>,
    uri: axum::http::Uri,
    query: Query,
) -> ApiResult {
    let owner = users::id(&kit, &login).await?;
    list(
        &kit,
        viewer.as_ref(),
        Whose::Owner(owner),
        uri.path(),
        &query,
    )
    .await
}

/// `GET /repos/{owner}/{repo}/topics`.
pub(crate) async fn topics(scope: Scope) -> ApiResult {
    const SQL: &str = "SELECT json_build_object('names', topics)::text FROM repos WHERE id = $1";
    let (client, repo) = scope.open().await?;
    Ok(req::ok(db::value(&client, SQL, &[&repo.id]).await?))
}

/// `PUT /repos/{owner}/{repo}/topics`: lowercase letters, digits and hyphens, at most 50
/// characters each and 20 in all.
pub(crate) async fn set_topics(scope: Scope, _signed_in: Viewer, body: Body) -> ApiResult {
    const SQL: &str = "UPDATE repos SET topics = $2, updated_at = now() WHERE id = $1
                       RETURNING json_build_object('names', topics)::text";
    let Some(names) = body.strings("names")? else {
        return Err(ApiError::invalid(
            "Invalid request.\n\n\"names\" wasn't supplied.",
        ));
    };
    let mut names: Vec<String> = names.iter().map(|n| n.trim().to_lowercase()).collect();
    names.dedup();
    let valid = |t: &String| {
        !t.is_empty()
            && t.len() <= 50
            && !t.starts_with('-')
            && t.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if names.len() > 20 || !names.iter().all(valid) {
        return Err(ApiError::validation("Repository", "topics", "invalid"));
    }
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    Ok(req::ok(db::value(&client, SQL, &[&repo.id, &names]).await?))
}
