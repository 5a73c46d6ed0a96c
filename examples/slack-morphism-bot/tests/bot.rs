//! The incident bot, through slack-morphism, against a Slack clone: each test starts from the
//! `basic` seed (team Acme; #general with the bot, #random without it; alice, bob, carol).

use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};
use slack_morphism::prelude::SlackClientHyperConnector;
use slack_morphism_bot::receiver::{self, COMMAND};
use slack_morphism_bot::{
    BotError, Incident, IncidentBot, RESOLVE_ACTION, open_text, resolved_text,
};

/// The bot as a user would build it, with only the API URL pointed at the clone (and a
/// plain-HTTP connector: the clone is not behind TLS).
fn bot(slack: &asym::Slack) -> IncidentBot<SlackClientHyperConnector<HttpConnector>> {
    bot_with_token(slack, slack.bot_token())
}

fn bot_with_token(
    slack: &asym::Slack,
    token: &str,
) -> IncidentBot<SlackClientHyperConnector<HttpConnector>> {
    let connector = SlackClientHyperConnector::with_connector(HttpConnector::new())
        .with_slack_api_url(slack.api_url());
    IncidentBot::new(connector, token)
}

/// The first column of every row, as text.
async fn column(slack: &asym::Slack, sql: &str) -> Vec<String> {
    slack.column(sql).await.expect("query the clone's database")
}

/// Opens an incident in `channel` with the seed's bot, which must succeed.
async fn open(slack: &asym::Slack, channel: &str, title: &str) -> Incident {
    bot(slack)
        .open(channel, title)
        .await
        .expect("the bot opens the incident")
}

/// The `ts` of every message pinned in #general.
async fn pinned_in_general(slack: &asym::Slack) -> Vec<String> {
    column(
        slack,
        "select ts::text from pins where channel_id = 'C0000000001'",
    )
    .await
}

/// The reactions on the incident's notice in #general, first added first.
async fn reactions(slack: &asym::Slack, incident: &Incident) -> Vec<String> {
    column(
        slack,
        &format!(
            "select r->>'name' from messages, json_array_elements(reactions) r \
             where channel_id = 'C0000000001' and ts = {}",
            incident.ts
        ),
    )
    .await
}

/// The texts of the messages the bot posted in `channel`, oldest first.
async fn bot_texts(slack: &asym::Slack, channel: &str) -> Vec<String> {
    let sql = format!(
        "select text from messages where channel_id = '{channel}' and bot_id is not null \
         order by ts"
    );
    column(slack, &sql).await
}

/// The members of conversation `id`, by user id.
async fn members(slack: &asym::Slack, id: &str) -> Vec<String> {
    let sql = format!(
        "select user_id from conversation_members where conversation_id = '{id}' order by 1"
    );
    column(slack, &sql).await
}

#[asym::clone("slack", seed = "basic")]
async fn the_bot_knows_its_workspace(slack: asym::Slack) {
    let me = bot(&slack).identity().await.unwrap();
    assert_eq!(me.team, "Acme");
    assert_eq!(me.user_id, "U0000000002");
}

