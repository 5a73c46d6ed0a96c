//! Which of an organization's repositories may use one of its secrets or variables:
//! `visibility` `all` (every repository of the organization), `private` (its private
//! repositories) or `selected` (those listed and changed at `…/{name}/repositories` and
//! `…/{name}/repositories/{repository_id}`, which answer 409 for another visibility), and
//! what a repository sees of them (`GET /repos/{o}/{r}/actions/organization-secrets`,
//! `…/organization-variables`).

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use serde_json::Value;

use super::{Holder, Kind, ORGANIZATION, REPOSITORY, Signed};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::req::{self, Body, Listing, Page, Query};

/// The `KIND` of the selected repositories' routes of secrets.
pub(crate) const SECRETS: bool = false;
/// The `KIND` of the selected repositories' routes of variables.
pub(crate) const VARIABLES: bool = true;

impl Kind {
    /// The kind a selected repositories' route serves ([`SECRETS`] or [`VARIABLES`]).
    fn of(variables: bool) -> Self {
        match variables {
            VARIABLES => Self::Variables,
            SECRETS => Self::Secrets,
        }
    }

    /// The table of an organization's selected repositories of its rows of this kind.
    fn selected(self) -> &'static str {
        match self {
            Self::Secrets => "org_secret_repos",
            Self::Variables => "org_variable_repos",
        }
    }
}

/// What an organization's write says of who may use a secret or variable.
pub(super) struct Access {
    kind: Kind,
    /// `all`, `private` or `selected`; none to keep it.
    visibility: Option<String>,
    /// The selected repositories' ids; none to keep them.
    repositories: Option<Vec<i64>>,
}

impl Access {
    /// The `visibility` and `selected_repository_ids` of a write of `kind`, for an
    /// organization's (none for another holder's): `visibility` (`all`, `private`,
    /// `selected`, else 422 `invalid`) must be given when `required` (422 `"visibility"
    /// wasn't supplied.`, as GitHub answers, sigstore/cosign#3778).
    pub(super) fn read(
        body: &Body,
        kind: Kind,
        holder: Holder,
        required: bool,
    ) -> ApiResult<Option<Self>> {
        let Holder::Organization(_) = holder else {
            return Ok(None);
        };
        let resource = kind.resource();
        if required {
            body.required("visibility", resource)?;
        }
        let visibility = body.one_of("visibility", &["all", "private", "selected"], resource)?;
        let repositories = ids(body, kind)?;
        Ok(Some(Self {
            kind,
            visibility,
            repositories,
        }))
    }

    /// Applies it to `org`'s row `name`: its visibility set, its selected repositories
    /// replaced when it is `selected` and ids were given, dropped when it is not. Ids with
    /// another visibility are 422 (GitHub: "You can only provide a list of repository ids
    /// when the `visibility` is set to `selected`"; its answer was not found).
    pub(super) async fn apply(self, tx: &Transaction<'_>, org: i64, name: &str) -> ApiResult<()> {
        let kind = self.kind;
        let sql = format!(
            "UPDATE {} SET visibility = coalesce($3, visibility)
             WHERE org_id = $1 AND name = $2 RETURNING visibility",
            Holder::Organization(org).table(kind)
        );
        let visibility: String = db::value(tx, &sql, &[&org, &name, &self.visibility]).await?;
        match (visibility.as_str(), self.repositories) {
            ("selected", Some(ids)) => replace(tx, kind, (org, name), &ids).await,
            ("selected", None) => Ok(()),
            (_, Some(ids)) if !ids.is_empty() => Err(ApiError::validation(
                kind.resource(),
                "selected_repository_ids",
                "invalid",
            )),
            _ => replace(tx, kind, (org, name), &[]).await,
        }
    }
}

/// `selected_repository_ids`: repository ids (a secret's may be strings of digits, as its
/// schema allows; a variable's integers), else 422.
fn ids(body: &Body, kind: Kind) -> ApiResult<Option<Vec<i64>>> {
    let field = "selected_repository_ids";
    let ids = body.list(field, |item| match item {
        Value::Number(n) if n.is_i64() => Ok(n.to_string()),
        Value::String(s) if kind == Kind::Secrets && s.parse::<i64>().is_ok() => Ok(s.clone()),
        _ => Err(ApiError::validation(kind.resource(), field, "invalid")),
    })?;
    Ok(ids.map(|ids| ids.iter().filter_map(|id| id.parse().ok()).collect()))
}

