//! A team's members: `GET …/members` (`role`; the members of its child teams included,
//! `inherited`), `GET/PUT/DELETE …/memberships/{username}` (`role` `member` or
//! `maintainer`; `state`), and the legacy `GET/PUT/DELETE …/members/{username}` PyGithub
//! calls.

use asym_kit::deadpool_postgres::GenericClient;

use super::{Team, TeamScope};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::req::{self, Body, Page, Query};
use crate::{invites, users};

/// Who is in team `$1`: each user once, with their role there (an organization owner's is
/// `maintainer`, as GitHub answers) and whether they are in through a child team only.
const MEMBERS: &str = "SELECT DISTINCT ON (tm.user_id) tm.user_id,
                              CASE WHEN EXISTS (SELECT 1 FROM org_members o
                                                WHERE o.org_id = t.org_id AND o.user_id = tm.user_id
                                                  AND o.role = 'admin')
                                   THEN 'maintainer' ELSE tm.role END AS role,
                              tm.team_id <> $1 AS inherited, tm.state
                       FROM team_members tm JOIN teams t ON t.id = tm.team_id
                       WHERE tm.team_id IN (SELECT gh_team_tree($1))
                         AND (tm.state = 'active' OR tm.team_id = $1)
                       ORDER BY tm.user_id, tm.team_id <> $1, tm.role = 'maintainer' DESC";

/// `GET …/members` (`role` `all`, `member` or `maintainer`; Octokit's
/// `teams.listMembersInOrg`, PyGithub's `Team.get_members`): the active members, by id,
/// each with `role` and `inherited`.
pub(crate) async fn list(scope: TeamScope, query: Query) -> ApiResult {
    let role = match query.get("role").unwrap_or("all") {
        "all" => None,
        r @ ("member" | "maintainer") => Some(r.to_owned()),
        _ => return Err(ApiError::validation("Team", "role", "invalid")),
    };
    let (client, team) = scope.open().await?;
    let sql = format!(
        "WITH m AS (SELECT * FROM ({MEMBERS}) m WHERE m.state = 'active' AND ($3::text IS NULL OR m.role = $3))
         SELECT (SELECT count(*) FROM m),
                (SELECT coalesce(json_agg(gh_user(u, $2)::jsonb
                                          || jsonb_build_object('role', p.role, 'inherited', p.inherited)
                                          ORDER BY u.id), '[]')::text
                 FROM (SELECT * FROM m ORDER BY user_id LIMIT $4 OFFSET $5) p
                 JOIN users u ON u.id = p.user_id)"
    );
    let base = scope.base();
    let path = format!("{}/members", &team.url(base)[base.len()..]);
    req::list_sql(
        &client,
        &Page::new(base, path, &query),
        &sql,
        &[&team.id, &base, &role],
    )
    .await
}

/// The user `login` names (a person, not an organization or a bot); 404 otherwise.
async fn person(client: &impl GenericClient, login: &str) -> ApiResult<i64> {
    match users::find(client, login).await? {
        Some((id, kind)) if kind == "User" => Ok(id),
        _ => Err(ApiError::not_found()),
    }
}

/// The membership of `user` in `team` (`{url, role, state}`), if they are in it.
async fn membership(
    client: &impl GenericClient,
    team: &Team,
    base: &str,
    (user, login): (i64, &str),
) -> ApiResult<Option<String>> {
    let sql = format!(
        "SELECT json_build_object('url', $3::text, 'role', m.role, 'state', m.state)::text
         FROM ({MEMBERS}) m WHERE m.user_id = $2"
    );
    let url = format!("{}/memberships/{login}", team.url(base));
    Ok(db::first(client, &sql, &[&team.id, &user, &url]).await?)
}

/// `GET …/memberships/{username}` (Octokit's `teams.getMembershipForUserInOrg`, PyGithub's
/// `Team.get_team_membership`): the user's membership (through a child team too); 404 when
/// they have none.
pub(crate) async fn get(scope: TeamScope<String>) -> ApiResult {
    let (client, team) = scope.open().await?;
    let user = person(&client, &scope.path).await?;
    membership(&client, &team, scope.base(), (user, &scope.path))
        .await?
        .map(req::ok)
        .ok_or_else(ApiError::not_found)
}

