//! `GET/PATCH /v1/pages/{id}/markdown` and pages created from markdown.

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::common::{
    DATABASE, MEETING, PRIVATE, PROJECTS, TASK1, TASKS, admin, api, from_markdown, invalid,
    markdown_path, markdown_text, not_found, patch, post, read, restricted, set_capabilities,
    verified_receiver,
};

const MEETING_MD: &str = "# Weekly sync\n<details>\n<summary>Decisions</summary>\n\tShip the clone on Friday.\n</details>\n::: callout {icon=\"💡\"}\nRemember the retro.\n:::\n> Simple things should be simple.\n---\n```sql\nSELECT 1;\n```";

/// The markdown `GET /v1/pages/{id}/markdown` answers for `id`.
async fn markdown_of(api: &Api, id: &str) -> Value {
    read(api, &markdown_path(id)).await["markdown"].take()
}

#[asym::clone("notion", seed = "basic")]
async fn pages_render_as_markdown(notion: asym::Notion) {
    let api = api(&notion);
    let page = read(&api, &markdown_path(MEETING)).await;
    assert_eq!(page["object"], "page_markdown");
    assert_eq!(page["id"], MEETING);
    assert_eq!(page["markdown"], MEETING_MD);
    assert_eq!(page["truncated"], false);
    assert_eq!(page["unknown_block_ids"], json!([]));
    let projects = read(&api, &markdown_path(PROJECTS)).await;
    let text = projects["markdown"].as_str().unwrap();
    let base = notion.api_url().trim_end_matches('/').to_owned();
    assert!(
        text.contains(&format!(
            "<database url=\"{base}/{}\" inline=\"true\">Tasks</database>",
            DATABASE.replace('-', "")
        )),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "<page url=\"{base}/{}\">Meeting Notes</page>",
            MEETING.replace('-', "")
        )),
        "{text}"
    );
    // A database's emoji icon is an attribute, as the reference writes it.
    let holder = from_markdown(&api, json!({ "page_id": PROJECTS }), "Holder").await;
    let holder_id = holder["id"].as_str().unwrap();
    let inline = post(
        &api,
        "/v1/databases",
        &json!({ "parent": { "page_id": holder_id }, "title": [{ "text": { "content": "Log" } }],
                 "is_inline": true, "icon": { "type": "emoji", "emoji": "📋" },
                 "initial_data_source": { "properties": { "Name": { "title": {} } } } }),
    )
    .await;
    assert_eq!(
        markdown_of(&api, holder_id).await,
        format!(
            "Holder\n<database url=\"{base}/{}\" inline=\"true\" icon=\"📋\">Log</database>",
            inline["id"].as_str().unwrap().replace('-', "")
        )
    );
    not_found(api.get(&markdown_path(PRIVATE)).await);
    invalid(api.get(&markdown_path(DATABASE)).await);
    // A block's id answers the subtree rooted at it.
    let toggle = "50000000-0000-4000-8000-000000000015";
    let subtree = read(&api, &markdown_path(toggle)).await;
    assert_eq!(subtree["id"], toggle);
    assert_eq!(
        subtree["markdown"],
        "<details>\n<summary>Decisions</summary>\n\tShip the clone on Friday.\n</details>"
    );
    // Editing one is refused, as Notion does.
    invalid(
        api.patch(
            &markdown_path(toggle),
            &json!({ "type": "replace_content", "replace_content": { "new_str": "x" } }),
        )
        .await,
    );
    // Enhanced markdown (v1) is served; Notion-flavored Markdown v2 is refused by name.
    let v1 = read(
        &api,
        &format!("{}?markdown_version=v1", markdown_path(MEETING)),
    )
    .await;
    assert_eq!(v1["markdown"], MEETING_MD);
    let message = invalid(
        api.get(&format!("{}?markdown_version=v2", markdown_path(MEETING)))
            .await,
    );
    assert!(message.contains("not supported"), "{message}");
    // A page in a data source renders its content too.
    let task = read(
        &api,
        &format!("{}?include_transcript=true", markdown_path(TASK1)),
    )
    .await;
    assert!(
        task["markdown"].as_str().unwrap().starts_with("## "),
        "{task}"
    );
}

