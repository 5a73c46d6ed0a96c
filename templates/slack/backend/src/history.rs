//! `conversations.history`, the read clients poll and page through most: one statement and
//! one round trip per call, and the body written straight into bytes.
//!
//! The statement resolves the token (the columns of [`auth::CALLER_SQL`]), the channel as
//! the caller sees it, the channel's pins and the workspace's bots, and reads the page, all
//! from one snapshot. The checks are then made in Slack's order — authentication, rate limit,
//! channel, scope, membership, arguments — so a call answers exactly what it would if each
//! were looked up in turn; a call with a bad argument reads no page.

use std::sync::LazyLock;

use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;

use crate::args::{Window, channel_arg};
use crate::auth::{self, TokenKind};
use crate::error::ApiError;
use crate::json;
use crate::model::conversation::scope_family;
use crate::model::message::{BotProfile, MessageRow, message_columns};
use crate::ts::Ts;
use crate::{AppState, Call};

/// The page a call asks for, its arguments validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Page {
    /// Smallest `ts` included.
    lo: Option<Ts>,
    /// Largest `ts` included.
    hi: Option<Ts>,
    /// Whether the page is read oldest first (only `oldest` given), else newest first.
    forward: bool,
    /// Most messages returned.
    limit: usize,
    /// Whether `metadata` is included.
    include_metadata: bool,
    /// Whether the window holds nothing (`latest=0` exclusive, `oldest` after `latest`).
    empty: bool,
}

impl Page {
    /// Reads `oldest`, `latest`, `inclusive`, `limit` (default 100, at most 999), `cursor`
    /// and `include_all_metadata`, in the order Slack reports their errors.
    ///
    /// With only `oldest` given, Slack pages forward from it (the messages nearest `oldest`
    /// first); otherwise backward from `latest` (default now). Bounds become an inclusive
    /// `ts` range: `ts` values are whole microseconds, so "after `oldest`" is "from `oldest`
    /// + 1µs".
    fn parse(call: &Call) -> Result<Self, ApiError> {
        let window = Window::parse(call, 100, 999)?;
        let (oldest, latest, inclusive) = (window.oldest, window.latest, window.inclusive);

        let forward = oldest.is_some() && latest.is_none();
        let mut empty = false;
        let mut lo = oldest.map(|ts| if inclusive { ts } else { ts.next() });
        let mut hi = match latest {
            Some(ts) if !inclusive => {
                let before = ts.prev();
                empty |= before.is_none();
                before
            }
            latest => latest,
        };
        if let Some(cursor) = window.cursor {
            if forward {
                lo = Some(lo.map_or(cursor, |lo| lo.max(cursor)));
            } else {
                hi = Some(hi.map_or(cursor, |hi| hi.min(cursor)));
            }
        }
        empty |= matches!((lo, hi), (Some(lo), Some(hi)) if lo > hi);
        Ok(Self {
            lo,
            hi,
            forward,
            limit: usize::try_from(window.limit).unwrap_or(100),
            include_metadata: window.include_metadata,
            empty,
        })
    }
}

/// The most rows a page reads: `limit` is at most 999, plus one to learn whether there is more.
const MAX_PAGE: usize = 1000;

/// Where the page's columns start in a row of [`sql`]; the header columns come before.
const PAGE: usize = 19;

/// The statement of a call: a header row (caller, channel, pins, bots) then one row per
/// message of the page. `$1` is the token's hash, `$2` the channel id, `$3` the page size
/// (one more than the limit, to learn whether there is more; 0 reads no page), then the
/// lower and upper `ts` bounds when the page has them (bounds are written into the
/// statement only when present, so the page is always an index range walk).
///
/// The page size and bounds are read through sub-selects so that no parameter value changes
/// the planner's estimates: Postgres then settles on the statement's generic plan after its
/// first few executions instead of planning the statement again on every call (planning it
/// costs more than running it). The page is also capped by a constant ([`MAX_PAGE`]), so
/// whatever the statistics say about the channel's size, the plan walks the primary key in
/// `ts` order and stops, and never sorts the channel.
fn sql(forward: bool, lo: bool, hi: bool) -> &'static str {
    static VARIANTS: LazyLock<Vec<String>> = LazyLock::new(|| {
        (0..8)
            .map(|bits| build_sql(bits & 4 != 0, bits & 2 != 0, bits & 1 != 0))
            .collect()
    });
    let index = usize::from(forward) << 2 | usize::from(lo) << 1 | usize::from(hi);
    VARIANTS.get(index).map_or("", String::as_str)
}

