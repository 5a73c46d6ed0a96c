//! Data source templates applied: on create (`template: {type: "default" | "template_id"}`)
//! and on update (with `erase_content`), in every version the clone serves.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, PROJECTS, TASK1, TASKS, api, current, heard, invalid, legacy, markdown_text,
    not_found, patch, plain, post, query_tasks, read, text, verified_receiver,
};

const BUG_REPORT: &str = "90000000-0000-4000-8000-000000000001";
const FEATURE_REQUEST: &str = "90000000-0000-4000-8000-000000000002";

/// The types of page `id`'s blocks, in order.
async fn block_types(api: &Api, id: &str) -> Vec<String> {
    pluck(
        &read(api, &format!("/v1/blocks/{id}/children")).await["results"],
        "type",
    )
}

/// A task body under `parent` named `name` with `template`.
fn templated(parent: Value, name: &str, template: Value) -> Value {
    json!({ "parent": parent, "properties": { "Name": { "title": text(name) } }, "template": template })
}

#[asym::clone("notion", seed = "basic")]
async fn templates_give_pages_their_properties_and_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let receiver = verified_receiver(&notion).await;
    let mut body = templated(
        json!({ "data_source_id": TASKS }),
        "Crash on save",
        json!({ "type": "default" }),
    );
    body["properties"]["Priority"] = json!({ "select": { "name": "Low" } });
    let page = post(&api, "/v1/pages", &body).await;
    let id = page["id"].as_str().unwrap();
    let properties = &page["properties"];
    assert_eq!(plain(&properties["Name"]), "Crash on save");
    assert_eq!(
        properties["Priority"]["select"]["name"], "Low",
        "the request's value wins"
    );
    assert_eq!(
        pluck(&properties["Tags"]["multi_select"], "name"),
        ["Backend"]
    );
    assert_eq!(
        block_types(&api, id).await,
        ["heading_2", "numbered_list_item", "to_do"]
    );
    heard(&receiver, "page.created").await;
    let row = heard(&receiver, "data_source.content_updated").await;
    assert_eq!(row["data"]["updated_blocks"][0]["id"], id);
    let applied = receiver.delivery().await.json();
    assert_eq!(applied["type"], "page.content_updated");
    assert_eq!(applied["entity"]["id"], id);
    assert_eq!(
        applied["data"]["updated_blocks"].as_array().unwrap().len(),
        3
    );

    // A template by id, under the database in 2022-06-28.
    let idea = post(
        &legacy(&notion),
        "/v1/pages",
        &templated(
            json!({ "database_id": DATABASE }),
            "Dark mode",
            json!({ "type": "template_id", "template_id": FEATURE_REQUEST }),
        ),
    )
    .await;
    assert_eq!(
        idea["properties"]["Status"]["status"]["name"],
        "Not started"
    );
    assert_eq!(idea["properties"]["Priority"]["select"]["name"], "Low");
    let idea_id = idea["id"].as_str().unwrap();
    assert_eq!(
        block_types(&api, idea_id).await,
        ["heading_2", "column_list"]
    );

    // Applied to an existing page, its blocks erased first; erasing alone empties it.
    let before = block_types(&api, TASK1).await;
    assert!(!before.is_empty());
    let task = patch(
        &current(&notion),
        &format!("/v1/pages/{TASK1}"),
        &json!({ "template": { "type": "template_id", "template_id": BUG_REPORT }, "erase_content": true }),
    )
    .await;
    assert_eq!(task["properties"]["Priority"]["select"]["name"], "High");
    assert_eq!(plain(&task["properties"]["Name"]), "Design the schema");
    assert_eq!(
        block_types(&api, TASK1).await,
        ["heading_2", "numbered_list_item", "to_do"]
    );
    patch(
        &api,
        &format!("/v1/pages/{idea_id}"),
        &json!({ "erase_content": true }),
    )
    .await;
    assert!(block_types(&api, idea_id).await.is_empty());
}

#[asym::clone("notion", seed = "basic")]
async fn templates_are_refused_where_they_do_not_apply(notion: asym::Notion) {
    let in_tasks = json!({ "data_source_id": TASKS });
    let missing = "00000000-0000-4000-8000-000000000000";
    let mut with_children = templated(in_tasks.clone(), "x", json!({ "type": "default" }));
    with_children["children"] = json!([{ "divider": {} }]);
    let invalid_creates = [
        (
            templated(
                json!({ "page_id": PROJECTS }),
                "x",
                json!({ "type": "default" }),
            ),
            "body.template",
        ),
        (with_children, "body.children"),
        (
            templated(in_tasks.clone(), "x", json!({ "type": "bogus" })),
            "body.template.type",
        ),
        (
            templated(
                in_tasks.clone(),
                "x",
                json!({ "type": "template_id", "template_id": "nope" }),
            ),
            "body.template.template_id",
        ),
    ];
    for client in [api(&notion), legacy(&notion), current(&notion)] {
        for (body, wanted) in &invalid_creates {
            let message = invalid(client.post("/v1/pages", body).await);
            assert!(message.contains(wanted), "{message}");
        }
        let unknown = json!({ "type": "template_id", "template_id": missing });
        not_found(
            client
                .post("/v1/pages", &templated(in_tasks.clone(), "x", unknown))
                .await,
        );
        let message = invalid(
            client
                .patch(
                    &format!("/v1/pages/{MEETING}"),
                    &json!({ "template": { "type": "default" } }),
                )
                .await,
        );
        assert!(message.contains("body.template"), "{message}");
        invalid(
            client
                .patch(
                    &format!("/v1/pages/{TASK1}"),
                    &json!({ "erase_content": "yes" }),
                )
                .await,
        );
    }
    assert!(!block_types(&api(&notion), MEETING).await.is_empty());
}

#[asym::clone("notion", seed = "basic")]
async fn templates_are_pages(notion: asym::Notion) {
    let api = api(&notion);
    // Notion: "Templates are also valid Notion pages, so you can retrieve a template's full
    // properties and content using the Retrieve a page API."
    let listed = read(&api, &format!("/v1/data_sources/{TASKS}/templates")).await;
    let id = listed["templates"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(id, BUG_REPORT);
    let page = read(&api, &format!("/v1/pages/{id}")).await;
    assert_eq!(page["object"], "page");
    assert_eq!(page["parent"]["data_source_id"], TASKS);
    assert_eq!(plain(&page["properties"]["Name"]), "Bug report");
    assert_eq!(page["properties"]["Priority"]["select"]["name"], "High");
    assert_eq!(
        block_types(&api, &id).await,
        ["heading_2", "numbered_list_item", "to_do"]
    );
    assert_eq!(
        block_types(&api, FEATURE_REQUEST).await,
        ["heading_2", "column_list"]
    );
    assert_eq!(
        markdown_text(&api, &id).await,
        "## Steps to reproduce\n1. Open the page\n- [ ] Write a failing test"
    );
    // Queries and search leave templates out.
    let query = query_tasks(&api, &json!({})).await;
    assert!(!pluck(&query["results"], "id").contains(&id), "{query}");
    let search = post(&api, "/v1/search", &json!({ "query": "Bug report" })).await;
    assert_eq!(search["results"], json!([]));
}
