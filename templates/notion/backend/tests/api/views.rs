//! Views (`/v1/views…`): every data source's "Default view", creating, listing (in tab
//! order, paginated), updating and deleting views, and view queries running the view's
//! filter and sorts as a data source query does.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::common::{
    DATABASE, PROJECTS, TASKS, admin, api, database, error, invalid, legacy, len, next_page,
    not_found, patch, post, query_tasks, read, restricted, set_capabilities, task,
};

/// The ids of the views `GET /v1/views?{query}` lists (first page).
async fn listed(api: &Api, query: &str) -> Vec<String> {
    let list = read(api, &format!("/v1/views?{query}")).await;
    assert_eq!(list["object"], "list", "{list}");
    assert_eq!(list["type"], "view", "{list}");
    pluck(&list["results"], "id")
}

/// Creates a view of Tasks from `body` (its `data_source_id`, `name` and `type` given when
/// absent); answers the view.
async fn view(api: &Api, body: Value) -> Value {
    let mut full = json!({ "data_source_id": TASKS, "database_id": DATABASE, "name": "View", "type": "table" });
    for (key, value) in body.as_object().into_iter().flatten() {
        full[key] = value.clone();
    }
    post(api, "/v1/views", &full).await
}

/// The ids of a list's (or a view query's) results.
fn ids(list: &Value) -> Vec<String> {
    pluck(&list["results"], "id")
}

#[asym::clone("notion", seed = "basic")]
async fn every_data_source_has_a_default_view(notion: asym::Notion) {
    let api = api(&notion);
    let views = listed(&api, &format!("database_id={DATABASE}")).await;
    assert_eq!(views.len(), 1, "{views:?}");
    assert_eq!(
        listed(&api, &format!("data_source_id={TASKS}")).await,
        views
    );
    let default = read(&api, &format!("/v1/views/{}", views[0])).await;
    assert_eq!(default["object"], "view");
    assert_eq!(default["name"], "Default view");
    assert_eq!(default["type"], "table");
    assert_eq!(
        default["parent"],
        json!({ "type": "database_id", "database_id": DATABASE })
    );
    assert_eq!(default["data_source_id"], TASKS);
    assert_eq!(default["filter"], Value::Null);
    assert_eq!(default["sorts"], Value::Null);
    let url = default["url"].as_str().unwrap();
    assert_eq!(
        url,
        format!(
            "https://www.notion.so/{}?v={}",
            DATABASE.replace('-', ""),
            views[0].replace('-', "")
        )
    );
    // A database made through the API gets one too, for its initial data source.
    let db = database(&api, "Bugs", json!({ "Title": { "title": {} } })).await;
    let db_id = db["id"].as_str().unwrap();
    let made = listed(&api, &format!("database_id={db_id}")).await;
    assert_eq!(made.len(), 1);
    let made = read(&api, &format!("/v1/views/{}", made[0])).await;
    assert_eq!(made["name"], "Default view");
    assert_eq!(made["data_source_id"], db["data_sources"][0]["id"]);
}

