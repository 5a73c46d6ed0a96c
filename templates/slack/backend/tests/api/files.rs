//! Files: the two-step upload, info, list, delete, downloads.

use serde_json::{Value, json};

use crate::common::{call, err, ok};

async fn upload(slack: &asym::Slack, name: &str, content: &[u8], share: Value) -> Value {
    let reserved = ok(call(
        slack,
        slack.bot_token(),
        "files.getUploadURLExternal",
        json!({"filename": name, "length": content.len()}),
    )
    .await);
    let url = reserved["upload_url"].as_str().unwrap();
    assert!(
        url.starts_with(&crate::common::base_url(slack)),
        "{url} is served by the clone"
    );
    let response = reqwest::Client::new()
        .post(url)
        .body(content.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        format!("OK - {}", content.len())
    );
    let mut args = share;
    args["files"] = json!([{"id": reserved["file_id"], "title": format!("Title of {name}")}]);
    ok(call(
        slack,
        slack.bot_token(),
        "files.completeUploadExternal",
        args,
    )
    .await)
}

#[asym::clone("slack", seed = "basic")]
async fn uploads_share_into_a_channel(slack: asym::Slack) {
    let done = upload(
        &slack,
        "report.csv",
        b"a,b\n1,2\n",
        json!({"channel_id": "C0000000001", "initial_comment": "Weekly report"}),
    )
    .await;
    let file = &done["files"][0];
    let id = file["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('F'));
    assert_eq!(file["title"], "Title of report.csv");
    assert_eq!(file["filetype"], "csv");
    assert_eq!(file["size"], 8);
    assert_eq!(file["channels"], json!(["C0000000001"]));

    let history = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.history",
        json!({"channel": "C0000000001", "limit": 1}),
    )
    .await);
    assert_eq!(history["messages"][0]["text"], "Weekly report");
    assert_eq!(history["messages"][0]["files"][0]["id"], id.as_str());

    let info = ok(call(
        &slack,
        slack.user_token(),
        "files.info",
        json!({"file": id}),
    )
    .await);
    let url = info["file"]["url_private_download"].as_str().unwrap();
    let bytes = reqwest::Client::new()
        .get(url)
        .bearer_auth(slack.user_token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"a,b\n1,2\n");
    let denied = reqwest::get(url).await.unwrap();
    assert_eq!(denied.status().as_u16(), 404);

    let list = ok(call(
        &slack,
        slack.user_token(),
        "files.list",
        json!({"channel": "C0000000001"}),
    )
    .await);
    assert_eq!(list["files"].as_array().unwrap().len(), 1);
    assert_eq!(list["paging"]["total"], 1);
    let images = ok(call(
        &slack,
        slack.user_token(),
        "files.list",
        json!({"types": "images"}),
    )
    .await);
    assert_eq!(images["files"].as_array().unwrap().len(), 0);

    ok(call(
        &slack,
        slack.bot_token(),
        "files.delete",
        json!({"file": id}),
    )
    .await);
    err(
        call(&slack, slack.bot_token(), "files.info", json!({"file": id})).await,
        "file_deleted",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.delete",
            json!({"file": id}),
        )
        .await,
        "file_deleted",
    );
    let history = ok(call(
        &slack,
        slack.bot_token(),
        "conversations.history",
        json!({"channel": "C0000000001", "limit": 1}),
    )
    .await);
    assert_eq!(history["messages"][0]["files"][0]["mode"], "tombstone");
}

#[asym::clone("slack", seed = "basic")]
async fn multipart_uploads_and_errors(slack: asym::Slack) {
    let reserved = ok(call(
        &slack,
        slack.bot_token(),
        "files.getUploadURLExternal",
        json!({"filename": "notes.txt", "length": 5}),
    )
    .await);
    let part = reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("notes.txt");
    let form = reqwest::multipart::Form::new().part("file", part);
    let response = reqwest::Client::new()
        .post(reserved["upload_url"].as_str().unwrap())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let done = ok(call(
        &slack,
        slack.bot_token(),
        "files.completeUploadExternal",
        json!({"files": [{"id": reserved["file_id"]}]}),
    )
    .await);
    assert_eq!(done["files"][0]["title"], "notes.txt");
    assert_eq!(done["files"][0]["size"], 5);
    assert_eq!(done["files"][0]["channels"], json!([]));

    err(
        call(
            &slack,
            slack.bot_token(),
            "files.getUploadURLExternal",
            json!({"length": 5}),
        )
        .await,
        "invalid_arguments",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.getUploadURLExternal",
            json!({"filename": "x"}),
        )
        .await,
        "invalid_arguments",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.completeUploadExternal",
            json!({"files": [{"id": "F0NOPE"}]}),
        )
        .await,
        "file_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.completeUploadExternal",
            json!({}),
        )
        .await,
        "invalid_arguments",
    );
    // Completing twice, or before the bytes arrive, finds nothing to complete.
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.completeUploadExternal",
            json!({"files": [{"id": reserved["file_id"]}]}),
        )
        .await,
        "file_not_found",
    );
    err(
        call(
            &slack,
            slack.bot_token(),
            "files.info",
            json!({"file": "F0NOPE"}),
        )
        .await,
        "file_not_found",
    );
    // People cannot delete the bot's file unless they are admins.
    let alice = crate::common::mint(&slack, "user", Some("U0000000003"), None).await;
    err(
        call(
            &slack,
            &alice,
            "files.delete",
            json!({"file": reserved["file_id"]}),
        )
        .await,
        "file_not_found",
    );
}

#[asym::clone("slack", seed = "acme-corp")]
async fn the_seeded_file_is_listed(slack: asym::Slack) {
    let info = ok(call(
        &slack,
        slack.bot_token(),
        "files.info",
        json!({"file": "F0000000001"}),
    )
    .await);
    assert_eq!(info["file"]["title"], "On-call runbook");
    assert_eq!(
        info["file"]["shares"]["public"]["C0000000003"][0]["ts"],
        "1700002000.000100"
    );
}
