//! Lists v3: create, fetch (id, name, several), search, rename, delete and restore, and
//! memberships (add, remove, both, from another list, clear, paging, a record's lists).

use asym_kit::testing::{Api, assert_contains};
use serde_json::{Value, json};

use crate::{api, len, missing, post, read, scoped, strs};

/// `POST /crm/v3/lists/` with `body`, expecting `status`; the body.
async fn create_list(api: &Api, body: &Value, status: u16) -> Value {
    post(api, "/crm/v3/lists/", body, status).await
}

/// `POST /crm/v3/lists/search` with `body`; the answer.
async fn search_lists(api: &Api, body: &Value) -> Value {
    post(api, "/crm/v3/lists/search", body, 200).await
}

/// The id of the list a create answered.
fn list_id(created: &Value) -> String {
    created["list"]["listId"].as_str().unwrap().to_owned()
}

/// A create body for a `processing_type` list of `object_type` named `name`.
fn list_body(name: &str, object_type: &str, processing_type: &str) -> Value {
    json!({"name": name, "objectTypeId": object_type, "processingType": processing_type})
}

/// Creates a `processing_type` list of `object_type` named `name`, with no filters (200); the
/// answer.
async fn unfiltered(api: &Api, name: &str, object_type: &str, processing_type: &str) -> Value {
    create_list(api, &list_body(name, object_type, processing_type), 200).await
}

/// Creates a `processing_type` list of `object_type` named `name` with the filters `branch`
/// (200); the answer.
async fn filtered(
    api: &Api,
    name: &str,
    object_type: &str,
    processing_type: &str,
    branch: &Value,
) -> Value {
    let mut body = list_body(name, object_type, processing_type);
    body["filterBranch"] = branch.clone();
    create_list(api, &body, 200).await
}

/// Creates a `MANUAL` contact list named `name`; its id.
pub(crate) async fn manual(api: &Api, name: &str) -> String {
    list_id(&unfiltered(api, name, "0-1", "MANUAL").await)
}

/// `PUT path` with `body`, expecting `status`; the body.
async fn put(api: &Api, path: &str, body: &Value, status: u16) -> Value {
    api.put(path, body).await.expect(status)
}

/// `PUT /crm/v3/lists/{id}/update-list-name` to `name`, expecting `status`; the body.
async fn rename(api: &Api, id: &str, name: &str, status: u16) -> Value {
    let path = format!("/crm/v3/lists/{id}/update-list-name?listName={name}");
    put(api, &path, &json!(null), status).await
}

/// `PUT /crm/v3/lists/{id}/update-list-filters` with the filters `branch`, expecting `status`;
/// the body.
async fn set_filters(api: &Api, id: &str, branch: &Value, status: u16) -> Value {
    let path = format!("/crm/v3/lists/{id}/update-list-filters");
    put(api, &path, &json!({ "filterBranch": branch }), status).await
}

