//! GitHub Actions secrets and variables, of a repository, of each of its environments and of
//! an organization: `GET …/secrets/public-key` (a Curve25519 key of the clone's own, the same
//! on every call), `GET …/secrets`, `GET/PUT/DELETE …/secrets/{name}` (the sealed
//! `encrypted_value` stored as given: the clone never opens it), `GET/POST …/variables`,
//! `GET/PATCH/DELETE …/variables/{name}`, below `/repos/{o}/{r}/actions`,
//! `/repos/{o}/{r}/environments/{env}` (an environment the repository does not have: 404) and
//! `/orgs/{org}/actions` alike. Names are upper-cased, as GitHub stores them.
//!
//! An organization's secrets and variables say which of its repositories may use them
//! (`visibility`, and the selected repositories' routes): `selection`.

mod selection;

pub(crate) use selection::{
    SECRETS, VARIABLES, add_repository, list_repositories, organization_secrets,
    organization_variables, remove_repository, set_repositories,
};

use asym_kit::deadpool_postgres::{GenericClient, Object, Transaction};
use asym_kit::tokio_postgres::types::ToSql;
use asym_kit::{Kit, token};
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::json;

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{self, Access};
use crate::req::{self, Body, Listing, Page, Query};
use crate::users;
use crate::viewer::Viewer;

/// [`Signed`] for the routes below `/repos/{o}/{r}/actions`.
pub(crate) const REPOSITORY: u8 = 0;
/// [`Signed`] for the routes below `/repos/{o}/{r}/environments/{env}`.
pub(crate) const ENVIRONMENT: u8 = 1;
/// [`Signed`] for the routes below `/orgs/{org}/actions`.
pub(crate) const ORGANIZATION: u8 = 2;

/// Where a secrets or variables route is, from its path.
enum Place {
    /// `/repos/{owner}/{repo}/actions`, or with an environment
    /// `/repos/{owner}/{repo}/environments/{env}`.
    Repository {
        owner: String,
        repo: String,
        environment: Option<String>,
    },
    /// `/orgs/{org}/actions`.
    Organization(String),
}

/// A secrets or variables route's request, from a signed-in caller (401 `Requires
/// authentication` otherwise, before anything else is read, the body included): where the
/// route is (`AT`: [`REPOSITORY`], [`ENVIRONMENT`] or [`ORGANIZATION`]), then the secret's or
/// variable's name and a selected repository's id on the routes that name them.
pub(crate) struct Signed<const AT: u8> {
    kit: Kit,
    viewer: Viewer,
    place: Place,
    name: Option<String>,
    repository: Option<String>,
}

impl<const AT: u8> Signed<AT> {
    /// The route's parameters in order, `None` when their number is not the route's.
    fn parse(kit: Kit, viewer: Viewer, params: Vec<String>) -> Option<Self> {
        let mut params = params.into_iter();
        let place = match AT {
            ORGANIZATION => Place::Organization(params.next()?),
            _ => Place::Repository {
                owner: params.next()?,
                repo: params.next()?,
                environment: match AT {
                    ENVIRONMENT => Some(params.next()?),
                    _ => None,
                },
            },
        };
        let (name, repository) = (params.next(), params.next());
        params.next().is_none().then_some(Self {
            kit,
            viewer,
            place,
            name,
            repository,
        })
    }

    /// The name in the path, upper-cased (empty on a list's route, which names none).
    fn name(&self) -> String {
        self.name
            .as_deref()
            .unwrap_or_default()
            .to_ascii_uppercase()
    }

    /// The URL an organization's `selected_repositories_url`s of `kind` start with, below
    /// `path` (`{base}{path}/{kind}/`).
    fn list_url(&self, path: &str, kind: Kind) -> String {
        format!("{}{path}/{}/", self.kit.config().public_url, kind.field())
    }