/// Replaces the selected repositories of `org`'s row `name` of `kind` with `ids`, each a
/// repository of the organization (422 `invalid` otherwise).
async fn replace(
    tx: &Transaction<'_>,
    kind: Kind,
    (org, name): (i64, &str),
    ids: &[i64],
) -> ApiResult<()> {
    const OWNED: &str = "SELECT count(*) = (SELECT count(DISTINCT i) FROM unnest($2::bigint[]) i)
                         FROM repos WHERE owner_id = $1 AND id = ANY($2)";
    if !db::value::<bool>(tx, OWNED, &[&org, &ids]).await? {
        return Err(ApiError::validation(
            kind.resource(),
            "selected_repository_ids",
            "invalid",
        ));
    }
    let table = kind.selected();
    let clear = format!("DELETE FROM {table} WHERE org_id = $1 AND name = $2");
    tx.execute(&clear, &[&org, &name]).await?;
    let add = format!(
        "INSERT INTO {table} (org_id, name, repo_id)
         SELECT $1, $2, i FROM unnest($3::bigint[]) i ON CONFLICT DO NOTHING"
    );
    tx.execute(&add, &[&org, &name, &ids]).await?;
    Ok(())
}

/// 409 for a selected repositories' route of a secret or variable whose visibility is not
/// `selected`, as GitHub documents (its wording was not found).
fn not_selected() -> ApiError {
    ApiError::conflict("Conflict")
}

/// The organization and the name of the secret or variable of `kind` the path names, known
/// to have `selected` visibility: 404 when there is none, 409 for another visibility.
async fn selected<C: GenericClient>(
    client: &C,
    signed: &Signed<ORGANIZATION>,
    kind: Kind,
    org: Holder,
) -> ApiResult<(i64, String)> {
    let (id, name) = (org.id(), signed.name());
    let sql = format!("SELECT s.visibility FROM {}", org.named(kind));
    let visibility: String = db::found(client, &sql, &[&id, &name]).await?.get(0);
    match visibility.as_str() {
        "selected" => Ok((id, name)),
        _ => Err(not_selected()),
    }
}

/// `GET /orgs/{org}/actions/{secrets|variables}/{name}/repositories`:
/// `{total_count, repositories}`, by name.
pub(crate) async fn list_repositories<const KIND: bool>(
    signed: Signed<ORGANIZATION>,
    query: Query,
) -> ApiResult {
    let kind = Kind::of(KIND);
    let (client, org, path) = signed.holder(kind).await?;
    let (id, name) = selected(&client, &signed, kind, org).await?;
    let filter = format!(
        "EXISTS (SELECT 1 FROM {} x WHERE x.org_id = $1 AND x.name = $2 AND x.repo_id = r.id)",
        kind.selected()
    );
    let listing = Listing {
        from: "repos r",
        alias: "r",
        filter: &filter,
        item: "gh_repo(r, $3, NULL)",
        order: "lower(r.full_name), r.id",
    };
    let sql = listing.counted_sql(3, "repositories");
    let base = &signed.kit.config().public_url;
    let list = format!("{path}/{}/{}/repositories", kind.field(), signed.name());
    let page = Page::new(base, list, &query);
    req::list_sql(&client, &page, &sql, &[&id, &name, base]).await
}

/// `PUT /orgs/{org}/actions/{secrets|variables}/{name}/repositories`
/// (`selected_repository_ids`, required): the selection replaced, 204.
pub(crate) async fn set_repositories<const KIND: bool>(
    signed: Signed<ORGANIZATION>,
    body: Body,
) -> ApiResult {
    let kind = Kind::of(KIND);
    let field = "selected_repository_ids";
    if body.0.get(field).is_none_or(Value::is_null) {
        return Err(ApiError::invalid(format!(
            "Invalid request.\n\n\"{field}\" wasn't supplied."
        )));
    }
    let ids = ids(&body, kind)?.unwrap_or_default();
    let (mut client, org, _path) = signed.holder(kind).await?;
    let tx = client.transaction().await?;
    let (id, name) = selected(&tx, &signed, kind, org).await?;
    replace(&tx, kind, (id, &name), &ids).await?;
    tx.commit().await?;
    Ok(req::no_content())
}

