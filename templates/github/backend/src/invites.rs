//! The model of organization invitations (`migrations/0023_org_invitations.sql`): opening one
//! (or finding the open one a repeat names), rendering, cancelling, and a user accepting theirs.
//! An invited user's membership reads `pending` (the `org_memberships` view) until they accept;
//! accepting makes them a member and activates their teams in the organization. The routes are
//! in `invitations` (`/orgs/{org}/invitations…`), `users` (memberships) and `teams::members`.

use asym_kit::deadpool_postgres::{GenericClient, Object};

use crate::db::{self, Serial};
use crate::error::ApiResult;

/// An invitation to open.
pub(crate) struct Invite<'a> {
    /// The organization's id.
    pub(crate) org: i64,
    /// The invited user, or `None` for an email invitation.
    pub(crate) invitee: Option<i64>,
    /// The invited address (an email invitation).
    pub(crate) email: Option<&'a str>,
    /// `admin`, `direct_member` or `billing_manager`.
    pub(crate) role: &'a str,
    /// Who invites.
    pub(crate) inviter: i64,
    /// The teams the invitee joins on accepting.
    pub(crate) teams: &'a [i64],
}

/// Opens `invite` and answers its id, or, when an open invitation names the same user (or the
/// same address), that one: GitHub answers a repeated email invitation with the invitation it
/// has, id and date unchanged. `replace_role` sets the open one's role to the new one (an
/// owner's `PUT` of a membership); the teams are added to it either way.
pub(crate) async fn open(
    client: &mut Object,
    invite: &Invite<'_>,
    replace_role: bool,
) -> ApiResult<i64> {
    const FIND: &str = "SELECT id FROM org_invitations
                        WHERE org_id = $1 AND cancelled_at IS NULL
                          AND (invitee_id = $2 OR (invitee_id IS NULL AND $2::bigint IS NULL
                                                   AND lower(email) = lower($3)))
                        ORDER BY id LIMIT 1";
    const INSERT: &str = "INSERT INTO org_invitations (org_id, invitee_id, email, role, inviter_id)
                          VALUES ($1, $2, $3, $4, $5) RETURNING id";
    const ROLE: &str = "UPDATE org_invitations SET role = $2 WHERE id = $1";
    const TEAMS: &str = "INSERT INTO org_invitation_teams (invitation_id, team_id)
                         SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING";
    let tx = client.transaction().await?;
    db::one_at_a_time(&tx, Serial::Invitations, invite.org).await?;
    let found: Option<i64> =
        db::first(&tx, FIND, &[&invite.org, &invite.invitee, &invite.email]).await?;
    let id = match found {
        Some(id) => {
            if replace_role {
                db::execute(&tx, ROLE, &[&id, &invite.role]).await?;
            }
            id
        }
        None => {
            let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 5] = [
                &invite.org,
                &invite.invitee,
                &invite.email,
                &invite.role,
                &invite.inviter,
            ];
            db::value(&tx, INSERT, &params).await?
        }
    };
    let teams = invite.teams.to_vec();
    db::execute(&tx, TEAMS, &[&id, &teams]).await?;
    tx.commit().await?;
    Ok(id)
}

/// Invitation `id` as GitHub answers it.
pub(crate) async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT gh_org_invitation(i, $2)::text FROM org_invitations i WHERE i.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Cancels the open invitations of `user` to `org` (by id or by their address): how many.
pub(crate) async fn cancel_for(client: &impl GenericClient, org: i64, user: i64) -> ApiResult<u64> {
    const SQL: &str = "UPDATE org_invitations i SET cancelled_at = now() FROM org_invitees v
                       WHERE v.id = i.id AND v.org_id = $1 AND v.user_id = $2";
    Ok(db::execute(client, SQL, &[&org, &user]).await?)
}

/// The user `user` accepts their invitations to `org`: they become a member (an owner if an
/// invitation says `admin`; a billing manager joins as a member), join the invitations'
/// teams, and their pending team memberships there become active; the invitations are closed.
/// False when they have no open invitation (nothing changes).
pub(crate) async fn accept(client: &mut Object, org: i64, user: i64) -> ApiResult<bool> {
    const OPEN: &str =
        "SELECT coalesce(array_agg(id), '{}'), coalesce(bool_or(role = 'admin'), false)
                        FROM org_invitees WHERE org_id = $1 AND user_id = $2";
    const MEMBER: &str = "INSERT INTO org_members (org_id, user_id, role) VALUES ($1, $2, $3)
                          ON CONFLICT (org_id, user_id) DO NOTHING";
    const TEAMS: &str = "INSERT INTO team_members (team_id, user_id)
                         SELECT DISTINCT t.team_id, $2::bigint FROM org_invitation_teams t
                         WHERE t.invitation_id = ANY($1)
                         ON CONFLICT (team_id, user_id) DO UPDATE SET state = 'active'";
    const PENDING: &str = "UPDATE team_members tm SET state = 'active' FROM teams t
                           WHERE t.id = tm.team_id AND t.org_id = $1 AND tm.user_id = $2
                             AND tm.state = 'pending'";
    const CLOSE: &str = "DELETE FROM org_invitations WHERE id = ANY($1)";
    let tx = client.transaction().await?;
    db::one_at_a_time(&tx, Serial::Invitations, org).await?;
    let row = tx.query_one(OPEN, &[&org, &user]).await?;
    let (ids, admin): (Vec<i64>, bool) = (row.get(0), row.get(1));
    if ids.is_empty() {
        return Ok(false);
    }
    let role = if admin { "admin" } else { "member" };
    db::execute(&tx, MEMBER, &[&org, &user, &role]).await?;
    db::execute(&tx, TEAMS, &[&ids, &user]).await?;
    db::execute(&tx, PENDING, &[&org, &user]).await?;
    db::execute(&tx, CLOSE, &[&ids]).await?;
    tx.commit().await?;
    Ok(true)
}
