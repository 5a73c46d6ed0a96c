//! Communication preferences v3: subscription types, an address's statuses, subscribe and
//! unsubscribe (final through the API); v4's statuses of one subscriber, over the same rows.

use asym_kit::testing::{Api, assert_contains};
use serde_json::{Value, json};

use crate::{api, by_id, len, post, read, scoped, strs};

/// `GET /communication-preferences/v3/status/email/{email}` with `api`: the address's
/// statuses, one a subscription type.
async fn v3_statuses(api: &Api, email: &str) -> Value {
    read(
        api,
        &format!("/communication-preferences/v3/status/email/{email}"),
    )
    .await
}

/// `POST /communication-preferences/v3/unsubscribe` of `email` from subscription `id` with
/// `api`, asserting HTTP 200.
async fn unsubscribe(api: &Api, email: &str, id: &str) {
    post(
        api,
        "/communication-preferences/v3/unsubscribe",
        &json!({ "emailAddress": email, "subscriptionId": id }),
        200,
    )
    .await;
}

/// `POST path` `{inputs}` with `api`, asserting a 207 that refuses one input alone and
/// answers the others; the body.
async fn one_refused(api: &Api, path: &str, inputs: &[&str]) -> Value {
    let partial = post(api, path, &json!({ "inputs": inputs }), 207).await;
    assert_eq!(partial["numErrors"], 1, "{partial}");
    assert_eq!(len(&partial["results"]), inputs.len() - 1, "{partial}");
    partial
}

/// The entry of subscription `id` in the v3 `statuses` of an address.
fn v3_status<'a>(statuses: &'a Value, id: &str) -> &'a Value {
    by_id(&statuses["subscriptionStatuses"], id)
}

