//! Canvases: create, edit by section, look sections up, access grants, channel canvases,
//! delete; Slack's errors.

use serde_json::{Value, json};

use crate::common::Api;

/// A `document_content` of `markdown`.
fn markdown(text: &str) -> Value {
    json!({"type": "markdown", "markdown": text})
}

/// The ids of the canvas's sections matching `criteria`.
async fn lookup(slack: &Api<'_>, canvas: &str, criteria: Value) -> Vec<String> {
    let got = slack
        .bot_ok(
            "canvases.sections.lookup",
            json!({"canvas_id": canvas, "criteria": criteria}),
        )
        .await;
    got["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|section| section["id"].as_str().unwrap().to_owned())
        .collect()
}

/// One `canvases.edit` change on `canvas`.
async fn edit(slack: &Api<'_>, canvas: &str, change: Value) -> Value {
    slack
        .bot(
            "canvases.edit",
            json!({"canvas_id": canvas, "changes": [change]}),
        )
        .await
}

/// The bot's new canvas `Launch` of `doc`; its id.
async fn launch(slack: &Api<'_>, doc: &str) -> String {
    let created = slack
        .bot_ok(
            "canvases.create",
            json!({"title": "Launch", "document_content": markdown(doc)}),
        )
        .await;
    let canvas = created["canvas_id"].as_str().unwrap().to_owned();
    assert!(canvas.starts_with('F'), "{created}");
    canvas
}

#[asym::clone("slack", seed = "basic")]
async fn canvases_are_edited_section_by_section(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let doc = "# Launch\nThe plan.\n\n## Risks\nNone yet.\n\n## Owners\nAlice.";
    let canvas = launch(&slack, doc).await;

    let headers = lookup(&slack, &canvas, json!({"section_types": ["any_header"]})).await;
    assert_eq!(headers.len(), 3);
    assert!(
        headers.iter().all(|id| id.starts_with("temp:C:")),
        "{headers:?}"
    );
    let h2 = lookup(&slack, &canvas, json!({"section_types": ["h2"]})).await;
    assert_eq!(h2, headers[1..]);
    let risks = lookup(&slack, &canvas, json!({"contains_text": "risks"})).await;
    assert_eq!(risks, [headers[1].clone()]);

    // insert_after, insert_before, replace, delete, at start and end.
    let after = json!({"operation": "insert_after", "section_id": headers[1],
                       "document_content": markdown("Budget overrun.")});
    assert_eq!(edit(&slack, &canvas, after).await["ok"], true);
    let before = json!({"operation": "insert_before", "section_id": headers[2],
                        "document_content": markdown("### Mitigations")});
    assert_eq!(edit(&slack, &canvas, before).await["ok"], true);
    let h3 = lookup(&slack, &canvas, json!({"section_types": ["h3"]})).await;
    assert_eq!(h3.len(), 1);
    let overrun = lookup(&slack, &canvas, json!({"contains_text": "overrun"})).await;
    assert_eq!(overrun.len(), 1);
    let replace = json!({"operation": "replace", "section_id": overrun[0],
                         "document_content": markdown("Schedule slip.")});
    assert_eq!(edit(&slack, &canvas, replace).await["ok"], true);
    assert!(
        lookup(&slack, &canvas, json!({"contains_text": "overrun"}))
            .await
            .is_empty()
    );
    assert_eq!(
        lookup(&slack, &canvas, json!({"contains_text": "slip"}))
            .await
            .len(),
        1
    );
    let delete = json!({"operation": "delete", "section_id": headers[2]});
    assert_eq!(edit(&slack, &canvas, delete).await["ok"], true);
    assert!(
        lookup(&slack, &canvas, json!({"contains_text": "## owners"}))
            .await
            .is_empty()
    );
    let start = json!({"operation": "insert_at_start", "document_content": markdown("# Top")});
    assert_eq!(edit(&slack, &canvas, start).await["ok"], true);
    let h1 = lookup(&slack, &canvas, json!({"section_types": ["h1"]})).await;
    assert_eq!(h1.len(), 2);
    assert_eq!(h1[1], headers[0], "the new h1 comes first");
    let whole = json!({"operation": "replace", "document_content": markdown("# Fresh")});
    assert_eq!(edit(&slack, &canvas, whole).await["ok"], true);
    assert_eq!(
        lookup(&slack, &canvas, json!({"section_types": ["any_header"]}))
            .await
            .len(),
        1
    );
    let rename = json!({"operation": "rename", "title_content": markdown("Renamed")});
    assert_eq!(edit(&slack, &canvas, rename).await["ok"], true);

    // Slack's errors.
    let gone = json!({"operation": "delete", "section_id": headers[1]});
    assert_eq!(
        edit(&slack, &canvas, gone).await["error"],
        "canvas_editing_failed"
    );
    let bad = json!({"operation": "explode", "document_content": markdown("x")});
    assert_eq!(
        edit(&slack, &canvas, bad).await["error"],
        "invalid_arguments"
    );
    let unknown = json!({"canvas_id": "F0NOPE", "changes": [{"operation": "insert_at_end",
                         "document_content": markdown("x")}]});
    slack
        .bot_err("canvases.edit", unknown, "canvas_not_found")
        .await;
    slack
        .bot_err(
            "canvases.sections.lookup",
            json!({"canvas_id": canvas, "criteria": {}}),
            "invalid_arguments",
        )
        .await;
    let no_scope = slack.mint("bot", None, Some(&["chat:write"])).await;
    slack
        .missing_scope(&no_scope, "canvases.create", json!({"title": "x"}))
        .await;

    // Access grants, then delete.
    let grant = json!({"canvas_id": canvas, "access_level": "write", "user_ids": ["U0000000003"]});
    slack.bot_ok("canvases.access.set", grant).await;
    let bad_level =
        json!({"canvas_id": canvas, "access_level": "admin", "user_ids": ["U0000000003"]});
    slack
        .bot_err("canvases.access.set", bad_level, "invalid_arguments")
        .await;
    slack
        .bot_err(
            "canvases.access.set",
            json!({"canvas_id": canvas, "access_level": "read"}),
            "invalid_arguments",
        )
        .await;
    let revoke = json!({"canvas_id": canvas, "user_ids": ["U0000000003"]});
    slack.bot_ok("canvases.access.delete", revoke).await;
    slack
        .bot_ok("canvases.delete", json!({"canvas_id": canvas}))
        .await;
    slack
        .bot_err(
            "canvases.delete",
            json!({"canvas_id": canvas}),
            "canvas_not_found",
        )
        .await;
}

#[asym::clone("slack", seed = "basic")]
async fn a_channel_has_one_canvas(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let args = json!({"channel_id": "C0000000001", "document_content": markdown("# Welcome")});
    let got = slack
        .bot_ok("conversations.canvases.create", args.clone())
        .await;
    let canvas = got["canvas_id"].as_str().unwrap();
    assert_eq!(
        lookup(&slack, canvas, json!({"contains_text": "welcome"}))
            .await
            .len(),
        1
    );
    slack
        .bot_err(
            "conversations.canvases.create",
            args,
            "channel_canvas_already_exists",
        )
        .await;
    slack
        .bot_err(
            "conversations.canvases.create",
            json!({"channel_id": "C0NOPE"}),
            "channel_not_found",
        )
        .await;
}

/// The file objects `files.list` answers the bot for `args`.
async fn listed(slack: &Api<'_>, args: Value) -> Vec<Value> {
    let listed = slack.bot_ok("files.list", args).await;
    listed["files"].as_array().unwrap().clone()
}

#[asym::clone("slack", seed = "basic")]
async fn a_canvas_is_read_back_as_a_file(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let doc = markdown("# Launch <day>\nThe plan & more.");
    let created = slack
        .bot_ok(
            "canvases.create",
            json!({"title": "Launch", "document_content": doc}),
        )
        .await;
    let canvas = created["canvas_id"].as_str().unwrap().to_owned();
    let info = slack.bot_ok("files.info", json!({"file": canvas})).await;
    let file = &info["file"];
    let fields = [
        ("id", json!(canvas)),
        ("title", json!("Launch")),
        ("filetype", json!("quip")),
        ("mimetype", json!("application/vnd.slack-docs")),
        ("pretty_type", json!("Canvas")),
        ("user", json!("U0000000002")),
        ("access", json!("owner")),
        ("is_channel_space", json!(false)),
        ("channels", json!([])),
    ];
    for (field, value) in fields {
        assert_eq!(file[field], value, "{field}: {file}");
    }
    let html = slack
        .download(file["url_private"].as_str().unwrap(), slack.bot_token())
        .await;
    assert!(
        html.starts_with("<div class=\"quip-canvas-content\"><h1 id=\"temp:C:"),
        "{html}"
    );
    assert!(html.contains(">Launch &lt;day&gt;</h1>"), "{html}");
    assert!(
        html.contains("class=\"line\">The plan &amp; more.</p>"),
        "{html}"
    );

    // A channel canvas names its channel; files.list shows canvases for types=canvas only.
    let args = json!({"channel_id": "C0000000001", "document_content": markdown("# Hi")});
    let channel_canvas = slack.bot_ok("conversations.canvases.create", args).await["canvas_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let info = slack
        .bot_ok("files.info", json!({"file": channel_canvas}))
        .await;
    assert_eq!(info["file"]["title"], "Untitled");
    assert_eq!(info["file"]["linked_channel_id"], "C0000000001");
    assert_eq!(info["file"]["channels"], json!(["C0000000001"]));
    assert_eq!(info["file"]["is_channel_space"], true);
    let ids = |files: Vec<Value>| -> Vec<String> {
        files
            .iter()
            .map(|file| file["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let all = listed(&slack, json!({"types": "canvas"})).await;
    assert_eq!(ids(all), [channel_canvas.clone(), canvas.clone()]);
    let in_general = listed(&slack, json!({"types": "canvas", "channel": "C0000000001"})).await;
    assert_eq!(ids(in_general), [channel_canvas]);
    assert!(ids(listed(&slack, json!({})).await).is_empty());
}

#[asym::clone("slack", seed = "basic")]
async fn grants_decide_who_may_edit_a_canvas(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let created = slack
        .bot_ok(
            "canvases.create",
            json!({"title": "Plan", "document_content": markdown("# Plan")}),
        )
        .await;
    let canvas = created["canvas_id"].as_str().unwrap().to_owned();
    let alice = slack.mint("user", Some("U0000000003"), None).await;
    let bob = slack.mint("user", Some("U0000000004"), None).await;
    let append = json!({"canvas_id": canvas, "changes": [
        {"operation": "insert_at_end", "document_content": markdown("More.")}]});
    let grant = |level: &str, whom: Value| {
        let mut args = json!({"canvas_id": canvas, "access_level": level});
        args.as_object_mut()
            .unwrap()
            .extend(whom.as_object().unwrap().clone());
        args
    };

    // Not granted: the canvas is not theirs to see.
    slack
        .err(&alice, "canvases.edit", append.clone(), "canvas_not_found")
        .await;
    slack
        .err(
            &alice,
            "files.info",
            json!({"file": canvas}),
            "file_not_found",
        )
        .await;
    // Read: seen, not edited.
    let read = grant("read", json!({"user_ids": ["U0000000003"]}));
    slack.bot_ok("canvases.access.set", read).await;
    slack
        .err(&alice, "canvases.edit", append.clone(), "restricted_action")
        .await;
    let info = slack
        .ok(&alice, "files.info", json!({"file": canvas}))
        .await;
    assert_eq!(info["file"]["access"], "read");
    // Write to #random reaches its members (alice, bob), not to grant it further.
    let write = grant("write", json!({"channel_ids": ["C0000000002"]}));
    slack.bot_ok("canvases.access.set", write).await;
    slack.ok(&alice, "canvases.edit", append.clone()).await;
    slack.ok(&bob, "canvases.edit", append.clone()).await;
    let info = slack.bot_ok("files.info", json!({"file": canvas})).await;
    assert_eq!(info["file"]["last_editor"], "U0000000004");
    assert_eq!(info["file"]["groups"], json!([]));
    assert_eq!(info["file"]["channels"], json!(["C0000000002"]));
    let to_bob = grant("write", json!({"user_ids": ["U0000000004"]}));
    slack
        .err(&alice, "canvases.access.set", to_bob, "restricted_action")
        .await;
    slack
        .err(
            &alice,
            "canvases.delete",
            json!({"canvas_id": canvas}),
            "restricted_action",
        )
        .await;
    let revoke = json!({"canvas_id": canvas, "channel_ids": ["C0000000002"]});
    slack.bot_ok("canvases.access.delete", revoke).await;
    slack
        .err(&bob, "canvases.edit", append.clone(), "canvas_not_found")
        .await;

    // Slack's refusals of the arguments.
    for (args, error) in [
        (
            json!({"canvas_id": canvas, "changes": [
                {"operation": "insert_at_end", "document_content": markdown("a")},
                {"operation": "insert_at_end", "document_content": markdown("b")}]}),
            "invalid_arguments",
        ),
        (
            grant(
                "read",
                json!({"user_ids": ["U0000000003"], "channel_ids": ["C0000000002"]}),
            ),
            "invalid_arguments",
        ),
        (
            grant("owner", json!({"channel_ids": ["C0000000002"]})),
            "invalid_arguments",
        ),
    ] {
        let method = if args.get("changes").is_some() {
            "canvases.edit"
        } else {
            "canvases.access.set"
        };
        slack.bot_err(method, args, error).await;
    }
    let gone = json!({"canvas_id": canvas, "changes": [
        {"operation": "delete", "section_id": "temp:C:nope"}]});
    let failed = slack
        .bot_err("canvases.edit", gone, "canvas_editing_failed")
        .await;
    assert_eq!(failed["detail"], "Section temp:C:nope was not found");
}

/// `canvases.getContent`: the whole canvas in one string, as markdown (its sections, a blank
/// line between each two) or as the HTML its `url_private` serves; Slack's errors.
#[asym::clone("slack", seed = "basic")]
async fn canvases_are_read_back_as_markdown_or_html(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let doc = "# Launch\nThe plan.\nStill the plan.\n\n## Risks\nNone yet.";
    let canvas = launch(&slack, doc).await;
    let read = |content_type: Option<&str>| {
        let mut args = json!({"canvas_id": canvas});
        if let Some(kind) = content_type {
            args["content_type"] = json!(kind);
        }
        slack.bot_ok("canvases.getContent", args)
    };
    let expected = "# Launch\n\nThe plan.\nStill the plan.\n\n## Risks\n\nNone yet.";
    assert_eq!(read(None).await["content"], expected);
    assert_eq!(read(Some("markdown")).await["content"], expected);
    let html = read(Some("html")).await["content"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        html.starts_with("<div class=\"quip-canvas-content\">"),
        "{html}"
    );
    assert!(
        html.contains(">Launch</h1>") && html.contains(">None yet.</p>"),
        "{html}"
    );

    // An edit shows at once.
    edit(
        &slack,
        &canvas,
        json!({"operation": "insert_at_end",
                                 "document_content": markdown("Owners: alice.")}),
    )
    .await;
    let content = read(None).await["content"].as_str().unwrap().to_owned();
    assert!(
        content.ends_with("None yet.\n\nOwners: alice."),
        "{content}"
    );

    let alice = slack.mint("user", Some("U0000000003"), None).await;
    slack
        .err(
            &alice,
            "canvases.getContent",
            json!({"canvas_id": canvas}),
            "canvas_not_found",
        )
        .await;
    for (args, error) in [
        (json!({}), "invalid_arguments"),
        (json!({"canvas_id": "F0NOPE"}), "canvas_not_found"),
        (
            json!({"canvas_id": canvas, "content_type": "pdf"}),
            "invalid_arguments",
        ),
    ] {
        slack.bot_err("canvases.getContent", args, error).await;
    }
    let unscoped = slack.mint("bot", None, Some(&["chat:write"])).await;
    let refused = slack
        .missing_scope(
            &unscoped,
            "canvases.getContent",
            json!({"canvas_id": canvas}),
        )
        .await;
    assert_eq!(refused["needed"], "canvases:read");
}
