//! Organization invitations (Octokit's `orgs.createInvitation`, `listPendingInvitations`,
//! `cancelInvitation`, `listInvitationTeams`, `listFailedInvitations`; PyGithub's
//! `Organization.invite_user`, `invitations`, `cancel_invitation`): an owner's routes under
//! `/orgs/{org}/invitations` and `/orgs/{org}/failed_invitations`. The invited user accepts
//! through `PATCH /user/memberships/orgs/{org}` (`users`); the model is `invites`.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::invites::{self, Invite};
use crate::req::{self, Body, Listing, Page, Query};
use crate::users;
use crate::viewer::Viewer;

/// The resource GitHub's validation errors name.
const RESOURCE: &str = "OrganizationInvitation";

/// The scopes a classic token may read invitations with besides `admin:org`.
const READ_SCOPES: &[&str] = &["write:org", "read:org"];

/// `GET /orgs/{org}/invitations` (`role` `all`, `admin`, `direct_member`, `billing_manager`,
/// `hiring_manager`; `invitation_source` `all`, `member`, `scim`): the open invitations, oldest
/// first, with `Link` pages; an owner's (403 for another member, 404 for anyone else).
pub(crate) async fn list(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    query: Query,
) -> ApiResult {
    let role = match query.get("role").unwrap_or("all") {
        "all" => None,
        r @ ("admin" | "direct_member" | "billing_manager" | "hiring_manager") => Some(r),
        _ => return Err(ApiError::validation(RESOURCE, "role", "invalid")),
    };
    // Every invitation the clone holds was made by a member (none comes from SCIM).
    let scim = match query.get("invitation_source").unwrap_or("all") {
        "all" | "member" => false,
        "scim" => true,
        _ => {
            return Err(ApiError::validation(
                RESOURCE,
                "invitation_source",
                "invalid",
            ));
        }
    };
    let refusal = "You must be an admin to list organization invitations.";
    let (client, org) = users::owner(&kit, &viewer, (&login, READ_SCOPES), refusal).await?;
    let base = &kit.config().public_url;
    req::list(
        &client,
        &Page::new(base, format!("/orgs/{login}/invitations"), &query),
        &Listing {
            from: "org_invitations i",
            alias: "i",
            filter: "i.org_id = $1 AND i.cancelled_at IS NULL AND NOT $4
                     AND ($3::text IS NULL OR i.role = $3)",
            item: "gh_org_invitation(i, $2)",
            order: "i.id",
        },
        &[&org, base, &role, &scim],
    )
    .await
}

/// `GET /orgs/{org}/failed_invitations`: an owner's; always empty, as no invitation the clone
/// makes fails (GitHub lists those that expired or bounced).
pub(crate) async fn failed(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    query: Query,
) -> ApiResult {
    let refusal = "You must be an admin to list organization invitations.";
    let (_client, _org) = users::owner(&kit, &viewer, (&login, READ_SCOPES), refusal).await?;
    let path = format!("/orgs/{login}/failed_invitations");
    Ok(req::paged(
        &kit.config().public_url,
        &path,
        &query,
        0,
        "[]".to_owned(),
    ))
}

/// A 422 `Validation Failed` whose error is GitHub's `unprocessable` one on `data`, as it
/// answers an invitation of a member.
fn unprocessable(message: &str) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed").with_error(json!({
        "resource": RESOURCE, "code": "unprocessable", "field": "data", "message": message
    }))
}

/// `POST /orgs/{org}/invitations` (`invitee_id` or `email`, `role` `direct_member` (default),
/// `admin`, `billing_manager` or `reinstate`, `team_ids`): an owner invites a user or an
/// address, 201 with the invitation; a repeat for the same user or address answers the open
/// invitation. 422: neither `invitee_id` nor `email` (`missing_field`), an unknown user, a
/// team of another organization, a bad role, `reinstate` for someone never a member, and a
/// member (`Invitee is already a part of this organization`, or by address `A user with this
/// email address is already a part of this organization`, GitHub's words).
pub(crate) async fn create(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    body: Body,
) -> ApiResult {
    let roles = ["admin", "direct_member", "billing_manager", "reinstate"];
    let role = body.one_of("role", &roles, RESOURCE)?;
    let invitee = body.int("invitee_id")?;
    let email = body.str("email")?;
    let team_ids = body.list("team_ids", |item| match item {
        Value::Number(n) if n.is_i64() => Ok(n.to_string()),
        _ => Err(ApiError::validation(RESOURCE, "team_ids", "invalid")),
    })?;
    let refusal = "You must be an admin to create an organization invitation.";
    let (mut client, org) = users::owner(&kit, &viewer, (&login, &[]), refusal).await?;
    let user = match (invitee, email) {
        (Some(id), _) => Some(person(&client, id).await?),
        (None, Some(email)) if email.contains('@') => None,
        (None, Some(_)) => return Err(ApiError::validation(RESOURCE, "email", "invalid")),
        (None, None) => {
            return Err(ApiError::validation(
                RESOURCE,
                "invitee_id",
                "missing_field",
            ));
        }
    };
    const MEMBER_EMAIL: &str = "SELECT 1 FROM org_members m JOIN users u ON u.id = m.user_id
                                WHERE m.org_id = $1 AND lower(u.email) = lower($2)";
    match (user, email) {
        (Some(user), _) if users::role(&client, org, user).await?.is_some() => {
            return Err(unprocessable(
                "Invitee is already a part of this organization",
            ));
        }
        (None, Some(email))
            if db::row(&client, MEMBER_EMAIL, &[&org, &email])
                .await?
                .is_some() =>
        {
            return Err(unprocessable(
                "A user with this email address is already a part of this organization",
            ));
        }
        _ => {}
    }
    let role = match role.as_deref() {
        Some("reinstate") => reinstated(&client, org, user).await?,
        Some(role) => role.to_owned(),
        None => "direct_member".to_owned(),
    };
    let teams = teams(&client, org, team_ids.unwrap_or_default()).await?;
    let invite = Invite {
        org,
        invitee: user,
        email,
        role: &role,
        inviter: viewer.user_id,
        teams: &teams,
    };
    let id = invites::open(&mut client, &invite, false).await?;
    let base = &kit.config().public_url;
    Ok(req::created(invites::render(&client, base, id).await?))
}

