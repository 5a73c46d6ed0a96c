//! Branches (list with `protected`, get) and their protection:
//! `GET/PUT/DELETE /repos/{owner}/{repo}/branches/{branch}/protection` and its parts (`required_status_checks` with `contexts`, `required_pull_request_reviews`,
//! `enforce_admins`, `restrictions`, `required_signatures`), and the rules the clone enforces
//! with them: merges into a protected branch ([`check_merge`]) and pushes to one
//! ([`check_push`]). An administrator is bound only when `enforce_admins` is on.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use crate::commits;
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query, Raw};
use crate::requirements::{Required, expected, unmet};
use crate::rulesets;
pub(crate) use crate::rulesets::Push;
use crate::scope::Scope;
use crate::users;
use crate::viewer::Viewer;

/// The protection flags GitHub answers as `{"enabled": …}`, in its order after `enforce_admins`
/// (`restrictions` comes between `allow_deletions` and the rest).
const FLAGS: [&str; 7] = [
    "required_linear_history",
    "allow_force_pushes",
    "allow_deletions",
    "required_conversation_resolution",
    "block_creations",
    "lock_branch",
    "allow_fork_syncing",
];

/// A protected branch's settings, as stored.
struct Protection {
    strict: Option<bool>,
    checks: Value,
    enforce_admins: bool,
    reviews: Option<Value>,
    /// Who may push, when pushes are restricted.
    push: Option<Allowed>,
    /// `restrictions.users`, `.teams` and `.apps`, rendered.
    allowances: Value,
    flags: [bool; 7],
    signatures: bool,
}

impl Protection {
    /// The protection of `branch`, if it has one.
    async fn load(
        client: &impl GenericClient,
        base: &str,
        repo: i64,
        branch: &str,
    ) -> ApiResult<Option<Self>> {
        const SQL: &str = "SELECT strict, checks::text, enforce_admins, reviews::text, push_users,
                                  gh_push_allowances(p, $3)::text,
                                  required_linear_history, allow_force_pushes, allow_deletions,
                                  required_conversation_resolution, block_creations, lock_branch,
                                  allow_fork_syncing, required_signatures, push_apps, push_teams
                           FROM branch_protections p WHERE repo_id = $1 AND branch = $2";
        let Some(row) = db::row(client, SQL, &[&repo, &branch, &base]).await? else {
            return Ok(None);
        };
        let json = |i: usize| -> Option<Value> {
            row.get::<_, Option<String>>(i)
                .and_then(|text| serde_json::from_str(&text).ok())
        };
        Ok(Some(Self {
            strict: row.get(0),
            checks: json(1).unwrap_or_default(),
            enforce_admins: row.get(2),
            reviews: json(3),
            push: row.get::<_, Option<Vec<i64>>>(4).map(|users| Allowed {
                users,
                teams: row.get::<_, Option<_>>(15).unwrap_or_default(),
                apps: row.get::<_, Option<_>>(14).unwrap_or_default(),
            }),
            allowances: json(5).unwrap_or_default(),
            flags: std::array::from_fn(|i| row.get(6 + i)),
            signatures: row.get(13),
        }))
    }