#[asym::clone("notion", seed = "basic")]
async fn markdown_edits_keep_unchanged_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let path = markdown_path(MEETING);
    let before = read(&api, &format!("/v1/blocks/{MEETING}/children")).await;
    let ids = pluck(&before["results"], "id");

    let edited = patch(
        &api,
        &path,
        &json!({ "type": "update_content", "update_content": { "content_updates": [
            { "old_str": "Remember the retro.", "new_str": "Remember the **retro** on <mention-date start=\"2025-03-01\"/>." }
        ] } }),
    )
    .await;
    let text = edited["markdown"].as_str().unwrap();
    assert!(
        text.contains("\nRemember the **retro** on <mention-date start=\"2025-03-01\"/>.\n:::"),
        "{text}"
    );
    let after = read(&api, &format!("/v1/blocks/{MEETING}/children")).await;
    let now = pluck(&after["results"], "id");
    assert_eq!(now.len(), ids.len());
    assert_eq!(now[..2], ids[..2], "blocks before the edit keep their ids");
    assert_eq!(now[3..], ids[3..], "blocks after the edit keep their ids");
    assert_ne!(now[2], ids[2]);
    let callout = &after["results"][2]["callout"];
    assert_eq!(callout["rich_text"][1]["annotations"]["bold"], true);
    assert_eq!(callout["rich_text"][3]["mention"]["type"], "date");

    // Insert at the start, the end, and after a selection.
    patch(
        &api,
        &path,
        &json!({ "type": "insert_content", "insert_content": { "content": "- [ ] first", "position": { "type": "start" } } }),
    )
    .await;
    patch(
        &api,
        &path,
        &json!({ "type": "insert_content", "insert_content": { "content": "1. last\n2. really" } }),
    )
    .await;
    let inserted = patch(
        &api,
        &path,
        &json!({ "type": "insert_content", "insert_content": { "content": "## Between", "after": "# Weekly...sync" } }),
    )
    .await;
    let text = inserted["markdown"].as_str().unwrap();
    assert!(
        text.starts_with("- [ ] first\n# Weekly sync\n## Between\n<details>"),
        "{text}"
    );
    assert!(text.ends_with("```\n1. last\n2. really"), "{text}");
    let blocks = read(&api, &format!("/v1/blocks/{MEETING}/children")).await;
    assert_eq!(blocks["results"][0]["type"], "to_do");
    assert_eq!(blocks["results"][2]["type"], "heading_2");

    // Replace a range, then everything.
    let ranged = patch(
        &api,
        &path,
        &json!({ "type": "replace_content_range", "replace_content_range": {
            "content": "> Replaced", "content_range": "> Simple...simple." } }),
    )
    .await;
    assert!(
        ranged["markdown"]
            .as_str()
            .unwrap()
            .contains("\n> Replaced\n---\n")
    );
    let replaced = patch(
        &api,
        &path,
        &json!({ "type": "replace_content", "replace_content": { "new_str": "Fresh *start*\n\n<table header-row=\"true\">\n\t<tr>\n\t\t<td>a</td>\n\t\t<td>b</td>\n\t</tr>\n</table>" } }),
    )
    .await;
    assert_eq!(
        replaced["markdown"],
        "Fresh *start*\n<table header-row=\"true\">\n\t<tr>\n\t\t<td>a</td>\n\t\t<td>b</td>\n\t</tr>\n</table>"
    );
    let table = &read(&api, &format!("/v1/blocks/{MEETING}/children")).await["results"][1];
    assert_eq!(table["type"], "table");
    assert_eq!(table["table"]["table_width"], 2);
}

