//! What only a workspace admin (Ada; Ben, a member, is refused as Linear refuses him) may
//! do. The workspace's settings: `organizationUpdate` validates each setting, keeps what the
//! clone has no use for out by name, and what it wrote reads back through `organization`,
//! `viewer.organization` and the payload. Users: `userSuspend`, `userUnsuspend` and
//! `userChangeRole` of another user.

use serde_json::{Value, json};

use crate::{
    ADA, BEN, ENG, argument_error, ask, assert_fields, client, count, delivered, error, gql,
    invalid_argument, missing, mutate, oauth_client, query, refused_for, refused_inputs_as,
    subscribed, validation_errors,
};

const FIELDS: &str = "id name urlKey logoUrl gitBranchFormat previousUrlKeys updatedAt
    fiscalYearStartMonth projectUpdateRemindersDay projectUpdateRemindersHour
    projectUpdateReminderFrequencyInWeeks projectUpdatesReminderFrequency
    initiativeUpdateReminderFrequencyInWeeks initiativeUpdateRemindersHour
    pullRequestIssueMode slackProjectChannelPrefix roadmapEnabled feedEnabled
    gitLinkbackMessagesEnabled defaultFeedSummarySchedule allowedFileUploadContentTypes
    authSettings allowedAuthServices hideNonPrimaryOrganizations securitySettings
    restrictTeamCreationToAdmins allowMembersToInvite customersConfiguration";

const UPDATE: &str = "mutation($input: OrganizationUpdateInput!) {
    organizationUpdate(input: $input) { success lastSyncId organization { id name urlKey
        logoUrl gitBranchFormat previousUrlKeys } } }";

/// `organizationUpdate` with `input`, as Ada (an admin): its payload.
async fn update(api: &asym_kit::testing::Api, input: Value) -> Value {
    mutate(api, UPDATE, json!({ "input": input })).await
}

/// The workspace, as `organization` reads it.
async fn workspace(api: &asym_kit::testing::Api) -> Value {
    ask(api, &format!("{{ organization {{ {FIELDS} }} }}")).await["organization"].clone()
}

