//! Users and organizations: `GET /user`, `GET /users/{u}`, `GET /user/orgs`,
//! `GET /orgs/{org}`, org members and memberships (reads, and an owner's `PUT`/`DELETE`).
//! Users, orgs and app bots share the `users` table.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::{GenericClient, Object};
use axum::extract::{Path, State};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::invites;
use crate::req::{self, Body, Listing, Page, Query};
use crate::viewer::{Caller, Person, Viewer};

/// An account by login (case-insensitive): (id, type).
pub(crate) async fn find(
    client: &impl GenericClient,
    login: &str,
) -> ApiResult<Option<(i64, String)>> {
    const SQL: &str = "SELECT id, type FROM users WHERE lower(login) = lower($1)";
    let row = db::row(client, SQL, &[&login]).await?;
    Ok(row.map(|row| (row.get(0), row.get(1))))
}

/// The simple-user JSON of account `id`.
pub(crate) async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_user_id($1, $2)::text";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// An account's id by login, or 404.
pub(crate) async fn id(kit: &Kit, login: &str) -> ApiResult<i64> {
    let client = kit.db().await?;
    Ok(find(&client, login)
        .await?
        .ok_or_else(ApiError::not_found)?
        .0)
}

/// An organization's id by login, or 404.
pub(crate) async fn org(client: &impl GenericClient, login: &str) -> ApiResult<i64> {
    match find(client, login).await? {
        Some((id, kind)) if kind == "Organization" => Ok(id),
        _ => Err(ApiError::not_found()),
    }
}

/// The role of `user` in `org`: `admin`, `member` or none.
pub(crate) async fn role(
    client: &impl GenericClient,
    org: i64,
    user: i64,
) -> ApiResult<Option<String>> {
    const SQL: &str = "SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2";
    Ok(db::first(client, SQL, &[&org, &user]).await?)
}

/// `GET /user`.
pub(crate) async fn me(State(kit): State<Kit>, Person(viewer): Person) -> ApiResult {
    const SQL: &str = "SELECT gh_user_full(u, $2, true)::text FROM users u WHERE u.id = $1";
    let client = kit.db().await?;
    Ok(req::ok(
        db::value(&client, SQL, &[&viewer.user_id, &kit.config().public_url]).await?,
    ))
}

/// `GET /users/{username}` (organizations answer as users do, with `type`).
pub(crate) async fn get(State(kit): State<Kit>, Path(login): Path<String>) -> ApiResult {
    let sql =
        "SELECT gh_user_full(u, $2, false)::text FROM users u WHERE lower(u.login) = lower($1)";
    db::rendered(&kit, sql, &login).await
}

/// `GET /user/{account_id}`: the account with that id, as `GET /users/{login}` answers it
/// (PyGithub's `get_user_by_id`); 404 for an id of no account or not a number.
pub(crate) async fn get_by_id(State(kit): State<Kit>, Path(id): Path<String>) -> ApiResult {
    let id: i64 = db::id(&id)?;
    db::rendered(
        &kit,
        "SELECT gh_user_full(u, $2, false)::text FROM users u WHERE u.id = $1",
        &id,
    )
    .await
}

/// `GET /user/orgs`.
pub(crate) async fn my_orgs(
    State(kit): State<Kit>,
    Person(viewer): Person,
    query: Query,
) -> ApiResult {
    let client = kit.db().await?;
    req::list(
        &client,
        &Page::new(&kit.config().public_url, "/user/orgs", &query),
        &Listing {
            from: "users o JOIN org_members m ON m.org_id = o.id",
            alias: "o",
            filter: "m.user_id = $1",
            item: "gh_org(o, $2)",
            order: "o.login",
        },
        &[&viewer.user_id, &kit.config().public_url],
    )
    .await
}

/// `GET /orgs/{org}`.
pub(crate) async fn get_org(State(kit): State<Kit>, Path(login): Path<String>) -> ApiResult {
    let client = kit.db().await?;
    let row = db::found(
        &client,
        "SELECT gh_org_full(o, $2)::text FROM users o
             WHERE lower(o.login) = lower($1) AND o.type = 'Organization'",
        &[&login, &kit.config().public_url],
    )
    .await?;
    Ok(req::ok(row.get(0)))
}