    /// The required contexts.
    fn contexts(&self) -> Vec<String> {
        self.checks
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c["context"].as_str().map(str::to_owned))
            .collect()
    }

    /// `required_status_checks` at the protection's URL `url`, when checks are required.
    fn status_checks(&self, url: &str) -> Option<Value> {
        let strict = self.strict?;
        let url = format!("{url}/required_status_checks");
        Some(json!({
            "url": url,
            "strict": strict,
            "contexts": self.contexts(),
            "contexts_url": format!("{url}/contexts"),
            "checks": self.checks,
        }))
    }

    /// `required_pull_request_reviews`, when reviews are required.
    fn required_reviews(&self, url: &str) -> Option<Value> {
        let reviews = self.reviews.as_ref()?;
        let mut answer = Map::new();
        answer.insert(
            "url".into(),
            json!(format!("{url}/required_pull_request_reviews")),
        );
        for key in [
            "dismiss_stale_reviews",
            "require_code_owner_reviews",
            "required_approving_review_count",
            "require_last_push_approval",
        ] {
            answer.insert(key.into(), reviews[key].clone());
        }
        Some(Value::Object(answer))
    }

    /// `restrictions`, when pushes are restricted.
    fn restrictions(&self, url: &str) -> Option<Value> {
        self.push.as_ref()?;
        let url = format!("{url}/restrictions");
        Some(json!({
            "url": url,
            "users_url": format!("{url}/users"),
            "teams_url": format!("{url}/teams"),
            "apps_url": format!("{url}/apps"),
            "users": self.allowances["users"],
            "teams": self.allowances["teams"],
            "apps": self.allowances["apps"],
        }))
    }

    /// `required_signatures`.
    fn signatures(&self, url: &str) -> Value {
        json!({ "url": format!("{url}/required_signatures"), "enabled": self.signatures })
    }

    /// `enforce_admins`.
    fn enforce_admins(&self, url: &str) -> Value {
        json!({ "url": format!("{url}/enforce_admins"), "enabled": self.enforce_admins })
    }

    /// The whole protection, in GitHub's key order (absent parts left out).
    fn render(&self, url: &str) -> Value {
        let mut answer = Map::new();
        answer.insert("url".into(), json!(url));
        let mut part = |key: &str, value: Option<Value>| {
            if let Some(value) = value {
                answer.insert(key.into(), value);
            }
        };
        part("required_status_checks", self.status_checks(url));
        part("required_pull_request_reviews", self.required_reviews(url));
        part("required_signatures", Some(self.signatures(url)));
        part("enforce_admins", Some(self.enforce_admins(url)));
        for (i, (flag, enabled)) in FLAGS.iter().zip(self.flags).enumerate() {
            if i == 3 {
                part("restrictions", self.restrictions(url));
            }
            part(flag, Some(json!({ "enabled": enabled })));
        }
        Value::Object(answer)
    }
}

/// A branch's `protected` and `protection` (`GET …/branches/{branch}`).
async fn summary(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    branch: &str,
) -> ApiResult<(bool, Value)> {
    let Some(p) = Protection::load(client, base, repo, branch).await? else {
        let off = json!({ "enforcement_level": "off", "contexts": [], "checks": [] });
        return Ok((
            false,
            json!({ "enabled": false, "required_status_checks": off }),
        ));
    };
    let level = match (p.strict.is_some(), p.enforce_admins) {
        (false, _) => "off",
        (true, false) => "non_admins",
        (true, true) => "everyone",
    };
    let checks =
        json!({ "enforcement_level": level, "contexts": p.contexts(), "checks": p.checks });
    Ok((
        true,
        json!({ "enabled": true, "required_status_checks": checks }),
    ))
}

/// A `/branches/{*rest}` path: the branch and the protection part asked for (`None` for the
/// branch itself, `Some("")` for the whole protection).
pub(crate) fn split(rest: &str) -> (&str, Option<&str>) {
    match rest.split_once("/protection") {
        Some((branch, part)) if part.is_empty() || part.starts_with('/') => {
            (branch, Some(part.trim_start_matches('/')))
        }
        _ => (rest, None),
    }
}

/// What a protection route works on: the repository, the branch and the protection's URL.
struct Target {
    client: asym_kit::deadpool_postgres::Object,
    repo: Repo,
    branch: String,
    url: String,
}

impl Target {
    /// Resolves the route's repository and branch (404 `Branch not found`), requiring `access`.
    async fn open(scope: &Scope<String>, branch: &str, access: Access) -> ApiResult<Self> {
        let (client, repo) = scope.open().await?;
        repo.require(access)?;
        crate::objects::ref_sha(&client, repo.id, &format!("refs/heads/{branch}"))
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Branch not found"))?;
        let url = format!("{}/branches/{branch}/protection", repo.url(scope.base()));
        Ok(Self {
            client,
            repo,
            branch: branch.to_owned(),
            url,
        })
    }

    /// The branch's protection; 404 `Branch not protected` without one.
    async fn protection(&self, base: &str) -> ApiResult<Protection> {
        Protection::load(&self.client, base, self.repo.id, &self.branch)
            .await?
            .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Branch not protected"))
    }

    /// Runs `sql` (`$1` the repository, `$2` the branch, then `params`) on the protection;
    /// 404 `Branch not protected` when it has none.
    async fn update(&self, sql: &str, params: &[&ToSqlSync]) -> ApiResult<()> {
        let mut all: Vec<&ToSqlSync> = vec![&self.repo.id, &self.branch];
        all.extend_from_slice(params);
        if db::execute(&self.client, sql, &all).await? == 0 {
            return Err(ApiError::new(StatusCode::NOT_FOUND, "Branch not protected"));
        }
        Ok(())
    }
}

