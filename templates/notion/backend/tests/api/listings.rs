//! Data source templates and custom emojis: listed from the fixture, paginated by id.

use serde_json::json;

use crate::common::{DATABASE, PROJECTS, TASKS, api, invalid, not_found, read, text};

#[asym::clone("notion", seed = "basic")]
async fn templates_are_listed(notion: asym::Notion) {
    let api = api(&notion);
    let path = format!("/v1/data_sources/{TASKS}/templates");
    let all = read(&api, &path).await;
    assert_eq!(
        all,
        json!({
            "templates": [
                { "id": "90000000-0000-4000-8000-000000000001", "name": "Bug report", "is_default": true },
                { "id": "90000000-0000-4000-8000-000000000002", "name": "Feature request", "is_default": false }
            ],
            "has_more": false,
            "next_cursor": null
        })
    );
    let first = read(&api, &format!("{path}?page_size=1")).await;
    assert_eq!(first["has_more"], true);
    assert_eq!(first["next_cursor"], "90000000-0000-4000-8000-000000000002");
    let second = read(
        &api,
        &format!("{path}?page_size=1&start_cursor=90000000-0000-4000-8000-000000000002"),
    )
    .await;
    assert_eq!(second["templates"][0]["name"], "Feature request");
    assert_eq!(second["has_more"], false);
    let named = read(&api, &format!("{path}?name=feature")).await;
    assert_eq!(named["templates"].as_array().unwrap().len(), 1);
    invalid(api.get(&format!("{path}?start_cursor=nope")).await);
    invalid(api.get(&format!("{path}?page_size=101")).await);
    not_found(
        api.get(&format!("/v1/data_sources/{DATABASE}/templates"))
            .await,
    );
    // Templates apply to pages in their data source only (see `templates.rs`).
    let message = invalid(
        api.post(
            "/v1/pages",
            &json!({
                "parent": { "page_id": PROJECTS },
                "properties": { "title": { "title": text("From a template") } },
                "template": { "type": "default" }
            }),
        )
        .await,
    );
    assert!(message.contains("body.template"), "{message}");
    api.post(
        "/v1/pages",
        &json!({ "parent": { "page_id": PROJECTS }, "template": { "type": "none" } }),
    )
    .await
    .expect(200);
}

#[asym::clone("notion", seed = "basic")]
async fn custom_emojis_are_listed(notion: asym::Notion) {
    let api = api(&notion);
    let all = read(&api, "/v1/custom_emojis").await;
    assert_eq!(all["object"], "list");
    assert_eq!(all["type"], "custom_emoji");
    assert_eq!(
        all["results"][0],
        json!({ "id": "e0000000-0000-4000-8000-000000000001", "name": "shipit", "url": "https://example.com/emojis/shipit.png" })
    );
    assert_eq!(all["results"].as_array().unwrap().len(), 2);
    let one = read(&api, "/v1/custom_emojis?name=rocket-cat").await;
    assert_eq!(
        one["results"][0]["id"],
        "e0000000-0000-4000-8000-000000000002"
    );
    assert_eq!(
        read(&api, "/v1/custom_emojis?name=rocket").await["results"],
        json!([])
    );
    let paged = read(&api, "/v1/custom_emojis?page_size=1").await;
    assert_eq!(paged["next_cursor"], "e0000000-0000-4000-8000-000000000002");
}