/// `GET /orgs/{org}/members` (`role=all|admin|member`).
pub(crate) async fn members(
    State(kit): State<Kit>,
    Caller(_viewer): Caller,
    Path(login): Path<String>,
    query: Query,
) -> ApiResult {
    let role = match query.get("role").unwrap_or("all") {
        "all" => None,
        r @ ("admin" | "member") => Some(r.to_owned()),
        _ => return Err(ApiError::validation("Member", "role", "invalid")),
    };
    let client = kit.db().await?;
    let org = org(&client, &login).await?;
    req::list(
        &client,
        &Page::new(
            &kit.config().public_url,
            format!("/orgs/{login}/members"),
            &query,
        ),
        &Listing {
            from: "users u JOIN org_members m ON m.user_id = u.id",
            alias: "u",
            filter: "m.org_id = $1 AND ($3::text IS NULL OR m.role = $3)",
            item: "gh_user(u, $2)",
            order: "u.id",
        },
        &[&org, &kit.config().public_url, &role],
    )
    .await
}

/// `GET /orgs/{org}/members/{username}`: 204 for a member, 404 otherwise.
pub(crate) async fn is_member(
    State(kit): State<Kit>,
    Path((login, user)): Path<(String, String)>,
) -> ApiResult {
    let client = kit.db().await?;
    let org = org(&client, &login).await?;
    let Some((user, _)) = find(&client, &user).await? else {
        return Err(ApiError::not_found());
    };
    match role(&client, org, user).await? {
        Some(_) => Ok(req::no_content()),
        None => Err(ApiError::not_found()),
    }
}

/// `GET /users`: every user and organization (app bots are not listed) in id order, those
/// with an id above `since`, `per_page` at a time. The `Link` header names the next page by
/// `since` (the page's last id) while more accounts follow, and the first page by GitHub's
/// URI template (`/users{?since}`), as GitHub answers.
pub(crate) async fn list(State(kit): State<Kit>, query: Query) -> ApiResult {
    const SQL: &str = "WITH page AS (SELECT * FROM users u WHERE u.id > $1 AND u.type <> 'Bot'
                                     ORDER BY u.id LIMIT $3)
                       SELECT (SELECT coalesce(json_agg(gh_user(u, $2) ORDER BY u.id), '[]')::text
                               FROM page u),
                              (SELECT max(id) FROM page),
                              EXISTS (SELECT 1 FROM users u WHERE u.type <> 'Bot'
                                      AND u.id > (SELECT max(id) FROM page))";
    let since: i64 = query.get("since").and_then(|s| s.parse().ok()).unwrap_or(0);
    let limit = query.page().limit();
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let row = client.query_one(SQL, &[&since, base, &limit]).await?;
    let mut response = req::ok(row.get(0));
    let mut links = Vec::new();
    if let (Some(last), true) = (row.get::<_, Option<i64>>(1), row.get::<_, bool>(2)) {
        let per_page = query
            .get("per_page")
            .map(|_| format!("per_page={limit}&"))
            .unwrap_or_default();
        links.push(format!(
            "<{base}/users?{per_page}since={last}>; rel=\"next\""
        ));
    }
    links.push(format!("<{base}/users{{?since}}>; rel=\"first\""));
    if let Ok(value) = axum::http::HeaderValue::from_str(&links.join(", ")) {
        response
            .headers_mut()
            .insert(axum::http::header::LINK, value);
    }
    Ok(response)
}

/// An organization membership as GitHub answers it (`m` an `org_memberships` row, `o` its
/// organization, `u` its user, `$3` the clone's address): `url`, `state` (`active`, or
/// `pending` for a user with an open invitation), `role` (`admin`, `member` or
/// `billing_manager`), `organization_url`, `organization`, `user`.
const MEMBERSHIP_JSON: &str = "json_build_object(
        'url', $3 || '/orgs/' || o.login || '/memberships/' || u.login, 'state', m.state,
        'role', m.role, 'organization_url', $3 || '/orgs/' || o.login,
        'organization', gh_org(o, $3), 'user', gh_user(u, $3))";

/// Memberships (active and pending) with their organization and user.
const MEMBERSHIPS: &str =
    "org_memberships m JOIN users o ON o.id = m.org_id JOIN users u ON u.id = m.user_id";

/// The membership of user `$2` in the organization with login `$1`.
pub(crate) fn membership_sql() -> String {
    format!(
        "SELECT {MEMBERSHIP_JSON}::text FROM {MEMBERSHIPS}
         WHERE lower(o.login) = lower($1) AND o.type = 'Organization' AND m.user_id = $2"
    )
}

