//! What a bot reaches for beside issues: `projectStatuses`, `rateLimitStatus`, and Slack
//! messages, GitHub pull requests and GitHub issues linked as attachments
//! (`attachmentLinkSlack`, `attachmentLinkGitHubPR`, `attachmentLinkGitHubIssue`), and the
//! support integrations' links (`attachmentLinkDiscord`, `…Salesforce`, `…Zendesk` with a URL;
//! `…Intercom`, `…Front` refused).

use serde_json::json;

use crate::{argument_error, ask, client, gql, mutate, refused_for};

#[asym::clone("linear", seed = "basic")]
async fn project_statuses_are_a_connection_and_rate_limits_read_as_the_headers(
    linear: asym::Linear,
) {
    let api = client(&linear);
    let got = ask(
        &api,
        "{ projectStatuses { nodes { id name type color position indefinite archivedAt }
             pageInfo { hasNextPage } } }",
    )
    .await;
    let nodes = got["projectStatuses"]["nodes"].as_array().unwrap();
    let mut types: Vec<&str> = nodes.iter().map(|s| s["type"].as_str().unwrap()).collect();
    types.sort_unstable();
    assert_eq!(
        types,
        [
            "backlog",
            "canceled",
            "completed",
            "paused",
            "planned",
            "started"
        ]
    );
    assert!(nodes.iter().all(|s| s["archivedAt"].is_null()));
    let paused = nodes.iter().find(|s| s["type"] == "paused").unwrap();
    assert_eq!(paused["indefinite"], true);
    let page = ask(
        &api,
        "{ projectStatuses(first: 2) { nodes { id } pageInfo { hasNextPage endCursor } } }",
    )
    .await;
    assert_eq!(
        page["projectStatuses"]["nodes"].as_array().unwrap().len(),
        2
    );
    assert_eq!(page["projectStatuses"]["pageInfo"]["hasNextPage"], true);

    let reply = gql(
        &api,
        "{ rateLimitStatus { identifier kind limits { type allowedAmount remainingAmount
             requestedAmount period reset } } }",
        json!({}),
    )
    .await;
    let status = &reply.body["data"]["rateLimitStatus"];
    assert_eq!(status["kind"], "api", "{}", reply.body);
    assert_eq!(status["identifier"], crate::ADA);
    let limits = status["limits"].as_array().unwrap();
    for (kind, header) in [("requests", "requests"), ("complexity", "complexity")] {
        let limit = limits.iter().find(|l| l["type"] == kind).unwrap();
        let allowed = reply.headers[format!("x-ratelimit-{header}-limit").as_str()]
            .to_str()
            .unwrap();
        assert_eq!(
            limit["allowedAmount"].as_f64().unwrap().to_string(),
            allowed
        );
        assert_eq!(limit["period"], 3_600_000.0);
        let reset = reply.headers[format!("x-ratelimit-{header}-reset").as_str()]
            .to_str()
            .unwrap();
        assert_eq!(limit["reset"].as_f64().unwrap().to_string(), reset);
    }
}