type ToSqlSync = dyn asym_kit::tokio_postgres::types::ToSql + Sync;

/// `GET /repos/{owner}/{repo}/branches` (`protected`: only the protected branches, or only
/// the others).
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let protected = query.get("protected").map(|v| v == "true" || v == "1");
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "branches", &query),
        &Listing {
            from: "git_refs r",
            alias: "r",
            filter: "r.repo_id = $1 AND r.ref LIKE 'refs/heads/%'
                     AND ($3::bool IS NULL OR $3 = EXISTS (SELECT 1 FROM branch_protections p
                              WHERE p.repo_id = r.repo_id AND p.branch = substr(r.ref, 12)))",
            item: "json_build_object('name', substr(r.ref, 12),
                       'commit', json_build_object('sha', r.sha, 'url', $2 || '/commits/' || r.sha),
                       'protected', EXISTS (SELECT 1 FROM branch_protections p
                                            WHERE p.repo_id = r.repo_id AND p.branch = substr(r.ref, 12)))",
            order: "r.ref",
        },
        &[&repo.id, &repo.url(scope.base()), &protected],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/tags`: each tag with the commit it names (an annotated tag's
/// object followed to its commit), the archive URLs GitHub lists (the clone does not serve
/// archives), newest name first; paginated with `Link`.
pub(crate) async fn tags(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "tags", &query),
        &Listing {
            from: "git_refs r",
            alias: "r",
            filter: "r.repo_id = $1 AND r.ref LIKE 'refs/tags/%'",
            item: "(SELECT json_build_object('name', substr(r.ref, 11),
                        'zipball_url', $2 || '/zipball/refs/tags/' || substr(r.ref, 11),
                        'tarball_url', $2 || '/tarball/refs/tags/' || substr(r.ref, 11),
                        'commit', json_build_object('sha', c.sha, 'url', $2 || '/commits/' || c.sha),
                        'node_id', translate(encode(convert_to('04:Ref' || r.repo_id || ':' || r.ref, 'UTF8'), 'base64'), E'\n', ''))
                    FROM (SELECT coalesce((SELECT substr(convert_from(o.data, 'UTF8'), 8, 40)
                                           FROM git_objects o
                                           WHERE o.repo_id = r.repo_id AND o.sha = r.sha AND o.type = 'tag'),
                                          r.sha) AS sha) c)",
            order: "r.ref DESC",
        },
        &[&repo.id, &repo.url(scope.base())],
    )
    .await
}

/// `GET /repos/{owner}/{repo}/branches/{branch}`.
pub(crate) async fn branch(scope: &Scope<String>, branch: &str) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let sha = crate::objects::ref_sha(&client, repo.id, &format!("refs/heads/{branch}"))
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "Branch not found"))?;
    let base = scope.base();
    let commit = commits::render(&client, base, &repo, &sha).await?;
    let (protected, protection) = summary(&client, base, repo.id, branch).await?;
    let url = format!("{base}{}/branches/{branch}", repo.path());
    Ok(axum::Json(json!({
        "name": branch,
        "commit": commit,
        "_links": { "self": url, "html": format!("{base}/{}/tree/{branch}", repo.full_name) },
        "protected": protected,
        "protection": protection,
        "protection_url": format!("{url}/protection"),
    }))
    .into_response())
}

/// `GET …/branches/{branch}` and `GET …/branches/{branch}/protection[/part]`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let rest = scope.path.clone();
    let (branch, Some(part)) = split(&rest) else {
        return self::branch(&scope, &rest).await;
    };
    let target = Target::open(&scope, branch, Access::Read).await?;
    let p = target.protection(scope.base()).await?;
    let url = &target.url;
    let answer = match part {
        "" => Some(p.render(url)),
        "required_status_checks" => Some(
            p.status_checks(url)
                .ok_or_else(|| not_enabled("Required status checks"))?,
        ),
        "required_status_checks/contexts" => Some(json!(p.contexts())),
        "required_pull_request_reviews" => Some(
            p.required_reviews(url)
                .ok_or_else(|| not_enabled("Required pull request reviews"))?,
        ),
        "enforce_admins" => Some(p.enforce_admins(url)),
        "required_signatures" => Some(p.signatures(url)),
        "restrictions" => Some(
            p.restrictions(url)
                .ok_or_else(|| not_enabled("Push restrictions"))?,
        ),
        "restrictions/users" | "restrictions/teams" | "restrictions/apps" => {
            let key = part.trim_start_matches("restrictions/");
            let restrictions = p
                .restrictions(url)
                .ok_or_else(|| not_enabled("Push restrictions"))?;
            Some(restrictions[key].clone())
        }
        _ => None,
    };
    answer
        .map(|a| axum::Json(a).into_response())
        .ok_or_else(ApiError::not_found)
}

/// 404 `<what> not enabled`.
fn not_enabled(what: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, format!("{what} not enabled"))
}

/// `PUT …/branches/{branch}/protection`: the four required keys (`required_status_checks`,
/// `enforce_admins`, `required_pull_request_reviews`, `restrictions`, each may be `null`) and
/// the optional flags; replaces the branch's protection. 200 with it.
pub(crate) async fn put(scope: Scope<String>, _signed_in: Viewer, Raw(bytes): Raw) -> ApiResult {
    let rest = scope.path.clone();
    let (branch, Some(part)) = split(&rest) else {
        return Err(ApiError::not_found());
    };
    if !part.is_empty() {
        return allowances(&scope, branch, part, &bytes, Edit::Replace).await;
    }
    let body = Body::parse(&bytes)?;
    for key in [
        "required_status_checks",
        "enforce_admins",
        "required_pull_request_reviews",
        "restrictions",
    ] {
        if !body.has(key) {
            return Err(ApiError::invalid(format!(
                "Invalid request.\n\n\"{key}\" wasn't supplied."
            )));
        }
    }
    let target = Target::open(&scope, branch, Access::Admin).await?;
    let (strict, checks) = match body.object("required_status_checks")? {
        Some(map) => {
            let (strict, checks) = status_checks(&Body(map.clone()), None)?;
            (Some(strict), checks)
        }
        None => (None, json!([])),
    };
    let reviews = body
        .object("required_pull_request_reviews")?
        .map(|map| required_reviews(&Body(map.clone()), &json!({})).map(|r| r.to_string()))
        .transpose()?;
    let checks = checks.to_string();
    let push = match body.object("restrictions")? {
        Some(map) => Some(restrictions(&target, &Body(map.clone())).await?),
        None => None,
    };
    let (push_users, push_teams, push_apps) = match push {
        Some(Allowed { users, teams, apps }) => (Some(users), Some(teams), Some(apps)),
        None => (None, None, None),
    };
    let flags: Vec<bool> = FLAGS
        .iter()
        .map(|f| body.bool(f).map(Option::unwrap_or_default))
        .collect::<ApiResult<_>>()?;
    let enforce_admins = body.bool("enforce_admins")?.unwrap_or(false);
    const SQL: &str = "
        INSERT INTO branch_protections (repo_id, branch, strict, checks, enforce_admins, reviews,
            push_users, push_apps, required_linear_history, allow_force_pushes, allow_deletions,
            required_conversation_resolution, block_creations, lock_branch, allow_fork_syncing,
            push_teams)
        VALUES ($1, $2, $3, $4::text::jsonb, $5, $6::text::jsonb, $7, $8, $9, $10, $11, $12, $13,
                $14, $15, $16)
        ON CONFLICT (repo_id, branch) DO UPDATE SET strict = $3, checks = $4::text::jsonb,
            enforce_admins = $5, reviews = $6::text::jsonb, push_users = $7, push_apps = $8, required_linear_history = $9,
            allow_force_pushes = $10, allow_deletions = $11,
            required_conversation_resolution = $12, block_creations = $13, lock_branch = $14,
            allow_fork_syncing = $15, push_teams = $16";
    let mut params: Vec<&ToSqlSync> = vec![
        &target.repo.id,
        &target.branch,
        &strict,
        &checks,
        &enforce_admins,
        &reviews,
        &push_users,
        &push_apps,
    ];
    params.extend(flags.iter().map(|flag| flag as &ToSqlSync));
    params.push(&push_teams);
    db::execute(&target.client, SQL, &params).await?;
    let p = target.protection(scope.base()).await?;
    Ok(axum::Json(p.render(&target.url)).into_response())
}

/// `PATCH …/protection/required_status_checks` and `…/required_pull_request_reviews`: changes
/// the keys given; 200 with the part.
pub(crate) async fn patch(scope: Scope<String>, _signed_in: Viewer, body: Body) -> ApiResult {
    let rest = scope.path.clone();
    let (branch, Some(part)) = split(&rest) else {
        return Err(ApiError::not_found());
    };
    let target = Target::open(&scope, branch, Access::Admin).await?;
    let p = target.protection(scope.base()).await?;
    match part {
        "required_status_checks" => {
            p.strict
                .ok_or_else(|| not_enabled("Required status checks"))?;
            let (strict, checks) = status_checks(&body, Some(&p))?;
            const SQL: &str = "UPDATE branch_protections SET strict = $3, checks = $4::text::jsonb WHERE repo_id = $1 AND branch = $2";
            target.update(SQL, &[&strict, &checks.to_string()]).await?;
        }
        "required_pull_request_reviews" => {
            let now = p
                .reviews
                .as_ref()
                .ok_or_else(|| not_enabled("Required pull request reviews"))?;
            let reviews = required_reviews(&body, now)?.to_string();
            const SQL: &str = "UPDATE branch_protections SET reviews = $3::text::jsonb WHERE repo_id = $1 AND branch = $2";
            target.update(SQL, &[&reviews]).await?;
        }
        _ => return Err(ApiError::not_found()),
    }
    let p = target.protection(scope.base()).await?;
    let answer = match part {
        "required_status_checks" => p.status_checks(&target.url),
        _ => p.required_reviews(&target.url),
    };
    Ok(axum::Json(answer).into_response())
}

/// `POST …/protection/enforce_admins` and `…/required_signatures`: turns it on; 200 with it.
/// `POST …/restrictions/users`, `…/teams` and `…/apps`: adds to them; 200 with the list.
/// (A rename, `POST …/branches/{branch}/rename`, is `branch_rename`'s, which routes here the
/// rest.)
pub(crate) async fn post(scope: Scope<String>, Raw(bytes): Raw) -> ApiResult {
    let rest = scope.path.clone();
    let (branch, Some(part)) = split(&rest) else {
        return Err(ApiError::not_found());
    };
    let set = match part {
        "enforce_admins" => "enforce_admins = true",
        "required_signatures" => "required_signatures = true",
        _ => return allowances(&scope, branch, part, &bytes, Edit::Add).await,
    };
    let target = Target::open(&scope, branch, Access::Admin).await?;
    let sql = format!("UPDATE branch_protections SET {set} WHERE repo_id = $1 AND branch = $2");
    target.update(&sql, &[]).await?;
    let p = target.protection(scope.base()).await?;
    Ok(axum::Json(match part {
        "enforce_admins" => p.enforce_admins(&target.url),
        _ => p.signatures(&target.url),
    })
    .into_response())
}

/// How a `…/restrictions/users|teams|apps` write changes the list.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    /// `POST`: adds the names.
    Add,
    /// `PUT`: replaces the list with them.
    Replace,
    /// `DELETE`: removes them.
    Remove,
}

/// `POST/PUT/DELETE …/protection/restrictions/users`, `…/teams` and `…/apps` (a bare array of
/// logins or slugs, or `{"users": […]}` / `{"teams": […]}` / `{"apps": […]}`): 200 with the
/// list after the change; 404 `Push restrictions not enabled` without restrictions.
async fn allowances(
    scope: &Scope<String>,
    branch: &str,
    part: &str,
    bytes: &axum::body::Bytes,
    edit: Edit,
) -> ApiResult {
    if part == "required_status_checks/contexts" {
        return contexts(scope, branch, bytes, edit).await;
    }
    let Some(key @ ("users" | "teams" | "apps")) = part.strip_prefix("restrictions/") else {
        return Err(ApiError::not_found());
    };
    let names = names_in(bytes, key)?;
    let target = Target::open(scope, branch, Access::Admin).await?;
    let p = target.protection(scope.base()).await?;
    let Some(now) = p.push else {
        return Err(not_enabled("Push restrictions"));
    };
    let given = Body(Map::from_iter([(key.to_owned(), json!(names))]));
    let given = restrictions(&target, &given).await?;
    let Allowed { users, teams, apps } = now.edited(key, given, edit);
    const SQL: &str = "UPDATE branch_protections SET push_users = $3, push_teams = $4,
                       push_apps = $5 WHERE repo_id = $1 AND branch = $2";
    target.update(SQL, &[&users, &teams, &apps]).await?;
    let p = target.protection(scope.base()).await?;
    Ok(axum::Json(p.allowances[key].clone()).into_response())
}

/// The names a list write gives: a bare array, or the array under `key` (`{"users": […]}`).
fn names_in(bytes: &axum::body::Bytes, key: &str) -> ApiResult<Vec<String>> {
    let names = match serde_json::from_slice::<Value>(bytes).map_err(|_| ApiError::bad_json())? {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove(key) {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        },
        _ => return Err(ApiError::bad_json()),
    };
    Ok(names
        .iter()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect())
}

/// `POST/PUT/DELETE …/protection/required_status_checks/contexts` (a bare array of contexts,
/// or `{"contexts": […]}`): adds, replaces or removes required checks by context (a check
/// kept keeps its `app_id`; one added has none); 200 with the contexts after the change; 404
/// `Required status checks not enabled` without required checks.
async fn contexts(
    scope: &Scope<String>,
    branch: &str,
    bytes: &axum::body::Bytes,
    edit: Edit,
) -> ApiResult {
    let names = names_in(bytes, "contexts")?;
    let target = Target::open(scope, branch, Access::Admin).await?;
    let p = target.protection(scope.base()).await?;
    if p.strict.is_none() {
        return Err(not_enabled("Required status checks"));
    }
    let checks: Vec<Value> = edited(&p.contexts(), names, edit)
        .into_iter()
        .map(|context| {
            let kept = p.checks.as_array().into_iter().flatten().find(|c| c["context"] == context.as_str());
            json!({ "context": context, "app_id": kept.map_or(Value::Null, |c| c["app_id"].clone()) })
        })
        .collect();
    const SQL: &str = "UPDATE branch_protections SET checks = $3::text::jsonb
                       WHERE repo_id = $1 AND branch = $2";
    target
        .update(SQL, &[&Value::Array(checks).to_string()])
        .await?;
    let p = target.protection(scope.base()).await?;
    Ok(axum::Json(p.contexts()).into_response())
}

/// The list `now` after `edit` with `given`.
fn edited<T: PartialEq + Clone>(now: &[T], given: Vec<T>, edit: Edit) -> Vec<T> {
    match edit {
        Edit::Replace => given,
        Edit::Add => {
            let mut all = now.to_vec();
            all.extend(given.into_iter().filter(|g| !now.contains(g)));
            all
        }
        Edit::Remove => now.iter().filter(|n| !given.contains(n)).cloned().collect(),
    }
}

/// `DELETE …/protection` (the whole protection) or one part of it: 204; `DELETE
/// …/restrictions/users`, `…/apps` and `…/required_status_checks/contexts` remove from the
/// list (200 with it).
pub(crate) async fn delete(scope: Scope<String>, _signed_in: Viewer, Raw(bytes): Raw) -> ApiResult {
    let rest = scope.path.clone();
    let (branch, Some(part)) = split(&rest) else {
        return Err(ApiError::not_found());
    };
    if part.starts_with("restrictions/") || part == "required_status_checks/contexts" {
        return allowances(&scope, branch, part, &bytes, Edit::Remove).await;
    }
    let target = Target::open(&scope, branch, Access::Admin).await?;
    let set = match part {
        "" => {
            const SQL: &str = "DELETE FROM branch_protections WHERE repo_id = $1 AND branch = $2";
            target.update(SQL, &[]).await?;
            return Ok(req::no_content());
        }
        "required_status_checks" => "strict = NULL, checks = '[]'",
        "required_pull_request_reviews" => "reviews = NULL",
        "enforce_admins" => "enforce_admins = false",
        "required_signatures" => "required_signatures = false",
        "restrictions" => "push_users = NULL, push_teams = NULL, push_apps = NULL",
        _ => return Err(ApiError::not_found()),
    };
    let sql = format!("UPDATE branch_protections SET {set} WHERE repo_id = $1 AND branch = $2");
    target.update(&sql, &[]).await?;
    Ok(req::no_content())
}

