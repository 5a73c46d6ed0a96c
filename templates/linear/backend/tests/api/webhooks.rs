//! Webhooks: signed deliveries to a loopback receiver, per resource type and team, retried;
//! `User` webhooks, and the types Linear sends none for.

use std::time::Duration;

use asym_kit::testing::{Received, Receiver, assert_suffix};
use serde_json::json;

use crate::{
    ADA, ENG, archive_payload, ask, assert_fields, client, delete_payload, delivered, mutate,
    query, refused, subscribed, subscribed_to, with_id,
};

/// The next delivery `receiver` takes, asserted signed with `secret` as Linear signs one
/// (`Linear-Signature`: the body's HMAC-SHA256, in hex).
async fn next_signed(receiver: &Receiver, secret: &str) -> Received {
    let got = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a delivery");
    let signature = asym_kit::token::hmac_sha256_hex(secret.as_bytes(), &got.body);
    assert_eq!(got.header("linear-signature"), Some(signature.as_str()));
    got
}

const CREATE_HOOK: &str = "mutation($i: WebhookCreateInput!) { webhookCreate(input: $i) { success webhook { id secret enabled resourceTypes } } }";

#[asym::clone("linear", seed = "basic")]
async fn deliveries_are_signed_and_retried(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = Receiver::start().await;
    let hook = query(
        &api,
        CREATE_HOOK,
        json!({"i": {"url": format!("{}/linear", receiver.url()), "teamId": ENG,
            "resourceTypes": ["Issue", "Comment", "IssueLabel", "Project", "Cycle"]}}),
    )
    .await;
    let secret = hook["webhookCreate"]["webhook"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(secret.starts_with("lin_wh_"));

    ask(&api, "mutation { issueCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", title: \"Hooked\" }) { success } }").await;
    let got = next_signed(&receiver, &secret).await;
    assert_eq!(got.header("linear-event"), Some("Issue"));
    assert!(got.header("linear-delivery").is_some_and(|d| d.len() == 32));
    let body = got.json();
    assert_eq!(body["action"], "create");
    assert_eq!(body["type"], "Issue");
    assert_eq!(body["data"]["identifier"], "ENG-7");
    let timestamp = body["webhookTimestamp"].as_u64().unwrap();
    assert!(timestamp > 1_700_000_000_000);
    let created = body["createdAt"].as_str().unwrap();
    assert_eq!(created.len(), "2024-01-02T03:04:05.678Z".len(), "{created}");
    assert!(created.ends_with('Z'), "{created}");
    assert_eq!(
        created[20..23],
        format!("{:03}", timestamp % 1000),
        "{created} {timestamp}"
    );
    assert_eq!(
        body["organizationId"],
        "a0000000-0000-4000-8000-000000000001"
    );

    // The actor's favorite of the issue is theirs: a webhook carries no `favorite`.
    ask(
        &api,
        "mutation { favoriteCreate(input: { issueId: \"ENG-7\" }) { success } }",
    )
    .await;
    ask(
        &api,
        "mutation { issueUpdate(id: \"ENG-7\", input: { priority: 1 }) { success } }",
    )
    .await;
    let update = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("an update")
        .json();
    assert_eq!(update["action"], "update");
    assert_eq!(update["updatedFrom"]["priority"], 0);
    assert_eq!(update["data"]["identifier"], "ENG-7");
    assert!(update["data"].get("favorite").is_none(), "{update}");

    receiver.answer(500);
    ask(&api, "mutation { commentCreate(input: { issueId: \"20000000-0000-4000-8000-000000000001\", body: \"retry me\" }) { success } }").await;
    let rejected = receiver
        .next(Duration::from_secs(10))
        .await
        .expect("a first attempt");
    assert_eq!(rejected.json()["type"], "Comment");
    receiver.answer(200);
    let retried = receiver
        .next(Duration::from_secs(15))
        .await
        .expect("a retry");
    assert_eq!(retried.json()["data"]["body"], "retry me");
    assert_eq!(
        retried.header("linear-delivery"),
        rejected.header("linear-delivery")
    );

    for (mutation, kind) in [
        (
            "mutation { issueLabelCreate(input: { name: \"Ops\", teamId: \"c0000000-0000-4000-8000-000000000001\" }) { success } }",
            "IssueLabel",
        ),
        (
            "mutation { projectCreate(input: { name: \"P\", teamIds: [\"c0000000-0000-4000-8000-000000000001\"] }) { success } }",
            "Project",
        ),
        (
            "mutation { cycleCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", startsAt: \"2031-01-01T00:00:00Z\", endsAt: \"2031-01-15T00:00:00Z\" }) { success } }",
            "Cycle",
        ),
    ] {
        ask(&api, mutation).await;
        let got = receiver.next(Duration::from_secs(10)).await.expect(kind);
        assert_eq!(got.header("linear-event"), Some(kind));
    }
    // Archiving a cycle removes it; its issues (ENG-1 and ENG-4) leave it first, each an
    // Issue update whose `updatedFrom` names the cycle.
    let cycle = "10000000-0000-4000-8000-000000000001";
    let archived = archive_payload(&api, "cycleArchive", cycle, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    let mut heard = Vec::new();
    for _ in 0..3 {
        let got = receiver.next(Duration::from_secs(10)).await;
        heard.push(got.expect("two Issue updates and a Cycle remove").json());
    }
    heard.sort_by_key(|body| body["type"].to_string() + &body["data"]["identifier"].to_string());
    let removed = heard.remove(0);
    assert_eq!(
        (removed["type"].as_str(), removed["action"].as_str()),
        (Some("Cycle"), Some("remove"))
    );
    assert_eq!(removed["data"]["number"], 1);
    for (update, identifier) in heard.iter().zip(["ENG-1", "ENG-4"]) {
        assert_eq!(
            (update["type"].as_str(), update["action"].as_str()),
            (Some("Issue"), Some("update")),
            "{update}"
        );
        assert_eq!(update["data"]["identifier"], identifier);
        assert_eq!(update["updatedFrom"]["cycleId"], cycle, "{update}");
        assert!(update["data"]["cycle"].is_null(), "{update}");
        assert!(update["updatedFrom"]["updatedAt"].is_string(), "{update}");
    }
    let left = ask(
        &api,
        "{ cycles { nodes { id } } issues(filter: { cycle: { null: false } }) { nodes { id } } }",
    )
    .await;
    assert_eq!(
        left["cycles"]["nodes"].as_array().unwrap().len(),
        1,
        "only the new cycle is listed"
    );
    assert_eq!(
        left["issues"]["nodes"],
        json!([]),
        "the archived cycle's issues left it"
    );

    let id = hook["webhookCreate"]["webhook"]["id"].clone();
    with_id(
        &api,
        "mutation($id: String!) { webhookUpdate(id: $id, input: { enabled: false }) { success } }",
        &id,
    )
    .await;
    ask(&api, "mutation { issueCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", title: \"Quiet\" }) { success } }").await;
    assert!(
        receiver.next(Duration::from_secs(2)).await.is_none(),
        "a disabled webhook hears nothing"
    );
    delete_payload(&api, "webhookDelete", &id).await;

    for input in [
        json!({"url": "ftp://x", "teamId": ENG, "resourceTypes": ["Issue"]}),
        json!({"url": "http://127.0.0.1:1/x", "resourceTypes": ["Issue"]}),
    ] {
        refused(&api, CREATE_HOOK, json!({"i": input})).await;
    }
}

#[asym::clone("linear", seed = "basic")]
async fn users_are_announced_and_types_linear_does_not_announce_stay_silent(linear: asym::Linear) {
    let api = client(&linear);
    let users = subscribed(&api, "User", None).await;
    let silent = subscribed_to(&api, &["Team", "WorkflowState", "CustomView"], None).await;
    let update = "mutation($i: UserUpdateInput!) { userUpdate(id: \"me\", input: $i) { success } }";
    mutate(
        &api,
        update,
        json!({"i": {"title": "CTO", "statusLabel": "Away"}}),
    )
    .await;
    let body = delivered(&users, "User", "update").await;
    assert_fields(
        &body["data"],
        &json!({"id": ADA, "name": "Ada Admin", "displayName": "ada", "email": "ada@acme.test",
                "title": "CTO", "active": true, "admin": true, "app": false, "guest": false}),
    );
    assert_suffix(&body["url"], "/profiles/ada");
    assert_eq!(body["url"], body["data"]["url"]);
    let previous = body["updatedFrom"].as_object().unwrap();
    let mut changed: Vec<&str> = previous.keys().map(String::as_str).collect();
    changed.sort_unstable();
    assert_eq!(changed, ["statusLabel", "title", "updatedAt"], "{body}");
    assert_eq!(previous["updatedAt"], "2024-01-02T09:00:00.000Z");
    assert_eq!(
        body["organizationId"],
        "a0000000-0000-4000-8000-000000000001"
    );
    assert!(body["webhookId"].is_string() && body["webhookTimestamp"].is_u64());

    // Teams, workflow states and custom views send nothing (Linear has no webhooks for
    // them), and the User webhook does not hear an issue.
    for write in [
        "mutation { teamUpdate(id: \"ENG\", input: { description: \"Builders\" }) { success } }",
        "mutation { workflowStateUpdate(id: \"d0000000-0000-4000-8000-000000000004\", input: { color: \"#00aa00\" }) { success } }",
        "mutation { customViewCreate(input: { name: \"Quiet\", teamId: \"c0000000-0000-4000-8000-000000000001\" }) { success } }",
        "mutation { issueCreate(input: { teamId: \"c0000000-0000-4000-8000-000000000001\", title: \"Unheard\" }) { success } }",
    ] {
        mutate(&api, write, json!({})).await;
    }
    for receiver in [&users, &silent] {
        let heard = receiver.next(Duration::from_secs(2)).await;
        assert!(heard.is_none(), "{:?}", heard.map(|got| got.json()));
    }
}

/// `webhookRotateSecret`: a new secret at once, which signs the next delivery.
#[asym::clone("linear", seed = "basic")]
async fn a_rotated_secret_signs_the_next_delivery(linear: asym::Linear) {
    let api = client(&linear);
    let receiver = Receiver::start().await;
    let input = json!({"url": format!("{}/linear", receiver.url()), "teamId": ENG,
        "resourceTypes": ["Issue"]});
    let hook = mutate(&api, CREATE_HOOK, json!({ "i": input })).await["webhook"].clone();
    let rotate =
        "mutation($id: String!) { webhookRotateSecret(id: $id) { success lastSyncId secret } }";
    let rotated = mutate(&api, rotate, json!({"id": hook["id"]})).await;
    let secret = rotated["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("lin_wh_"), "{secret}");
    assert_ne!(json!(secret), hook["secret"]);
    assert!(rotated["lastSyncId"].as_f64().unwrap() > 0.0);
    let read = with_id(
        &api,
        "query($id: String!) { webhook(id: $id) { secret } }",
        &hook["id"],
    )
    .await;
    assert_eq!(read["webhook"]["secret"], json!(secret));

    query(
        &api,
        "mutation($t: String!) { issueCreate(input: { teamId: $t, title: \"Rotated\" }) { success } }",
        json!({ "t": ENG }),
    )
    .await;
    next_signed(&receiver, &secret).await;

    crate::missing(&api, rotate, json!({"id": "nope"}), "Webhook").await;
}

/// Project labels are announced (`ProjectLabel`, one of Linear's webhook payloads: a team's
/// label to its team's webhooks, a workspace label to those of all public teams); initiative
/// labels and project dependencies, which have no webhook payload at Linear, are not.
#[asym::clone("linear", seed = "basic")]
async fn project_labels_are_announced_and_initiative_labels_and_dependencies_are_not(
    linear: asym::Linear,
) {
    let api = client(&linear);
    let labels = subscribed(&api, "ProjectLabel", Some(ENG)).await;
    let everywhere = subscribed(&api, "ProjectLabel", None).await;
    let silent = subscribed_to(&api, &["InitiativeLabel", "ProjectRelation"], None).await;
    let create = "mutation($i: ProjectLabelCreateInput!) { projectLabelCreate(input: $i) {
        success projectLabel { id } } }";
    let made = mutate(
        &api,
        create,
        json!({"i": {"name": "Mobile", "teamId": ENG}}),
    )
    .await;
    let id = made["projectLabel"]["id"].clone();
    for receiver in [&labels, &everywhere] {
        let body = delivered(receiver, "ProjectLabel", "create").await;
        assert_fields(
            &body["data"],
            &json!({"id": id, "name": "Mobile", "isGroup": false, "color": "#bec2c8"}),
        );
    }
    mutate(
        &api,
        "mutation($id: String!) { projectLabelUpdate(id: $id, input: { name: \"Phones\" }) { success } }",
        json!({"id": id}),
    )
    .await;
    let body = delivered(&labels, "ProjectLabel", "update").await;
    assert_eq!(body["data"]["name"], "Phones");
    assert_eq!(body["updatedFrom"]["name"], "Mobile");
    delete_payload(&api, "projectLabelDelete", &id).await;
    delivered(&labels, "ProjectLabel", "remove").await;

    let launch = "f0000000-0000-4000-8000-000000000001";
    let beta = crate::create_project(&api, json!({"name": "Beta", "teamIds": [ENG]})).await;
    for (write, variables) in [
        (
            "mutation { initiativeLabelCreate(input: { name: \"Growth\" }) { success } }",
            json!({}),
        ),
        (
            "mutation($i: ProjectRelationCreateInput!) { projectRelationCreate(input: $i) { success } }",
            json!({"i": {"projectId": launch, "relatedProjectId": beta, "type": "dependency",
                         "anchorType": "end", "relatedAnchorType": "start"}}),
        ),
    ] {
        mutate(&api, write, variables).await;
    }
    let heard = silent.next(Duration::from_secs(2)).await;
    assert!(heard.is_none(), "{:?}", heard.map(|got| got.json()));
}