    /// A connection and where `kind` is kept for the path: the holder, and the path of its
    /// routes (`/repos/{o}/{r}/actions`, `/repos/{o}/{r}/environments/{env}`,
    /// `/orgs/{org}/actions`). A repository's and an environment's are its collaborators'
    /// with write access (404 for an environment it does not have); an organization's are
    /// its owners' with `admin:org` (403 [`Kind::refusal`] for a member or a token without
    /// the scope, 404 for anyone else).
    async fn holder(&self, kind: Kind) -> ApiResult<(Object, Holder, String)> {
        let (owner, repo, environment) = match &self.place {
            Place::Organization(login) => {
                let refusal = kind.refusal();
                self.viewer
                    .require_scope("admin:org", &[])
                    .map_err(|_| ApiError::forbidden(refusal))?;
                let (client, org) =
                    users::owner(&self.kit, &self.viewer, (login, &[]), refusal).await?;
                let path = format!("/orgs/{login}/actions");
                return Ok((client, Holder::Organization(org), path));
            }
            Place::Repository {
                owner,
                repo,
                environment,
            } => (owner, repo, environment),
        };
        let client = self.kit.db().await?;
        let repo = repos::find(&client, owner, repo, Some(&self.viewer)).await?;
        repo.require(Access::Write)?;
        let Some(name) = environment else {
            let path = format!("{}/actions", repo.path());
            return Ok((client, Holder::Repository(repo.id), path));
        };
        const SQL: &str =
            "SELECT id FROM environments WHERE repo_id = $1 AND lower(name) = lower($2)";
        let id = db::found(&client, SQL, &[&repo.id, name]).await?.get(0);
        let path = format!("{}/environments/{name}", repo.path());
        Ok((client, Holder::Environment(id), path))
    }
}

impl<const AT: u8> FromRequestParts<Kit> for Signed<AT> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, kit)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(params) = Path::<Vec<String>>::from_request_parts(parts, kit)
            .await
            .map_err(IntoResponse::into_response)?;
        Self::parse(kit.clone(), viewer, params)
            .ok_or_else(|| ApiError::not_found().into_response())
    }
}

/// Secrets or variables: what a route reads and writes.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Secrets,
    Variables,
}

impl Kind {
    /// The field of its lists (`{total_count, secrets}`), the segment of its routes.
    fn field(self) -> &'static str {
        match self {
            Self::Secrets => "secrets",
            Self::Variables => "variables",
        }
    }

    /// The resource its validation errors name.
    fn resource(self) -> &'static str {
        match self {
            Self::Secrets => "Secret",
            Self::Variables => "Variable",
        }
    }

    /// GitHub's 403 for an organization's member who is not an owner, or a token without
    /// `admin:org` (cli/cli#8810 quotes the secrets' wording; the variables' follows it).
    fn refusal(self) -> &'static str {
        match self {
            Self::Secrets => {
                "You must be an org admin or have the actions secrets fine-grained permission."
            }
            Self::Variables => {
                "You must be an org admin or have the actions variables fine-grained permission."
            }
        }
    }

    /// `page` of `{total_count, <kind>}`: the rows (aliased `s`) of `from` that `filter`
    /// keeps, each as `item`, by name, over `params`.
    async fn page(
        self,
        client: &Object,
        page: &Page<'_>,
        (from, filter, item): (&str, &str, &str),
        params: &[&(dyn ToSql + Sync)],
    ) -> ApiResult {
        let listing = Listing {
            from,
            alias: "s",
            filter,
            item,
            order: "s.name",
        };
        let sql = listing.counted_sql(params.len(), self.field());
        req::list_sql(client, page, &sql, params).await
    }

    /// One of its rows (aliased `s`) as GitHub answers it: an organization's with its
    /// `visibility` and, when `selected`, its `selected_repositories_url` (parameter `$url`,
    /// the URL of the organization's list with a trailing `/`, before the name).
    fn item(self, holder: Holder, url: usize) -> String {
        let value = match self {
            Self::Secrets => "",
            Self::Variables => "'value', s.value,",
        };
        let visibility = match holder {
            Holder::Organization(_) => format!(
                ", 'visibility', s.visibility, 'selected_repositories_url',
                 CASE WHEN s.visibility = 'selected' THEN ${url} || s.name || '/repositories' END"
            ),
            _ => String::new(),
        };
        format!(
            "json_strip_nulls(json_build_object('name', s.name, {value}
                                                'created_at', gh_ts(s.created_at),
                                                'updated_at', gh_ts(s.updated_at){visibility}))"
        )
    }
}

