//! Search over pages and data sources (databases in 2022).

use asym_kit::testing::pluck;
use serde_json::json;

use crate::common::{DATABASE, PRIVATE, TASK1, TASKS, api, invalid, legacy, post, set_trash};

#[asym::clone("notion", seed = "basic")]
async fn search_filters_sorts_and_pages(notion: asym::Notion) {
    let api = api(&notion);
    // Filtered by object (and a query): the data source, the matching task.
    for (body, id, object) in [
        (
            json!({ "filter": { "property": "object", "value": "data_source" } }),
            TASKS,
            "data_source",
        ),
        (
            json!({ "query": "design", "filter": { "property": "object", "value": "page" } }),
            TASK1,
            "page",
        ),
    ] {
        let found = post(&api, "/v1/search", &body).await;
        assert_eq!(found["results"][0]["id"], id, "{body}");
        assert_eq!(found["results"][0]["object"], object, "{body}");
    }
    let mut seen = Vec::new();
    let mut cursor = serde_json::Value::Null;
    loop {
        let body = json!({ "page_size": 3, "start_cursor": cursor, "sort": { "timestamp": "last_edited_time", "direction": "ascending" } });
        let page = post(&api, "/v1/search", &body).await;
        seen.extend(pluck(&page["results"], "id"));
        if page["has_more"] == false {
            break;
        }
        cursor = page["next_cursor"].clone();
    }
    assert_eq!(
        seen.len(),
        7,
        "6 shared pages and the Tasks data source: {seen:?}"
    );
    assert!(!seen.contains(&PRIVATE.to_owned()));
    // 2025-09-03 searches data sources, not databases, and sorts only by last edit.
    for body in [
        json!({ "filter": { "property": "object", "value": "database" } }),
        json!({ "sort": { "timestamp": "created_time", "direction": "ascending" } }),
    ] {
        invalid(api.post("/v1/search", &body).await);
    }

    let old = legacy(&notion)
        .post(
            "/v1/search",
            &json!({ "filter": { "property": "object", "value": "database" } }),
        )
        .await
        .expect(200);
    assert_eq!(old["results"][0]["id"], DATABASE);
    assert!(old["results"][0]["properties"].is_object());
    assert_eq!(old["type"], "page_or_database");
}

#[asym::clone("notion", seed = "basic")]
async fn a_search_filter_refusal_names_what_is_wrong_with_it(notion: asym::Notion) {
    let api = api(&notion);
    for (filter, message) in [
        (
            json!("page"),
            "body.filter should be an object, instead was `\"page\"`.",
        ),
        (
            json!({ "property": "title", "value": "page" }),
            "body.filter.property should be `\"object\"`, instead was `\"title\"`.",
        ),
        (
            json!({ "property": "object", "value": 5 }),
            "body.filter.value should be `\"page\"` or `\"data_source\"`, instead was `5`.",
        ),
        (
            json!({ "property": "object" }),
            "body.filter.value should be `\"page\"` or `\"data_source\"`, instead was `undefined`.",
        ),
        (
            json!({ "in_trash": "yes" }),
            "body.filter.in_trash should be a boolean, instead was `\"yes\"`.",
        ),
        (
            json!({ "property": "object", "value": "page", "in_trash": 1 }),
            "body.filter.in_trash should be a boolean, instead was `1`.",
        ),
    ] {
        let reply = api.post("/v1/search", &json!({ "filter": filter })).await;
        assert_eq!(invalid(reply), format!("body failed validation: {message}"));
    }
    let reply = api
        .post("/v1/search", &json!({ "sort": { "property": "title" } }))
        .await;
    assert_eq!(
        invalid(reply),
        "body failed validation: body.sort.property should be `\"relevance\"`, instead was `\"title\"`."
    );
}

/// `@notionhq/client` 5.26's search filters: `{in_trash: true}` (alone, or beside the object
/// filter) finds what is in the trash and nothing else; `in_trash: false` is the default;
/// `sort: {property: "relevance"}` is taken (answered in the default order).
#[asym::clone("notion", seed = "basic")]
async fn search_finds_the_trash_with_in_trash(notion: asym::Notion) {
    let api = api(&notion);
    let ids = |answer: &serde_json::Value| pluck(&answer["results"], "id");
    let live = post(&api, "/v1/search", &json!({})).await;
    assert!(ids(&live).contains(&TASK1.to_owned()));
    set_trash(&api, &format!("/v1/pages/{TASK1}"), true).await;
    set_trash(&api, &format!("/v1/data_sources/{TASKS}"), true).await;
    let trash = |filter: serde_json::Value| {
        let api = api.clone();
        async move {
            let mut found = ids(&post(&api, "/v1/search", &json!({ "filter": filter })).await);
            found.sort();
            found
        }
    };
    assert_eq!(trash(json!({ "in_trash": true })).await, [TASKS, TASK1]);
    let pages = json!({ "property": "object", "value": "page", "in_trash": true });
    assert_eq!(trash(pages).await, [TASK1]);
    let sources = json!({ "property": "object", "value": "data_source", "in_trash": true });
    assert_eq!(trash(sources).await, [TASKS]);
    for filter in [json!({ "in_trash": false }), json!(null)] {
        let found = trash(filter).await;
        assert!(
            !found.contains(&TASK1.to_owned()) && !found.contains(&TASKS.to_owned()),
            "{found:?}"
        );
        assert_eq!(found.len(), ids(&live).len() - 2, "{found:?}");
    }
    let relevance = post(
        &api,
        "/v1/search",
        &json!({ "query": "design", "sort": { "property": "relevance" }, "filter": { "in_trash": true } }),
    )
    .await;
    assert_eq!(ids(&relevance), [TASK1]);
}
