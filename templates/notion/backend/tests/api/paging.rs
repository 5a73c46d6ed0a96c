//! Deep pagination: a list's cursor is a keyed seek (the result's sort key and id), so each
//! page costs the same wherever it starts, and a cursor whose result has left the list (its
//! block trashed) carries on from where that result was.

use std::time::Instant;

use asym_kit::testing::pluck;
use serde_json::{Value, json};

use crate::common::{MEETING, api, child_page, patch, post, read, set_trash, tasks_query, text};

/// Appends `total` paragraphs under `parent`, a hundred per request (Notion's limit).
async fn append_paragraphs(api: &asym_kit::testing::Api, parent: &str, total: usize) {
    for start in (0..total).step_by(100) {
        let children: Vec<Value> = (start..(start + 100).min(total))
            .map(|i| json!({ "paragraph": { "rich_text": text(&format!("p{i}")) } }))
            .collect();
        let path = format!("/v1/blocks/{parent}/children");
        patch(api, &path, &json!({ "children": children })).await;
    }
}

/// The text of each paragraph of `results`.
fn texts(results: &Value) -> Vec<String> {
    results
        .as_array()
        .unwrap()
        .iter()
        .map(|block| {
            block["paragraph"]["rich_text"][0]["plain_text"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[asym::clone("notion", seed = "basic")]
async fn block_children_page_through_thousands(notion: asym::Notion) {
    let api = api(&notion);
    let page = child_page(&api, MEETING, "Deep").await;
    let id = page["id"].as_str().unwrap();
    let total = 3_000;
    append_paragraphs(&api, id, total).await;
    let base = format!("/v1/blocks/{id}/children");
    let path = format!("{base}?page_size=100");
    let (mut seen, mut cursor, mut pages) = (Vec::new(), None::<String>, 0);
    let (started, mut took) = (Instant::now(), Vec::new());
    loop {
        let asked = Instant::now();
        let list = match &cursor {
            None => read(&api, &path).await,
            Some(cursor) => read(&api, &format!("{path}&start_cursor={cursor}")).await,
        };
        took.push(asked.elapsed());
        pages += 1;
        seen.extend(texts(&list["results"]));
        match list["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    // A one-off figure for the report, not an assertion.
    eprintln!(
        "{pages} pages of {total} children in {:?}: the first {:?}, the last {:?}",
        started.elapsed(),
        took[0],
        took[took.len() - 1]
    );
    let expected: Vec<String> = (0..total).map(|i| format!("p{i}")).collect();
    assert_eq!(seen, expected);
    assert_eq!(pages, 30);

    // A cursor whose block was trashed since: the next page starts where it was.
    let middle = read(
        &api,
        &format!(
            "{base}?page_size=2&start_cursor={}",
            cursor_at(&api, id, 1500).await
        ),
    )
    .await;
    assert_eq!(texts(&middle["results"]), ["p1500", "p1501"]);
    let gone = middle["results"][0]["id"].as_str().unwrap().to_owned();
    api.delete(&format!("/v1/blocks/{gone}")).await.expect(200);
    let after = read(&api, &format!("{base}?page_size=2&start_cursor={gone}")).await;
    assert_eq!(texts(&after["results"]), ["p1501", "p1502"]);
    assert_eq!(
        pluck(&after["results"], "id")[0],
        middle["results"][1]["id"].as_str().unwrap()
    );
}

/// The id of the child at `index` under `parent`, read through the list's own cursors.
async fn cursor_at(api: &asym_kit::testing::Api, parent: &str, index: usize) -> String {
    let path = format!("/v1/blocks/{parent}/children?page_size=100");
    let mut list = read(api, &path).await;
    for _ in 0..index / 100 {
        let next = list["next_cursor"].as_str().unwrap().to_owned();
        list = read(api, &format!("{path}&start_cursor={next}")).await;
    }
    list["results"][index % 100]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// A cursor whose result has left the list since (Notion does not document this case; the
/// clone carries on from where that result was rather than refusing): a data source query's
/// page trashed, a search's data source filtered out.
#[asym::clone("notion", seed = "basic")]
async fn cursors_outlive_their_result(notion: asym::Notion) {
    let api = api(&notion);
    let oldest = json!({ "sorts": [{ "timestamp": "created_time", "direction": "ascending" }] });
    let all = pluck(&post(&api, &tasks_query(), &oldest).await["results"], "id");
    assert!(all.len() >= 3, "{all:?}");
    set_trash(&api, &format!("/v1/pages/{}", all[1]), true).await;
    let mut from = oldest.clone();
    from["start_cursor"] = json!(all[1]);
    from["page_size"] = json!(1);
    let next = post(&api, &tasks_query(), &from).await;
    assert_eq!(pluck(&next["results"], "id"), [all[2].clone()]);
    assert_eq!(
        next["next_cursor"],
        all.get(3).map_or(Value::Null, |id| json!(id))
    );

    let search = json!({ "sort": { "timestamp": "last_edited_time", "direction": "ascending" } });
    let found = post(&api, "/v1/search", &search).await["results"].clone();
    let found = found.as_array().unwrap();
    let source = (0..found.len())
        .find(|&i| found[i]["object"] == "data_source")
        .unwrap();
    let page_after = found[source..]
        .iter()
        .find(|result| result["object"] == "page")
        .map(|page| page["id"].clone());
    let mut pages_only = search.clone();
    pages_only["filter"] = json!({ "property": "object", "value": "page" });
    pages_only["start_cursor"] = found[source]["id"].clone();
    pages_only["page_size"] = json!(1);
    let next = post(&api, "/v1/search", &pages_only).await;
    assert_eq!(next["results"][0].get("id").cloned(), page_after);
}
