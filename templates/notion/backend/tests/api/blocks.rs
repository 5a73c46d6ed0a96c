//! Blocks: children list and append (end, after, start), nesting, update, delete.

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::common::{
    ADA, DATABASE, MEETING, PRIVATE, TASK1, api, invalid, len, not_found, page_under, patch, read,
    set_properties, set_trash, text,
};

#[asym::clone("notion", seed = "basic")]
async fn seeded_content_and_nesting(notion: asym::Notion) {
    let api = api(&notion);
    let list = read(&api, &format!("/v1/blocks/{MEETING}/children?page_size=2")).await;
    assert_eq!(list["type"], "block");
    assert_eq!(pluck(&list["results"], "type"), ["heading_1", "toggle"]);
    assert_eq!(list["has_more"], true);
    let toggle = &list["results"][1];
    assert_eq!(toggle["has_children"], true);
    assert_eq!(
        toggle["parent"],
        json!({ "type": "page_id", "page_id": MEETING })
    );
    let nested = read(
        &api,
        &format!("/v1/blocks/{}/children", toggle["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(nested["results"][0]["parent"]["type"], "block_id");
    let all = read(&api, &format!("/v1/blocks/{MEETING}/children")).await;
    assert_eq!(
        pluck(&all["results"], "type"),
        ["heading_1", "toggle", "callout", "quote", "divider", "code"]
    );
}

#[asym::clone("notion", seed = "basic")]
async fn append_after_start_update_delete(notion: asym::Notion) {
    let api = api(&notion);
    let path = format!("/v1/blocks/{TASK1}/children");
    let children = json!({ "children": [
        { "bulleted_list_item": { "rich_text": text("one"), "children": [
            { "numbered_list_item": { "rich_text": text("deep"), "children": [{ "to_do": { "rich_text": text("deepest") } }] } }
        ] } },
        { "image": { "type": "external", "external": { "url": "https://example.com/a.png" } } },
        { "bookmark": { "url": "https://example.com" } },
        { "callout": { "rich_text": [{ "type": "mention", "mention": { "type": "date", "date": { "start": "2025-01-01" } } }] } }
    ] });
    let appended = patch(&api, &path, &children).await;
    let new = appended["results"].as_array().unwrap();
    assert_eq!(new.len(), 4);
    assert_eq!(new[0]["has_children"], true);
    assert_eq!(
        new[3]["callout"]["rich_text"][0]["plain_text"],
        "2025-01-01"
    );
    let first = read(&api, &path).await["results"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    patch(
        &api,
        &path,
        &json!({ "after": first, "children": [{ "divider": {} }] }),
    )
    .await;
    let quote = json!({ "position": { "type": "start" }, "children": [{ "quote": { "rich_text": text("q") } }] });
    patch(&api, &path, &quote).await;
    let order = pluck(&read(&api, &path).await["results"], "type");
    assert_eq!(order[..3], ["quote", "heading_2", "divider"]);
    assert_eq!(order.last().unwrap(), "callout");

    let id = new[0]["id"].as_str().unwrap();
    let updated = patch(
        &api,
        &format!("/v1/blocks/{id}"),
        &json!({ "bulleted_list_item": { "rich_text": text("uno"), "color": "red" } }),
    )
    .await;
    assert_eq!(
        updated["bulleted_list_item"]["rich_text"][0]["plain_text"],
        "uno"
    );
    assert_eq!(updated["bulleted_list_item"]["color"], "red");
    invalid(
        api.patch(
            &format!("/v1/blocks/{id}"),
            &json!({ "paragraph": { "rich_text": [] } }),
        )
        .await,
    );
    let deleted = api.delete(&format!("/v1/blocks/{id}")).await.expect(200);
    assert_eq!(deleted["in_trash"], true);
    assert!(
        !pluck(&read(&api, &path).await["results"], "type")
            .contains(&"bulleted_list_item".to_owned())
    );
    let retrieved = read(&api, &format!("/v1/blocks/{id}")).await;
    assert_eq!(retrieved["archived"], true);
}

#[asym::clone("notion", seed = "basic")]
async fn append_errors(notion: asym::Notion) {
    let api = api(&notion);
    let path = format!("/v1/blocks/{TASK1}/children");
    let before = len(&read(&api, &path).await["results"]);
    let three_levels = json!([{ "toggle": { "rich_text": [], "children": [{ "toggle": { "rich_text": [], "children": [
        { "toggle": { "rich_text": [], "children": [{ "divider": {} }] } }
    ] } }] } }]);
    for children in [
        Value::Array(vec![json!({ "divider": {} }); 101]),
        json!([{ "paragraph": { "rich_text": [{ "text": { "content": "x".repeat(2001) } }] } }]),
        json!([{ "paragraph": {} }]),
        json!([{ "child_page": { "title": "no" } }]),
        json!([{ "image": { "external": { "url": "not a url" } } }]),
        three_levels,
        json!("nope"),
    ] {
        invalid(api.patch(&path, &json!({ "children": children })).await);
    }
    invalid(
        api.patch(
            &path,
            &json!({ "after": "00000000-0000-4000-8000-000000000000", "children": [] }),
        )
        .await,
    );
    let after = len(&read(&api, &path).await["results"]);
    assert_eq!(before, after, "nothing half-written");
    not_found(
        api.get("/v1/blocks/00000000-0000-4000-8000-000000000000")
            .await,
    );
}

#[asym::clone("notion", seed = "basic")]
async fn mentions_answer_the_names_they_mention(notion: asym::Notion) {
    let api = api(&notion);
    let mentions = json!([
        { "type": "mention", "mention": { "type": "user", "user": { "id": ADA } } },
        { "type": "mention", "mention": { "type": "page", "page": { "id": MEETING } } },
        { "type": "mention", "mention": { "type": "database", "database": { "id": DATABASE } } },
        { "type": "mention", "mention": { "type": "page", "page": { "id": PRIVATE } } },
        { "type": "mention", "mention": { "type": "date", "date": { "start": "2025-01-02" } } }
    ]);
    let expected = [
        "@Ada Lovelace",
        "Meeting Notes",
        "Tasks",
        "Untitled",
        "2025-01-02",
    ];
    let added = patch(
        &api,
        &format!("/v1/blocks/{TASK1}/children"),
        &json!({ "children": [{ "paragraph": { "rich_text": mentions } }] }),
    )
    .await;
    let block = &added["results"][0];
    assert_eq!(
        pluck(&block["paragraph"]["rich_text"], "plain_text"),
        expected
    );
    let id = block["id"].as_str().unwrap();
    let updated = patch(
        &api,
        &format!("/v1/blocks/{id}"),
        &json!({ "paragraph": { "rich_text": [mentions[0]] } }),
    )
    .await;
    assert_eq!(
        pluck(&updated["paragraph"]["rich_text"], "plain_text"),
        ["@Ada Lovelace"]
    );
    let comment = api
        .post(
            "/v1/comments",
            &json!({ "parent": { "page_id": TASK1 }, "rich_text": mentions }),
        )
        .await
        .expect(200);
    assert_eq!(pluck(&comment["rich_text"], "plain_text"), expected);
    let page = set_properties(&api, TASK1, json!({ "Name": { "title": [mentions[0]] } })).await;
    assert_eq!(
        pluck(&page["properties"]["Name"]["title"], "plain_text"),
        ["@Ada Lovelace"]
    );
}

/// A page with no block of its own (a data source's row, a page at the workspace's top) is
/// a `child_page` block to `GET`, and so to `DELETE` and `PATCH`: deleting it trashes the
/// page (as `notion.blocks.delete` on a row does), `in_trash: false` restores it,
/// `child_page.title` renames it.
#[asym::clone("notion", seed = "basic")]
async fn a_row_or_top_level_page_is_deleted_and_renamed_as_a_block(notion: asym::Notion) {
    let api = api(&notion);
    let row = crate::common::task(&api, "Row to delete", json!({})).await;
    let id = row["id"].as_str().unwrap();
    let block = format!("/v1/blocks/{id}");
    let deleted = api.delete(&block).await.expect(200);
    assert_eq!(deleted["type"], "child_page");
    assert_eq!(deleted["in_trash"], true);
    assert_eq!(deleted["child_page"]["title"], "Row to delete");
    assert_eq!(
        read(&api, &format!("/v1/pages/{id}")).await["in_trash"],
        true
    );
    let open = crate::common::query_tasks(&api, &json!({})).await;
    assert!(!pluck(&open["results"], "id").contains(&id.to_owned()));
    let restored = set_trash(&api, &block, false).await;
    assert_eq!(restored["in_trash"], false);
    assert_eq!(
        read(&api, &format!("/v1/pages/{id}")).await["in_trash"],
        false
    );
    let top = format!("/v1/blocks/{}", crate::common::PROJECTS);
    let renamed = patch(
        &api,
        &top,
        &json!({ "child_page": { "title": "Projects, renamed" } }),
    )
    .await;
    assert_eq!(renamed["child_page"]["title"], "Projects, renamed");
    assert_eq!(
        renamed["parent"],
        json!({ "type": "workspace", "workspace": true })
    );
    let page = read(&api, &format!("/v1/pages/{}", crate::common::PROJECTS)).await;
    assert_eq!(
        page["properties"]["title"]["title"][0]["plain_text"],
        "Projects, renamed"
    );
    let message = invalid(
        api.patch(&block, &json!({ "paragraph": { "rich_text": [] } }))
            .await,
    );
    assert!(
        message.contains("body.paragraph should be not present"),
        "{message}"
    );
    not_found(api.delete(&format!("/v1/blocks/{PRIVATE}")).await);
    not_found(
        api.delete("/v1/blocks/12345678-1234-4234-8234-123456789abc")
            .await,
    );
}

/// Nothing is written under a page or block in the trash: appending children, creating a
/// page or a database under it, moving a page under it answer Notion's "Can't edit block
/// that is archived"; restored, it takes them again.
#[asym::clone("notion", seed = "basic")]
async fn nothing_is_written_under_what_is_in_the_trash(notion: asym::Notion) {
    let api = api(&notion);
    let archived =
        "Can't edit block that is archived. You must unarchive the block before editing.";
    let page = format!("/v1/pages/{MEETING}");
    set_trash(&api, &page, true).await;
    let paragraph = json!({ "children": [{ "paragraph": { "rich_text": text("late") } }] });
    let children = format!("/v1/blocks/{MEETING}/children");
    let under = page_under(MEETING, "Under");
    let database = json!({ "parent": { "page_id": MEETING }, "title": text("Under"),
                           "initial_data_source": { "properties": { "Name": { "title": {} } } } });
    let moved = json!({ "parent": { "page_id": MEETING } });
    for reply in [
        api.patch(&children, &paragraph).await,
        api.post("/v1/pages", &under).await,
        api.post("/v1/databases", &database).await,
        api.post(&format!("/v1/pages/{TASK1}/move"), &moved).await,
    ] {
        assert_eq!(invalid(reply), archived);
    }
    // A block of a trashed page, and a trashed block of a live page.
    set_trash(&api, &page, false).await;
    let toggle = json!({ "children": [{ "toggle": { "rich_text": text("t") } }] });
    let made = patch(&api, &children, &toggle).await;
    let toggle = format!("/v1/blocks/{}", made["results"][0]["id"].as_str().unwrap());
    api.delete(&toggle).await.expect(200);
    let message = invalid(api.patch(&format!("{toggle}/children"), &paragraph).await);
    assert_eq!(message, archived);
    set_trash(&api, &toggle, false).await;
    patch(&api, &format!("{toggle}/children"), &paragraph).await;
    patch(&api, &children, &paragraph).await;
    api.post("/v1/pages", &under).await.expect(200);
}