/// `strict` and the checks (`checks` as `[{context, app_id}]`, or `contexts`) of a
/// `required_status_checks` body; keys it leaves out keep `now`'s values.
fn status_checks(body: &Body, now: Option<&Protection>) -> ApiResult<(bool, Value)> {
    let strict = body
        .bool("strict")?
        .or(now.and_then(|p| p.strict))
        .unwrap_or(false);
    let checks = match body.0.get("checks") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item.get("context") {
                Some(Value::String(context)) => {
                    let app = item
                        .get("app_id")
                        .and_then(Value::as_i64)
                        .filter(|a| *a > 0);
                    Ok(json!({ "context": context, "app_id": app }))
                }
                _ => Err(ApiError::invalid(
                    "Invalid request.\n\n\"context\" wasn't supplied.",
                )),
            })
            .collect::<ApiResult<Vec<_>>>()?,
        _ => match body.strings("contexts")? {
            Some(contexts) => contexts
                .into_iter()
                .map(|context| json!({ "context": context, "app_id": null }))
                .collect(),
            None => now
                .and_then(|p| p.checks.as_array().cloned())
                .unwrap_or_default(),
        },
    };
    Ok((strict, Value::Array(checks)))
}

/// The stored `reviews` of a `required_pull_request_reviews` body; keys it leaves out keep
/// `now`'s values (GitHub's defaults: one approval, the rest off).
fn required_reviews(body: &Body, now: &Value) -> ApiResult<Value> {
    let count = match body.int("required_approving_review_count")? {
        Some(n) if !(0..=6).contains(&n) => {
            return Err(ApiError::invalid_value(
                "ProtectedBranch",
                "required_approving_review_count",
                n,
            ));
        }
        Some(n) => n,
        None => now["required_approving_review_count"].as_i64().unwrap_or(1),
    };
    let flag = |key: &str| -> ApiResult<bool> {
        Ok(body
            .bool(key)?
            .unwrap_or_else(|| now[key].as_bool().unwrap_or(false)))
    };
    Ok(json!({
        "dismiss_stale_reviews": flag("dismiss_stale_reviews")?,
        "require_code_owner_reviews": flag("require_code_owner_reviews")?,
        "required_approving_review_count": count,
        "require_last_push_approval": flag("require_last_push_approval")?,
    }))
}

