//! Organization invitations: an owner invites a user (by id or email, with a role and teams),
//! lists, cancels; the invited user's membership is `pending` until they accept it
//! (`PATCH /user/memberships/orgs/{org}`), when they become a member and join the teams;
//! `PUT …/memberships/{u}` and a team membership of a non-member invite as GitHub does; and
//! GitHub's errors.

use serde_json::{Value, json};

use crate::common::{
    anonymous, api, code, created, delete, error, fetch, names, not_found, reviewer, updated,
};

/// Takes hubot (a member of `acme` in the seed) out of the organization, so it can be invited.
async fn hubot_leaves(owner: &asym_kit::testing::Api) {
    delete(owner, "/orgs/acme/memberships/hubot")
        .await
        .expect(204);
}

/// The `errors[0].message` of a 422.
fn message(reply: asym_kit::testing::Reply) -> Value {
    reply.expect(422)["errors"][0]["message"].clone()
}

#[asym::clone("github", seed = "basic")]
async fn an_invited_user_is_pending_until_they_accept_and_join_the_teams(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let team = created(&owner, "/orgs/acme/teams", &json!({ "name": "Ops" })).await;
    hubot_leaves(&owner).await;
    let body = json!({ "invitee_id": 2, "team_ids": [team["id"]] });
    let invitation = created(&owner, "/orgs/acme/invitations", &body).await;
    let id = invitation["id"].as_i64().unwrap();
    assert_eq!(
        [
            &invitation["login"],
            &invitation["email"],
            &invitation["role"],
            &invitation["team_count"],
            &invitation["inviter"]["login"],
            &invitation["invitation_source"],
            &invitation["failed_at"],
        ],
        [
            &json!("hubot"),
            &Value::Null,
            &json!("direct_member"),
            &json!(1),
            &json!("octocat"),
            &json!("member"),
            &Value::Null,
        ]
    );
    assert!(
        invitation["invitation_teams_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/organizations/100/invitations/{id}/teams"))
    );
    // A repeat answers the open invitation.
    assert_eq!(
        created(&owner, "/orgs/acme/invitations", &body).await["id"],
        id
    );
    let listed = fetch(&owner, "/orgs/acme/invitations").await;
    assert_eq!(listed, json!([invitation]));
    assert_eq!(
        fetch(&owner, "/orgs/acme/invitations?role=admin").await,
        json!([])
    );
    let teams = fetch(&owner, &format!("/orgs/acme/invitations/{id}/teams")).await;
    assert_eq!(names(&teams, "name"), ["Ops"]);
    assert_eq!(
        fetch(&owner, "/orgs/acme/failed_invitations").await,
        json!([])
    );
    // Pending: seen so by the owner and by hubot, not a member yet.
    let membership = fetch(&owner, "/orgs/acme/memberships/hubot").await;
    assert_eq!(
        [&membership["state"], &membership["role"]],
        ["pending", "member"]
    );
    let mine = fetch(&hubot, "/user/memberships/orgs/acme").await;
    assert_eq!(mine["state"], "pending");
    let pending = fetch(&hubot, "/user/memberships/orgs?state=pending").await;
    assert_eq!(names(&pending, "state"), ["pending"]);
    assert_eq!(
        fetch(&hubot, "/user/memberships/orgs?state=active").await,
        json!([])
    );
    not_found(&owner, &["/orgs/acme/members/hubot"]).await;
    // Accepted: a member, in the invitation's team; the invitation is gone.
    let accept = json!({ "state": "active" });
    let joined = updated(&hubot, "/user/memberships/orgs/acme", &accept).await;
    assert_eq!([&joined["state"], &joined["role"]], ["active", "member"]);
    owner.get("/orgs/acme/members/hubot").await.expect(204);
    let members = fetch(&owner, "/orgs/acme/teams/ops/members").await;
    assert_eq!(names(&members, "login"), ["octocat", "hubot"]);
    assert_eq!(fetch(&owner, "/orgs/acme/invitations").await, json!([]));
    not_found(&owner, &[&format!("/orgs/acme/invitations/{id}/teams")]).await;
    // A member accepting again gets the membership unchanged.
    let again = updated(&hubot, "/user/memberships/orgs/acme", &accept).await;
    assert_eq!(again, joined);
}

#[asym::clone("github", seed = "basic")]
async fn email_invitations_are_cancelled_and_reinstated(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    // An address: no login; a repeat is the same invitation; cancelled twice, 204 each time.
    let body = json!({ "email": "new@example.test", "role": "admin" });
    let invitation = created(&owner, "/orgs/acme/invitations", &body).await;
    assert_eq!(
        [
            &invitation["login"],
            &invitation["email"],
            &invitation["role"]
        ],
        [&Value::Null, &json!("new@example.test"), &json!("admin")]
    );
    let again = created(&owner, "/orgs/acme/invitations", &body).await;
    assert_eq!(again, invitation);
    let path = format!("/orgs/acme/invitations/{}", invitation["id"]);
    delete(&owner, &path).await.expect(204);
    delete(&owner, &path).await.expect(204);
    assert_eq!(fetch(&owner, "/orgs/acme/invitations").await, json!([]));
    // hubot, an owner when they left, invited by their address then reinstated.
    let promoted = json!({ "role": "admin" });
    owner
        .put("/orgs/acme/memberships/hubot", &promoted)
        .await
        .expect(200);
    hubot_leaves(&owner).await;
    let by_email = json!({ "email": "HUBOT@acme.test" });
    created(&owner, "/orgs/acme/invitations", &by_email).await;
    let mine = fetch(&hubot, "/user/memberships/orgs/acme").await;
    assert_eq!([&mine["state"], &mine["role"]], ["pending", "member"]);
    // Removing an invited user's membership cancels the invitation.
    hubot_leaves(&owner).await;
    not_found(&hubot, &["/user/memberships/orgs/acme"]).await;
    let body = json!({ "invitee_id": 2, "role": "reinstate" });
    let reinstated = created(&owner, "/orgs/acme/invitations", &body).await;
    assert_eq!(reinstated["role"], "admin");
    let accept = json!({ "state": "active" });
    let joined = updated(&hubot, "/user/memberships/orgs/acme", &accept).await;
    assert_eq!([&joined["state"], &joined["role"]], ["active", "admin"]);
}

