//! A deploy notifier a team would really write: it posts a notice when a deploy starts, threads
//! progress under it, and marks the outcome — against Slack's Web API, or an asym clone of it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), slack_notifier::NotifyError> {
//! let notifier = slack_notifier::Notifier::new("https://slack.com/api", "xoxb-…", "#deploys");
//! let deploy = notifier.deploy_started("billing", "v1.4.2").await?;
//! notifier.progress(&deploy, "migrations applied").await?;
//! notifier.deploy_finished(&deploy, true).await?;
//! # Ok(()) }
//! ```

use serde::Deserialize;
use serde_json::{Value, json};

/// What went wrong talking to Slack.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// Slack answered `{"ok": false, "error": …}`.
    #[error("Slack refused {method}: {error}")]
    Slack {
        /// The Web API method.
        method: &'static str,
        /// Slack's error code (`channel_not_found`, `invalid_auth`, …).
        error: String,
    },
    /// The request itself failed.
    #[error("calling Slack {method}")]
    Http {
        /// The Web API method.
        method: &'static str,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
}

/// A deploy's notice: the thread its follow-ups go to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deploy {
    /// Channel id the notice landed in.
    pub channel: String,
    /// `ts` of the notice (the thread's root).
    pub ts: String,
    /// Service deployed.
    pub service: String,
    /// Version deployed.
    pub version: String,
}

/// Posts deploy notices to one channel.
#[derive(Debug, Clone)]
pub struct Notifier {
    http: reqwest::Client,
    api: String,
    token: String,
    channel: String,
}

#[derive(Deserialize)]
struct Envelope {
    ok: bool,
    #[serde(default)]
    error: Option<String>,
    #[serde(flatten)]
    rest: Value,
}

impl Notifier {
    /// A notifier for `channel` (`#name` or id), calling the Web API at `api`
    /// (`https://slack.com/api`, or an asym clone's `api_url()`).
    pub fn new(
        api: impl Into<String>,
        token: impl Into<String>,
        channel: impl Into<String>,
    ) -> Self {
        Self {
            http: reqwest::Client::new(),
            api: api.into().trim_end_matches('/').to_owned(),
            token: token.into(),
            channel: channel.into(),
        }
    }

    async fn call(&self, method: &'static str, args: Value) -> Result<Value, NotifyError> {
        let envelope: Envelope = self
            .http
            .post(format!("{}/{method}", self.api))
            .bearer_auth(&self.token)
            .json(&args)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|source| NotifyError::Http { method, source })?
            .json()
            .await
            .map_err(|source| NotifyError::Http { method, source })?;
        if envelope.ok {
            Ok(envelope.rest)
        } else {
            Err(NotifyError::Slack {
                method,
                error: envelope.error.unwrap_or_else(|| "unknown".into()),
            })
        }
    }

    /// Posts ":rocket: Deploying *service* `version`" and returns the thread to follow up in.
    ///
    /// # Errors
    /// Slack's error code, or the HTTP failure.
    pub async fn deploy_started(
        &self,
        service: &str,
        version: &str,
    ) -> Result<Deploy, NotifyError> {
        let text = format!(":rocket: Deploying *{service}* `{version}`");
        let posted = self
            .call(
                "chat.postMessage",
                json!({ "channel": self.channel, "text": text }),
            )
            .await?;
        Ok(Deploy {
            channel: posted["channel"].as_str().unwrap_or_default().to_owned(),
            ts: posted["ts"].as_str().unwrap_or_default().to_owned(),
            service: service.to_owned(),
            version: version.to_owned(),
        })
    }

    /// Threads a progress line under the deploy's notice.
    ///
    /// # Errors
    /// Slack's error code, or the HTTP failure.
    pub async fn progress(&self, deploy: &Deploy, line: &str) -> Result<String, NotifyError> {
        let posted = self
            .call(
                "chat.postMessage",
                json!({ "channel": deploy.channel, "thread_ts": deploy.ts, "text": line }),
            )
            .await?;
        Ok(posted["ts"].as_str().unwrap_or_default().to_owned())
    }

    /// Threads the outcome; a failure is also broadcast to the channel so nobody misses it.
    ///
    /// # Errors
    /// Slack's error code, or the HTTP failure.
    pub async fn deploy_finished(
        &self,
        deploy: &Deploy,
        succeeded: bool,
    ) -> Result<(), NotifyError> {
        let (text, broadcast) = if succeeded {
            (
                format!(
                    ":white_check_mark: *{}* `{}` is live",
                    deploy.service, deploy.version
                ),
                false,
            )
        } else {
            (
                format!(
                    ":x: *{}* `{}` failed; rolling back",
                    deploy.service, deploy.version
                ),
                true,
            )
        };
        self.call(
            "chat.postMessage",
            json!({ "channel": deploy.channel, "thread_ts": deploy.ts, "text": text, "reply_broadcast": broadcast }),
        )
        .await
        .map(|_| ())
    }

    /// Checks the token works and returns the bot's team name.
    ///
    /// # Errors
    /// `invalid_auth` / `not_authed` for a bad token.
    pub async fn team(&self) -> Result<String, NotifyError> {
        let auth = self.call("auth.test", json!({})).await?;
        Ok(auth["team"].as_str().unwrap_or_default().to_owned())
    }
}
