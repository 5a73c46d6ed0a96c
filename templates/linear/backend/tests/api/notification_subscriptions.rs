//! Notification subscriptions: the viewer's, on exactly one entity, answered as the object
//! type of what each is on; listed for their subscriber only, updated, deleted.

use serde_json::{Value, json};

use crate::{
    ADA, ENG, ask, client, delete_payload, invalid_input, missing, mutate, oauth_client, with_id,
};

const LAUNCH: &str = "f0000000-0000-4000-8000-000000000001";
const FIELDS: &str = "__typename id active contextViewType subscriber { id }
    project { id } team { id } customer { id }
    ... on ProjectNotificationSubscription { project { name } }";
const CREATE: &str = "mutation($input: NotificationSubscriptionCreateInput!) {
    notificationSubscriptionCreate(input: $input) { success lastSyncId notificationSubscription {
        __typename id active contextViewType subscriber { id } project { id } team { id } } } }";

/// `notificationSubscriptionCreate(input)`'s subscription.
async fn subscribe(api: &asym_kit::testing::Api, input: Value) -> Value {
    mutate(api, CREATE, json!({ "input": input })).await["notificationSubscription"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn subscriptions_are_typed_by_what_they_are_on_and_the_viewers_own(linear: asym::Linear) {
    let api = client(&linear);
    let project = subscribe(
        &api,
        json!({"projectId": LAUNCH, "notificationSubscriptionTypes": ["projectUpdateCreated"]}),
    )
    .await;
    assert_eq!(project["__typename"], "ProjectNotificationSubscription");
    assert_eq!(
        (
            &project["active"],
            &project["subscriber"]["id"],
            &project["project"]["id"]
        ),
        (&json!(true), &json!(ADA), &json!(LAUNCH))
    );
    assert_eq!(project["team"], Value::Null);
    let team = subscribe(
        &api,
        json!({"teamId": ENG, "contextViewType": "activeIssues", "active": false}),
    )
    .await;
    assert_eq!(team["__typename"], "TeamNotificationSubscription");
    assert_eq!(team["contextViewType"], "activeIssues");
    assert_eq!(team["active"], false);

    let listed = ask(
        &api,
        &format!("{{ notificationSubscriptions {{ nodes {{ {FIELDS} }} }} }}"),
    )
    .await;
    let nodes = listed["notificationSubscriptions"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes.len(), 2, "{listed}");
    let first = nodes.iter().find(|n| n["id"] == project["id"]).unwrap();
    assert_eq!(first["project"]["name"], "Launch", "{listed}");
    assert_eq!(first["customer"], Value::Null);
    let one = with_id(
        &api,
        &format!("query($id: String!) {{ notificationSubscription(id: $id) {{ {FIELDS} }} }}"),
        &team["id"],
    )
    .await;
    assert_eq!(
        one["notificationSubscription"]["__typename"],
        "TeamNotificationSubscription"
    );

    let ben = oauth_client(&linear);
    let theirs = ask(&ben, "{ notificationSubscriptions { nodes { id } } }").await;
    assert_eq!(theirs["notificationSubscriptions"]["nodes"], json!([]));
    let text = "query($id: String!) { notificationSubscription(id: $id) { id } }";
    missing(
        &ben,
        text,
        json!({"id": team["id"]}),
        "NotificationSubscription",
    )
    .await;

    let update = "mutation($id: String!, $input: NotificationSubscriptionUpdateInput!) {
        notificationSubscriptionUpdate(id: $id, input: $input) {
            success notificationSubscription { __typename active } } }";
    let delete = "mutation($id: String!) { notificationSubscriptionDelete(id: $id) { success } }";
    for (text, variables) in [
        (
            update,
            json!({"id": team["id"], "input": {"active": false}}),
        ),
        (delete, json!({"id": team["id"]})),
    ] {
        missing(&ben, text, variables, "NotificationSubscription").await;
    }
    let updated = mutate(
        &api,
        update,
        json!({"id": team["id"], "input": {"active": true}}),
    )
    .await;
    assert_eq!(
        updated["notificationSubscription"],
        json!({"__typename": "TeamNotificationSubscription", "active": true})
    );
    delete_payload(&api, "notificationSubscriptionDelete", &team["id"]).await;
    let left = ask(&api, "{ notificationSubscriptions { nodes { id } } }").await;
    assert_eq!(
        left["notificationSubscriptions"]["nodes"],
        json!([{"id": project["id"]}])
    );
}

#[asym::clone("linear", seed = "basic")]
async fn a_subscription_is_on_exactly_one_entity(linear: asym::Linear) {
    let api = client(&linear);
    let message = "Exactly one of customViewId, cycleId, initiativeId, labelId, projectId, teamId or userId must be defined.";
    for input in [json!({}), json!({"teamId": ENG, "projectId": LAUNCH})] {
        let reply = crate::gql(&api, CREATE, json!({ "input": input })).await;
        invalid_input(&reply, "Argument Validation Error", message);
    }
    missing(
        &api,
        CREATE,
        json!({"input": {"customerId": "00000000-0000-4000-8000-000000000000"}}),
        "Customer",
    )
    .await;
}