/// Adds `scope.path` to the team with `role`, or changes their role: `active` for a member of
/// the organization, `pending` for anyone else, who is invited to the organization (to this
/// team) and becomes active on accepting. An owner or the team's maintainers. The membership and the team.
async fn put(scope: &TeamScope<String>, role: &str) -> ApiResult<(String, Team)> {
    scope.viewer.require_scope("admin:org", &["write:org"])?;
    let (mut client, team) = scope.open().await?;
    team.require_manager(
        "You must be an organization owner or team maintainer to add a team membership.",
    )?;
    let user = person(&client, &scope.path).await?;
    const SQL: &str = "INSERT INTO team_members (team_id, user_id, role, state)
                       VALUES ($1, $2, $3, CASE WHEN EXISTS (
                           SELECT 1 FROM org_members m WHERE m.org_id = $4 AND m.user_id = $2)
                           THEN 'active' ELSE 'pending' END)
                       ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role";
    db::execute(&client, SQL, &[&team.id, &user, &role, &team.org_id]).await?;
    if users::role(&client, team.org_id, user).await?.is_none() {
        // GitHub invites a user outside the organization, to this team.
        let invite = invites::Invite {
            org: team.org_id,
            invitee: Some(user),
            email: None,
            role: "direct_member",
            inviter: scope.viewer.user_id,
            teams: &[team.id],
        };
        invites::open(&mut client, &invite, false).await?;
    }
    let rendered = membership(&client, &team, scope.base(), (user, &scope.path)).await?;
    Ok((rendered.ok_or_else(ApiError::not_found)?, team))
}

/// `PUT …/memberships/{username}` (`role` `member` (default) or `maintainer`; Octokit's
/// `teams.addOrUpdateMembershipForUserInOrg`, PyGithub's `Team.add_membership`): 200 with
/// the membership.
pub(crate) async fn set(scope: TeamScope<String>, body: Body) -> ApiResult {
    let role = body.one_of("role", &["member", "maintainer"], "TeamMember")?;
    let (membership, _) = put(&scope, role.as_deref().unwrap_or("member")).await?;
    Ok(req::ok(membership))
}

/// `DELETE …/memberships/{username}` and the legacy `DELETE …/members/{username}`
/// (Octokit's `teams.removeMembershipForUserInOrg`, PyGithub's `Team.remove_membership`,
/// `remove_from_members`): 204; an owner or the team's maintainers; 404 for a user who is not
/// in the team.
pub(crate) async fn remove(scope: TeamScope<String>) -> ApiResult {
    scope.viewer.require_scope("admin:org", &["write:org"])?;
    let (client, team) = scope.open().await?;
    team.require_manager(
        "You must be an organization owner or team maintainer to remove a team membership.",
    )?;
    let user = person(&client, &scope.path).await?;
    const SQL: &str = "DELETE FROM team_members WHERE team_id = $1 AND user_id = $2";
    match db::execute(&client, SQL, &[&team.id, &user]).await? {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// The legacy `GET …/members/{username}` (PyGithub's `Team.has_in_members`): 204 for an
/// active member (through a child team too), 404 otherwise.
pub(crate) async fn check(scope: TeamScope<String>) -> ApiResult {
    let (client, team) = scope.open().await?;
    let user = person(&client, &scope.path).await?;
    let sql = format!("SELECT 1 FROM ({MEMBERS}) m WHERE m.user_id = $2 AND m.state = 'active'");
    match db::row(&client, &sql, &[&team.id, &user]).await? {
        Some(_) => Ok(req::no_content()),
        None => Err(ApiError::not_found()),
    }
}

/// The legacy `PUT …/members/{username}` (PyGithub's `Team.add_to_members`): the user added
/// as a `member`, 204.
pub(crate) async fn add(scope: TeamScope<String>) -> ApiResult {
    put(&scope, "member").await?;
    Ok(req::no_content())
}
