//! Email intake addresses: a team's or a template's, its reply settings written and read
//! back, rotated to a new address, deleted; the clone's refusals.

use serde_json::{Value, json};

use crate::{
    ADA, ENG, Writes, argument_error, client, delete_payload, missing, mutate, not_found,
    refused_as, refused_inputs_as, with_id,
};

const BUG_REPORT: &str = "80000000-0000-4000-8000-000000000001";

/// What the SDK's `EmailIntakeAddress` fragment selects, in short.
const FIELDS: &str = "id address type enabled team { id } template { id } creator { id }
    senderName forwardingEmailAddress repliesEnabled customerRequestsEnabled reopenOnReply
    useUserNamesInReplies issueCreatedAutoReply issueCreatedAutoReplyEnabled
    issueCompletedAutoReplyEnabled issueCanceledAutoReplyEnabled sesDomainIdentity { id }
    lastUsedAt createdAt updatedAt archivedAt";

#[asym::clone("linear", seed = "basic")]
async fn an_intake_address_is_written_rotated_and_deleted(linear: asym::Linear) {
    let api = client(&linear);
    let writes = Writes::new(&api, "EmailIntakeAddress", "emailIntakeAddress", FIELDS);
    let team = writes
        .create(json!({"teamId": ENG, "senderName": "Acme support"}))
        .await;
    let address = team["address"].as_str().unwrap().to_owned();
    assert!(
        address.starts_with("eng-") && address.len() == 16,
        "{address}"
    );
    assert_eq!(
        (
            &team["type"],
            &team["team"],
            &team["template"],
            &team["creator"]
        ),
        (
            &json!("team"),
            &json!({"id": ENG}),
            &Value::Null,
            &json!({"id": ADA})
        )
    );
    for (field, value) in [
        ("enabled", true),
        ("repliesEnabled", true),
        ("customerRequestsEnabled", false),
        ("issueCreatedAutoReplyEnabled", false),
    ] {
        assert_eq!(team[field], value, "{field}: {team}");
    }
    assert_eq!(team["sesDomainIdentity"], Value::Null);

    let id = team["id"].as_str().unwrap();
    let changes = json!({"enabled": false, "issueCreatedAutoReply": "Thanks, we have it.",
                         "issueCreatedAutoReplyEnabled": true, "reopenOnReply": true});
    let updated = writes.update(id, changes).await;
    assert_eq!(
        (&updated["enabled"], &updated["issueCreatedAutoReply"]),
        (&json!(false), &json!("Thanks, we have it."))
    );
    assert_eq!(updated["address"], address.as_str(), "kept");
    let text = format!("query($id: String!) {{ emailIntakeAddress(id: $id) {{ {FIELDS} }} }}");
    let read = with_id(&api, &text, id).await["emailIntakeAddress"].clone();
    assert_eq!(read, updated);

    let rotate = format!(
        "mutation($id: String!) {{ emailIntakeAddressRotate(id: $id) {{ success lastSyncId emailIntakeAddress {{ {FIELDS} }} }} }}"
    );
    let rotated = mutate(&api, &rotate, json!({"id": id})).await["emailIntakeAddress"].clone();
    assert_ne!(rotated["address"], address.as_str());
    assert_eq!(
        (&rotated["id"], &rotated["enabled"]),
        (&json!(id), &json!(false))
    );

    // A template's address; the template's own, one each.
    let template = writes.create(json!({"templateId": BUG_REPORT})).await;
    assert_eq!(
        (&template["type"], &template["template"]),
        (&json!("template"), &json!({"id": BUG_REPORT}))
    );
    assert!(
        template["address"]
            .as_str()
            .unwrap()
            .starts_with("template-")
    );

    let (team_taken, template_taken, asks) = (
        "The team already has an email intake address.",
        "The template already has an email intake address.",
        "Type `asksWeb` is not supported by the asym Linear clone: it has no Asks integration",
    );
    let refusals = [
        (json!({"teamId": ENG}), team_taken, team_taken),
        (
            json!({"templateId": BUG_REPORT}),
            template_taken,
            template_taken,
        ),
        argument_error(
            json!({"type": "team", "templateId": BUG_REPORT}),
            "A team address needs a teamId, a template address a templateId.",
        ),
        (json!({"type": "asksWeb", "teamId": ENG}), asks, asks),
    ];
    refused_inputs_as(&api, &writes.create_doc, refusals).await;
    for (input, entity) in [
        (json!({"teamId": "nope"}), "Team"),
        (json!({"templateId": "nope"}), "Template"),
    ] {
        missing(&api, &writes.create_doc, json!({"input": input}), entity).await;
    }

    let refresh =
        "mutation($id: String!) { emailIntakeAddressRefreshSesDomainStatus(id: $id) { success } }";
    let refusal = "The email intake address has no custom sending domain.";
    refused_as(&api, refresh, json!({"id": id}), refusal, refusal).await;

    delete_payload(&api, "emailIntakeAddressDelete", id).await;
    not_found(&api, "emailIntakeAddress", id, "EmailIntakeAddress").await;
    for mutation in [rotate.as_str(), refresh] {
        missing(&api, mutation, json!({"id": id}), "EmailIntakeAddress").await;
    }
    let update = json!({"id": id, "input": {"enabled": true}});
    missing(&api, &writes.update_doc, update, "EmailIntakeAddress").await;
}
