//! An incident bot built on [`slack_morphism`], the way a team would write one: it opens an
//! incident in a channel (posts, pins and flags the notice), threads updates under it, pages
//! people by email in a DM, and resolves it (edits the notice, unpins it, marks it done).
//! People drive it from Slack too: `/incident <what broke>` opens one, and the notice's
//! **Resolve** button resolves it ([`receiver`] takes Slack's signed requests).
//!
//! The bot is generic over slack-morphism's HTTP connector, so the same code runs against
//! Slack and against an asym clone; only the connector's API URL changes:
//!
//! ```no_run
//! use slack_morphism::prelude::SlackClientHyperConnector;
//! use slack_morphism_bot::IncidentBot;
//!
//! # async fn demo() -> Result<(), slack_morphism_bot::BotError> {
//! // Against a clone (plain HTTP): `http://127.0.0.1:<port>/api`.
//! let connector = SlackClientHyperConnector::with_connector(
//!     hyper_util::client::legacy::connect::HttpConnector::new(),
//! )
//! .with_slack_api_url("http://127.0.0.1:3000/api");
//! // Against Slack, with slack-morphism's `hyper` feature: `SlackClientHyperConnector::new()?`.
//! let bot = IncidentBot::new(connector, "xoxb-…");
//! let incident = bot.open("general", "Checkout is failing").await?;
//! bot.update(&incident, "Rolled back to v1.4.1").await?;
//! bot.resolve(&incident, "Bad config in v1.4.2; fixed forward").await?;
//! # Ok(()) }
//! ```

use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

pub mod receiver;

/// The `action_id` of the notice's **Resolve** button; its `value` is the incident's title.
pub const RESOLVE_ACTION: &str = "resolve_incident";

/// What went wrong talking to Slack.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BotError {
    /// A Web API call failed: Slack answered `ok: false`, or the request itself failed.
    #[error("Slack {method} failed")]
    Slack {
        /// The Web API method.
        method: &'static str,
        /// The client's error.
        #[source]
        source: SlackClientError,
    },
    /// No channel of that name is visible to the bot.
    #[error("no channel named #{0}")]
    UnknownChannel(String),
}

impl BotError {
    /// Slack's error code (`channel_not_found`, `invalid_auth`, …) when Slack answered
    /// `ok: false`.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Slack {
                source: SlackClientError::ApiError(err),
                ..
            } => Some(&err.code),
            _ => None,
        }
    }
}

/// Result of a bot operation.
pub type Result<T, E = BotError> = std::result::Result<T, E>;

fn call(method: &'static str) -> impl FnOnce(SlackClientError) -> BotError {
    move |source| BotError::Slack { method, source }
}

/// Who the bot is: `auth.test`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// Workspace name.
    pub team: String,
    /// The bot's user id (`U…`).
    pub user_id: String,
}

/// A channel the bot can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// Channel id (`C…`).
    pub id: String,
    /// Name without `#`.
    pub name: String,
    /// Whether the bot is a member (it can post only where it is).
    pub is_member: bool,
}

/// An open incident: its notice, the root of the incident's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    /// Channel id the notice is in.
    pub channel: String,
    /// `ts` of the notice.
    pub ts: String,
    /// What broke.
    pub title: String,
}

impl Incident {
    fn channel_id(&self) -> SlackChannelId {
        SlackChannelId::new(self.channel.clone())
    }

    fn ts(&self) -> SlackTs {
        SlackTs::new(self.ts.clone())
    }
}

/// The notice's text while an incident is open.
pub fn open_text(title: &str) -> String {
    format!(":rotating_light: *Incident:* {title}")
}

/// The notice's text once the incident is resolved.
pub fn resolved_text(title: &str) -> String {
    format!(":white_check_mark: *Resolved:* {title}")
}

/// The notice: its text, also as a section, with a **Resolve** button for the incident
/// `resolvable` names (none once it is resolved: an edit's blocks replace the old ones).
fn notice(text: String, resolvable: Option<&str>) -> SlackMessageContent {
    let mut section = SlackSectionBlock::new().with_text(md!("{}", text));
    if let Some(title) = resolvable {
        let button = SlackBlockButtonElement::new(pt!("Resolve"))
            .with_action_id(RESOLVE_ACTION.into())
            .with_value(title.to_owned());
        section = section.with_accessory(button.into());
    }
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(slack_blocks![some_into(section)])
}

