//! Column lists and columns, links to pages, synced blocks, tabs and level-4 headings: appended,
//! read back, refused as Notion refuses them, rendered as markdown.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, PRIVATE, TASK1, api, comment, current, invalid, legacy, markdown_path,
    markdown_text, not_found, patch, post, read, text,
};

fn children_path(id: &str) -> String {
    format!("/v1/blocks/{id}/children")
}

/// Appends `children` to block or page `id`; answers the new top blocks.
async fn append(api: &Api, id: &str, children: Value) -> Vec<Value> {
    let added = patch(api, &children_path(id), &json!({ "children": children })).await;
    added["results"].as_array().unwrap().clone()
}

/// The ids of `id`'s children, in order.
async fn child_ids(api: &Api, id: &str) -> Vec<String> {
    pluck(&read(api, &children_path(id)).await["results"], "id")
}

/// A paragraph block of `words`.
fn paragraph(words: &str) -> Value {
    json!({ "paragraph": { "rich_text": text(words) } })
}

/// A column holding `children`.
fn column(children: Value) -> Value {
    json!({ "type": "column", "column": { "children": children } })
}

#[asym::clone("notion", seed = "basic")]
async fn column_lists_hold_columns_of_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let mut left = column(json!([
        paragraph("Left"),
        { "toggle": { "rich_text": text("More"), "children": [paragraph("Inside")] } }
    ]));
    left["column"]["width_ratio"] = json!(0.75);
    let added = append(
        &api,
        TASK1,
        json!([{ "column_list": { "children": [left, column(json!([paragraph("Right")]))] } }]),
    )
    .await;
    let list = &added[0];
    assert_eq!(list["type"], "column_list");
    assert_eq!(list["column_list"], json!({}));
    assert_eq!(list["has_children"], true);
    let list_id = list["id"].as_str().unwrap();
    let columns = read(&api, &children_path(list_id)).await["results"].take();
    assert_eq!(pluck(&columns, "type"), ["column", "column"]);
    assert_eq!(columns[0]["column"]["width_ratio"], 0.75);
    assert_eq!(columns[1]["column"], json!({}));
    assert_eq!(
        columns[0]["parent"],
        json!({ "type": "block_id", "block_id": list_id })
    );
    let left_id = columns[0]["id"].as_str().unwrap();
    let in_left = read(&api, &children_path(left_id)).await["results"].take();
    assert_eq!(pluck(&in_left, "type"), ["paragraph", "toggle"]);
    assert_eq!(in_left[1]["has_children"], true);

    // A column goes only in a column list, which holds only columns.
    let third = append(&api, list_id, json!([column(json!([paragraph("Third")]))])).await;
    assert_eq!(child_ids(&api, list_id).await.len(), 3);
    let resized = patch(
        &api,
        &format!("/v1/blocks/{}", third[0]["id"].as_str().unwrap()),
        &json!({ "column": { "width_ratio": 0.25 } }),
    )
    .await;
    assert_eq!(resized["column"]["width_ratio"], 0.25);
    let message = invalid(
        api.patch(
            &children_path(list_id),
            &json!({ "children": [paragraph("x")] }),
        )
        .await,
    );
    assert!(message.contains("column"), "{message}");
    for parent in [TASK1, left_id] {
        invalid(
            api.patch(
                &children_path(parent),
                &json!({ "children": [column(json!([paragraph("x")]))] }),
            )
            .await,
        );
    }

    let markdown = markdown_text(&api, TASK1).await;
    let expected = "<columns>\n\t<column>\n\t\tLeft\n\t\t<details>\n\t\t<summary>More</summary>\n\t\t\tInside\n\t\t</details>\n\t</column>\n\t<column>\n\t\tRight\n\t</column>\n\t<column>\n\t\tThird\n\t</column>\n</columns>";
    assert!(markdown.ends_with(expected), "{markdown}");
    let page = patch(
        &api,
        &markdown_path(TASK1),
        &json!({ "type": "insert_content", "insert_content": { "content": "<columns>\n\t<column>\n\t\tA\n\t</column>\n\t<column>\n\t\tB\n\t</column>\n</columns>" } }),
    )
    .await;
    assert!(
        page["markdown"]
            .as_str()
            .unwrap()
            .ends_with("</columns>\n<columns>\n\t<column>\n\t\tA\n\t</column>\n\t<column>\n\t\tB\n\t</column>\n</columns>"),
        "{page}"
    );
}