#[asym::clone("notion", seed = "basic")]
async fn markdown_edit_refusals(notion: asym::Notion) {
    let api = api(&notion);
    let path = markdown_path(MEETING);
    let cases: [(Value, &str); 7] = [
        (
            json!({ "type": "update_content", "update_content": { "content_updates": [{ "old_str": "nowhere", "new_str": "x" }] } }),
            "was not found",
        ),
        (
            json!({ "type": "update_content", "update_content": { "content_updates": [{ "old_str": "e", "new_str": "x" }] } }),
            "replace_all_matches",
        ),
        (
            json!({ "type": "insert_content", "insert_content": { "content": "x", "after": "# Weekly", "position": { "type": "end" } } }),
            "only one of",
        ),
        (
            json!({ "type": "replace_content_range", "replace_content_range": { "content": "x", "content_range": "nope...never" } }),
            "does not match",
        ),
        (
            json!({ "type": "replace_content", "replace_content": { "new_str": "<synced_block url=\"x\">\n</synced_block>" } }),
            "names no block",
        ),
        (
            json!({ "type": "replace_content", "replace_content": { "new_str": "<columns>\n</columns>" } }),
            "at least 2 columns",
        ),
        (json!({ "type": "rewrite" }), "body.type"),
    ];
    for (body, wanted) in cases {
        let message = invalid(api.patch(&path, &body).await);
        assert!(message.contains(wanted), "{message}");
    }
    assert_eq!(read(&api, &path).await["markdown"], MEETING_MD);

    // Child pages and databases are kept unless deleting them is allowed.
    let projects = markdown_path(PROJECTS);
    let message = invalid(
        api.patch(
            &projects,
            &json!({ "type": "replace_content", "replace_content": { "new_str": "Gone" } }),
        )
        .await,
    );
    assert!(message.contains("allow_deleting_content"), "{message}");
    assert!(message.contains(MEETING), "{message}");
    let gone = patch(
        &api,
        &projects,
        &json!({ "type": "replace_content", "replace_content": { "new_str": "Gone", "allow_deleting_content": true } }),
    )
    .await;
    assert_eq!(gone["markdown"], "Gone");
    assert_eq!(
        read(&api, &format!("/v1/pages/{MEETING}")).await["in_trash"],
        true
    );
}

#[asym::clone("notion", seed = "basic")]
async fn pages_are_created_from_markdown(notion: asym::Notion) {
    let api = api(&notion);
    // A leading heading is the title (a page's `title`, a task's `Name`); the rest, the content.
    let cases = [
        (
            json!({ "page_id": PROJECTS }),
            "# Plan\nWe **ship**.\n- [x] done",
            "title",
            "Plan",
            "We **ship**.\n- [x] done",
        ),
        (
            json!({ "data_source_id": TASKS }),
            "# From markdown\nBody",
            "Name",
            "From markdown",
            "Body",
        ),
    ];
    for (parent, markdown, property, title, content) in cases {
        let page = from_markdown(&api, parent, markdown).await;
        assert_eq!(
            page["properties"][property]["title"][0]["plain_text"],
            title
        );
        assert_eq!(
            markdown_of(&api, page["id"].as_str().unwrap()).await,
            content
        );
    }
    // A pipe table is read as a table (and rendered as `<table>`).
    let piped = from_markdown(
        &api,
        json!({ "page_id": PROJECTS }),
        "| a | b |\n|---|---|\n| 1 | 2 \\| 3 |",
    )
    .await;
    let piped_id = piped["id"].as_str().unwrap();
    let table = &read(&api, &format!("/v1/blocks/{piped_id}/children")).await["results"][0];
    assert_eq!(table["table"]["has_column_header"], true);
    assert_eq!(table["table"]["table_width"], 2);
    assert_eq!(
        markdown_of(&api, piped_id).await,
        "<table header-row=\"true\">\n\t<tr>\n\t\t<td>a</td>\n\t\t<td>b</td>\n\t</tr>\n\t<tr>\n\t\t<td>1</td>\n\t\t<td>2 \\| 3</td>\n\t</tr>\n</table>"
    );
    invalid(
        api.post(
            "/v1/pages",
            &json!({ "parent": { "page_id": PROJECTS }, "markdown": "x", "children": [] }),
        )
        .await,
    );
    // Reading needs read content; editing needs update content.
    set_capabilities(&admin(&notion), json!({ "update_content": false })).await;
    restricted(
        api.patch(
            &markdown_path(MEETING),
            &json!({ "type": "replace_content", "replace_content": { "new_str": "x" } }),
        )
        .await,
    );
}

