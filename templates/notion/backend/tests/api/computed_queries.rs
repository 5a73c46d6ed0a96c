//! Queries filtering and sorting on formula and rollup properties: every condition family,
//! nested in `and`/`or` with stored properties, sorts both ways with empty values last, and
//! conditions of the wrong type refused.

use serde_json::{Value, json};

use crate::common::{
    DATABASE, TASK1, TASK2, TASKS, api, invalid, legacy, patch, post, query_tasks, set_properties,
    tasks_query, titles,
};

const TASK3: &str = "40000000-0000-4000-8000-000000000003";
const DESIGN: &str = "Design the schema";
const BUILD: &str = "Build the API";
const DOCS: &str = "Write the docs";
const FIX: &str = "Fix the login bug";

/// Gives Tasks `Points` (3, 5, 1 and none for the four tasks), formulas over it and the
/// due date, and rollups over the `Related` relation (Build the API → Design the schema;
/// Write the docs → both):
///
/// | task | Double | Label | Big | Late | RelPoints | RelNames | RelDue |
/// |---|---|---|---|---|---|---|---|
/// | Design the schema | 6 | Design the schema! | true | 2025-01-27 | 0 | — | — |
/// | Build the API | 10 | Build the API! | true | 2025-02-08 | 3 | Design… | 2025-01-20 |
/// | Write the docs | 2 | Write the docs! | false | 2025-02-22 | 8 | Design…, Build… | 2025-02-01 |
/// | Fix the login bug | 0 | Fix the login bug! | false | — | 0 | — | — |
async fn computed_tasks(api: &asym_kit::testing::Api) {
    let ds = format!("/v1/data_sources/{TASKS}");
    patch(
        api,
        &ds,
        &json!({ "properties": {
            "Points": { "number": {} },
            "Double": { "formula": { "expression": "prop(\"Points\") * 2" } },
            "Label": { "formula": { "expression": "concat(prop(\"Name\"), \"!\")" } },
            "Big": { "formula": { "expression": "prop(\"Points\") > 2" } },
            "Late": { "formula": { "expression": "dateAdd(prop(\"Due\"), 1, \"weeks\")" } }
        } }),
    )
    .await;
    let rollup = |property: &str, function: &str| json!({ "rollup": { "relation_property_name": "Related", "rollup_property_name": property, "function": function } });
    patch(
        api,
        &ds,
        &json!({ "properties": {
            "RelPoints": rollup("Points", "sum"),
            "RelNames": rollup("Name", "show_original"),
            "RelDue": rollup("Due", "latest_date")
        } }),
    )
    .await;
    for (page, points) in [(TASK1, json!(3)), (TASK2, json!(5)), (TASK3, json!(1))] {
        set_properties(api, page, json!({ "Points": { "number": points } })).await;
    }
    set_properties(
        api,
        TASK3,
        json!({ "Related": { "relation": [{ "id": TASK1 }, { "id": TASK2 }] } }),
    )
    .await;
}

/// The titles a query of Tasks answers, in order.
async fn queried(api: &asym_kit::testing::Api, body: Value) -> Vec<String> {
    titles(&query_tasks(api, &body).await)
}

/// The same titles, sorted (for filters without sorts).
async fn matching(api: &asym_kit::testing::Api, filter: Value) -> Vec<String> {
    let mut found = queried(api, json!({ "filter": filter })).await;
    found.sort();
    found
}

fn sorted(names: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    names.sort();
    names
}