#[asym::clone("notion", seed = "basic")]
async fn column_lists_are_refused_as_notion_refuses_them(notion: asym::Notion) {
    let one = json!([{ "column_list": { "children": [column(json!([paragraph("x")]))] } }]);
    let empty_column = json!([{ "column_list": { "children": [column(json!([])), column(json!([paragraph("x")]))] } }]);
    let two = json!({ "column_list": { "children": [column(json!([paragraph("a")])), column(json!([paragraph("b")]))] } });
    let nested = json!([{ "toggle": { "rich_text": [], "children": [two] } }]);
    let deep = json!([{ "toggle": { "rich_text": [], "children": [
        { "toggle": { "rich_text": [], "children": [paragraph("too deep")] } }
    ] } }]);
    let too_deep =
        json!([{ "column_list": { "children": [column(deep), column(json!([paragraph("b")]))] } }]);
    let not_columns = json!([{ "column_list": { "children": [paragraph("a"), paragraph("b")] } }]);
    let wide = json!([{ "column_list": { "children": [
        { "column": { "width_ratio": 1.5, "children": [paragraph("a")] } }, column(json!([paragraph("b")]))
    ] } }]);
    let cases = [
        (one, "at least 2 columns"),
        (empty_column, "at least 1 block"),
        (nested, "column_list should be not present"),
        (too_deep, "should be not present"),
        (not_columns, "should be `column`"),
        (wide, "width_ratio"),
    ];
    let path = children_path(TASK1);
    let before = child_ids(&api(&notion), TASK1).await;
    for client in [api(&notion), legacy(&notion), current(&notion)] {
        for (children, wanted) in &cases {
            let message = invalid(client.patch(&path, &json!({ "children": children })).await);
            assert!(message.contains(wanted), "{message}");
        }
    }
    assert_eq!(child_ids(&api(&notion), TASK1).await, before);
}

#[asym::clone("notion", seed = "basic")]
async fn links_to_pages_point_at_what_is_shared(notion: asym::Notion) {
    let api = api(&notion);
    let remark = comment(&api, json!({ "page_id": TASK1 }), "see here").await;
    let remark = remark["id"].as_str().unwrap();
    let added = append(
        &api,
        TASK1,
        json!([
            { "link_to_page": { "type": "page_id", "page_id": MEETING } },
            { "type": "link_to_page", "link_to_page": { "database_id": DATABASE } },
            { "link_to_page": { "type": "comment_id", "comment_id": remark } }
        ]),
    )
    .await;
    assert_eq!(
        added.iter().map(|b| &b["link_to_page"]).collect::<Vec<_>>(),
        [
            &json!({ "type": "page_id", "page_id": MEETING }),
            &json!({ "type": "database_id", "database_id": DATABASE }),
            &json!({ "type": "comment_id", "comment_id": remark }),
        ]
    );
    assert_eq!(added[0]["has_children"], false);
    let markdown = markdown_text(&api, TASK1).await;
    assert!(markdown.contains("alt=\"link_to_page\"/>"), "{markdown}");

    let path = children_path(TASK1);
    let missing = "00000000-0000-4000-8000-000000000000";
    for client in [api.clone(), legacy(&notion), current(&notion)] {
        for target in [
            json!({ "page_id": PRIVATE }),
            json!({ "database_id": missing }),
            json!({ "comment_id": missing }),
        ] {
            let body = json!({ "children": [{ "link_to_page": target }] });
            not_found(client.patch(&path, &body).await);
        }
        for target in [json!({ "page_id": "nope" }), json!({ "block_id": MEETING })] {
            let body = json!({ "children": [{ "link_to_page": target }] });
            invalid(client.patch(&path, &body).await);
        }
    }
}