#[asym::clone("notion", seed = "basic")]
async fn views_are_created_listed_updated_and_deleted(notion: asym::Notion) {
    let api = api(&notion);
    let default = listed(&api, &format!("database_id={DATABASE}")).await[0].clone();
    let open = view(
        &api,
        json!({
            "name": "Open work",
            "filter": { "property": "Done", "checkbox": { "equals": false } },
            "sorts": [{ "property": "Name", "direction": "ascending" }],
            "position": { "type": "start" }
        }),
    )
    .await;
    assert_eq!(open["name"], "Open work");
    assert_eq!(open["filter"]["checkbox"]["equals"], false);
    assert_eq!(open["sorts"][0]["property"], "Name");
    assert_eq!(open["created_by"]["object"], "user");
    let open_id = open["id"].as_str().unwrap().to_owned();
    let board = view(
        &api,
        json!({
            "name": "By status",
            "type": "board",
            "database_id": null,
            "configuration": { "type": "board", "group_by": { "type": "status", "property_id": "Status", "group_by": "option", "sort": { "type": "manual" } } },
            "position": { "type": "after_view", "view_id": open_id }
        }),
    )
    .await;
    let board_id = board["id"].as_str().unwrap().to_owned();
    assert_eq!(board["parent"]["database_id"], DATABASE);
    let group = &board["configuration"]["group_by"];
    assert_eq!(group["property_name"], "Status");
    assert_ne!(group["property_id"], "Status", "answered by id");
    let tabs = format!("database_id={DATABASE}");
    assert_eq!(
        listed(&api, &tabs).await,
        [open_id.clone(), board_id.clone(), default.clone()]
    );
    // Paginated: the cursor is the next view's id.
    let path = format!("/v1/views?{tabs}&page_size=2");
    let first = read(&api, &path).await;
    assert_eq!(ids(&first), [open_id.clone(), board_id.clone()]);
    assert_eq!(first["next_cursor"], default.as_str());
    let rest = next_page(&api, &path, &first).await;
    assert_eq!(ids(&rest), std::slice::from_ref(&default));
    assert_eq!(rest["has_more"], false);
    // A cursor starts its page at that view (a keyed seek); one naming no view of the
    // listed database (another database's, or nothing) is Notion's invalid cursor.
    let from_board = read(&api, &format!("{path}&start_cursor={board_id}")).await;
    assert_eq!(ids(&from_board), [board_id.clone(), default.clone()]);
    for cursor in [TASKS, "nope"] {
        let message = invalid(api.get(&format!("{path}&start_cursor={cursor}")).await);
        assert!(message.contains("start_cursor"), "{message}");
    }

    // Update: rename, clear the filter, add a quick filter (answered by property id), merge
    // the configuration.
    let updated = patch(
        &api,
        &format!("/v1/views/{open_id}"),
        &json!({ "name": "Everything", "filter": null, "quick_filters": { "Priority": { "select": { "equals": "High" } } } }),
    )
    .await;
    assert_eq!(updated["name"], "Everything");
    assert_eq!(updated["filter"], Value::Null);
    assert_eq!(updated["sorts"][0]["direction"], "ascending", "kept");
    let quick = updated["quick_filters"].as_object().unwrap();
    assert_eq!(quick.len(), 1);
    assert_eq!(
        quick.values().next().unwrap(),
        &json!({ "select": { "equals": "High" } })
    );
    let merged = patch(
        &api,
        &format!("/v1/views/{board_id}"),
        &json!({ "configuration": { "type": "board", "card_layout": "compact" } }),
    )
    .await;
    assert_eq!(merged["configuration"]["card_layout"], "compact");
    assert_eq!(
        merged["configuration"]["group_by"]["property_name"],
        "Status"
    );
    assert_eq!(
        read(&api, &format!("/v1/views/{open_id}")).await["name"],
        "Everything"
    );

    // Delete answers the partial view; the last view of a database stays.
    let gone = api
        .delete(&format!("/v1/views/{board_id}"))
        .await
        .expect(200);
    assert_eq!(
        gone,
        json!({ "object": "view", "id": board_id, "parent": { "type": "database_id", "database_id": DATABASE }, "type": "board" })
    );
    not_found(api.get(&format!("/v1/views/{board_id}")).await);
    api.delete(&format!("/v1/views/{open_id}"))
        .await
        .expect(200);
    let message = invalid(api.delete(&format!("/v1/views/{default}")).await);
    assert!(message.contains("last view"), "{message}");
    assert_eq!(listed(&api, &tabs).await, [default]);
}