#[asym::clone("notion", seed = "basic")]
async fn filters_on_formulas_and_rollups(notion: asym::Notion) {
    let api = api(&notion);
    computed_tasks(&api).await;
    let on = |property: &str, kind: &str, condition: Value| json!({ "property": property, kind: condition });
    let cases = [
        (
            on(
                "Double",
                "formula",
                json!({ "number": { "greater_than": 5 } }),
            ),
            &[DESIGN, BUILD][..],
        ),
        (
            on("Double", "formula", json!({ "number": { "equals": 0 } })),
            &[FIX][..],
        ),
        (
            on(
                "Label",
                "formula",
                json!({ "string": { "contains": "api" } }),
            ),
            &[BUILD][..],
        ),
        (
            on(
                "Label",
                "formula",
                json!({ "string": { "ends_with": "docs!" } }),
            ),
            &[DOCS][..],
        ),
        (
            on("Big", "formula", json!({ "checkbox": { "equals": true } })),
            &[DESIGN, BUILD][..],
        ),
        (
            on(
                "Big",
                "formula",
                json!({ "checkbox": { "does_not_equal": true } }),
            ),
            &[DOCS, FIX][..],
        ),
        (
            on(
                "Late",
                "formula",
                json!({ "date": { "on_or_after": "2025-02-08" } }),
            ),
            &[BUILD, DOCS][..],
        ),
        (
            on("Late", "formula", json!({ "date": { "is_empty": true } })),
            &[FIX][..],
        ),
        (
            on(
                "RelPoints",
                "rollup",
                json!({ "number": { "greater_than": 0 } }),
            ),
            &[BUILD, DOCS][..],
        ),
        (
            on("RelPoints", "rollup", json!({ "number": { "equals": 0 } })),
            &[DESIGN, FIX][..],
        ),
        (
            on(
                "RelDue",
                "rollup",
                json!({ "date": { "before": "2025-01-25" } }),
            ),
            &[BUILD][..],
        ),
        (
            on("RelDue", "rollup", json!({ "date": { "is_empty": true } })),
            &[DESIGN, FIX][..],
        ),
        (
            on(
                "RelNames",
                "rollup",
                json!({ "any": { "rich_text": { "contains": "api" } } }),
            ),
            &[DOCS][..],
        ),
        (
            on(
                "RelNames",
                "rollup",
                json!({ "every": { "rich_text": { "contains": "schema" } } }),
            ),
            &[DESIGN, BUILD, FIX][..],
        ),
        (
            on(
                "RelNames",
                "rollup",
                json!({ "none": { "rich_text": { "starts_with": "design" } } }),
            ),
            &[DESIGN, FIX][..],
        ),
        (
            json!({ "and": [
                on("Double", "formula", json!({ "number": { "greater_than": 1 } })),
                { "or": [
                    on("Label", "formula", json!({ "string": { "starts_with": "write" } })),
                    on("RelPoints", "rollup", json!({ "number": { "equals": 3 } }))
                ] }
            ] }),
            &[BUILD, DOCS][..],
        ),
        (
            json!({ "and": [
                { "property": "Status", "status": { "does_not_equal": "Done" } },
                on("Big", "formula", json!({ "checkbox": { "equals": true } }))
            ] }),
            &[BUILD][..],
        ),
        (
            json!({ "or": [
                { "property": "Priority", "select": { "equals": "Low" } },
                on("RelDue", "rollup", json!({ "date": { "on_or_after": "2025-01-01" } }))
            ] }),
            &[BUILD, DOCS][..],
        ),
    ];
    for (filter, expected) in cases {
        assert_eq!(
            matching(&api, filter.clone()).await,
            sorted(expected),
            "{filter}"
        );
    }
    // 2022-06-28's database query filters the same way.
    let old = post(
        &legacy(&notion),
        &format!("/v1/databases/{DATABASE}/query"),
        &json!({ "filter": on("Big", "formula", json!({ "checkbox": { "equals": true } })) }),
    )
    .await;
    assert_eq!(old["results"].as_array().unwrap().len(), 2, "{old}");
    // A value computed from another page follows it.
    set_properties(&api, TASK1, json!({ "Points": { "number": 30 } })).await;
    let filter = on(
        "RelPoints",
        "rollup",
        json!({ "number": { "greater_than": 30 } }),
    );
    assert_eq!(matching(&api, filter).await, sorted(&[DOCS]));
}

