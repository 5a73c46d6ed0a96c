//! GitHub Actions secrets and variables of a repository: `GET …/actions/secrets/public-key`
//! (a Curve25519 key of the clone's own, the same on every call), `GET …/actions/secrets`,
//! `GET/PUT/DELETE …/actions/secrets/{name}` (the sealed `encrypted_value` stored as given: the
//! clone never opens it), `GET/POST …/actions/variables`, `GET/PATCH/DELETE
//! …/actions/variables/{name}`. Names are upper-cased, as GitHub stores them.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use base64::Engine;
use serde_json::json;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// The repository for a caller with write access (secrets and variables are collaborators').
async fn writable<P>(scope: &Scope<P>) -> ApiResult<(asym_kit::deadpool_postgres::Object, Repo)> {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    Ok((client, repo))
}

/// A secret's or variable's name as GitHub keeps it: letters, digits and underscores, not
/// starting with a digit or `GITHUB_`, upper-cased (422 otherwise; the wording is GitHub's
/// documented rule, its answer was not found).
fn name_of(given: &str) -> ApiResult<String> {
    let name = given.to_ascii_uppercase();
    let valid = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit()
        && !name.starts_with("GITHUB_");
    if valid {
        Ok(name)
    } else {
        Err(ApiError::invalid(
            "Names can only contain alphanumeric characters ([a-z], [A-Z], [0-9]) or underscores (_), may not start with a number and may not start with the GITHUB_ prefix.",
        ))
    }
}

/// `GET /repos/{owner}/{repo}/actions/secrets/public-key`: `{key_id, key}`, derived from the
/// clone's id and the repository, so every call (and a reset) answers the same key.
pub(crate) async fn public_key(scope: Scope, _signed_in: Viewer) -> ApiResult {
    let (_client, repo) = writable(&scope).await?;
    let (key_id, key) = key_of(&scope.kit.config().clone_id, repo.id);
    Ok(axum::Json(json!({ "key_id": key_id, "key": key })).into_response())
}

/// The `(key_id, key)` of repository `repo` in clone `clone`: any 32 bytes are a Curve25519
/// public key libsodium seals to.
fn key_of(clone: &str, repo: i64) -> (String, String) {
    let bytes = token::hmac_sha256(clone.as_bytes(), format!("actions-key:{repo}").as_bytes());
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes[..8]);
    let key_id = (u64::from_be_bytes(id) % 10u64.pow(18)).to_string();
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    (key_id, key)
}

/// A page of `{total_count, <field>}` over `table`'s rows of the repository, by name.
async fn listed(scope: &Scope, query: &Query, table: &str, field: &str, item: &str) -> ApiResult {
    let (client, repo) = writable(scope).await?;
    let from = format!("{table} s");
    let listing = Listing {
        from: &from,
        alias: "s",
        filter: "s.repo_id = $1",
        item,
        order: "s.name",
    };
    let sql = listing.counted_sql(1, field);
    let tail = format!("actions/{field}");
    req::list_sql(&client, &scope.page(&repo, &tail, query), &sql, &[&repo.id]).await
}

/// A secret as GitHub answers it.
const SECRET: &str = "json_build_object('name', s.name, 'created_at', gh_ts(s.created_at),
                                         'updated_at', gh_ts(s.updated_at))";
/// A variable as GitHub answers it.
const VARIABLE: &str = "json_build_object('name', s.name, 'value', s.value,
                                           'created_at', gh_ts(s.created_at),
                                           'updated_at', gh_ts(s.updated_at))";

/// `GET /repos/{owner}/{repo}/actions/secrets`: `{total_count, secrets}`, by name.
pub(crate) async fn list_secrets(scope: Scope, _signed_in: Viewer, query: Query) -> ApiResult {
    listed(&scope, &query, "action_secrets", "secrets", SECRET).await
}

/// `GET /repos/{owner}/{repo}/actions/variables`: `{total_count, variables}`, by name.
pub(crate) async fn list_variables(scope: Scope, _signed_in: Viewer, query: Query) -> ApiResult {
    listed(&scope, &query, "action_variables", "variables", VARIABLE).await
}

/// One row of `table` as `item`, by the name in the path (404 otherwise).
async fn one(scope: &Scope<String>, table: &str, item: &str) -> ApiResult {
    let (client, repo) = writable(scope).await?;
    let sql = format!("SELECT {item}::text FROM {table} s WHERE s.repo_id = $1 AND s.name = $2");
    let name = scope.path.to_ascii_uppercase();
    let row = db::found(&client, &sql, &[&repo.id, &name]).await?;
    Ok(req::ok(row.get(0)))
}

/// `GET /repos/{owner}/{repo}/actions/secrets/{name}`: `{name, created_at, updated_at}`.
pub(crate) async fn get_secret(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    one(&scope, "action_secrets", SECRET).await
}

/// `GET /repos/{owner}/{repo}/actions/variables/{name}`.
pub(crate) async fn get_variable(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    one(&scope, "action_variables", VARIABLE).await
}

