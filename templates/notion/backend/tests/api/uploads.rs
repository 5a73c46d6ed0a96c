//! File uploads: create, send (single and multi-part), complete, retrieve, list, the bytes
//! served at the attached file's `url`, attaching to blocks, properties, icon and cover,
//! and every refusal.

use asym_kit::testing::{Api, Reply, assert_suffix};
use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{
    PROJECTS, TASK1, TASKS, admin, api, comment, heard, invalid, next_page, not_found, patch, post,
    read, set_properties, tasks_schema, text, update_page,
};

/// One form field: its name, file name, content type and bytes.
type Field<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);

/// A `multipart/form-data` body of `fields`.
fn form(fields: &[Field<'_>]) -> (String, Vec<u8>) {
    let boundary = "asymNotionBoundary7MA4YWxk";
    let mut body = Vec::new();
    for (name, filename, kind, bytes) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{name}\"");
        if let Some(filename) = filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        if let Some(kind) = kind {
            body.extend_from_slice(format!("\r\nContent-Type: {kind}").as_bytes());
        }
        body.extend_from_slice(b"\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// `POST /v1/file_uploads/{id}/send` with `fields`.
async fn send(api: &Api, id: &str, fields: &[Field<'_>]) -> Reply {
    let (content_type, body) = form(fields);
    let path = format!("/v1/file_uploads/{id}/send");
    api.send_raw(Method::POST, &path, &content_type, body).await
}

/// `POST /v1/file_uploads/{id}/send` with one `file` field: `bytes` as `filename` (`kind`).
async fn send_file(api: &Api, id: &str, filename: &str, kind: &str, bytes: &[u8]) -> Reply {
    send(api, id, &[("file", Some(filename), Some(kind), bytes)]).await
}

/// `POST /v1/file_uploads` with `body`, asserting HTTP 200; the upload.
async fn create_upload(api: &Api, body: Value) -> Value {
    post(api, "/v1/file_uploads", &body).await
}

/// Creates a multi-part upload of `filename` in `parts` parts; the upload.
async fn multi_part_upload(api: &Api, filename: &str, parts: u32) -> Value {
    let body = json!({ "mode": "multi_part", "number_of_parts": parts, "filename": filename });
    create_upload(api, body).await
}

/// Creates an upload importing `https://example.com/{filename}` (`mode: external_url`); the
/// upload (which the clone records as failed: it downloads nothing).
async fn external_upload(api: &Api, filename: &str) -> Value {
    let url = format!("https://example.com/{filename}");
    let body = json!({ "mode": "external_url", "filename": filename, "external_url": url });
    create_upload(api, body).await
}

/// Creates a single-part upload and sends `bytes` as `filename` (`kind`); the upload.
async fn uploaded(api: &Api, filename: &str, kind: &str, bytes: &[u8]) -> String {
    let created = create_upload(api, json!({})).await;
    let id = created["id"].as_str().unwrap().to_owned();
    send_file(api, &id, filename, kind, bytes).await.expect(200);
    id
}

/// The bytes at `url`, with no credentials.
async fn download(url: &str) -> (u16, Vec<u8>, String) {
    let reply = reqwest::get(url).await.unwrap();
    let status = reply.status().as_u16();
    let kind = reply
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, reply.bytes().await.unwrap().to_vec(), kind)
}

/// Where a hosted file object (`{"type": "file", "file": {"url": …}}`) is served.
fn served_at(file: &Value) -> &str {
    file["file"]["url"].as_str().unwrap()
}

fn reference(id: &str) -> Value {
    json!({ "type": "file_upload", "file_upload": { "id": id } })
}

#[asym::clone("notion", seed = "basic")]
async fn single_part_upload_attached_to_a_block_and_downloaded(notion: asym::Notion) {
    let api = api(&notion);
    let created = create_upload(&api, json!({})).await;
    assert_eq!(created["object"], "file_upload");
    assert_eq!(created["status"], "pending");
    assert_eq!(created["filename"], Value::Null);
    assert_eq!(created["content_type"], Value::Null);
    assert_eq!(created["content_length"], Value::Null);
    assert_eq!(created["in_trash"], false);
    assert_eq!(created["created_by"]["type"], "bot");
    assert!(created["expiry_time"].as_str().unwrap() > created["created_time"].as_str().unwrap());
    assert!(created.get("number_of_parts").is_none());
    let id = created["id"].as_str().unwrap();
    assert_suffix(
        &created["upload_url"],
        &format!("/v1/file_uploads/{id}/send"),
    );

    let sent = send_file(&api, id, "notes.txt", "text/plain", b"hello notion")
        .await
        .expect(200);
    assert_eq!(sent["status"], "uploaded");
    assert_eq!(sent["filename"], "notes.txt");
    assert_eq!(sent["content_type"], "text/plain");
    assert_eq!(sent["content_length"], 12);
    assert!(sent.get("upload_url").is_none());
    let again = send_file(&api, id, "notes.txt", "text/plain", b"x").await;
    assert!(invalid(again).contains("only a pending upload can be sent"));

    let appended = patch(
        &api,
        &format!("/v1/blocks/{PROJECTS}/children"),
        &json!({ "children": [{ "type": "file", "file": reference(id) }] }),
    )
    .await;
    let file = &appended["results"][0]["file"];
    assert_eq!(file["type"], "file");
    assert_eq!(file["name"], "notes.txt");
    assert!(file.get("file_upload").is_none());
    assert!(file["file"]["expiry_time"].is_string());
    let url = served_at(file);
    assert!(url.ends_with(&format!("/files/{id}/notes.txt")), "{url}");
    let (status, bytes, kind) = download(url).await;
    assert_eq!(
        (status, bytes.as_slice(), kind.as_str()),
        (200, &b"hello notion"[..], "text/plain")
    );

    let block = read(
        &api,
        &format!(
            "/v1/blocks/{}",
            appended["results"][0]["id"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(block["file"]["file"]["url"], url);
    let attached = read(&api, &format!("/v1/file_uploads/{id}")).await;
    assert_eq!(attached["status"], "uploaded");
    assert_eq!(attached["expiry_time"], Value::Null);

    // An uploaded file may be attached again, and a block switched from an external URL.
    let image = create_upload(
        &api,
        json!({ "filename": "pixel", "content_type": "image/png" }),
    )
    .await;
    assert_eq!(image["filename"], "pixel.png");
    let image = image["id"].as_str().unwrap().to_owned();
    send(
        &api,
        &image,
        &[(
            "file",
            Some("blob"),
            Some("application/octet-stream"),
            b"\x89PNG",
        )],
    )
    .await
    .expect(200);
    let external = patch(
        &api,
        &format!("/v1/blocks/{PROJECTS}/children"),
        &json!({ "children": [{ "image": { "external": { "url": "https://example.com/a.png" } } }] }),
    )
    .await;
    let block_id = external["results"][0]["id"].as_str().unwrap();
    let switched = patch(
        &api,
        &format!("/v1/blocks/{block_id}"),
        &json!({ "image": reference(&image) }),
    )
    .await;
    assert_eq!(switched["image"]["type"], "file");
    assert!(switched["image"].get("external").is_none());
    assert!(served_at(&switched["image"]).ends_with("/pixel.png"));
    let (_, bytes, kind) = download(served_at(&switched["image"])).await;
    assert_eq!(
        (bytes.as_slice(), kind.as_str()),
        (&b"\x89PNG"[..], "image/png")
    );
}

#[asym::clone("notion", seed = "basic")]
async fn uploads_become_icons_covers_and_files_values(notion: asym::Notion) {
    let api = api(&notion);
    let icon = uploaded(&api, "logo.png", "image/png", b"png-bytes").await;
    let cover = uploaded(&api, "cover.jpg", "image/jpeg", b"jpeg-bytes").await;
    let contract = uploaded(&api, "contract.pdf", "application/pdf", b"%PDF-1.4").await;
    tasks_schema(&api, json!({ "Attachments": { "files": {} } })).await;
    let page = post(
        &api,
        "/v1/pages",
        &json!({
            "parent": { "data_source_id": TASKS },
            "icon": reference(&icon),
            "cover": reference(&cover),
            "properties": {
                "Name": { "title": [{ "text": { "content": "With files" } }] },
                "Attachments": { "files": [
                    { "name": "Signed contract", "type": "file_upload", "file_upload": { "id": contract } },
                    { "name": "Spec", "external": { "url": "https://example.com/spec.pdf" } }
                ] }
            }
        }),
    )
    .await;
    assert_eq!(page["icon"]["type"], "file");
    assert!(served_at(&page["icon"]).ends_with("/logo.png"));
    assert!(served_at(&page["cover"]).ends_with("/cover.jpg"));
    let files = &page["properties"]["Attachments"]["files"];
    assert_eq!(files[0]["name"], "Signed contract");
    assert_eq!(files[0]["type"], "file");
    assert_eq!(files[1]["type"], "external");
    let (_, bytes, _) = download(served_at(&files[0])).await;
    assert_eq!(bytes, b"%PDF-1.4");

    // Updating the page keeps the attached files; a new icon from another upload replaces it.
    let other = uploaded(&api, "other.png", "image/png", b"other").await;
    let page_id = page["id"].as_str().unwrap();
    let updated = update_page(&api, page_id, &json!({ "icon": reference(&other) })).await;
    assert!(served_at(&updated["icon"]).ends_with("/other.png"));
    assert_eq!(
        updated["properties"]["Attachments"]["files"][0]["type"],
        "file"
    );
    let unnamed = uploaded(&api, "report.csv", "text/csv", b"a,b").await;
    let updated = set_properties(
        &api,
        page_id,
        json!({ "Attachments": { "files": [reference(&unnamed)] } }),
    )
    .await;
    assert_eq!(
        updated["properties"]["Attachments"]["files"][0]["name"],
        "report.csv"
    );
}

#[asym::clone("notion", seed = "basic")]
async fn multi_part_upload_is_completed_once_every_part_is_sent(notion: asym::Notion) {
    let api = api(&notion);
    let created = multi_part_upload(&api, "big.txt", 2).await;
    assert_eq!(created["content_type"], "text/plain");
    assert_eq!(created["number_of_parts"], json!({ "total": 2, "sent": 0 }));
    let id = created["id"].as_str().unwrap();
    assert_suffix(
        &created["complete_url"],
        &format!("/v1/file_uploads/{id}/complete"),
    );

    let early = api
        .post(&format!("/v1/file_uploads/{id}/complete"), &json!({}))
        .await;
    assert!(invalid(early).contains("expects 2 parts, but 0 were sent"));
    let first = vec![b'a'; 5 << 20];
    let small = send(
        &api,
        id,
        &[
            ("file", Some("big.txt"), Some("text/plain"), b"short"),
            ("part_number", None, None, b"1"),
        ],
    )
    .await;
    assert!(invalid(small).contains("at least 5242880 bytes"));
    let missing = send_file(&api, id, "big.txt", "text/plain", b"x").await;
    assert!(invalid(missing).contains("body.part_number"));
    let beyond = send(
        &api,
        id,
        &[
            ("file", None, None, b"x"),
            ("part_number", None, None, b"3"),
        ],
    )
    .await;
    assert!(invalid(beyond).contains("between 1 and 2"));

    // Parts may come in any order.
    let last = send(
        &api,
        id,
        &[
            ("file", Some("big.txt"), None, b"-tail"),
            ("part_number", None, None, b"2"),
        ],
    )
    .await
    .expect(200);
    assert_eq!(last["number_of_parts"]["sent"], 1);
    assert_eq!(last["status"], "pending");
    let sent = send(
        &api,
        id,
        &[
            ("file", Some("big.txt"), Some("text/plain"), &first),
            ("part_number", None, None, b"1"),
        ],
    )
    .await
    .expect(200);
    assert_eq!(sent["number_of_parts"], json!({ "total": 2, "sent": 2 }));
    let done = post(&api, &format!("/v1/file_uploads/{id}/complete"), &json!({})).await;
    assert_eq!(done["status"], "uploaded");
    assert_eq!(done["content_length"], (5 << 20) + 5);
    assert!(done.get("complete_url").is_none());
    let twice = api
        .post(&format!("/v1/file_uploads/{id}/complete"), &json!({}))
        .await;
    assert!(invalid(twice).contains("only a pending upload can be completed"));

    let block = patch(
        &api,
        &format!("/v1/blocks/{PROJECTS}/children"),
        &json!({ "children": [{ "file": reference(id) }] }),
    )
    .await;
    let (_, bytes, _) = download(served_at(&block["results"][0]["file"])).await;
    assert_eq!(bytes.len(), (5 << 20) + 5);
    assert!(bytes.ends_with(b"a-tail"));

    let single = uploaded(&api, "one.txt", "text/plain", b"1").await;
    let refused = api
        .post(&format!("/v1/file_uploads/{single}/complete"), &json!({}))
        .await;
    assert!(invalid(refused).contains("only a multi_part upload is completed"));
}

#[asym::clone("notion", seed = "basic")]
async fn list_by_status_and_page(notion: asym::Notion) {
    let api = api(&notion);
    let done = uploaded(&api, "a.txt", "text/plain", b"a").await;
    let pending = create_upload(&api, json!({})).await;
    let pending = pending["id"].as_str().unwrap();
    let all = read(&api, "/v1/file_uploads").await;
    assert_eq!(all["type"], "file_upload");
    assert_eq!(all["results"].as_array().unwrap().len(), 2);
    let first = read(&api, "/v1/file_uploads?page_size=1").await;
    let second = next_page(&api, "/v1/file_uploads?page_size=1", &first).await;
    assert_eq!(second["has_more"], false);
    assert_ne!(first["results"][0]["id"], second["results"][0]["id"]);
    let uploaded = read(&api, "/v1/file_uploads?status=uploaded").await;
    assert_eq!(uploaded["results"][0]["id"], done.as_str());
    assert_eq!(uploaded["results"].as_array().unwrap().len(), 1);
    let waiting = read(&api, "/v1/file_uploads?status=pending").await;
    assert_eq!(waiting["results"][0]["id"], pending);
    assert!(invalid(api.get("/v1/file_uploads?status=done").await).contains("query.status"));

    // Past its expiry time an upload that was never attached is expired, and refused.
    notion
        .query(&format!(
            "UPDATE file_uploads SET expiry_time = now() - interval '1 minute' WHERE id = '{done}'"
        ))
        .await
        .unwrap();
    let expired = read(&api, &format!("/v1/file_uploads/{done}")).await;
    assert_eq!(expired["status"], "expired");
    let listed = read(&api, "/v1/file_uploads?status=expired").await;
    assert_eq!(listed["results"][0]["id"], done.as_str());
    let refused = api
        .patch(
            &format!("/v1/blocks/{PROJECTS}/children"),
            &json!({ "children": [{ "pdf": reference(&done) }] }),
        )
        .await;
    assert!(invalid(refused).contains("is `expired`"));
}

#[asym::clone("notion", seed = "basic")]
async fn refusals(notion: asym::Notion) {
    let api = api(&notion);
    let refused = [
        (json!({ "mode": "chunked" }), "body.mode"),
        (
            json!({ "mode": "multi_part", "filename": "a.mp4" }),
            "body.number_of_parts should be defined",
        ),
        (
            json!({ "mode": "multi_part", "number_of_parts": 2 }),
            "body.filename should be defined",
        ),
        (
            json!({ "mode": "multi_part", "number_of_parts": 0, "filename": "a.mp4" }),
            "between 1 and 1000",
        ),
        (
            json!({ "number_of_parts": 2 }),
            "body.number_of_parts should be not present",
        ),
        (
            json!({ "content_type": "application/x-msdownload" }),
            "not supported",
        ),
        (
            json!({ "filename": "a.png", "content_type": "application/pdf" }),
            "does not match",
        ),
        (
            json!({ "filename": "x".repeat(901) }),
            "body.filename.length should be ≤ `900`",
        ),
        (
            json!({ "mode": "external_url", "filename": "a.png" }),
            "body.external_url should be defined",
        ),
        (
            json!({ "mode": "external_url", "filename": "a.png", "external_url": "http://example.com/a.png" }),
            "HTTPS",
        ),
    ];
    for (body, wanted) in refused {
        let message = invalid(api.post("/v1/file_uploads", &body).await);
        assert!(message.contains(wanted), "{body}: {message}");
    }

    // The clone downloads nothing: an external import is recorded as failed, saying why.
    let external = external_upload(&api, "a.png").await;
    assert_eq!(external["status"], "failed");
    assert_eq!(external["file_import_result"]["type"], "error");
    assert_eq!(
        external["file_import_result"]["error"]["type"],
        "download_error"
    );
    let ext_id = external["id"].as_str().unwrap();
    assert!(
        invalid(send(&api, ext_id, &[("file", Some("a.png"), None, b"x")]).await)
            .contains("external_url")
    );

    let unknown = "f0000000-0000-4000-8000-000000000001";
    not_found(api.get(&format!("/v1/file_uploads/{unknown}")).await);
    not_found(send(&api, unknown, &[("file", Some("a.txt"), None, b"x")]).await);
    assert!(invalid(api.get("/v1/file_uploads/nope").await).contains("path.file_upload_id"));

    let pending = create_upload(&api, json!({})).await;
    let pending = pending["id"].as_str().unwrap();
    assert!(
        invalid(
            api.post(&format!("/v1/file_uploads/{pending}/send"), &json!({}))
                .await
        )
        .contains("multipart/form-data")
    );
    assert!(
        invalid(send(&api, pending, &[("other", None, None, b"x")]).await)
            .contains("body.file should be defined")
    );
    assert!(
        invalid(send(&api, pending, &[("file", Some("a.exe"), None, b"x")]).await)
            .contains("not supported")
    );
    let typed = create_upload(&api, json!({ "content_type": "image/png" })).await;
    let typed = typed["id"].as_str().unwrap();
    assert!(
        invalid(send_file(&api, typed, "a.txt", "text/plain", b"x").await)
            .contains("does not match")
    );
    let big = vec![0u8; (20 << 20) + 1];
    assert!(
        invalid(send(&api, pending, &[("file", Some("a.txt"), None, &big)]).await)
            .contains("too large")
    );

    // Attaching what is not uploaded, or does not exist, is refused and writes nothing.
    let children = format!("/v1/blocks/{PROJECTS}/children");
    let before = read(&api, &children).await["results"]
        .as_array()
        .unwrap()
        .len();
    let attached = [
        ("image", pending, "is `pending`"),
        ("video", unknown, "Could not find file upload"),
        ("audio", "nope", "file_upload.id should be a valid uuid"),
    ];
    for (kind, id, wanted) in attached {
        let body = json!({ "children": [{ kind: reference(id) }] });
        let message = invalid(api.patch(&children, &body).await);
        assert!(message.contains(wanted), "{message}");
    }
    let message = invalid(
        api.post(
            "/v1/pages",
            &json!({ "parent": { "page_id": PROJECTS }, "cover": reference(ext_id) }),
        )
        .await,
    );
    assert!(message.contains("is `failed`"), "{message}");
    assert_eq!(
        read(&api, &children).await["results"]
            .as_array()
            .unwrap()
            .len(),
        before
    );
    let (status, _, _) = download(&format!("{}/files/{pending}/a.txt", notion.api_url())).await;
    assert_eq!(status, 404);
}

#[asym::clone("notion", seed = "basic")]
async fn comments_take_attachments_and_a_custom_name(notion: asym::Notion) {
    let api = api(&notion);
    let image = uploaded(&api, "shot.png", "image/png", b"\x89PNG").await;
    let pdf = uploaded(&api, "spec.pdf", "application/pdf", b"%PDF-1.4").await;
    let attached = post(
        &api,
        "/v1/comments",
        &json!({
            "parent": { "page_id": TASK1 },
            "rich_text": text("See attached"),
            "attachments": [{ "file_upload_id": image }, { "file_upload_id": pdf, "type": "file_upload" }],
            "display_name": { "type": "custom", "custom": { "name": "Release bot" } }
        }),
    )
    .await;
    assert_eq!(
        attached["display_name"],
        json!({ "type": "custom", "resolved_name": "Release bot" })
    );
    let files = attached["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["category"], "image");
    assert_eq!(files[1]["category"], "pdf");
    let url = served_at(&files[0]);
    assert!(url.ends_with("/shot.png"), "{url}");
    assert_eq!(download(url).await.1, b"\x89PNG");
    let again = read(
        &api,
        &format!("/v1/comments/{}", attached["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(again["attachments"], attached["attachments"]);
    assert_eq!(again["display_name"]["resolved_name"], "Release bot");
    let plain = comment(&api, json!({ "page_id": TASK1 }), "plain").await;
    assert_eq!(plain["display_name"]["type"], "integration");
    assert_eq!(plain["attachments"], json!([]));
    for body in [
        json!({ "parent": { "page_id": TASK1 }, "rich_text": text("x"), "attachments": [{ "file_upload_id": "e9999999-0000-4000-8000-000000000001" }] }),
        json!({ "parent": { "page_id": TASK1 }, "rich_text": text("x"), "attachments": [{ "file_upload_id": image }, { "file_upload_id": image }, { "file_upload_id": image }, { "file_upload_id": image }] }),
        json!({ "parent": { "page_id": TASK1 }, "rich_text": text("x"), "display_name": { "type": "user" } }),
        json!({ "parent": { "page_id": TASK1 }, "rich_text": text("x"), "display_name": { "type": "custom", "custom": { "name": "" } } }),
    ] {
        invalid(api.post("/v1/comments", &body).await);
    }
}

#[asym::clone("notion", seed = "basic")]
async fn uploads_send_file_upload_events(notion: asym::Notion) {
    let receiver = crate::common::verified_receiver(&notion).await;
    let api = api(&notion);
    // Single part: created, then completed once the file is sent.
    let id = uploaded(&api, "a.png", "image/png", b"png").await;
    for kind in ["file_upload.created", "file_upload.completed"] {
        let event = receiver.delivery().await.json();
        assert_eq!(event["type"], kind, "{event}");
        assert_eq!(event["entity"], json!({ "id": id, "type": "file_upload" }));
        assert!(event.get("data").is_none(), "{event}");
        assert_eq!(event["api_version"], "2025-09-03");
    }
    // Multi part: completed when completed, not when a part is sent.
    let multi = multi_part_upload(&api, "b.txt", 1).await;
    let multi_id = multi["id"].as_str().unwrap();
    assert_eq!(
        receiver.delivery().await.json()["type"],
        "file_upload.created"
    );
    let part: Field<'_> = ("part_number", None, None, b"1");
    send(
        &api,
        multi_id,
        &[("file", Some("b.txt"), Some("text/plain"), b"text"), part],
    )
    .await
    .expect(200);
    post(
        &api,
        &format!("/v1/file_uploads/{multi_id}/complete"),
        &json!({}),
    )
    .await;
    let completed = receiver.delivery().await.json();
    assert_eq!(
        (&completed["type"], &completed["entity"]["id"]),
        (&json!("file_upload.completed"), &json!(multi_id))
    );
    // An import that fails says why, as Notion's upload_failed does.
    let external = external_upload(&api, "c.png").await;
    assert_eq!(
        receiver.delivery().await.json()["type"],
        "file_upload.created"
    );
    let failed = receiver.delivery().await.json();
    assert_eq!(failed["type"], "file_upload.upload_failed");
    assert_eq!(failed["entity"]["id"], external["id"]);
    assert_eq!(
        failed["data"]["file_import_result"],
        external["file_import_result"]
    );
    assert_eq!(
        failed["data"]["file_import_result"]["error"]["type"],
        "download_error"
    );
    // Expiry (the admin surface's hour is up now): `file_upload.expired` once, then the
    // upload answers `expired`; a failed import does not expire.
    let pending = create_upload(&api, json!({ "mode": "single_part", "filename": "d.txt" })).await;
    let pending_id = pending["id"].as_str().unwrap();
    heard(&receiver, "file_upload.created").await;
    let admin = admin(&notion);
    let expire = |id: &str| format!("/api/admin/file_uploads/{id}/expire");
    admin
        .post(&expire(pending_id), &json!({}))
        .await
        .expect(200);
    let expired = heard(&receiver, "file_upload.expired").await;
    assert_eq!(
        expired["entity"],
        json!({ "id": pending_id, "type": "file_upload" })
    );
    assert!(expired.get("data").is_none(), "{expired}");
    let path = format!("/v1/file_uploads/{pending_id}");
    assert_eq!(read(&api, &path).await["status"], "expired");
    let external_id = external["id"].as_str().unwrap();
    admin
        .post(&expire(external_id), &json!({}))
        .await
        .expect(404);
    // Announced once: the next event is the next upload's.
    read(&api, "/v1/file_uploads").await;
    let last = create_upload(&api, json!({ "filename": "e.txt" })).await;
    let created = heard(&receiver, "file_upload.created").await;
    assert_eq!(created["entity"]["id"], last["id"]);
}