#[asym::clone("notion", seed = "basic")]
async fn sorts_on_formulas_and_rollups(notion: asym::Notion) {
    let api = api(&notion);
    computed_tasks(&api).await;
    let by = |sorts: Value| json!({ "sorts": sorts });
    let cases = [
        (
            json!([{ "property": "Double", "direction": "ascending" }]),
            [FIX, DOCS, DESIGN, BUILD],
        ),
        (
            json!([{ "property": "Label", "direction": "descending" }]),
            [DOCS, FIX, DESIGN, BUILD],
        ),
        // Empty values last, both ways.
        (
            json!([{ "property": "Late", "direction": "ascending" }]),
            [DESIGN, BUILD, DOCS, FIX],
        ),
        (
            json!([{ "property": "Late", "direction": "descending" }]),
            [DOCS, BUILD, DESIGN, FIX],
        ),
        (
            json!([{ "property": "RelDue", "direction": "ascending" }]),
            [BUILD, DOCS, DESIGN, FIX],
        ),
        (
            json!([{ "property": "RelDue", "direction": "descending" }]),
            [DOCS, BUILD, DESIGN, FIX],
        ),
        // Equal values fall through to the next sort.
        (
            json!([{ "property": "RelPoints", "direction": "descending" }, { "property": "Name", "direction": "descending" }]),
            [DOCS, BUILD, FIX, DESIGN],
        ),
        (
            json!([{ "property": "Big", "direction": "ascending" }, { "property": "Double", "direction": "descending" }]),
            [DOCS, FIX, BUILD, DESIGN],
        ),
        (
            json!([{ "property": "RelNames", "direction": "ascending" }]),
            [BUILD, DOCS, DESIGN, FIX],
        ),
    ];
    for (sorts, expected) in cases {
        assert_eq!(queried(&api, by(sorts.clone())).await, expected, "{sorts}");
    }
    // Filtered, sorted and paged together.
    let body = json!({
        "filter": { "property": "Double", "formula": { "number": { "greater_than": 1 } } },
        "sorts": [{ "property": "Late", "direction": "descending" }],
        "page_size": 2
    });
    let first = query_tasks(&api, &body).await;
    assert_eq!(first["has_more"], true);
    let mut next = body.clone();
    next["start_cursor"] = first["next_cursor"].clone();
    let second = query_tasks(&api, &next).await;
    let mut all = titles(&first);
    all.extend(titles(&second));
    assert_eq!(all, [DOCS, BUILD, DESIGN]);
}

#[asym::clone("notion", seed = "basic")]
async fn conditions_of_the_wrong_type_are_refused(notion: asym::Notion) {
    let api = api(&notion);
    computed_tasks(&api).await;
    let before = queried(&api, json!({})).await;
    for (filter, named) in [
        (
            json!({ "property": "Double", "formula": { "string": { "contains": "6" } } }),
            "`number`",
        ),
        (
            json!({ "property": "Label", "formula": { "number": { "equals": 1 } } }),
            "`string`",
        ),
        (
            json!({ "property": "Big", "formula": { "date": { "is_empty": true } } }),
            "`checkbox`",
        ),
        (
            json!({ "property": "Late", "formula": { "checkbox": { "equals": true } } }),
            "`date`",
        ),
        (
            json!({ "property": "Double", "formula": { "number": { "contains": 6 } } }),
            "greater_than",
        ),
        (
            json!({ "property": "Double", "formula": { "text": { "contains": "6" } } }),
            "string, checkbox, number, date",
        ),
        (
            json!({ "property": "Double", "number": { "equals": 6 } }),
            "formula",
        ),
        (
            json!({ "property": "RelPoints", "rollup": { "any": { "number": { "equals": 3 } } } }),
            "`number`",
        ),
        (
            json!({ "property": "RelPoints", "rollup": { "date": { "is_empty": true } } }),
            "`number`",
        ),
        (
            json!({ "property": "RelNames", "rollup": { "number": { "equals": 3 } } }),
            "`any`, `every` or `none`",
        ),
        (
            json!({ "property": "RelNames", "rollup": { "any": { "number": { "equals": 3 } } } }),
            "`rich_text`",
        ),
        (
            json!({ "property": "RelNames", "rollup": { "some": { "rich_text": { "equals": "x" } } } }),
            "any, every, none",
        ),
        (
            json!({ "and": [{ "or": [{ "property": "RelDue", "rollup": { "number": { "equals": 1 } } }] }] }),
            "`date`",
        ),
    ] {
        let reply = api.post(&tasks_query(), &json!({ "filter": filter })).await;
        let message = invalid(reply);
        assert!(message.contains(named), "{filter}: {message}");
    }
    let reply = api
        .post(
            &tasks_query(),
            &json!({ "sorts": [{ "property": "Double", "direction": "sideways" }] }),
        )
        .await;
    invalid(reply);
    assert_eq!(queried(&api, json!({})).await, before);
}