#[asym::clone("hubspot", seed = "basic")]
async fn lists_are_created_fetched_searched_renamed_deleted_and_restored(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let created = unfiltered(&api, "Newsletter", "0-1", "MANUAL").await;
    let list = &created["list"];
    assert_eq!(list["listVersion"], 1);
    assert_eq!(list["processingStatus"], "COMPLETE");
    assert_eq!(list["size"], 0);
    assert_eq!(list["listPermissions"]["usersWithEditAccess"], json!([]));
    assert!(list.get("deletedAt").is_none());
    let id = list_id(&created);
    let accounts = list_id(&unfiltered(&api, "Accounts", "0-2", "SNAPSHOT").await);

    let got = read(&api, &format!("/crm/v3/lists/{id}?includeFilters=true")).await;
    assert_eq!(got["list"]["name"], "Newsletter");
    let by_name = read(&api, "/crm/v3/lists/object-type-id/0-1/name/NEWSLETTER").await;
    assert_eq!(by_name["list"]["listId"], id.as_str());
    missing(&api, "/crm/v3/lists/object-type-id/0-2/name/Newsletter").await;
    let several = read(
        &api,
        &format!("/crm/v3/lists/?listIds={id}&listIds={accounts}&listIds=999"),
    )
    .await;
    assert_eq!(strs(&several["lists"], "name"), ["Newsletter", "Accounts"]);

    let found = search_lists(&api, &json!({"query": "news", "count": 10})).await;
    assert_eq!(found["total"], 1);
    assert_eq!(
        found["lists"][0]["additionalProperties"]["hs_list_size"],
        "0"
    );
    assert_eq!(found["hasMore"], false);
    let paged = search_lists(&api, &json!({"count": 1, "offset": 0})).await;
    assert_eq!(
        (
            paged["total"].clone(),
            paged["offset"].clone(),
            paged["hasMore"].clone()
        ),
        (json!(2), json!(1), json!(true))
    );
    let snapshots = search_lists(&api, &json!({"processingTypes": ["SNAPSHOT"]})).await;
    assert_eq!(strs(&snapshots["lists"], "listId"), [accounts.as_str()]);

    let renamed = rename(&api, &id, "Weekly", 200).await;
    assert_eq!(renamed["updatedList"]["name"], "Weekly");
    assert_eq!(renamed["updatedList"]["listVersion"], 2);
    let taken = rename(&api, &id, "accounts", 400).await;
    assert_eq!(taken["category"], "VALIDATION_ERROR");

    api.delete(&format!("/crm/v3/lists/{id}")).await.expect(204);
    let deleted = read(&api, &format!("/crm/v3/lists/{id}")).await;
    assert!(deleted["list"]["deletedAt"].is_string());
    missing(&api, "/crm/v3/lists/object-type-id/0-1/name/Weekly").await;
    let none = read(&api, &format!("/crm/v3/lists/?listIds={id}")).await;
    assert_eq!(none["lists"], json!([]));
    // The name is free again while the list is deleted; restoring it then is refused.
    let again = manual(&api, "Weekly").await;
    put(
        &api,
        &format!("/crm/v3/lists/{id}/restore"),
        &json!(null),
        400,
    )
    .await;
    api.delete(&format!("/crm/v3/lists/{again}"))
        .await
        .expect(204);
    api.put(&format!("/crm/v3/lists/{id}/restore"), &json!(null))
        .await
        .expect(204);
    let restored = read(&api, &format!("/crm/v3/lists/{id}")).await;
    assert!(restored["list"].get("deletedAt").is_none());
}

#[asym::clone("hubspot", seed = "basic")]
async fn list_refusals_answer_hubspot_errors(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    manual(&api, "VIPs").await;
    // Filters the clone does not evaluate are refused by name, not approximated.
    let in_list = branch(json!([{"filterType": "IN_LIST", "listId": "1", "operator": "IN_LIST"}]));
    let dynamic = create_list(&api, &json!({"name": "Active", "objectTypeId": "0-1", "processingType": "DYNAMIC", "filterBranch": in_list}), 400).await;
    assert_eq!(dynamic["subCategory"], "NOT_IMPLEMENTED");
    assert_contains(&dynamic["message"], "filterType IN_LIST");
    let unknown = json!({"filterBranchType": "OR", "filters": [], "filterBranches": [{"filterBranchType": "AND",
        "filterBranches": [], "filters": [{"filterType": "PROPERTY", "property": "nope",
            "operation": {"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"}}]}]});
    // A taken name (any case), an unknown object type, a DYNAMIC list without filters, a
    // MANUAL one with filters, a filter on a property that does not exist.
    for body in [
        json!({"name": "vips", "objectTypeId": "0-1", "processingType": "MANUAL"}),
        json!({"name": "Widgets", "objectTypeId": "2-999", "processingType": "MANUAL"}),
        json!({"name": "Unfiltered", "objectTypeId": "0-1", "processingType": "DYNAMIC"}),
        json!({"name": "Filtered", "objectTypeId": "0-1", "processingType": "MANUAL", "filterBranch": unknown}),
        json!({"name": "Unknown", "objectTypeId": "0-1", "processingType": "SNAPSHOT", "filterBranch": unknown}),
    ] {
        let refused = create_list(&api, &body, 400).await;
        assert_eq!(refused["category"], "VALIDATION_ERROR", "{body}");
    }
    // A refused SNAPSHOT list is not created.
    missing(&api, "/crm/v3/lists/object-type-id/0-1/name/Unknown").await;
    let missing = api.get("/crm/v3/lists/424242").await.expect(404);
    assert_eq!(missing["category"], "OBJECT_NOT_FOUND");
    let not_a_number = api.get("/crm/v3/lists/abc").await.expect(400);
    assert_eq!(not_a_number["subCategory"], "INVALID_INT_ID");
    // List conversions are not served: named as such, not taken for a list id.
    let conversions = api
        .get("/crm/v3/lists/424242/schedule-conversion")
        .await
        .expect(404);
    assert_eq!(conversions["subCategory"], "NOT_IMPLEMENTED");
    put(
        &api,
        "/crm/v3/lists/424242/memberships/add",
        &json!(["201"]),
        404,
    )
    .await;
    let reader = scoped(&hubspot, &["crm.lists.read"]).await;
    let refused = reader
        .post(
            "/crm/v3/lists/",
            &json!({"name": "Nope", "objectTypeId": "0-1", "processingType": "MANUAL"}),
        )
        .await
        .expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
}

