//! GitHub Actions secrets and variables, of a repository and of each of its environments:
//! `GET …/secrets/public-key` (a Curve25519 key of the clone's own, the same on every call),
//! `GET …/secrets`, `GET/PUT/DELETE …/secrets/{name}` (the sealed `encrypted_value` stored as
//! given: the clone never opens it), `GET/POST …/variables`, `GET/PATCH/DELETE
//! …/variables/{name}`, below `/repos/{o}/{r}/actions` and `/repos/{o}/{r}/environments/{env}`
//! alike (an environment the repository does not have: 404). Names are upper-cased, as
//! GitHub stores them.

use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::{Kit, token};
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::{Params, Scope};

/// [`At`] for the routes below `/repos/{o}/{r}/actions`.
pub(crate) const REPOSITORY: bool = false;
/// [`At`] for the routes below `/repos/{o}/{r}/environments/{env}`.
pub(crate) const ENVIRONMENT: bool = true;

/// A secrets or variables route's parameters after `{owner}/{repo}`: the environment when
/// `ENV` (`{env}`), then the secret's or variable's name on the routes of one.
pub(crate) struct At<const ENV: bool> {
    environment: Option<String>,
    name: Option<String>,
}

impl<const ENV: bool> At<ENV> {
    /// The name in the path, upper-cased (empty on a list's route, which names none).
    fn name(&self) -> String {
        self.name
            .as_deref()
            .unwrap_or_default()
            .to_ascii_uppercase()
    }
}

impl<const ENV: bool> Params for At<ENV> {
    fn from_rest(rest: Vec<String>) -> Option<Self> {
        let mut rest = rest.into_iter();
        let environment = match ENV {
            true => Some(rest.next()?),
            false => None,
        };
        let name = rest.next();
        rest.next().is_none().then_some(Self { environment, name })
    }
}

/// A secrets or variables route's request, from a signed-in caller: 401 `Requires
/// authentication` otherwise, before anything else is read (the body included).
pub(crate) struct Signed<const ENV: bool>(Scope<At<ENV>>);

impl<const ENV: bool> FromRequestParts<Kit> for Signed<ENV> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, Response> {
        let scope = Scope::<At<ENV>>::from_request_parts(parts, kit).await?;
        match scope.viewer {
            Some(_) => Ok(Self(scope)),
            None => Err(ApiError::requires_authentication().into_response()),
        }
    }
}

/// Whose secrets and variables a route reads and writes.
#[derive(Clone, Copy)]
enum Holder {
    /// The repository's (its id).
    Repository(i64),
    /// One of its environments' (the environment's id).
    Environment(i64),
}

impl Holder {
    /// The table of its secrets.
    fn secrets(self) -> &'static str {
        match self {
            Self::Repository(_) => "action_secrets",
            Self::Environment(_) => "environment_secrets",
        }
    }

    /// The table of its variables.
    fn variables(self) -> &'static str {
        match self {
            Self::Repository(_) => "action_variables",
            Self::Environment(_) => "environment_variables",
        }
    }

    /// The column that names it in both tables.
    fn column(self) -> &'static str {
        match self {
            Self::Repository(_) => "repo_id",
            Self::Environment(_) => "environment_id",
        }
    }

    /// Its id.
    fn id(self) -> i64 {
        match self {
            Self::Repository(id) | Self::Environment(id) => id,
        }
    }

    /// Its row of `table` (aliased `s`) that a name picks: `$1` its id, `$2` the name.
    fn named(self, table: fn(Self) -> &'static str) -> String {
        format!(
            "{} s WHERE s.{} = $1 AND s.name = $2",
            table(self),
            self.column()
        )
    }
}

