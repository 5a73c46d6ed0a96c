//! Slack Lists: a list with a schema, its items created, read, updated, paged, deleted; its
//! export as CSV; access grants; every error Slack documents for each method that the clone
//! can meet.

use serde_json::{Value, json};

use crate::common::{Api, fields};

/// The scopes a Lists app installs with.
const SCOPES: [&str; 2] = ["lists:read", "lists:write"];

/// Rich text of `text`, as text fields take it.
fn rich(text: &str) -> Value {
    json!([{"type": "rich_text", "elements": [{"type": "rich_text_section",
        "elements": [{"type": "text", "text": text}]}]}])
}

/// A schema with a primary text column, a select, a person and a date.
fn schema() -> Value {
    json!([
        {"key": "task", "name": "Task", "type": "text", "is_primary_column": true},
        {"key": "status", "name": "Status", "type": "select", "options": {"choices": [
            {"value": "todo", "label": "To do", "color": "red"},
            {"value": "done", "label": "Done", "color": "green"}]}},
        {"key": "owner", "name": "Owner", "type": "user"},
        {"key": "due", "name": "Due", "type": "date"},
    ])
}

/// The column ids of a list's `schema`, by key.
fn column(metadata: &Value, key: &str) -> String {
    metadata["schema"]
        .as_array()
        .unwrap()
        .iter()
        .find(|column| column["key"] == key)
        .and_then(|column| column["id"].as_str())
        .unwrap_or_else(|| panic!("no column {key}: {metadata}"))
        .to_owned()
}

/// A token of `user` (the bot without) holding the Lists scopes.
async fn lists_token(slack: &Api<'_>, user: Option<&str>) -> String {
    let kind = if user.is_some() { "user" } else { "bot" };
    slack.mint(kind, user, Some(&SCOPES)).await
}

/// Runs `steps` in turn: who calls, what, and the error it answers (none: it succeeds).
async fn run(slack: &Api<'_>, steps: Vec<(&str, &str, Value, Option<&str>)>) {
    for (who, method, args, error) in steps {
        match error {
            Some(error) => slack.err(who, method, args, error).await,
            None => slack.ok(who, method, args).await,
        };
    }
}

/// A new list `Launch` with [`schema`], made by the bot with a token holding the Lists
/// scopes: the token, the list's id and the ids of its columns `task`, `status`, `owner` and
/// `due`.
async fn launch(slack: &Api<'_>) -> (String, String, [String; 4]) {
    let token = lists_token(slack, None).await;
    let created = slack
        .ok(
            &token,
            "slackLists.create",
            json!({"name": "Launch", "schema": schema()}),
        )
        .await;
    let id = created["list_id"].as_str().unwrap().to_owned();
    assert!(id.starts_with('F'), "{created}");
    let metadata = &created["list_metadata"];
    assert_eq!(metadata["views"][0]["type"], "table");
    let columns = ["task", "status", "owner", "due"].map(|key| column(metadata, key));
    (token, id, columns)
}