#[asym::clone("linear", seed = "basic")]
async fn an_admin_updates_the_workspace_and_reads_it_back(linear: asym::Linear) {
    let api = client(&linear);
    let before = workspace(&api).await;
    assert_fields(
        &before,
        &json!({"name": "Acme", "urlKey": "acme", "logoUrl": null, "gitBranchFormat": null,
                "previousUrlKeys": [], "fiscalYearStartMonth": 0,
                "projectUpdateReminderFrequencyInWeeks": 1,
                "projectUpdatesReminderFrequency": "week", "pullRequestIssueMode": "off",
                "slackProjectChannelPrefix": "proj-", "roadmapEnabled": false,
                "authSettings": {}, "allowedAuthServices": [], "securitySettings": {}}),
    );
    let payload = update(
        &api,
        json!({"name": "Acme Labs", "urlKey": "acme-labs",
               "logoUrl": "https://cdn.example.com/acme.png",
               "gitBranchFormat": "{username}/{issueIdentifier}-{issueTitle}",
               "fiscalYearStartMonth": 3, "projectUpdateRemindersDay": "Monday",
               "projectUpdateRemindersHour": 9, "projectUpdateReminderFrequencyInWeeks": 2,
               "initiativeUpdateReminderFrequencyInWeeks": 4,
               "pullRequestIssueMode": "autoOnMerge", "slackProjectChannelPrefix": "p-",
               "roadmapEnabled": true, "feedEnabled": true, "gitLinkbackMessagesEnabled": true,
               "defaultFeedSummarySchedule": "weekly",
               "allowedFileUploadContentTypes": ["image/png"],
               "authSettings": {"allowedAuthServices": ["google"],
                                "hideNonPrimaryOrganizations": true},
               "securitySettings": {"teamCreationRole": "admin", "invitationsRole": "user"},
               "customersConfiguration": {"defaultTeamId": ENG, "revenueCurrencyCode": "EUR"}}),
    )
    .await;
    assert_eq!(payload["success"], true, "{payload}");
    assert!(payload["lastSyncId"].is_number(), "{payload}");
    let written = json!({"name": "Acme Labs", "urlKey": "acme-labs",
                         "logoUrl": "https://cdn.example.com/acme.png",
                         "gitBranchFormat": "{username}/{issueIdentifier}-{issueTitle}",
                         "previousUrlKeys": ["acme"]});
    assert_fields(&payload["organization"], &written);
    let after = workspace(&api).await;
    assert_fields(&after, &written);
    assert_fields(
        &after,
        &json!({"fiscalYearStartMonth": 3, "projectUpdateRemindersDay": "Monday",
                "projectUpdateRemindersHour": 9, "projectUpdateReminderFrequencyInWeeks": 2,
                "projectUpdatesReminderFrequency": "twoWeeks",
                "initiativeUpdateReminderFrequencyInWeeks": 4,
                "initiativeUpdateRemindersHour": 14, "pullRequestIssueMode": "autoOnMerge",
                "slackProjectChannelPrefix": "p-", "roadmapEnabled": true, "feedEnabled": true,
                "gitLinkbackMessagesEnabled": true, "defaultFeedSummarySchedule": "weekly",
                "allowedFileUploadContentTypes": ["image/png"],
                "allowedAuthServices": ["google"], "hideNonPrimaryOrganizations": true,
                "restrictTeamCreationToAdmins": true, "allowMembersToInvite": true,
                "securitySettings": {"teamCreationRole": "admin", "invitationsRole": "user"},
                "customersConfiguration": {"defaultTeamId": ENG, "revenueCurrencyCode": "EUR"}}),
    );
    assert_ne!(after["updatedAt"], before["updatedAt"]);
    // The viewer's workspace is the same one; URLs now carry the new key.
    let viewer = ask(
        &api,
        "{ viewer { organization { name urlKey } } issue(id: \"ENG-1\") { url } }",
    )
    .await;
    assert_eq!(viewer["viewer"]["organization"]["urlKey"], "acme-labs");
    let url = viewer["issue"]["url"].as_str().unwrap();
    assert!(url.contains("/acme-labs/issue/ENG-1/"), "{url}");

    // Nested settings merge key by key; null clears a setting; an older key comes back.
    update(
        &api,
        json!({"securitySettings": {"invitationsRole": "admin"}, "logoUrl": null,
               "gitBranchFormat": null, "urlKey": "acme"}),
    )
    .await;
    let last = workspace(&api).await;
    assert_fields(
        &last,
        &json!({"logoUrl": null, "gitBranchFormat": null, "urlKey": "acme",
                "previousUrlKeys": ["acme-labs"], "allowMembersToInvite": false,
                "securitySettings": {"teamCreationRole": "admin", "invitationsRole": "admin"},
                "name": "Acme Labs"}),
    );
}

