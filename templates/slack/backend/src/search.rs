//! `search.messages`, `search.files` and `search.all`: messages and files the caller can see
//! that match a query, with Slack's search modifiers (`in:`, `from:`, `before:`, `after:`,
//! `on:`, quoted phrases). User tokens only.

use asym_kit::calendar::is_day;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Value, json};

use asym_kit::tokio_postgres::Row;

use crate::auth::{Caller, caller};
use crate::error::{ApiError, ApiResult, reply};
use crate::files::{FILE_COLUMNS, VISIBLE, answered_rows};
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

/// A search call's query and page: user tokens with `search:read`; `query` (else
/// `no_query`), `count` (default 20, at most 100), `page`, `sort_dir` (`asc`: oldest first).
struct Search {
    caller: Caller,
    text: String,
    query: Query,
    count: i64,
    page: i64,
    ascending: bool,
}

impl Search {
    /// The call's search.
    ///
    /// # Errors
    ///
    /// As the token's lookup; `not_allowed_token_type` for a bot token; `missing_scope`;
    /// `no_query`; `invalid_arguments` for a `count` or `page` that is not a number.
    async fn of(state: &AppState, call: &Call) -> Result<Self, ApiError> {
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
        Ok(Self {
            caller,
            text,
            query,
            count,
            page,
            ascending,
        })
    }

    /// The conditions of the query's terms and modifiers, appended to `sql` with their
    /// values pushed to `params`: `text` is the lowercased text the terms must be in,
    /// `channel(n)` the condition that a channel id or name is in `$n`, `user` and `name`
    /// the author's id and name, `when` the Unix time.
    fn narrow<'a>(
        &'a self,
        patterns: &'a Vec<String>,
        (sql, params): (&mut String, &mut Vec<&'a (dyn ToSql + Sync)>),
        columns: (&str, &dyn Fn(usize) -> String, &str, &str, &str),
    ) {
        let (text, channel, user, name, when) = columns;
        if !patterns.is_empty() {
            params.push(patterns);
            sql.push_str(&format!(" AND {text} LIKE ALL(${})", params.len()));
        }
        if !self.query.channels.is_empty() {
            params.push(&self.query.channels);
            sql.push_str(&format!(" AND {}", channel(params.len())));
        }
        if !self.query.from.is_empty() {
            params.push(&self.query.from);
            let n = params.len();
            sql.push_str(&format!(" AND ({user} = ANY(${n}) OR {name} = ANY(${n}))"));
        }
        for (date, condition) in [
            (
                &self.query.after,
                "W >= extract(epoch FROM $::text::date + 1)",
            ),
            (&self.query.before, "W < extract(epoch FROM $::text::date)"),
            (
                &self.query.on,
                "W >= extract(epoch FROM $::text::date) AND W < extract(epoch FROM $::text::date + 1)",
            ),
        ] {
            if let Some(date) = date {
                params.push(date);
                let placeholder = format!("${}", params.len());
                let condition = condition.replace('$', &placeholder).replace('W', when);
                sql.push_str(&format!(" AND {condition}"));
            }
        }
    }

    /// The query's terms as `LIKE` patterns. Terms are lowercased as parsed: one array of
    /// patterns against the text lowercased once keeps a long query (thousands of terms, a
    /// 100 KB one) from being case-folded per row.
    fn patterns(&self) -> Vec<String> {
        self.query
            .terms
            .iter()
            .map(|t| contains_pattern(t))
            .collect()
    }

    /// The page's `ORDER BY` (by `by` in the asked direction, then `tie`), `LIMIT` and
    /// `OFFSET`.
    fn page_sql(&self, by: &str, tie: &str) -> String {
        let offset = (self.page - 1).saturating_mul(self.count);
        let order = if self.ascending { "ASC" } else { "DESC" };
        format!(
            " ORDER BY {by} {order}, {tie} LIMIT {} OFFSET {offset}",
            self.count
        )
    }

