//! Computed and linked properties: formulas, rollups, dual relations.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::common::{
    PROJECTS, TASK1, TASK2, TASKS, api, invalid, patch, post, read, set_properties, task,
    tasks_schema, text,
};

/// Adds `Points` (number) and two formulas to Tasks; gives Design the schema 3 points.
async fn with_points(api: &asym_kit::testing::Api) {
    tasks_schema(api, json!({
            "Points": { "number": { "format": "number" } },
            "Double": { "formula": { "expression": "prop(\"Points\") * 2" } },
            "Label": { "formula": { "expression": "if(prop(\"Done\"), \"done\", concat(\"open: \", prop(\"Name\")))" } },
            "Late": { "formula": { "expression": "dateAdd(prop(\"Due\"), 1, \"weeks\")" } }
        })).await;
    set_properties(
        api,
        TASK1,
        json!({ "Points": { "number": 3 }, "Due": { "date": { "start": "2025-02-01" } } }),
    )
    .await;
}

#[asym::clone("notion", seed = "basic")]
async fn formulas_are_evaluated_and_read_only(notion: asym::Notion) {
    let api = api(&notion);
    with_points(&api).await;
    let page = read(&api, &format!("/v1/pages/{TASK1}")).await;
    let properties = &page["properties"];
    assert_eq!(properties["Double"]["type"], "formula");
    assert_eq!(
        properties["Double"]["formula"],
        json!({ "type": "number", "number": 6 })
    );
    assert_eq!(
        properties["Label"]["formula"],
        json!({ "type": "string", "string": "done" })
    );
    let undone = set_properties(&api, TASK1, json!({ "Done": { "checkbox": false } })).await;
    assert_eq!(
        undone["properties"]["Label"]["formula"]["string"],
        "open: Design the schema"
    );
    assert_eq!(
        properties["Late"]["formula"],
        json!({ "type": "date", "date": { "start": "2025-02-08", "end": null, "time_zone": null } })
    );
    let item = read(
        &api,
        &format!(
            "/v1/pages/{TASK1}/properties/{}",
            properties["Double"]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(item["formula"]["number"], 6);
    let message = invalid(
        api.patch(
            &format!("/v1/pages/{TASK1}"),
            &json!({ "properties": { "Double": { "formula": { "number": 1 } } } }),
        )
        .await,
    );
    assert!(message.contains("Double"), "{message}");
    // A malformed formula, or one naming a property that does not exist, changes nothing.
    for (expression, reason) in [
        (
            json!("prop(\"Nope\") + 1"),
            "`Bad` is invalid: property `Nope` does not exist",
        ),
        (
            json!("frobnicate(1)"),
            "`Bad` is invalid: unknown function `frobnicate`",
        ),
        (
            json!("1 +"),
            "`Bad` is invalid: unexpected end of expression",
        ),
        (
            json!(5),
            "body.properties.Bad.formula.expression should be a string",
        ),
    ] {
        let config = json!({ "formula": { "expression": expression } });
        refused(&api, TASKS, config, reason).await;
    }
    let schema = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    assert!(schema["properties"].get("Bad").is_none());
}

/// Asserts that adding a property `Bad` configured `config` to data source `ds` is refused
/// with a `validation_error` whose message holds `named`.
async fn refused(api: &asym_kit::testing::Api, ds: &str, config: Value, named: &str) {
    let body = json!({ "properties": { "Bad": config } });
    let reply = api.patch(&format!("/v1/data_sources/{ds}"), &body).await;
    let message = invalid(reply);
    assert!(message.contains(named), "{message}");
}

/// Creates a "Sprints" database whose `Tasks` relation is dual with Tasks; answers its data
/// source's id.
async fn sprints(api: &asym_kit::testing::Api) -> String {
    let database = post(
        api,
        "/v1/databases",
        &json!({
            "parent": { "page_id": PROJECTS },
            "title": text("Sprints"),
            "initial_data_source": { "properties": {
                "Name": { "title": {} },
                "Tasks": { "relation": { "data_source_id": TASKS, "type": "dual_property", "dual_property": {} } }
            } }
        }),
    )
    .await;
    database["data_sources"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Creates "Sprint 1" in `sprints`, related to the first two tasks; answers the page.
async fn sprint(api: &asym_kit::testing::Api, sprints: &str) -> Value {
    post(
        api,
        "/v1/pages",
        &json!({ "parent": { "data_source_id": sprints }, "properties": {
            "Name": { "title": text("Sprint 1") },
            "Tasks": { "relation": [{ "id": TASK1 }, { "id": TASK2 }] }
        } }),
    )
    .await
}

/// The ids a relation property's value names.
fn ids(property: &Value) -> Vec<String> {
    pluck(&property["relation"], "id")
}

#[asym::clone("notion", seed = "basic")]
async fn dual_relations_keep_their_synced_property(notion: asym::Notion) {
    let api = api(&notion);
    let sprints = sprints(&api).await;
    let ds = read(&api, &format!("/v1/data_sources/{sprints}")).await;
    let relation = &ds["properties"]["Tasks"]["relation"];
    assert_eq!(relation["type"], "dual_property");
    let synced = relation["dual_property"]["synced_property_name"]
        .as_str()
        .unwrap();
    let tasks = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    assert_eq!(synced, "Related to Sprints (Tasks)");
    let back = &tasks["properties"][synced];
    assert_eq!(back["id"], relation["dual_property"]["synced_property_id"]);
    assert_eq!(back["relation"]["data_source_id"], sprints.as_str());
    assert_eq!(
        back["relation"]["dual_property"]["synced_property_name"],
        "Tasks"
    );

    let sprint = sprint(&api, &sprints).await;
    let sprint_id = sprint["id"].as_str().unwrap();
    for task in [TASK1, TASK2] {
        let page = read(&api, &format!("/v1/pages/{task}")).await;
        assert_eq!(
            ids(&page["properties"][synced]),
            vec![sprint_id.to_owned()],
            "{task}"
        );
    }
    set_properties(
        &api,
        sprint_id,
        json!({ "Tasks": { "relation": [{ "id": TASK2 }] } }),
    )
    .await;
    let first = read(&api, &format!("/v1/pages/{TASK1}")).await;
    assert!(ids(&first["properties"][synced]).is_empty());
    let second = read(&api, &format!("/v1/pages/{TASK2}")).await;
    assert_eq!(
        ids(&second["properties"][synced]),
        vec![sprint_id.to_owned()]
    );
    // Removing one side of the two-way relation removes the other.
    patch(
        &api,
        &format!("/v1/data_sources/{sprints}"),
        &json!({ "properties": { "Tasks": null } }),
    )
    .await;
    let tasks = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    assert!(tasks["properties"].get(synced).is_none(), "{synced}");
    let second = read(&api, &format!("/v1/pages/{TASK2}")).await;
    assert!(second["properties"].get(synced).is_none());
}

#[asym::clone("notion", seed = "basic")]
async fn rollups_are_computed_over_related_pages(notion: asym::Notion) {
    let api = api(&notion);
    with_points(&api).await;
    set_properties(
        &api,
        TASK2,
        json!({ "Points": { "number": 5 }, "Done": { "checkbox": false } }),
    )
    .await;
    let sprints = sprints(&api).await;
    let rollup = |relation: &str, property: &str, function: &str| json!({ "rollup": { "relation_property_name": relation, "rollup_property_name": property, "function": function } });
    let ds = patch(
        &api,
        &format!("/v1/data_sources/{sprints}"),
        &json!({ "properties": {
            "Total": rollup("Tasks", "Points", "sum"),
            "Count": rollup("Tasks", "Name", "count"),
            "Names": rollup("Tasks", "Name", "show_original"),
            "Finished": rollup("Tasks", "Done", "percent_checked"),
            "PerStatus": rollup("Tasks", "Status", "count_per_group"),
            "ShareDone": rollup("Tasks", "Done", "percent_per_group")
        } }),
    )
    .await;
    let total = &ds["properties"]["Total"]["rollup"];
    assert_eq!(
        total["relation_property_id"],
        ds["properties"]["Tasks"]["id"]
    );
    assert_eq!(total["rollup_property_name"], "Points");
    assert!(total["rollup_property_id"].is_string(), "{total}");
    let sprint = sprint(&api, &sprints).await;
    let properties = &sprint["properties"];
    assert_eq!(
        properties["Total"]["rollup"],
        json!({ "type": "number", "number": 8, "function": "sum" })
    );
    assert_eq!(properties["Count"]["rollup"]["number"], 2);
    assert_eq!(properties["Finished"]["rollup"]["number"], 0.5);
    let names = &properties["Names"]["rollup"];
    assert_eq!(names["type"], "array");
    assert_eq!(names["array"][0]["type"], "title");
    assert_eq!(names["array"][1]["title"][0]["plain_text"], "Build the API");
    // Per-group rollups have no value type in the API: `unsupported`, their function named.
    for (name, function) in [
        ("PerStatus", "count_per_group"),
        ("ShareDone", "percent_per_group"),
    ] {
        assert_eq!(
            properties[name]["rollup"],
            json!({ "type": "unsupported", "unsupported": {}, "function": function })
        );
        assert_eq!(ds["properties"][name]["rollup"]["function"], function);
    }
    let message = invalid(
        api.post(
            &format!("/v1/data_sources/{sprints}/query"),
            &json!({ "filter": { "property": "PerStatus", "rollup": { "number": { "equals": 1 } } } }),
        )
        .await,
    );
    assert!(
        message.contains("`PerStatus` (count_per_group) answers no value the API can filter on"),
        "{message}"
    );
    let sorted = post(
        &api,
        &format!("/v1/data_sources/{sprints}/query"),
        &json!({ "sorts": [{ "property": "PerStatus", "direction": "ascending" }] }),
    )
    .await;
    assert_eq!(sorted["results"].as_array().unwrap().len(), 1);
    // A query answers the same values; the property item lists the relations.
    let listed = post(
        &api,
        &format!("/v1/data_sources/{sprints}/query"),
        &json!({}),
    )
    .await;
    assert_eq!(
        listed["results"][0]["properties"]["Total"]["rollup"]["number"],
        8
    );
    let sprint_id = sprint["id"].as_str().unwrap();
    let total_id = properties["Total"]["id"].as_str().unwrap();
    let item = read(
        &api,
        &format!("/v1/pages/{sprint_id}/properties/{total_id}?page_size=1"),
    )
    .await;
    assert_eq!(item["object"], "list");
    assert_eq!(item["results"][0]["relation"]["id"], TASK1);
    assert_eq!(item["has_more"], true);
    assert_eq!(item["property_item"]["type"], "rollup");
    assert_eq!(item["property_item"]["rollup"]["number"], 8);
    // Changing a related page changes the rollup.
    task(&api, "unrelated", json!({})).await;
    set_properties(&api, TASK1, json!({ "Points": { "number": 10 } })).await;
    let again = read(&api, &format!("/v1/pages/{sprint_id}")).await;
    assert_eq!(again["properties"]["Total"]["rollup"]["number"], 15);
    // Rollups are read-only, and must name a relation, a property and a function that exist.
    invalid(
        api.patch(
            &format!("/v1/pages/{sprint_id}"),
            &json!({ "properties": { "Total": { "rollup": { "number": 1 } } } }),
        )
        .await,
    );
    for (bad, named) in [
        (rollup("Name", "Points", "sum"), "`Name`"),
        (rollup("Tasks", "Nope", "sum"), "`Nope`"),
        (rollup("Tasks", "Points", "frobnicate"), "`frobnicate`"),
        (
            json!({ "rollup": "x" }),
            "body.properties.Bad.rollup should be an object",
        ),
        (
            json!({ "rollup": { "relation_property_name": "Tasks", "rollup_property_name": "Points" } }),
            "body.properties.Bad.rollup.function should be a string",
        ),
    ] {
        refused(&api, &sprints, bad, named).await;
    }
    let schema = read(&api, &format!("/v1/data_sources/{sprints}")).await;
    assert!(schema["properties"].get("Bad").is_none());
}
