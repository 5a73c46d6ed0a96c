//! Teams of an organization (Octokit's `teams.*`, PyGithub's `Organization.create_team`,
//! `get_team_by_slug`, `get_team` and `Team.*`): the team a path names and what the caller
//! may do with it. A team is named three ways, each serving the same routes below it:
//! `/orgs/{org}/teams/{team_slug}`, `/organizations/{org_id}/team/{team_id}` (its `url`, which
//! PyGithub follows) and the legacy `/teams/{team_id}`.
//!
//! | routes | module |
//! |---|---|
//! | list, create, get, update, delete; child teams; `/user/teams` | `crud` |
//! | members, memberships (and the legacy `members/{u}`) | `members` |
//! | repositories and the team's permission there; `/repos/{o}/{r}/teams` | `repos` |
//!
//! Visibility is GitHub's: a `closed` team is seen by the organization's members, a `secret`
//! one by its owners and the team's own members; anyone else gets 404. An app installed on
//! the organization acts as an owner.

pub(crate) mod crud;
pub(crate) mod members;
pub(crate) mod repos;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::tokio_postgres::types::ToSql;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::scope::Params;
use crate::viewer::Viewer;

/// How the path names a team.
enum Key {
    /// `/orgs/{org}/teams/{team_slug}`.
    Slug { org: String, slug: String },
    /// `/organizations/{org_id}/team/{team_id}` (`org` set) or `/teams/{team_id}`.
    Id { org: Option<String>, id: String },
}

/// A team route's request: the caller, how the path names the team, and the parameters that
/// follow it (`()`, a username, or a repository's owner and name).
pub(crate) struct TeamScope<P = ()> {
    /// The clone's services.
    pub(crate) kit: Kit,
    /// The caller (team routes need one).
    pub(crate) viewer: Viewer,
    key: Key,
    /// The parameters after the team.
    pub(crate) path: P,
}

/// A team as the caller may see it.
pub(crate) struct Team {
    /// Its id.
    pub(crate) id: i64,
    /// Its organization's id.
    pub(crate) org_id: i64,
    /// Whether the caller owns the organization (or is an app installed on it).
    pub(crate) owner: bool,
    /// Whether the caller maintains the team.
    pub(crate) maintainer: bool,
}

impl Team {
    /// 403 `refusal` unless the caller owns the organization or maintains the team.
    pub(crate) fn require_manager(&self, refusal: &'static str) -> ApiResult<()> {
        if self.owner || self.maintainer {
            Ok(())
        } else {
            Err(ApiError::forbidden(refusal))
        }
    }

    /// The team's API URL, which its `url` fields start with.
    pub(crate) fn url(&self, base: &str) -> String {
        format!("{base}/organizations/{}/team/{}", self.org_id, self.id)
    }
}

impl<P: Params> FromRequestParts<Kit> for TeamScope<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, Response> {
        let viewer = Viewer::from_request_parts(parts, kit)
            .await
            .map_err(IntoResponse::into_response)?;
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, kit)
            .await
            .map_err(IntoResponse::into_response)?;
        let named = |name: &str| {
            params
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        let key = match (named("team_slug"), named("team_id")) {
            (Some(slug), _) => Key::Slug {
                org: named("org").unwrap_or_default(),
                slug,
            },
            (None, Some(id)) => Key::Id {
                org: named("org_id"),
                id,
            },
            (None, None) => return Err(ApiError::not_found().into_response()),
        };
        let rest = params
            .into_iter()
            .filter(|(key, _)| !matches!(key.as_str(), "org" | "team_slug" | "org_id" | "team_id"))
            .map(|(_, value)| value)
            .collect();
        let path = P::from_rest(rest).ok_or_else(|| ApiError::not_found().into_response())?;
        Ok(Self {
            kit: kit.clone(),
            viewer,
            key,
            path,
        })
    }
}

impl<P> TeamScope<P> {
    /// The clone's public URL.
    pub(crate) fn base(&self) -> &str {
        &self.kit.config().public_url
    }

    /// A pool connection and the path's team, when the caller may see it (404 otherwise).
    pub(crate) async fn open(&self) -> ApiResult<(Object, Team)> {
        let client = self.kit.db().await?;
        let team = find(&client, &self.key, self.viewer.user_id).await?;
        Ok((client, team))
    }
}

/// What a caller is to an organization.
pub(crate) struct OrgRole {
    /// An owner, or an app installed on it.
    pub(crate) owner: bool,
    /// A member (owners included).
    pub(crate) member: bool,
}