/// `GET /orgs/{org}/memberships/{username}` (Octokit's `orgs.getMembershipForUser`): the
/// user's membership (`pending` for an invited user), seen by the organization's members
/// (404 for anyone else, and for a user who is neither a member nor invited).
pub(crate) async fn membership(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path((login, user)): Path<(String, String)>,
) -> ApiResult {
    let client = kit.db().await?;
    let org = org(&client, &login).await?;
    if role(&client, org, viewer.user_id).await?.is_none() && !viewer.installation {
        return Err(ApiError::not_found());
    }
    let (user, _) = find(&client, &user)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let base = &kit.config().public_url;
    Ok(req::ok(
        db::found(&client, &membership_sql(), &[&login, &user, base])
            .await?
            .get(0),
    ))
}

/// `GET /user/memberships/orgs/{org}` (Octokit's `orgs.getMembershipForAuthenticatedUser`,
/// PyGithub's `AuthenticatedUser.get_organization_membership`): the caller's membership
/// (`pending` while invited); 404 when they are neither a member nor invited.
pub(crate) async fn my_membership(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
) -> ApiResult {
    let client = kit.db().await?;
    let base = &kit.config().public_url;
    Ok(req::ok(
        db::found(&client, &membership_sql(), &[&login, &viewer.user_id, base])
            .await?
            .get(0),
    ))
}

/// `GET /user/memberships/orgs` (`state` `active` or `pending`, both when absent, as
/// GitHub's reference says; PyGithub's `get_organization_memberships`): the caller's
/// memberships by organization login, with `Link` pages.
pub(crate) async fn my_memberships(
    State(kit): State<Kit>,
    viewer: Viewer,
    query: Query,
) -> ApiResult {
    let state = match query.get("state") {
        None => None,
        Some(s @ ("active" | "pending")) => Some(s),
        Some(_) => return Err(ApiError::validation("Membership", "state", "invalid")),
    };
    let mine = "m.user_id = $1 AND ($2::text IS NULL OR m.state = $2)";
    let sql = format!(
        "SELECT (SELECT count(*) FROM org_memberships m WHERE {mine}),
                (SELECT coalesce(json_agg(x.j ORDER BY x.login), '[]')::text FROM (
                     SELECT {MEMBERSHIP_JSON} AS j, o.login FROM {MEMBERSHIPS}
                     WHERE {mine} ORDER BY o.login LIMIT $4 OFFSET $5) x)"
    );
    let base = &kit.config().public_url;
    let client = kit.db().await?;
    let page = Page::new(base, "/user/memberships/orgs", &query);
    req::list_sql(&client, &page, &sql, &[&viewer.user_id, &state, base]).await
}

/// `PUT /orgs/{org}/memberships/{username}` (`role` `member` (default) or `admin`; Octokit's
/// `orgs.setMembershipForUser`, PyGithub's `Organization.add_to_members`): an owner changes a
/// member's role, or invites a user who is not a member (an invitation with the role, or the
/// open one's role changed), and gets the membership: `pending` until the user accepts
/// (`PATCH /user/memberships/orgs/{org}`), as GitHub answers. 403 for anyone but an owner,
/// and for an owner demoting themselves, with GitHub's words.
pub(crate) async fn set_membership(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path((login, username)): Path<(String, String)>,
    body: Body,
) -> ApiResult {
    let role = body.one_of("role", &["admin", "member"], "Membership")?;
    let role = role.as_deref().unwrap_or("member");
    let refusal = "You must be an admin to add or update an organization membership.";
    let (mut client, org, user) = owner_write(&kit, &viewer, (&login, &username), refusal).await?;
    if user == viewer.user_id && role == "member" {
        return Err(ApiError::forbidden(
            "You cannot demote yourself. Admins must be demoted by another admin.",
        ));
    }
    const SQL: &str = "UPDATE org_members SET role = $3 WHERE org_id = $1 AND user_id = $2";
    if db::execute(&client, SQL, &[&org, &user, &role]).await? == 0 {
        let invite = invites::Invite {
            org,
            invitee: Some(user),
            email: None,
            role: if role == "admin" {
                "admin"
            } else {
                "direct_member"
            },
            inviter: viewer.user_id,
            teams: &[],
        };
        invites::open(&mut client, &invite, true).await?;
    }
    let base = &kit.config().public_url;
    Ok(req::ok(
        db::value(&client, &membership_sql(), &[&login, &user, base]).await?,
    ))
}

