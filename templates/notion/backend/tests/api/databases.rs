//! Databases and data sources: retrieve in both versions, queries, schema changes.

use serde_json::{Value, json};

use crate::common::{
    ADA, DATABASE, PROJECTS, TASKS, api, database, error, invalid, legacy, len, patch, post,
    query_tasks, read, task, tasks_query, tasks_schema, text, titles,
};

#[asym::clone("notion", seed = "basic")]
async fn both_versions_answer_their_shapes(notion: asym::Notion) {
    let db = read(&api(&notion), &format!("/v1/databases/{DATABASE}")).await;
    assert_eq!(
        db["data_sources"],
        json!([{ "id": TASKS, "name": "Tasks" }])
    );
    assert!(db.get("properties").is_none());
    assert_eq!(
        db["parent"],
        json!({ "type": "page_id", "page_id": PROJECTS })
    );
    let old = read(&legacy(&notion), &format!("/v1/databases/{DATABASE}")).await;
    assert!(old.get("data_sources").is_none());
    for name in [
        "Name", "Status", "Assignee", "Due", "Priority", "Tags", "Related", "Done",
    ] {
        assert!(old["properties"].get(name).is_some(), "{name}");
    }
    let ds = read(&api(&notion), &format!("/v1/data_sources/{TASKS}")).await;
    assert_eq!(
        ds["parent"],
        json!({ "type": "database_id", "database_id": DATABASE })
    );
    assert_eq!(
        ds["properties"]["Status"]["status"]["options"][2]["name"],
        "Done"
    );
    assert_eq!(
        ds["properties"]["Related"]["relation"]["data_source_id"],
        TASKS
    );
}

#[asym::clone("notion", seed = "basic")]
async fn compound_filters_and_sorts(notion: asym::Notion) {
    let api = api(&notion);
    let query = |body: Value| {
        let api = api.clone();
        async move { api.post(&tasks_query(), &body).await }
    };
    let cases = [
        (
            json!({ "property": "Status", "status": { "equals": "In progress" } }),
            vec!["Build the API", "Fix the login bug"],
        ),
        (
            json!({ "property": "Name", "title": { "contains": "THE" } }),
            vec![
                "Build the API",
                "Design the schema",
                "Fix the login bug",
                "Write the docs",
            ],
        ),
        (
            json!({ "property": "Name", "title": { "starts_with": "write" } }),
            vec!["Write the docs"],
        ),
        (
            json!({ "property": "Tags", "multi_select": { "contains": "Frontend" } }),
            vec!["Build the API", "Fix the login bug"],
        ),
        (
            json!({ "property": "Assignee", "people": { "is_empty": true } }),
            vec!["Fix the login bug"],
        ),
        (
            json!({ "property": "Due", "date": { "before": "2025-02-01" } }),
            vec!["Design the schema"],
        ),
        (
            json!({ "property": "Due", "date": { "is_empty": true } }),
            vec!["Fix the login bug"],
        ),
        (
            json!({ "property": "Related", "relation": { "is_not_empty": true } }),
            vec!["Build the API"],
        ),
        (
            json!({ "property": "Done", "checkbox": { "does_not_equal": true } }),
            vec!["Build the API", "Fix the login bug", "Write the docs"],
        ),
        (
            json!({ "timestamp": "created_time", "created_time": { "after": "2025-01-10T09:12:00Z" } }),
            vec!["Fix the login bug", "Write the docs"],
        ),
        (
            json!({ "or": [
            { "property": "Priority", "select": { "equals": "Low" } },
            { "and": [{ "property": "Priority", "select": { "equals": "High" } }, { "property": "Done", "checkbox": { "equals": true } }] }
        ] }),
            vec!["Design the schema", "Write the docs"],
        ),
    ];
    for (filter, expected) in cases {
        let body = json!({ "filter": filter, "sorts": [{ "property": "Name", "direction": "ascending" }] });
        let list = query(body).await.expect(200);
        assert_eq!(titles(&list), expected, "{filter}");
    }
    let by_due = query(json!({ "sorts": [{ "property": "Due", "direction": "descending" }] }))
        .await
        .expect(200);
    assert_eq!(
        titles(&by_due),
        [
            "Write the docs",
            "Build the API",
            "Design the schema",
            "Fix the login bug"
        ]
    );
    assert_eq!(by_due["type"], "page_or_data_source");

    let first = query(json!({ "page_size": 3, "sorts": [{ "timestamp": "created_time", "direction": "ascending" }] })).await.expect(200);
    assert_eq!(first["has_more"], true);
    let rest = query(json!({ "start_cursor": first["next_cursor"], "sorts": [{ "timestamp": "created_time", "direction": "ascending" }] }))
        .await
        .expect(200);
    assert_eq!(titles(&rest), ["Fix the login bug"]);
    assert_eq!(rest["next_cursor"], Value::Null);

    for body in [
        json!({ "filter": { "property": "Done", "select": { "equals": "x" } } }),
        json!({ "filter": { "property": "Nope", "checkbox": { "equals": true } } }),
        json!({ "filter": { "property": "Due", "date": { "before": "yesterday" } } }),
        json!({ "filter": { "property": "Status", "status": { "equals": 3 } } }),
        json!({ "filter": { "and": [{ "or": [{ "and": [] }] }] } }),
        json!({ "sorts": [{ "property": "Nope", "direction": "ascending" }] }),
        json!({ "start_cursor": "garbage" }),
    ] {
        invalid(query(body).await);
    }
    error(
        api.post(&format!("/v1/databases/{DATABASE}/query"), &json!({}))
            .await,
        400,
        "invalid_request_url",
    );
    let legacy = legacy(&notion)
        .post(
            &format!("/v1/databases/{DATABASE}/query"),
            &json!({ "filter": { "property": "Assignee", "people": { "contains": ADA } } }),
        )
        .await
        .expect(200);
    assert_eq!(legacy["type"], "page_or_database");
    assert_eq!(len(&legacy["results"]), 2);
}

