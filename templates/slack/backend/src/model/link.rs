//! Links an app unfurls: the URLs of a message's text, the domains the app registered, and
//! the `link_shared` event a posted message with such links sends the app.

use asym_kit::deadpool_postgres::Transaction;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::model::event::emit;

/// The URLs of `text`, in order and once each: Slack's `<url>` and `<url|label>` and bare
/// `http(s)://` URLs.
pub(crate) fn urls(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("http") {
        let candidate = &rest[start..];
        let end = candidate
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | '|' | '<'))
            .unwrap_or(candidate.len());
        // Slack leaves trailing punctuation out of a link.
        let url = candidate[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
        if host(url).is_some() && !found.iter().any(|seen| seen == url) {
            found.push(url.to_owned());
        }
        rest = &candidate[end.max(4)..];
    }
    found
}

/// The host of an `http://` or `https://` URL, lower-cased.
fn host(url: &str) -> Option<String> {
    let after = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = after.split(['/', '?', '#', ':']).next().unwrap_or_default();
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The registered domain `url` falls under (its host, or a domain its host is under).
pub(crate) fn domain_of<'d>(url: &str, domains: &'d [String]) -> Option<&'d str> {
    let host = host(url)?;
    domains
        .iter()
        .find(|domain| {
            host == domain.as_str()
                || host
                    .strip_suffix(domain.as_str())
                    .is_some_and(|sub| sub.ends_with('.'))
        })
        .map(String::as_str)
}

/// The app's unfurl domains, its bot user, and whether that bot is in conversation `$1`.
const APP_LINKS: &str =
    "SELECT ARRAY(SELECT domain FROM unfurl_domains ORDER BY domain), b.user_id,
        EXISTS (SELECT 1 FROM conversation_members cm
                WHERE cm.conversation_id = $1 AND cm.user_id = b.user_id)
    FROM bots b WHERE NOT b.deleted ORDER BY b.id LIMIT 1";

/// Records and queues the `link_shared` event of a posted message (its `message` event,
/// `event`) in `channel` when its text has links under the app's unfurl domains and the app's
/// bot did not post it, as Slack sends it: `links` (`domain`, `url`), `unfurl_id`, `source`
/// `conversations_history`, `is_bot_user_member`. Costs a query only when the text has a
/// link.
///
/// # Errors
///
/// `internal_error` when a statement fails.
pub(crate) async fn emit_link_shared(
    tx: &Transaction<'_>,
    channel: &str,
    event: &Value,
) -> Result<(), ApiError> {
    let posted = matches!(
        event["subtype"].as_str(),
        None | Some("thread_broadcast" | "me_message")
    );
    let text = event["text"].as_str().unwrap_or_default();
    if !posted || !text.contains("http") {
        return Ok(());
    }
    let urls = urls(text);
    if urls.is_empty() {
        return Ok(());
    }
    let statement = tx.prepare_cached(APP_LINKS).await?;
    let Some(app) = tx.query_opt(&statement, &[&channel]).await? else {
        return Ok(());
    };
    let (domains, bot_user, is_member): (Vec<String>, String, bool) =
        (app.get(0), app.get(1), app.get(2));
    if event["user"].as_str() == Some(bot_user.as_str()) {
        return Ok(());
    }
    let links: Vec<Value> = urls
        .iter()
        .filter_map(|url| {
            domain_of(url, &domains).map(|domain| json!({"domain": domain, "url": url}))
        })
        .collect();
    if links.is_empty() {
        return Ok(());
    }
    let ts = event["ts"].as_str().unwrap_or_default();
    let unfurl_id = format!("{channel}.{ts}.{}", asym_kit::token::random_hex(64));
    tx.execute(
        "INSERT INTO link_shares (unfurl_id, channel_id, message_ts) VALUES ($1, $2, $3::text::numeric)",
        &[&unfurl_id, &channel, &ts],
    )
    .await?;
    let mut shared = json!({
        "type": "link_shared",
        "channel": channel,
        "is_bot_user_member": is_member,
        "user": event["user"],
        "message_ts": ts,
        "unfurl_id": unfurl_id,
        "source": "conversations_history",
        "links": links,
        "event_ts": ts,
    });
    if let Some(thread_ts) = event
        .get("thread_ts")
        .filter(|thread| thread.as_str() != Some(ts))
    {
        shared["thread_ts"] = thread_ts.clone();
    }
    emit(tx, "link_shared", None, &shared).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_found_as_slack_and_people_write_them() {
        let text = "see <https://example.com/12345> and <https://yet.another-example.com/v/abcde|this>, \
                    https://example.com/67890, or http://example.com/12345?x=1 (and httpnot a link)";
        assert_eq!(
            urls(text),
            [
                "https://example.com/12345",
                "https://yet.another-example.com/v/abcde",
                "https://example.com/67890",
                "http://example.com/12345?x=1",
            ]
        );
        assert_eq!(
            urls("<https://example.com/a> https://example.com/a"),
            ["https://example.com/a"]
        );
        assert!(urls("no links, just http talk").is_empty());
    }

    #[test]
    fn domains_cover_their_subdomains_only() {
        let domains = ["another-example.com".to_owned(), "example.com".to_owned()];
        for (url, domain) in [
            ("https://example.com/1", Some("example.com")),
            ("https://EXAMPLE.com:8080/1", Some("example.com")),
            (
                "https://yet.another-example.com/v",
                Some("another-example.com"),
            ),
            ("https://notexample.com/1", None),
            ("https://example.org/1", None),
        ] {
            assert_eq!(domain_of(url, &domains), domain, "{url}");
        }
    }
}