#[asym::clone("slack", seed = "basic")]
async fn lists_hold_items_with_fields_by_column(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (token, list, [task, status, owner, due]) = launch(&slack).await;
    let ok = |method: &'static str, args: Value| slack.ok(&token, method, args);
    assert!(task.starts_with("Col"), "{task}");

    let created = ok(
        "slackLists.items.create",
        json!({"list_id": list, "initial_fields": [
            {"column_id": task, "rich_text": rich("Write the plan")},
            {"column_id": status, "select": ["todo"]},
            {"column_id": owner, "user": ["U0000000003"]},
        ]}),
    )
    .await;
    let item = &created["item"];
    let record = item["id"].as_str().unwrap().to_owned();
    assert!(record.starts_with("Rec"), "{item}");
    assert_eq!(item["list_id"], list);
    assert_eq!(item["created_by"], "U0000000002");
    let got = item["fields"].as_array().unwrap();
    assert_eq!(got.len(), 3, "{item}");
    assert_eq!(got[0]["key"], "task");
    assert_eq!(got[0]["text"], "Write the plan");
    assert_eq!(got[1]["select"], json!(["todo"]));
    assert_eq!(got[2]["user"], json!(["U0000000003"]));

    // A subtask and a duplicate.
    let subtask = ok(
        "slackLists.items.create",
        json!({"list_id": list, "parent_item_id": record,
                   "initial_fields": [{"column_id": task, "rich_text": rich("Outline")}]}),
    )
    .await;
    assert_eq!(subtask["item"]["parent_record_id"], record);
    let copy = ok(
        "slackLists.items.create",
        json!({"list_id": list, "duplicated_item_id": record}),
    )
    .await;
    assert_eq!(copy["item"]["fields"][0]["text"], "Write the plan");

    // Update cells; an empty value clears one.
    ok(
        "slackLists.items.update",
        json!({"list_id": list, "cells": [
            {"row_id": record, "column_id": status, "select": ["done"]},
            {"row_id": record, "column_id": due, "date": ["2026-12-31"]},
            {"row_id": record, "column_id": owner, "user": []},
        ]}),
    )
    .await;
    let info = ok(
        "slackLists.items.info",
        json!({"list_id": list, "id": record, "include_is_subscribed": true}),
    )
    .await;
    let keys = fields(info["record"]["fields"].as_array().unwrap(), ["key"]);
    assert_eq!(keys, [["task"], ["status"], ["due"]], "{info}");
    assert_eq!(info["record"]["fields"][1]["value"], "done");
    assert_eq!(info["record"]["is_subscribed"], false);
    assert_eq!(info["subtasks"].as_array().unwrap().len(), 1);
    assert_eq!(info["list"]["id"], list);
    assert_eq!(info["list"]["filetype"], "list");
    assert_eq!(info["list"]["list_limits"]["row_count"], 3);

    // Paged, then deleted.
    let pages = slack
        .pages(
            &token,
            "slackLists.items.list",
            json!({"list_id": list, "limit": 2}),
        )
        .await;
    assert_eq!(pages.len(), 2);
    let listed: Vec<&Value> = pages
        .iter()
        .flat_map(|page| page["items"].as_array().unwrap())
        .collect();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["id"], record);
    let archived = ok(
        "slackLists.items.list",
        json!({"list_id": list, "archived": true}),
    )
    .await;
    assert_eq!(archived["items"], json!([]));

    let copy_id = copy["item"]["id"].as_str().unwrap();
    let (of_list, the_record) = (
        json!({"list_id": list, "ids": [copy_id]}),
        json!({"list_id": list, "id": record}),
    );
    let steps = vec![
        (
            token.as_str(),
            "slackLists.items.deleteMultiple",
            of_list,
            None,
        ),
        (
            token.as_str(),
            "slackLists.items.delete",
            the_record.clone(),
            None,
        ),
        (
            token.as_str(),
            "slackLists.items.info",
            the_record,
            Some("record_deleted"),
        ),
    ];
    run(&slack, steps).await;
    let left = ok("slackLists.items.list", json!({"list_id": list})).await;
    assert_eq!(left["items"], json!([]), "the subtask went with its parent");
}

