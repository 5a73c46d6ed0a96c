//! App unfurling: `chat.unfurl` attaches the app's previews (`unfurls`) to links of a
//! message, named by `channel` and `ts` or by the `unfurl_id` and `source` of its
//! `link_shared` event; the admin surface registers the app's unfurl domains
//! (`/api/admin/unfurl-domains`).

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::admin::{AdminResult, invalid, json_body};
use crate::auth::caller_with;
use crate::error::{ApiError, ApiResult};
use crate::model::event::app_identity;
use crate::model::link::{domain_of, urls};
use crate::model::message::{self, Edit, commit_edit};
use crate::ts::Ts;
use crate::{AppState, Call};

/// How many unfurl domains an app may register, as on Slack's app settings.
const MAX_DOMAINS: usize = 5;

/// The admin routes of unfurl domains.
pub(crate) fn admin_routes() -> Router<AppState> {
    Router::new().route(
        "/api/admin/unfurl-domains",
        get(domains).post(set_domains).delete(clear_domains),
    )
}

/// The registered domains, as the admin answers them.
async fn domains_body(client: &impl asym_kit::deadpool_postgres::GenericClient) -> AdminResult {
    let rows = client
        .query("SELECT domain FROM unfurl_domains ORDER BY domain", &[])
        .await?;
    let domains: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    Ok(Json(json!({ "domains": domains })))
}

/// `GET /api/admin/unfurl-domains`: `{"domains": [...]}`.
async fn domains(State(state): State<AppState>) -> AdminResult {
    domains_body(&state.kit.db().await?).await
}

/// What `POST /api/admin/unfurl-domains` takes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DomainsBody {
    /// The app's unfurl domains (`example.com`), replacing any before.
    domains: Vec<String>,
}

/// Whether `domain` reads as a host name (`example.com`, `docs.example.com`).
fn is_domain(domain: &str) -> bool {
    domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// `POST /api/admin/unfurl-domains` `{"domains": ["example.com"]}`: sets the app's unfurl
/// domains (at most five); links under them in posted messages send `link_shared`.
async fn set_domains(State(state): State<AppState>, body: Bytes) -> AdminResult {
    let request: DomainsBody = json_body(&body)?;
    let domains: Vec<String> = request
        .domains
        .iter()
        .map(|domain| domain.trim().to_ascii_lowercase())
        .collect();
    if let Some(bad) = domains.iter().find(|domain| !is_domain(domain)) {
        return Err(invalid(format!("{bad:?} is not a domain")));
    }
    if domains.len() > MAX_DOMAINS {
        return Err(invalid(format!("at most {MAX_DOMAINS} domains")));
    }
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    tx.execute("DELETE FROM unfurl_domains", &[]).await?;
    tx.execute(
        "INSERT INTO unfurl_domains (domain) SELECT DISTINCT unnest($1::text[])",
        &[&domains],
    )
    .await?;
    let body = domains_body(&tx).await?;
    tx.commit().await?;
    Ok(body)
}

/// `DELETE /api/admin/unfurl-domains`: the app unfurls nothing.
async fn clear_domains(State(state): State<AppState>) -> AdminResult {
    let client = state.kit.db().await?;
    client.execute("DELETE FROM unfurl_domains", &[]).await?;
    domains_body(&client).await
}

/// The message a `chat.unfurl` call names: `channel` and `ts`, or `unfurl_id` and `source`.
async fn target(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    call: &Call,
    team: &str,
) -> Result<(String, String, Ts), ApiError> {
    let args = &call.args;
    let (channel, ts) = match (args.non_empty("unfurl_id"), args.non_empty("source")) {
        (Some(unfurl_id), Some(source)) => {
            if !matches!(source.as_str(), "composer" | "conversations_history") {
                return Err(ApiError::invalid_arguments(
                    "source must be composer or conversations_history",
                ));
            }
            let row = client
                .query_opt(
                    "SELECT channel_id, message_ts::text FROM link_shares
                     WHERE unfurl_id = $1 AND source = $2",
                    &[&unfurl_id, &source],
                )
                .await?
                .ok_or_else(|| ApiError::new("cannot_unfurl_url"))?;
            (row.get::<_, String>(0), row.get::<_, String>(1))
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ApiError::invalid_arguments(
                "unfurl_id and source must be provided together",
            ));
        }
        (None, None) => (
            args.non_empty_or("channel", "missing_channel")?,
            args.non_empty_or("ts", "missing_ts")?,
        ),
    };
    let ts = Ts::parse(&ts).ok_or_else(|| ApiError::new("cannot_find_message"))?;
    // The app unfurls in public channels, its own conversations, and wherever it was told of
    // the message's links.
    let row = client
        .query_opt(
            "SELECT c.kind FROM conversations c WHERE c.id = $1 AND c.team_id = $2
               AND (c.kind = 'public_channel'
                    OR EXISTS (SELECT 1 FROM conversation_members cm JOIN bots b
                               ON b.user_id = cm.user_id AND NOT b.deleted
                               WHERE cm.conversation_id = c.id)
                    OR EXISTS (SELECT 1 FROM link_shares l WHERE l.channel_id = c.id
                               AND l.message_ts = $3::text::numeric))",
            &[&channel, &team, &ts.to_string()],
        )
        .await?
        .ok_or_else(|| ApiError::new("cannot_find_channel"))?;
    Ok((channel, row.get(0), ts))
}