/// Deletes the row of `table` the path names: 204, 404 when there is none.
async fn remove(scope: &Scope<String>, table: &str) -> ApiResult {
    let (client, repo) = writable(scope).await?;
    let sql = format!("DELETE FROM {table} WHERE repo_id = $1 AND name = $2");
    let name = scope.path.to_ascii_uppercase();
    match client.execute(&sql, &[&repo.id, &name]).await? {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// `DELETE /repos/{owner}/{repo}/actions/secrets/{name}`: 204.
pub(crate) async fn delete_secret(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    remove(&scope, "action_secrets").await
}

/// `DELETE /repos/{owner}/{repo}/actions/variables/{name}`: 204.
pub(crate) async fn delete_variable(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    remove(&scope, "action_variables").await
}

/// `PUT /repos/{owner}/{repo}/actions/secrets/{name}` (`encrypted_value`, `key_id`, both
/// required): 201 `{}` for a new secret, 204 for a new value of one.
pub(crate) async fn put_secret(scope: Scope<String>, _signed_in: Viewer, body: Body) -> ApiResult {
    let sealed = body.required("encrypted_value", "Secret")?.to_owned();
    let key_id = body.required("key_id", "Secret")?.to_owned();
    if base64::engine::general_purpose::STANDARD
        .decode(&sealed)
        .is_err()
    {
        return Err(ApiError::invalid(
            "Invalid request.\n\nInvalid property /encrypted_value: it is not base64.",
        ));
    }
    let name = name_of(&scope.path)?;
    let (client, repo) = writable(&scope).await?;
    const SQL: &str = "INSERT INTO action_secrets (repo_id, name, encrypted_value, key_id)
                       VALUES ($1, $2, $3, $4)
                       ON CONFLICT (repo_id, name) DO UPDATE
                           SET encrypted_value = EXCLUDED.encrypted_value,
                               key_id = EXCLUDED.key_id, updated_at = now()
                       RETURNING xmax = 0";
    let created: bool = db::value(&client, SQL, &[&repo.id, &name, &sealed, &key_id]).await?;
    Ok(match created {
        true => (StatusCode::CREATED, axum::Json(json!({}))).into_response(),
        false => req::no_content(),
    })
}

/// `POST /repos/{owner}/{repo}/actions/variables` (`name`, `value` required): 201 `{}`; 409
/// for a name the repository has (wording not confirmed).
pub(crate) async fn create_variable(scope: Scope, _signed_in: Viewer, body: Body) -> ApiResult {
    let name = name_of(body.required("name", "Variable")?)?;
    let value = body.required("value", "Variable")?.to_owned();
    let (client, repo) = writable(&scope).await?;
    const SQL: &str = "INSERT INTO action_variables (repo_id, name, value) VALUES ($1, $2, $3)
                       ON CONFLICT DO NOTHING";
    match client.execute(SQL, &[&repo.id, &name, &value]).await? {
        0 => Err(variable_exists()),
        _ => Ok((StatusCode::CREATED, axum::Json(json!({}))).into_response()),
    }
}

/// 409 for a variable name already taken.
fn variable_exists() -> ApiError {
    ApiError::conflict("Already exists - Variable already exists.")
}

/// `PATCH /repos/{owner}/{repo}/actions/variables/{name}` (`name`, `value`): 204.
pub(crate) async fn update_variable(
    scope: Scope<String>,
    _signed_in: Viewer,
    body: Body,
) -> ApiResult {
    let renamed = body.str("name")?.map(name_of).transpose()?;
    let value = body.str("value")?.map(str::to_owned);
    let (client, repo) = writable(&scope).await?;
    let name = scope.path.to_ascii_uppercase();
    const SQL: &str = "UPDATE action_variables SET name = coalesce($3, name),
                              value = coalesce($4, value), updated_at = now()
                       WHERE repo_id = $1 AND name = $2
                         AND NOT EXISTS (SELECT 1 FROM action_variables o WHERE o.repo_id = $1
                                         AND o.name = $3 AND o.name <> $2)";
    if client
        .execute(SQL, &[&repo.id, &name, &renamed, &value])
        .await?
        == 1
    {
        return Ok(req::no_content());
    }
    const FOUND: &str = "SELECT 1 FROM action_variables WHERE repo_id = $1 AND name = $2";
    match client.query_opt(FOUND, &[&repo.id, &name]).await? {
        Some(_) => Err(variable_exists()),
        None => Err(ApiError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::{key_of, name_of};

    #[test]
    fn a_key_is_the_clones_own_and_32_bytes() {
        use base64::Engine;
        let (id, key) = key_of("c1", 7);
        assert_eq!(key_of("c1", 7), (id.clone(), key.clone()));
        assert_ne!(key_of("c2", 7).1, key);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(key)
            .unwrap_or_default();
        assert_eq!(bytes.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn names_are_upper_cased_and_checked() {
        assert_eq!(name_of("deploy_key").ok().as_deref(), Some("DEPLOY_KEY"));
        for bad in ["", "1KEY", "github_token", "A-B", "A B"] {
            assert!(name_of(bad).is_err(), "{bad}");
        }
    }
}