#[asym::clone("linear", seed = "basic")]
async fn slack_messages_and_github_links_become_attachments(linear: asym::Linear) {
    let api = client(&linear);
    for (mutation, url, title) in [
        (
            "attachmentLinkSlack",
            "https://acme.slack.com/archives/C0123/p1700000000000100",
            None,
        ),
        (
            "attachmentLinkGitHubPR",
            "https://github.com/acme/app/pull/42",
            Some("Fix the login crash"),
        ),
        (
            "attachmentLinkGitHubIssue",
            "https://github.com/acme/app/issues/7",
            None,
        ),
    ] {
        let text = format!(
            "mutation($url: String!, $title: String) {{ {mutation}(issueId: \"ENG-4\", url: $url, title: $title) {{
                success lastSyncId attachment {{ id url title issue {{ identifier }} }} }} }}"
        );
        let linked = mutate(&api, &text, json!({"url": url, "title": title})).await;
        let attachment = &linked["attachment"];
        assert_eq!(attachment["url"], url, "{mutation}");
        assert_eq!(attachment["title"], title.unwrap_or(url), "{mutation}");
        assert_eq!(attachment["issue"]["identifier"], "ENG-4", "{mutation}");
    }
    let listed = ask(
        &api,
        "{ issue(id: \"ENG-4\") { attachments { nodes { url } } } }",
    )
    .await;
    assert_eq!(
        listed["issue"]["attachments"]["nodes"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    for (text, expected) in [
        (
            "mutation { attachmentLinkSlack(issueId: \"ENG-4\", url: \"https://acme.slack.com/x\", syncToCommentThread: true) { success } }",
            "`syncToCommentThread`",
        ),
        (
            "mutation { attachmentLinkGitHubPR(issueId: \"ENG-4\", url: \"https://github.com/a/b/pull/1\", linkKind: closes) { success } }",
            "`linkKind`",
        ),
        (
            "mutation { attachmentLinkGitHubIssue(issueId: \"ENG-4\", url: \"issue 7\") { success } }",
            "Argument Validation Error",
        ),
        (
            "mutation { attachmentLinkSlack(issueId: \"ENG-99\", url: \"https://acme.slack.com/x\") { success } }",
            "Entity not found: Issue",
        ),
    ] {
        refused_for(&api, text, json!({}), expected).await;
    }
}

/// The support links given a URL, each with its own arguments besides.
const SUPPORT_LINKS: [(&str, &str); 3] = [
    (
        "attachmentLinkDiscord(issueId: $issue, channelId: \"C1\", messageId: \"M1\", url: $url)",
        "https://discord.com/channels/1/2/3",
    ),
    (
        "attachmentLinkSalesforce(issueId: $issue, url: $url, title: \"Case 00001\")",
        "https://acme.my.salesforce.com/500000000000001",
    ),
    (
        "attachmentLinkZendesk(issueId: $issue, ticketId: \"17\", url: $url)",
        "https://acme.zendesk.com/agent/tickets/17",
    ),
];

#[asym::clone("linear", seed = "basic")]
async fn support_links_with_a_url_become_attachments(linear: asym::Linear) {
    let api = client(&linear);
    for (call, url) in SUPPORT_LINKS {
        let text = format!(
            "mutation($issue: String!, $url: String!) {{ {call} {{
                success attachment {{ url title issue {{ identifier }} }} }} }}"
        );
        let got = mutate(&api, &text, json!({"issue": "ENG-5", "url": url})).await;
        let attachment = got["attachment"].clone();
        let title = if call.contains("Case") {
            "Case 00001"
        } else {
            url
        };
        let expected = json!({"url": url, "title": title, "issue": {"identifier": "ENG-5"}});
        assert_eq!(attachment, expected, "{call}");
    }
    let refusals = [
        (
            "attachmentLinkZendesk(issueId: \"ENG-5\", ticketId: \"17\")",
            "Argument `url` is required by the asym Linear clone",
        ),
        (
            "attachmentLinkIntercom(issueId: \"ENG-5\", conversationId: \"9\")",
            "`attachmentLinkIntercom` is not supported by the asym Linear clone: it has no Intercom integration",
        ),
        (
            "attachmentLinkFront(issueId: \"ENG-5\", conversationId: \"cnv_1\")",
            "`attachmentLinkFront` is not supported by the asym Linear clone: it has no Front integration",
        ),
        (
            "attachmentLinkDiscord(issueId: \"ENG-99\", channelId: \"C\", messageId: \"M\", url: \"https://discord.com/x\")",
            "Entity not found: Issue",
        ),
    ];
    for (call, expected) in refusals {
        let text = format!("mutation {{ {call} {{ success }} }}");
        refused_for(&api, &text, json!({}), expected).await;
    }
}