/// The columns that say what user `user` is to the organization `org` (SQL expressions): their
/// role there, and whether they are an app installed on it.
fn role_columns(org: &str, user: &str) -> String {
    format!(
        "(SELECT m.role FROM org_members m WHERE m.org_id = {org} AND m.user_id = {user}),
         EXISTS (SELECT 1 FROM installations i JOIN apps a ON a.id = i.app_id
                 WHERE a.bot_user_id = {user} AND i.account_id = {org})"
    )
}

/// What [`role_columns`] selected, from column `at` of `row`.
fn org_role_at(row: &asym_kit::tokio_postgres::Row, at: usize) -> OrgRole {
    let (role, app): (Option<String>, bool) = (row.get(at), row.get(at + 1));
    OrgRole {
        owner: app || role.as_deref() == Some("admin"),
        member: app || role.is_some(),
    }
}

/// An organization's id by login and what `viewer` is to it; 404 for an unknown one.
pub(crate) async fn org_role(
    client: &impl GenericClient,
    login: &str,
    viewer: &Viewer,
) -> ApiResult<(i64, OrgRole)> {
    let sql = format!(
        "SELECT o.id, {} FROM users o WHERE lower(o.login) = lower($1) AND o.type = 'Organization'",
        role_columns("o.id", "$2")
    );
    let row = db::found(client, &sql, &[&login, &viewer.user_id]).await?;
    Ok((row.get(0), org_role_at(&row, 1)))
}

/// The team `key` names, as user `uid` may see it; 404 when there is none or it is hidden.
async fn find(client: &impl GenericClient, key: &Key, uid: i64) -> ApiResult<Team> {
    match key {
        Key::Slug { org, slug } => {
            let filter = "lower(o.login) = lower($1) AND lower(t.slug) = lower($2)";
            select(client, filter, &[org, slug, &uid]).await
        }
        Key::Id { org, id } => {
            let id: i64 = db::id(id)?;
            let org: Option<i64> = org.as_deref().map(db::id).transpose()?;
            let filter = "t.id = $2 AND ($1::bigint IS NULL OR t.org_id = $1)";
            select(client, filter, &[&org, &id, &uid]).await
        }
    }
}

/// The team `filter` selects (`$3` the caller), if the caller may see it.
async fn select(
    client: &impl GenericClient,
    filter: &str,
    params: &[&(dyn ToSql + Sync)],
) -> ApiResult<Team> {
    let sql = format!(
        "SELECT t.id, t.org_id, t.privacy = 'closed',
                (SELECT tm.role FROM team_members tm
                 WHERE tm.team_id = t.id AND tm.user_id = $3 AND tm.state = 'active'),
                {}
         FROM teams t JOIN users o ON o.id = t.org_id WHERE {filter}",
        role_columns("t.org_id", "$3")
    );
    let row = db::found(client, &sql, params).await?;
    let (closed, role): (bool, Option<String>) = (row.get(2), row.get(3));
    let org = org_role_at(&row, 4);
    if !(org.owner || role.is_some() || (closed && org.member)) {
        return Err(ApiError::not_found());
    }
    Ok(Team {
        id: row.get(0),
        org_id: row.get(1),
        owner: org.owner,
        maintainer: role.as_deref() == Some("maintainer"),
    })
}

/// GitHub's slug of a team name: lower case, each run of other characters than letters,
/// digits and `_` one `-`, none at either end.
pub(crate) fn slug(name: &str) -> String {
    let mut slug = String::new();
    for ch in name.trim().chars().flat_map(char::to_lowercase) {
        if ch.is_alphanumeric() || ch == '_' {
            slug.push(ch);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A repository permission as the team routes take it (`pull`, `triage`, `push`,
/// `maintain`, `admin`) in the clone's words (`read`, …, `write`, …); 422 for another.
pub(crate) fn permission(name: &str, resource: &str) -> ApiResult<&'static str> {
    Ok(match name {
        "pull" => "read",
        "triage" => "triage",
        "push" => "write",
        "maintain" => "maintain",
        "admin" => "admin",
        _ => return Err(ApiError::validation(resource, "permission", "invalid")),
    })
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_lower_case_with_dashes() {
        assert_eq!(slug("Justice League"), "justice-league");
        assert_eq!(slug("  Core / Platform!! "), "core-platform");
        assert_eq!(slug("a_b.c"), "a_b-c");
        assert_eq!(slug("!!!"), "");
    }
}