/// Whose secrets and variables a route reads and writes.
#[derive(Clone, Copy)]
enum Holder {
    /// The repository's (its id).
    Repository(i64),
    /// One of its environments' (the environment's id).
    Environment(i64),
    /// An organization's (its id).
    Organization(i64),
}

impl Holder {
    /// The table of its secrets or variables.
    fn table(self, kind: Kind) -> &'static str {
        match (self, kind) {
            (Self::Repository(_), Kind::Secrets) => "action_secrets",
            (Self::Repository(_), Kind::Variables) => "action_variables",
            (Self::Environment(_), Kind::Secrets) => "environment_secrets",
            (Self::Environment(_), Kind::Variables) => "environment_variables",
            (Self::Organization(_), Kind::Secrets) => "org_secrets",
            (Self::Organization(_), Kind::Variables) => "org_variables",
        }
    }

    /// The column that names it in its tables.
    fn column(self) -> &'static str {
        match self {
            Self::Repository(_) => "repo_id",
            Self::Environment(_) => "environment_id",
            Self::Organization(_) => "org_id",
        }
    }

    /// Its id.
    fn id(self) -> i64 {
        match self {
            Self::Repository(id) | Self::Environment(id) | Self::Organization(id) => id,
        }
    }

    /// Its row of `kind` (aliased `s`) that a name picks: `$1` its id, `$2` the name.
    fn named(self, kind: Kind) -> String {
        format!(
            "{} s WHERE s.{} = $1 AND s.name = $2",
            self.table(kind),
            self.column()
        )
    }
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
pub(crate) async fn public_key<const AT: u8>(signed: Signed<AT>) -> ApiResult {
    let (_client, holder, _path) = signed.holder(Kind::Secrets).await?;
    let (key_id, key) = key_of(&signed.kit.config().clone_id, holder);
    Ok(axum::Json(json!({ "key_id": key_id, "key": key })).into_response())
}

/// The `(key_id, key)` of `holder` in clone `clone`: any 32 bytes are a Curve25519 public
/// key libsodium seals to.
fn key_of(clone: &str, holder: Holder) -> (String, String) {
    let of = match holder {
        Holder::Repository(repo) => format!("actions-key:{repo}"),
        Holder::Environment(environment) => format!("environment-key:{environment}"),
        Holder::Organization(org) => format!("organization-key:{org}"),
    };
    let bytes = token::hmac_sha256(clone.as_bytes(), of.as_bytes());
    let mut id = [0u8; 8];
    id.copy_from_slice(&bytes[..8]);
    let key_id = (u64::from_be_bytes(id) % 10u64.pow(18)).to_string();
    let key = base64::engine::general_purpose::STANDARD.encode(bytes);
    (key_id, key)
}

/// `GET …/secrets` and `GET …/variables`: `{total_count, <kind>}`, by name.
async fn listed<const AT: u8>(signed: &Signed<AT>, query: &Query, kind: Kind) -> ApiResult {
    let (client, holder, path) = signed.holder(kind).await?;
    let from = format!("{} s", holder.table(kind));
    let filter = format!("s.{} = $1", holder.column());
    let item = kind.item(holder, 2);
    let url = signed.list_url(&path, kind);
    let id = holder.id();
    let params = with_url(&[&id], holder, &url);
    let base = &signed.kit.config().public_url;
    let page = Page::new(base, format!("{path}/{}", kind.field()), query);
    kind.page(&client, &page, (&from, &filter, &item), &params)
        .await
}