/// Who may push to a branch whose pushes are restricted.
#[derive(Clone, Default)]
struct Allowed {
    /// User ids.
    users: Vec<i64>,
    /// Team ids (of the repository's organization; their child teams' members too).
    teams: Vec<i64>,
    /// App slugs.
    apps: Vec<String>,
}

impl Allowed {
    /// These allowances with the list `key` (`users`, `teams` or `apps`) changed by `edit`
    /// with `given`'s.
    fn edited(mut self, key: &str, given: Self, edit: Edit) -> Self {
        match key {
            "users" => self.users = edited(&self.users, given.users, edit),
            "teams" => self.teams = edited(&self.teams, given.teams, edit),
            _ => self.apps = edited(&self.apps, given.apps, edit),
        }
        self
    }
}

/// Who a `restrictions` body allows to push: users by login, teams by slug (the repository's
/// organization's), apps by slug; one the clone does not know is 422 `invalid`. Only
/// organization repositories restrict pushes.
async fn restrictions(target: &Target, body: &Body) -> ApiResult<Allowed> {
    const ORG: &str =
        "SELECT o.type = 'Organization' FROM repos r JOIN users o ON o.id = r.owner_id
                       WHERE r.id = $1";
    const APP: &str = "SELECT 1 FROM apps WHERE slug = $1";
    const TEAM: &str = "SELECT t.id FROM teams t JOIN repos r ON r.owner_id = t.org_id
                        WHERE r.id = $1 AND t.slug = $2";
    if !db::value::<bool>(&target.client, ORG, &[&target.repo.id]).await? {
        return Err(ApiError::invalid(
            "Only organization repositories can have users and team restrictions",
        ));
    }
    let mut teams = Vec::new();
    for slug in body.strings("teams")?.unwrap_or_default() {
        match db::first::<i64>(&target.client, TEAM, &[&target.repo.id, &slug]).await? {
            Some(id) => teams.push(id),
            None => return Err(ApiError::invalid_value("ProtectedBranch", "teams", slug)),
        }
    }
    let mut users = Vec::new();
    for login in body.strings("users")?.unwrap_or_default() {
        match users::find(&target.client, &login).await? {
            Some((id, _)) => users.push(id),
            None => return Err(ApiError::invalid_value("ProtectedBranch", "users", login)),
        }
    }
    let apps = body.strings("apps")?.unwrap_or_default();
    for slug in &apps {
        if db::first::<i32>(&target.client, APP, &[slug])
            .await?
            .is_none()
        {
            return Err(ApiError::invalid_value(
                "ProtectedBranch",
                "apps",
                slug.clone(),
            ));
        }
    }
    Ok(Allowed { users, teams, apps })
}