/// `DELETE /orgs/{org}/members/{username}` (Octokit's `orgs.removeMember`, PyGithub's
/// `Organization.remove_from_members`): an owner removes a member from the organization
/// (204); 404 for a user who is not a member, 403 for anyone but an owner.
pub(crate) async fn remove_member(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(names): Path<(String, String)>,
) -> ApiResult {
    remove(&kit, &viewer, names, false).await
}

/// `DELETE /orgs/{org}/memberships/{username}` (Octokit's `orgs.removeMembershipForUser`,
/// PyGithub's `Organization.remove_from_membership`): as `DELETE …/members/{username}`, and
/// for an invited user their invitation is cancelled, as GitHub's reference says.
pub(crate) async fn remove_membership(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(names): Path<(String, String)>,
) -> ApiResult {
    remove(&kit, &viewer, names, true).await
}

/// An owner removes user `username` from organization `login` (and, with `invited`, cancels
/// their invitations): 204, or 404 when there was nothing to remove.
async fn remove(
    kit: &Kit,
    viewer: &Viewer,
    (login, username): (String, String),
    invited: bool,
) -> ApiResult {
    let refusal = "You must be an admin to remove an organization membership.";
    let (client, org, user) = owner_write(kit, viewer, (&login, &username), refusal).await?;
    let mut removed = leave(&client, org, user).await?;
    if invited {
        removed += invites::cancel_for(&client, org, user).await?;
    }
    match removed {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

/// Removes `user` from `org`'s members: how many rows went (0 or 1).
async fn leave(client: &impl GenericClient, org: i64, user: i64) -> ApiResult<u64> {
    const SQL: &str = "DELETE FROM org_members WHERE org_id = $1 AND user_id = $2";
    Ok(db::execute(client, SQL, &[&org, &user]).await?)
}

/// `PATCH /user/memberships/orgs/{org}` (`{"state": "active"}`, the only state GitHub takes;
/// Octokit's `orgs.updateMembershipForAuthenticatedUser`): the caller accepts their pending
/// invitation and gets their membership, now `active` (they join the invitation's teams); a
/// member gets their membership unchanged; 404 for a caller neither invited nor a member, or an
/// unknown organization; 422 for a missing or other `state`.
pub(crate) async fn accept(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    body: Body,
) -> ApiResult {
    if body.one_of("state", &["active"], "Membership")?.is_none() {
        body.required("state", "Membership")?;
    }
    let mut client = kit.db().await?;
    let org = org(&client, &login).await?;
    if role(&client, org, viewer.user_id).await?.is_none()
        && !invites::accept(&mut client, org, viewer.user_id).await?
    {
        return Err(ApiError::not_found());
    }
    let base = &kit.config().public_url;
    Ok(req::ok(
        db::value(&client, &membership_sql(), &[&login, &viewer.user_id, base]).await?,
    ))
}

/// The organization `login` (its id) with a connection, once the caller is known to own it: a
/// classic token needs `admin:org` or one of `alternatives` (403 naming it), a member who is
/// not an owner gets 403 `refusal`, anyone else 404 (as GitHub hides an organization's
/// memberships).
pub(crate) async fn owner(
    kit: &Kit,
    viewer: &Viewer,
    (login, alternatives): (&str, &[&str]),
    refusal: &'static str,
) -> ApiResult<(Object, i64)> {
    viewer.require_scope("admin:org", alternatives)?;
    let client = kit.db().await?;
    let org = org(&client, login).await?;
    match role(&client, org, viewer.user_id).await?.as_deref() {
        Some("admin") => Ok((client, org)),
        Some(_) => Err(ApiError::forbidden(refusal)),
        None => Err(ApiError::not_found()),
    }
}

/// A connection and the organization `login` and user `username` (ids) of a membership
/// write, once the caller is known to own the organization ([`owner`]); 404 for an unknown
/// user.
async fn owner_write(
    kit: &Kit,
    viewer: &Viewer,
    (login, username): (&str, &str),
    refusal: &'static str,
) -> ApiResult<(Object, i64, i64)> {
    let (client, org) = owner(kit, viewer, (login, &[]), refusal).await?;
    match find(&client, username).await? {
        Some((user, kind)) if kind == "User" => Ok((client, org, user)),
        _ => Err(ApiError::not_found()),
    }
}
