//! Pages: create, retrieve, update, trash, move, property items; users.

use serde_json::{Value, json};

use crate::common::{
    ADA, MEETING, PROJECTS, TASK1, TASK2, TASKS, api, child_page, data_source_in, database,
    database_in, invalid, legacy, len, next_page, not_found, patch, plain, post, read,
    set_properties, set_trash, task, text,
};

#[asym::clone("notion", seed = "basic")]
async fn users_list_and_retrieve(notion: asym::Notion) {
    let api = api(&notion);
    let first = read(&api, "/v1/users?page_size=2").await;
    assert_eq!(first["type"], "user");
    let rest = next_page(&api, "/v1/users", &first).await;
    assert_eq!(len(&rest["results"]), 1);
    let ada = read(&api, &format!("/v1/users/{ADA}")).await;
    assert_eq!(ada["person"]["email"], "ada@example.com");
    for path in ["/v1/users?page_size=101", "/v1/users?start_cursor=%21%21"] {
        invalid(api.get(path).await);
    }
}

#[asym::clone("notion", seed = "basic")]
async fn create_retrieve_update_trash(notion: asym::Notion) {
    let api = api(&notion);
    let page = post(
        &api,
        "/v1/pages",
        &json!({
            "parent": { "data_source_id": TASKS },
            "icon": { "emoji": "🚀" },
            "cover": { "external": { "url": "https://example.com/c.png" } },
            "properties": {
                "Name": { "title": text("Ship it") },
                "Status": { "status": { "name": "In progress" } },
                "Tags": { "multi_select": [{ "name": "Backend" }, { "name": "New" }] },
                "Due": { "date": { "start": "2025-03-01T10:00:00Z", "time_zone": null } },
                "Assignee": { "people": [{ "id": ADA }] },
                "Done": { "checkbox": true }
            },
            "children": [{ "paragraph": { "rich_text": text("body") } }]
        }),
    )
    .await;
    let id = page["id"].as_str().unwrap();
    let path = format!("/v1/pages/{id}");
    assert_eq!(page["parent"]["data_source_id"], TASKS);
    assert_eq!(page["icon"]["emoji"], "🚀");
    assert_eq!(page["properties"]["Tags"]["multi_select"][1]["name"], "New");
    assert_eq!(page["created_time"].as_str().unwrap().len(), 24);
    assert!(page["created_time"].as_str().unwrap().ends_with(":00.000Z"));
    assert_eq!(
        page["url"],
        format!("https://www.notion.so/Ship-it-{}", id.replace('-', ""))
    );
    // The new option joined the schema.
    let ds = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    let options = ds["properties"]["Tags"]["multi_select"]["options"]
        .as_array()
        .unwrap();
    assert!(options.iter().any(|o| o["name"] == "New"));

    let only = read(&api, &format!("/v1/pages/{id}?filter_properties=title")).await;
    assert_eq!(only["properties"].as_object().unwrap().len(), 1);

    let updated = patch(
        &api,
        &path,
        &json!({ "properties": { "Done": { "checkbox": false }, "Status": { "status": null } } }),
    )
    .await;
    assert_eq!(updated["properties"]["Done"]["checkbox"], false);
    assert_eq!(updated["properties"]["Status"]["status"], Value::Null);

    let trashed = set_trash(&api, &path, true).await;
    assert_eq!(trashed["in_trash"], true);
    assert_eq!(trashed["archived"], true);
    invalid(
        api.patch(
            &path,
            &json!({ "properties": { "Done": { "checkbox": true } } }),
        )
        .await,
    );
    let restored = patch(&api, &path, &json!({ "archived": false })).await;
    assert_eq!(restored["in_trash"], false);
}

#[asym::clone("notion", seed = "basic")]
async fn property_errors_name_the_property(notion: asym::Notion) {
    let api = api(&notion);
    for (properties, fragment) in [
        (
            json!({ "Nope": { "title": [] } }),
            "Nope is not a property that exists",
        ),
        (
            json!({ "Done": { "checkbox": 1 } }),
            "body.properties.Done.checkbox",
        ),
        (
            json!({ "Done": { "select": { "name": "x" } } }),
            "body.properties.Done.checkbox",
        ),
        (
            json!({ "Status": { "status": { "name": "Someday" } } }),
            "Someday",
        ),
        (
            json!({ "Assignee": { "people": [{ "id": "x" }] } }),
            "body.properties.Assignee.people[0].id",
        ),
        (
            json!({ "Name": { "title": [{ "text": { "content": "x".repeat(2001) } }] } }),
            "length should be ≤ `2000`",
        ),
    ] {
        let message = invalid(
            api.post(
                "/v1/pages",
                &json!({ "parent": { "data_source_id": TASKS }, "properties": properties }),
            )
            .await,
        );
        assert!(
            message.contains(fragment),
            "{message} should mention {fragment}"
        );
    }
}