/// What binds a caller on a protected branch.
struct Rules {
    /// What a merge into the branch requires.
    required: Required,
    /// Whether the caller may push (no restrictions, or named in them).
    may_push: bool,
    allow_force_pushes: bool,
    allow_deletions: bool,
}

/// The rules of `branch` that bind `user` (the caller of the request `repo` was resolved for):
/// none when it is not protected, or when the caller administers the repository and
/// administrators are not enforced. Without a user, the rules as they bind everyone.
async fn binding(
    client: &impl GenericClient,
    repo: &Repo,
    user: Option<i64>,
    branch: &str,
) -> ApiResult<Option<Rules>> {
    const SQL: &str = "SELECT enforce_admins,
                              ARRAY(SELECT c->>'context' FROM jsonb_array_elements(checks) c),
                              (reviews->>'required_approving_review_count')::bigint,
                              coalesce(push_users IS NULL OR $3 = ANY(push_users)
                                  OR push_teams && ARRAY(SELECT gh_user_teams($3))
                                  OR EXISTS (SELECT 1 FROM apps a WHERE a.bot_user_id = $3
                                             AND a.slug = ANY(push_apps)), false),
                              allow_force_pushes, allow_deletions, strict IS NOT NULL,
                              coalesce(strict, false)
                       FROM branch_protections WHERE repo_id = $1 AND branch = $2";
    let Some(row) = db::row(client, SQL, &[&repo.id, &branch, &user]).await? else {
        return Ok(None);
    };
    if user.is_some() && repo.can(Access::Admin) && !row.get::<_, bool>(0) {
        return Ok(None);
    }
    let contexts = if row.get(6) { row.get(1) } else { Vec::new() };
    Ok(Some(Rules {
        required: Required {
            contexts,
            approvals: row.get(2),
            strict: row.get(7),
        },
        may_push: row.get(3),
        allow_force_pushes: row.get(4),
        allow_deletions: row.get(5),
    }))
}

