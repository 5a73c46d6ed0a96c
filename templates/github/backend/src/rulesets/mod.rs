//! Repository rulesets: `GET/POST /repos/{owner}/{repo}/rulesets`,
//! `GET/PUT/DELETE …/rulesets/{id}` and `GET …/rules/branches/{branch}` (the active rules that
//! apply to a branch). Bodies are checked against GitHub's schema ([`schema`]); the rules the
//! clone can decide on its own writes are enforced ([`enforce`]): `creation`, `update`,
//! `deletion`, `non_fast_forward`, `required_linear_history`, `pull_request` and
//! `required_status_checks`.

mod enforce;
mod schema;

pub(crate) use enforce::{Merge, Push, check_merge, check_ref};

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// A stored ruleset.
pub(crate) struct Ruleset {
    id: i64,
    name: String,
    target: String,
    enforcement: String,
    bypass_actors: Vec<Value>,
    conditions: Value,
    rules: Vec<Value>,
    created_at: String,
    updated_at: String,
}

/// The columns [`Ruleset::from_row`] reads.
const COLUMNS: &str = "id, name, target, enforcement, bypass_actors::text, conditions::text,
                       rules::text, gh_ts(created_at), gh_ts(updated_at)";

impl Ruleset {
    fn from_row(row: &Row) -> Self {
        let json = |i: usize| -> Value {
            row.get::<_, Option<String>>(i)
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or(Value::Null)
        };
        let list = |value: Value| match value {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        Self {
            id: row.get(0),
            name: row.get(1),
            target: row.get(2),
            enforcement: row.get(3),
            bypass_actors: list(json(4)),
            conditions: json(5),
            rules: list(json(6)),
            created_at: row.get(7),
            updated_at: row.get(8),
        }
    }

    /// The ref-name patterns it includes and excludes (`conditions.ref_name`).
    fn ref_names(&self) -> (Vec<&str>, Vec<&str>) {
        let names = |key: &str| -> Vec<&str> {
            self.conditions["ref_name"][key]
                .as_array()
                .map(|items| items.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default()
        };
        (names("include"), names("exclude"))
    }

    /// Its `conditions` as GitHub answers them: `ref_name` with both lists.
    fn conditions_json(&self) -> Value {
        let (include, exclude) = self.ref_names();
        json!({ "ref_name": { "exclude": exclude, "include": include } })
    }

    /// The summary GitHub lists.
    fn summary(&self, base: &str, repo: &Repo) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "target": self.target,
            "source_type": "Repository",
            "source": repo.full_name,
            "enforcement": self.enforcement,
            "node_id": node_id(self.id),
            "_links": {
                "self": { "href": format!("{base}/repos/{}/rulesets/{}", repo.full_name, self.id) },
                "html": { "href": format!("{base}/{}/rules/{}", repo.full_name, self.id) },
            },
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        })
    }

    /// The whole ruleset, as `GET …/rulesets/{id}` answers it to `viewer`.
    async fn json(
        &self,
        client: &impl GenericClient,
        base: &str,
        repo: &Repo,
        viewer: Option<&Viewer>,
    ) -> ApiResult<Value> {
        let mut out = self.summary(base, repo);
        let bypass = enforce::bypass(client, repo, self, viewer.map(|v| v.user_id)).await?;
        out["bypass_actors"] = Value::Array(self.bypass_actors.clone());
        out["current_user_can_bypass"] = json!(bypass.answer());
        out["conditions"] = self.conditions_json();
        out["rules"] = Value::Array(self.rules.clone());
        Ok(out)
    }
}

/// A ruleset's `node_id`.
fn node_id(id: i64) -> String {
    format!("RRS_lACkVXNlcgQB{id:X}")
}

/// The repository's rulesets, in id order.
pub(crate) async fn all(client: &impl GenericClient, repo: &Repo) -> ApiResult<Vec<Ruleset>> {
    let sql = format!("SELECT {COLUMNS} FROM rulesets WHERE repo_id = $1 ORDER BY id");
    let rows = client.query(&sql, &[&repo.id]).await?;
    Ok(rows.iter().map(Ruleset::from_row).collect())
}

/// One ruleset by its id in the path (404 otherwise).
async fn one(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<Ruleset> {
    let id: i64 = id.parse().map_err(|_| ApiError::not_found())?;
    let sql = format!("SELECT {COLUMNS} FROM rulesets WHERE repo_id = $1 AND id = $2");
    let row = client.query_opt(&sql, &[&repo.id, &id]).await?;
    row.as_ref()
        .map(Ruleset::from_row)
        .ok_or_else(ApiError::not_found)
}

/// `GET /repos/{owner}/{repo}/rulesets` (`targets`, `includes_parents`, `page`, `per_page`):
/// the summaries, oldest first.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let targets: Option<Vec<&str>> = query.get("targets").map(|t| t.split(',').collect());
    let items: Vec<Value> = all(&client, &repo)
        .await?
        .iter()
        .filter(|r| {
            targets
                .as_ref()
                .is_none_or(|t| t.contains(&r.target.as_str()))
        })
        .map(|r| r.summary(scope.base(), &repo))
        .collect();
    let (total, page) = query.slice(items);
    let path = format!("/repos/{}/rulesets", repo.full_name);
    let text = Value::Array(page).to_string();
    Ok(req::paged(scope.base(), &path, &query, total, text))
}

