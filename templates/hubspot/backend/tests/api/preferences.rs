//! Communication preferences v3: subscription types, an address's statuses, subscribe and
//! unsubscribe (final through the API); v4's statuses of one subscriber, over the same rows.

use serde_json::json;

use crate::{api, by_id, post, read, scoped, strs};

#[asym::clone("hubspot", seed = "basic")]
async fn addresses_are_subscribed_and_unsubscribed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let definitions = read(&api, "/communication-preferences/v3/definitions").await;
    let all = &definitions["subscriptionDefinitions"];
    assert_eq!(strs(all, "id"), ["7001", "7002", "7003"]);
    assert_eq!(all[0]["name"], "Marketing Information");
    assert_eq!(all[0]["isDefault"], true);
    assert_eq!(all[1]["isInternal"], true);

    let path = "/communication-preferences/v3/status/email/Jane.Doe@example.com";
    let before = read(&api, path).await;
    assert_eq!(before["recipient"], "Jane.Doe@example.com");
    assert_eq!(
        by_id(&before["subscriptionStatuses"], "7001")["status"],
        "NOT_SUBSCRIBED"
    );
    assert_eq!(
        by_id(&before["subscriptionStatuses"], "7001")["sourceOfStatus"],
        "SUBSCRIPTION_STATUS"
    );

    let subscribed = post(
        &api,
        "/communication-preferences/v3/subscribe",
        &json!({"emailAddress": "jane.doe@example.com", "subscriptionId": "7001",
                "legalBasis": "CONSENT_WITH_NOTICE", "legalBasisExplanation": "Signed up"}),
        200,
    )
    .await;
    assert_eq!(subscribed["id"], "7001");
    assert_eq!(subscribed["status"], "SUBSCRIBED");
    assert_eq!(subscribed["legalBasis"], "CONSENT_WITH_NOTICE");
    let after = read(&api, path).await;
    assert_eq!(
        by_id(&after["subscriptionStatuses"], "7001")["status"],
        "SUBSCRIBED"
    );
    assert_eq!(
        by_id(&after["subscriptionStatuses"], "7001")["legalBasisExplanation"],
        "Signed up"
    );
    assert_eq!(
        by_id(&after["subscriptionStatuses"], "7003")["status"],
        "NOT_SUBSCRIBED"
    );

    let unsubscribed = post(
        &api,
        "/communication-preferences/v3/unsubscribe",
        &json!({"emailAddress": "JANE.DOE@example.com", "subscriptionId": 7001}),
        200,
    )
    .await;
    assert_eq!(unsubscribed["status"], "NOT_SUBSCRIBED");
    assert_eq!(
        by_id(&read(&api, path).await["subscriptionStatuses"], "7001")["status"],
        "NOT_SUBSCRIBED"
    );
    // An address that never opted in may be unsubscribed too.
    post(
        &api,
        "/communication-preferences/v3/unsubscribe",
        &json!({"emailAddress": "someone@example.com", "subscriptionId": "7003"}),
        200,
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn status_changes_are_refused_as_hubspot_refuses_them(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let subscribe = "/communication-preferences/v3/subscribe";
    let unsubscribe = "/communication-preferences/v3/unsubscribe";
    let jane = |id: &str| json!({"emailAddress": "jane.doe@example.com", "subscriptionId": id});
    post(&api, subscribe, &jane("7001"), 200).await;
    post(&api, unsubscribe, &jane("7003"), 200).await;
    for (path, body, message) in [
        (
            subscribe,
            jane("7001"),
            "already subscribed to subscription 7001",
        ),
        (
            unsubscribe,
            jane("7003"),
            "already unsubscribed from subscription 7003",
        ),
        (
            subscribe,
            jane("7003"),
            "You cannot subscribe an unsubscribed address.",
        ),
        (subscribe, jane("999"), "Subscription 999 does not exist"),
        (subscribe, jane("abc"), "Subscription abc does not exist"),
        (
            subscribe,
            json!({"subscriptionId": "7001"}),
            "[emailAddress]",
        ),
        (
            subscribe,
            json!({"emailAddress": "not-an-address", "subscriptionId": "7001"}),
            "is invalid",
        ),
        (
            subscribe,
            json!({"emailAddress": "a@example.com", "subscriptionId": "7001", "legalBasis": "BECAUSE"}),
            "legalBasis must be one of",
        ),
    ] {
        let refused = post(&api, path, &body, 400).await;
        asym_kit::testing::assert_contains(&refused["message"], message);
    }
    api.get("/communication-preferences/v3/status/email/not-an-address")
        .await
        .expect(400);
    let contacts_only = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    let refused = contacts_only
        .get("/communication-preferences/v3/definitions")
        .await
        .expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    contacts_only
        .post(subscribe, &jane("7002"))
        .await
        .expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_v4_statuses_api_reads_and_changes_the_same_statuses(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let definitions = read(&api, "/communication-preferences/v4/definitions").await;
    assert_eq!(definitions["status"], "COMPLETE");
    assert_eq!(
        strs(&definitions["results"], "id"),
        ["7001", "7002", "7003"]
    );
    let path = "/communication-preferences/v4/statuses/ada@example.com";
    let before = read(&api, &format!("{path}?channel=EMAIL")).await;
    assert_eq!(before["results"][0]["subscriptionId"], 7001);
    assert_eq!(before["results"][0]["status"], "NOT_SPECIFIED");
    assert_eq!(
        before["results"][0]["subscriberIdString"],
        "ada@example.com"
    );
    let subscribed = post(
        &api,
        path,
        &json!({"channel": "EMAIL", "statusState": "SUBSCRIBED", "subscriptionId": 7001,
                "legalBasis": "CONSENT_WITH_NOTICE", "legalBasisExplanation": "Signed up"}),
        200,
    )
    .await;
    assert_eq!(subscribed["status"], "COMPLETE");
    assert_eq!(subscribed["results"][0]["status"], "SUBSCRIBED");
    assert_eq!(
        subscribed["results"][0]["legalBasis"],
        "CONSENT_WITH_NOTICE"
    );
    // v3 reads what v4 wrote; an unsubscribe through v4 is final for both.
    let v3 = read(
        &api,
        "/communication-preferences/v3/status/email/ada@example.com",
    )
    .await;
    assert_eq!(
        by_id(&v3["subscriptionStatuses"], "7001")["status"],
        "SUBSCRIBED"
    );
    let unsubscribed = post(
        &api,
        path,
        &json!({"channel": "EMAIL", "statusState": "UNSUBSCRIBED", "subscriptionId": 7001}),
        200,
    )
    .await;
    assert_eq!(unsubscribed["results"][0]["status"], "UNSUBSCRIBED");
    let again = post(
        &api,
        path,
        &json!({"channel": "EMAIL", "statusState": "SUBSCRIBED", "subscriptionId": 7001}),
        400,
    )
    .await;
    assert_eq!(
        again["message"],
        "You cannot subscribe an unsubscribed address."
    );
    let after = read(&api, &format!("{path}?channel=EMAIL")).await;
    assert_eq!(after["results"][0]["status"], "UNSUBSCRIBED");
    // The channel is EMAIL; a state and a known subscription are needed.
    api.get(path).await.expect(400);
    for body in [
        json!({"channel": "SMS", "statusState": "SUBSCRIBED", "subscriptionId": 7002}),
        json!({"channel": "EMAIL", "subscriptionId": 7002}),
        json!({"channel": "EMAIL", "statusState": "SUBSCRIBED", "subscriptionId": 999}),
    ] {
        let refused = post(&api, path, &body, 400).await;
        assert_eq!(refused["category"], "VALIDATION_ERROR", "{body}");
    }
    let reader = scoped(&hubspot, &["communication_preferences.read"]).await;
    reader
        .post(
            path,
            &json!({"channel": "EMAIL", "statusState": "SUBSCRIBED", "subscriptionId": 7002}),
        )
        .await
        .expect(403);
    // A batch read answers each address's statuses, as the single read does; it needs its
    // granular scope.
    let batch = "/communication-preferences/v4/statuses/batch/read?channel=EMAIL";
    let both = post(
        &api,
        batch,
        &json!({"inputs": ["ADA@example.com", "jane.doe@example.com"]}),
        200,
    )
    .await;
    assert_eq!(
        strs(&both["results"], "subscriberIdString"),
        ["ada@example.com", "jane.doe@example.com"]
    );
    assert_eq!(both["results"][0]["statuses"][0]["status"], "UNSUBSCRIBED");
    assert_eq!(both["results"][1]["statuses"][0]["status"], "NOT_SPECIFIED");
    post(&api, batch, &json!({"inputs": ["not-an-address"]}), 400).await;
    reader
        .post(batch, &json!({"inputs": ["ada@example.com"]}))
        .await
        .expect(403);
}