/// Refuses `push` to `branch` by `user` as GitHub refuses it on a protected branch, then as
/// the rulesets that apply to it refuse it ([`rulesets::check_ref`]), with `status` (409 from
/// the contents API, 422 from the git refs API).
pub(crate) async fn check_push(
    client: &impl GenericClient,
    repo: &Repo,
    user: i64,
    branch: &str,
    push: Push,
    status: StatusCode,
) -> ApiResult<()> {
    if let Some(rules) = binding(client, repo, Some(user), branch).await? {
        let message = match push {
            Push::Create => None,
            Push::Delete if !rules.allow_deletions => {
                Some("Cannot delete this protected branch".to_owned())
            }
            Push::Update { forced: true, .. } if !rules.allow_force_pushes => {
                Some("Cannot force-push to this protected branch".to_owned())
            }
            _ if !rules.may_push => Some("You're not authorized to push to this branch. Visit https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches for more information.".to_owned()),
            Push::Update { .. } if rules.required.approvals.is_some() => {
                Some("Changes must be made through a pull request.".to_owned())
            }
            Push::Update { .. } if !rules.required.contexts.is_empty() => {
                // A pushed commit has no statuses yet.
                let contexts = &rules.required.contexts;
                Some(expected(contexts, contexts.len()))
            }
            _ => None,
        };
        if let Some(message) = message {
            return Err(ApiError::new(status, message));
        }
    }
    let full = format!("refs/heads/{branch}");
    rulesets::check_ref(client, repo, user, &full, &push, status).await
}

