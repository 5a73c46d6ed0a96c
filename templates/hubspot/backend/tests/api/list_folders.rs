//! List folders (fetch, create, rename, move, delete, a list moved or created into one) and
//! the v1 → v3 list id mapping, with every refusal.

use asym_kit::testing::{Api, assert_contains};
use serde_json::{Value, json};

use crate::lists::manual;
use crate::{api, len, missing, post, read, scoped};

/// `POST /crm/v3/lists/folders` with `body`, expecting `status`; the body.
async fn create_folder(api: &Api, body: &Value, status: u16) -> Value {
    post(api, "/crm/v3/lists/folders", body, status).await
}

/// Creates a folder named `name` in `parent`; its id.
async fn folder(api: &Api, name: &str, parent: &str) -> String {
    let created = create_folder(api, &json!({"name": name, "parentFolderId": parent}), 200).await;
    assert_eq!(created["folder"]["parentFolderId"], parent);
    created["folder"]["id"].as_str().unwrap().to_owned()
}

/// `GET /crm/v3/lists/folders?folderId={id}`: the folder.
async fn fetch(api: &Api, id: &str) -> Value {
    read(api, &format!("/crm/v3/lists/folders?folderId={id}")).await["folder"].clone()
}

/// `PUT path` (no body), expecting `status`; the body.
async fn put(api: &Api, path: &str, status: u16) -> Value {
    api.put(path, &json!(null)).await.expect(status)
}

/// `PUT /crm/v3/lists/folders/move-list` with `body`, expecting `status`; the body.
async fn move_list(api: &Api, body: &Value, status: u16) -> Value {
    api.put("/crm/v3/lists/folders/move-list", body)
        .await
        .expect(status)
}