/// The user `id` names (422 `invalid` for no user, an organization or a bot).
async fn person(client: &impl GenericClient, id: i64) -> ApiResult<i64> {
    const SQL: &str = "SELECT 1 FROM users WHERE id = $1 AND type = 'User'";
    match db::row(client, SQL, &[&id]).await? {
        Some(_) => Ok(id),
        None => Err(ApiError::invalid_value(RESOURCE, "invitee_id", id)),
    }
}

/// The role `reinstate` gives back: the one `user` held when they left `org` (`admin`, or
/// `direct_member` for a member); 422 for someone who never was a member (or an email).
async fn reinstated(client: &impl GenericClient, org: i64, user: Option<i64>) -> ApiResult<String> {
    const SQL: &str = "SELECT CASE role WHEN 'admin' THEN 'admin' ELSE 'direct_member' END
                       FROM org_former_members WHERE org_id = $1 AND user_id = $2";
    match user {
        Some(user) => db::first(client, SQL, &[&org, &user]).await?,
        None => None,
    }
    .ok_or_else(|| ApiError::validation(RESOURCE, "role", "invalid"))
}

/// The ids of `team_ids`, each a team of `org` (422 `invalid` naming the first that is not).
async fn teams(
    client: &impl GenericClient,
    org: i64,
    team_ids: Vec<String>,
) -> ApiResult<Vec<i64>> {
    const SQL: &str = "SELECT 1 FROM teams WHERE id = $1 AND org_id = $2";
    let mut ids = Vec::with_capacity(team_ids.len());
    for text in team_ids {
        let id: i64 = text
            .parse()
            .map_err(|_| ApiError::validation(RESOURCE, "team_ids", "invalid"))?;
        if db::row(client, SQL, &[&id, &org]).await?.is_none() {
            return Err(ApiError::invalid_value(RESOURCE, "team_ids", id));
        }
        ids.push(id);
    }
    Ok(ids)
}

/// `DELETE /orgs/{org}/invitations/{invitation_id}`: an owner cancels an invitation, 204; a
/// second cancel is 204 too, as GitHub answers; 404 for an id of no invitation of the
/// organization (an accepted one included).
pub(crate) async fn cancel(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path((login, id)): Path<(String, String)>,
) -> ApiResult {
    let id: i64 = db::id(&id)?;
    let refusal = "You must be an admin to cancel an organization invitation.";
    let (client, org) = users::owner(&kit, &viewer, (&login, &[]), refusal).await?;
    const SQL: &str = "UPDATE org_invitations SET cancelled_at = coalesce(cancelled_at, now())
                       WHERE id = $1 AND org_id = $2";
    match db::execute(&client, SQL, &[&id, &org]).await? {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// `GET /orgs/{org}/invitations/{invitation_id}/teams`: the teams an open invitation adds its
/// invitee to, by name, with `Link` pages; an owner's; 404 for an id of no open invitation.
pub(crate) async fn invitation_teams(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path((login, id)): Path<(String, String)>,
    query: Query,
) -> ApiResult {
    let id: i64 = db::id(&id)?;
    let refusal = "You must be an admin to list organization invitations.";
    let (client, org) = users::owner(&kit, &viewer, (&login, READ_SCOPES), refusal).await?;
    const OPEN: &str = "SELECT 1 FROM org_invitations
                        WHERE id = $1 AND org_id = $2 AND cancelled_at IS NULL";
    db::found(&client, OPEN, &[&id, &org]).await?;
    let base = &kit.config().public_url;
    req::list(
        &client,
        &Page::new(
            base,
            format!("/orgs/{login}/invitations/{id}/teams"),
            &query,
        ),
        &Listing {
            from: "teams t JOIN org_invitation_teams x ON x.team_id = t.id",
            alias: "t",
            filter: "x.invitation_id = $1",
            item: "gh_team(t, $2, NULL)",
            order: "t.name",
        },
        &[&id, base],
    )
    .await
}