/// `params`, then an organization's `url` (the parameter [`Kind::item`] reads).
fn with_url<'a>(
    params: &[&'a (dyn ToSql + Sync)],
    holder: Holder,
    url: &'a String,
) -> Vec<&'a (dyn ToSql + Sync)> {
    let mut params = params.to_vec();
    if let Holder::Organization(_) = holder {
        params.push(url);
    }
    params
}

/// `GET …/secrets`: `{total_count, secrets}`, by name.
pub(crate) async fn list_secrets<const AT: u8>(signed: Signed<AT>, query: Query) -> ApiResult {
    listed(&signed, &query, Kind::Secrets).await
}

/// `GET …/variables`: `{total_count, variables}`, by name.
pub(crate) async fn list_variables<const AT: u8>(signed: Signed<AT>, query: Query) -> ApiResult {
    listed(&signed, &query, Kind::Variables).await
}

/// One row of `kind`, by the name in the path (404 otherwise).
async fn one<const AT: u8>(signed: &Signed<AT>, kind: Kind) -> ApiResult {
    let (client, holder, path) = signed.holder(kind).await?;
    let sql = format!(
        "SELECT {}::text FROM {}",
        kind.item(holder, 3),
        holder.named(kind)
    );
    let url = signed.list_url(&path, kind);
    let (id, name) = (holder.id(), signed.name());
    let params = with_url(&[&id, &name], holder, &url);
    let row = db::found(&client, &sql, &params).await?;
    Ok(req::ok(row.get(0)))
}

/// `GET …/secrets/{name}`: `{name, created_at, updated_at}` (an organization's with
/// `visibility`).
pub(crate) async fn get_secret<const AT: u8>(signed: Signed<AT>) -> ApiResult {
    one(&signed, Kind::Secrets).await
}

/// `GET …/variables/{name}`.
pub(crate) async fn get_variable<const AT: u8>(signed: Signed<AT>) -> ApiResult {
    one(&signed, Kind::Variables).await
}

