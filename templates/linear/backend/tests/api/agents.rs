//! The Agents API: the installed app's sessions (`agentSessionCreateOnIssue`,
//! `agentSessionCreateOnComment`, `agentSessionUpdate`, `agentSessionUpdateExternalUrl`), its
//! activities (`agentActivityCreate`) moving a session's status, the reads, and what users'
//! comments tell the app (`AgentSessionEvent` `created` and `prompted`).

use asym_kit::testing::{Api, pluck};
use serde_json::{Value, json};

use crate::{
    ADA, ask, client, create_text, delivered, error, gql, missing, mutate, query, refused_as,
    refused_for, subscribed, update_text, with_id,
};

/// The app's own user in every fixture.
const APP: &str = "b0000000-0000-4000-8000-0000000000a1";

/// A session as @linear/sdk's `AgentSession` fragment selects it.
const SESSION: &str =
    "id slugId url status plan externalLink externalLinks { label url } externalUrls
    context summary sourceMetadata type appUser { id app } creator { id } issue { id identifier }
    comment { id } sourceComment { id } startedAt endedAt dismissedAt dismissedBy { id }
    createdAt updatedAt archivedAt";

/// An activity as @linear/sdk's `AgentActivity` fragment selects it.
const ACTIVITY: &str =
    "id ephemeral signal signalMetadata sourceMetadata agentSession { id status }
    user { id } sourceComment { id } createdAt updatedAt archivedAt
    content { __typename
      ... on AgentActivityThoughtContent { body type }
      ... on AgentActivityActionContent { action parameter result type }
      ... on AgentActivityElicitationContent { body type }
      ... on AgentActivityResponseContent { body type }
      ... on AgentActivityErrorContent { body reasonCode type }
      ... on AgentActivityPromptContent { body title type } }";

/// A client authenticated as the installed app (`appToken`, `actor=app`).
fn app_client(linear: &asym::Linear) -> Api {
    Api::new(linear.endpoint("backend").unwrap()).bearer(linear.token("appToken").unwrap())
}

fn on_issue() -> String {
    create_text(
        "agentSessionCreateOnIssue",
        "AgentSessionCreateOnIssue",
        "agentSession",
        SESSION,
    )
}

fn on_comment() -> String {
    create_text(
        "agentSessionCreateOnComment",
        "AgentSessionCreateOnComment",
        "agentSession",
        SESSION,
    )
}

fn activity_create() -> String {
    create_text(
        "agentActivityCreate",
        "AgentActivityCreateInput",
        "agentActivity",
        ACTIVITY,
    )
}

/// Reports an activity of `content` in `session` as the app; answers it.
async fn report(app: &Api, session: &str, content: Value, ephemeral: bool) -> Value {
    let input = json!({"agentSessionId": session, "content": content, "ephemeral": ephemeral});
    mutate(app, &activity_create(), json!({ "input": input })).await["agentActivity"].clone()
}

/// Session `id` as the app reads it.
async fn session(app: &Api, id: &str) -> Value {
    let text = format!("query($id: String!) {{ agentSession(id: $id) {{ {SESSION} }} }}");
    with_id(app, &text, id).await["agentSession"].clone()
}

/// The `__typename` of each activity's content in `session.activities`, in order.
fn content_types(session: &Value) -> Vec<String> {
    let nodes = session["activities"]["nodes"].as_array().unwrap();
    nodes
        .iter()
        .map(|node| node["content"]["__typename"].as_str().unwrap().to_owned())
        .collect()
}

/// Comments `body` on ENG-1 (under `parent`, if any) as `api`'s user; answers its id.
async fn comment(api: &Api, body: &str, parent: Option<&str>) -> String {
    let text =
        "mutation($i: CommentCreateInput!) { commentCreate(input: $i) { success comment { id } } }";
    let input = json!({"issueId": "ENG-1", "body": body, "parentId": parent});
    let got = mutate(api, text, json!({ "i": input })).await;
    got["comment"]["id"].as_str().unwrap().to_owned()
}