/// The repository id in the path, with the organization's row it is added to or removed
/// from: 404 for an id that names no repository of the organization.
async fn repository<C: GenericClient>(
    client: &C,
    signed: &Signed<ORGANIZATION>,
    kind: Kind,
    org: Holder,
) -> ApiResult<(i64, String, i64)> {
    let (id, name) = selected(client, signed, kind, org).await?;
    let repository = signed.repository.as_deref().unwrap_or_default();
    let repository: i64 = repository.parse().map_err(|_| ApiError::not_found())?;
    const SQL: &str = "SELECT 1 FROM repos WHERE id = $1 AND owner_id = $2";
    db::found(client, SQL, &[&repository, &id]).await?;
    Ok((id, name, repository))
}

/// Adds the repository of the path to the selection (`add`) or takes it out: 204 either way,
/// whether it was there or not.
async fn select(signed: Signed<ORGANIZATION>, kind: Kind, add: bool) -> ApiResult {
    let (client, org, _path) = signed.holder(kind).await?;
    let (id, name, repository) = repository(&client, &signed, kind, org).await?;
    let table = kind.selected();
    let sql = match add {
        true => format!(
            "INSERT INTO {table} (org_id, name, repo_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING"
        ),
        false => format!("DELETE FROM {table} WHERE org_id = $1 AND name = $2 AND repo_id = $3"),
    };
    client.execute(&sql, &[&id, &name, &repository]).await?;
    Ok(req::no_content())
}

/// `PUT /orgs/{org}/actions/{secrets|variables}/{name}/repositories/{repository_id}`: 204,
/// the repository selected (again).
pub(crate) async fn add_repository<const KIND: bool>(signed: Signed<ORGANIZATION>) -> ApiResult {
    select(signed, Kind::of(KIND), true).await
}

/// `DELETE /orgs/{org}/actions/{secrets|variables}/{name}/repositories/{repository_id}`: 204,
/// the repository no longer selected (or never).
pub(crate) async fn remove_repository<const KIND: bool>(signed: Signed<ORGANIZATION>) -> ApiResult {
    select(signed, Kind::of(KIND), false).await
}

/// The organization's rows of `kind` the repository of the path may use, by name, as a
/// repository's own are answered (no `visibility`): `{total_count, <kind>}`.
async fn shared(signed: &Signed<REPOSITORY>, query: &Query, kind: Kind) -> ApiResult {
    let (client, repository, path) = signed.holder(kind).await?;
    let org = Holder::Organization(0);
    let from = format!(
        "{} s JOIN repos r ON r.owner_id = s.org_id",
        org.table(kind)
    );
    let filter = format!(
        "r.id = $1 AND (s.visibility = 'all' OR (s.visibility = 'private' AND r.private)
                        OR EXISTS (SELECT 1 FROM {} x WHERE x.org_id = s.org_id
                                   AND x.name = s.name AND x.repo_id = r.id))",
        kind.selected()
    );
    let item = kind.item(repository, 2);
    let base = &signed.kit.config().public_url;
    let page = Page::new(base, format!("{path}/organization-{}", kind.field()), query);
    kind.page(&client, &page, (&from, &filter, &item), &[&repository.id()])
        .await
}

/// `GET /repos/{o}/{r}/actions/organization-secrets`: the organization's secrets the
/// repository may use (its owner's, when an organization owns it; none otherwise).
pub(crate) async fn organization_secrets(signed: Signed<REPOSITORY>, query: Query) -> ApiResult {
    shared(&signed, &query, Kind::Secrets).await
}

/// `GET /repos/{o}/{r}/actions/organization-variables`: the organization's variables the
/// repository may use, with their values.
pub(crate) async fn organization_variables(signed: Signed<REPOSITORY>, query: Query) -> ApiResult {
    shared(&signed, &query, Kind::Variables).await
}