fn build_sql(forward: bool, lo: bool, hi: bool) -> String {
    let order = if forward { "ASC" } else { "DESC" };
    let mut bounds = String::new();
    let mut next = 4;
    if lo {
        bounds.push_str(&format!(" AND m.ts >= (SELECT ${next}::text::numeric)"));
        next += 1;
    }
    if hi {
        bounds.push_str(&format!(" AND m.ts <= (SELECT ${next}::text::numeric)"));
    }
    let caller = auth::CALLER_SQL;
    format!(
        "WITH w AS MATERIALIZED ({caller}),
         c AS MATERIALIZED (
             SELECT c.id, c.kind, me.user_id IS NOT NULL AS is_member
             FROM w JOIN conversations c ON c.team_id = w.team_id AND c.id = $2
             LEFT JOIN conversation_members me
                    ON me.conversation_id = c.id AND me.user_id = w.user_id)
         SELECT w.*, c.id, c.kind, c.is_member,
                (SELECT array_agg(pn.ts::text) FROM pins pn WHERE pn.channel_id = c.id),
                bots.ids, bots.app_ids, bots.names, bots.updated, bots.deleted,
                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL, NULL, NULL
         FROM w LEFT JOIN c ON true
         CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids,
                            array_agg(app_id ORDER BY id) AS app_ids,
                            array_agg(name ORDER BY id) AS names,
                            array_agg(updated ORDER BY id) AS updated,
                            array_agg(deleted ORDER BY id) AS deleted
                     FROM bots) bots
         UNION ALL
         SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                {PAGE_COLUMNS}
         FROM c CROSS JOIN LATERAL (
             SELECT * FROM (
                 SELECT * FROM messages m
                 WHERE m.channel_id = c.id
                   AND (m.thread_ts IS NULL OR m.thread_ts = m.ts
                        OR m.subtype = 'thread_broadcast')
                   {bounds}
                 ORDER BY m.channel_id {order}, m.ts {order}
                 LIMIT {MAX_PAGE}) m
             LIMIT (SELECT $3::bigint)) m
         WHERE c.kind = 'public_channel' OR c.is_member"
    )
}

/// The columns of a page's message rows: those of
/// [`MESSAGE_COLUMNS`](crate::model::message::MESSAGE_COLUMNS), but the bot's profile, the
/// pin and the channel are left to the header row, and the parent's author and the replies
/// are read only for a reply and a thread parent.
const PAGE_COLUMNS: &str = message_columns!(
    bot: "NULL, NULL, NULL::bigint, NULL::boolean",
    parent: "CASE WHEN m.thread_ts <> m.ts THEN (
                    SELECT p.user_id FROM messages p
                    WHERE p.channel_id = m.channel_id AND p.ts = m.thread_ts) END",
    replies: "CASE WHEN m.thread_ts = m.ts THEN (
                    SELECT count(*) FROM messages x
                    WHERE x.channel_id = m.channel_id AND x.thread_ts = m.ts
                      AND x.ts <> m.ts) END,
                CASE WHEN m.thread_ts = m.ts THEN (
                    SELECT max(x.ts)::text FROM messages x
                    WHERE x.channel_id = m.channel_id AND x.thread_ts = m.ts
                      AND x.ts <> m.ts) END,
                CASE WHEN m.thread_ts = m.ts THEN (
                    SELECT array_agg(x.user_id ORDER BY x.ts)
                           FILTER (WHERE x.user_id IS NOT NULL)
                    FROM messages x
                    WHERE x.channel_id = m.channel_id AND x.thread_ts = m.ts
                      AND x.ts <> m.ts) END",
    pinned: "false",
    channel: "NULL"
);

/// The workspace's bots, as the header row lists them.
struct Bots<'a> {
    ids: Vec<&'a str>,
    app_ids: Vec<Option<&'a str>>,
    names: Vec<Option<&'a str>>,
    updated: Vec<Option<i64>>,
    deleted: Vec<Option<bool>>,
}

impl<'a> Bots<'a> {
    fn from_header(row: &'a Row) -> Self {
        Self {
            ids: row.get::<_, Option<_>>(14).unwrap_or_default(),
            app_ids: row.get::<_, Option<_>>(15).unwrap_or_default(),
            names: row.get::<_, Option<_>>(16).unwrap_or_default(),
            updated: row.get::<_, Option<_>>(17).unwrap_or_default(),
            deleted: row.get::<_, Option<_>>(18).unwrap_or_default(),
        }
    }