    /// A result section: `{matches, pagination, paging, total}` of `total` matches.
    fn section(&self, matches: Vec<Value>, total: i64) -> Value {
        let (count, page) = (self.count, self.page);
        let offset = (page - 1).saturating_mul(count);
        let shown = i64::try_from(matches.len()).unwrap_or(0);
        let pages = (total + count - 1) / count;
        json!({
            "matches": matches,
            "pagination": {
                "total_count": total, "page": page, "per_page": count, "page_count": pages,
                "first": offset + 1, "last": offset + shown,
            },
            "paging": { "count": count, "total": total, "page": page, "pages": pages },
            "total": total,
        })
    }
}

/// `search.messages`: matching messages newest first, paged.
pub(crate) async fn messages(state: &AppState, call: &Call) -> ApiResult {
    let search = Search::of(state, call).await?;
    let messages = matched_messages(state, &search).await?;
    reply([("query", json!(search.text)), ("messages", messages)])
}

/// `search.files`: matching files (their name or title holds every term), newest first,
/// paged; `in:` keeps files shared in the channel, `from:` those its person uploaded.
pub(crate) async fn files(state: &AppState, call: &Call) -> ApiResult {
    let search = Search::of(state, call).await?;
    let files = matched_files(state, &search).await?;
    reply([("query", json!(search.text)), ("files", files)])
}

/// `search.all`: `search.messages`' and `search.files`' sections, and `posts` (none: the
/// clone has no posts).
pub(crate) async fn all(state: &AppState, call: &Call) -> ApiResult {
    let search = Search::of(state, call).await?;
    let messages = matched_messages(state, &search).await?;
    let files = matched_files(state, &search).await?;
    reply([
        ("query", json!(search.text)),
        ("messages", messages),
        ("files", files),
        ("posts", json!({ "matches": [], "total": 0 })),
    ])
}

/// The messages section of `search`.
async fn matched_messages(state: &AppState, search: &Search) -> Result<Value, ApiError> {
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
    let patterns = search.patterns();
    let caller = &search.caller;
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&caller.team_id, &caller.user_id];
    let channel = |n: usize| format!("(c.id = ANY(${n}) OR c.name = ANY(${n}))");
    search.narrow(
        &patterns,
        (&mut sql, &mut params),
        ("lower(m.text)", &channel, "m.user_id", "u.name", "m.ts"),
    );
    sql.push_str(&search.page_sql("m.ts", "m.channel_id"));

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
    Ok(search.section(matches, total))
}

/// The files section of `search`: files the caller may see, not deleted.
async fn matched_files(state: &AppState, search: &Search) -> Result<Value, ApiError> {
    let mut sql = format!(
        "SELECT {FILE_COLUMNS}, count(*) OVER () FROM files f
         LEFT JOIN users u ON u.id = f.user_id
         WHERE {VISIBLE} AND NOT f.deleted"
    );
    let patterns = search.patterns();
    let caller = &search.caller;
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&caller.team_id, &caller.user_id];
    let channel = |n: usize| {
        format!(
            "EXISTS (SELECT 1 FROM file_shares s JOIN conversations c ON c.id = s.channel_id
                     WHERE s.file_id = f.id AND (c.id = ANY(${n}) OR c.name = ANY(${n})))"
        )
    };
    search.narrow(
        &patterns,
        (&mut sql, &mut params),
        (
            "lower(f.name || ' ' || f.title || ' ' || COALESCE(f.indexable, ''))",
            &channel,
            "f.user_id",
            "u.name",
            "f.created",
        ),
    );
    sql.push_str(&search.page_sql(
        "f.created",
        if search.ascending {
            "f.id"
        } else {
            "f.id DESC"
        },
    ));
    let client = state.kit.db().await?;
    let rows = client.query(&sql, &params).await?;
    let total = message::window_total(&rows);
    let rows: Vec<&Row> = rows.iter().collect();
    let matches = answered_rows(state, &client, &rows).await?;
    Ok(search.section(matches, total))
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
