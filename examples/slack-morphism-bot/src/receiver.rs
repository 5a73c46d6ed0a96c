//! Slack's requests to the bot, as its Request URLs take them: `POST /slack/commands` for the
//! `/incident` slash command and `POST /slack/actions` for interactivity (the notice's
//! **Resolve** button). Each request is checked against the app's signing secret before it
//! is read; one that fails the check is answered 401 and does nothing.
//!
//! ```no_run
//! # async fn demo(bot: slack_morphism_bot::IncidentBot<
//! #     slack_morphism::prelude::SlackClientHyperConnector<
//! #         hyper_util::client::legacy::connect::HttpConnector>>) {
//! let app = slack_morphism_bot::receiver::router(bot, "the app's signing secret");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:9000").await.unwrap();
//! axum::serve(listener, app).await.unwrap();
//! # }
//! ```

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::SlackEventSignatureVerifier;

use crate::{Incident, IncidentBot, RESOLVE_ACTION};

/// The slash command the bot answers.
pub const COMMAND: &str = "/incident";

/// What the routes share: the bot and the check of Slack's signature.
struct App<C: SlackClientHttpConnector + Send> {
    bot: IncidentBot<C>,
    verifier: SlackEventSignatureVerifier,
}

/// The bot's Request URLs, checking requests against `signing_secret`.
pub fn router<C>(bot: IncidentBot<C>, signing_secret: &str) -> Router
where
    C: SlackClientHttpConnector + Send + Sync + 'static,
{
    let secret = SlackSigningSecret::new(signing_secret.to_owned());
    let app = Arc::new(App {
        bot,
        verifier: SlackEventSignatureVerifier::new(&secret),
    });
    Router::new()
        .route("/slack/commands", post(command::<C>))
        .route("/slack/actions", post(action::<C>))
        .with_state(app)
}

impl<C: SlackClientHttpConnector + Send> App<C> {
    /// Whether Slack signed `body` with the app's secret, recently.
    fn signed(&self, headers: &HeaderMap, body: &str) -> bool {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let signature = header(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER);
        let timestamp = header(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP);
        signature
            .zip(timestamp)
            .is_some_and(|(signature, ts)| self.verifier.verify(signature, body, ts).is_ok())
    }
}

/// `/incident <what broke>`: opens the incident in the channel the command was run in and
/// tells the person (an ephemeral answer, Slack's default).
async fn command<C>(State(app): State<Arc<App<C>>>, headers: HeaderMap, body: String) -> Response
where
    C: SlackClientHttpConnector + Send + Sync,
{
    if !app.signed(&headers, &body) {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let Ok(event) = serde_urlencoded::from_str::<SlackCommandEvent>(&body) else {
        return (StatusCode::BAD_REQUEST, "not a slash command").into_response();
    };
    let title = event.text.as_deref().unwrap_or_default().trim();
    let answer = if event.command.value() != COMMAND {
        format!("I do not know {}", event.command)
    } else if title.is_empty() {
        format!("Usage: {COMMAND} <what broke>")
    } else {
        match app.bot.open_in(event.channel_id.value(), title).await {
            Ok(_) => format!("Opened incident: {title}"),
            Err(err) => format!(
                "Could not open the incident: {}",
                err.code().unwrap_or("Slack did not answer")
            ),
        }
    };
    let content = SlackMessageContent::new().with_text(answer);
    axum::Json(SlackCommandEventResponse::new(content)).into_response()
}

/// An interaction's form: its JSON under `payload`.
#[derive(Deserialize)]
struct Interaction {
    payload: String,
}

/// A click on the notice's **Resolve** button resolves its incident, naming who clicked.
async fn action<C>(State(app): State<Arc<App<C>>>, headers: HeaderMap, body: String) -> Response
where
    C: SlackClientHttpConnector + Send + Sync,
{
    if !app.signed(&headers, &body) {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let event = serde_urlencoded::from_str::<Interaction>(&body)
        .ok()
        .and_then(|form| serde_json::from_str::<SlackInteractionEvent>(&form.payload).ok());
    let Some(SlackInteractionEvent::BlockActions(event)) = event else {
        return (StatusCode::BAD_REQUEST, "not a block action").into_response();
    };
    let SlackInteractionActionContainer::Message(container) = &event.container else {
        return StatusCode::OK.into_response();
    };
    let who = event.user.as_ref().map(|user| user.id.to_string());
    for clicked in event.actions.iter().flatten() {
        if clicked.action_id.value() != RESOLVE_ACTION {
            continue;
        }
        let (Some(channel), Some(title)) = (&container.channel_id, &clicked.value) else {
            continue;
        };
        let incident = Incident {
            channel: channel.to_string(),
            ts: container.message_ts.to_string(),
            title: title.clone(),
        };
        let summary = format!(
            "Resolved from Slack by <@{}>",
            who.as_deref().unwrap_or("?")
        );
        if let Err(err) = app.bot.resolve(&incident, &summary).await {
            let code = err.code().unwrap_or("Slack did not answer").to_owned();
            return (StatusCode::INTERNAL_SERVER_ERROR, code).into_response();
        }
    }
    StatusCode::OK.into_response()
}
