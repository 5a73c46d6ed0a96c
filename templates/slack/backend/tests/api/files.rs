//! Files: the two-step upload, info, list, delete, downloads.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;

/// Uploads `content` as file `name` the two-step way (reserve a URL, send the bytes to it,
/// complete with `share`'s arguments); the completion's body.
pub(crate) async fn upload(slack: &Api<'_>, name: &str, content: &str, share: Value) -> Value {
    let reserved = slack
        .bot_ok(
            "files.getUploadURLExternal",
            json!({"filename": name, "length": content.len()}),
        )
        .await;
    let path = slack.path_of(reserved["upload_url"].as_str().unwrap());
    let sent = slack
        .anonymous()
        .send_raw(
            Method::POST,
            path,
            "application/octet-stream",
            content.to_owned(),
        )
        .await;
    assert_eq!(sent.expect(200), format!("OK - {}", content.len()));
    let mut args = share;
    args["files"] = json!([{"id": reserved["file_id"], "title": format!("Title of {name}")}]);
    slack.bot_ok("files.completeUploadExternal", args).await
}

#[asym::clone("slack", seed = "basic")]
async fn file_names_are_encoded_in_their_urls(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let done = upload(
        &slack,
        "a b/c?.txt",
        "hi",
        json!({"channel_id": "C0000000001"}),
    )
    .await;
    let file = &done["files"][0];
    for key in ["url_private", "url_private_download", "permalink"] {
        let url = file[key].as_str().unwrap();
        assert!(url.ends_with("/a%20b%2Fc%3F.txt"), "{key}: {url}");
    }
    let content = slack
        .download(file["url_private"].as_str().unwrap(), slack.user_token())
        .await;
    assert_eq!(content, "hi");
}