#[asym::clone("hubspot", seed = "basic")]
async fn memberships_are_added_removed_paged_and_left_by_deleted_records(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let id = manual(&api, "Customers").await;
    let base = format!("/crm/v3/lists/{id}/memberships");
    // 301 is a company, 999 nothing: both missing from a contact list.
    let added = put(
        &api,
        &format!("{base}/add"),
        &json!(["203", "201", "301", "999", "202"]),
        200,
    )
    .await;
    assert_eq!(added["recordsIdsAdded"], json!(["201", "202", "203"]));
    assert_eq!(added["recordIdsMissing"], json!(["301", "999"]));
    assert_eq!(added["recordIdsRemoved"], json!([]));
    let again = put(&api, &format!("{base}/add"), &json!(["201"]), 200).await;
    assert_eq!(again["recordsIdsAdded"], json!([]));

    let first = read(&api, &format!("{base}?limit=2")).await;
    assert_eq!(strs(&first["results"], "recordId"), ["201", "202"]);
    assert_eq!(first["total"], 3);
    let after = first["paging"]["next"]["after"].as_str().unwrap();
    let second = read(&api, &format!("{base}?limit=2&after={after}")).await;
    assert_eq!(strs(&second["results"], "recordId"), ["203"]);
    assert!(second["paging"].get("next").is_none());
    let before = second["paging"]["prev"]["before"].as_str().unwrap();
    let back = read(&api, &format!("{base}?limit=5&before={before}")).await;
    assert_eq!(strs(&back["results"], "recordId"), ["202", "201"]);
    let joined = read(&api, &format!("{base}/join-order?limit=1")).await;
    assert_eq!(strs(&joined["results"], "recordId"), ["203"]);
    let next = joined["paging"]["next"]["after"].as_str().unwrap();
    let joined_next = read(&api, &format!("{base}/join-order?limit=1&after={next}")).await;
    assert_eq!(strs(&joined_next["results"], "recordId"), ["201"]);
    assert!(joined_next["results"][0]["membershipTimestamp"].is_string());

    let changed = put(
        &api,
        &format!("{base}/add-and-remove"),
        &json!({"recordIdsToAdd": [], "recordIdsToRemove": ["202", "12345"]}),
        200,
    )
    .await;
    assert_eq!(changed["recordIdsRemoved"], json!(["202"]));
    assert_eq!(changed["recordIdsMissing"], json!(["12345"]));
    let in_lists = read(&api, "/crm/v3/lists/records/0-1/201/memberships").await;
    assert_eq!(in_lists["results"][0]["listId"], id.as_str());
    assert_eq!(in_lists["total"], 1);

    // A deleted contact leaves the list.
    api.delete("/crm/v3/objects/contacts/203").await.expect(204);
    let left = read(&api, &base).await;
    assert_eq!(strs(&left["results"], "recordId"), ["201"]);
    let got = read(&api, &format!("/crm/v3/lists/{id}")).await;
    assert_eq!(got["list"]["size"], 1);

    let copy = manual(&api, "Copy").await;
    api.put(
        &format!("/crm/v3/lists/{copy}/memberships/add-from/{id}"),
        &json!(null),
    )
    .await
    .expect(204);
    assert_eq!(
        len(&read(&api, &format!("/crm/v3/lists/{copy}/memberships")).await["results"]),
        1
    );
    let removed = put(&api, &format!("{base}/remove"), &json!(["201"]), 200).await;
    assert_eq!(removed["recordIdsRemoved"], json!(["201"]));
    api.delete(&format!("/crm/v3/lists/{copy}/memberships"))
        .await
        .expect(204);
    assert_eq!(
        read(&api, &format!("/crm/v3/lists/{copy}/memberships")).await["total"],
        0
    );
}