#[asym::clone("notion", seed = "basic")]
async fn synced_blocks_show_their_original(notion: asym::Notion) {
    let api = api(&notion);
    let original = append(
        &api,
        TASK1,
        json!([{ "synced_block": { "synced_from": null, "children": [paragraph("Shared words")] } }]),
    )
    .await;
    let original_id = original[0]["id"].as_str().unwrap();
    assert_eq!(original[0]["synced_block"], json!({ "synced_from": null }));
    assert_eq!(original[0]["has_children"], true);
    let from = json!({ "type": "block_id", "block_id": original_id });
    let duplicate = append(
        &api,
        MEETING,
        json!([{ "synced_block": { "synced_from": { "block_id": original_id } } }]),
    )
    .await;
    let duplicate_id = duplicate[0]["id"].as_str().unwrap();
    assert_eq!(duplicate[0]["synced_block"]["synced_from"], from);
    assert_eq!(duplicate[0]["has_children"], true);
    assert_eq!(
        child_ids(&api, duplicate_id).await,
        child_ids(&api, original_id).await
    );
    append(&api, original_id, json!([paragraph("More shared")])).await;
    let shown = read(&api, &children_path(duplicate_id)).await["results"].take();
    assert_eq!(shown.as_array().unwrap().len(), 2);
    assert_eq!(
        shown[1]["paragraph"]["rich_text"][0]["plain_text"],
        "More shared"
    );

    let markdown = markdown_text(&api, MEETING).await;
    let reference = format!("<synced_block_reference url=\"{}", notion.api_url());
    assert!(markdown.contains(&reference), "{markdown}");
    let rendered = "\tShared words\n\tMore shared\n</synced_block_reference>";
    assert!(markdown.contains(rendered), "{markdown}");
    assert!(
        markdown.contains(&original_id.replace('-', "")),
        "{markdown}"
    );
    let markdown = markdown_text(&api, TASK1).await;
    assert!(markdown.contains("<synced_block url=\""), "{markdown}");
    assert!(
        markdown.contains("\tShared words\n\tMore shared\n</synced_block>"),
        "{markdown}"
    );

    // A duplicate holds no blocks of its own; it copies only an original.
    let message = invalid(
        api.patch(
            &children_path(duplicate_id),
            &json!({ "children": [paragraph("x")] }),
        )
        .await,
    );
    assert!(message.contains(original_id), "{message}");
    let path = children_path(TASK1);
    let of = |id: &str, children: Value| json!({ "children": [{ "synced_block": { "synced_from": { "block_id": id }, "children": children } }] });
    let paragraph_id = child_ids(&api, original_id).await.remove(0);
    for client in [api.clone(), legacy(&notion), current(&notion)] {
        invalid(
            client
                .patch(&path, &of(original_id, json!([paragraph("own")])))
                .await,
        );
        invalid(client.patch(&path, &of(duplicate_id, json!([]))).await);
        invalid(client.patch(&path, &of(&paragraph_id, json!([]))).await);
        not_found(
            client
                .patch(
                    &path,
                    &of("00000000-0000-4000-8000-000000000000", json!([])),
                )
                .await,
        );
    }
}

#[asym::clone("notion", seed = "basic")]
async fn level_four_headings(notion: asym::Notion) {
    let api = api(&notion);
    let added = append(
        &api,
        TASK1,
        json!([{ "heading_4": { "rich_text": text("Fine print"), "color": "gray" } }]),
    )
    .await;
    assert_eq!(added[0]["heading_4"]["is_toggleable"], false);
    assert_eq!(added[0]["heading_4"]["color"], "gray");
    let markdown = markdown_text(&api, TASK1).await;
    assert!(
        markdown.ends_with("#### Fine print {color=\"gray\"}"),
        "{markdown}"
    );
    let page = patch(
        &api,
        &markdown_path(TASK1),
        &json!({ "type": "insert_content", "insert_content": { "content": "##### Five" } }),
    )
    .await;
    assert!(page["markdown"].as_str().unwrap().ends_with("#### Five"));
    let last = child_ids(&api, TASK1).await.pop().unwrap();
    assert_eq!(
        read(&api, &format!("/v1/blocks/{last}")).await["type"],
        "heading_4"
    );
}