/// External users come from integrations, which the clone has none of: none is listed, none
/// is found.
#[asym::clone("linear", seed = "basic")]
async fn there_are_no_external_users(linear: asym::Linear) {
    let api = crate::client(&linear);
    let listed = crate::query(
        &api,
        "{ externalUsers { nodes { id name displayName } pageInfo { hasNextPage } } }",
        serde_json::json!({}),
    )
    .await;
    assert_eq!(listed["externalUsers"]["nodes"], serde_json::json!([]));
    assert_eq!(listed["externalUsers"]["pageInfo"]["hasNextPage"], false);
    crate::not_found(&api, "externalUser", "a-slack-user", "ExternalUser").await;
}

/// `projectStatusCreate`/`Update`/`Archive`/`Unarchive`: a status of the workspace's own,
/// listed with the seeded six, changed, archived (listed only with `includeArchived`, kept by
/// its projects) and back; Linear's validators hold its name and colour.
#[asym::clone("linear", seed = "basic")]
async fn project_statuses_are_created_updated_and_archived(linear: asym::Linear) {
    let api = client(&linear);
    let fields = "id name type color position description indefinite archivedAt";
    let writes = crate::Writes::new(&api, "ProjectStatus", "status", fields);
    let input = json!({"name": "Review", "type": "started", "color": "#aa00ff", "position": 2.5,
                       "description": "Waiting on sign-off"});
    let made = writes.create(input).await;
    crate::assert_fields(
        &made,
        &json!({"name": "Review", "type": "started", "color": "#aa00ff", "position": 2.5,
                "description": "Waiting on sign-off", "indefinite": false, "archivedAt": null}),
    );
    let id = made["id"].as_str().unwrap().to_owned();
    let listed = "{ projectStatuses { nodes { name } } }";
    let names = |got: &serde_json::Value| {
        asym_kit::testing::pluck(&got["projectStatuses"]["nodes"], "name")
    };
    assert!(names(&ask(&api, listed).await).contains(&"Review".to_owned()));

    let input = json!({"name": "In review", "indefinite": true});
    let changed = writes.update(&id, input).await;
    assert_eq!(
        (&changed["name"], &changed["indefinite"]),
        (&json!("In review"), &json!(true))
    );

    // A project in it keeps it, archived.
    let project = crate::create_project(
        &api,
        json!({"name": "Reviewed", "teamIds": [crate::ENG], "statusId": id}),
    )
    .await;
    let archived = crate::archive_payload(&api, "projectStatusArchive", &id, "archivedAt").await;
    assert!(archived["archivedAt"].is_string());
    assert!(!names(&ask(&api, listed).await).contains(&"In review".to_owned()));
    let all = "{ projectStatuses(includeArchived: true) { nodes { name } } }";
    assert!(names(&ask(&api, all).await).contains(&"In review".to_owned()));
    let kept = crate::with_id(
        &api,
        "query($id: String!) { project(id: $id) { status { id } } }",
        &project,
    )
    .await;
    assert_eq!(kept["project"]["status"]["id"], json!(id));
    let back = crate::archive_payload(&api, "projectStatusUnarchive", &id, "archivedAt").await;
    assert!(back["archivedAt"].is_null());

    crate::refused_inputs_as(
        &api,
        &writes.create_doc,
        [
            argument_error(
                json!({"name": " ", "type": "started", "color": "#aa00ff", "position": 1}),
                "name should not be empty",
            ),
            argument_error(
                json!({"name": "Tinted", "type": "started", "color": "purple", "position": 1}),
                "color must be a hexadecimal color",
            ),
        ],
    )
    .await;
    crate::missing(
        &api,
        &writes.update_doc,
        json!({"id": "nope", "input": {"name": "x"}}),
        "ProjectStatus",
    )
    .await;

    // Issues are delegated to agents, which the clone has none of.
    let delegated = ask(&api, "{ viewer { delegatedIssues { nodes { id } } } }").await;
    assert_eq!(delegated["viewer"]["delegatedIssues"]["nodes"], json!([]));
}