#[asym::clone("notion", seed = "basic")]
async fn rendered_markdown_parses_back_to_the_same_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let page = from_markdown(&api, json!({ "page_id": PROJECTS }), "# Round trip").await;
    let id = page["id"].as_str().unwrap().to_owned();
    let rich = json!([
        { "text": { "content": "Plain <b> & {braces} " } },
        { "text": { "content": "bold", "link": { "url": "https://example.com/a" } }, "annotations": { "bold": true } },
        { "text": { "content": " red" }, "annotations": { "color": "red_background", "italic": true } },
        { "type": "mention", "mention": { "type": "page", "page": { "id": MEETING } } },
        { "type": "mention", "mention": { "type": "user", "user": { "id": "a0000000-0000-4000-8000-000000000001" } } },
        { "type": "equation", "equation": { "expression": "e^{i\\pi}" } },
        { "type": "mention", "mention": { "type": "date", "date": { "start": "2025-03-01T10:30:00", "time_zone": "Europe/Paris" } } },
        { "text": { "content": "line\nbreak" }, "annotations": { "underline": true, "strikethrough": true, "code": false } }
    ]);
    patch(
        &api,
        &format!("/v1/blocks/{id}/children"),
        &json!({ "children": [
            { "paragraph": { "rich_text": rich, "color": "blue" } },
            { "heading_3": { "rich_text": [{ "text": { "content": "Toggle heading" } }], "is_toggleable": true, "children": [
                { "numbered_list_item": { "rich_text": [{ "text": { "content": "one" } }] } }
            ] } },
            { "to_do": { "rich_text": [{ "text": { "content": "task" } }], "checked": true } },
            { "callout": { "rich_text": [{ "text": { "content": "Note" } }], "icon": { "emoji": "🎯" }, "color": "blue_background", "children": [
                { "bulleted_list_item": { "rich_text": [{ "text": { "content": "inside" } }] } }
            ] } },
            { "image": { "external": { "url": "https://example.com/cat.png" }, "caption": [{ "text": { "content": "A cat" } }] } },
            { "pdf": { "external": { "url": "https://example.com/doc.pdf" } } },
            { "table_of_contents": { "color": "gray" } },
            { "equation": { "expression": "a^2 + b^2" } },
            { "code": { "rich_text": [{ "text": { "content": "fn main() {\n    println!(\"*\");\n}" } }], "language": "rust" } },
            { "paragraph": { "rich_text": [] } },
            { "quote": { "rich_text": [{ "text": { "content": "two\nlines" } }] } },
            { "bookmark": { "url": "https://example.com" } }
        ] }),
    )
    .await;
    let path = markdown_path(&id);
    let before = read(&api, &path).await;
    let text = before["markdown"].as_str().unwrap();
    assert!(text.contains("<unknown url="), "{text}");
    // As Notion's enhanced markdown reference writes them: a callout is a fenced div, a
    // date mention with a time zone splits its time off.
    assert!(
        text.contains("\n::: callout {icon=\"🎯\" color=\"blue_bg\"}\nNote\n- inside\n:::\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "<mention-date start=\"2025-03-01\" startTime=\"10:30\" timeZone=\"Europe/Paris\"/>"
        ),
        "{text}"
    );
    let blocks_before = read(&api, &format!("/v1/blocks/{id}/children")).await;
    // Replacing the content with itself changes nothing: every block keeps its id.
    let same = patch(
        &api,
        &path,
        &json!({ "type": "replace_content", "replace_content": { "new_str": text } }),
    )
    .await;
    assert_eq!(same["markdown"], text);
    let blocks_after = read(&api, &format!("/v1/blocks/{id}/children")).await;
    assert_eq!(
        pluck(&blocks_after["results"], "id"),
        pluck(&blocks_before["results"], "id")
    );
    // Each block but the bookmark parses back to what it renders.
    for (i, block) in blocks_before["results"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        if block["type"] == "bookmark" {
            continue;
        }
        let block = same_block(text, i);
        let created = from_markdown(&api, json!({ "page_id": PROJECTS }), &block).await;
        let copy = markdown_of(&api, created["id"].as_str().unwrap()).await;
        assert_eq!(copy, block, "block {i}");
    }
}