#[asym::clone("hubspot", seed = "basic")]
async fn addresses_are_subscribed_and_unsubscribed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let definitions = read(&api, "/communication-preferences/v3/definitions").await;
    let all = &definitions["subscriptionDefinitions"];
    assert_eq!(strs(all, "id"), ["7001", "7002", "7003"]);
    assert_eq!(all[0]["name"], "Marketing Information");
    assert_eq!(all[0]["isDefault"], true);
    assert_eq!(all[1]["isInternal"], true);

    let jane = "Jane.Doe@example.com";
    let before = v3_statuses(&api, jane).await;
    assert_eq!(before["recipient"], "Jane.Doe@example.com");
    assert_eq!(v3_status(&before, "7001")["status"], "NOT_SUBSCRIBED");
    assert_eq!(
        v3_status(&before, "7001")["sourceOfStatus"],
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
    let after = v3_statuses(&api, jane).await;
    assert_eq!(v3_status(&after, "7001")["status"], "SUBSCRIBED");
    assert_eq!(
        v3_status(&after, "7001")["legalBasisExplanation"],
        "Signed up"
    );
    assert_eq!(v3_status(&after, "7003")["status"], "NOT_SUBSCRIBED");

    let unsubscribed = post(
        &api,
        "/communication-preferences/v3/unsubscribe",
        &json!({"emailAddress": "JANE.DOE@example.com", "subscriptionId": 7001}),
        200,
    )
    .await;
    assert_eq!(unsubscribed["status"], "NOT_SUBSCRIBED");
    assert_eq!(
        v3_status(&v3_statuses(&api, jane).await, "7001")["status"],
        "NOT_SUBSCRIBED"
    );
    // An address that never opted in may be unsubscribed too.
    unsubscribe(&api, "someone@example.com", "7003").await;
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
    let v3 = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(v3_status(&v3, "7001")["status"], "SUBSCRIBED");
    let unsubscribed = post(
        &api,
        path,
        &json!({"channel": "EMAIL", "statusState": "UNSUBSCRIBED", "subscriptionId": 7001}),
        200,
    )
    .await;
    assert_eq!(unsubscribed["results"][0]["status"], "UNSUBSCRIBED");
    // v4 resubscribes an address that unsubscribed, given the contact's consent on record (a
    // legal basis and its explanation); without them it is refused. v3 never does.
    let resubscribe =
        json!({"channel": "EMAIL", "statusState": "SUBSCRIBED", "subscriptionId": 7001});
    let mut basis_only = resubscribe.clone();
    basis_only["legalBasis"] = json!("CONSENT_WITH_NOTICE");
    let mut blank = basis_only.clone();
    blank["legalBasisExplanation"] = json!(" ");
    for body in [&resubscribe, &basis_only, &blank] {
        let refused = post(&api, path, body, 400).await;
        assert_contains(&refused["message"], "a resubscribe needs a legalBasis");
    }
    let after = read(&api, &format!("{path}?channel=EMAIL")).await;
    assert_eq!(after["results"][0]["status"], "UNSUBSCRIBED");
    let mut consented = basis_only.clone();
    consented["legalBasisExplanation"] = json!("Asked to hear from us again");
    let resubscribed = post(&api, path, &consented, 200).await;
    let status = &resubscribed["results"][0];
    assert_eq!(
        (
            status["status"].clone(),
            status["setStatusSuccessReason"].clone()
        ),
        (json!("SUBSCRIBED"), json!("RESUBSCRIBE_OCCURRED"))
    );
    assert_eq!(
        status["legalBasisExplanation"],
        "Asked to hear from us again"
    );
    let v3 = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(v3_status(&v3, "7001")["status"], "SUBSCRIBED");
    // A status already so is no change.
    let unchanged = post(&api, path, &resubscribe, 200).await;
    assert_eq!(
        unchanged["results"][0]["setStatusSuccessReason"],
        "NO_STATUS_CHANGE"
    );
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
    assert_eq!(both["results"][0]["statuses"][0]["status"], "SUBSCRIBED");
    assert_eq!(both["results"][1]["statuses"][0]["status"], "NOT_SPECIFIED");
    // An input that is not an address is reported in a 207, the others read; one that is not
    // a string refuses the batch.
    let partial = one_refused(&api, batch, &["not-an-address", "ada@example.com"]).await;
    assert_eq!(
        partial["errors"][0]["message"],
        "Email address not-an-address is invalid"
    );
    assert_eq!(
        partial["errors"][0]["context"]["subscriberIdString"],
        json!(["not-an-address"])
    );
    assert_eq!(
        strs(&partial["results"], "subscriberIdString"),
        ["ada@example.com"]
    );
    post(&api, batch, &json!({"inputs": [7]}), 400).await;
    reader
        .post(batch, &json!({"inputs": ["ada@example.com"]}))
        .await
        .expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn statuses_are_written_in_batches_with_a_207_for_refused_inputs(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let write = "/communication-preferences/v4/statuses/batch/write";
    let input = |email: &str, state: &str, id: i64| {
        json!({"channel": "EMAIL", "statusState": state, "subscriberIdString": email,
               "subscriptionId": id})
    };
    let mut with_basis = input("Ada@example.com", "SUBSCRIBED", 7001);
    with_basis["legalBasis"] = json!("CONSENT_WITH_NOTICE");
    let written = post(
        &api,
        write,
        &json!({"inputs": [with_basis, input("jane.doe@example.com", "UNSUBSCRIBED", 7003)]}),
        200,
    )
    .await;
    assert_eq!(written["status"], "COMPLETE");
    assert!(written.get("numErrors").is_none(), "{written}");
    let results = &written["results"];
    assert_eq!(
        strs(results, "subscriberIdString"),
        ["ada@example.com", "jane.doe@example.com"]
    );
    assert_eq!(results[0]["status"], "SUBSCRIBED");
    assert_eq!(results[0]["subscriptionId"], 7001);
    assert_eq!(results[0]["subscriptionName"], "Marketing Information");
    assert_eq!(results[0]["legalBasis"], "CONSENT_WITH_NOTICE");
    assert_eq!(
        results[0]["setStatusSuccessReason"],
        "REQUESTED_CHANGE_OCCURRED"
    );
    assert_eq!(results[1]["status"], "UNSUBSCRIBED");
    // The single reads see them.
    let ada = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(v3_status(&ada, "7001")["status"], "SUBSCRIBED");

    // A status already so is no change; the refused inputs are reported, the others written.
    let partial = post(
        &api,
        write,
        &json!({"inputs": [
            input("ada@example.com", "SUBSCRIBED", 7001),
            input("jane.doe@example.com", "SUBSCRIBED", 7003),
            input("not-an-address", "SUBSCRIBED", 7001),
            input("ada@example.com", "SUBSCRIBED", 999),
            {"channel": "EMAIL", "subscriberIdString": "ada@example.com", "subscriptionId": 7003},
            input("ada@example.com", "UNSUBSCRIBED", 7003),
        ]}),
        207,
    )
    .await;
    assert_eq!(partial["numErrors"], 4);
    assert_eq!(len(&partial["results"]), 2);
    assert_eq!(
        partial["results"][0]["setStatusSuccessReason"],
        "NO_STATUS_CHANGE"
    );
    assert_eq!(partial["results"][1]["subscriptionId"], 7003);
    assert_eq!(partial["results"][1]["status"], "UNSUBSCRIBED");
    assert_eq!(
        strs(&partial["errors"], "message"),
        [
            "You cannot subscribe an unsubscribed address without the contact's consent: a \
             resubscribe needs a legalBasis and its legalBasisExplanation.",
            "Email address not-an-address is invalid",
            "Subscription 999 does not exist",
            "Invalid input JSON: Cannot build PublicStatusRequest, some of required attributes are not set [statusState]",
        ]
    );
    assert_eq!(partial["errors"][0]["category"], "VALIDATION_ERROR");
    assert_eq!(
        partial["errors"][1]["context"]["subscriberIdString"],
        json!(["not-an-address"])
    );

    // The body as a whole, and the caller, are checked first.
    post(&api, write, &json!({"inputs": "x"}), 400).await;
    post(&api, write, &json!({}), 400).await;
    let reader = scoped(&hubspot, &["communication_preferences.statuses.batch.read"]).await;
    reader.post(write, &json!({"inputs": []})).await.expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn addresses_opt_out_of_all_email_in_a_batch(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = "/communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL";
    let wide = "/communication-preferences/v4/statuses/batch/unsubscribe-all/read?channel=EMAIL";
    let before = post(
        &api,
        wide,
        &json!({"inputs": ["jane.doe@example.com"]}),
        200,
    )
    .await;
    assert_eq!(before["results"][0]["wideStatuses"], json!([]));
    unsubscribe(&api, "jane.doe@example.com", "7003").await;

    // Without verbose, each address alone; with it, each type's status.
    let quiet = post(&api, all, &json!({"inputs": ["ada@example.com"]}), 200).await;
    assert_eq!(
        quiet["results"],
        json!([{"subscriberIdString": "ada@example.com"}])
    );
    let verbose = one_refused(
        &api,
        &format!("{all}&verbose=true"),
        &["Jane.Doe@example.com", "bad address"],
    )
    .await;
    assert_eq!(
        verbose["errors"][0]["message"],
        "Email address bad address is invalid"
    );
    let statuses = &verbose["results"][0]["statuses"];
    assert_eq!(
        verbose["results"][0]["subscriberIdString"],
        "jane.doe@example.com"
    );
    assert_eq!(strs(statuses, "status"), ["UNSUBSCRIBED"; 3]);
    assert_eq!(
        strs(statuses, "setStatusSuccessReason"),
        [
            "UNSUBSCRIBE_FROM_ALL_OCCURRED",
            "UNSUBSCRIBE_FROM_ALL_OCCURRED",
            "NO_STATUS_CHANGE"
        ]
    );

    // Opted out: the wide status reads so, the per-type reads agree, a subscribe is refused.
    let after = post(
        &api,
        wide,
        &json!({"inputs": ["ADA@example.com", "jane.doe@example.com", "john@example.com"]}),
        200,
    )
    .await;
    let first = &after["results"][0]["wideStatuses"][0];
    assert_eq!(first["wideStatusType"], "PORTAL_WIDE");
    assert_eq!(first["status"], "UNSUBSCRIBED");
    assert_eq!(first["channel"], "EMAIL");
    assert_eq!(first["subscriberIdString"], "ada@example.com");
    assert!(first["timestamp"].as_str().unwrap().ends_with('Z'));
    assert_eq!(len(&after["results"][1]["wideStatuses"]), 1);
    assert_eq!(after["results"][2]["wideStatuses"], json!([]));
    let ada = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(
        strs(&ada["subscriptionStatuses"], "status"),
        ["NOT_SUBSCRIBED"; 3]
    );
    let refused = post(
        &api,
        "/communication-preferences/v3/subscribe",
        &json!({"emailAddress": "ada@example.com", "subscriptionId": "7001"}),
        400,
    )
    .await;
    assert_eq!(
        refused["message"],
        "You cannot subscribe an unsubscribed address."
    );
    // v4 resubscribes it to one type, with its consent on record: no longer opted out of all
    // email, its other types still unsubscribed.
    let write = "/communication-preferences/v4/statuses/batch/write";
    let consented = json!({"channel": "EMAIL", "statusState": "SUBSCRIBED",
        "subscriberIdString": "ada@example.com", "subscriptionId": 7002,
        "legalBasis": "CONSENT_WITH_NOTICE", "legalBasisExplanation": "Opted in on our form"});
    let resubscribed = post(&api, write, &json!({"inputs": [consented]}), 200).await;
    assert_eq!(
        resubscribed["results"][0]["setStatusSuccessReason"],
        "RESUBSCRIBE_OCCURRED"
    );
    let lifted = post(&api, wide, &json!({"inputs": ["ada@example.com"]}), 200).await;
    assert_eq!(lifted["results"][0]["wideStatuses"], json!([]));
    let ada = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(
        strs(&ada["subscriptionStatuses"], "status"),
        ["NOT_SUBSCRIBED", "SUBSCRIBED", "NOT_SUBSCRIBED"]
    );

    // A bad address in a read is reported alone; the channel and the scopes are checked.
    one_refused(&api, wide, &["x", "ada@example.com"]).await;
    let without = "/communication-preferences/v4/statuses/batch/unsubscribe-all";
    post(&api, without, &json!({"inputs": ["ada@example.com"]}), 400).await;
    post(
        &api,
        &format!("{all}&verbose=maybe"),
        &json!({"inputs": []}),
        400,
    )
    .await;
    let reader = scoped(&hubspot, &["communication_preferences.statuses.batch.read"]).await;
    reader
        .post(all, &json!({"inputs": ["ada@example.com"]}))
        .await
        .expect(403);
    reader
        .post(wide, &json!({"inputs": ["ada@example.com"]}))
        .await
        .expect(200);
    let writer = scoped(
        &hubspot,
        &["communication_preferences.statuses.batch.write"],
    )
    .await;
    writer
        .post(wide, &json!({"inputs": ["ada@example.com"]}))
        .await
        .expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn one_address_opts_out_of_all_email(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let path = "/communication-preferences/v4/statuses/Ada@example.com/unsubscribe-all";
    let email = format!("{path}?channel=EMAIL");
    let before = read(&api, &email).await;
    assert_eq!(before["status"], "COMPLETE");
    assert_eq!(before["results"], json!([]));

    // With verbose, each type's status; again, nothing changes and nothing is answered.
    let verbose = post(&api, &format!("{email}&verbose=true"), &json!({}), 200).await;
    assert_eq!(strs(&verbose["results"], "status"), ["UNSUBSCRIBED"; 3]);
    assert_eq!(
        strs(&verbose["results"], "setStatusSuccessReason"),
        ["UNSUBSCRIBE_FROM_ALL_OCCURRED"; 3]
    );
    let again = post(&api, &email, &json!({}), 200).await;
    assert_eq!(again["results"], json!([]));
    let after = read(&api, &email).await;
    assert_eq!(len(&after["results"]), 1);
    let wide = &after["results"][0];
    assert_eq!(wide["wideStatusType"], "PORTAL_WIDE");
    assert_eq!(wide["status"], "UNSUBSCRIBED");
    assert_eq!(wide["subscriberIdString"], "ada@example.com");
    let ada = v3_statuses(&api, "ada@example.com").await;
    assert_eq!(
        strs(&ada["subscriptionStatuses"], "status"),
        ["NOT_SUBSCRIBED"; 3]
    );

    // The channel and the address are checked; reading needs the read scope, writing the write.
    for refused in [
        path.to_owned(),
        "/communication-preferences/v4/statuses/not-an-address/unsubscribe-all?channel=EMAIL"
            .to_owned(),
        format!("{email}&verbose=maybe"),
    ] {
        post(&api, &refused, &json!({}), 400).await;
    }
    api.get(path).await.expect(400);
    let reader = scoped(&hubspot, &["communication_preferences.read"]).await;
    reader.get(&email).await.expect(200);
    reader.post(&email, &json!({})).await.expect(403);
}