#[asym::clone("hubspot", seed = "basic")]
async fn records_lists_are_read_in_a_batch(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let customers = manual(&api, "Customers").await;
    let leads = manual(&api, "Leads").await;
    for (list, records) in [
        (&customers, json!(["201", "202"])),
        (&leads, json!(["201"])),
    ] {
        let add = format!("/crm/v3/lists/{list}/memberships/add");
        put(&api, &add, &records, 200).await;
    }
    let path = "/crm/v3/lists/records/memberships/batch/read";
    // By type id or name, the record id a string or a number; 999 and a company in no list.
    let read = post(
        &api,
        path,
        &json!({"inputs": [
        {"objectTypeId": "0-1", "recordId": "201"}, {"objectTypeId": "contacts", "recordId": 202},
        {"objectTypeId": "0-1", "recordId": "999"}, {"objectTypeId": "0-2", "recordId": "301"}]}),
        200,
    )
    .await;
    assert_eq!(read["status"], "COMPLETE");
    assert!(read["startedAt"].is_string() && read["completedAt"].is_string());
    let results = read["results"].as_array().unwrap();
    assert_eq!(
        strs(&read["results"], "recordId"),
        ["201", "202", "999", "301"]
    );
    assert_eq!(
        strs(&read["results"], "objectTypeId"),
        ["0-1", "0-1", "0-1", "0-2"]
    );
    let lists = |at: usize| strs(&results[at]["recordListMemberships"], "listId").join(",");
    assert_eq!(lists(0), format!("{customers},{leads}"));
    assert_eq!(lists(1), customers);
    assert_eq!((lists(2), lists(3)), (String::new(), String::new()));
    // What the single read answers, entry for entry.
    let single = crate::read(&api, "/crm/v3/lists/records/0-1/201/memberships").await;
    assert_eq!(results[0]["recordListMemberships"], single["results"]);

    let many: Vec<Value> = (0..101)
        .map(|i| json!({"objectTypeId": "0-1", "recordId": i.to_string()}))
        .collect();
    let bad_id = json!([{"objectTypeId": "0-1", "recordId": "x"}]);
    let bad_type = json!([{"objectTypeId": "nope", "recordId": "1"}]);
    for inputs in [json!(many), bad_id, bad_type] {
        post(&api, path, &json!({ "inputs": inputs }), 400).await;
    }
}

/// An OR branch of one AND branch holding `filters`.
fn branch(filters: Value) -> Value {
    json!({"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
           "filterBranches": [{"filterBranchType": "AND", "filterBranchOperator": "AND",
                               "filterBranches": [], "filters": filters}]})
}

/// A PROPERTY filter on `property` with `operation`.
fn property(property: &str, operation: Value) -> Value {
    json!({"filterType": "PROPERTY", "property": property, "operation": operation})
}

/// The record ids of a list's members.
async fn member_ids(api: &Api, id: &str) -> Vec<String> {
    let page = read(api, &format!("/crm/v3/lists/{id}/memberships")).await;
    strs(&page["results"], "recordId")
        .into_iter()
        .map(str::to_owned)
        .collect()
}