/// The `i`th top block's lines of `markdown` (a block's children are indented).
fn same_block(markdown: &str, i: usize) -> String {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut fence = false;
    let mut open_tags = 0usize;
    for line in markdown.split('\n') {
        let top = !line.starts_with('\t') && !fence && open_tags == 0;
        if top {
            blocks.push(Vec::new());
        }
        if line.starts_with("```") {
            fence = !fence;
        }
        for (open, close) in [
            ("<details", "</details>"),
            ("::: callout", ":::"),
            ("<table", "</table>"),
        ] {
            if line.starts_with(open) && !line.starts_with("<table_of_contents") {
                open_tags += 1;
            } else if line == close || (close != ":::" && line.starts_with(close)) {
                open_tags -= 1;
            }
        }
        if line == "$$" && top {
            fence = true;
        } else if line == "$$" {
            fence = false;
        }
        blocks.last_mut().unwrap().push(line);
    }
    blocks[i].join("\n")
}

/// The ids of the blocks under `id`, depth first (a duplicate synced block's are its
/// original's).
async fn ids_below(api: &Api, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![id.to_owned()];
    while let Some(parent) = stack.pop() {
        let children = read(api, &format!("/v1/blocks/{parent}/children")).await;
        for block in children["results"].as_array().unwrap() {
            let id = block["id"].as_str().unwrap().to_owned();
            if block["has_children"] == true {
                stack.push(id.clone());
            }
            out.push(id);
        }
    }
    out
}