#[asym::clone("notion", seed = "basic")]
async fn schema_create_update_and_values(notion: asym::Notion) {
    let api = api(&notion);
    let db = database(
        &api,
        "Bugs",
        json!({
            "Title": { "title": {} },
            "Severity": { "select": { "options": [{ "name": "S1", "color": "red" }] } },
            "Points": { "number": { "format": "dollar" } }
        }),
    )
    .await;
    let ds = db["data_sources"][0]["id"].as_str().unwrap().to_owned();
    let edits = json!({ "title": text("Bug list"), "properties": { "Points": { "name": "Estimate" }, "Severity": null, "Url": { "url": {} } } });
    let updated = patch(&api, &format!("/v1/data_sources/{ds}"), &edits).await;
    let mut names: Vec<&str> = updated["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Estimate", "Title", "Url"]);
    assert_eq!(
        updated["properties"]["Estimate"]["number"]["format"],
        "dollar"
    );
    for properties in [
        json!({ "Title": null }),
        json!({ "Nope": null }),
        json!({ "X": { "nonsense": {} } }),
        json!({ "Y": { "select": { "options": [{ "name": "a,b" }] } } }),
    ] {
        invalid(
            api.patch(
                &format!("/v1/data_sources/{ds}"),
                &json!({ "properties": properties }),
            )
            .await,
        );
    }
    invalid(api.post("/v1/databases", &json!({ "parent": { "page_id": PROJECTS }, "initial_data_source": { "properties": { "A": { "number": {} } } } })).await);
    invalid(
        api.patch(
            &format!("/v1/databases/{DATABASE}"),
            &json!({ "properties": {} }),
        )
        .await,
    );

    let legacy = legacy(&notion);
    let old = patch(
        &legacy,
        &format!("/v1/databases/{DATABASE}"),
        &json!({ "properties": { "Estimate": { "number": {} } } }),
    )
    .await;
    assert!(old["properties"].get("Estimate").is_some());
    let page = task(&api, "Estimated", json!({ "Estimate": { "number": 5 } })).await;
    assert_eq!(page["properties"]["Estimate"]["number"], 5);
    let at_least_five = json!({ "filter": { "property": "Estimate", "number": { "greater_than_or_equal_to": 5 } } });
    let hit = query_tasks(&api, &at_least_five).await;
    assert_eq!(titles(&hit), ["Estimated"]);
    // A property whose type changes loses its old values: filters and sorts keep working.
    tasks_schema(&api, json!({ "Estimate": { "date": {} } })).await;
    let sorted = query_tasks(
        &api,
        &json!({ "sorts": [{ "property": "Estimate", "direction": "ascending" }] }),
    )
    .await;
    assert_eq!(len(&sorted["results"]), 5);
    let empty = query_tasks(
        &api,
        &json!({ "filter": { "property": "Estimate", "date": { "is_empty": true } } }),
    )
    .await;
    assert_eq!(len(&empty["results"]), 5);
    let archive = json!({ "parent": { "database_id": DATABASE }, "title": text("Archive"), "properties": { "Name": { "title": {} } } });
    let second = post(&api, "/v1/data_sources", &archive).await;
    assert_eq!(second["parent"]["database_id"], DATABASE);
    let db = read(&api, &format!("/v1/databases/{DATABASE}")).await;
    assert_eq!(len(&db["data_sources"]), 2);
}

#[asym::clone("notion", seed = "basic")]
async fn queries_take_a_result_type(notion: asym::Notion) {
    let api = api(&notion);
    let path = tasks_query();
    let pages = post(&api, &path, &json!({ "result_type": "page" })).await;
    assert_eq!(len(&pages["results"]), 4);
    let sources = post(&api, &path, &json!({ "result_type": "data_source" })).await;
    assert_eq!(sources["results"], json!([]));
    assert_eq!(sources["has_more"], false);
    invalid(api.post(&path, &json!({ "result_type": "block" })).await);
}

#[asym::clone("notion", seed = "basic")]
async fn databases_lock_and_unlock(notion: asym::Notion) {
    let api = api(&notion);
    let path = format!("/v1/databases/{DATABASE}");
    assert_eq!(read(&api, &path).await["is_locked"], false);
    let locked = patch(&api, &path, &json!({ "is_locked": true })).await;
    assert_eq!(locked["is_locked"], true);
    // Kept when an update leaves it out, in every version's answer.
    patch(&api, &path, &json!({ "title": text("Still locked") })).await;
    assert_eq!(read(&api, &path).await["is_locked"], true);
    assert_eq!(read(&legacy(&notion), &path).await["is_locked"], true);
    invalid(api.patch(&path, &json!({ "is_locked": "yes" })).await);
    let unlocked = patch(&api, &path, &json!({ "is_locked": false })).await;
    assert_eq!(unlocked["is_locked"], false);
}