#[asym::clone("slack", seed = "basic")]
async fn channels_are_listed_across_pages(slack: asym::Slack) {
    // One channel per page: the bot must follow `next_cursor` to see both.
    let mut channels = bot(&slack).with_page_size(1).channels().await.unwrap();
    channels.sort_by(|a, b| a.name.cmp(&b.name));
    let seen: Vec<_> = channels
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str(), c.is_member))
        .collect();
    assert_eq!(
        seen,
        [
            ("C0000000001", "general", true),
            ("C0000000002", "random", false)
        ]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn opening_an_incident_posts_pins_and_flags_the_notice(slack: asym::Slack) {
    let incident = open(&slack, "general", "Checkout is failing").await;
    assert_eq!(incident.channel, "C0000000001");

    let posted = column(
        &slack,
        &format!(
            "select text from messages where channel_id = 'C0000000001' and ts = {} \
             and bot_id = 'B0000000001'",
            incident.ts
        ),
    )
    .await;
    assert_eq!(posted, [open_text("Checkout is failing")]);
    let pinned = pinned_in_general(&slack).await;
    assert_eq!(pinned, std::slice::from_ref(&incident.ts));
    assert_eq!(reactions(&slack, &incident).await, ["eyes"]);
}

#[asym::clone("slack", seed = "basic")]
async fn the_bot_joins_a_channel_it_is_not_in(slack: asym::Slack) {
    let incident = open(&slack, "random", "Office wifi down").await;
    assert_eq!(incident.channel, "C0000000002");
    let members = members(&slack, "C0000000002").await;
    assert!(
        members.contains(&"U0000000002".to_owned()),
        "the bot joined #random: {members:?}"
    );
    assert_eq!(
        bot_texts(&slack, "C0000000002").await,
        [open_text("Office wifi down")]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn resolving_rewrites_the_notice_and_closes_the_thread(slack: asym::Slack) {
    let bot = bot(&slack);
    let incident = bot.open("general", "Search is slow").await.unwrap();
    bot.update(&incident, "Index rebuild started")
        .await
        .unwrap();
    bot.update(&incident, "Latency back to normal")
        .await
        .unwrap();
    bot.resolve(&incident, "Root cause: a missing index after the migration")
        .await
        .unwrap();

    assert_eq!(
        bot.timeline(&incident).await.unwrap(),
        [
            resolved_text("Search is slow"),
            "Index rebuild started".to_owned(),
            "Latency back to normal".to_owned(),
            "Root cause: a missing index after the migration".to_owned(),
        ]
    );
    let pinned = pinned_in_general(&slack).await;
    assert!(pinned.is_empty(), "the notice is unpinned: {pinned:?}");
    assert_eq!(
        reactions(&slack, &incident).await,
        ["eyes", "white_check_mark"]
    );
}

#[asym::clone("slack", seed = "basic")]
async fn paging_sends_a_dm_with_a_link_to_the_incident(slack: asym::Slack) {
    let bot = bot(&slack);
    let incident = bot.open("general", "Payments backlog").await.unwrap();
    let dm = bot.page(&incident, "bob@acme.test").await.unwrap();

    assert!(dm.starts_with('D'), "a DM: {dm}");
    assert_eq!(
        members(&slack, &dm).await,
        ["U0000000002", "U0000000004"],
        "bot ↔ bob"
    );
    let texts = bot_texts(&slack, &dm).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(
        texts[0].starts_with(":pager: You are paged for *Payments backlog*: http"),
        "{texts:?}"
    );
    let digits = incident.ts.replace('.', "");
    assert!(
        texts[0].contains(&format!("/archives/C0000000001/p{digits}")),
        "the permalink points at the notice: {texts:?}"
    );
}

#[asym::clone("slack", seed = "basic")]
async fn paging_an_unknown_email_is_reported(slack: asym::Slack) {
    let bot = bot(&slack);
    let incident = bot.open("general", "Disk full").await.unwrap();
    let err = bot.page(&incident, "nobody@acme.test").await.unwrap_err();
    assert_eq!(err.code(), Some("users_not_found"), "{err:?}");
}

#[asym::clone("slack", seed = "basic")]
async fn an_unknown_channel_is_reported_and_nothing_is_posted(slack: asym::Slack) {
    let before = column(&slack, "select count(*)::text from messages").await;
    let err = bot(&slack).open("incidents", "Anything").await.unwrap_err();
    assert!(
        matches!(&err, BotError::UnknownChannel(name) if name == "incidents"),
        "{err:?}"
    );
    assert_eq!(
        column(&slack, "select count(*)::text from messages").await,
        before
    );
}

#[asym::clone("slack", seed = "basic")]
async fn a_revoked_token_is_reported(slack: asym::Slack) {
    let err = bot_with_token(&slack, "xoxb-0-0-revoked")
        .identity()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("invalid_auth"), "{err:?}");
}

/// Serves the bot's Request URLs on a free local port, checking requests against `secret`,
/// and points the clone's `/incident` command and interactivity there, as an app's settings
/// page would.
async fn serve(slack: &asym::Slack, secret: &str) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free local port");
    let base = format!("http://{}", listener.local_addr().expect("its address"));
    let app = receiver::router(bot(slack), secret);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let command = json!({ "command": COMMAND, "url": format!("{base}/slack/commands") });
    slack
        .admin_post("commands", command)
        .await
        .expect("the clone takes the command");
    let interactivity = json!({ "url": format!("{base}/slack/actions") });
    slack
        .admin_post("interactivity", interactivity)
        .await
        .expect("the clone takes the Request URL");
}

/// Bob runs `/incident <text>` in #general; what the clone reports of it.
async fn run_command(slack: &asym::Slack, text: &str) -> Value {
    let run = json!({ "command": COMMAND, "text": text, "user": "U0000000004", "channel": "C0000000001" });
    slack
        .admin_post("interactions/command", run)
        .await
        .expect("the clone runs the command")
}

#[asym::clone("slack", seed = "basic")]
async fn a_slash_command_opens_an_incident_and_its_button_resolves_it(slack: asym::Slack) {
    serve(&slack, slack.signing_secret()).await;
    let ran = run_command(&slack, "Checkout is failing").await;
    assert_eq!(ran["status"], 200, "{ran}");
    assert_eq!(
        (
            &ran["response"]["responseType"],
            &ran["response"]["message"]["text"]
        ),
        (
            &json!("ephemeral"),
            &json!("Opened incident: Checkout is failing")
        ),
        "only Bob is told: {ran}"
    );
    let notice = column(
        &slack,
        &format!(
            "select ts::text from messages where channel_id = 'C0000000001' and text = '{}'",
            open_text("Checkout is failing")
        ),
    )
    .await;
    assert_eq!(notice.len(), 1, "one notice in #general");

    // Carol clicks Resolve on the notice.
    let click = json!({
        "channel": "C0000000001", "ts": notice[0], "actionId": RESOLVE_ACTION, "user": "U0000000005",
    });
    let clicked = slack
        .admin_post("interactions/action", click)
        .await
        .unwrap();
    assert_eq!(clicked["status"], 200, "{clicked}");
    let incident = Incident {
        channel: "C0000000001".to_owned(),
        ts: notice[0].clone(),
        title: "Checkout is failing".to_owned(),
    };
    assert_eq!(
        bot(&slack).timeline(&incident).await.unwrap(),
        [
            resolved_text("Checkout is failing"),
            "Resolved from Slack by <@U0000000005>".to_owned()
        ]
    );
    assert_eq!(pinned_in_general(&slack).await, Vec::<String>::new());
    let buttons = column(
        &slack,
        &format!(
            "select count(*)::text from messages, json_array_elements(blocks) b \
             where channel_id = 'C0000000001' and ts = {} and b->'accessory' is not null",
            notice[0]
        ),
    )
    .await;
    assert_eq!(buttons, ["0"], "the resolved notice has no Resolve button");
}

#[asym::clone("slack", seed = "basic")]
async fn a_command_without_a_title_is_answered_with_the_usage(slack: asym::Slack) {
    serve(&slack, slack.signing_secret()).await;
    let before = bot_texts(&slack, "C0000000001").await;
    let ran = run_command(&slack, "  ").await;
    assert_eq!(
        ran["response"]["message"]["text"],
        format!("Usage: {COMMAND} <what broke>"),
        "{ran}"
    );
    assert_eq!(bot_texts(&slack, "C0000000001").await, before);
}

#[asym::clone("slack", seed = "basic")]
async fn requests_not_signed_with_the_apps_secret_are_refused(slack: asym::Slack) {
    serve(&slack, "not the app's signing secret").await;
    let before = bot_texts(&slack, "C0000000001").await;
    let ran = run_command(&slack, "Checkout is failing").await;
    assert_eq!(
        (&ran["status"], &ran["error"]),
        (&json!(401), &json!("dispatch_failed")),
        "{ran}"
    );
    assert_eq!(
        bot_texts(&slack, "C0000000001").await,
        before,
        "nothing was opened"
    );
}

/// What the Socket Mode listener heard: the texts of message events, and commands' texts.
type Heard = tokio::sync::mpsc::UnboundedSender<String>;

type MorphismClient = slack_morphism::SlackClient<SlackClientHyperConnector<HttpConnector>>;

/// Sends the text of each message event the listener hears.
async fn heard_message(
    event: slack_morphism::prelude::SlackPushEventCallback,
    _client: std::sync::Arc<MorphismClient>,
    states: slack_morphism::prelude::SlackClientEventsUserState,
) -> slack_morphism::prelude::UserCallbackResult<()> {
    use slack_morphism::prelude::SlackEventCallbackBody;
    if let SlackEventCallbackBody::Message(message) = event.event {
        let text = message.content.and_then(|content| content.text);
        let states = states.read().await;
        if let (Some(heard), Some(text)) = (states.get_user_state::<Heard>(), text) {
            let _ = heard.send(text);
        }
    }
    Ok(())
}

/// Answers a command in its ack, in the channel.
async fn answered_command(
    event: slack_morphism::prelude::SlackCommandEvent,
    _client: std::sync::Arc<MorphismClient>,
    _states: slack_morphism::prelude::SlackClientEventsUserState,
) -> slack_morphism::prelude::UserCallbackResult<slack_morphism::prelude::SlackCommandEventResponse>
{
    use slack_morphism::prelude::{
        SlackCommandEventResponse, SlackMessageContent, SlackMessageResponseType,
    };
    let text = format!("Opened incident: {}", event.text.unwrap_or_default());
    let content = SlackMessageContent::new().with_text(text);
    Ok(SlackCommandEventResponse::new(content)
        .with_response_type(SlackMessageResponseType::InChannel))
}

#[asym::clone("slack", seed = "basic")]
async fn slack_morphisms_socket_mode_listener_hears_events_and_answers_commands(
    slack: asym::Slack,
) {
    use slack_morphism::prelude::*;
    slack
        .admin_post("socket-mode", json!({}))
        .await
        .expect("Socket Mode on");
    slack
        .admin_post("commands", json!({ "command": COMMAND }))
        .await
        .expect("the command, without a Request URL");
    let connector = SlackClientHyperConnector::with_connector(HttpConnector::new())
        .with_slack_api_url(slack.api_url());
    let (heard, mut hearing) = tokio::sync::mpsc::unbounded_channel::<String>();
    let environment = std::sync::Arc::new(
        SlackClientEventsListenerEnvironment::new(std::sync::Arc::new(SlackClient::new(connector)))
            .with_user_state(heard),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_push_events(heard_message)
        .with_command_events(answered_command);
    let config = SlackClientSocketModeConfig::new().with_max_connections_count(1);
    let listener = SlackClientSocketModeListener::new(&config, environment, callbacks);
    let token =
        SlackApiToken::new(slack.app_token().into()).with_token_type(SlackApiTokenType::App);
    listener
        .listen_for(&token)
        .await
        .expect("a connection opened");
    listener.start().await;

    let alice = slack
        .admin_post("tokens", json!({ "kind": "user", "user": "U0000000003" }))
        .await
        .expect("alice's token");
    let alice = bot_with_token(&slack, alice["token"].as_str().expect("a token"));
    let posted = alice.open("general", "Over the socket").await;
    assert!(posted.is_ok(), "{posted:?}");
    let text = tokio::time::timeout(std::time::Duration::from_secs(20), hearing.recv())
        .await
        .expect("an event within 20 s");
    assert_eq!(text.as_deref(), Some(open_text("Over the socket").as_str()));

    let ran = run_command(&slack, "Checkout is failing").await;
    assert_eq!(ran["status"], 200, "{ran}");
    assert_eq!(ran["response"]["responseType"], "in_channel", "{ran}");
    assert_eq!(
        ran["response"]["message"]["text"],
        "Opened incident: Checkout is failing"
    );
    listener.shutdown().await;
}