#[asym::clone("slack", seed = "basic")]
async fn uploads_share_into_a_channel(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let done = upload(
        &slack,
        "report.csv",
        "a,b\n1,2\n",
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

    let history = slack
        .bot_ok(
            "conversations.history",
            json!({"channel": "C0000000001", "limit": 1}),
        )
        .await;
    assert_eq!(history["messages"][0]["text"], "Weekly report");
    assert_eq!(history["messages"][0]["files"][0]["id"], id.as_str());
    assert_eq!(history["messages"][0]["files"][0]["is_public"], true);

    let info = slack.user_ok("files.info", json!({"file": id})).await;
    let url = info["file"]["url_private_download"].as_str().unwrap();
    let content = slack.download(url, slack.user_token()).await;
    assert_eq!(content, "a,b\n1,2\n");
    let anonymous = slack.anonymous().get(slack.path_of(url)).await;
    assert_eq!(anonymous.status, 404);

    let list = slack
        .user_ok("files.list", json!({"channel": "C0000000001"}))
        .await;
    assert_eq!(list["files"].as_array().unwrap().len(), 1);
    assert_eq!(list["paging"]["total"], 1);
    let images = slack
        .user_ok("files.list", json!({"types": "images"}))
        .await;
    assert_eq!(images["files"].as_array().unwrap().len(), 0);

    slack.bot_ok("files.delete", json!({"file": id})).await;
    for (method, args, code) in [
        ("files.info", json!({"file": id}), "file_deleted"),
        ("files.delete", json!({"file": id}), "file_deleted"),
    ] {
        slack.bot_err(method, args, code).await;
    }
    let history = slack
        .bot_ok(
            "conversations.history",
            json!({"channel": "C0000000001", "limit": 1}),
        )
        .await;
    assert_eq!(history["messages"][0]["files"][0]["mode"], "tombstone");
}

#[asym::clone("slack", seed = "basic")]
async fn multipart_uploads_and_errors(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let reserved = slack
        .bot_ok(
            "files.getUploadURLExternal",
            json!({"filename": "notes.txt", "length": 5}),
        )
        .await;
    // One `file` part, as a browser or the SDKs send it.
    let form = "--part\r\n\
        Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n\
        Content-Type: text/plain\r\n\r\n\
        hello\r\n--part--\r\n";
    let path = slack.path_of(reserved["upload_url"].as_str().unwrap());
    slack
        .anonymous()
        .send_raw(
            Method::POST,
            path,
            "multipart/form-data; boundary=part",
            form,
        )
        .await
        .expect(200);
    let done = slack
        .bot_ok(
            "files.completeUploadExternal",
            json!({"files": [{"id": reserved["file_id"]}]}),
        )
        .await;
    assert_eq!(done["files"][0]["title"], "notes.txt");
    assert_eq!(done["files"][0]["size"], 5);
    assert_eq!(done["files"][0]["channels"], json!([]));

    for (method, args, code) in [
        (
            "files.getUploadURLExternal",
            json!({"length": 5}),
            "invalid_arguments",
        ),
        (
            "files.getUploadURLExternal",
            json!({"filename": "x"}),
            "invalid_arguments",
        ),
        (
            "files.completeUploadExternal",
            json!({"files": [{"id": "F0NOPE"}]}),
            "file_not_found",
        ),
        (
            "files.completeUploadExternal",
            json!({}),
            "invalid_arguments",
        ),
        // Completing twice, or before the bytes arrive, finds nothing to complete.
        (
            "files.completeUploadExternal",
            json!({"files": [{"id": reserved["file_id"]}]}),
            "file_not_found",
        ),
        ("files.info", json!({"file": "F0NOPE"}), "file_not_found"),
    ] {
        slack.bot_err(method, args, code).await;
    }
    // People cannot delete the bot's file unless they are admins.
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    slack
        .err(
            &alice,
            "files.delete",
            json!({"file": reserved["file_id"]}),
            "file_not_found",
        )
        .await;
}

#[asym::clone("slack", seed = "acme-corp")]
async fn the_seeded_file_is_listed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let info = slack
        .bot_ok("files.info", json!({"file": "F0000000001"}))
        .await;
    assert_eq!(info["file"]["title"], "On-call runbook");
    assert_eq!(
        info["file"]["shares"]["public"]["C0000000003"][0]["ts"],
        "1700002000.000100"
    );
}

/// `files.sharedPublicURL` (user tokens only) turns a file's public link on and
/// `files.revokePublicURL` off, each answering the file; only its owner may; an unknown
/// file is `file_not_found`.
#[asym::clone("slack", seed = "acme-corp")]
async fn public_links_are_turned_on_and_off(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let file = json!({"file": "F0000000001"});
    let shared = slack
        .ok(&alice, "files.sharedPublicURL", file.clone())
        .await;
    assert_eq!(shared["file"]["id"], "F0000000001");
    assert_eq!(shared["file"]["public_url_shared"], true);
    assert!(shared["file"]["permalink_public"].is_string());
    let info = slack.bot_ok("files.info", file.clone()).await;
    assert_eq!(info["file"]["public_url_shared"], true);
    for (token, method, error) in [
        (
            slack.bot_token(),
            "files.sharedPublicURL",
            "not_allowed_token_type",
        ),
        (slack.user_token(), "files.sharedPublicURL", "not_allowed"),
        (slack.bot_token(), "files.revokePublicURL", "not_allowed"),
    ] {
        slack.err(token, method, file.clone(), error).await;
    }
    for method in ["files.sharedPublicURL", "files.revokePublicURL"] {
        slack
            .err(
                &alice,
                method,
                json!({"file": "F0000000999"}),
                "file_not_found",
            )
            .await;
        slack.err(&alice, method, json!({}), "file_not_found").await;
    }
    let revoked = slack
        .ok(&alice, "files.revokePublicURL", file.clone())
        .await;
    assert_eq!(revoked["file"]["public_url_shared"], false);
    let info = slack.bot_ok("files.info", file).await;
    assert_eq!(info["file"]["public_url_shared"], false);
}