/// The ids of the folders directly in `folder`.
fn child_ids(folder: &Value) -> Vec<&str> {
    folder["childNodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["id"].as_str().unwrap())
        .collect()
}

/// The list ids `folder` holds, as the numbers HubSpot answers them as.
fn lists_in(folder: &Value) -> Vec<String> {
    folder["childLists"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_i64().unwrap().to_string())
        .collect()
}

#[asym::clone("hubspot", seed = "basic")]
async fn folders_hold_folders_and_lists(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let root = read(&api, "/crm/v3/lists/folders").await["folder"].clone();
    assert_eq!(
        (root["id"].clone(), root["childNodes"].clone()),
        (json!("0"), json!([]))
    );
    let top = manual(&api, "Top").await;
    let campaigns = folder(&api, "Campaigns", "0").await;
    let year = folder(&api, "2024", &campaigns).await;
    // A list created in a folder (`listFolderId` a number, as the SDKs send it).
    let body = json!({"name": "Spring", "objectTypeId": "0-1", "processingType": "MANUAL",
        "listFolderId": year.parse::<i64>().unwrap()});
    let spring = post(&api, "/crm/v3/lists/", &body, 200).await["list"]["listId"]
        .as_str()
        .unwrap()
        .to_owned();

    // Only the fetched folder lists its lists; every folder under it is there.
    let root = fetch(&api, "0").await;
    assert_eq!(lists_in(&root), [top.as_str()]);
    assert_eq!(child_ids(&root), [campaigns.as_str()]);
    let nested = &root["childNodes"][0];
    assert_eq!(child_ids(nested), [year.as_str()]);
    assert_eq!(nested["childNodes"][0]["childLists"], json!([]));
    let got = fetch(&api, &year).await;
    assert_eq!(
        (got["name"].clone(), got["parentFolderId"].clone()),
        (json!("2024"), json!(campaigns))
    );
    assert_eq!(lists_in(&got), [spring.as_str()]);
    assert!(got["createdAt"].is_string() && got["updatedContentsAt"].is_string());

    // A list moved into a folder, and back to the root.
    move_list(&api, &json!({"listId": top, "newFolderId": campaigns}), 204).await;
    assert_eq!(lists_in(&fetch(&api, &campaigns).await), [top.as_str()]);
    assert_eq!(lists_in(&fetch(&api, "0").await), Vec::<String>::new());
    move_list(&api, &json!({"listId": top, "newFolderId": "0"}), 204).await;
    assert_eq!(lists_in(&fetch(&api, "0").await), [top.as_str()]);

    let renamed = put(
        &api,
        &format!("/crm/v3/lists/folders/{year}/rename?newFolderName=2025"),
        200,
    )
    .await;
    assert_eq!(renamed["folder"]["name"], "2025");
    let moved = put(&api, &format!("/crm/v3/lists/folders/{year}/move/0"), 200).await;
    assert_eq!(moved["folder"]["parentFolderId"], "0");
    assert_eq!(lists_in(&moved["folder"]), [spring.as_str()]);
    assert_eq!(
        child_ids(&fetch(&api, &campaigns).await),
        Vec::<&str>::new()
    );
    put(
        &api,
        &format!("/crm/v3/lists/folders/{year}/move/{campaigns}"),
        200,
    )
    .await;

    // A deleted list leaves its folder until it is restored.
    api.delete(&format!("/crm/v3/lists/{spring}"))
        .await
        .expect(204);
    assert_eq!(lists_in(&fetch(&api, &year).await), Vec::<String>::new());
    put(&api, &format!("/crm/v3/lists/{spring}/restore"), 204).await;
    assert_eq!(lists_in(&fetch(&api, &year).await), [spring.as_str()]);

    // Deleting a folder deletes those under it; their lists go to the root.
    api.delete(&format!("/crm/v3/lists/folders/{campaigns}"))
        .await
        .expect(204);
    missing(&api, &format!("/crm/v3/lists/folders?folderId={year}")).await;
    let root = fetch(&api, "0").await;
    assert_eq!(lists_in(&root), [top.as_str(), spring.as_str()]);
    assert_eq!(root["childNodes"], json!([]));
    read(&api, &format!("/crm/v3/lists/{spring}")).await;
}

#[asym::clone("hubspot", seed = "basic")]
async fn folder_refusals_answer_hubspot_errors(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    let list = manual(&api, "Loose").await;
    let outer = folder(&api, "Outer", "0").await;
    let inner = folder(&api, "Inner", &outer).await;
    let not_a_number = api
        .get("/crm/v3/lists/folders?folderId=abc")
        .await
        .expect(400);
    assert_eq!(not_a_number["subCategory"], "INVALID_INT_ID");
    missing(&api, "/crm/v3/lists/folders?folderId=999").await;

    let unnamed = create_folder(&api, &json!({"parentFolderId": "0"}), 400).await;
    assert_contains(
        &unnamed["message"],
        "Cannot build ListFolderCreateRequest, some of required attributes are not set [name]",
    );
    for (body, status) in [
        (json!({"name": " "}), 400),
        (json!({"name": "X", "parentFolderId": "abc"}), 400),
        (json!({"name": ["X"]}), 400),
        (json!(["X"]), 400),
        (json!({"name": "X", "parentFolderId": "999"}), 404),
    ] {
        create_folder(&api, &body, status).await;
    }
    let unmoved = move_list(&api, &json!({}), 400).await;
    assert_contains(
        &unmoved["message"],
        "Cannot build ListMoveRequest, some of required attributes are not set [listId, newFolderId]",
    );
    for (body, status) in [
        (json!({"listId": "abc", "newFolderId": "0"}), 400),
        (json!({"listId": list, "newFolderId": "-1"}), 400),
        (json!({"listId": "999999", "newFolderId": "0"}), 404),
        (json!({"listId": list, "newFolderId": "999"}), 404),
    ] {
        move_list(&api, &body, status).await;
    }
    let refused = post(
        &api,
        "/crm/v3/lists/",
        &json!({"name": "Lost", "objectTypeId": "0-1", "processingType": "MANUAL", "listFolderId": 999}),
        404,
    )
    .await;
    assert_eq!(refused["category"], "OBJECT_NOT_FOUND");
    missing(&api, "/crm/v3/lists/object-type-id/0-1/name/Lost").await;

    // The root cannot be renamed, moved or deleted; a folder cannot go under itself.
    let folders = "/crm/v3/lists/folders";
    for (path, status) in [
        (format!("{folders}/0/rename?newFolderName=Top"), 400),
        (format!("{folders}/999/rename?newFolderName=Top"), 404),
        (format!("{folders}/{outer}/rename"), 400),
        (format!("{folders}/0/move/{outer}"), 400),
        (format!("{folders}/{outer}/move/{outer}"), 400),
        (format!("{folders}/{outer}/move/{inner}"), 400),
        (format!("{folders}/{outer}/move/999"), 404),
        (format!("{folders}/999/move/0"), 404),
        (format!("{folders}/abc/move/0"), 400),
    ] {
        put(&api, &path, status).await;
    }
    api.delete(&format!("{folders}/0")).await.expect(400);
    api.delete(&format!("{folders}/999")).await.expect(404);
    assert_eq!(child_ids(&fetch(&api, &outer).await), [inner.as_str()]);

    let reader = scoped(&hubspot, &["crm.lists.read"]).await;
    read(&reader, folders).await;
    let refused = reader
        .post(folders, &json!({"name": "Nope"}))
        .await
        .expect(403);
    assert_eq!(refused["category"], "MISSING_SCOPES");
    let none = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    none.get(folders).await.expect(403);
}

#[asym::clone("hubspot", seed = "basic")]
async fn legacy_list_ids_translate_to_list_ids(hubspot: asym::HubSpot) {
    let api = api(&hubspot);
    // Contact lists are given legacy ids from 1001 in the order they are made; other types
    // have none.
    let first = manual(&api, "First").await;
    let body = json!({"name": "Accounts", "objectTypeId": "0-2", "processingType": "MANUAL"});
    post(&api, "/crm/v3/lists/", &body, 200).await;
    let second = manual(&api, "Second").await;
    let got = read(&api, "/crm/v3/lists/idmapping?legacyListId=1002").await;
    assert_eq!(got, json!({"legacyListId": "1002", "listId": second}));

    let batch = post(
        &api,
        "/crm/v3/lists/idmapping",
        &json!(["1001", 1002, "1003", "abc", "1001"]),
        200,
    )
    .await;
    assert_eq!(
        batch,
        json!({
            "legacyListIdsToIdsMapping": [
                {"legacyListId": "1001", "listId": first},
                {"legacyListId": "1002", "listId": second},
            ],
            "missingLegacyListIds": ["1003", "abc"],
        })
    );
    // A deleted list has no mapping.
    api.delete(&format!("/crm/v3/lists/{first}"))
        .await
        .expect(204);
    let gone = api
        .get("/crm/v3/lists/idmapping?legacyListId=1001")
        .await
        .expect(404);
    assert_eq!(gone["category"], "OBJECT_NOT_FOUND");
    let batch = post(&api, "/crm/v3/lists/idmapping", &json!(["1001"]), 200).await;
    assert_eq!(len(&batch["legacyListIdsToIdsMapping"]), 0);

    api.get("/crm/v3/lists/idmapping").await.expect(400);
    let too_many: Vec<String> = (0..10_001).map(|n| n.to_string()).collect();
    for body in [json!({}), json!([{}]), json!("1001"), json!(too_many)] {
        let refused = post(&api, "/crm/v3/lists/idmapping", &body, 400).await;
        assert_eq!(refused["category"], "VALIDATION_ERROR");
    }
    let none = scoped(&hubspot, &["crm.objects.contacts.read"]).await;
    none.get("/crm/v3/lists/idmapping?legacyListId=1002")
        .await
        .expect(403);
}
