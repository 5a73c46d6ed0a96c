//! Version header, auth, unknown routes, bad input and the rate limit.

use asym_kit::testing::Api;
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    DATABASE, PRIVATE, PROJECTS, TASK1, TASKS, admin, api, child_page, database, error, invalid,
    len, not_found, page_under, post, read, tasks_query, text,
};

#[asym::clone("notion", seed = "basic")]
async fn version_and_token_are_required(notion: asym::Notion) {
    let bare = Api::new(notion.api_url());
    let cases = [
        (bare.clone().bearer(notion.token()), 400, "missing_version"),
        (
            bare.clone().with_header("Notion-Version", "2025-09-03"),
            401,
            "unauthorized",
        ),
        (
            bare.clone()
                .bearer("ntn_nope")
                .with_header("Notion-Version", "2025-09-03"),
            401,
            "unauthorized",
        ),
        (
            bare.clone()
                .bearer(notion.token())
                .with_header("Notion-Version", "1999-01-01"),
            400,
            "validation_error",
        ),
    ];
    for (client, status, code) in cases {
        error(client.get("/v1/users/me").await, status, code);
    }
    let me = read(&api(&notion), "/v1/users/me").await;
    assert_eq!(me["type"], "bot");
    assert_eq!(me["bot"]["owner"]["type"], "workspace");
}

#[asym::clone("notion", seed = "basic")]
async fn unknown_routes_and_unshared_pages(notion: asym::Notion) {
    let api = api(&notion);
    error(api.get("/v1/nope").await, 400, "invalid_request_url");
    error(
        api.send(Method::PUT, "/v1/users", None).await,
        400,
        "invalid_request_url",
    );
    let message = not_found(api.get(&format!("/v1/pages/{PRIVATE}")).await);
    assert!(message.contains(PRIVATE), "{message}");
    not_found(api.get(&format!("/v1/blocks/{PRIVATE}/children")).await);
    // Routes Notion serves and the clone does not are named, not called wrong.
    for (method, path, name) in [
        (Method::POST, "/v1/sessions/s1/messages", "Agent sessions"),
        (Method::GET, "/v1/meeting_notes/m1", "Meeting notes"),
        (Method::GET, "/v1/agents", "Agents"),
        (Method::GET, "/v1/oauth/authorize", "OAuth"),
    ] {
        let message = error(
            api.send(method, path, Some(&json!({}))).await,
            501,
            "not_implemented",
        );
        assert!(message.starts_with(name), "{message}");
    }
    for bad in ["nope", "1234", "zzzzzzzz-0000-4000-8000-000000000001"] {
        invalid(api.get(&format!("/v1/pages/{bad}")).await);
    }
    // Ids are accepted without dashes.
    let page = api
        .get(&format!("/v1/pages/{}", PRIVATE.replace('-', "")))
        .await;
    assert_eq!(page.status, 404);
}