#[asym::clone("notion", seed = "basic")]
async fn pages_under_pages_are_child_page_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let page = child_page(&api, PROJECTS, "Child").await;
    let id = page["id"].as_str().unwrap();
    assert_eq!(
        page["parent"],
        json!({ "type": "page_id", "page_id": PROJECTS })
    );
    assert_eq!(plain(&page["properties"]["title"]), "Child");
    let children = read(&api, &format!("/v1/blocks/{PROJECTS}/children")).await;
    let last = children["results"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["type"], "child_page");
    assert_eq!(last["id"], id);
    assert_eq!(last["child_page"]["title"], "Child");

    let moved = post(
        &api,
        &format!("/v1/pages/{id}/move"),
        &json!({ "parent": { "type": "page_id", "page_id": MEETING } }),
    )
    .await;
    assert_eq!(moved["parent"]["page_id"], MEETING);
    let into = post(
        &api,
        &format!("/v1/pages/{id}/move"),
        &json!({ "parent": { "type": "data_source_id", "data_source_id": TASKS } }),
    )
    .await;
    assert_eq!(plain(&into["properties"]["Name"]), "Child");
}

#[asym::clone("notion", seed = "basic")]
async fn property_items_are_paginated(notion: asym::Notion) {
    let api = api(&notion);
    let page = task(&api, "", json!({ "Name": { "title": [
        { "text": { "content": "a" } }, { "text": { "content": "b" } }, { "text": { "content": "c" } }
    ] } }))
    .await;
    let id = page["id"].as_str().unwrap();
    let first = read(
        &api,
        &format!("/v1/pages/{id}/properties/title?page_size=2"),
    )
    .await;
    assert_eq!(first["object"], "list");
    assert_eq!(first["type"], "property_item");
    assert_eq!(first["property_item"]["type"], "title");
    assert_eq!(len(&first["results"]), 2);
    let rest = next_page(&api, &format!("/v1/pages/{id}/properties/title"), &first).await;
    assert_eq!(rest["results"][0]["title"]["plain_text"], "c");
    assert_eq!(
        (len(&rest["results"]), &rest["has_more"]),
        (1, &json!(false))
    );
    // One at a time, every page starts where the one before left off.
    let path = format!("/v1/pages/{id}/properties/title?page_size=1");
    let mut page = read(&api, &path).await;
    let mut seen = vec![page["results"][0]["title"]["plain_text"].clone()];
    while page["has_more"] == true {
        page = next_page(&api, &path, &page).await;
        seen.push(page["results"][0]["title"]["plain_text"].clone());
    }
    assert_eq!(seen, ["a", "b", "c"]);
    // A cursor is a position in the list: past its end, or garbled, it is refused.
    let past = asym_kit::cursor::encode("o:4");
    for cursor in [past.as_str(), "nope", &asym_kit::cursor::encode("o:-1")] {
        let message = invalid(api.get(&format!("{path}&start_cursor={cursor}")).await);
        assert!(message.contains("start_cursor"), "{message}");
    }
    let end = read(
        &api,
        &format!("{path}&start_cursor={}", asym_kit::cursor::encode("o:3")),
    )
    .await;
    assert_eq!((len(&end["results"]), &end["has_more"]), (0, &json!(false)));
    // A relation's items are its related pages, in order.
    let related = json!({ "Related": { "relation": [{ "id": TASK1 }, { "id": TASK2 }] } });
    set_properties(&api, id, related).await;
    let schema = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    let relation = schema["properties"]["Related"]["id"].as_str().unwrap();
    let path = format!("/v1/pages/{id}/properties/{relation}?page_size=1");
    let first = read(&api, &path).await;
    assert_eq!(first["results"][0]["relation"]["id"], TASK1);
    assert_eq!(
        next_page(&api, &path, &first).await["results"][0]["relation"]["id"],
        TASK2
    );
    let status = read(&api, &format!("/v1/pages/{TASK1}/properties/stat")).await;
    assert_eq!(status["object"], "property_item");
    assert_eq!(status["status"]["name"], "Done");
    not_found(api.get(&format!("/v1/pages/{TASK1}/properties/nope")).await);
}

#[asym::clone("notion", seed = "basic")]
async fn legacy_pages_live_under_databases(notion: asym::Notion) {
    let legacy = legacy(&notion);
    let old_style = json!({ "parent": { "database_id": crate::common::DATABASE }, "properties": { "Name": { "title": text("Old style") } } });
    let page = post(&legacy, "/v1/pages", &old_style).await;
    assert_eq!(
        page["parent"],
        json!({ "type": "database_id", "database_id": crate::common::DATABASE })
    );
    let task = read(&legacy, &format!("/v1/pages/{TASK1}")).await;
    assert_eq!(task["parent"]["type"], "database_id");
}