/// The `unfurls` argument: a map of URLs to their previews (attachment fields, or
/// `{"blocks": [...]}`).
fn unfurls(call: &Call) -> Result<Map<String, Value>, ApiError> {
    if call.args.has("metadata") && !call.args.has("unfurls") {
        return Err(ApiError::invalid_arguments(
            "metadata (work object unfurls) is not served by the clone; send unfurls",
        ));
    }
    for prompt in ["user_auth_message", "user_auth_url", "user_auth_blocks"] {
        if call.args.non_empty(prompt).is_some() {
            return Err(ApiError::invalid_arguments(format!(
                "{prompt}: authentication prompts are not served by the clone"
            )));
        }
    }
    if call.args.flag("user_auth_required") == Some(true) {
        return Err(ApiError::invalid_arguments(
            "user_auth_required: authentication prompts are not served by the clone",
        ));
    }
    let Some(value) = call.args.json("unfurls", "invalid_unfurls_format")? else {
        return Err(ApiError::new("missing_unfurls"));
    };
    let Value::Object(map) = value else {
        return Err(ApiError::new("invalid_unfurls_format"));
    };
    if map.is_empty() {
        return Err(ApiError::new("missing_unfurls"));
    }
    if map.values().any(|preview| !preview.is_object()) {
        return Err(ApiError::new("cannot_parse_attachment"));
    }
    Ok(map)
}

/// `chat.unfurl`: attaches each of `unfurls` to the message as an app unfurl attachment
/// (`app_unfurl_url`, `is_app_unfurl`), replacing the app's earlier unfurl of the same URL,
/// with the `message_changed` event of the change.
pub(crate) async fn unfurl(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller_with(state, call, &["links:write"]).await?;
    let unfurls = unfurls(call)?;
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let (channel, kind, ts) = target(&tx, call, &caller.team_id).await?;
    tx.execute(
        "SELECT 1 FROM messages WHERE channel_id = $1 AND ts = $2::text::numeric FOR UPDATE",
        &[&channel, &ts.to_string()],
    )
    .await?;
    let previous = message::find(&tx, &channel, ts, true)
        .await
        .map_err(|_| ApiError::new("cannot_find_message"))?;
    let linked = urls(previous["text"].as_str().unwrap_or_default());
    let domains: Vec<String> = tx
        .query("SELECT domain FROM unfurl_domains", &[])
        .await?
        .iter()
        .map(|row| row.get(0))
        .collect();
    for url in unfurls.keys() {
        if !linked.contains(url) {
            return Err(ApiError::new("cannot_unfurl_message"));
        }
        if domain_of(url, &domains).is_none() {
            return Err(ApiError::new("cannot_unfurl_url"));
        }
    }
    let app = app_identity(&tx).await?;
    let mut attachments: Vec<Value> = previous["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|attachment| {
            attachment["app_unfurl_url"]
                .as_str()
                .is_none_or(|url| !unfurls.contains_key(url))
        })
        .cloned()
        .collect();
    for (url, preview) in unfurls {
        let mut attachment = preview;
        attachment["app_unfurl_url"] = json!(url);
        attachment["from_url"] = json!(url);
        attachment["original_url"] = json!(url);
        attachment["is_app_unfurl"] = json!(true);
        attachment["app_id"] = json!(app.app_id);
        attachment["bot_id"] = json!(app.bot_id);
        attachments.push(attachment);
    }
    for (id, attachment) in attachments.iter_mut().enumerate() {
        attachment["id"] = json!(id + 1);
    }
    tx.execute(
        "UPDATE messages SET attachments = $3::text::json
         WHERE channel_id = $1 AND ts = $2::text::numeric",
        &[&channel, &ts.to_string(), &json!(attachments).to_string()],
    )
    .await?;
    let changed = message::find(&tx, &channel, ts, true).await?;
    commit_edit(
        state,
        tx,
        (&channel, &kind),
        Edit::Changed(changed),
        previous,
    )
    .await?;
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_host_names() {
        for domain in ["example.com", "docs.example-2.com"] {
            assert!(is_domain(domain), "{domain}");
        }
        for domain in [
            "",
            "localhost",
            "https://example.com",
            ".example.com",
            "a b.com",
        ] {
            assert!(!is_domain(domain), "{domain}");
        }
    }
}