#[asym::clone("notion", seed = "basic")]
async fn view_queries_run_the_views_filter_and_sorts(notion: asym::Notion) {
    let api = api(&notion);
    for title in ["Alpha", "Beta", "Gamma"] {
        task(&api, title, json!({})).await;
    }
    let filter = json!({ "property": "Done", "checkbox": { "equals": false } });
    let sorts = json!([{ "property": "Name", "direction": "descending" }]);
    let expected = query_tasks(&api, &json!({ "filter": filter, "sorts": sorts })).await;
    let expected = ids(&expected);
    assert!(expected.len() >= 4, "{expected:?}");
    let v = view(&api, json!({ "filter": filter, "sorts": sorts })).await;
    let v_id = v["id"].as_str().unwrap();
    let queries = format!("/v1/views/{v_id}/queries");
    let run = post(&api, &queries, &json!({ "page_size": 2 })).await;
    assert_eq!(run["object"], "view_query");
    assert_eq!(run["view_id"], v_id);
    assert_eq!(run["total_count"], expected.len());
    assert_eq!(ids(&run), expected[..2]);
    assert_eq!(pluck(&run["results"], "object"), ["page", "page"]);
    assert!(run["expires_at"].as_str().unwrap().ends_with('Z'), "{run}");
    assert_eq!(run["has_more"], true);
    let query_id = run["id"].as_str().unwrap();
    let results = format!("{queries}/{query_id}");
    let rest = next_page(&api, &format!("{results}?page_size=100"), &run).await;
    assert_eq!(rest["type"], "page");
    assert_eq!(ids(&rest), expected[2..]);
    assert_eq!(rest["has_more"], false);

    // Every page of the set is one row, read from the cursor's: a cursor in the middle
    // starts there, one naming no result of this query is Notion's invalid cursor.
    let stored = notion
        .query(&format!(
            "SELECT count(*) FROM view_query_results WHERE query_id = '{query_id}'"
        ))
        .await
        .unwrap()[0]
        .get::<_, i64>(0);
    assert_eq!(usize::try_from(stored).unwrap(), expected.len());
    let middle = read(
        &api,
        &format!("{results}?page_size=1&start_cursor={}", expected[1]),
    )
    .await;
    assert_eq!(ids(&middle), expected[1..2]);
    assert_eq!(middle["next_cursor"], expected[2].as_str());
    let last = expected.last().unwrap();
    let tail = read(&api, &format!("{results}?start_cursor={last}")).await;
    assert_eq!(
        (ids(&tail), &tail["has_more"]),
        (vec![last.clone()], &json!(false))
    );
    for cursor in [TASKS, "nope"] {
        let message = invalid(api.get(&format!("{results}?start_cursor={cursor}")).await);
        assert!(message.contains("start_cursor"), "{message}");
    }

    // The result set is kept: a page created after the query is not in it.
    let zeta = task(&api, "Zeta", json!({})).await;
    assert_eq!(len(&read(&api, &results).await["results"]), expected.len());
    let zeta_cursor = format!("{results}?start_cursor={}", zeta["id"].as_str().unwrap());
    invalid(api.get(&zeta_cursor).await);
    // A new query sees it, first by the descending sort.
    let again = post(&api, &queries, &json!({})).await;
    assert_eq!(again["total_count"], expected.len() + 1);
    assert_eq!(again["has_more"], false);

    // Quick filters narrow the view's filter.
    patch(
        &api,
        &format!("/v1/views/{v_id}"),
        &json!({ "quick_filters": { "Name": { "title": { "contains": "zeta" } } } }),
    )
    .await;
    let narrowed = post(&api, &queries, &json!({})).await;
    let zeta = query_tasks(
        &api,
        &json!({ "filter": { "property": "Name", "title": { "equals": "Zeta" } } }),
    )
    .await;
    assert_eq!(ids(&narrowed), ids(&zeta));
    assert_eq!(narrowed["total_count"], 1);

    // A view's select condition may name several options: any of them (`equals`).
    let either = view(
        &api,
        json!({ "filter": { "property": "Priority", "select": { "equals": ["High", "Low"] } } }),
    )
    .await;
    assert_eq!(either["filter"]["select"]["equals"], json!(["High", "Low"]));
    let picked = post(
        &api,
        &format!("/v1/views/{}/queries", either["id"].as_str().unwrap()),
        &json!({}),
    )
    .await;
    let by_hand = query_tasks(
        &api,
        &json!({ "filter": { "or": [
            { "property": "Priority", "select": { "equals": "High" } },
            { "property": "Priority", "select": { "equals": "Low" } }
        ] } }),
    )
    .await;
    assert_eq!(ids(&picked), ids(&by_hand));
    assert_eq!(picked["total_count"], 3);

    // Deleted queries are gone (deleting again still succeeds).
    let deleted = api.delete(&results).await.expect(200);
    assert_eq!(
        deleted,
        json!({ "object": "view_query", "id": query_id, "deleted": true })
    );
    not_found(api.get(&results).await);
    api.delete(&results).await.expect(200);
}