#[asym::clone("linear", seed = "basic")]
async fn the_workspace_keeps_its_last_three_url_keys(linear: asym::Linear) {
    let api = client(&linear);
    for key in ["one", "two", "three", "four"] {
        update(&api, json!({ "urlKey": key })).await;
    }
    let got = workspace(&api).await;
    assert_eq!(
        got["previousUrlKeys"],
        json!(["three", "two", "one"]),
        "{got}"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn a_member_may_not_update_the_workspace(linear: asym::Linear) {
    // Ben (the OAuth token's user) is not an admin: refused before his input is read.
    for input in [json!({"name": "Ben's"}), json!({"name": ""})] {
        let reply = gql(&oauth_client(&linear), UPDATE, json!({ "input": input })).await;
        let message = error(&reply, 403, "FORBIDDEN");
        assert_eq!(message, "Invalid role: admin required");
        let extensions = &reply.body["errors"][0]["extensions"];
        assert_eq!(
            (
                &extensions["type"],
                &extensions["statusCode"],
                &extensions["userError"]
            ),
            (&json!("forbidden"), &json!(403), &json!(true)),
            "{}",
            reply.body
        );
        assert_eq!(
            reply.body["errors"][0]["path"],
            json!(["organizationUpdate"])
        );
    }
    assert_eq!(workspace(&client(&linear)).await["name"], "Acme");
}

#[asym::clone("linear", seed = "basic")]
async fn settings_are_validated_as_linear_validates_them(linear: asym::Linear) {
    let api = client(&linear);
    refused_inputs_as(
        &api,
        UPDATE,
        [
            argument_error(json!({"name": "  "}), "name should not be empty"),
            argument_error(
                json!({"urlKey": "Acme Corp"}),
                "urlKey must only contain lowercase letters, numbers and dashes",
            ),
            argument_error(json!({"logoUrl": "acme.png"}), "logoUrl must be a URL address"),
            argument_error(
                json!({"pullRequestIssueMode": "always"}),
                "pullRequestIssueMode must be one of the following values: off, suggest, autoOnMerge",
            ),
            argument_error(
                json!({"slackProjectChannelPrefix": "x-"}),
                "slackProjectChannelPrefix must be one of the following values: p-, proj-, project-",
            ),
            argument_error(
                json!({"fiscalYearStartMonth": 12}),
                "fiscalYearStartMonth must not be greater than 11",
            ),
            argument_error(
                json!({"projectUpdateRemindersHour": -1}),
                "projectUpdateRemindersHour must not be less than 0",
            ),
            argument_error(
                json!({"initiativeUpdateReminderFrequencyInWeeks": 9}),
                "initiativeUpdateReminderFrequencyInWeeks must not be greater than 8",
            ),
        ],
    )
    .await;
    // Every refused setting is named, each with class-validator's constraint.
    let refusals = validation_errors(
        &api,
        UPDATE,
        json!({"input": {"name": "", "initiativeUpdateRemindersHour": 24}}),
    )
    .await;
    assert_eq!(
        refusals,
        json!([
            {"property": "name", "constraints": {"isNotEmpty": "name should not be empty"},
             "children": []},
            {"property": "initiativeUpdateRemindersHour",
             "constraints": {"max": "initiativeUpdateRemindersHour must not be greater than 23"},
             "children": []}
        ])
    );
    // What the clone does not keep is refused by name, the customers' team must exist.
    for (input, field) in [
        (json!({"workingDays": [1, 2]}), "workingDays"),
        (json!({"linearAgentEnabled": true}), "linearAgentEnabled"),
        (
            json!({"customersConfiguration": {"attributesDataSourceConfiguration": {"sourceType": "x"}}}),
            "attributesDataSourceConfiguration",
        ),
    ] {
        refused_for(&api, UPDATE, json!({ "input": input }), field).await;
    }
    missing(
        &api,
        UPDATE,
        json!({"input": {"customersConfiguration": {"defaultTeamId": "nope"}}}),
        "Team",
    )
    .await;
    assert_eq!(workspace(&api).await["name"], "Acme", "nothing was written");
}

const SUSPEND: &str = "mutation($id: String!) { userSuspend(id: $id) { success } }";
const UNSUSPEND: &str = "mutation($id: String!) { userUnsuspend(id: $id) { success } }";
const CHANGE_ROLE: &str = "mutation($id: String!, $role: UserRoleType!) { userChangeRole(id: $id, role: $role) { success } }";

/// Ben as `users(includeDisabled: true)` lists him: `[active, admin]`.
async fn ben(api: &asym_kit::testing::Api) -> Value {
    let got = ask(
        api,
        "{ users(includeDisabled: true) { nodes { id active admin } } }",
    )
    .await;
    let nodes = got["users"]["nodes"].as_array().unwrap().clone();
    let ben = nodes.into_iter().find(|user| user["id"] == BEN).unwrap();
    json!([ben["active"], ben["admin"]])
}

#[asym::clone("linear", seed = "basic")]
async fn an_admin_suspends_and_promotes_a_member(linear: asym::Linear) {
    let api = client(&linear);
    let done = json!({"success": true});
    let id = json!({ "id": BEN });
    let receiver = subscribed(&api, "User", None).await;
    assert_eq!(mutate(&api, SUSPEND, id.clone()).await, done);
    assert_eq!(ben(&api).await, json!([false, false]));
    let hook = delivered(&receiver, "User", "update").await;
    assert_eq!(
        (&hook["data"]["id"], &hook["data"]["active"]),
        (&json!(BEN), &json!(false))
    );
    assert_eq!(hook["updatedFrom"]["active"], true, "{hook}");
    assert_eq!(
        count(&api, "users").await,
        2,
        "a suspended user is not listed by default (Ada and the app are)"
    );
    assert_eq!(mutate(&api, UNSUSPEND, id.clone()).await, done);
    assert_eq!(ben(&api).await, json!([true, false]));
    let role = |role: &str| json!({ "id": BEN, "role": role });
    assert_eq!(mutate(&api, CHANGE_ROLE, role("admin")).await, done);
    assert_eq!(ben(&api).await, json!([true, true]));
    // Now an admin, Ben may update the workspace.
    let payload = mutate(
        &oauth_client(&linear),
        UPDATE,
        json!({"input": {"name": "Ben's"}}),
    )
    .await;
    assert_eq!(payload["organization"]["name"], "Ben's");
    assert_eq!(mutate(&api, CHANGE_ROLE, role("user")).await, done);
    assert_eq!(ben(&api).await, json!([true, false]));
}

#[asym::clone("linear", seed = "basic")]
async fn only_an_admin_administers_users_and_not_themselves(linear: asym::Linear) {
    let member = oauth_client(&linear);
    for (mutation, variables) in [
        (SUSPEND, json!({ "id": ADA })),
        (UNSUSPEND, json!({ "id": ADA })),
        (CHANGE_ROLE, json!({ "id": BEN, "role": "admin" })),
        (CHANGE_ROLE, json!({ "id": BEN, "role": "guest" })),
    ] {
        let reply = gql(&member, mutation, variables).await;
        assert_eq!(
            error(&reply, 403, "FORBIDDEN"),
            "Invalid role: admin required"
        );
    }
    let api = client(&linear);
    for mutation in [SUSPEND, UNSUSPEND] {
        missing(&api, mutation, json!({ "id": "nope" }), "User").await;
    }
    missing(
        &api,
        CHANGE_ROLE,
        json!({ "id": "nope", "role": "user" }),
        "User",
    )
    .await;
    invalid_argument(
        &api,
        SUSPEND,
        json!({ "id": ADA }),
        "You cannot suspend yourself.",
    )
    .await;
    let own = json!({ "id": ADA, "role": "user" });
    invalid_argument(
        &api,
        CHANGE_ROLE,
        own,
        "You cannot change the role of yourself.",
    )
    .await;
    for role in ["guest", "owner", "app"] {
        let variables = json!({ "id": BEN, "role": role });
        refused_for(&api, CHANGE_ROLE, variables, &format!("Role `{role}`")).await;
    }
    assert_eq!(ben(&api).await, json!([true, false]), "nothing was written");
}

#[asym::clone("linear", seed = "basic")]
async fn a_workspace_exists_by_its_url_key(linear: asym::Linear) {
    let api = oauth_client(&linear);
    let text = "query($key: String!) { organizationExists(urlKey: $key) { success exists } }";
    for (key, exists) in [("acme", true), ("globex", false)] {
        let got = query(&api, text, json!({"key": key})).await;
        assert_eq!(
            got["organizationExists"],
            json!({"success": true, "exists": exists}),
            "{key}"
        );
    }
}