#[asym::clone("slack", seed = "basic")]
async fn lists_are_created_renamed_copied_and_exported(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (token, list, [task, ..]) = launch(&slack).await;
    let ok = |method: &'static str, args: Value| slack.ok(&token, method, args);
    let plain = ok(
        "slackLists.create",
        json!({"name": "Errands", "todo_mode": true,
                   "description_blocks": rich("Things to do")}),
    )
    .await;
    let types = fields(
        plain["list_metadata"]["schema"].as_array().unwrap(),
        ["type"],
    );
    let todo = [
        ["text"],
        ["todo_completed"],
        ["todo_assignee"],
        ["todo_due_date"],
    ];
    assert_eq!(types, todo);

    let shipped = json!([{"column_id": task, "rich_text": rich("Ship, then \"rest\"")}]);
    let item = json!({"list_id": list, "initial_fields": shipped});
    ok("slackLists.items.create", item).await;
    ok(
        "slackLists.update",
        json!({"id": list, "name": "Launch v2", "todo_mode": true}),
    )
    .await;

    let copy = ok(
        "slackLists.create",
        json!({"name": "Copy", "copy_from_list_id": list, "include_copied_list_records": true}),
    )
    .await;
    let copy_id = copy["list_id"].as_str().unwrap();
    assert_eq!(copy["list_metadata"]["schema"].as_array().unwrap().len(), 7);
    let copied = ok("slackLists.items.list", json!({"list_id": copy_id})).await;
    assert_eq!(copied["items"].as_array().unwrap().len(), 1);

    let on_list = json!({"list_id": list});
    let job = ok("slackLists.download.start", on_list).await;
    let job = job["job_id"].as_str().unwrap();
    let got = ok(
        "slackLists.download.get",
        json!({"list_id": list, "job_id": job}),
    )
    .await;
    assert_eq!(got["status"], "completed");
    let url = got["download_url"].as_str().unwrap();
    assert!(url.ends_with("launch_v2.csv"), "{url}");
    let csv = slack.download(url, &token).await;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("Task,Status,Owner,Due,Completed,Assignee,Due date")
    );
    assert_eq!(lines.next(), Some("\"Ship, then \"\"rest\"\"\",,,,,,"));
    // A person the list is not shared with cannot fetch it.
    let bob = lists_token(&slack, Some("U0000000004")).await;
    let refused = slack.authorized(&bob).get(slack.path_of(url)).await;
    assert_eq!(refused.status, 404);
}

#[asym::clone("slack", seed = "basic")]
async fn list_access_is_granted_and_taken_back(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (token, list, _) = launch(&slack).await;
    let alice = lists_token(&slack, Some("U0000000003")).await;
    let bob = lists_token(&slack, Some("U0000000004")).await;
    let read = json!({"list_id": list});
    let grant =
        |level: &str| json!({"list_id": list, "access_level": level, "user_ids": ["U0000000003"]});
    let general = json!({"list_id": list, "access_level": "read", "channel_ids": ["C0000000001"]});
    let alice_only = json!({"list_id": list, "user_ids": ["U0000000003"]});
    // alice by a grant of her own, bob as a member of #general.
    let steps = vec![
        (
            alice.as_str(),
            "slackLists.items.list",
            read.clone(),
            Some("list_not_found"),
        ),
        (token.as_str(), "slackLists.access.set", grant("read"), None),
        (alice.as_str(), "slackLists.items.list", read.clone(), None),
        (
            alice.as_str(),
            "slackLists.items.create",
            read.clone(),
            Some("permission_denied"),
        ),
        (
            alice.as_str(),
            "slackLists.access.set",
            grant("write"),
            Some("restricted_action"),
        ),
        (
            token.as_str(),
            "slackLists.access.set",
            grant("write"),
            None,
        ),
        (
            alice.as_str(),
            "slackLists.items.create",
            read.clone(),
            None,
        ),
        (
            token.as_str(),
            "slackLists.access.set",
            general.clone(),
            None,
        ),
        (bob.as_str(), "slackLists.items.list", read.clone(), None),
        (token.as_str(), "slackLists.access.delete", general, None),
        (
            bob.as_str(),
            "slackLists.items.list",
            read.clone(),
            Some("list_not_found"),
        ),
        (token.as_str(), "slackLists.access.delete", alice_only, None),
        (
            alice.as_str(),
            "slackLists.items.list",
            read,
            Some("list_not_found"),
        ),
    ];
    run(&slack, steps).await;
}