#[asym::clone("notion", seed = "basic")]
async fn bad_bodies_get_notion_errors_and_change_nothing(notion: asym::Notion) {
    let api = api(&notion);
    let count =
        || async { notion.query("SELECT count(*) FROM pages").await.unwrap()[0].get::<_, i64>(0) };
    let before = count().await;
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let many_keys = format!(
        "{{\"parent\":{{\"data_source_id\":\"{TASKS}\"}},\"properties\":{{{}}}}}",
        (0..10_001)
            .map(|i| format!("\"k{i}\":1"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let huge = format!("{{\"x\":\"{}\"}}", "a".repeat(2 << 20));
    let nul = format!(
        "{{\"parent\":{{\"data_source_id\":\"{TASKS}\"}},\"properties\":{{\"Name\":{{\"title\":[{{\"text\":{{\"content\":\"a\\u0000b\"}}}}]}}}}}}"
    );
    let cases: [(Vec<u8>, &str); 7] = [
        (b"{".to_vec(), "invalid_json"),
        (b"\xff\xfe".to_vec(), "invalid_json"),
        (deep.into_bytes(), "validation_error"),
        (many_keys.into_bytes(), "validation_error"),
        (huge.into_bytes(), "validation_error"),
        (nul.into_bytes(), "validation_error"),
        (b"[1,2]".to_vec(), "validation_error"),
    ];
    for (body, code) in cases {
        let reply = api
            .send_raw(Method::POST, "/v1/pages", "application/json", body)
            .await;
        error(reply, 400, code);
    }
    let shapes = [
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Done": { "checkbox": "yes" } } }),
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Nope": { "title": [] } } }),
        json!({ "parent": { "data_source_id": "bad" }, "properties": {} }),
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Due": { "date": { "start": "soon" } } } }),
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Due": { "date": { "start": "2025-02-30" } } } }),
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Due": { "date": { "start": "2025-01-01T25:00" } } } }),
        json!({ "parent": { "data_source_id": TASKS }, "properties": { "Name": { "title": [] } }, "children": [{ "nope": {} }] }),
    ];
    for body in shapes {
        invalid(api.post("/v1/pages", &body).await);
    }
    assert_eq!(count().await, before, "nothing was written");
}

#[asym::clone("notion", seed = "basic")]
async fn rate_limit_is_switchable(notion: asym::Notion) {
    let api = api(&notion);
    let admin = admin(&notion);
    post(&admin, "/api/admin/rate-limit", &json!({ "enabled": true })).await;
    let mut limited = None;
    for _ in 0..40 {
        let reply = api.get("/v1/users/me").await;
        if reply.status == 429 {
            limited = Some(reply);
            break;
        }
    }
    let reply = limited.expect("limited within 40 requests");
    assert!(reply.header("retry-after").is_some());
    // Notion's "Request limits": `additional_data.rate_limit_reason` names the limit exceeded.
    assert_eq!(
        reply.body["additional_data"],
        json!({ "rate_limit_reason": "public_api_request_rate_limit" })
    );
    error(reply, 429, "rate_limited");
    post(
        &admin,
        "/api/admin/rate-limit",
        &json!({ "enabled": false }),
    )
    .await;
    read(&api, "/v1/users/me").await;
}

/// Notion's 503 `service_unavailable`, asked by its name in the manifest (`unavailable`) on
/// page creates: the create answers Notion's envelope in the clone's place and writes
/// nothing; the next create is the clone's.
#[asym::clone("notion", seed = "basic")]
async fn an_unavailable_fault_writes_nothing(notion: asym::Notion) {
    let api = api(&notion);
    let unavailable = asym::Fault::preset("unavailable").on("POST", "/v1/pages");
    notion.fail(unavailable).await.unwrap();
    let refused = api
        .post("/v1/pages", &page_under(PROJECTS, "Unavailable"))
        .await
        .expect(503);
    assert_eq!(
        refused,
        json!({ "object": "error", "status": 503, "code": "service_unavailable",
                "message": "Notion is unavailable. Try again later." })
    );
    let search = json!({ "query": "Unavailable" });
    assert_eq!(
        post(&api, "/v1/search", &search).await["results"],
        json!([])
    );
    child_page(&api, PROJECTS, "Unavailable").await;
    assert_eq!(len(&post(&api, "/v1/search", &search).await["results"]), 1);
}

#[asym::clone("notion", seed = "basic")]
async fn a_path_segment_that_is_not_utf8_is_an_invalid_request_url(notion: asym::Notion) {
    let api = api(&notion);
    for path in [
        "/v1/pages/%FF".to_owned(),
        "/v1/blocks/%C3%28/children".to_owned(),
        "/v1/data_sources/%FF/query".to_owned(),
        format!("/v1/pages/{PRIVATE}/properties/%FF"),
        "/files/%FF/a.txt".to_owned(),
    ] {
        let method = if path.ends_with("/query") {
            Method::POST
        } else {
            Method::GET
        };
        let reply = api.send(method, &path, Some(&json!({}))).await;
        error(reply, 400, "invalid_request_url");
    }
}

#[asym::clone("notion", seed = "basic")]
async fn values_of_the_wrong_shape_are_refused_where_they_were_ignored(notion: asym::Notion) {
    let api = api(&notion);
    let under_projects = json!({ "page_id": PROJECTS });
    let page = |extra: Value| {
        let mut body = page_under(PROJECTS, "x");
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let database = |extra: Value| {
        let mut body = json!({ "parent": under_projects, "title": text("D") });
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let typed = json!([{ "type": 0, "text": { "content": "x" } }]);
    let children = format!("/v1/blocks/{PROJECTS}/children");
    let append = |block: Value| json!({ "children": [block] });
    let cases = [
        (
            Method::POST,
            "/v1/pages".to_owned(),
            page(json!({ "properties": { "title": { "title": typed } } })),
        ),
        (
            Method::POST,
            "/v1/pages".to_owned(),
            page(json!({ "icon": { "emoji": "" } })),
        ),
        (
            Method::POST,
            "/v1/pages".to_owned(),
            page(json!({ "icon": { "emoji": "x".repeat(100_000) } })),
        ),
        (
            Method::PATCH,
            format!("/v1/pages/{TASK1}"),
            json!({ "icon": { "emoji": "smile" } }),
        ),
        (
            Method::POST,
            "/v1/databases".to_owned(),
            database(json!({ "icon": 5 })),
        ),
        (
            Method::POST,
            "/v1/databases".to_owned(),
            database(json!({ "cover": "x" })),
        ),
        (
            Method::POST,
            "/v1/databases".to_owned(),
            database(json!({ "initial_data_source": 0 })),
        ),
        (
            Method::POST,
            "/v1/databases".to_owned(),
            database(
                json!({ "initial_data_source": { "properties": { "Name": { "title": 0 } } } }),
            ),
        ),
        (
            Method::PATCH,
            format!("/v1/databases/{DATABASE}"),
            json!({ "icon": { "emoji": "" } }),
        ),
        (
            Method::PATCH,
            format!("/v1/data_sources/{TASKS}"),
            json!({ "properties": { "M": { "number": "" } } }),
        ),
        (
            Method::PATCH,
            format!("/v1/data_sources/{TASKS}"),
            json!({ "icon": [] }),
        ),
        (
            Method::PATCH,
            children.clone(),
            append(json!({ "type": 5, "paragraph": { "rich_text": [] } })),
        ),
        (
            Method::PATCH,
            children.clone(),
            append(json!({ "heading_1": { "rich_text": [], "is_toggleable": "yes" } })),
        ),
        (
            Method::PATCH,
            children.clone(),
            append(json!({ "callout": { "rich_text": [], "icon": { "emoji": "nope" } } })),
        ),
        (
            Method::PATCH,
            children.clone(),
            json!({ "children": [], "position": 5 }),
        ),
        (Method::POST, tasks_query(), json!({ "page_size": "5" })),
        (
            Method::PATCH,
            children.clone(),
            append(json!({ "quote": { "rich_text": [], "color": "nope" } })),
        ),
        (
            Method::PATCH,
            children.clone(),
            append(
                json!({ "quote": { "rich_text": [{ "text": { "content": "x" }, "annotations": { "color": "teal" } }] } }),
            ),
        ),
    ];
    for (method, path, body) in cases {
        let message = invalid(api.send(method.clone(), &path, Some(&body)).await);
        assert!(
            message.starts_with("body failed validation: body."),
            "{method} {path}: {message}"
        );
    }
    let row = |cells: usize| json!({ "table_row": { "cells": vec![text("c"); cells] } });
    let table = json!({ "table": { "table_width": 2, "children": [row(2), row(1)] } });
    let message = invalid(api.patch(&children, &append(table)).await);
    assert_eq!(
        message,
        "Number of cells in table row must match the table width of the parent table."
    );
    let page = post(
        &api,
        "/v1/pages",
        &page(json!({ "icon": { "emoji": "1️⃣" } })),
    )
    .await;
    assert_eq!(page["icon"]["emoji"], "1️⃣");
}

/// Every field of `@notionhq/client` 5.26's object response types (`PageObjectResponse`,
/// `DatabaseObjectResponse`, `DataSourceObjectResponse`, `BlockObjectResponse`,
/// `CommentObjectResponse`, `FileUploadObjectResponse`, `UserObjectResponse`), as the SDK's
/// `isFull*` guards and typed clients read them.
#[asym::clone("notion", seed = "basic")]
async fn answers_hold_every_field_of_the_sdks_object_types(notion: asym::Notion) {
    let api = api(&notion);
    let comments = read(&api, &format!("/v1/comments?block_id={TASK1}")).await;
    let cases = [
        (
            read(&api, &format!("/v1/pages/{TASK1}")).await,
            "object id created_time last_edited_time in_trash archived is_archived is_locked \
             url public_url parent properties icon cover created_by last_edited_by",
        ),
        (
            read(&api, &format!("/v1/databases/{DATABASE}")).await,
            "object id title description parent is_inline in_trash archived is_locked \
             created_time last_edited_time data_sources icon cover url public_url",
        ),
        (
            read(&api, &format!("/v1/data_sources/{TASKS}")).await,
            "object id title description parent database_parent is_inline in_trash archived \
             created_time last_edited_time created_by last_edited_by properties icon cover \
             url public_url",
        ),
        (
            read(&api, &format!("/v1/blocks/{PROJECTS}")).await,
            "object id parent type created_time created_by last_edited_time last_edited_by \
             has_children in_trash archived",
        ),
        (
            comments["results"][0].clone(),
            "object id parent discussion_id created_time last_edited_time created_by \
             rich_text display_name",
        ),
        (
            post(&api, "/v1/file_uploads", &json!({})).await,
            "object id created_time created_by last_edited_time in_trash archived \
             expiry_time status filename content_type content_length",
        ),
        (
            read(&api, "/v1/users/me").await,
            "object id type name avatar_url bot",
        ),
    ];
    for (answer, fields) in cases {
        for field in fields.split_whitespace() {
            assert!(answer.get(field).is_some(), "{field} missing from {answer}");
        }
    }
}

/// A block whose `kind` of text (a link's URL, an equation's expression, a bookmark's or an
/// image's URL) is `n` characters long.
fn sized_block(kind: &str, n: usize) -> Value {
    let url = format!("https://example.com/{}", "x".repeat(n - 20));
    let expression = "x".repeat(n);
    match kind {
        "link" => {
            json!({ "paragraph": { "rich_text": [{ "text": { "content": "x", "link": { "url": url } } }] } })
        }
        "inline equation" => {
            json!({ "paragraph": { "rich_text": [{ "type": "equation", "equation": { "expression": expression } }] } })
        }
        "equation" => json!({ "equation": { "expression": expression } }),
        "bookmark" => json!({ "bookmark": { "url": url } }),
        _ => json!({ "image": { "external": { "url": url } } }),
    }
}

/// Notion's documented size limits ("Request limits"): each refused with its
/// `validation_error` naming the path, the limit and the length; at the limit, accepted.
#[asym::clone("notion", seed = "basic")]
async fn size_limits_answer_notion_validation_errors(notion: asym::Notion) {
    let api = api(&notion);
    let children = format!("/v1/blocks/{PROJECTS}/children");
    for (kind, max, path) in [
        ("link", 2000, "paragraph.rich_text[0].text.link.url"),
        (
            "inline equation",
            1000,
            "paragraph.rich_text[0].equation.expression",
        ),
        ("equation", 1000, "equation.expression"),
        ("bookmark", 2000, "bookmark.url"),
        ("image", 2000, "image.external.url"),
    ] {
        let body = json!({ "children": [sized_block(kind, max + 1)] });
        let message = invalid(api.patch(&children, &body).await);
        assert_eq!(
            message,
            format!(
                "body failed validation: body.children[0].{path}.length should be ≤ `{max}`, instead was `{}`.",
                max + 1
            )
        );
        let body = json!({ "children": [sized_block(kind, max)] });
        api.patch(&children, &body).await.expect(200);
    }
    // Property values: a URL, an email, a phone number, a multi-select's options.
    let db = database(
        &api,
        "Limits",
        json!({ "Name": { "title": {} }, "Site": { "url": {} }, "Mail": { "email": {} },
                "Phone": { "phone_number": {} }, "Tags": { "multi_select": {} } }),
    )
    .await;
    let parent = json!({ "data_source_id": db["data_sources"][0]["id"] });
    let tags = |n: usize| {
        json!(
            (0..n)
                .map(|i| json!({ "name": format!("t{i}") }))
                .collect::<Vec<_>>()
        )
    };
    for (property, value, over, max) in [
        ("Site", json!({ "url": "x".repeat(2001) }), 2001, 2000),
        ("Mail", json!({ "email": "x".repeat(201) }), 201, 200),
        (
            "Phone",
            json!({ "phone_number": "x".repeat(201) }),
            201,
            200,
        ),
        ("Tags", json!({ "multi_select": tags(101) }), 101, 100),
    ] {
        let kind = value.as_object().unwrap().keys().next().unwrap().clone();
        let body = json!({ "parent": parent, "properties": { property: value } });
        let message = invalid(api.post("/v1/pages", &body).await);
        assert_eq!(
            message,
            format!(
                "body failed validation: body.properties.{property}.{kind}.length should be ≤ `{max}`, instead was `{over}`."
            )
        );
    }
    let body = json!({ "parent": parent, "properties": { "Mail": { "email": "x".repeat(200) }, "Tags": { "multi_select": tags(100) } } });
    api.post("/v1/pages", &body).await.expect(200);
    // At most 1000 block elements in one request, children counted: 10 toggles of 99 are
    // 1000, of 100 are 1010.
    let toggles = |each: usize| {
        let inner = vec![json!({ "paragraph": { "rich_text": text("in") } }); each];
        json!(vec![
            json!({ "toggle": { "rich_text": text("t"), "children": inner } });
            10
        ])
    };
    let mut page = page_under(PROJECTS, "Big");
    page["children"] = toggles(100);
    let message = invalid(api.post("/v1/pages", &page).await);
    assert!(message.contains("1010 block elements"), "{message}");
    let message = invalid(
        api.patch(&children, &json!({ "children": toggles(100) }))
            .await,
    );
    assert!(message.contains("more than the 1000"), "{message}");
    let made = api
        .patch(&children, &json!({ "children": toggles(99) }))
        .await
        .expect(200);
    assert_eq!(made["results"].as_array().unwrap().len(), 10);
    // At most 500KB in one request's payload: 2 paragraphs of 100 rich text items of 2,000
    // characters (about 413KB) are taken; 3 (about 620KB) are refused whole, as Notion's
    // `validation_error`, before any of it is read.
    let paragraphs = |n: usize| {
        let item = json!({ "type": "text", "text": { "content": "x".repeat(2000) } });
        json!({ "children": vec![json!({ "paragraph": { "rich_text": vec![item; 100] } }); n] })
    };
    let (under, over) = (paragraphs(2), paragraphs(3));
    let size = |body: &Value| serde_json::to_vec(body).unwrap().len();
    assert!(size(&under) < 500_000 && size(&over) > 500_000);
    let held = || async {
        notion
            .query(&format!(
                "SELECT count(*) FROM blocks WHERE parent_id = '{PROJECTS}'"
            ))
            .await
            .unwrap()[0]
            .get::<_, i64>(0)
    };
    let before = held().await;
    for (path, method) in [
        (children.as_str(), Method::PATCH),
        ("/v1/pages", Method::POST),
    ] {
        let mut body = over.clone();
        body["parent"] = json!({ "page_id": PROJECTS });
        let message = invalid(api.send(method, path, Some(&body)).await);
        assert!(message.contains("at most 500KB"), "{message}");
    }
    assert_eq!(held().await, before, "nothing was written");
    let made = api.patch(&children, &under).await.expect(200);
    assert_eq!(made["results"].as_array().unwrap().len(), 2);
}

/// Notion's 409 `conflict_error` ("The transaction could not be completed, potentially due
/// to a data collision"): a write that collides with another — Postgres's serialization
/// failure, deadlock or duplicate key, each forced here by a trigger on one page — answers
/// Notion's envelope and message and changes nothing; the next write goes through.
#[asym::clone("notion", seed = "basic")]
async fn a_colliding_write_is_a_conflict_error(notion: asym::Notion) {
    let api = api(&notion);
    let page = child_page(&api, PROJECTS, "Contended").await;
    let id = page["id"].as_str().unwrap();
    let rename = |title: &str| json!({ "properties": { "title": { "title": text(title) } } });
    for state in ["40001", "40P01", "23505"] {
        for sql in [
            format!(
                "CREATE FUNCTION asym_test_collide() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'collision' USING ERRCODE = '{state}'; END $$"
            ),
            format!(
                "CREATE TRIGGER asym_test_collide BEFORE UPDATE ON pages FOR EACH ROW WHEN (OLD.id = '{id}') EXECUTE FUNCTION asym_test_collide()"
            ),
        ] {
            notion.query(&sql).await.unwrap();
        }
        let reply = api
            .patch(&format!("/v1/pages/{id}"), &rename("Renamed"))
            .await;
        for sql in [
            "DROP TRIGGER asym_test_collide ON pages",
            "DROP FUNCTION asym_test_collide()",
        ] {
            notion.query(sql).await.unwrap();
        }
        let message = error(reply, 409, "conflict_error");
        assert_eq!(message, "Conflict occurred while saving. Please try again.");
        let page = read(&api, &format!("/v1/pages/{id}")).await;
        assert_eq!(
            page["properties"]["title"]["title"][0]["plain_text"],
            "Contended"
        );
    }
    let renamed = api
        .patch(&format!("/v1/pages/{id}"), &rename("Renamed"))
        .await
        .expect(200);
    assert_eq!(
        renamed["properties"]["title"]["title"][0]["plain_text"],
        "Renamed"
    );
}
