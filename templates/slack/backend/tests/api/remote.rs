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

/// The first bytes of a PNG of `w`×`h`: its signature and `IHDR` chunk.
pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    bytes.extend(w.to_be_bytes());
    bytes.extend(h.to_be_bytes());
    bytes.extend(b"\x08\x06\0\0\0");
    bytes
}

/// slack_sdk and the Node SDK send `files.remote.add` as `multipart/form-data` when it
/// carries `preview_image` or `indexable_file_contents`; the contents make it searchable.
#[asym::clone("slack", seed = "basic")]
async fn a_multipart_add_is_searchable_by_its_indexable_contents(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let image = png(800, 400);
    let parts: [(&str, Option<&str>, &[u8]); 5] = [
        ("external_id", None, b"doc-9"),
        ("external_url", None, b"https://docs.example.com/d/9"),
        ("title", None, b"Quarterly"),
        (
            "indexable_file_contents",
            Some("index.txt"),
            b"zeppelin tariffs",
        ),
        ("preview_image", Some("preview.png"), &image),
    ];
    let reply = slack
        .multipart(slack.bot_token(), "files.remote.add", &parts)
        .await;
    let file = crate::common::ok(reply)["file"].clone();
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

/// `preview_image` is kept and answered: `has_rich_preview`, the thumbnails Slack answers
/// (each serving the image to a token of the workspace), `original_w`/`_h`; a re-add or an
/// update without one keeps it. A preview that is not a PNG or JPEG is `bad_image`, one of
/// excessive dimensions `too_large`; a long title or external id is refused.
#[asym::clone("slack", seed = "basic")]
async fn a_preview_image_is_kept_and_answered_with_thumbnails(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let image = png(1000, 500);
    let parts: [(&str, Option<&str>, &[u8]); 4] = [
        ("external_id", None, b"doc-p"),
        ("external_url", None, b"https://docs.example.com/d/p"),
        ("title", None, b"Plan"),
        ("preview_image", Some("preview.png"), &image),
    ];
    let file = crate::common::ok(
        slack
            .multipart(slack.bot_token(), "files.remote.add", &parts)
            .await,
    )["file"]
        .clone();
    assert_eq!(file["has_rich_preview"], true, "{file}");
    for (key, value) in [
        ("original_w", 1000),
        ("original_h", 500),
        ("thumb_360_w", 360),
        ("thumb_360_h", 180),
        ("thumb_960_w", 960),
        ("thumb_960_h", 480),
    ] {
        assert_eq!(file[key], json!(value), "{key}: {file}");
    }
    assert!(file.get("thumb_1024").is_none(), "{file}");
    let thumb = file["thumb_360"].as_str().unwrap();
    assert!(thumb.ends_with("_360.png"), "{thumb}");
    let path = slack.path_of(thumb).to_owned();
    let served = slack.authorized(slack.user_token()).get(&path).await;
    assert_eq!(served.header("content-type"), Some("image/png"));
    assert_eq!(served.status, 200);
    slack.anonymous().get(&path).await.expect(404);
    let forged = path.replacen("/files-tmb/T0000000001-", "/files-tmb/T0000000001-x", 1);
    slack
        .authorized(slack.user_token())
        .get(&forged)
        .await
        .expect(404);

    // Added again or updated without a preview, the file keeps it.
    let again = add(&slack, "doc-p", "Plan 2").await;
    assert_eq!(
        (&again["has_rich_preview"], &again["original_w"]),
        (&json!(true), &json!(1000))
    );
    // Its thumbnails are named after the title, as its permalink is.
    assert!(
        again["thumb_64"]
            .as_str()
            .unwrap()
            .ends_with("/plan%202_64.png"),
        "{again}"
    );
    let updated = slack
        .bot_ok(
            "files.remote.update",
            json!({"external_id": "doc-p", "filetype": "pdf"}),
        )
        .await;
    assert_eq!(updated["file"]["original_w"], 1000);
    // An update with a new one replaces it.
    let smaller = png(400, 800);
    let parts: [(&str, Option<&str>, &[u8]); 2] = [
        ("external_id", None, b"doc-p"),
        ("preview_image", Some("p.png"), &smaller),
    ];
    let updated = crate::common::ok(
        slack
            .multipart(slack.bot_token(), "files.remote.update", &parts)
            .await,
    );
    let updated = &updated["file"];
    assert_eq!(
        (&updated["thumb_360_w"], &updated["thumb_360_h"]),
        (&json!(180), &json!(360))
    );
    assert!(updated.get("thumb_960").is_none(), "{updated}");
    // A file without a preview has none.
    let plain = add(&slack, "doc-q", "Plain").await;
    assert_eq!(plain["has_rich_preview"], false);
    assert!(plain.get("thumb_64").is_none(), "{plain}");

    let gif: &[u8] = b"GIF89a\x01\0\x01\0";
    let huge = png(20_000, 400);
    for (method, image, code) in [
        ("files.remote.add", gif, "bad_image"),
        ("files.remote.add", &huge[..], "too_large"),
        ("files.remote.update", gif, "bad_image"),
    ] {
        let parts: [(&str, Option<&str>, &[u8]); 4] = [
            ("external_id", None, b"doc-p"),
            ("external_url", None, b"https://docs.example.com/d/p"),
            ("title", None, b"Plan"),
            ("preview_image", Some("preview"), image),
        ];
        crate::common::err(
            slack.multipart(slack.bot_token(), method, &parts).await,
            code,
        );
    }
    let long = "x".repeat(256);
    let url = "https://docs.example.com/d/l";
    for (method, args, code) in [
        (
            "files.remote.add",
            json!({"external_id": "l", "external_url": url, "title": long}),
            "bad_title",
        ),
        (
            "files.remote.add",
            json!({"external_id": long, "external_url": url, "title": "t"}),
            "invalid_external_id",
        ),
        (
            "files.remote.update",
            json!({"external_id": "doc-p", "title": long}),
            "bad_title",
        ),
    ] {
        slack.bot_err(method, args, code).await;
    }
    // At the bound, both are taken.
    let edge = "y".repeat(255);
    let args = json!({"external_id": edge, "external_url": url, "title": edge});
    assert_eq!(
        slack.bot_ok("files.remote.add", args).await["file"]["title"],
        json!(edge)
    );
}

/// A `file` block (`{"type": "file", "external_id", "source": "remote"}`) in
/// `chat.postMessage` shows a remote file of the workspace: the message carries the file, its
/// share is recorded as `files.remote.share` records one. An unknown or removed external id,
/// or a block without `source`, is `invalid_blocks` naming the block; no view takes the block.
#[asym::clone("slack", seed = "basic")]
async fn a_file_block_posts_a_remote_file_and_views_refuse_it(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let file = add(&slack, "doc-b", "Brief").await;
    let block = |id: &str| json!({"type": "file", "external_id": id, "source": "remote"});
    let args = json!({"channel": "C0000000001", "text": "the brief",
                      "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Here"}},
                                 block("doc-b"), block("doc-b")]});
    let posted = slack.bot_ok("chat.postMessage", args).await;
    let message = &posted["message"];
    assert_eq!(message["blocks"][1]["type"], "file", "{message}");
    assert_eq!(message["blocks"][1]["external_id"], "doc-b");
    let files = message["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{message}");
    assert_eq!(
        (&files[0]["id"], &files[0]["is_external"]),
        (&file["id"], &json!(true))
    );
    let history = &slack.history("C0000000001").await[0];
    assert_eq!(history["ts"], posted["ts"]);
    assert_eq!(history["files"][0]["external_id"], "doc-b");
    let info = slack
        .bot_ok("files.remote.info", json!({"external_id": "doc-b"}))
        .await;
    assert_eq!(info["file"]["channels"], json!(["C0000000001"]));
    let ts = &info["file"]["shares"]["public"]["C0000000001"][0]["ts"];
    assert_eq!(ts, &posted["ts"]);

    let gone = add(&slack, "doc-gone", "Gone").await;
    slack
        .bot_ok("files.remote.remove", json!({"file": gone["id"]}))
        .await;
    for (blocks, problem) in [
        (
            json!([block("doc-nope")]),
            "unknown remote file: doc-nope [json-pointer:/blocks/0/external_id]",
        ),
        (
            json!([{"type": "divider"}, block("doc-gone")]),
            "unknown remote file: doc-gone [json-pointer:/blocks/1/external_id]",
        ),
        (
            json!([{"type": "file", "external_id": "doc-b"}]),
            "missing required field: source [json-pointer:/blocks/0]",
        ),
    ] {
        let args = json!({"channel": "C0000000001", "blocks": blocks});
        let refused = slack
            .bot_err("chat.postMessage", args, "invalid_blocks")
            .await;
        assert_eq!(refused["errors"], json!([problem]), "{refused}");
        assert_eq!(
            refused["response_metadata"]["messages"],
            json!([format!("[ERROR] {problem}")])
        );
    }
    // Nothing was posted by the refused calls.
    assert_eq!(slack.history("C0000000001").await[0]["ts"], posted["ts"]);

    let home = json!({"type": "home", "blocks": [block("doc-b")]});
    let refused = slack
        .bot_err(
            "views.publish",
            json!({"user_id": "U0000000003", "view": home}),
            "invalid_blocks",
        )
        .await;
    assert_eq!(
        refused["errors"],
        json!(["unsupported type: file [json-pointer:/blocks/0/type]"])
    );
}
