//! Workspace invites: `organizationInviteCreate`, `organizationInviteUpdate`,
//! `organizationInviteDelete` (archives), `resendOrganizationInvite`,
//! `resendOrganizationInviteByEmail`, the reads and the refusals.

use serde_json::json;

use crate::{
    ADA, ENG, Writes, client, count, delete_payload, missing, mutate, not_found, refuses, with_id,
};

const INVITE: &str = "id email role external archivedAt acceptedAt inviter { id } invitee { id }";

#[asym::clone("linear", seed = "basic")]
async fn an_invite_is_sent_resent_and_withdrawn(linear: asym::Linear) {
    let api = client(&linear);
    let invites = Writes::new(&api, "OrganizationInvite", "organizationInvite", INVITE);
    let cleo = json!({"email": "cleo@example.com", "role": "admin", "teamIds": [ENG]});
    let made = invites.create(cleo).await;
    let sent = [&made["email"], &made["role"], &made["inviter"]["id"]];
    assert_eq!(
        sent,
        [&json!("cleo@example.com"), &json!("admin"), &json!(ADA)]
    );
    assert_eq!(
        (&made["external"], &made["invitee"]),
        (&json!(false), &json!(null))
    );
    let id = made["id"].as_str().unwrap();
    let one = format!("query($id: String!) {{ organizationInvite(id: $id) {{ {INVITE} }} }}");
    assert_eq!(with_id(&api, &one, id).await["organizationInvite"], made);
    assert_eq!(count(&api, "organizationInvites").await, 1);
    invites.update(id, json!({"teamIds": []})).await;

    // Resent by id or by address (case aside): a pending invite.
    let resend =
        "mutation($id: String!) { resendOrganizationInvite(id: $id) { success entityId } }";
    assert_eq!(
        mutate(&api, resend, json!({"id": id})).await["entityId"],
        id
    );
    let by_email =
        "mutation($e: String!) { resendOrganizationInviteByEmail(email: $e) { success entityId } }";
    assert_eq!(
        mutate(&api, by_email, json!({"e": "CLEO@example.com"})).await["entityId"],
        id
    );

    #[rustfmt::skip]
    let cases = [
        (json!({"email": "not an email"}), "email must be an email"),
        (json!({"email": "x@example.com", "role": "guest"}), "role must be one of the following values: admin, user"),
        (json!({"email": "Cleo@example.com"}), "An invite for this email address is already pending."),
        (json!({"email": "ada@acme.test", "teamIds": []}), "The user is already a member of the workspace."),
        (json!({"email": "y@example.com", "teamIds": ["nope"]}), "Could not find referenced Team."),
    ];
    refuses(&api, &invites.create_doc, &cases).await;

    // Deleted: archived, out of the list, no longer resent; the address may be invited again.
    delete_payload(&api, "organizationInviteDelete", id).await;
    assert_eq!(count(&api, "organizationInvites").await, 0);
    missing(&api, resend, json!({"id": id}), "OrganizationInvite").await;
    missing(
        &api,
        by_email,
        json!({"e": "cleo@example.com"}),
        "OrganizationInvite",
    )
    .await;
    invites.create(json!({"email": "cleo@example.com"})).await;
    not_found(&api, "organizationInvite", "nope", "OrganizationInvite").await;
}