/// Runs incidents in Slack with one bot token.
pub struct IncidentBot<C: SlackClientHttpConnector + Send> {
    client: SlackClient<C>,
    token: SlackApiToken,
    page_size: u16,
}

impl<C> IncidentBot<C>
where
    C: SlackClientHttpConnector + Send + Sync,
{
    /// A bot calling Slack through `connector` with a bot token (`xoxb-…`).
    pub fn new(connector: C, token: &str) -> Self {
        Self {
            client: SlackClient::new(connector),
            token: SlackApiToken::new(SlackApiTokenValue::new(token.to_owned())),
            page_size: 200,
        }
    }

    /// Page size for list calls (`conversations.list`); Slack's cursors fetch the rest.
    pub fn with_page_size(self, page_size: u16) -> Self {
        Self { page_size, ..self }
    }

    fn session(&self) -> SlackClientSession<'_, C> {
        self.client.open_session(&self.token)
    }

    /// The workspace and bot user behind the token.
    ///
    /// # Errors
    /// [`BotError::Slack`] (`invalid_auth` for a bad token).
    pub async fn identity(&self) -> Result<Identity> {
        let me = self
            .session()
            .auth_test()
            .await
            .map_err(call("auth.test"))?;
        Ok(Identity {
            team: me.team,
            user_id: me.user_id.to_string(),
        })
    }

    /// Every public channel that is not archived, following `conversations.list` cursors.
    ///
    /// # Errors
    /// [`BotError::Slack`].
    pub async fn channels(&self) -> Result<Vec<Channel>> {
        let session = self.session();
        let mut channels = Vec::new();
        let mut cursor = None;
        loop {
            let page = session
                .conversations_list(
                    &SlackApiConversationsListRequest::new()
                        .with_exclude_archived(true)
                        .with_limit(self.page_size)
                        .opt_cursor(cursor),
                )
                .await
                .map_err(call("conversations.list"))?;
            channels.extend(page.channels.into_iter().map(|info| Channel {
                id: info.id.to_string(),
                name: info.name.unwrap_or_default(),
                is_member: info.flags.is_member.unwrap_or(false),
            }));
            cursor = page
                .response_metadata
                .and_then(|meta| meta.next_cursor)
                .filter(|next| !next.0.is_empty());
            if cursor.is_none() {
                return Ok(channels);
            }
        }
    }

    /// Opens an incident in `#channel`: joins it if need be, posts the notice, pins it and
    /// flags it with :eyes: (the bot is on it).
    ///
    /// # Errors
    /// [`BotError::UnknownChannel`], [`BotError::Slack`].
    pub async fn open(&self, channel: &str, title: &str) -> Result<Incident> {
        let found = self
            .channels()
            .await?
            .into_iter()
            .find(|c| c.name == channel)
            .ok_or_else(|| BotError::UnknownChannel(channel.to_owned()))?;
        self.start(found, title).await
    }

    /// Opens an incident in the channel with id `channel` (where a slash command was run), as
    /// [`IncidentBot::open`] does.
    ///
    /// # Errors
    /// [`BotError::Slack`] (`channel_not_found` for a channel the bot cannot see).
    pub async fn open_in(&self, channel: &str, title: &str) -> Result<Incident> {
        let info = self
            .session()
            .conversations_info(&SlackApiConversationsInfoRequest::new(SlackChannelId::new(
                channel.to_owned(),
            )))
            .await
            .map_err(call("conversations.info"))?
            .channel;
        let found = Channel {
            id: info.id.to_string(),
            name: info.name.unwrap_or_default(),
            is_member: info.flags.is_member.unwrap_or(false),
        };
        self.start(found, title).await
    }

    async fn start(&self, channel: Channel, title: &str) -> Result<Incident> {
        let channel_id = SlackChannelId::new(channel.id);
        let session = self.session();
        if !channel.is_member {
            session
                .conversations_join(&SlackApiConversationsJoinRequest::new(channel_id.clone()))
                .await
                .map_err(call("conversations.join"))?;
        }
        let posted = session
            .chat_post_message(&SlackApiChatPostMessageRequest::new(
                channel_id.clone(),
                notice(open_text(title), Some(title)),
            ))
            .await
            .map_err(call("chat.postMessage"))?;
        let incident = Incident {
            channel: posted.channel.to_string(),
            ts: posted.ts.to_string(),
            title: title.to_owned(),
        };
        session
            .pins_add(&SlackApiPinsAddRequest::new(
                incident.channel_id(),
                incident.ts(),
            ))
            .await
            .map_err(call("pins.add"))?;
        self.react(&incident, "eyes").await?;
        Ok(incident)
    }

    async fn react(&self, incident: &Incident, emoji: &str) -> Result<()> {
        self.session()
            .reactions_add(&SlackApiReactionsAddRequest::new(
                incident.channel_id(),
                SlackReactionName::new(emoji.to_owned()),
                incident.ts(),
            ))
            .await
            .map_err(call("reactions.add"))?;
        Ok(())
    }

    /// Posts an update in the incident's thread; returns its `ts`.
    ///
    /// # Errors
    /// [`BotError::Slack`].
    pub async fn update(&self, incident: &Incident, text: &str) -> Result<String> {
        let posted = self
            .session()
            .chat_post_message(
                &SlackApiChatPostMessageRequest::new(
                    incident.channel_id(),
                    SlackMessageContent::new().with_text(text.to_owned()),
                )
                .with_thread_ts(incident.ts()),
            )
            .await
            .map_err(call("chat.postMessage"))?;
        Ok(posted.ts.to_string())
    }

    /// Pages the person with this email: a DM with a link to the incident. Returns the DM's
    /// channel id.
    ///
    /// # Errors
    /// [`BotError::Slack`] (`users_not_found` for an unknown email).
    pub async fn page(&self, incident: &Incident, email: &str) -> Result<String> {
        let session = self.session();
        let user = session
            .users_lookup_by_email(&SlackApiUsersLookupByEmailRequest::new(EmailAddress(
                email.to_owned(),
            )))
            .await
            .map_err(call("users.lookupByEmail"))?
            .user;
        let link = session
            .chat_get_permalink(&SlackApiChatGetPermalinkRequest::new(
                incident.channel_id(),
                incident.ts(),
            ))
            .await
            .map_err(call("chat.getPermalink"))?
            .permalink;
        let dm = session
            .conversations_open(&SlackApiConversationsOpenRequest::new().with_users(vec![user.id]))
            .await
            .map_err(call("conversations.open"))?
            .channel
            .id;
        session
            .chat_post_message(&SlackApiChatPostMessageRequest::new(
                dm.clone(),
                SlackMessageContent::new().with_text(format!(
                    ":pager: You are paged for *{}*: {link}",
                    incident.title
                )),
            ))
            .await
            .map_err(call("chat.postMessage"))?;
        Ok(dm.to_string())
    }

    /// Resolves the incident: posts `summary` in the thread, rewrites the notice as resolved,
    /// unpins it and marks it :white_check_mark:.
    ///
    /// # Errors
    /// [`BotError::Slack`].
    pub async fn resolve(&self, incident: &Incident, summary: &str) -> Result<()> {
        self.update(incident, summary).await?;
        let session = self.session();
        session
            .chat_update(&SlackApiChatUpdateRequest::new(
                incident.channel_id(),
                notice(resolved_text(&incident.title), None),
                incident.ts(),
            ))
            .await
            .map_err(call("chat.update"))?;
        session
            .pins_remove(&SlackApiPinsRemoveRequest::new(
                incident.channel_id(),
                incident.ts(),
            ))
            .await
            .map_err(call("pins.remove"))?;
        self.react(incident, "white_check_mark").await
    }

    /// The incident's thread as Slack shows it: the notice, then each update, oldest first.
    ///
    /// # Errors
    /// [`BotError::Slack`].
    pub async fn timeline(&self, incident: &Incident) -> Result<Vec<String>> {
        let replies = self
            .session()
            .conversations_replies(&SlackApiConversationsRepliesRequest::new(
                incident.channel_id(),
                incident.ts(),
            ))
            .await
            .map_err(call("conversations.replies"))?;
        Ok(replies
            .messages
            .into_iter()
            .map(|message| message.content.text.unwrap_or_default())
            .collect())
    }
}