#[asym::clone("notion", seed = "basic")]
async fn tabs_hold_paragraph_items(notion: asym::Notion) {
    let api = api(&notion);
    let mut first = paragraph("Overview");
    first["paragraph"]["icon"] = json!({ "type": "emoji", "emoji": "📌" });
    first["paragraph"]["children"] = json!([paragraph("What it is")]);
    let added = append(
        &api,
        TASK1,
        json!([{ "tab": { "children": [first, paragraph("Details")] } }]),
    )
    .await;
    assert_eq!(added[0]["tab"], json!({}));
    assert_eq!(added[0]["has_children"], true);
    let tab_id = added[0]["id"].as_str().unwrap();
    let items = read(&api, &children_path(tab_id)).await["results"].take();
    assert_eq!(pluck(&items, "type"), ["paragraph", "paragraph"]);
    assert_eq!(items[0]["paragraph"]["icon"]["emoji"], "📌");
    // One without an icon answers `icon: null`, as @notionhq/client types a paragraph.
    assert_eq!(
        items[1]["paragraph"].get("icon"),
        Some(&json!(null)),
        "{}",
        items[1]
    );
    assert_eq!(items[0]["has_children"], true);
    let markdown = markdown_text(&api, TASK1).await;
    assert!(markdown.ends_with("alt=\"tab\"/>"), "{markdown}");

    let deep = json!({ "paragraph": { "rich_text": [], "children": [
        { "toggle": { "rich_text": [], "children": [paragraph("too deep")] } }
    ] } });
    let cases = [
        (json!({ "tab": { "children": [] } }), "at least 1 tab item"),
        (json!({ "tab": {} }), "at least 1 tab item"),
        (
            json!({ "tab": { "children": [{ "heading_1": { "rich_text": [] } }] } }),
            "`paragraph`",
        ),
        (
            json!({ "tab": { "children": [deep] } }),
            "should be not present",
        ),
    ];
    for client in [api.clone(), legacy(&notion), current(&notion)] {
        for (tab, wanted) in &cases {
            let body = json!({ "children": [tab] });
            let message = invalid(client.patch(&children_path(TASK1), &body).await);
            assert!(message.contains(wanted), "{message}");
        }
    }
}

/// A code block's `language` is one of Notion's languages (the SDK's `LanguageRequest`), on
/// append and on update; anything else is Notion's validation error naming the path, the
/// languages and the value. A new code block must name it (the SDK's request type requires
/// it; Notion answers `should be defined`, with no default); an update may leave it out and
/// keeps it. A markdown fence in a language Notion does not know is plain text.
#[asym::clone("notion", seed = "basic")]
async fn code_blocks_take_notion_languages(notion: asym::Notion) {
    let api = api(&notion);
    let code =
        |language: Value| json!([{ "code": { "rich_text": text("x"), "language": language } }]);
    let added = append(&api, TASK1, code(json!("java/c/c++/c#"))).await;
    assert_eq!(added[0]["code"]["language"], "java/c/c++/c#");
    let id = added[0]["id"].as_str().unwrap();
    let path = children_path(TASK1);
    for (language, shown) in [
        (json!("klingon"), "`\"klingon\"`"),
        (json!("Rust"), "`\"Rust\"`"),
        (json!(3), "`3`"),
        (json!(["rust"]), "`[\"rust\"]`"),
        (Value::Null, "`null`"),
    ] {
        let message = invalid(
            api.patch(&path, &json!({ "children": code(language.clone()) }))
                .await,
        );
        assert!(
            message.starts_with(
                "body failed validation: body.children[0].code.language should be `\"abap\"`, "
            ) && message.contains("`\"plain text\"`")
                && message.ends_with(&format!("instead was {shown}.")),
            "{message}"
        );
        let update = json!({ "code": { "language": language } });
        let message = invalid(api.patch(&format!("/v1/blocks/{id}"), &update).await);
        assert!(
            message.contains("code.language should be") && message.contains(shown),
            "{message}"
        );
    }
    let updated = patch(
        &api,
        &format!("/v1/blocks/{id}"),
        &json!({ "code": { "language": "rust" } }),
    )
    .await;
    assert_eq!(updated["code"]["language"], "rust");
    let retexted = json!({ "code": { "rich_text": text("y") } });
    let updated = patch(&api, &format!("/v1/blocks/{id}"), &retexted).await;
    assert_eq!(updated["code"]["language"], "rust");
    let unnamed = json!([{ "code": { "rich_text": text("x") } }]);
    for body in [
        json!({ "children": unnamed }),
        json!({ "parent": { "page_id": MEETING }, "children": unnamed }),
    ] {
        let at = if body.get("parent").is_some() {
            "/v1/pages"
        } else {
            path.as_str()
        };
        let reply = if body.get("parent").is_some() {
            api.post(at, &body).await
        } else {
            api.patch(at, &body).await
        };
        assert_eq!(
            invalid(reply),
            "body failed validation: body.children[0].code.language should be defined, instead was `undefined`."
        );
    }
    let page = post(
        &api,
        "/v1/pages",
        &json!({ "parent": { "page_id": MEETING }, "markdown": "```klingon\nqapla'\n```" }),
    )
    .await;
    let blocks = read(&api, &children_path(page["id"].as_str().unwrap())).await;
    assert_eq!(blocks["results"][0]["code"]["language"], "plain text");
}