/// The holder the path names, for a caller with write access (secrets and variables are
/// collaborators'): the repository, or its environment (404 for one it does not have).
async fn holder<const ENV: bool>(scope: &Scope<At<ENV>>) -> ApiResult<(Object, Repo, Holder)> {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let holder = match &scope.path.environment {
        None => Holder::Repository(repo.id),
        Some(name) => {
            const SQL: &str =
                "SELECT id FROM environments WHERE repo_id = $1 AND lower(name) = lower($2)";
            Holder::Environment(db::found(&client, SQL, &[&repo.id, name]).await?.get(0))
        }
    };
    Ok((client, repo, holder))
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

/// `GET …/secrets/public-key`: `{key_id, key}`, derived from the clone's id and the holder,
/// so every call (and a reset) answers the same key.
pub(crate) async fn public_key<const ENV: bool>(Signed(scope): Signed<ENV>) -> ApiResult {
    let (_client, _repo, holder) = holder(&scope).await?;
    let (key_id, key) = key_of(&scope.kit.config().clone_id, holder);
    Ok(axum::Json(json!({ "key_id": key_id, "key": key })).into_response())
}

/// The `(key_id, key)` of `holder` in clone `clone`: any 32 bytes are a Curve25519 public
/// key libsodium seals to.
fn key_of(clone: &str, holder: Holder) -> (String, String) {
    let of = match holder {
        Holder::Repository(repo) => format!("actions-key:{repo}"),
        Holder::Environment(environment) => format!("environment-key:{environment}"),
    };
    let bytes = token::hmac_sha256(clone.as_bytes(), of.as_bytes());
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes[..8]);
    let key_id = (u64::from_be_bytes(id) % 10u64.pow(18)).to_string();
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    (key_id, key)
}

/// A page of `{total_count, <field>}` over `table`'s rows of the holder, by name.
async fn listed<const ENV: bool>(
    scope: &Scope<At<ENV>>,
    query: &Query,
    table: fn(Holder) -> &'static str,
    (field, item): (&str, &str),
) -> ApiResult {
    let (client, repo, holder) = holder(scope).await?;
    let from = format!("{} s", table(holder));
    let filter = format!("s.{} = $1", holder.column());
    let listing = Listing {
        from: &from,
        alias: "s",
        filter: &filter,
        item,
        order: "s.name",
    };
    let sql = listing.counted_sql(1, field);
    let tail = match &scope.path.environment {
        None => format!("actions/{field}"),
        Some(environment) => format!("environments/{environment}/{field}"),
    };
    let page = scope.page(&repo, &tail, query);
    req::list_sql(&client, &page, &sql, &[&holder.id()]).await
}

/// A secret as GitHub answers it.
const SECRET: &str = "json_build_object('name', s.name, 'created_at', gh_ts(s.created_at),
                                         'updated_at', gh_ts(s.updated_at))";
/// A variable as GitHub answers it.
const VARIABLE: &str = "json_build_object('name', s.name, 'value', s.value,
                                           'created_at', gh_ts(s.created_at),
                                           'updated_at', gh_ts(s.updated_at))";

/// `GET …/secrets`: `{total_count, secrets}`, by name.
pub(crate) async fn list_secrets<const ENV: bool>(
    Signed(scope): Signed<ENV>,
    query: Query,
) -> ApiResult {
    listed(&scope, &query, Holder::secrets, ("secrets", SECRET)).await
}

/// `GET …/variables`: `{total_count, variables}`, by name.
pub(crate) async fn list_variables<const ENV: bool>(
    Signed(scope): Signed<ENV>,
    query: Query,
) -> ApiResult {
    listed(&scope, &query, Holder::variables, ("variables", VARIABLE)).await
}

/// One row of `table` as `item`, by the name in the path (404 otherwise).
async fn one<const ENV: bool>(
    scope: &Scope<At<ENV>>,
    table: fn(Holder) -> &'static str,
    item: &str,
) -> ApiResult {
    let (client, _repo, holder) = holder(scope).await?;
    let sql = format!("SELECT {item}::text FROM {}", holder.named(table));
    let row = db::found(&client, &sql, &[&holder.id(), &scope.path.name()]).await?;
    Ok(req::ok(row.get(0)))
}

/// `GET …/secrets/{name}`: `{name, created_at, updated_at}`.
pub(crate) async fn get_secret<const ENV: bool>(Signed(scope): Signed<ENV>) -> ApiResult {
    one(&scope, Holder::secrets, SECRET).await
}

/// `GET …/variables/{name}`.
pub(crate) async fn get_variable<const ENV: bool>(Signed(scope): Signed<ENV>) -> ApiResult {
    one(&scope, Holder::variables, VARIABLE).await
}