    /// The profile of bot `id` (all unknown if there is no such bot).
    fn profile(&self, id: &str) -> BotProfile<'a> {
        let Some(index) = self.ids.iter().position(|bot| *bot == id) else {
            return BotProfile::default();
        };
        BotProfile {
            app_id: self.app_ids.get(index).copied().flatten(),
            name: self.names.get(index).copied().flatten(),
            updated: self.updated.get(index).copied().flatten(),
            deleted: self.deleted.get(index).copied().flatten(),
        }
    }
}

/// A message row of [`sql`]: the columns of
/// [`MESSAGE_COLUMNS`](crate::model::message::MESSAGE_COLUMNS), but the bot's profile (from
/// the header's list of bots) and whether it is pinned (from the header's pins).
fn message<'a>(row: &'a Row, channel: &'a str, pins: &[&str], bots: &Bots<'a>) -> MessageRow<'a> {
    let mut message = MessageRow::from_columns(row, PAGE);
    message.bot = message
        .bot_id
        .map(|id| bots.profile(id))
        .unwrap_or_default();
    message.pinned_to = pins.contains(&message.ts).then_some(channel);
    message
}

/// `conversations.history`: a channel's top-level messages (and thread broadcasts), newest
/// first, within `oldest`/`latest`, paged with `limit` (default 100, at most 999) and
/// `cursor`. Answers the whole body, `{"ok":true,…}`, as JSON bytes.
///
/// # Errors
///
/// Slack's, in Slack's order: `not_authed`, `invalid_auth`, `account_inactive`,
/// `ratelimited`; `invalid_arguments` or `channel_not_found` for the `channel` argument;
/// `missing_scope`; `not_in_channel` (bots); then `invalid_ts_oldest`, `invalid_ts_latest`,
/// `invalid_cursor`.
pub(crate) async fn history(state: &AppState, call: &Call) -> Result<Vec<u8>, ApiError> {
    let token =
        auth::token(&call.headers, &call.args).ok_or_else(|| ApiError::new("not_authed"))?;
    let hash = asym_kit::token::hash(token);
    let channel = channel_arg(call);
    let page = Page::parse(call);
    let channel_id = channel.as_deref().map(str::trim).unwrap_or_default();
    let (sql, size, lo, hi) = match &page {
        Ok(page) if !page.empty => (
            sql(page.forward, page.lo.is_some(), page.hi.is_some()),
            i64::try_from((page.limit + 1).min(MAX_PAGE)).unwrap_or(1000),
            page.lo.map(|ts| ts.to_string()),
            page.hi.map(|ts| ts.to_string()),
        ),
        _ => (sql(false, false, false), 0_i64, None, None),
    };
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&hash, &channel_id, &size];
    params.extend(lo.as_ref().map(|lo| lo as &(dyn ToSql + Sync)));
    params.extend(hi.as_ref().map(|hi| hi as &(dyn ToSql + Sync)));
    let client = state.kit.db().await?;
    let statement = client.prepare_cached(sql).await?;
    let rows = client.query(&statement, &params).await?;
    drop(client);

    let header = rows
        .iter()
        .find(|row| row.get::<_, Option<&str>>(0).is_some());
    let caller = auth::caller_from_row(state, call, header).await?;
    channel?;
    let header = header.ok_or_else(|| ApiError::new("invalid_auth"))?;
    let conversation: Option<&str> = header.get(10);
    let kind: Option<&str> = header.get(11);
    let is_member = header.get::<_, Option<bool>>(12).unwrap_or(false);
    let (Some(conversation), Some(kind)) = (conversation, kind) else {
        return Err(ApiError::new("channel_not_found"));
    };
    if kind != "public_channel" && !is_member {
        return Err(ApiError::new("channel_not_found"));
    }
    caller.require(&[&format!("{}:history", scope_family(kind))])?;
    if caller.kind == TokenKind::Bot && !is_member {
        return Err(ApiError::new("not_in_channel"));
    }
    let page = page?;

    let pins: Vec<&str> = header.get::<_, Option<_>>(13).unwrap_or_default();
    let bots = Bots::from_header(header);
    let mut messages: Vec<(Ts, MessageRow<'_>)> = rows
        .iter()
        .filter(|row| row.get::<_, Option<&str>>(0).is_none())
        .map(|row| message(row, conversation, &pins, &bots))
        .map(|message| (Ts::parse(message.ts).unwrap_or_default(), message))
        .collect();
    // Newest first (oldest first when paging forward), whatever order the rows came in.
    messages.sort_by(|(a, _), (b, _)| if page.forward { a.cmp(b) } else { b.cmp(a) });
    let next = (messages.len() > page.limit)
        .then(|| messages.pop().map(|(ts, _)| ts))
        .flatten();
    if page.forward {
        messages.reverse();
    }

    let mut out = Vec::with_capacity(256 + messages.len() * 400);
    let mut body = json::Object::new(&mut out);
    body.bool("ok", true);
    let list = body.key("messages");
    list.push(b'[');
    for (index, (_, message)) in messages.iter().enumerate() {
        if index > 0 {
            list.push(b',');
        }
        message.write_json(list, page.include_metadata);
    }
    list.push(b']');
    body.bool("has_more", next.is_some());
    body.int("pin_count", i64::try_from(pins.len()).unwrap_or(i64::MAX));
    body.raw("channel_actions_ts", "null");
    body.int("channel_actions_count", 0);
    let cursor = next
        .map(|ts| asym_kit::cursor::encode(&format!("next_ts:{}", ts.to_cursor_digits())))
        .unwrap_or_default();
    let mut metadata = json::Object::new(body.key("response_metadata"));
    metadata.str("next_cursor", &cursor);
    metadata.end();
    body.end();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::Args;
    use axum::http::HeaderMap;

    fn page(query: &str) -> Result<Page, String> {
        let call = Call {
            method: "conversations.history".into(),
            headers: HeaderMap::new(),
            args: Args::parse(None, Some(query), b"").unwrap(),
        };
        Page::parse(&call).map_err(|err| err.code().to_owned())
    }

    fn ts(text: &str) -> Option<Ts> {
        Ts::parse(text)
    }

    #[test]
    fn page_rows_have_every_column_from_columns_reads() {
        use crate::model::message::tests::column_count;
        assert_eq!(column_count(PAGE_COLUMNS), 30);
    }

    #[test]
    fn only_an_oldest_bound_pages_forward() {
        assert!(page("oldest=1700000000").unwrap().forward);
        assert!(!page("oldest=1700000000&latest=1700000001").unwrap().forward);
        assert!(!page("latest=1700000000").unwrap().forward);
        assert!(!page("").unwrap().forward);
    }

    #[test]
    fn bounds_are_inclusive_microsecond_ranges() {
        let open = page("").unwrap();
        assert_eq!((open.lo, open.hi, open.limit), (None, None, 100));
        let exclusive = page("oldest=1700000000&latest=1700000001.5").unwrap();
        assert_eq!(exclusive.lo, ts("1700000000.000001"));
        assert_eq!(exclusive.hi, ts("1700000001.499999"));
        let inclusive = page("oldest=1700000000&latest=1700000001.5&inclusive=1").unwrap();
        assert_eq!(inclusive.lo, ts("1700000000"));
        assert_eq!(inclusive.hi, ts("1700000001.5"));
        assert!(page("latest=0").unwrap().empty);
        assert!(page("oldest=5&latest=5").unwrap().empty);
        assert!(!page("oldest=5&latest=5&inclusive=true").unwrap().empty);
    }

    #[test]
    fn a_cursor_narrows_the_side_it_pages_towards() {
        let cursor = asym_kit::cursor::encode("next_ts:1700000005000000");
        let backward = page(&format!("latest=1700000009&cursor={cursor}")).unwrap();
        assert_eq!(backward.hi, ts("1700000005"));
        let forward = page(&format!("oldest=1700000001&cursor={cursor}")).unwrap();
        assert_eq!(forward.lo, ts("1700000005"));
    }

    #[test]
    fn argument_errors_come_in_slacks_order() {
        assert_eq!(page("oldest=x&latest=y").unwrap_err(), "invalid_ts_oldest");
        assert_eq!(page("latest=y&cursor=%%").unwrap_err(), "invalid_ts_latest");
        assert_eq!(page("cursor=bm9wZQ==").unwrap_err(), "invalid_cursor");
        assert_eq!(page("limit=5000").unwrap().limit, 999);
    }

    #[test]
    fn every_variant_numbers_its_parameters_in_order() {
        assert!(!sql(false, false, false).contains("$4"));
        assert!(sql(true, true, false).contains("m.ts >= (SELECT $4::text::numeric)"));
        assert!(sql(false, false, true).contains("m.ts <= (SELECT $4::text::numeric)"));
        let both = sql(false, true, true);
        assert!(both.contains("m.ts >= (SELECT $4") && both.contains("m.ts <= (SELECT $5"));
        assert!(sql(true, false, false).contains("m.ts ASC"));
    }
}
