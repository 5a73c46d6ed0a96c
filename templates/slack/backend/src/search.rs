//! `search.messages`: messages the caller can see that match a query, with Slack's search
//! modifiers (`in:`, `from:`, `before:`, `after:`, `on:`, quoted phrases). User tokens only.

use asym_kit::calendar::is_day;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Value, json};

use crate::auth::caller;
use crate::error::{ApiError, ApiResult, reply};
use crate::model::message::{self, MESSAGE_COLUMNS, MESSAGE_JOINS, message_json};
use crate::{AppState, Call};

/// Most matches one page may hold, and the default.
const MAX_COUNT: i64 = 100;
const DEFAULT_COUNT: i64 = 20;

/// A parsed `query`.
#[derive(Debug, Default, PartialEq, Eq)]
struct Query {
    /// Words and phrases the text must contain (case-insensitive).
    terms: Vec<String>,
    /// `in:`: channels by id or name.
    channels: Vec<String>,
    /// `from:`: people by id or name (`me` already replaced by the caller).
    from: Vec<String>,
    /// `after:`: only messages after this day (`YYYY-MM-DD`, UTC).
    after: Option<String>,
    /// `before:`: only messages before this day.
    before: Option<String>,
    /// `on:`: only messages of this day.
    on: Option<String>,
}

/// `<#C123|name>` → `C123`, `<@U123>` → `U123`, `#name`/`@name` → `name`.
fn reference(value: &str) -> String {
    let value = value.trim();
    if let Some(inner) = value.strip_prefix('<').and_then(|v| v.strip_suffix('>')) {
        let inner = inner.trim_start_matches(['#', '@']);
        return inner.split('|').next().unwrap_or_default().to_owned();
    }
    value.trim_start_matches(['#', '@']).to_owned()
}

impl Query {
    /// Parses `query` for the user `me`.
    fn parse(query: &str, me: &str) -> Self {
        let mut parsed = Self::default();
        let mut rest = query.trim();
        while !rest.is_empty() {
            let token;
            if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"').unwrap_or(quoted.len());
                token = &quoted[..end];
                rest = quoted.get(end + 1..).unwrap_or_default();
                if !token.trim().is_empty() {
                    parsed.terms.push(token.trim().to_lowercase());
                }
                rest = rest.trim_start();
                continue;
            }
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            token = &rest[..end];
            rest = rest[end..].trim_start();
            match token.split_once(':') {
                Some(("in", value)) if !value.is_empty() => parsed.channels.push(reference(value)),
                Some(("from", "me")) => parsed.from.push(me.to_owned()),
                Some(("from", value)) if !value.is_empty() => parsed.from.push(reference(value)),
                Some(("after", value)) if is_day(value) => parsed.after = Some(value.to_owned()),
                Some(("before", value)) if is_day(value) => parsed.before = Some(value.to_owned()),
                Some(("on", value)) if is_day(value) => parsed.on = Some(value.to_owned()),
                _ => parsed.terms.push(token.to_lowercase()),
            }
        }
        parsed
    }
}