/// Refuses (405) `merge` when its branch's required approving reviews or status checks are
/// not there ([`unmet`]), then as its rulesets refuse it ([`rulesets::check_merge`]).
pub(crate) async fn check_merge(
    client: &impl GenericClient,
    repo: &Repo,
    merge: &rulesets::Merge<'_>,
) -> ApiResult<()> {
    let (branch, head) = (merge.branch, merge.head);
    if let Some(rules) = binding(client, repo, Some(merge.user), branch).await?
        && let Some((message, _)) = unmet(client, repo, &rules.required, branch, head).await?
    {
        return Err(ApiError::new(StatusCode::METHOD_NOT_ALLOWED, message));
    }
    rulesets::check_merge(client, repo, merge).await
}

/// The `mergeable_state` of pull request `issue` (head `head_sha`) into `branch` while its
/// protection holds the merge back, whoever asks: `behind` (strict checks and a head that
/// does not contain the branch) or `blocked`.
pub(crate) async fn held_back(
    client: &impl GenericClient,
    repo: &Repo,
    branch: &str,
    head: (i64, &str),
) -> ApiResult<Option<&'static str>> {
    Ok(match binding(client, repo, None, branch).await? {
        Some(rules) => unmet(client, repo, &rules.required, branch, head)
            .await?
            .map(|(_, state)| state),
        None => None,
    })
}
