//! Remote files: `files.remote.add`, `.info`, `.list`, `.update`, `.remove`, `.share`, and
//! how `files.info`, `files.list` and `search.files` see them.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Api;

/// `files.remote.add` of `external_id` titled `title` by the bot; the file object.
async fn add(slack: &Api<'_>, external_id: &str, title: &str) -> Value {
    let url = format!("https://docs.example.com/d/{external_id}");
    let args = json!({"external_id": external_id, "external_url": url, "title": title});
    slack.bot_ok("files.remote.add", args).await["file"].clone()
}

#[asym::clone("slack", seed = "basic")]
async fn remote_files_are_added_read_updated_and_removed(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let args = json!({"external_id": "doc-1", "external_url": "https://docs.example.com/d/1",
                      "title": "Roadmap", "filetype": "gdoc"});
    let file = slack.bot_ok("files.remote.add", args).await["file"].clone();
    let id = file["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('F'), "{id}");
    for (key, value) in [
        ("name", json!("Roadmap")),
        ("title", json!("Roadmap")),
        ("mimetype", json!("application/vnd.slack-remote")),
        ("filetype", json!("gdoc")),
        ("pretty_type", json!("Remote")),
        ("user", json!("U0000000002")),
        ("editable", json!(false)),
        ("size", json!(0)),
        ("mode", json!("external")),
        ("is_external", json!(true)),
        ("external_type", json!("app")),
        ("external_id", json!("doc-1")),
        ("external_url", json!("https://docs.example.com/d/1")),
        ("url_private", json!("https://docs.example.com/d/1")),
        ("has_rich_preview", json!(false)),
        ("channels", json!([])),
        ("shares", json!({})),
    ] {
        assert_eq!(file[key], value, "{key}: {file}");
    }
    assert!(file.get("url_private_download").is_none(), "{file}");
    assert!(
        file["permalink"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/{id}/roadmap"))
    );

    // Adding an external id again updates the file (Slack's upsert).
    let again = add(&slack, "doc-1", "Roadmap 2027").await;
    assert_eq!(
        (&again["id"], &again["title"]),
        (&json!(id), &json!("Roadmap 2027"))
    );
    assert_eq!(again["filetype"], "gdoc");

    for args in [json!({"file": id}), json!({"external_id": "doc-1"})] {
        let info = slack.user_ok("files.remote.info", args).await;
        assert_eq!(info["file"]["id"], json!(id));
    }
    let seen = slack.bot_ok("files.info", json!({"file": id})).await;
    assert_eq!(seen["file"]["is_external"], true);
    for (method, args, code) in [
        ("files.remote.info", json!({}), "invalid_arguments"),
        (
            "files.remote.info",
            json!({"file": id, "external_id": "doc-1"}),
            "too_many_ids",
        ),
        (
            "files.remote.info",
            json!({"external_id": "nope"}),
            "file_not_found",
        ),
        (
            "files.remote.info",
            json!({"file": "F0000000001"}),
            "file_not_found",
        ),
        (
            "files.remote.update",
            json!({"title": "x"}),
            "invalid_arguments",
        ),
        (
            "files.remote.remove",
            json!({"file": "F0000000999"}),
            "file_not_found",
        ),
        (
            "files.remote.add",
            json!({"external_id": "d", "title": "t"}),
            "invalid_arguments",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    // Remote files are written by the app's bot; a person's token cannot hold the scope.
    let args = json!({"external_id": "d", "external_url": "https://x.example", "title": "t"});
    slack
        .missing_scope(slack.user_token(), "files.remote.add", args)
        .await;

    let updated = slack
        .bot_ok("files.remote.update", json!({"file": id, "title": "Plan"}))
        .await;
    assert_eq!(updated["file"]["title"], "Plan");
    // The URL the second add gave it, kept by an update that sends none.
    assert_eq!(
        updated["file"]["external_url"],
        "https://docs.example.com/d/doc-1"
    );

    slack
        .bot_ok_then_err(
            "files.remote.remove",
            json!({"external_id": "doc-1"}),
            "file_not_found",
        )
        .await;
    slack
        .bot_err("files.remote.info", json!({"file": id}), "file_not_found")
        .await;
    // The external id is free again: a new file.
    let readded = add(&slack, "doc-1", "Roadmap").await;
    assert_ne!(readded["id"], json!(id));
}

#[asym::clone("slack", seed = "basic")]
async fn sharing_posts_a_remote_file_into_channels(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let first = add(&slack, "doc-1", "Roadmap").await;
    let second = add(&slack, "doc-2", "Budget").await;
    for (args, code) in [
        (json!({"external_id": "doc-1"}), "invalid_arguments"),
        (
            json!({"external_id": "doc-1", "channels": "C0000000002"}),
            "not_in_channel",
        ),
        (
            json!({"external_id": "doc-1", "channels": "C0000009999"}),
            "channel_not_found",
        ),
        (
            json!({"external_id": "nope", "channels": "C0000000001"}),
            "file_not_found",
        ),
        (
            json!({"file": second["id"], "external_id": "doc-1", "channels": "C0000000001"}),
            "file_not_found",
        ),
    ] {
        slack.bot_err("files.remote.share", args, code).await;
    }
    let args = json!({"file": first["id"], "external_id": "doc-1", "channels": "C0000000001"});
    let shared = slack.bot_ok("files.remote.share", args).await;
    assert_eq!(shared["file"]["channels"], json!(["C0000000001"]));
    assert_eq!(shared["file"]["is_public"], true);
    let posted = &slack.history("C0000000001").await[0];
    assert_eq!(posted["user"], "U0000000002");
    assert_eq!(posted["files"][0]["id"], first["id"]);
    assert_eq!(posted["files"][0]["external_id"], "doc-1");

    // A person sees the shared remote file as Slack lists files; the other is the app's own.
    let listed = slack.user_ok("files.list", json!({})).await;
    let ids: Vec<&Value> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["id"])
        .collect();
    assert_eq!(ids, [&first["id"]]);
    assert_eq!(listed["files"][0]["is_external"], true);

    let remote = |args: Value| slack.bot_ok("files.remote.list", args);
    let all = remote(json!({})).await;
    assert_eq!(all["files"].as_array().unwrap().len(), 2, "{all}");
    let in_general = remote(json!({"channel": "C0000000001"})).await;
    assert_eq!(in_general["files"].as_array().unwrap().len(), 1);
    assert_eq!(in_general["files"][0]["id"], first["id"]);
    let page = remote(json!({"limit": 1})).await;
    let cursor = page["response_metadata"]["next_cursor"].as_str().unwrap();
    let rest = remote(json!({"limit": 1, "cursor": cursor})).await;
    let paged = [&page["files"][0]["id"], &rest["files"][0]["id"]];
    assert_eq!(paged, [&second["id"], &first["id"]]);
    assert_eq!(rest["response_metadata"]["next_cursor"], "");

    // Removed, its share is a tombstone.
    slack
        .bot_ok("files.remote.remove", json!({"file": first["id"]}))
        .await;
    let posted = &slack.history("C0000000001").await[0];
    assert_eq!(posted["files"][0]["mode"], "tombstone");
}

/// slack_sdk and the Node SDK send `files.remote.add` as `multipart/form-data` when it
/// carries `preview_image` or `indexable_file_contents`; the contents make it searchable.
#[asym::clone("slack", seed = "basic")]
async fn a_multipart_add_is_searchable_by_its_indexable_contents(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let part = |name: &str, file: Option<&str>, body: &str| {
        let filename = file
            .map(|f| format!("; filename=\"{f}\""))
            .unwrap_or_default();
        format!(
            "--b\r\nContent-Disposition: form-data; name=\"{name}\"{filename}\r\n\r\n{body}\r\n"
        )
    };
    let form = [
        part("external_id", None, "doc-9"),
        part("external_url", None, "https://docs.example.com/d/9"),
        part("title", None, "Quarterly"),
        part(
            "indexable_file_contents",
            Some("index.txt"),
            "zeppelin tariffs",
        ),
        part("preview_image", Some("preview.png"), "\u{0}PNG"),
    ]
    .concat()
        + "--b--\r\n";
    let reply = slack
        .authorized(slack.bot_token())
        .send_raw(
            Method::POST,
            "/api/files.remote.add",
            "multipart/form-data; boundary=b",
            form,
        )
        .await;
    let file = crate::common::ok(reply.expect(200))["file"].clone();
    assert_eq!(file["external_id"], "doc-9");
    let broken = slack
        .authorized(slack.bot_token())
        .send_raw(
            Method::POST,
            "/api/files.remote.add",
            "multipart/form-data; boundary=b",
            "no parts here",
        )
        .await;
    crate::common::err(broken.expect(200), "invalid_form_data");

    let args = json!({"file": file["id"], "channels": "C0000000001"});
    slack.bot_ok("files.remote.share", args).await;
    let found = slack
        .user_ok("search.files", json!({"query": "zeppelin"}))
        .await;
    assert_eq!(found["files"]["matches"][0]["id"], file["id"]);
    assert_eq!(found["files"]["total"], 1);
}