#[asym::clone("slack", seed = "basic")]
async fn list_methods_answer_slacks_errors(slack: asym::Slack) {
    let slack = Api::new(&slack);
    let (token, list, [task, status, owner, due]) = launch(&slack).await;
    let ok = |method: &'static str, args: Value| slack.ok(&token, method, args);
    let item = ok("slackLists.items.create", json!({"list_id": list})).await;
    let record = item["item"]["id"].as_str().unwrap().to_owned();
    let text =
        |name: &str| json!({"key": "a", "name": name, "type": "text", "is_primary_column": true});
    let long = "x".repeat(256);
    let cell = |column: &str, value: Value| {
        let mut cell = json!({"row_id": record, "column_id": column});
        let (key, value) = value.as_object().unwrap().iter().next().unwrap();
        cell[key] = value.clone();
        json!({"list_id": list, "cells": [cell]})
    };
    let wide: Vec<Value> = (0..51)
        .map(|n| json!({"key": format!("c{n}"), "name": "C", "type": "text", "is_primary_column": n == 0}))
        .collect();
    let two =
        json!([text("A"), {"key": "b", "name": "B", "type": "text", "is_primary_column": true}]);
    let nope = "F0NOPE";
    // Per method, [arguments, error], one a line.
    let cases = [
        (
            "slackLists.create",
            json!([
                [{}, "invalid_arguments"],
                [{"name": long}, "over_title_length_maximum"],
                [{"name": "L", "schema": schema(), "copy_from_list_id": list}, "invalid_copy_and_schema_args"],
                [{"name": "L", "include_copied_list_records": true}, "missing_arg_copy_from_list_id"],
                [{"name": "L", "copy_from_list_id": nope}, "list_not_found"],
                [{"name": "L", "schema": [{"key": "a"}]}, "invalid_schema"],
                [{"name": "L", "schema": [{"key": "a", "name": "A", "type": "hologram"}]}, "invalid_column_type"],
                [{"name": "L", "schema": [text("A"), text("B")]}, "invalid_schema"],
                [{"name": "L", "schema": [{"key": "a", "name": "A", "type": "number", "is_primary_column": true}]}, "invalid_primary_column"],
                [{"name": "L", "schema": two}, "invalid_primary_column"],
                [{"name": "L", "schema": wide}, "over_column_maximum"]
            ]),
        ),
        (
            "slackLists.update",
            json!([
                [{"id": list}, "missing_arguments"],
                [{"id": nope, "name": "N"}, "list_not_found"],
                [{"id": list, "name": long}, "over_title_length_maximum"],
                [{"id": list, "description_blocks": [{"type": "section"}]}, "unexpected_description_blocks_arg"]
            ]),
        ),
        (
            "slackLists.items.create",
            json!([
                [{"list_id": nope}, "list_not_found"],
                [{"list_id": list, "duplicated_item_id": "Rec0NOPE"}, "duplicated_item_not_found"],
                [{"list_id": list, "parent_item_id": "Rec0NOPE"}, "invalid_args"],
                [{"list_id": list, "initial_fields": [{"column_id": "Col0NOPE", "rich_text": rich("x")}]}, "invalid_column_id"],
                [{"list_id": list, "initial_fields": [{"column_id": task, "select": ["todo"]}]}, "invalid_input_type"],
                [{"list_id": list, "initial_fields": [{"column_id": status, "select": ["lost"]}]}, "invalid_option_id"],
                [{"list_id": list, "initial_fields": [{"column_id": owner, "user": ["U0NOPE"]}]}, "user_not_found"],
                [{"list_id": list, "initial_fields": [{"column_id": owner, "user": vec!["U0000000003"; 51]}]}, "over_cell_fields_limit"],
                [{"list_id": list, "initial_fields": [{"column_id": due, "date": ["tomorrow"]}]}, "invalid_args"]
            ]),
        ),
        (
            "slackLists.items.update",
            json!([
                [{"list_id": list}, "invalid_arguments"],
                [{"list_id": list, "cells": [{"column_id": task}]}, "row_id_not_provided"],
                [{"list_id": list, "cells": [{"row_id": record}]}, "column_id_not_provided"],
                [{"list_id": list, "cells": [{"row_id": "x", "column_id": task, "rich_text": rich("x")}]}, "invalid_row_id"],
                [{"list_id": list, "cells": [{"row_id": "Rec0NOPE", "column_id": task, "rich_text": rich("x")}]}, "row_not_found"],
                [cell("x", json!({"rich_text": rich("x")})), "invalid_column_id"],
                [cell("Col0NOPE", json!({"rich_text": rich("x")})), "column_not_found"],
                [cell(&task, json!({"rich_text": "plain"})), "invalid_blocks"],
                [cell(&due, json!({"date": ["2026-02-30"]})), "invalid_date"],
                [cell(&status, json!({"select": ["lost"]})), "invalid_option_id"],
                [cell(&owner, json!({"user": "U0000000003"})), "invalid_input_type"],
                [cell(&owner, json!({"user": ["U0NOPE"]})), "user_not_found"],
                [{"list_id": nope, "cells": [{"row_id": record}]}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.items.list",
            json!([
                [{"list_id": nope}, "list_not_found"],
                [{"list_id": list, "cursor": "bm9wZQ=="}, "invalid_cursor"]
            ]),
        ),
        (
            "slackLists.items.info",
            json!([
                [{"list_id": list, "id": "Rec0NOPE"}, "record_not_found"],
                [{"list_id": nope, "id": record}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.items.delete",
            json!([
                [{"list_id": list, "id": "Rec0NOPE"}, "record_not_found"],
                [{"list_id": nope, "id": record}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.items.deleteMultiple",
            json!([
                [{"list_id": list}, "invalid_arguments"],
                [{"list_id": list, "ids": [record, "Rec0NOPE"]}, "record_not_found"],
                [{"list_id": nope, "ids": [record]}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.download.start",
            json!([
                [{"list_id": nope}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.download.get",
            json!([
                [{"list_id": list, "job_id": "LE0NOPE"}, "job_not_found"],
                [{"list_id": nope, "job_id": "LE0NOPE"}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.access.set",
            json!([
                [{"list_id": list, "access_level": "read"}, "invalid_parameters"],
                [{"list_id": list, "access_level": "read", "user_ids": ["U0000000003"], "channel_ids": ["C0000000001"]}, "invalid_parameters"],
                [{"list_id": list, "access_level": "read", "user_ids": ["U0NOPE"]}, "user_not_found"],
                [{"list_id": list, "access_level": "read", "channel_ids": ["C0NOPE"]}, "channel_not_found"],
                [{"list_id": list, "access_level": "admin", "user_ids": ["U0000000003"]}, "invalid_arguments"],
                [{"list_id": nope, "access_level": "read", "user_ids": ["U0000000003"]}, "list_not_found"]
            ]),
        ),
        (
            "slackLists.access.delete",
            json!([
                [{"list_id": list}, "invalid_parameters"],
                [{"list_id": list, "user_ids": ["U0NOPE"]}, "user_not_found"],
                [{"list_id": nope, "user_ids": ["U0000000003"]}, "list_not_found"]
            ]),
        ),
    ];
    for (method, cases) in cases {
        for case in cases.as_array().unwrap() {
            let error = case[1].as_str().unwrap();
            slack.err(&token, method, case[0].clone(), error).await;
        }
    }
    // The record survived every refused update.
    let info = ok(
        "slackLists.items.info",
        json!({"list_id": list, "id": record}),
    )
    .await;
    assert_eq!(info["record"]["fields"], json!([]));

    // Scopes: writes need lists:write, reads lists:read.
    let reader = slack.mint("bot", None, Some(&["lists:read"])).await;
    slack
        .ok(&reader, "slackLists.items.list", json!({"list_id": list}))
        .await;
    let refused = slack
        .missing_scope(&reader, "slackLists.create", json!({"name": "L"}))
        .await;
    assert_eq!(refused["needed"], "lists:write");
    let chatty = slack.mint("bot", None, Some(&["chat:write"])).await;
    slack
        .needs_scope(&chatty, "slackLists.items.list", "lists:read")
        .await;
}