#[asym::clone("linear", seed = "basic")]
async fn the_app_works_a_session_on_an_issue(linear: asym::Linear) {
    let app = app_client(&linear);
    let input = json!({"issueId": "ENG-1",
                       "externalUrls": [{"label": "Run", "url": "https://agent.example/run/1"}]});
    let created =
        mutate(&app, &on_issue(), json!({ "input": input })).await["agentSession"].clone();
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["appUser"], json!({"id": APP, "app": true}));
    assert_eq!(created["issue"]["identifier"], "ENG-1");
    assert_eq!(
        created["creator"],
        Value::Null,
        "started by the app, not a person"
    );
    assert_eq!(
        created["externalLinks"],
        json!([{"label": "Run", "url": "https://agent.example/run/1"}])
    );
    assert!(created["url"].as_str().unwrap().contains("/issue/ENG-1/"));
    assert_eq!(session(&app, &id).await, created);

    // Each activity moves the session as Linear tracks it.
    let thought = json!({"type": "thought", "body": "Reading the issue"});
    let first = report(&app, &id, thought, false).await;
    assert_eq!(
        (
            &first["content"]["__typename"],
            &first["agentSession"]["status"]
        ),
        (&json!("AgentActivityThoughtContent"), &json!("active"))
    );
    assert_eq!(first["user"]["id"], APP);
    assert!(session(&app, &id).await["startedAt"].is_string());
    let action = json!({"type": "action", "action": "Searching", "parameter": "login bug"});
    let searching = report(&app, &id, action, true).await;
    assert_eq!(
        (&searching["content"]["result"], &searching["ephemeral"]),
        (&Value::Null, &json!(true))
    );
    let question = json!({"type": "elicitation", "body": "Which browser?"});
    let asked = report(&app, &id, question, false).await;
    assert_eq!(asked["agentSession"]["status"], "awaitingInput");
    let answer = json!({"type": "response", "body": "Fixed in #12", "extra": "dropped"});
    let done = report(&app, &id, answer, false).await;
    assert_eq!(done["agentSession"]["status"], "complete");
    assert_eq!(
        done["content"],
        json!({"__typename": "AgentActivityResponseContent", "body": "Fixed in #12", "type": "response"})
    );
    assert!(session(&app, &id).await["endedAt"].is_string());
    let failed = report(
        &app,
        &id,
        json!({"type": "error", "body": "Out of budget"}),
        false,
    )
    .await;
    assert_eq!(failed["agentSession"]["status"], "error");
    assert_eq!(
        session(&app, &id).await["endedAt"],
        Value::Null,
        "no longer complete"
    );

    // The ephemeral action is gone once the next activity was made; lists, newest first.
    let activities = query(
        &app,
        "query($id: String!) { agentSession(id: $id) { activities { nodes { content { __typename } } } }
          typed: agentActivities(filter: { type: { eq: \"elicitation\" } }) { nodes { id } }
          agentSessions { nodes { id } } issue(id: \"ENG-1\") { agentSessions { nodes { id } } } }",
        json!({ "id": id }),
    )
    .await;
    assert_eq!(
        content_types(&activities["agentSession"]),
        [
            "AgentActivityErrorContent",
            "AgentActivityResponseContent",
            "AgentActivityElicitationContent",
            "AgentActivityThoughtContent"
        ]
    );
    assert_eq!(
        pluck(&activities["typed"]["nodes"], "id"),
        [asked["id"].as_str().unwrap()]
    );
    assert_eq!(
        pluck(&activities["agentSessions"]["nodes"], "id"),
        [id.as_str()]
    );
    assert_eq!(
        pluck(&activities["issue"]["agentSessions"]["nodes"], "id"),
        [id.as_str()]
    );
    let one = format!("query($id: String!) {{ agentActivity(id: $id) {{ {ACTIVITY} }} }}");
    let read = with_id(&app, &one, done["id"].as_str().unwrap()).await["agentActivity"].clone();
    assert_eq!(read["content"], done["content"]);
}

#[asym::clone("linear", seed = "basic")]
async fn the_app_updates_its_session(linear: asym::Linear) {
    let app = app_client(&linear);
    let input = json!({"issueId": "ENG-2", "externalLink": "https://agent.example/a"});
    let id = mutate(&app, &on_issue(), json!({ "input": input })).await["agentSession"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let update = update_text(
        "agentSessionUpdate",
        "AgentSessionUpdateInput",
        "agentSession",
        "plan externalLink externalLinks { label url }",
    );
    let links = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(label, url)| json!({"label": label, "url": url}))
            .collect::<Vec<_>>()
    };
    let plan = json!({"steps": [{"content": "Reproduce", "status": "inProgress"}]});
    for (input, expected) in [
        (
            json!({"plan": plan, "externalUrls": links(&[("A", "https://a.example"), ("B", "https://b.example")])}),
            links(&[("A", "https://a.example"), ("B", "https://b.example")]),
        ),
        (
            json!({"addedExternalUrls": links(&[("C", "https://c.example"), ("A2", "https://a.example")]),
                   "removedExternalUrls": ["https://b.example"]}),
            links(&[("C", "https://c.example"), ("A2", "https://a.example")]),
        ),
        (
            // `externalUrls` replaces; the added and removed ones are then ignored.
            json!({"externalUrls": [], "addedExternalUrls": links(&[("D", "https://d.example")])}),
            vec![],
        ),
    ] {
        let got = mutate(&app, &update, json!({ "id": id, "input": input })).await;
        assert_eq!(got["agentSession"]["externalLinks"], json!(expected));
        // Linear's `JSON` scalar: answered JSON-encoded.
        let stored: Value =
            serde_json::from_str(got["agentSession"]["plan"].as_str().unwrap()).unwrap();
        assert_eq!(stored, plan);
    }
    let external = update_text(
        "agentSessionUpdateExternalUrl",
        "AgentSessionUpdateExternalUrlInput",
        "agentSession",
        "externalLink externalLinks { url }",
    );
    let input = json!({"externalLink": "https://agent.example/b",
                       "addedExternalUrls": links(&[("E", "https://e.example")])});
    let got = mutate(&app, &external, json!({ "id": id, "input": input })).await;
    assert_eq!(
        got["agentSession"],
        json!({"externalLink": "https://agent.example/b", "externalLinks": [{"url": "https://e.example"}]})
    );
    refused_for(
        &app,
        &update,
        json!({ "id": id, "input": {"dismissedAt": "2025-01-01T00:00:00Z"} }),
        "`dismissedAt`",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn only_the_app_acts_in_sessions(linear: asym::Linear) {
    let (app, person) = (app_client(&linear), client(&linear));
    let session = mutate(&app, &on_issue(), json!({ "input": {"issueId": "ENG-1"} })).await
        ["agentSession"]["id"]
        .clone();
    let update = update_text(
        "agentSessionUpdate",
        "AgentSessionUpdateInput",
        "agentSession",
        "id",
    );
    for (mutation, variables) in [
        (on_issue(), json!({ "input": {"issueId": "ENG-1"} })),
        (on_comment(), json!({ "input": {"commentId": "nope"} })),
        (
            update.clone(),
            json!({ "id": session, "input": {"plan": {}} }),
        ),
        (
            activity_create(),
            json!({ "input": {"agentSessionId": session, "content": {"type": "thought", "body": "x"}} }),
        ),
    ] {
        let reply = gql(&person, &mutation, variables).await;
        assert_eq!(
            error(&reply, 403, "FORBIDDEN"),
            "Invalid actor: app required"
        );
    }

    // What the app names must exist.
    let thought = json!({"type": "thought", "body": "x"});
    for (mutation, variables, entity) in [
        (
            on_issue(),
            json!({ "input": {"issueId": "ENG-999"} }),
            "Issue",
        ),
        (
            on_issue(),
            json!({ "input": {"issueId": "00000000-0000-4000-8000-000000000000"} }),
            "Issue",
        ),
        (
            on_comment(),
            json!({ "input": {"commentId": "nope"} }),
            "Comment",
        ),
        (
            activity_create(),
            json!({ "input": {"agentSessionId": "nope", "content": thought.clone()} }),
            "AgentSession",
        ),
        (
            update.clone(),
            json!({ "id": "nope", "input": {"plan": {}} }),
            "AgentSession",
        ),
    ] {
        missing(&app, &mutation, variables, entity).await;
    }
    for (field, id, entity) in [
        ("agentSession", "nope", "AgentSession"),
        ("agentActivity", "nope", "AgentActivity"),
    ] {
        crate::not_found(&app, field, id, entity).await;
    }

    // A session is on a root comment only.
    let root = comment(&client(&linear), "A thread", None).await;
    let reply = comment(&client(&linear), "A reply", Some(&root)).await;
    let text = "An agent session can only be created on a root comment.";
    refused_as(
        &app,
        &on_comment(),
        json!({ "input": {"commentId": reply} }),
        text,
        text,
    )
    .await;

    // Content by type; only a thought or an action may be ephemeral.
    let types =
        "type must be one of the following values: thought, action, elicitation, response, error";
    for (content, ephemeral, presentable) in [
        (json!({"type": "prompt", "body": "x"}), false, types),
        (json!({"body": "x"}), false, types),
        (
            json!({"type": "thought"}),
            false,
            "body should not be empty",
        ),
        (
            json!({"type": "response", "body": " "}),
            false,
            "body should not be empty",
        ),
        (
            json!({"type": "action", "action": "Run"}),
            false,
            "parameter should not be empty",
        ),
        (
            json!({"type": "action", "action": "Run", "parameter": 3}),
            false,
            "parameter should not be empty",
        ),
        (
            json!({"type": "response", "body": "Done"}),
            true,
            "Only thought and action activities can be ephemeral.",
        ),
    ] {
        let input = json!({"agentSessionId": session, "content": content, "ephemeral": ephemeral});
        refused_as(
            &app,
            &activity_create(),
            json!({ "input": input }),
            "Argument Validation Error",
            presentable,
        )
        .await;
    }
    let input = json!({"agentSessionId": session, "content": thought, "id": "not-a-uuid"});
    refused_as(
        &app,
        &activity_create(),
        json!({ "input": input }),
        "Argument Validation Error",
        "id must be a UUID.",
    )
    .await;
}

#[asym::clone("linear", seed = "basic")]
async fn a_mention_starts_a_session_and_a_reply_prompts_it(linear: asym::Linear) {
    let (app, ada) = (app_client(&linear), client(&linear));
    let receiver = subscribed(&ada, "AgentSessionEvent", None).await;
    let earlier = comment(&ada, "Login fails on Safari", None).await;
    let mention = comment(&ada, "@agent can you take this?", Some(&earlier)).await;

    let created = delivered(&receiver, "AgentSessionEvent", "created").await;
    let event = &created["agentSession"];
    assert_eq!(
        (
            &created["appUserId"],
            &event["appUserId"],
            &event["creatorId"]
        ),
        (&json!(APP), &json!(APP), &json!(ADA))
    );
    assert_eq!(
        (
            &event["commentId"],
            &event["sourceCommentId"],
            &event["status"]
        ),
        (&json!(earlier), &json!(mention), &json!("pending"))
    );
    assert_eq!(event["issue"]["identifier"], "ENG-1");
    assert_eq!(
        pluck(&created["previousComments"], "id"),
        [earlier.as_str()]
    );
    let context = created["promptContext"].as_str().unwrap();
    assert!(
        context.starts_with("<issue identifier=\"ENG-1\">"),
        "{context}"
    );
    for part in [
        "<title>",
        "<primary-directive-thread",
        "can you take this?</comment>",
    ] {
        assert!(context.contains(part), "{part}: {context}");
    }
    assert!(created["oauthClientId"].is_string() && created["webhookTimestamp"].is_number());
    let id = event["id"].as_str().unwrap().to_owned();

    let thread = query(
        &ada,
        "query($id: String!) { comment(id: $id) { agentSession { id creator { id } } } }",
        json!({ "id": earlier }),
    )
    .await;
    assert_eq!(
        thread["comment"]["agentSession"],
        json!({"id": id, "creator": {"id": ADA}})
    );

    // The app answers in its session; a reply in the thread prompts it again.
    report(
        &app,
        &id,
        json!({"type": "elicitation", "body": "Which version?"}),
        false,
    )
    .await;
    let reply = comment(&ada, "Safari 17", Some(&earlier)).await;
    let prompted = delivered(&receiver, "AgentSessionEvent", "prompted").await;
    assert_eq!(prompted["agentSession"]["id"], id.as_str());
    let activity = &prompted["agentActivity"];
    assert_eq!(
        (
            &activity["content"],
            &activity["userId"],
            &activity["sourceCommentId"]
        ),
        (
            &json!({"type": "prompt", "body": "Safari 17"}),
            &json!(ADA),
            &json!(reply)
        )
    );
    assert!(prompted.get("promptContext").is_none_or(Value::is_null));
    let text = format!(
        "query($id: String!) {{ agentSession(id: $id) {{ {SESSION} activities {{ nodes {{ {ACTIVITY} }} }} }} }}"
    );
    let read = with_id(&app, &text, &id).await["agentSession"].clone();
    assert_eq!(read["status"], "pending", "the agent's turn again");
    let newest = &read["activities"]["nodes"][0];
    assert_eq!(
        (
            &newest["content"]["__typename"],
            &newest["content"]["body"],
            &newest["user"]["id"]
        ),
        (
            &json!("AgentActivityPromptContent"),
            &json!("Safari 17"),
            &json!(ADA)
        )
    );

    // The app's own replies prompt nothing; a comment mentioning nobody starts nothing.
    comment(&app, "On it", Some(&earlier)).await;
    comment(&ada, "Unrelated", None).await;
    let read = with_id(
        &ada,
        "query($id: String!) { agentSessions { nodes { id } }
           agentSession(id: $id) { activities { nodes { content { __typename } } } } }",
        &id,
    )
    .await;
    assert_eq!(pluck(&read["agentSessions"]["nodes"], "id"), [id.as_str()]);
    assert_eq!(
        content_types(&read["agentSession"]),
        [
            "AgentActivityPromptContent",
            "AgentActivityElicitationContent"
        ]
    );
}

#[asym::clone("linear", seed = "basic")]
async fn the_app_is_a_user_of_the_workspace(linear: asym::Linear) {
    // Listed among the users, told apart by `UserFilter.app`.
    let users = "{ apps: users(filter: { app: { eq: true } }) { nodes { id app name displayName supportsAgentSessions } }
                   people: users(filter: { app: { eq: false } }) { nodes { app } } }";
    let got = ask(&client(&linear), users).await;
    assert_eq!(
        got["apps"]["nodes"],
        json!([{"id": APP, "app": true, "name": "Acme Agent", "displayName": "agent",
                "supportsAgentSessions": true}])
    );
    assert_eq!(
        got["people"]["nodes"],
        json!([{"app": false}, {"app": false}])
    );
    let viewer = query(&app_client(&linear), "{ viewer { id app } }", json!({})).await;
    assert_eq!(viewer["viewer"], json!({"id": APP, "app": true}));
}

#[asym::clone("linear", seed = "basic")]
async fn assigning_an_issue_to_the_app_starts_a_session(linear: asym::Linear) {
    let ada = client(&linear);
    let receiver = subscribed(&ada, "AgentSessionEvent", Some(crate::ENG)).await;
    let create = "mutation($i: IssueCreateInput!) { issueCreate(input: $i) { success issue { id identifier } } }";
    let input = json!({"teamId": crate::ENG, "title": "Flaky login test", "assigneeId": APP});
    let issue = mutate(&ada, create, json!({ "i": input })).await["issue"].clone();
    let created = delivered(&receiver, "AgentSessionEvent", "created").await;
    let event = &created["agentSession"];
    assert_eq!(
        (&event["issueId"], &event["creatorId"], &event["commentId"]),
        (&issue["id"], &json!(ADA), &Value::Null)
    );
    let context = created["promptContext"].as_str().unwrap();
    assert!(
        context.contains("<title>Flaky login test</title>"),
        "{context}"
    );

    // An update assigning the app starts another; assigning a person starts none.
    let update = "mutation($id: String!, $i: IssueUpdateInput!) { issueUpdate(id: $id, input: $i) { success } }";
    for (id, assignee) in [("ENG-2", APP), ("ENG-3", crate::BEN)] {
        mutate(
            &ada,
            update,
            json!({ "id": id, "i": {"assigneeId": assignee} }),
        )
        .await;
    }
    let again = delivered(&receiver, "AgentSessionEvent", "created").await;
    assert_eq!(again["agentSession"]["issue"]["identifier"], "ENG-2");
    let listed = "{ agentSessions { nodes { issue { identifier } creator { id } status } } }";
    let sessions = ask(&ada, listed).await;
    assert_eq!(
        sessions["agentSessions"]["nodes"],
        json!([
            {"issue": {"identifier": "ENG-2"}, "creator": {"id": ADA}, "status": "pending"},
            {"issue": {"identifier": issue["identifier"]}, "creator": {"id": ADA}, "status": "pending"}
        ])
    );
}
