//! Auth (401, 403 MISSING_SCOPES), bad bodies (never a 5xx, nothing written), rate-limit
//! headers and their enforcement.

use asym_kit::testing::{Api, assert_prefix, draws_no_id_during_a_reset};
use axum::http::Method;
use serde_json::json;

use crate::lists::manual;
use crate::{admin, api, contact_count, id, link, read, scoped};

#[asym::clone("hubspot", seed = "basic")]
async fn tokens_and_scopes_are_enforced(hubspot: asym::HubSpot) {
    for api in [
        Api::new(hubspot.api_url()),
        Api::new(hubspot.api_url()).bearer("pat-na1-00000000-0000-0000-0000-000000000000"),
        Api::new(hubspot.api_url()).with_header("Authorization", "Basic abc"),
    ] {
        let err = api.get("/crm/v3/objects/contacts").await.expect(401);
        assert_eq!(err["category"], "INVALID_AUTHENTICATION");
    }
    let limited = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    read(&limited, "/crm/v3/objects/contacts/201").await;
    for (method, path) in [
        (Method::POST, "/crm/v3/objects/contacts"),
        (Method::GET, "/crm/v3/objects/deals"),
        (Method::GET, "/crm/v3/owners/"),
        (Method::GET, "/crm/v3/properties/contacts"),
    ] {
        let err = limited
            .send(method, path, Some(&json!({})))
            .await
            .expect(403);
        assert_eq!(err["category"], "MISSING_SCOPES");
        assert!(err["errors"][0]["context"]["requiredGranularScopes"].is_array());
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn bad_bodies_get_validation_errors_and_change_nothing(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let deep = "[".repeat(5_000) + &"]".repeat(5_000);
    let keys: Vec<String> = (0..10_001).map(|i| format!("\"k{i}\":1")).collect();
    let many = format!("{{\"properties\":{{{}}}}}", keys.join(","));
    let huge = format!(
        "{{\"properties\":{{\"firstname\":\"{}\"}}}}",
        "x".repeat(3 << 20)
    );
    let bodies: Vec<(Vec<u8>, u16)> = vec![
        (deep.into_bytes(), 400),
        (many.into_bytes(), 400),
        (br#"{"properties":{"firstname":"a\u0000b"}}"#.to_vec(), 400),
        (
            b"{\"properties\":{\"firstname\":\"\xff\xfe\"}}".to_vec(),
            400,
        ),
        (huge.into_bytes(), 413),
        (b"{\"properties\":".to_vec(), 400),
        (b"[1,2,3]".to_vec(), 400),
        (br#"{"properties":"nope"}"#.to_vec(), 400),
    ];
    for path in [
        "/crm/v3/objects/contacts",
        "/crm/v3/objects/contacts/batch/create",
        "/crm/v3/objects/contacts/search",
        "/crm/v3/properties/contacts",
    ] {
        for (body, status) in &bodies {
            let reply = api
                .send_raw(Method::POST, path, "application/json", body.clone())
                .await;
            assert!(reply.status < 500, "{path}: {}", reply.status);
            if path == "/crm/v3/objects/contacts" {
                assert_eq!(reply.status, *status, "{}", reply.body);
                assert_eq!(reply.body["category"], "VALIDATION_ERROR");
            }
        }
    }
    assert_eq!(contact_count(&api).await, 3);
}

#[asym::clone("hubspot", seed = "basic")]
async fn rate_limit_headers_and_enforcement(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let reply = api.get("/crm/v3/objects/contacts").await;
    assert_eq!(reply.header("x-hubspot-ratelimit-max"), Some("190"));
    assert_eq!(
        reply.header("x-hubspot-ratelimit-interval-milliseconds"),
        Some("10000")
    );
    let remaining: i64 = reply
        .header("x-hubspot-ratelimit-remaining")
        .unwrap()
        .parse()
        .unwrap();
    assert!(remaining < 190);
    // Each switch sets both limits (the one not given back to its default): the day's limit of
    // 3 is already passed by the requests above.
    for (limits, policy) in [
        (
            json!({"enforced": true, "tenSecondly": 3}),
            "TEN_SECONDLY_ROLLING",
        ),
        (json!({"enforced": true, "daily": 3}), "DAILY"),
    ] {
        admin(&hubspot)
            .post("/api/admin/rate-limits", &limits)
            .await
            .expect(200);
        let mut statuses = Vec::new();
        for _ in 0..6 {
            statuses.push(api.get("/crm/v3/objects/contacts").await.status);
        }
        assert!(statuses.contains(&429), "{policy}: {statuses:?}");
        let err = api.get("/crm/v3/objects/contacts").await.expect(429);
        assert_eq!(err["category"], "RATE_LIMITS");
        assert_eq!(err["policyName"], policy);
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_path_of_invalid_utf8_is_a_404_in_the_envelope(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for path in [
        "/crm/v3/objects/contacts/%FF",
        "/crm/v3/objects/%C3%28",
        "/crm/v3/lists/%FF/memberships",
        "/crm/v4/objects/contacts/201/associations/%FF",
    ] {
        let err = api.get(path).await.expect(404);
        assert_eq!(err["category"], "OBJECT_NOT_FOUND", "{path}");
    }
    // Escapes of UTF-8 are read as before.
    let group = read(
        &api,
        "/crm/v3/properties/contacts/groups/contact%69nformation",
    )
    .await;
    assert_eq!(group["name"], "contactinformation");
}

#[asym::clone("hubspot", seed = "basic")]
async fn fields_of_another_shape_are_refused_not_skipped(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let members = format!("/crm/v3/lists/{}/memberships", manual(&api, "Shapes").await);
    let search = "/crm/v3/objects/contacts/search";
    let cases = [
        (
            Method::POST,
            search.to_owned(),
            json!({"properties": "email"}),
        ),
        (Method::POST, search.to_owned(), json!({"properties": [{}]})),
        (Method::POST, search.to_owned(), json!({"query": ["jane"]})),
        (
            Method::POST,
            search.to_owned(),
            json!({"sorts": [{"propertyName": "email", "direction": "SIDEWAYS"}]}),
        ),
        (
            Method::POST,
            "/crm/v3/objects/contacts/batch/read".to_owned(),
            json!({"inputs": [{"id": "201"}], "properties": [["email"]]}),
        ),
        (Method::POST, "/crm/v3/lists/search".to_owned(), json!([])),
        (
            Method::POST,
            "/crm/v3/lists/search".to_owned(),
            json!({"processingTypes": "MANUAL"}),
        ),
        (
            Method::POST,
            "/crm/v3/lists/search".to_owned(),
            json!({"query": {}}),
        ),
        (Method::PUT, format!("{members}/add"), json!([{}])),
        (
            Method::PUT,
            format!("{members}/add-and-remove"),
            json!(["201"]),
        ),
        (
            Method::PUT,
            format!("{members}/add-and-remove"),
            json!({"recordIdsToAdd": "201"}),
        ),
        (
            Method::POST,
            "/crm/v3/schemas".to_owned(),
            json!({"name": "shape", "labels": {"singular": "S", "plural": "Ss"},
                   "requiredProperties": "model", "properties": []}),
        ),
    ];
    for (method, path, body) in cases {
        let err = api.send(method, &path, Some(&body)).await.expect(400);
        assert_eq!(err["category"], "VALIDATION_ERROR", "{path} {body}");
        assert_prefix(&err["message"], "Invalid input JSON: ");
    }
    // Numbers stand for strings, as HubSpot reads them.
    let added = api
        .put(&format!("{members}/add"), &json!([201, "202"]))
        .await
        .expect(200);
    assert_eq!(added["recordsIdsAdded"], json!(["201", "202"]));
}

#[asym::clone("hubspot", seed = "basic")]
async fn json_routes_refuse_bodies_not_sent_as_json(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = br#"{"properties":{"email":"typed@example.com"}}"#;
    for content_type in [
        "text/plain",
        "text/plain; charset=utf-8",
        "application/x-www-form-urlencoded",
        "application/xml",
        "",
    ] {
        let err = api
            .send_raw(
                Method::POST,
                "/crm/v3/objects/contacts",
                content_type,
                body.to_vec(),
            )
            .await
            .expect(415);
        assert_eq!(err["status"], "error", "{content_type}");
        assert_eq!(err["category"], "VALIDATION_ERROR", "{content_type}");
        assert_eq!(err["message"], "HTTP 415 Unsupported Media Type");
    }
    // No Content-Type at all (a bare client), on another JSON route.
    let bare = reqwest::Client::new()
        .post(format!(
            "{}/crm/v3/objects/contacts/search",
            hubspot.api_url()
        ))
        .bearer_auth(hubspot.token())
        .body(r#"{"query":"jane"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status().as_u16(), 415);
    assert_eq!(contact_count(&api).await, 3);
    // JSON in any spelling is read; so is a body-less write whatever its type, and the admin
    // surface's bodies.
    for (i, content_type) in ["application/json; charset=UTF-8", "Application/JSON"]
        .iter()
        .enumerate()
    {
        let body = format!(r#"{{"properties":{{"email":"typed{i}@example.com"}}}}"#);
        api.send_raw(Method::POST, "/crm/v3/objects/contacts", content_type, body)
            .await
            .expect(201);
    }
    api.send_raw(
        Method::PUT,
        "/crm/v4/objects/contacts/202/associations/default/companies/302",
        "text/plain",
        Vec::new(),
    )
    .await
    .expect(200);
    admin(&hubspot)
        .send_raw(
            Method::POST,
            "/api/admin/private-apps",
            "text/plain",
            r#"{"scopes":["crm.objects.contacts.read"]}"#,
        )
        .await
        .expect(201);
}

#[asym::clone("hubspot", seed = "basic")]
async fn writes_draw_no_id_while_a_reset_holds_the_writers_lock(hubspot: asym::HubSpot) {
    // One create alone (one statement, no transaction), one with an association (in a
    // transaction) and a batch: each draws its ids from `object_ids` in its own SQL.
    for body in [
        json!({"properties": {"firstname": "Alone"}}),
        json!({"properties": {"firstname": "Linked"}, "associations": [link("301", 279)]}),
        json!({"inputs": [{"properties": {"firstname": "Batched"}}]}),
    ] {
        let path = if body.get("inputs").is_some() {
            "/crm/v3/objects/contacts/batch/create"
        } else {
            "/crm/v3/objects/contacts"
        };
        let api = api(&hubspot);
        let create = async move { api.post(path, &body).await.status };
        let status = draws_no_id_during_a_reset(hubspot.database_url(), "object_ids", create).await;
        assert_eq!(status, 201);
    }
    // A list (HubSpot answers its create with 200).
    let client = api(&hubspot);
    let create = async move {
        let body = json!({"name": "Waits", "objectTypeId": "0-1", "processingType": "MANUAL"});
        client.post("/crm/v3/lists/", &body).await.status
    };
    let status = draws_no_id_during_a_reset(hubspot.database_url(), "list_ids", create).await;
    assert_eq!(status, 200);
    // The memberships a list's records are added with, and those copied from another list.
    let api = api(&hubspot);
    let (source, target) = (manual(&api, "Source").await, manual(&api, "Target").await);
    let add = {
        let (api, path) = (
            api.clone(),
            format!("/crm/v3/lists/{source}/memberships/add"),
        );
        async move { api.put(&path, &json!(["201", "202"])).await.status }
    };
    let status =
        draws_no_id_during_a_reset(hubspot.database_url(), "list_membership_seq", add).await;
    assert_eq!(status, 200);
    let copy = async move {
        let path = format!("/crm/v3/lists/{target}/memberships/add-from/{source}");
        api.put(&path, &json!(null)).await.status
    };
    let status =
        draws_no_id_during_a_reset(hubspot.database_url(), "list_membership_seq", copy).await;
    assert_eq!(status, 204);
}

#[asym::clone("hubspot", seed = "basic")]
async fn refusals_come_in_order_caller_then_existence_then_body(hubspot: asym::HubSpot) {
    // Without a valid token: 401, whatever the body (not JSON, malformed, too deep) or the
    // type the path names.
    let anonymous = [
        Api::new(hubspot.api_url()),
        Api::new(hubspot.api_url()).bearer("pat-na1-00000000-0000-0000-0000-000000000000"),
    ];
    let deep = format!("{}{}", "[".repeat(40), "]".repeat(40));
    for caller in &anonymous {
        for (path, content_type, body) in [
            (
                "/crm/v3/objects/contacts",
                "text/plain",
                r#"{"properties":{}}"#,
            ),
            ("/crm/v3/objects/contacts/search", "", r#"{"query":"jane"}"#),
            ("/crm/v3/objects/contacts", "application/json", "{"),
            (
                "/crm/v3/objects/contacts",
                "application/json",
                deep.as_str(),
            ),
            ("/crm/v3/objects/no_such_type", "application/json", "{}"),
            ("/crm/v3/properties/no_such_type", "text/plain", "{}"),
            (
                "/crm/v4/associations/contacts/nope/labels",
                "text/plain",
                "{}",
            ),
        ] {
            let err = caller
                .send_raw(Method::POST, path, content_type, body.to_owned())
                .await
                .expect(401);
            assert_eq!(err["category"], "INVALID_AUTHENTICATION", "{path}");
        }
    }
    // The webhooks API's caller is its developer API key: a body it refuses is answered 401
    // without one, 415 with it.
    let webhooks = "/webhooks/v3/1000001/subscriptions";
    let api = Api::new(hubspot.api_url());
    for (query, status) in [
        (String::new(), 401),
        ("?hapikey=nope".to_owned(), 401),
        (format!("?hapikey={}", hubspot.developer_api_key()), 415),
    ] {
        api.send_raw(
            Method::POST,
            &format!("{webhooks}{query}"),
            "text/plain",
            "{}",
        )
        .await
        .expect(status);
    }
    // A valid token without the scope: 403 before the type's 400.
    let limited = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    limited
        .post("/crm/v3/objects/deals", &json!({"properties": {}}))
        .await
        .expect(403);
    // And 403 before a body it would refuse (not JSON, malformed, too deep), on every kind of
    // route; the provisioned token, which holds the scopes, gets the body's refusal.
    for (method, path) in [
        (Method::POST, "/crm/v3/objects/contacts"),
        (Method::PATCH, "/crm/v3/objects/contacts/201"),
        (Method::POST, "/crm/v3/objects/deals/search"),
        (Method::POST, "/crm/v3/objects/companies/batch/read"),
        (Method::POST, "/crm/v3/properties/contacts"),
        (Method::POST, "/crm/v3/pipelines/deals"),
        (Method::POST, "/crm/v3/schemas"),
        (Method::POST, "/crm/v3/lists/"),
        (Method::PUT, "/crm/v3/lists/1/memberships/add"),
        (
            Method::POST,
            "/crm/v4/associations/contacts/companies/batch/create",
        ),
        (
            Method::POST,
            "/crm/v4/associations/contacts/companies/labels",
        ),
    ] {
        for (content_type, body, refused) in [
            ("text/plain", "{}", 415),
            ("application/json", "{", 400),
            ("application/json", deep.as_str(), 400),
        ] {
            let err = limited
                .send_raw(method.clone(), path, content_type, body.to_owned())
                .await
                .expect(403);
            assert_eq!(err["category"], "MISSING_SCOPES", "{method} {path}");
            crate::api(&hubspot)
                .send_raw(method.clone(), path, content_type, body.to_owned())
                .await
                .expect(refused);
        }
    }
    // Then what the path names, before what the body says of it.
    let api = crate::api(&hubspot);
    let stage = json!({"label": "Open", "metadata": {"probability": "0.5"}});
    let pipeline = id(&crate::post(
        &api,
        "/crm/v3/pipelines/deals",
        &json!({"label": "Ordered", "stages": [stage, {"label": "Won", "metadata": {"probability": "1.0"}}]}),
        201,
    )
    .await);
    let stages = format!("/crm/v3/pipelines/deals/{pipeline}/stages");
    let unknown_then_invalid = [
        // A taken label, on a stage that does not exist (and on a pipeline that does not).
        (
            Method::PATCH,
            format!("{stages}/999999"),
            json!({"label": "Won"}),
        ),
        (
            Method::PATCH,
            "/crm/v3/pipelines/deals/999999/stages/1".to_owned(),
            json!({"label": "Won"}),
        ),
        // Deal stage metadata without its probability.
        (
            Method::PATCH,
            format!("{stages}/999999"),
            json!({"metadata": {}}),
        ),
        // A replacement naming one label twice.
        (
            Method::PUT,
            "/crm/v3/pipelines/deals/999999".to_owned(),
            json!({"label": "X", "stages": [{"label": "A"}, {"label": "A"}]}),
        ),
        (
            Method::PATCH,
            "/crm/v3/objects/contacts/999999".to_owned(),
            json!({"properties": {"no_such": "x"}}),
        ),
        (
            Method::PATCH,
            "/crm/v3/objects/contacts/999999".to_owned(),
            json!({"properties": "email"}),
        ),
        (
            Method::PATCH,
            "/crm/v3/properties/contacts/no_such".to_owned(),
            json!({"type": "nonsense"}),
        ),
        (
            Method::PUT,
            "/crm/v3/lists/999999/memberships/add".to_owned(),
            json!([{}]),
        ),
        (
            Method::PUT,
            "/crm/v3/lists/999999/memberships/add-and-remove".to_owned(),
            json!([]),
        ),
        (
            Method::POST,
            "/crm/v3/schemas/p_nosuch/associations".to_owned(),
            json!({}),
        ),
        (
            Method::PUT,
            "/crm/v4/associations/contacts/companies/labels".to_owned(),
            json!({"associationTypeId": 999999}),
        ),
    ];
    for (method, path, body) in unknown_then_invalid {
        let err = api
            .send(method.clone(), &path, Some(&body))
            .await
            .expect(404);
        assert_ne!(err["category"], "VALIDATION_ERROR", "{method} {path}");
    }
    // The same bodies on what exists are still refused.
    let won = read(&api, &stages).await["results"][1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let open = read(&api, &stages).await["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(won, open);
    api.patch(&format!("{stages}/{open}"), &json!({"label": "Won"}))
        .await
        .expect(400);
    api.patch(&format!("{stages}/{open}"), &json!({"metadata": {}}))
        .await
        .expect(400);
    api.patch(
        "/crm/v3/objects/contacts/201",
        &json!({"properties": {"no_such": "x"}}),
    )
    .await
    .expect(400);
    api.patch(
        "/crm/v3/properties/contacts/firstname",
        &json!({"type": "nonsense"}),
    )
    .await
    .expect(400);
    let list = manual(&api, "ordered").await;
    api.put(
        &format!("/crm/v3/lists/{list}/memberships/add"),
        &json!([{}]),
    )
    .await
    .expect(400);
    assert_eq!(contact_count(&api).await, 3);
}