/// `GET /repos/{owner}/{repo}/rulesets/{id}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let ruleset = one(&client, &repo, &scope.path).await?;
    let answer = ruleset
        .json(&client, scope.base(), &repo, scope.viewer.as_ref())
        .await?;
    Ok(axum::Json(answer).into_response())
}

/// `POST /repos/{owner}/{repo}/rulesets` (`name`, `enforcement` required; `target`,
/// `bypass_actors`, `conditions`, `rules`): 201 with the ruleset; administrators only.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let given = schema::read(&body, true)?;
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    const SQL: &str = "INSERT INTO rulesets (repo_id, name, target, enforcement, bypass_actors,
                                            conditions, rules)
                       VALUES ($1, $2, coalesce($3, 'branch'), $4, coalesce($5::text::jsonb, '[]'),
                               $6::text::jsonb, coalesce($7::text::jsonb, '[]'))
                       ON CONFLICT (repo_id, name) DO NOTHING RETURNING id";
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&repo.id];
    params.extend(given.params());
    let row = client
        .query_opt(SQL, &params)
        .await?
        .ok_or_else(name_taken)?;
    let ruleset = one(&client, &repo, &row.get::<_, i64>(0).to_string()).await?;
    let answer = ruleset
        .json(&client, scope.base(), &repo, Some(&viewer))
        .await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(answer)).into_response())
}

/// `PUT /repos/{owner}/{repo}/rulesets/{id}`: the fields given replace the ruleset's.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let given = schema::read(&body, false)?;
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    let ruleset = one(&client, &repo, &scope.path).await?;
    const SQL: &str =
        "UPDATE rulesets SET name = coalesce($3, name), target = coalesce($4, target),
                              enforcement = coalesce($5, enforcement),
                              bypass_actors = coalesce($6::text::jsonb, bypass_actors),
                              conditions = CASE WHEN $9 THEN $7::text::jsonb ELSE conditions END,
                              rules = coalesce($8::text::jsonb, rules), updated_at = now()
                       WHERE repo_id = $1 AND id = $2
                         AND NOT EXISTS (SELECT 1 FROM rulesets o WHERE o.repo_id = $1
                                         AND o.id <> $2 AND o.name = $3)";
    let conditions_given = body.has("conditions");
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&repo.id, &ruleset.id];
    params.extend(given.params());
    params.push(&conditions_given);
    let changed = client.execute(SQL, &params).await?;
    if changed == 0 {
        return Err(name_taken());
    }
    let ruleset = one(&client, &repo, &scope.path).await?;
    let answer = ruleset
        .json(&client, scope.base(), &repo, Some(&viewer))
        .await?;
    Ok(axum::Json(answer).into_response())
}

/// `DELETE /repos/{owner}/{repo}/rulesets/{id}`: 204.
pub(crate) async fn delete(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Admin)?;
    let ruleset = one(&client, &repo, &scope.path).await?;
    const SQL: &str = "DELETE FROM rulesets WHERE repo_id = $1 AND id = $2";
    client.execute(SQL, &[&repo.id, &ruleset.id]).await?;
    Ok(req::no_content())
}

/// 422 for a second ruleset of the same name (GitHub's wording was not found).
fn name_taken() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "Validation Failed",
    )
    .with_error(json!("Name must be unique"))
}

/// `GET /repos/{owner}/{repo}/rules/branches/{branch}`: every rule of the active rulesets that
/// apply to the branch (it need not exist), each with `ruleset_source_type`,
/// `ruleset_source` and `ruleset_id`; paginated.
pub(crate) async fn for_branch(scope: Scope<String>, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let full = format!("refs/heads/{}", scope.path);
    let mut items = Vec::new();
    for ruleset in enforce::active(&client, &repo, &full).await? {
        for rule in &ruleset.rules {
            let mut rule = rule.clone();
            rule["ruleset_source_type"] = json!("Repository");
            rule["ruleset_source"] = json!(repo.full_name);
            rule["ruleset_id"] = json!(ruleset.id);
            items.push(rule);
        }
    }
    let (total, page) = query.slice(items);
    let path = format!("/repos/{}/rules/branches/{}", repo.full_name, scope.path);
    let text = Value::Array(page).to_string();
    Ok(req::paged(scope.base(), &path, &query, total, text))
}
