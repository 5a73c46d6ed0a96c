//! The settings API's users, roles and teams (`/settings/v3/users`): a user is its owner.

use serde_json::json;

use crate::{api, archive, by_id, delete, id, missing, patch, post, read, scoped, search, strs};

#[asym::clone("hubspot", seed = "basic")]
async fn users_are_listed_created_assigned_and_removed(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let all = read(&api, "/settings/v3/users/").await;
    assert_eq!(strs(&all["results"], "id"), ["9001", "9002"]);
    let alice = &all["results"][0];
    assert_eq!(alice["email"], "alice@acme-sales.example");
    assert_eq!(alice["superAdmin"], true);
    assert_eq!(alice["primaryTeamId"], "11");
    assert_eq!(alice["roleIds"], json!([]));
    let page = read(&api, "/settings/v3/users/?limit=1").await;
    assert_eq!(page["paging"]["next"]["after"], "9001");
    let rest = read(&api, "/settings/v3/users/?limit=1&after=9001").await;
    assert_eq!(strs(&rest["results"], "id"), ["9002"]);
    assert_eq!(rest.get("paging"), None);

    let carol = post(
        &api,
        "/settings/v3/users/",
        &json!({"email": "carol@acme-sales.example", "firstName": "Carol", "roleId": "3001",
                "primaryTeamId": "12", "secondaryTeamIds": ["11"], "sendWelcomeEmail": true}),
        201,
    )
    .await;
    let carol_id = id(&carol);
    assert!(carol_id.parse::<i64>().unwrap() > 9002, "{carol}");
    assert_eq!(carol["roleIds"], json!(["3001"]));
    assert_eq!(carol["primaryTeamId"], "12");
    assert_eq!(carol["secondaryTeamIds"], json!(["11"]));
    assert_eq!(carol["superAdmin"], false);
    // The user is an owner, with the teams the settings API gave it.
    let owner = read(&api, "/crm/v3/owners/?email=carol@acme-sales.example").await;
    let owner = &owner["results"][0];
    assert_eq!(owner["userId"].to_string(), carol_id);
    assert_eq!(
        owner["teams"],
        json!([{"id": "12", "name": "Support", "primary": true},
               {"id": "11", "name": "Sales", "primary": false}])
    );
    let by_email = read(
        &api,
        "/settings/v3/users/CAROL@acme-sales.example?idProperty=EMAIL",
    )
    .await;
    assert_eq!(by_email["id"], carol_id.as_str());
    let teams = read(&api, "/settings/v3/users/teams").await;
    assert_eq!(
        by_id(&teams["results"], "11")["userIds"],
        json!(["9001", "9002"])
    );
    assert_eq!(
        by_id(&teams["results"], "11")["secondaryUserIds"],
        json!([carol_id])
    );
    assert_eq!(by_id(&teams["results"], "12")["userIds"], json!([carol_id]));

    let path = format!("/settings/v3/users/{carol_id}");
    let replaced = api
        .put(&path, &json!({"roleId": "3002", "secondaryTeamIds": []}))
        .await
        .expect(200);
    assert_eq!(replaced["roleId"], "3002");
    assert_eq!(replaced["primaryTeamId"], "12", "kept: the body names none");
    assert_eq!(replaced["secondaryTeamIds"], json!([]));
    assert_eq!(replaced["firstName"], "Carol");

    archive(&api, &path).await;
    let archived = read(&api, "/crm/v3/owners/?archived=true").await;
    assert_eq!(archived["results"][0]["email"], "carol@acme-sales.example");
    // The email is free again once its user is removed.
    post(
        &api,
        "/settings/v3/users",
        &json!({"email": "carol@acme-sales.example"}),
        201,
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn roles_and_teams_are_the_accounts(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let roles = read(&api, "/settings/v3/users/roles").await;
    assert_eq!(
        strs(&roles["results"], "name"),
        ["Sales Rep", "Sales Manager", "Billing Admin"]
    );
    assert_eq!(roles["results"][2]["requiresBillingWrite"], true);
    let teams = read(&api, "/settings/v3/users/teams").await;
    assert_eq!(strs(&teams["results"], "name"), ["Sales", "Support"]);
    assert_eq!(by_id(&teams["results"], "12")["userIds"], json!([]));
}

#[asym::clone("hubspot", seed = "basic")]
async fn user_writes_are_refused_as_hubspot_refuses_them(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (body, status, message) in [
        (json!({"firstName": "No email"}), 400, "[email]"),
        (json!({"email": "not-an-address"}), 400, "is invalid"),
        (
            json!({"email": "ALICE@acme-sales.example"}),
            409,
            "already exists",
        ),
        (
            json!({"email": "d@acme.example", "roleId": "999"}),
            400,
            "Role 999",
        ),
        (
            json!({"email": "d@acme.example", "primaryTeamId": "77"}),
            400,
            "Team 77",
        ),
        (
            json!({"email": "d@acme.example", "secondaryTeamIds": "11"}),
            400,
            "secondaryTeamIds",
        ),
    ] {
        let refused = post(&api, "/settings/v3/users/", &body, status).await;
        asym_kit::testing::assert_contains(&refused["message"], message);
    }
    assert_eq!(
        crate::len(&read(&api, "/settings/v3/users/").await["results"]),
        2
    );
    api.put("/settings/v3/users/9001", &json!({"roleId": "999"}))
        .await
        .expect(400);
    api.put("/settings/v3/users/555", &json!({"roleId": "3001"}))
        .await
        .expect(404);
    missing(&api, "/settings/v3/users/abc").await;
    missing(
        &api,
        "/settings/v3/users/nobody@example.com?idProperty=EMAIL",
    )
    .await;
    api.get("/settings/v3/users/9001?idProperty=NAME")
        .await
        .expect(400);
    delete(&api, "/settings/v3/users/555", 404).await;
    let crm_only = scoped(&hubspot, &["crm.objects.owners.read"]).await;
    let refused = crm_only.get("/settings/v3/users/").await.expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    crm_only.get("/settings/v3/users/teams").await.expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn the_crm_users_object_follows_the_accounts_users(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    // One record a user, its own id, the creation date by its `hs_` name as HubSpot's guide
    // shows it.
    let all = read(&api, "/crm/v3/objects/users").await;
    assert_eq!(
        strs(&all["results"], "id"),
        ["200000009001", "200000009002"]
    );
    let first = &all["results"][0];
    assert_eq!(
        first["properties"]["hs_createdate"],
        "2024-01-01T09:00:00.000Z"
    );
    assert_eq!(first["properties"]["hs_object_id"], "200000009001");
    let alice = read(
        &api,
        "/crm/v3/objects/0-115/9001?idProperty=hs_internal_user_id&properties=hs_email,hs_given_name",
    )
    .await;
    assert_eq!(alice["id"], "200000009001");
    assert_eq!(alice["properties"]["hs_email"], "alice@acme-sales.example");
    assert_eq!(alice["properties"]["hs_given_name"], "Alice");
    // The properties a user sets in their preferences are updated; the identity is not.
    let path = "/crm/v3/objects/users/200000009002";
    let updated = patch(
        &api,
        path,
        &json!({"properties": {"hs_job_title": "Account Executive", "hs_availability_status": "away",
                "hs_standard_time_zone": "Europe/Paris"}}),
    )
    .await;
    assert_eq!(updated["properties"]["hs_job_title"], "Account Executive");
    for (name, value, code) in [
        ("hs_availability_status", "busy", "INVALID_OPTION"),
        ("hs_email", "x@acme-sales.example", "READ_ONLY_VALUE"),
    ] {
        let refused = api
            .patch(path, &json!({"properties": {name: value}}))
            .await
            .expect(400);
        assert_eq!(refused["errors"][0]["code"], code, "{name}");
    }
    let found = search(
        &api,
        "users",
        &json!({"filterGroups": [{"filters": [
            {"propertyName": "hs_availability_status", "operator": "EQ", "value": "away"}]}],
            "properties": ["hs_job_title"]}),
    )
    .await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["results"][0]["properties"]["hs_job_title"],
        "Account Executive"
    );
    // The objects API neither creates nor deletes users.
    for (refused, verb) in [
        (
            api.post(
                "/crm/v3/objects/users",
                &json!({"properties": {"hs_job_title": "x"}}),
            )
            .await
            .expect(400),
            "created",
        ),
        (
            api.post(
                "/crm/v3/objects/users/batch/create",
                &json!({"inputs": [{"properties": {}}]}),
            )
            .await
            .expect(400),
            "created",
        ),
        (api.delete(path).await.expect(400), "archived"),
    ] {
        assert_eq!(
            refused["message"],
            format!("USER records cannot be {verb} through the CRM objects API")
        );
    }
    // A user provisioned through the settings API has its record; removed, it goes too.
    let carol = post(
        &api,
        "/settings/v3/users",
        &json!({"email": "carol@acme-sales.example", "firstName": "Carol"}),
        201,
    )
    .await;
    let record = format!(
        "/crm/v3/objects/users/{}?idProperty=hs_internal_user_id&properties=hs_given_name",
        id(&carol)
    );
    assert_eq!(
        read(&api, &record).await["properties"]["hs_given_name"],
        "Carol"
    );
    delete(&api, &format!("/settings/v3/users/{}", id(&carol)), 204).await;
    missing(&api, &record).await;
    // The users scopes: the settings API's do not read the object.
    let settings_only = scoped(&hubspot, &["settings.users.read"]).await;
    let denied = settings_only.get("/crm/v3/objects/users").await.expect(403);
    assert_eq!(denied["category"], "MISSING_SCOPES");
}
