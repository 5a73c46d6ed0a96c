//! Formulas 2.0: list functions with `current`, `let`, text functions with regular
//! expressions, the date functions; their values on pages, filters and sorts on them, and
//! the refusals when the schema is written.

use serde_json::{Value, json};

use crate::common::{TASK1, TASK2, TASKS, api, invalid, query_tasks, read, tasks_schema, titles};

const DESIGN: &str = "Design the schema";
const BUILD: &str = "Build the API";
const DOCS: &str = "Write the docs";
const FIX: &str = "Fix the login bug";

/// Adds formulas of each family to Tasks (seeded Tags, names and due dates):
///
/// | task | TagList | TagCount | Words | Starts | Window | Weekday | Stamp |
/// |---|---|---|---|---|---|---|---|
/// | Design the schema | backend | 1 | 3 | false | 2025-01-20 → 01-22 | 1 | Mon 20 Jan |
/// | Build the API | backend+frontend | 2 | 3 | true | 2025-02-01 → 02-03 | 6 | Sat 1 Feb |
/// | Write the docs | docs | 0 | 3 | true | 2025-02-15 → 02-17 | 6 | Sat 15 Feb |
/// | Fix the login bug | frontend | 1 | 4 | false | — | — | — |
async fn formula_tasks(api: &asym_kit::testing::Api) -> Value {
    tasks_schema(
        api,
        json!({
            "TagList": { "formula": { "expression": r#"prop("Tags").map(lower(current)).sort().join("+")"# } },
            "TagCount": { "formula": { "expression": r#"let(tags, prop("Tags"), tags.filter(current != "Docs").length())"# } },
            "Words": { "formula": { "expression": r#"prop("Name").split(" ").length()"# } },
            "Starts": { "formula": { "expression": r#"test(prop("Name"), "^(Build|Write) ")"# } },
            "Short": { "formula": { "expression": r#"replaceAll(prop("Name"), "[aeiou]", "")"# } },
            "Window": { "formula": { "expression": r#"dateRange(prop("Due"), dateAdd(prop("Due"), 2, "days"))"# } },
            "Weekday": { "formula": { "expression": r#"day(prop("Due"))"# } },
            "Stamp": { "formula": { "expression": r#"formatDate(prop("Due"), "ddd D MMM")"# } }
        }),
    )
    .await
}

#[asym::clone("notion", seed = "basic")]
async fn formulas_2_0_answer_notions_types(notion: asym::Notion) {
    let api = api(&notion);
    let schema = formula_tasks(&api).await;
    let page = read(&api, &format!("/v1/pages/{TASK2}")).await;
    let value = |name: &str| page["properties"][name]["formula"].clone();
    assert_eq!(
        value("TagList"),
        json!({ "type": "string", "string": "backend+frontend" })
    );
    assert_eq!(value("TagCount"), json!({ "type": "number", "number": 2 }));
    assert_eq!(value("Words"), json!({ "type": "number", "number": 3 }));
    assert_eq!(
        value("Starts"),
        json!({ "type": "boolean", "boolean": true })
    );
    assert_eq!(
        value("Short"),
        json!({ "type": "string", "string": "Bld th API" })
    );
    assert_eq!(
        value("Window"),
        json!({ "type": "date", "date": { "start": "2025-02-01", "end": "2025-02-03", "time_zone": null } })
    );
    assert_eq!(value("Weekday"), json!({ "type": "number", "number": 6 }));
    assert_eq!(
        value("Stamp"),
        json!({ "type": "string", "string": "Sat 1 Feb" })
    );
    // The property item answers the same value.
    let id = schema["properties"]["Window"]["id"].as_str().unwrap();
    let item = read(&api, &format!("/v1/pages/{TASK1}/properties/{id}")).await;
    assert_eq!(item["object"], "property_item");
    assert_eq!(
        item["formula"],
        json!({ "type": "date", "date": { "start": "2025-01-20", "end": "2025-01-22", "time_zone": null } })
    );
}

#[asym::clone("notion", seed = "basic")]
async fn filters_and_sorts_on_formulas_2_0(notion: asym::Notion) {
    let api = api(&notion);
    formula_tasks(&api).await;
    let on =
        |property: &str, condition: Value| json!({ "property": property, "formula": condition });
    for (filter, expected) in [
        (
            on("TagCount", json!({ "number": { "greater_than": 1 } })),
            vec![BUILD],
        ),
        (
            on("Starts", json!({ "checkbox": { "equals": true } })),
            vec![BUILD, DOCS],
        ),
        (
            on("TagList", json!({ "string": { "contains": "frontend" } })),
            vec![BUILD, FIX],
        ),
        (
            on("Window", json!({ "date": { "on_or_after": "2025-02-01" } })),
            vec![BUILD, DOCS],
        ),
        (
            on("Window", json!({ "date": { "is_empty": true } })),
            vec![FIX],
        ),
        (
            json!({ "and": [
                on("Words", json!({ "number": { "equals": 3 } })),
                on("Stamp", json!({ "string": { "starts_with": "Sat" } }))
            ] }),
            vec![BUILD, DOCS],
        ),
    ] {
        let mut found = titles(&query_tasks(&api, &json!({ "filter": filter })).await);
        found.sort();
        let mut expected: Vec<String> = expected.into_iter().map(str::to_owned).collect();
        expected.sort();
        assert_eq!(found, expected, "{filter}");
    }
    for (sorts, expected) in [
        (
            json!([{ "property": "TagList", "direction": "ascending" }]),
            [DESIGN, BUILD, DOCS, FIX],
        ),
        (
            json!([{ "property": "Stamp", "direction": "descending" }]),
            [DOCS, BUILD, DESIGN, FIX],
        ),
    ] {
        let found = titles(&query_tasks(&api, &json!({ "sorts": sorts })).await);
        assert_eq!(found, expected, "{sorts}");
    }
    // A condition of another type than the formula's result is refused, naming the type.
    let reply = api
        .post(
            &format!("/v1/data_sources/{TASKS}/query"),
            &json!({ "filter": on("Window", json!({ "string": { "equals": "x" } })) }),
        )
        .await;
    let message = invalid(reply);
    assert!(
        message.contains("answers a date") && message.contains("use `date`"),
        "{message}"
    );
}

#[asym::clone("notion", seed = "basic")]
async fn regular_expressions_read_javascripts_syntax(notion: asym::Notion) {
    let api = api(&notion);
    tasks_schema(
        &api,
        json!({
            "Swapped": { "formula": { "expression": r#"replace(prop("Name"), "^(\\w+) (?<rest>.*)$", "$<rest>, $1 ($$)")"# } },
            "Initials": { "formula": { "expression": r#"match(prop("Name"), "\\b\\w").join("")"# } },
            "Spaced": { "formula": { "expression": r#"replaceAll(prop("Name"), "\\s+", "_")"# } },
            "Braces": { "formula": { "expression": r#"test(prop("Name"), "^\\w{5} [^]he")"# } },
            "Nested": { "formula": { "expression": r#"test(repeat("a", 5000) + "!", "(a+)+$")"# } },
            "Letters": { "formula": { "expression": r#"prop("Initials").length()"# } }
        }),
    )
    .await;
    let page = read(&api, &format!("/v1/pages/{TASK2}")).await;
    let value = |name: &str| page["properties"][name]["formula"].clone();
    let text = |s: &str| json!({ "type": "string", "string": s });
    assert_eq!(value("Swapped"), text("the API, Build ($)"));
    assert_eq!(value("Initials"), text("BtA"));
    assert_eq!(value("Spaced"), text("Build_the_API"));
    assert_eq!(
        value("Braces"),
        json!({ "type": "boolean", "boolean": true })
    );
    // A pattern that sends a backtracking matcher into a spin answers at once.
    assert_eq!(
        value("Nested"),
        json!({ "type": "boolean", "boolean": false })
    );
    let filtered = query_tasks(
        &api,
        &json!({ "filter": { "property": "Initials", "formula": { "string": { "equals": "Ftlb" } } } }),
    )
    .await;
    assert_eq!(titles(&filtered), [FIX]);
    // A formula of a formula filters on what the inner one reads.
    let filtered = query_tasks(
        &api,
        &json!({ "filter": { "property": "Letters", "formula": { "number": { "equals": 4 } } } }),
    )
    .await;
    assert_eq!(titles(&filtered), [FIX]);
}

#[asym::clone("notion", seed = "basic")]
async fn formulas_naming_what_is_not_there_are_refused(notion: asym::Notion) {
    let api = api(&notion);
    for (expression, reason) in [
        (
            "current > 1",
            "`current` is only defined inside map(), filter() and the other list functions",
        ),
        (r#"let(x, prop("Name"), y)"#, "unknown name `y`"),
        (
            "let(1, 2, 3)",
            "let() and lets() name each variable with a bare word",
        ),
        (
            r#"test(prop("Name"), "(a")"#,
            "test(): invalid regular expression `(a`: unterminated group",
        ),
        (
            r#"test(prop("Name"), "(?<=a)b")"#,
            "test(): invalid regular expression `(?<=a)b`: lookarounds are not supported",
        ),
        (
            r#"replace(prop("Name"), "(a)\\1", "")"#,
            "replace(): invalid regular expression `(a)\\1`: backreferences are not supported",
        ),
        (
            r#"match(prop("Name"), "(?:a{1000}){1000}")"#,
            "match(): invalid regular expression `(?:a{1000}){1000}`: pattern too large",
        ),
        (
            r#"dateAdd(prop("Due"), 1, "fortnights")"#,
            "dateAdd(): unknown unit `fortnights`",
        ),
        (
            r#"ifs(prop("Done"), 1, false, 2)"#,
            "ifs() takes conditions and values in pairs, then a default",
        ),
        (r#"toBase64(prop("Name"))"#, "unknown function `toBase64`"),
        (
            r#"prop("Related").map(current.prop("Name"))"#,
            "`.prop()` (a property of related pages) is not supported by this clone",
        ),
    ] {
        let body = json!({ "properties": { "Bad": { "formula": { "expression": expression } } } });
        let reply = api.patch(&format!("/v1/data_sources/{TASKS}"), &body).await;
        let message = invalid(reply);
        assert!(
            message.contains(&format!("the formula of `Bad` is invalid: {reason}")),
            "{expression}: {message}"
        );
    }
    let schema = read(&api, &format!("/v1/data_sources/{TASKS}")).await;
    assert!(schema["properties"].get("Bad").is_none());
}