/// Deletes the row of `kind` the path names: 204, 404 when there is none.
async fn remove<const AT: u8>(signed: &Signed<AT>, kind: Kind) -> ApiResult {
    let (client, holder, _path) = signed.holder(kind).await?;
    let sql = format!("DELETE FROM {}", holder.named(kind));
    match client
        .execute(&sql, &[&holder.id(), &signed.name()])
        .await?
    {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// `DELETE …/secrets/{name}`: 204.
pub(crate) async fn delete_secret<const AT: u8>(signed: Signed<AT>) -> ApiResult {
    remove(&signed, Kind::Secrets).await
}

/// `DELETE …/variables/{name}`: 204.
pub(crate) async fn delete_variable<const AT: u8>(signed: Signed<AT>) -> ApiResult {
    remove(&signed, Kind::Variables).await
}

/// `PUT …/secrets/{name}` (`encrypted_value`, `key_id`, both required; an organization's
/// also `visibility`, required, and `selected_repository_ids`): 201 `{}` for a new secret,
/// 204 for a new value of one.
pub(crate) async fn put_secret<const AT: u8>(signed: Signed<AT>, body: Body) -> ApiResult {
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
    let name = name_of(&signed.name())?;
    let (mut client, holder, _path) = signed.holder(Kind::Secrets).await?;
    let access = selection::Access::read(&body, Kind::Secrets, holder, true)?;
    let (table, column) = (holder.table(Kind::Secrets), holder.column());
    let sql = format!(
        "INSERT INTO {table} ({column}, name, encrypted_value, key_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT ({column}, name) DO UPDATE
             SET encrypted_value = EXCLUDED.encrypted_value,
                 key_id = EXCLUDED.key_id, updated_at = now()
         RETURNING xmax = 0"
    );
    let tx = client.transaction().await?;
    let created: bool = db::value(&tx, &sql, &[&holder.id(), &name, &sealed, &key_id]).await?;
    grant(&tx, access, (holder, &name)).await?;
    tx.commit().await?;
    Ok(match created {
        true => (StatusCode::CREATED, axum::Json(json!({}))).into_response(),
        false => req::no_content(),
    })
}

/// Applies an organization's `access` (when the body set it) to its row `name` of `kind`.
async fn grant(
    tx: &Transaction<'_>,
    access: Option<selection::Access>,
    (holder, name): (Holder, &str),
) -> ApiResult<()> {
    match access {
        Some(access) => access.apply(tx, holder.id(), name).await,
        None => Ok(()),
    }
}

/// `POST …/variables` (`name`, `value` required; an organization's also `visibility`,
/// required, and `selected_repository_ids`): 201 `{}`; 409 for a name the holder has
/// (wording not confirmed).
pub(crate) async fn create_variable<const AT: u8>(signed: Signed<AT>, body: Body) -> ApiResult {
    let name = name_of(body.required("name", "Variable")?)?;
    let value = body.required("value", "Variable")?.to_owned();
    let (mut client, holder, _path) = signed.holder(Kind::Variables).await?;
    let access = selection::Access::read(&body, Kind::Variables, holder, true)?;
    let (table, column) = (holder.table(Kind::Variables), holder.column());
    let sql = format!(
        "INSERT INTO {table} ({column}, name, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    );
    let tx = client.transaction().await?;
    if tx.execute(&sql, &[&holder.id(), &name, &value]).await? == 0 {
        return Err(variable_exists());
    }
    grant(&tx, access, (holder, &name)).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, axum::Json(json!({}))).into_response())
}

/// 409 for a variable name already taken.
fn variable_exists() -> ApiError {
    ApiError::conflict("Already exists - Variable already exists.")
}

/// `PATCH …/variables/{name}` (`name`, `value`; an organization's also `visibility` and
/// `selected_repository_ids`): 204.
pub(crate) async fn update_variable<const AT: u8>(signed: Signed<AT>, body: Body) -> ApiResult {
    let renamed = body.str("name")?.map(name_of).transpose()?;
    let value = body.str("value")?.map(str::to_owned);
    let (mut client, holder, _path) = signed.holder(Kind::Variables).await?;
    let access = selection::Access::read(&body, Kind::Variables, holder, false)?;
    let name = signed.name();
    let (table, column) = (holder.table(Kind::Variables), holder.column());
    let sql = format!(
        "UPDATE {table} SET name = coalesce($3, name), value = coalesce($4, value),
                            updated_at = now()
         WHERE {column} = $1 AND name = $2
           AND NOT EXISTS (SELECT 1 FROM {table} o WHERE o.{column} = $1
                           AND o.name = $3 AND o.name <> $2)"
    );
    let params: [&(dyn ToSql + Sync); 4] = [&holder.id(), &name, &renamed, &value];
    let tx = client.transaction().await?;
    if tx.execute(&sql, &params).await? == 1 {
        grant(&tx, access, (holder, renamed.as_ref().unwrap_or(&name))).await?;
        tx.commit().await?;
        return Ok(req::no_content());
    }
    let found = format!("SELECT 1 FROM {}", holder.named(Kind::Variables));
    match tx.query_opt(&found, &params[..2]).await? {
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
        assert_ne!(key_of("c1", Holder::Organization(7)).1, key);
    }

    #[test]
    fn names_are_upper_cased_and_checked() {
        assert_eq!(name_of("deploy_key").ok().as_deref(), Some("DEPLOY_KEY"));
        for bad in ["", "1KEY", "github_token", "A-B", "A B"] {
            assert!(name_of(bad).is_err(), "{bad}");
        }
    }
}