#[asym::clone("hubspot", seed = "basic")]
async fn snapshot_lists_apply_filters_once_and_dynamic_lists_follow_them(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let leads_and_customers = branch(json!([property(
        "lifecyclestage",
        json!({"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead", "customer"],
               "includeObjectsWithNoValueSet": false}),
    )]));
    let snapshot = filtered(&api, "Pipeline", "0-1", "SNAPSHOT", &leads_and_customers).await;
    assert_eq!(snapshot["list"]["size"], 2);
    assert_eq!(snapshot["list"]["filterBranch"], leads_and_customers);
    let snapshot = list_id(&snapshot);
    assert_eq!(member_ids(&api, &snapshot).await, ["201", "202"]);

    let leads = branch(json!([property(
        "lifecyclestage",
        json!({"operationType": "ENUMERATION", "operator": "IS_ANY_OF", "values": ["lead"]}),
    )]));
    let dynamic = filtered(&api, "Leads", "contacts", "DYNAMIC", &leads).await;
    let dynamic = list_id(&dynamic);
    assert_eq!(member_ids(&api, &dynamic).await, ["202"]);

    // Ada becomes a lead: she joins the dynamic list, not the snapshot.
    crate::patch(
        &api,
        "/crm/v3/objects/contacts/203",
        &json!({"properties": {"lifecyclestage": "lead"}}),
    )
    .await;
    assert_eq!(member_ids(&api, &dynamic).await, ["202", "203"]);
    assert_eq!(member_ids(&api, &snapshot).await, ["201", "202"]);
    let in_lists = read(&api, "/crm/v3/lists/records/0-1/203/memberships").await;
    assert_eq!(strs(&in_lists["results"], "listId"), [dynamic.as_str()]);
    // A deleted contact leaves both.
    api.delete("/crm/v3/objects/contacts/202").await.expect(204);
    assert_eq!(member_ids(&api, &dynamic).await, ["203"]);
    assert_eq!(member_ids(&api, &snapshot).await, ["201"]);
    let found = search_lists(&api, &json!({"processingTypes": ["DYNAMIC"]})).await;
    assert_eq!(
        found["lists"][0]["additionalProperties"]["hs_list_size"],
        "1"
    );

    // A dynamic list's members are its filters'; a snapshot takes manual changes.
    put(
        &api,
        &format!("/crm/v3/lists/{dynamic}/memberships/add"),
        &json!(["201"]),
        400,
    )
    .await;
    let added = put(
        &api,
        &format!("/crm/v3/lists/{snapshot}/memberships/add"),
        &json!(["203"]),
        200,
    )
    .await;
    assert_eq!(added["recordsIdsAdded"], json!(["203"]));

    // New filters: first name Jane, or any contact with no last name (none), email known.
    let janes = json!({"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [], "filterBranches": [
        {"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [
            property("firstname", json!({"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": "Jane",
                                         "includeObjectsWithNoValueSet": false})),
            property("email", json!({"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN",
                                     "includeObjectsWithNoValueSet": false}))]},
        {"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [], "filters": [
            property("lastname", json!({"operationType": "ALL_PROPERTY", "operator": "IS_NOT_KNOWN",
                                        "includeObjectsWithNoValueSet": false}))]}]});
    let updated = set_filters(&api, &dynamic, &janes, 200).await;
    assert_eq!(updated["updatedList"]["listVersion"], 2);
    assert_eq!(updated["updatedList"]["size"], 1);
    assert_eq!(member_ids(&api, &dynamic).await, ["201"]);
    let got = read(
        &api,
        &format!("/crm/v3/lists/{dynamic}?includeFilters=true"),
    )
    .await;
    assert_eq!(got["list"]["filterBranch"], janes);
    let plain = read(&api, &format!("/crm/v3/lists/{dynamic}")).await;
    assert!(plain["list"].get("filterBranch").is_none());
    set_filters(&api, &snapshot, &janes, 400).await;

    // A negative operator leaves out objects without a value unless asked to keep them.
    let not_jane = |include: bool| {
        branch(json!([property(
            "firstname",
            json!({"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO", "value": "Jane",
                   "includeObjectsWithNoValueSet": include}),
        )]))
    };
    let nameless = crate::create(
        &api,
        "contacts",
        &json!({"email": "nameless@example.com"}),
        201,
    )
    .await;
    let nameless = crate::id(&nameless);
    for (name, include, expected) in [
        ("Not Jane", false, vec!["203"]),
        ("Not Jane or unnamed", true, vec!["203", nameless.as_str()]),
    ] {
        let list = filtered(&api, name, "0-1", "SNAPSHOT", &not_jane(include)).await;
        assert_eq!(member_ids(&api, &list_id(&list)).await, expected, "{name}");
    }
}