/// Deletes the row of `table` the path names: 204, 404 when there is none.
async fn remove<const ENV: bool>(
    scope: &Scope<At<ENV>>,
    table: fn(Holder) -> &'static str,
) -> ApiResult {
    let (client, _repo, holder) = holder(scope).await?;
    let sql = format!("DELETE FROM {}", holder.named(table));
    match client
        .execute(&sql, &[&holder.id(), &scope.path.name()])
        .await?
    {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// `DELETE …/secrets/{name}`: 204.
pub(crate) async fn delete_secret<const ENV: bool>(Signed(scope): Signed<ENV>) -> ApiResult {
    remove(&scope, Holder::secrets).await
}

/// `DELETE …/variables/{name}`: 204.
pub(crate) async fn delete_variable<const ENV: bool>(Signed(scope): Signed<ENV>) -> ApiResult {
    remove(&scope, Holder::variables).await
}

/// `PUT …/secrets/{name}` (`encrypted_value`, `key_id`, both required): 201 `{}` for a new
/// secret, 204 for a new value of one.
pub(crate) async fn put_secret<const ENV: bool>(
    Signed(scope): Signed<ENV>,
    body: Body,
) -> ApiResult {
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
    let name = name_of(&scope.path.name())?;
    let (client, _repo, holder) = holder(&scope).await?;
    let (table, column) = (holder.secrets(), holder.column());
    let sql = format!(
        "INSERT INTO {table} ({column}, name, encrypted_value, key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT ({column}, name) DO UPDATE
             SET encrypted_value = EXCLUDED.encrypted_value,
                 key_id = EXCLUDED.key_id, updated_at = now()
         RETURNING xmax = 0"
    );
    let created: bool = db::value(&client, &sql, &[&holder.id(), &name, &sealed, &key_id]).await?;
    Ok(match created {
        true => (StatusCode::CREATED, axum::Json(json!({}))).into_response(),
        false => req::no_content(),
    })
}

/// `POST …/variables` (`name`, `value` required): 201 `{}`; 409 for a name the holder has
/// (wording not confirmed).
pub(crate) async fn create_variable<const ENV: bool>(
    Signed(scope): Signed<ENV>,
    body: Body,
) -> ApiResult {
    let name = name_of(body.required("name", "Variable")?)?;
    let value = body.required("value", "Variable")?.to_owned();
    let (client, _repo, holder) = holder(&scope).await?;
    let (table, column) = (holder.variables(), holder.column());
    let sql = format!(
        "INSERT INTO {table} ({column}, name, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    );
    match client.execute(&sql, &[&holder.id(), &name, &value]).await? {
        0 => Err(variable_exists()),
        _ => Ok((StatusCode::CREATED, axum::Json(json!({}))).into_response()),
    }
}

/// 409 for a variable name already taken.
fn variable_exists() -> ApiError {
    ApiError::conflict("Already exists - Variable already exists.")
}

/// `PATCH …/variables/{name}` (`name`, `value`): 204.
pub(crate) async fn update_variable<const ENV: bool>(
    Signed(scope): Signed<ENV>,
    body: Body,
) -> ApiResult {
    let renamed = body.str("name")?.map(name_of).transpose()?;
    let value = body.str("value")?.map(str::to_owned);
    let (client, _repo, holder) = holder(&scope).await?;
    let name = scope.path.name();
    let (table, column) = (holder.variables(), holder.column());
    let sql = format!(
        "UPDATE {table} SET name = coalesce($3, name), value = coalesce($4, value),
                            updated_at = now()
         WHERE {column} = $1 AND name = $2
           AND NOT EXISTS (SELECT 1 FROM {table} o WHERE o.{column} = $1
                           AND o.name = $3 AND o.name <> $2)"
    );
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 4] =
        [&holder.id(), &name, &renamed, &value];
    if client.execute(&sql, &params).await? == 1 {
        return Ok(req::no_content());
    }
    let found = format!("SELECT 1 FROM {}", holder.named(Holder::variables));
    match client.query_opt(&found, &params[..2]).await? {
        Some(_) => Err(variable_exists()),
        None => Err(ApiError::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::{Holder, key_of, name_of};

    #[test]
    fn a_key_is_the_clones_own_and_32_bytes() {
        use base64::Engine;
        let (id, key) = key_of("c1", Holder::Repository(7));
        assert_eq!(
            key_of("c1", Holder::Repository(7)),
            (id.clone(), key.clone())
        );
        assert_ne!(key_of("c2", Holder::Repository(7)).1, key);
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&key)
            .unwrap_or_default();
        assert_eq!(bytes.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(key_of("c1", Holder::Environment(7)).1, key);
    }

    #[test]
    fn names_are_upper_cased_and_checked() {
        assert_eq!(name_of("deploy_key").ok().as_deref(), Some("DEPLOY_KEY"));
        for bad in ["", "1KEY", "github_token", "A-B", "A B"] {
            assert!(name_of(bad).is_err(), "{bad}");
        }
    }
}