#[asym::clone("github", seed = "basic")]
async fn owners_put_memberships_and_team_memberships_as_invitations(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    hubot_leaves(&owner).await;
    // An owner's PUT of a non-member's membership invites them with the role.
    let put = owner
        .put("/orgs/acme/memberships/hubot", &json!({ "role": "admin" }))
        .await
        .expect(200);
    assert_eq!([&put["state"], &put["role"]], ["pending", "admin"]);
    let listed = fetch(&owner, "/orgs/acme/invitations").await;
    assert_eq!(names(&listed, "role"), ["admin"]);
    // A second PUT changes the open invitation's role.
    owner
        .put("/orgs/acme/memberships/hubot", &json!({}))
        .await
        .expect(200);
    let listed = fetch(&owner, "/orgs/acme/invitations").await;
    assert_eq!(names(&listed, "role"), ["direct_member"]);
    // A team membership of a non-member adds the team to the invitation.
    created(&owner, "/orgs/acme/teams", &json!({ "name": "Ops" })).await;
    let team = owner
        .put("/orgs/acme/teams/ops/memberships/hubot", &json!({}))
        .await
        .expect(200);
    assert_eq!(team["state"], "pending");
    let listed = fetch(&owner, "/orgs/acme/invitations").await;
    assert_eq!(listed[0]["team_count"], 1);
    let accept = json!({ "state": "active" });
    updated(&hubot, "/user/memberships/orgs/acme", &accept).await;
    let team = fetch(&owner, "/orgs/acme/teams/ops/memberships/hubot").await;
    assert_eq!(team["state"], "active");
}

#[asym::clone("github", seed = "basic")]
async fn invitations_answer_githubs_errors(gh: asym::GitHub) {
    let (owner, hubot) = (api(&gh), reviewer(&gh));
    let invitations = "/orgs/acme/invitations";
    // Members cannot be invited, by id or by address (GitHub's words).
    let member = owner.post(invitations, &json!({ "invitee_id": 2 })).await;
    assert_eq!(
        message(member),
        "Invitee is already a part of this organization"
    );
    let address = json!({ "email": "hubot@acme.test" });
    assert_eq!(
        message(owner.post(invitations, &address).await),
        "A user with this email address is already a part of this organization"
    );
    for (body, expected) in [
        (json!({}), "missing_field"),
        (json!({ "invitee_id": 9999 }), "invalid"),
        (json!({ "invitee_id": 100 }), "invalid"),
        (json!({ "email": "not-an-address" }), "invalid"),
        (
            json!({ "email": "a@example.test", "role": "owner" }),
            "invalid",
        ),
        (
            json!({ "email": "a@example.test", "role": "reinstate" }),
            "invalid",
        ),
        (
            json!({ "email": "a@example.test", "team_ids": [99999] }),
            "invalid",
        ),
        (
            json!({ "email": "a@example.test", "team_ids": ["x"] }),
            "invalid",
        ),
    ] {
        assert_eq!(
            code(owner.post(invitations, &body).await),
            expected,
            "{body}"
        );
    }
    assert_eq!(
        code(owner.get("/orgs/acme/invitations?role=owner").await),
        "invalid"
    );
    // A member who is not an owner: 403 (reads), a token without `admin:org` (writes).
    let refused = hubot.get(invitations).await;
    assert_eq!(
        error(refused, 403),
        "You must be an admin to list organization invitations."
    );
    let scoped = hubot
        .post(invitations, &json!({ "email": "a@example.test" }))
        .await;
    assert!(error(scoped, 403).contains("'admin:org' scope"));
    // Unknown organizations and invitations: 404; without credentials: 401.
    not_found(
        &owner,
        &[
            "/orgs/nope/invitations",
            "/orgs/nope/failed_invitations",
            "/orgs/acme/invitations/99999/teams",
            "/orgs/acme/invitations/abc/teams",
        ],
    )
    .await;
    for path in ["/orgs/acme/invitations/99999", "/orgs/acme/invitations/abc"] {
        delete(&owner, path).await.expect(404);
    }
    let nobody = anonymous(&gh).get(invitations).await;
    assert_eq!(error(nobody, 401), "Requires authentication");
    // Accepting: `state` must be `active`; a user neither invited nor a member gets 404.
    let mine = "/user/memberships/orgs/acme";
    for body in [json!({}), json!({ "state": "pending" })] {
        assert!(!code(hubot.patch(mine, &body).await).is_empty(), "{body}");
    }
    hubot_leaves(&owner).await;
    let accept = json!({ "state": "active" });
    hubot.patch(mine, &accept).await.expect(404);
    hubot
        .patch("/user/memberships/orgs/nope", &accept)
        .await
        .expect(404);
}