#[asym::clone("notion", seed = "basic")]
async fn markdown_edits_keep_synced_blocks(notion: asym::Notion) {
    let api = api(&notion);
    let page = from_markdown(
        &api,
        json!({ "page_id": PROJECTS }),
        "Intro\n<synced_block>\n\tShared **text**\n\t- item\n</synced_block>\nOutro",
    )
    .await;
    let id = page["id"].as_str().unwrap().to_owned();
    let top = read(&api, &format!("/v1/blocks/{id}/children")).await;
    let original = top["results"][1].clone();
    assert_eq!(original["type"], "synced_block");
    assert!(original["synced_block"]["synced_from"].is_null());
    let original_id = original["id"].as_str().unwrap().to_owned();
    // A duplicate of it on another page.
    let other = from_markdown(&api, json!({ "page_id": PROJECTS }), "Elsewhere").await;
    let other_id = other["id"].as_str().unwrap().to_owned();
    patch(
        &api,
        &format!("/v1/blocks/{other_id}/children"),
        &json!({ "children": [{ "synced_block": { "synced_from": { "block_id": original_id } } }] }),
    )
    .await;
    let path = markdown_path(&id);
    let text = markdown_text(&api, &id).await;
    let url = format!(
        "{}/{}",
        notion.api_url().trim_end_matches('/'),
        original_id.replace('-', "")
    );
    assert_eq!(
        text,
        format!(
            "Intro\n<synced_block url=\"{url}\">\n\tShared **text**\n\t- item\n</synced_block>\nOutro"
        )
    );
    let ids = ids_below(&api, &id).await;

    // A round trip changes nothing, also when the edit spans the synced block.
    let replace =
        |new: &str| json!({ "type": "replace_content", "replace_content": { "new_str": new } });
    assert_eq!(
        patch(&api, &path, &replace(text.as_str())).await["markdown"],
        text
    );
    assert_eq!(ids_below(&api, &id).await, ids);
    let spanning = json!({ "type": "update_content", "update_content": { "content_updates": [
        { "old_str": "Intro", "new_str": "Intro!" }, { "old_str": "Outro", "new_str": "Outro!" }
    ] } });
    let edited = patch(&api, &path, &spanning).await;
    assert_eq!(
        edited["markdown"],
        text.replace("Intro", "Intro!").replace("Outro", "Outro!")
    );
    let now = ids_below(&api, &id).await;
    assert_eq!(now[1], original_id, "the synced block keeps its id");
    assert_eq!(now[3..], ids[3..], "and its blocks theirs");

    // Editing inside it edits the original, which its duplicate shows.
    let inside = json!({ "type": "update_content", "update_content": { "content_updates": [
        { "old_str": "Shared **text**", "new_str": "Shared **words**" }
    ] } });
    patch(&api, &path, &inside).await;
    assert_eq!(ids_below(&api, &id).await[1], original_id);
    let elsewhere = markdown_text(&api, &other_id).await;
    assert_eq!(
        elsewhere,
        format!(
            "Elsewhere\n<synced_block_reference url=\"{url}\">\n\tShared **words**\n\t- item\n</synced_block_reference>"
        )
    );
    // So does editing inside the duplicate, which keeps its id; both pages are announced.
    let duplicate = ids_below(&api, &other_id).await[1].clone();
    let receiver = verified_receiver(&notion).await;
    let from_reference = json!({ "type": "update_content", "update_content": { "content_updates": [
        { "old_str": "Shared **words**", "new_str": "From the reference" }
    ] } });
    patch(&api, &markdown_path(&other_id), &from_reference).await;
    assert_eq!(ids_below(&api, &other_id).await[1], duplicate);
    let mut announced = Vec::new();
    for _ in 0..2 {
        let event = receiver.delivery().await.json();
        assert_eq!(event["type"], "page.content_updated", "{event}");
        announced.push(event["entity"]["id"].as_str().unwrap().to_owned());
    }
    announced.sort();
    let mut pages = vec![id.clone(), other_id.clone()];
    pages.sort();
    assert_eq!(announced, pages);
    assert!(
        markdown_text(&api, &id)
            .await
            .contains("\n\tFrom the reference\n\t- item\n</synced_block>"),
    );
    // A page made from that markdown shows the same original.
    let copy = from_markdown(&api, json!({ "page_id": PROJECTS }), &elsewhere).await;
    let copied = markdown_text(&api, copy["id"].as_str().unwrap()).await;
    assert_eq!(copied, markdown_text(&api, &other_id).await);

    // Refusals: a reference without its original's url, or naming another block.
    invalid(
        api.patch(
            &path,
            &replace("<synced_block_reference>\n\tx\n</synced_block_reference>"),
        )
        .await,
    );
    let paragraph = ids_below(&api, &other_id).await[0].clone();
    let not_synced = format!(
        "<synced_block_reference url=\"{}/{}\">\n</synced_block_reference>",
        notion.api_url().trim_end_matches('/'),
        paragraph.replace('-', "")
    );
    invalid(api.patch(&path, &replace(&not_synced)).await);
    not_found(api.patch(
            &path,
            &replace("<synced_block url=\"https://www.notion.so/0000000000004000800000000000dead\">\n</synced_block>"),
        )
        .await);
}

#[asym::clone("notion", seed = "basic")]
async fn markdown_reads_colours_and_icons_the_api_refuses_as_defaults(notion: asym::Notion) {
    let api = api(&notion);
    let markdown = "> quoted {color=\"nope\"}\n::: callout {icon=\"x\" color=\"teal_bg\"}\nhi\n:::";
    let page = from_markdown(&api, json!({ "page_id": PROJECTS }), markdown).await;
    let id = page["id"].as_str().unwrap();
    let blocks = read(&api, &format!("/v1/blocks/{id}/children")).await;
    let [quote, callout] = [&blocks["results"][0], &blocks["results"][1]];
    assert_eq!(quote["quote"]["color"], "default", "{quote}");
    assert_eq!(callout["callout"]["color"], "default", "{callout}");
    assert_eq!(callout["callout"]["icon"]["emoji"], "💡", "{callout}");
}