#[asym::clone("hubspot", seed = "basic")]
async fn a_list_answers_its_filters_as_hubspot_fills_them_in(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    // Written without branch operators, empty arrays or includeObjectsWithNoValueSet.
    let written = json!({"filterBranchType": "OR", "filterBranches": [{"filterBranchType": "AND", "filters": [
        property("email", json!({"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN"})),
        property("firstname", json!({"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO",
                                     "value": "Jane", "includeObjectsWithNoValueSet": true}))]}]});
    let answered = json!({"filterBranchType": "OR", "filterBranchOperator": "OR", "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filterBranchOperator": "AND", "filterBranches": [],
                            "filters": [
        property("email", json!({"operationType": "ALL_PROPERTY", "operator": "IS_KNOWN",
                                 "includeObjectsWithNoValueSet": false})),
        property("firstname", json!({"operationType": "STRING", "operator": "IS_NOT_EQUAL_TO",
                                     "value": "Jane", "includeObjectsWithNoValueSet": true}))]}]});
    let created = filtered(&api, "Known", "0-1", "DYNAMIC", &written).await;
    assert_eq!(created["list"]["filterBranch"], answered);
    // Unset membership settings are null, as in the create answer of HubSpot's Lists guide.
    assert_eq!(
        created["list"]["membershipSettings"],
        json!({"membershipTeamId": null, "includeUnassigned": null})
    );
    let id = list_id(&created);
    let got = read(&api, &format!("/crm/v3/lists/{id}?includeFilters=true")).await;
    assert_eq!(got["list"]["filterBranch"], answered);
    let updated = set_filters(&api, &id, &written, 200).await;
    assert_eq!(updated["updatedList"]["filterBranch"], answered);
}

#[asym::clone("hubspot", seed = "basic")]
async fn lists_hold_records_of_a_custom_type(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let schema = post(
        &api,
        "/crm/v3/schemas",
        &json!({"name": "car", "labels": {"singular": "Car", "plural": "Cars"},
                "properties": [{"name": "year", "label": "Year", "type": "number", "fieldType": "number"}]}),
        201,
    )
    .await;
    let type_id = schema["objectTypeId"].as_str().unwrap();
    let old = crate::create(&api, type_id, &json!({"year": "1908"}), 201).await;
    let new = crate::create(&api, type_id, &json!({"year": "2024"}), 201).await;
    let recent = branch(json!([property(
        "year",
        json!({"operationType": "NUMBER", "operator": "IS_GREATER_THAN", "value": 2000}),
    )]));
    let dynamic = filtered(&api, "Recent cars", "p62515_car", "DYNAMIC", &recent).await;
    assert_eq!(dynamic["list"]["objectTypeId"], type_id);
    let id = list_id(&dynamic);
    assert_eq!(member_ids(&api, &id).await, [crate::id(&new)]);
    crate::patch(
        &api,
        &format!("/crm/v3/objects/{type_id}/{}", crate::id(&old)),
        &json!({"properties": {"year": "2025"}}),
    )
    .await;
    assert_eq!(member_ids(&api, &id).await.len(), 2);
    let by_name = read(
        &api,
        &format!("/crm/v3/lists/object-type-id/{type_id}/name/recent%20cars"),
    )
    .await;
    assert_eq!(by_name["list"]["listId"], id.as_str());
}