#[asym::clone("notion", seed = "basic")]
async fn bad_view_requests_are_notions_errors(notion: asym::Notion) {
    let api = api(&notion);
    let default = listed(&api, &format!("database_id={DATABASE}")).await[0].clone();
    let unknown = "30000000-0000-4000-8000-0000000000ff";
    for body in [
        json!({ "name": null }),
        json!({ "type": "grid" }),
        json!({ "type": "dashboard" }),
        json!({ "data_source_id": "nope" }),
        json!({ "filter": { "property": "Nope", "checkbox": { "equals": true } } }),
        json!({ "filter": { "property": "Done", "number": { "equals": 1 } } }),
        json!({ "sorts": [{ "property": "Name", "direction": "up" }] }),
        json!({ "quick_filters": { "Nope": { "checkbox": { "equals": true } } } }),
        json!({ "configuration": { "type": "board" } }),
        json!({ "type": "board", "configuration": { "type": "board" } }),
        json!({ "type": "board", "configuration": { "type": "board", "group_by": "Status" } }),
        json!({ "type": "calendar", "configuration": { "type": "calendar", "date_property_id": "Nope" } }),
        json!({ "position": { "type": "after_view" } }),
        json!({ "view_id": default }),
        json!({ "database_id": PROJECTS }),
    ] {
        let mut full = json!({ "data_source_id": TASKS, "name": "V", "type": "table" });
        for (key, value) in body.as_object().unwrap() {
            full[key] = value.clone();
        }
        let reply = api.post("/v1/views", &full).await;
        if body.get("database_id").is_some() {
            not_found(reply);
        } else {
            invalid(reply);
        }
    }
    not_found(
        api.post(
            "/v1/views",
            &json!({ "data_source_id": unknown, "name": "V", "type": "table" }),
        )
        .await,
    );
    for path in ["/v1/views", "/v1/views?database_id=nope", "/v1/views/nope"] {
        invalid(api.get(path).await);
    }
    for path in [
        format!("/v1/views?data_source_id={unknown}"),
        format!("/v1/views/{unknown}"),
        format!("/v1/views/{default}/queries/{unknown}"),
    ] {
        not_found(api.get(&path).await);
    }
    let view = format!("/v1/views/{default}");
    let by_timestamp =
        json!({ "sorts": [{ "timestamp": "created_time", "direction": "ascending" }] });
    for body in [
        json!({ "name": 3 }),
        by_timestamp,
        json!({ "configuration": { "type": "list" } }),
    ] {
        invalid(api.patch(&view, &body).await);
    }
    invalid(
        api.post(&format!("{view}/queries"), &json!({ "page_size": 0 }))
            .await,
    );
    // Views are of the data sources era.
    error(
        legacy(&notion)
            .get(&format!("/v1/views?database_id={DATABASE}"))
            .await,
        400,
        "invalid_request_url",
    );
    // Capabilities: reading needs read content, deleting update content.
    let admin = admin(&notion);
    set_capabilities(&admin, json!({ "update_content": false })).await;
    restricted(api.delete(&view).await);
    set_capabilities(&admin, json!({ "read_content": false })).await;
    restricted(api.get(&view).await);
    restricted(api.post(&format!("{view}/queries"), &json!({})).await);
}

#[asym::clone("notion", seed = "basic")]
async fn views_send_view_events(notion: asym::Notion) {
    let receiver = crate::common::verified_receiver(&notion).await;
    let old = crate::common::verified_receiver_with(
        &notion,
        json!({ "api_version": "2022-06-28", "event_types": ["view.created", "view.updated", "view.deleted", "page.created"] }),
    )
    .await;
    let api = api(&notion);
    let made = view(&api, json!({ "type": "board", "configuration": { "type": "board",
        "group_by": { "type": "status", "property_id": "Status", "group_by": "option", "sort": { "type": "manual" } } } })).await;
    let id = made["id"].as_str().unwrap();
    let parent = json!({ "id": DATABASE, "type": "database", "data_source_id": TASKS });
    let created = receiver.delivery().await.json();
    assert_eq!(created["type"], "view.created");
    assert_eq!(created["entity"], json!({ "id": id, "type": "view" }));
    assert_eq!(
        created["data"],
        json!({ "parent": parent, "view_type": "board" })
    );
    let path = format!("/v1/views/{id}");
    let changes = json!({ "name": "Renamed", "quick_filters": { "Name": { "title": { "contains": "a" } } },
                          "sorts": [{ "property": "Name", "direction": "ascending" }] });
    patch(&api, &path, &changes).await;
    let updated = receiver.delivery().await.json();
    assert_eq!(updated["type"], "view.updated");
    assert_eq!(
        updated["data"]["updated_fields"],
        json!(["name", "filter", "sorts"])
    );
    assert_eq!(updated["data"]["parent"], parent);
    api.delete(&path).await.expect(200);
    let deleted = receiver.delivery().await.json();
    assert_eq!(deleted["type"], "view.deleted");
    assert_eq!(deleted["data"], json!({ "parent": parent }));
    // A 2022-06-28 subscription hears no view event, even one that names them: the page
    // made next is the first thing it hears.
    let page = crate::common::task(&api, "After the views", json!({})).await;
    let first = crate::common::heard(&old, "page.created").await;
    assert_eq!(first["entity"]["id"], page["id"]);
}