#[asym::clone("notion", seed = "basic")]
async fn new_pages_take_a_position_among_their_parents_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let children = format!("/v1/blocks/{PROJECTS}/children");
    let ids = |list: &Value| {
        list["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let before = ids(&read(&api, &children).await);
    let first = post(
        &api,
        "/v1/pages",
        &json!({ "parent": { "page_id": PROJECTS }, "position": { "type": "page_start" },
                 "content": [{ "paragraph": { "rich_text": text("by content") } }] }),
    )
    .await;
    let first_id = first["id"].as_str().unwrap().to_owned();
    let after = post(
        &api,
        "/v1/pages",
        &json!({ "parent": { "page_id": PROJECTS },
                 "position": { "type": "after_block", "after_block": { "id": before[0] } } }),
    )
    .await;
    let now = ids(&read(&api, &children).await);
    assert_eq!(now[0], first_id);
    assert_eq!(now[1], before[0]);
    assert_eq!(now[2], after["id"].as_str().unwrap());
    assert_eq!(now[3..], before[1..]);
    let content = read(&api, &format!("/v1/blocks/{first_id}/children")).await;
    assert_eq!(
        content["results"][0]["paragraph"]["rich_text"][0]["plain_text"],
        "by content"
    );
    for body in [
        json!({ "parent": { "data_source_id": TASKS }, "position": { "type": "page_start" } }),
        json!({ "parent": { "page_id": PROJECTS }, "position": { "type": "middle" } }),
        json!({ "parent": { "page_id": PROJECTS }, "allow_async": 1 }),
        json!({ "parent": { "page_id": PROJECTS }, "content": [], "children": [] }),
    ] {
        invalid(api.post("/v1/pages", &body).await);
    }
}

/// Nothing moves under itself: a page under its own child page or into a data source of a
/// database it holds, a database under a page inside one of its rows, a data source into a
/// database under one of its own rows. Each is refused whole, and a move elsewhere still works.
#[asym::clone("notion", seed = "basic")]
async fn moves_refuse_to_put_anything_inside_itself(notion: asym::Notion) {
    let api = api(&notion);
    let outer = child_page(&api, MEETING, "Outer").await;
    let outer_id = outer["id"].as_str().unwrap();
    let inner = child_page(&api, outer_id, "Inner").await;
    let inner_id = inner["id"].as_str().unwrap();
    let move_outer = format!("/v1/pages/{outer_id}/move");
    let under = |id: &str| json!({ "parent": { "type": "page_id", "page_id": id } });
    let refused = invalid(api.post(&move_outer, &under(inner_id)).await);
    assert!(
        refused.contains("cannot be moved under itself or anything inside it"),
        "{refused}"
    );
    assert_eq!(
        read(&api, &format!("/v1/pages/{outer_id}")).await["parent"]["page_id"],
        MEETING
    );

    // A database held by Outer: Outer cannot go into its data source.
    let held = database_in(&api, inner_id, "Held", json!({ "Name": { "title": {} } })).await;
    let held_source = held["data_sources"][0]["id"].as_str().unwrap();
    let into_held =
        json!({ "parent": { "type": "data_source_id", "data_source_id": held_source } });
    invalid(api.post(&move_outer, &into_held).await);

    // A database cannot go under a page inside one of its own rows.
    let made = database(&api, "Container", json!({ "Name": { "title": {} } })).await;
    let db = made["id"].as_str().unwrap();
    let source = made["data_sources"][0]["id"].as_str().unwrap();
    let row = post(
        &api,
        "/v1/pages",
        &json!({ "parent": { "data_source_id": source }, "properties": { "Name": { "title": text("Row") } } }),
    )
    .await;
    let below_row = child_page(&api, row["id"].as_str().unwrap(), "Below").await;
    let below = below_row["id"].as_str().unwrap();
    let refused = invalid(
        api.patch(&format!("/v1/databases/{db}"), &under(below))
            .await,
    );
    assert!(refused.contains("A database cannot be moved"), "{refused}");
    assert_eq!(
        read(&api, &format!("/v1/databases/{db}")).await["parent"]["page_id"],
        PROJECTS
    );

    // A data source cannot go into a database under one of its own rows.
    let second = data_source_in(&api, db).await;
    let second_id = second["id"].as_str().unwrap();
    let second_row = post(
        &api,
        "/v1/pages",
        &json!({ "parent": { "data_source_id": second_id }, "properties": { "Name": { "title": text("Row 2") } } }),
    )
    .await;
    let row_id = second_row["id"].as_str().unwrap();
    let nested = database_in(&api, row_id, "Nested", json!({ "Name": { "title": {} } })).await;
    let into_nested = json!({ "parent": { "type": "database_id", "database_id": nested["id"] } });
    let refused = invalid(
        api.patch(&format!("/v1/data_sources/{second_id}"), &into_nested)
            .await,
    );
    assert!(
        refused.contains("A data source cannot be moved"),
        "{refused}"
    );

    // Elsewhere, the same moves go through.
    let moved = post(&api, &format!("/v1/pages/{inner_id}/move"), &under(MEETING)).await;
    assert_eq!(moved["parent"]["page_id"], MEETING);
    let moved = post(&api, &move_outer, &under(inner_id)).await;
    assert_eq!(moved["parent"]["page_id"], inner_id);
}
