//! Data source templates and custom emojis: listed from the fixture, paginated by id.

use asym_kit::testing::{Api, Reply, pluck};
use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, PRIVATE, PROJECTS, TASK1, TASKS, api, invalid, not_found, read, tasks_query,
    text,
};

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
    assert_eq!(all.get("custom_emoji"), None, "{all}");
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

/// One page of the list at `path`: `GET` with `page_size`/`start_cursor` in the query, or,
/// given a `body`, `POST` with them in it.
async fn list_page(
    api: &Api,
    (path, body): (&str, Option<&Value>),
    size: Option<u32>,
    cursor: Option<&str>,
) -> Reply {
    let Some(body) = body else {
        let pairs: Vec<String> = size
            .map(|size| format!("page_size={size}"))
            .into_iter()
            .chain(cursor.map(|cursor| format!("start_cursor={cursor}")))
            .collect();
        let join = if path.contains('?') { '&' } else { '?' };
        return api.get(&format!("{path}{join}{}", pairs.join("&"))).await;
    };
    let mut body = body.clone();
    if let Some(size) = size {
        body["page_size"] = json!(size);
    }
    if let Some(cursor) = cursor {
        body["start_cursor"] = json!(cursor);
    }
    api.post(path, &body).await
}

/// As Notion's, every list's `next_cursor` is the id of the first result its page left off
/// (a user's, a block's, a comment's, a page's or a data source's), and the next page starts
/// at it; a `start_cursor` naming nothing in the list (garbled, unknown, or another list's
/// result) is Notion's validation error naming the cursor.
#[asym::clone("notion", seed = "basic")]
async fn list_cursors_are_the_next_result_id(notion: asym::Notion) {
    let api = api(&notion);
    let search = json!({ "sort": { "timestamp": "last_edited_time", "direction": "ascending" } });
    let lists = [
        ("/v1/users".to_owned(), None),
        (format!("/v1/blocks/{MEETING}/children"), None),
        (format!("/v1/comments?block_id={TASK1}"), None),
        ("/v1/search".to_owned(), Some(&search)),
        (tasks_query(), Some(&json!({}))),
    ];
    for (path, body) in &lists {
        let list = (path.as_str(), *body);
        let all = pluck(
            &list_page(&api, list, None, None).await.expect(200)["results"],
            "id",
        );
        assert!(all.len() >= 2, "{path}: {all:?}");
        let first = list_page(&api, list, Some(1), None).await.expect(200);
        assert_eq!(first["next_cursor"], all[1], "{path}");
        let second = list_page(&api, list, Some(1), Some(&all[1]))
            .await
            .expect(200);
        assert_eq!(pluck(&second["results"], "id"), all[1..2], "{path}");
        let after = all.get(2).map_or(Value::Null, |id| json!(id));
        assert_eq!(second["next_cursor"], after, "{path}");
        let last = list_page(&api, list, None, Some(&all[all.len() - 1]))
            .await
            .expect(200);
        assert_eq!(
            pluck(&last["results"], "id"),
            [all[all.len() - 1].clone()],
            "{path}"
        );
        assert_eq!(
            (&last["has_more"], &last["next_cursor"]),
            (&json!(false), &Value::Null)
        );
        for wrong in ["garbage", "10000000-0000-4000-8000-0000000000ff", PRIVATE] {
            let message = invalid(list_page(&api, list, None, Some(wrong)).await);
            assert!(
                message.contains("start_cursor") && message.contains(wrong),
                "{path}: {message}"
            );
        }
    }
}
