//! Objects: create, read (by id and by email), update, archive, list and paging, the
//! calculated properties, property validation, duplicates, merge and GDPR delete.

use asym_kit::testing::{assert_contains, assert_prefix, assert_suffix};
use serde_json::{Value, json};

use crate::{
    api, archive, assert_props, contact_count, create, id, len, link, missing, patch, post,
    post_at_once, prop, read, search,
};

#[asym::clone("hubspot", seed = "basic")]
async fn contacts_are_created_read_updated_and_archived(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let created = create(
        &api,
        "contacts",
        &json!({"email": "grace@hopper.example", "firstname": "Grace",
            "lifecyclestage": "lead", "hs_email_optout": true}),
        201,
    )
    .await;
    let contact = id(&created);
    assert!(contact.parse::<i64>().unwrap() >= 1_000_001);
    assert_eq!(prop(&created, "hs_object_id"), contact.as_str());
    assert_eq!(prop(&created, "hs_email_optout"), "true");
    assert_suffix(prop(&created, "createdate"), "Z");
    assert_eq!(created["archived"], false);

    let by_email = read(
        &api,
        "/crm/v3/objects/contacts/GRACE@hopper.example?idProperty=email&properties=firstname,nope",
    )
    .await;
    assert_eq!(id(&by_email), contact);
    assert_eq!(prop(&by_email, "firstname"), "Grace");
    assert!(by_email["properties"].get("nope").is_none());
    assert!(by_email["properties"]["lastmodifieddate"].is_string());

    let updated = patch(
        &api,
        &format!("/crm/v3/objects/contacts/{contact}"),
        &json!({"properties": {"lastname": "Hopper", "firstname": ""}}),
    )
    .await;
    assert_eq!(prop(&updated, "lastname"), "Hopper");
    assert!(updated["properties"].get("firstname").is_none());
    let history = read(
        &api,
        &format!("/crm/v3/objects/contacts/{contact}?propertiesWithHistory=lastname"),
    )
    .await;
    assert_eq!(
        history["propertiesWithHistory"]["lastname"][0]["value"],
        "Hopper"
    );

    archive(&api, &format!("/crm/v3/objects/contacts/{contact}")).await;
    let archived = read(
        &api,
        &format!("/crm/v3/objects/contacts/{contact}?archived=true"),
    )
    .await;
    assert_eq!(archived["archived"], true);
    // The email is free again once archived.
    create(
        &api,
        "contacts",
        &json!({"email": "grace@hopper.example"}),
        201,
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn every_type_shares_the_engine(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (kind, properties) in [
        (
            "companies",
            json!({"name": "Initech", "domain": "initech.example", "numberofemployees": 40}),
        ),
        (
            "deals",
            json!({"dealname": "Initech", "amount": "1500.50", "pipeline": "default", "dealstage": "appointmentscheduled", "closedate": "2025-06-30"}),
        ),
        (
            "tickets",
            json!({"subject": "Printer", "hs_pipeline": "0", "hs_pipeline_stage": "1", "hs_ticket_priority": "LOW"}),
        ),
        ("products", json!({"name": "Stapler", "price": 9.99})),
        (
            "line_items",
            json!({"name": "Stapler", "quantity": 2, "price": 9.99}),
        ),
        (
            "notes",
            json!({"hs_note_body": "Called", "hs_timestamp": 1_700_000_000_000_i64}),
        ),
        (
            "tasks",
            json!({"hs_task_subject": "Follow up", "hs_task_status": "NOT_STARTED", "hs_timestamp": "2025-01-01T12:00:00Z"}),
        ),
    ] {
        let created = create(&api, kind, &properties, 201).await;
        let fetched = read(&api, &format!("/crm/v3/objects/{kind}/{}", id(&created))).await;
        assert_eq!(fetched["id"], created["id"], "{kind}");
    }
    let deal = read(&api, "/crm/v3/objects/deals?limit=100&properties=closedate").await;
    let last = deal["results"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(prop(&last, "closedate"), "2025-06-30T00:00:00.000Z");
}

#[asym::clone("hubspot", seed = "basic")]
async fn lists_page_with_after_and_carry_associations(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let first = read(
        &api,
        "/crm/v3/objects/contacts?limit=2&associations=companies",
    )
    .await;
    assert_eq!(len(&first["results"]), 2);
    assert_eq!(
        first["results"][0]["associations"]["companies"]["results"][0]["id"],
        "301"
    );
    let after = first["paging"]["next"]["after"].as_str().unwrap();
    assert_contains(&first["paging"]["next"]["link"], "after=");
    let second = read(
        &api,
        &format!("/crm/v3/objects/contacts?limit=2&after={after}"),
    )
    .await;
    assert_eq!(second["results"][0]["id"], "203");
    assert!(second.get("paging").is_none());
    for (query, status) in [("limit=101", 400), ("limit=0", 400), ("after=abc", 400)] {
        api.get(&format!("/crm/v3/objects/contacts?{query}"))
            .await
            .expect(status);
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn invalid_values_get_hubspots_errors(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (properties, code) in [
        (json!({"nope": "x"}), "PROPERTY_DOESNT_EXIST"),
        (json!({"lifecyclestage": "royalty"}), "INVALID_OPTION"),
        (
            json!({"email": "n@x.example", "hs_lead_status": "NEW;OPEN"}),
            "INVALID_OPTION",
        ),
        (json!({"annualrevenue": {"a": 1}}), "INVALID_PROPERTY_VALUE"),
        (json!({"closedate": "next tuesday"}), "INVALID_DATE"),
        (json!({"hs_email_optout": "maybe"}), "INVALID_BOOLEAN"),
        (json!({"lastmodifieddate": "2024-01-01"}), "READ_ONLY_VALUE"),
    ] {
        let err = create(&api, "contacts", &properties, 400).await;
        assert_eq!(err["status"], "error");
        assert_eq!(err["category"], "VALIDATION_ERROR");
        assert!(err["correlationId"].is_string());
        assert_eq!(err["errors"][0]["code"], code, "{properties}");
        assert_prefix(&err["message"], "Property values were not valid");
    }
    let err = create(&api, "deals", &json!({"amount": "12 dollars"}), 400).await;
    assert_eq!(err["errors"][0]["code"], "INVALID_INTEGER");
    assert_eq!(contact_count(&api).await, 3, "nothing was written");
}

#[asym::clone("hubspot", seed = "basic")]
async fn duplicate_emails_conflict_with_the_existing_id(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let err = create(
        &api,
        "contacts",
        &json!({"email": "JANE.DOE@example.com"}),
        409,
    )
    .await;
    assert_eq!(err["category"], "CONFLICT");
    assert_eq!(err["message"], "Contact already exists. Existing ID: 201");
    // An update to a taken email is a refused value, as for any unique property.
    let err = api
        .patch(
            "/crm/v3/objects/contacts/202",
            &json!({"properties": {"email": "Jane.Doe@example.com"}}),
        )
        .await
        .expect(400);
    assert_eq!(err["category"], "VALIDATION_ERROR");
    assert_contains(&err["message"], "already has that value");
    assert_contains(&err["message"], "propertyName=email");
    // Its own email is not taken from itself.
    patch(
        &api,
        "/crm/v3/objects/contacts/201",
        &json!({"properties": {"email": "jane.doe@example.com"}}),
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn custom_unique_properties_refuse_a_value_another_object_holds(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    post(
        &api,
        "/crm/v3/properties/companies",
        &json!({"name": "ext_id", "label": "External id", "type": "string", "fieldType": "text",
            "groupName": "companyinformation", "hasUniqueValue": true}),
        201,
    )
    .await;
    let first = create(
        &api,
        "companies",
        &json!({"name": "A", "ext_id": "X1"}),
        201,
    )
    .await;
    let taken = |err: &Value| {
        assert_eq!(err["category"], "VALIDATION_ERROR");
        assert_eq!(
            err["errors"][0]["context"]["propertyName"],
            json!(["ext_id"])
        );
        assert_contains(&err["message"], "X1 already has that value");
    };
    taken(
        &create(
            &api,
            "companies",
            &json!({"name": "B", "ext_id": "X1"}),
            400,
        )
        .await,
    );
    let second = create(
        &api,
        "companies",
        &json!({"name": "B", "ext_id": "X2"}),
        201,
    )
    .await;
    taken(
        &api.patch(
            &format!("/crm/v3/objects/companies/{}", id(&second)),
            &json!({"properties": {"ext_id": "X1"}}),
        )
        .await
        .expect(400),
    );
    for (operation, inputs) in [
        (
            "create",
            json!([{"properties": {"ext_id": "X3"}}, {"properties": {"ext_id": "X3"}}]),
        ),
        (
            "update",
            json!([{"id": id(&second), "properties": {"ext_id": "X1"}}]),
        ),
    ] {
        let err = post(
            &api,
            &format!("/crm/v3/objects/companies/batch/{operation}"),
            &json!({ "inputs": inputs }),
            400,
        )
        .await;
        assert_eq!(err["category"], "VALIDATION_ERROR", "{operation}");
    }
    // Upserting by it updates the holder instead.
    let upserted = post(
        &api,
        "/crm/v3/objects/companies/batch/upsert",
        &json!({"inputs": [{"idProperty": "ext_id", "id": "X1", "properties": {"domain": "a.example"}}]}),
        200,
    )
    .await;
    assert_eq!(id(&upserted["results"][0]), id(&first));
}

#[asym::clone("hubspot", seed = "basic")]
async fn merge_keeps_the_primary_and_gdpr_delete_removes_for_good(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let merged = post(
        &api,
        "/crm/v3/objects/contacts/merge",
        &json!({"primaryObjectId": "203", "objectIdToMerge": "202"}),
        200,
    )
    .await;
    assert_eq!(id(&merged), "203");
    assert_eq!(prop(&merged, "email"), "ada@lovelace.example");
    assert_eq!(prop(&merged, "hs_lead_status"), "OPEN");
    missing(&api, "/crm/v3/objects/contacts/202").await;
    let companies = read(&api, "/crm/v4/objects/contacts/203/associations/companies").await;
    assert_eq!(companies["results"][0]["toObjectId"], 302);

    post(
        &api,
        "/crm/v3/objects/contacts/gdpr-delete",
        &json!({"objectId": "jane.doe@example.com", "idProperty": "email"}),
        204,
    )
    .await;
    missing(&api, "/crm/v3/objects/contacts/201?archived=true").await;
    post(
        &api,
        "/crm/v3/objects/contacts/gdpr-delete",
        &json!({"objectId": "201"}),
        404,
    )
    .await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn unknown_objects_and_types_are_refused(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (path, status, category) in [
        ("/crm/v3/objects/contacts/999", 404, "OBJECT_NOT_FOUND"),
        ("/crm/v3/objects/contacts/abc", 404, "OBJECT_NOT_FOUND"),
        ("/crm/v3/objects/widgets/1", 400, "VALIDATION_ERROR"),
        (
            "/crm/v3/objects/contacts/201?idProperty=firstname",
            400,
            "VALIDATION_ERROR",
        ),
        ("/crm/v3/nothing-here", 404, "OBJECT_NOT_FOUND"),
        // A NUL is no name and no value (it was a 500 from Postgres).
        ("/crm/v3/properties/contacts/%00", 404, "OBJECT_NOT_FOUND"),
        ("/crm/v3/pipelines/deals/%00", 404, "OBJECT_NOT_FOUND"),
        (
            "/crm/v3/objects/contacts/x%00?idProperty=email",
            404,
            "OBJECT_NOT_FOUND",
        ),
        (
            "/crm/v3/objects/contacts?after=%00",
            400,
            "VALIDATION_ERROR",
        ),
    ] {
        let err: Value = api.get(path).await.expect(status);
        assert_eq!(err["category"], category, "{path}");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn reads_carry_each_types_own_calculated_properties(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    for (path, expected) in [
        (
            "/crm/v3/objects/contacts/201",
            vec![
                "createdate",
                "email",
                "firstname",
                "hs_object_id",
                "lastmodifieddate",
                "lastname",
            ],
        ),
        (
            "/crm/v3/objects/companies/301",
            vec![
                "createdate",
                "domain",
                "hs_lastmodifieddate",
                "hs_object_id",
                "name",
            ],
        ),
        (
            "/crm/v3/objects/deals/401?properties=dealname",
            vec![
                "createdate",
                "dealname",
                "hs_lastmodifieddate",
                "hs_object_id",
            ],
        ),
    ] {
        let object = read(&api, path).await;
        let mut names: Vec<&String> = object["properties"].as_object().unwrap().keys().collect();
        names.sort();
        assert_eq!(names, expected, "{path}");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn an_id_that_is_not_a_number_is_not_found_in_hubspots_words(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let missing = api
        .get("/crm/v3/objects/contacts/jane.doe@example.com")
        .await
        .expect(404);
    assert_eq!(
        missing["message"],
        "Object not found.  objectId are usually numeric."
    );
    assert_eq!(missing["category"], "OBJECT_NOT_FOUND");
    assert_eq!(missing["context"]["id"], json!(["jane.doe@example.com"]));
}

#[asym::clone("hubspot", seed = "basic")]
async fn line_items_take_their_products_name_and_price(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let product = create(
        &api,
        "products",
        &json!({"name": "Stapler", "price": "9.99", "hs_sku": "ST-1", "description": "Red"}),
        201,
    )
    .await;
    let product = id(&product);
    let item = create(
        &api,
        "line_items",
        &json!({"hs_product_id": product, "quantity": 2}),
        201,
    )
    .await;
    assert_props(
        &item,
        &[
            ("name", "Stapler"),
            ("price", "9.99"),
            ("hs_sku", "ST-1"),
            ("description", "Red"),
            ("quantity", "2"),
        ],
    );
    // What the line item sets itself wins.
    let batch = post(
        &api,
        "/crm/v3/objects/line_items/batch/create",
        &json!({"inputs": [{"properties": {"hs_product_id": product, "price": "7.50"}}]}),
        201,
    )
    .await;
    assert_eq!(prop(&batch["results"][0], "price"), "7.50");
    assert_eq!(prop(&batch["results"][0], "name"), "Stapler");
}

#[asym::clone("hubspot", seed = "basic")]
async fn concurrent_merges_of_one_object_merge_it_once(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let body = json!({"primaryObjectId": "201", "objectIdToMerge": "202"});
    let statuses = post_at_once(&api, "/crm/v3/objects/contacts/merge", &body, 8).await;
    assert_eq!(statuses, [vec![200], vec![404; 7]].concat());
    assert_eq!(contact_count(&api).await, 2);
}

#[asym::clone("hubspot", seed = "basic")]
async fn quotes_need_a_title_and_expiry_and_associate_to_deals_and_line_items(
    hubspot: asym::HubSpot,
) {
    let api = api(&hubspot);
    // HubSpot's quotes guide: hs_title and hs_expiration_date are required.
    let err = create(&api, "quotes", &json!({"hs_title": "No expiry"}), 400).await;
    assert_eq!(
        err["message"],
        "Error creating QUOTE. Some required properties were not set."
    );
    let line_item = id(&create(
        &api,
        "line_items",
        &json!({"name": "Audit", "price": "900"}),
        201,
    )
    .await);
    let quote = post(
        &api,
        "/crm/v3/objects/quotes",
        &json!({
            "properties": {"hs_title": "SEO audit", "hs_expiration_date": "2026-12-31", "hs_status": "DRAFT"},
            "associations": [link("401", 64), link(&line_item, 67)],
        }),
        201,
    )
    .await;
    let quote = id(&quote);
    // A default read: the title, expiry and status beside the calculated properties.
    let read_back = read(&api, &format!("/crm/v3/objects/quote/{quote}")).await;
    assert_props(
        &read_back,
        &[("hs_title", "SEO audit"), ("hs_status", "DRAFT")],
    );
    assert_prefix(prop(&read_back, "hs_expiration_date"), "2026-12-31");
    // Both directions, by HubSpot's type ids: deal → quote 63, line item → quote 68.
    let deal = read(&api, "/crm/v4/objects/deals/401/associations/quotes").await;
    assert_eq!(
        deal["results"][0]["toObjectId"]
            .to_string()
            .trim_matches('"'),
        quote
    );
    assert_eq!(deal["results"][0]["associationTypes"][0]["typeId"], 63);
    let item = read(
        &api,
        &format!("/crm/v4/objects/line_items/{line_item}/associations/quotes"),
    )
    .await;
    assert_eq!(item["results"][0]["associationTypes"][0]["typeId"], 68);
    // Searched by title; an unknown status refused.
    let found = search(&api, "quotes", &json!({"query": "audit"})).await;
    assert_eq!(found["total"], 1);
    let refused = api
        .patch(
            &format!("/crm/v3/objects/quotes/{quote}"),
            &json!({"properties": {"hs_status": "SIGNED"}}),
        )
        .await
        .expect(400);
    assert_eq!(refused["errors"][0]["code"], "INVALID_OPTION");
    // Their own scopes: a deals token reads no quotes.
    let deals_only = crate::scoped(&hubspot, &["crm.objects.deals.read"]).await;
    let forbidden = deals_only.get("/crm/v3/objects/quotes").await.expect(403);
    assert_eq!(
        forbidden["errors"][0]["context"]["requiredGranularScopes"],
        json!(["crm.objects.quotes.read"])
    );
    archive(&api, &format!("/crm/v3/objects/quotes/{quote}")).await;
}