/// `term` as a `LIKE` pattern matching it anywhere.
fn contains_pattern(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// `search.messages`: matches newest first (`sort_dir=asc` oldest first), paged with `count`
/// (default 20, at most 100) and `page`.
pub(crate) async fn messages(state: &AppState, call: &Call) -> ApiResult {
    let caller = caller(state, call).await?;
    if caller.is_bot() {
        return Err(ApiError::new("not_allowed_token_type"));
    }
    caller.require(&["search:read"])?;
    let text = call.args.non_empty_or("query", "no_query")?;
    let query = Query::parse(&text, &caller.user_id);
    let count = match call.args.int("count")? {
        Some(count) if count > 0 => count.min(MAX_COUNT),
        _ => DEFAULT_COUNT,
    };
    let page = call.args.int("page")?.filter(|p| *p > 0).unwrap_or(1);
    let ascending = call
        .args
        .string("sort_dir")
        .is_some_and(|dir| dir.trim().eq_ignore_ascii_case("asc"));

    let mut sql = format!(
        "SELECT {MESSAGE_COLUMNS}, c.name, c.kind, u.name, count(*) OVER ()
         FROM messages m JOIN conversations c ON c.id = m.channel_id
         LEFT JOIN users u ON u.id = m.user_id
         {MESSAGE_JOINS}
         WHERE c.team_id = $1 AND NOT m.hidden
           AND (m.subtype IS NULL OR m.subtype IN ('thread_broadcast', 'me_message', 'bot_message'))
           AND (c.kind = 'public_channel' OR EXISTS (
                SELECT 1 FROM conversation_members cm
                WHERE cm.conversation_id = c.id AND cm.user_id = $2))"
    );
    // Terms are lowercased as parsed: one array of patterns against the text lowercased once
    // keeps a long query (thousands of terms, a 100 KB one) from being case-folded per row.
    let patterns: Vec<String> = query.terms.iter().map(|t| contains_pattern(t)).collect();
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&caller.team_id, &caller.user_id];
    if !patterns.is_empty() {
        params.push(&patterns);
        sql.push_str(&format!(" AND lower(m.text) LIKE ALL(${})", params.len()));
    }
    if !query.channels.is_empty() {
        params.push(&query.channels);
        let n = params.len();
        sql.push_str(&format!(" AND (c.id = ANY(${n}) OR c.name = ANY(${n}))"));
    }
    if !query.from.is_empty() {
        params.push(&query.from);
        let n = params.len();
        sql.push_str(&format!(
            " AND (m.user_id = ANY(${n}) OR u.name = ANY(${n}))"
        ));
    }
    for (date, condition) in [
        (
            &query.after,
            "m.ts >= extract(epoch FROM $::text::date + 1)",
        ),
        (&query.before, "m.ts < extract(epoch FROM $::text::date)"),
        (
            &query.on,
            "m.ts >= extract(epoch FROM $::text::date) AND m.ts < extract(epoch FROM $::text::date + 1)",
        ),
    ] {
        if let Some(date) = date {
            params.push(date);
            let placeholder = format!("${}", params.len());
            sql.push_str(&format!(" AND {}", condition.replace('$', &placeholder)));
        }
    }
    let offset = (page - 1).saturating_mul(count);
    let order = if ascending { "ASC" } else { "DESC" };
    sql.push_str(&format!(
        " ORDER BY m.ts {order}, m.channel_id LIMIT {count} OFFSET {offset}"
    ));

    let client = state.kit.db().await?;
    let rows = client.query(&sql, &params).await?;
    let total = message::window_total(&rows);
    let public_url = &state.kit.config().public_url;
    let matches: Vec<Value> = rows
        .iter()
        .map(|row| {
            let columns = row.len();
            let channel: &str = row.get(27);
            let kind: &str = row.get(columns - 3);
            let message = message_json(row, false);
            let mut found = json!({
                "iid": asym_kit::token::hash(&format!("{channel}/{}", message["ts"])),
                "team": message["team"],
                "channel": {
                    "id": channel,
                    "is_channel": kind == "public_channel" || kind == "private_channel",
                    "is_group": kind == "mpim",
                    "is_im": kind == "im",
                    "is_mpim": kind == "mpim",
                    "is_private": kind != "public_channel",
                    "is_shared": false,
                    "is_org_shared": false,
                    "is_ext_shared": false,
                    "is_pending_ext_shared": false,
                    "pending_shared": [],
                    "name": row.get::<_, Option<&str>>(columns - 4),
                },
                "type": "message",
                "user": message["user"],
                "username": row.get::<_, Option<&str>>(columns - 2),
                "ts": message["ts"],
                "text": message["text"],
                "permalink": message::permalink_of(public_url, channel, &message),
            });
            for key in ["bot_id", "blocks", "attachments", "files"] {
                if let Some(value) = message.get(key) {
                    found[key] = value.clone();
                }
            }
            found
        })
        .collect();
    let shown = i64::try_from(matches.len()).unwrap_or(0);
    let pages = (total + count - 1) / count;
    reply([
        ("query", json!(text)),
        (
            "messages",
            json!({
                "matches": matches,
                "pagination": {
                    "total_count": total, "page": page, "per_page": count, "page_count": pages,
                    "first": offset + 1, "last": offset + shown,
                },
                "paging": { "count": count, "total": total, "page": page, "pages": pages },
                "total": total,
            }),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_terms_and_modifiers() {
        let query = Query::parse(
            r#"Deploy "all green" in:#general in:<#C1|x> from:<@U3> from:me after:2023-11-01 on:bad"#,
            "U1",
        );
        assert_eq!(
            query,
            Query {
                terms: vec!["deploy".into(), "all green".into(), "on:bad".into()],
                channels: vec!["general".into(), "C1".into()],
                from: vec!["U3".into(), "U1".into()],
                after: Some("2023-11-01".into()),
                before: None,
                on: None,
            }
        );
    }

    #[test]
    fn like_patterns_escape_their_wildcards() {
        assert_eq!(contains_pattern("50%_off"), "%50\\%\\_off%");
    }
}
