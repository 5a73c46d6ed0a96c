//! Reading a Web API call's arguments the way Slack does: from the query string and from a
//! form-encoded or JSON body, whichever the client used.
//!
//! The SDKs differ: Python's `WebClient` sends most methods as a form body (booleans as
//! `0`/`1`) and `chat.postMessage` as JSON; Node's sends everything as a form body with
//! objects JSON-encoded into strings (booleans as `true`/`false`); GET callers put everything
//! in the query string. So every accessor takes a value in any of those spellings.

use std::collections::HashMap;

use asym_kit::cursor;
use serde_json::{Value, json};

use crate::Call;
use crate::error::ApiError;
use crate::ts::Ts;

/// What one Web API call may carry: 2 MiB, JSON nested 32 deep, 10,000 fields.
pub(crate) const LIMITS: asym_kit::body::Limits = asym_kit::body::Limits {
    max_bytes: 2 << 20,
    max_depth: 32,
    max_keys: 10_000,
};

/// Slack's answer (HTTP 200, `ok: false`) to a body outside [`LIMITS`].
pub(crate) fn refused(err: asym_kit::body::BodyError) -> ApiError {
    use asym_kit::body::BodyError;
    match err {
        BodyError::Syntax(_) => ApiError::new("invalid_json"),
        BodyError::InvalidUtf8 => ApiError::new("invalid_charset"),
        _ => ApiError::new("invalid_arguments"),
    }
}

/// The bytes of a multipart body's file parts, by name.
type Uploads = HashMap<String, Vec<u8>>;

/// The named parts of a `multipart/form-data` body (slack_sdk and the Node SDK send one when
/// an argument is a file, as `files.remote.add`'s `preview_image`), each as text: a file's
/// bytes read as UTF-8 without NULs and what is not UTF-8 (an image's bytes), as Slack keeps only the text of one
/// (`indexable_file_contents`); and the file parts' bytes as sent, by name (for an image).
///
/// # Errors
///
/// `invalid_form_data` for a body that is not the multipart its `Content-Type` says.
fn multipart_pairs(
    content_type: &str,
    body: &[u8],
) -> Result<(Vec<(String, String)>, Uploads), ApiError> {
    let parts = asym_kit::multipart::boundary(content_type)
        .and_then(|boundary| asym_kit::multipart::parse(body, &boundary))
        .ok_or_else(|| ApiError::new("invalid_form_data"))?;
    let mut files = HashMap::new();
    let pairs = parts
        .into_iter()
        .filter_map(|part| {
            let name = part.name?;
            let text = String::from_utf8_lossy(part.body);
            let text = if part.filename.is_some() {
                files.insert(name.clone(), part.body.to_vec());
                text.replace(['\0', '\u{FFFD}'], "")
            } else {
                text.into_owned()
            };
            Some((name, text))
        })
        .collect();
    Ok((pairs, files))
}

/// One call's arguments, body over query string.
#[derive(Debug, Default)]
pub(crate) struct Args {
    values: HashMap<String, Value>,
    token: Option<String>,
    /// The bytes of a multipart body's file parts, by name.
    files: Uploads,
}

impl Args {
    /// Parses the query string and the body (by its `Content-Type`).
    ///
    /// A `token` argument counts from the query string or a form body only: Slack ignores one
    /// inside a JSON body (the SDKs move it to the `Authorization` header).
    ///
    /// # Errors
    ///
    /// `invalid_json` for a JSON body that does not parse, `json_not_object` for one that is
    /// not an object.
    pub(crate) fn parse(
        content_type: Option<&str>,
        query: Option<&str>,
        body: &[u8],
    ) -> Result<Self, ApiError> {
        let mut args = Self::default();
        if let Some(query) = query {
            args.extend_form(query.as_bytes())?;
        }
        let media_type = content_type
            .and_then(|value| value.split(';').next())
            .map(|value| value.trim().to_ascii_lowercase());
        let is_blank = body.iter().all(u8::is_ascii_whitespace);
        match media_type.as_deref() {
            _ if is_blank => {}
            Some("application/json") => {
                let value = asym_kit::body::json(body, &LIMITS).map_err(refused)?;
                let Value::Object(object) = value else {
                    return Err(ApiError::new("json_not_object"));
                };
                for (name, value) in object {
                    if name != "token" {
                        args.values.insert(name, value);
                    }
                }
            }
            Some("multipart/form-data") => {
                let (pairs, files) = multipart_pairs(content_type.unwrap_or_default(), body)?;
                args.extend_pairs(pairs)?;
                args.files = files;
            }
            _ => args.extend_form(body)?,
        }
        Ok(args)
    }

    fn extend_form(&mut self, input: &[u8]) -> Result<(), ApiError> {
        self.extend_pairs(asym_kit::form::parse(input))
    }

    fn extend_pairs(&mut self, pairs: Vec<(String, String)>) -> Result<(), ApiError> {
        asym_kit::body::check_pairs(&pairs, &LIMITS).map_err(refused)?;
        for (name, value) in pairs {
            if name == "token" {
                self.token = Some(value);
            } else {
                self.values.insert(name, Value::String(value));
            }
        }
        Ok(())
    }

    /// The bytes of the file part `name` of a multipart body, exactly as sent, or else the
    /// argument's text (a non-empty one) as bytes.
    pub(crate) fn upload(&self, name: &str) -> Option<Vec<u8>> {
        self.files
            .get(name)
            .cloned()
            .or_else(|| self.non_empty(name).map(String::into_bytes))
    }

    /// The `token` argument, if one was sent where Slack reads it.
    pub(crate) fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name).filter(|value| !value.is_null())
    }

    /// Whether `name` was sent at all (even empty).
    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `name` as text: strings as they are, numbers and booleans as written, objects and
    /// arrays as JSON.
    pub(crate) fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
    }

    /// `name` as a message's text: a string as it is, a number or a boolean as written (a
    /// JSON body's, as a form body would carry it).
    ///
    /// # Errors
    ///
    /// `invalid_array_arg` for an array or an object (Slack reads text as a string argument,
    /// and a structured value as the array it refuses: "Please only input valid strings").
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            Some(Value::Array(_) | Value::Object(_)) => Err(ApiError::new("invalid_array_arg")),
            _ => Ok(self.string(name)),
        }
    }

    /// `name` as text, absent when missing or empty.
    pub(crate) fn non_empty(&self, name: &str) -> Option<String> {
        self.string(name).filter(|text| !text.trim().is_empty())
    }

    /// `name`, which the method needs to name its object.
    ///
    /// # Errors
    ///
    /// `missing` (the method's own code, e.g. `user_not_found`) when absent or empty.
    pub(crate) fn non_empty_or(
        &self,
        name: &str,
        missing: &'static str,
    ) -> Result<String, ApiError> {
        self.non_empty(name).ok_or_else(|| ApiError::new(missing))
    }

    /// Every argument as a JSON object (the token excluded), for `api.test`.
    pub(crate) fn to_object(&self) -> serde_json::Map<String, Value> {
        let mut names: Vec<&String> = self.values.keys().collect();
        names.sort();
        names
            .into_iter()
            .map(|name| (name.clone(), self.values[name].clone()))
            .collect()
    }

    /// `name`, which the method requires.
    ///
    /// # Errors
    ///
    /// `invalid_arguments` naming the field when it is absent or empty.
    pub(crate) fn required(&self, name: &str) -> Result<String, ApiError> {
        self.non_empty(name)
            .ok_or_else(|| ApiError::invalid_arguments(format!("missing required field: {name}")))
    }

    /// `name` as a comma-separated list (or a JSON array), empty items dropped.
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        let text = self.string(name).unwrap_or_default();
        // A JSON array sent as a form field (the Node SDK's way with an array argument).
        let sent_as_json = text
            .trim_start()
            .starts_with('[')
            .then(|| serde_json::from_str::<Value>(&text).ok())
            .flatten();
        match sent_as_json.as_ref().or(self.get(name)) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|item| match item {
                    Value::String(text) => Some(text.trim().to_owned()),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
                .filter(|item| !item.is_empty())
                .collect(),
            Some(_) => text
                .split(',')
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(str::to_owned)
                .collect(),
            None => Vec::new(),
        }
    }

    /// `name` as a boolean: `true`/`1` are true, anything else sent is false.
    pub(crate) fn flag(&self, name: &str) -> Option<bool> {
        self.get(name).map(|value| match value {
            Value::Bool(flag) => *flag,
            Value::Number(number) => number.as_i64() == Some(1),
            Value::String(text) => {
                let text = text.trim();
                text.eq_ignore_ascii_case("true") || text == "1"
            }
            _ => false,
        })
    }

    /// `name` as an integer; an empty value counts as absent.
    ///
    /// # Errors
    ///
    /// `invalid_arguments` when the value is not an integer.
    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, ApiError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let parsed = match value {
            Value::Number(number) => number.as_i64(),
            Value::String(text) if text.trim().is_empty() => return Ok(None),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        parsed.map(Some).ok_or_else(|| {
            ApiError::invalid_arguments(format!("invalid value for {name}: must be an integer"))
        })
    }

    /// `name` as a page size: absent or non-positive means `default`, above `max` means `max`.
    ///
    /// # Errors
    ///
    /// As [`Args::int`].
    pub(crate) fn limit(&self, default: i64, max: i64) -> Result<i64, ApiError> {
        Ok(match self.int("limit")? {
            Some(limit) if limit > 0 => limit.min(max),
            _ => default,
        })
    }

    /// `name` as a Slack timestamp; an empty value counts as absent.
    ///
    /// # Errors
    ///
    /// A `ts` argument's whole seconds (`1512085950.000216` → `1512085950`).
    pub(crate) fn seconds(
        &self,
        name: &str,
        invalid: &'static str,
    ) -> Result<Option<i64>, ApiError> {
        Ok(self.ts(name, invalid)?.map(|ts| {
            ts.to_string()
                .split('.')
                .next()
                .unwrap_or("0")
                .parse()
                .unwrap_or(0)
        }))
    }

    /// `invalid` (the method's own code, e.g. `invalid_ts_oldest`) for a malformed value.
    pub(crate) fn ts(&self, name: &str, invalid: &'static str) -> Result<Option<Ts>, ApiError> {
        match self.non_empty(name) {
            None => Ok(None),
            Some(text) => Ts::parse(&text)
                .map(Some)
                .ok_or_else(|| ApiError::new(invalid)),
        }
    }

    /// `name` as a JSON value: sent as JSON, or as a string holding JSON (form bodies);
    /// `None` when absent or empty.
    ///
    /// # Errors
    ///
    /// `invalid` (the method's own code) for a string that is not JSON or holds a NUL.
    pub(crate) fn json(
        &self,
        name: &str,
        invalid: &'static str,
    ) -> Result<Option<Value>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            // Through the kit's reader: a NUL (`\u0000`) inside is refused as Postgres would.
            Some(Value::String(text)) => asym_kit::body::json(text.as_bytes(), &LIMITS)
                .map(Some)
                .map_err(|_| ApiError::new(invalid)),
            Some(other) => Ok(Some(other.clone())),
        }
    }
}

/// The `channel` argument, which every conversation method requires.
///
/// # Errors
///
/// `invalid_arguments` when absent (Slack separates "not passed" from "names nothing");
/// `channel_not_found` when empty.
pub(crate) fn channel_arg(call: &Call) -> Result<String, ApiError> {
    if !call.args.has("channel") {
        return Err(ApiError::invalid_arguments(
            "missing required field: channel",
        ));
    }
    call.args.non_empty_or("channel", "channel_not_found")
}

/// The users or the channels an `access.set`/`access.delete` call names (`user_ids` or
/// `channel_ids`: one list of at least one, not both, as Slack takes them), and whether
/// they are channels; `None` otherwise.
pub(crate) fn grantees(call: &Call) -> Option<(Vec<String>, bool)> {
    let channels = call.args.list("channel_ids");
    let users = call.args.list("user_ids");
    match (channels.is_empty(), users.is_empty()) {
        (false, true) => Some((channels, true)),
        (true, false) => Some((users, false)),
        _ => None,
    }
}

/// Reads a cursor whose inner form is `<kind>:<value>`.
pub(crate) fn cursor_value(cursor: Option<String>, kind: &str) -> Result<Option<String>, ApiError> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let inner = cursor::decode(&cursor).map_err(|_| ApiError::new("invalid_cursor"))?;
    match inner.split_once(':') {
        Some((k, value)) if k == kind && !value.is_empty() => Ok(Some(value.to_owned())),
        _ => Err(ApiError::new("invalid_cursor")),
    }
}

/// `{"next_cursor": …}`, empty on the last page.
pub(crate) fn next_cursor(kind: &str, value: Option<&str>) -> Value {
    json!({ "next_cursor": value.map(|v| cursor::encode(&format!("{kind}:{v}"))).unwrap_or_default() })
}

/// Cuts a page read with `limit + 1` rows back to `limit`; the row past the page, if any,
/// names the next one.
pub(crate) fn next_page<T>(items: &mut Vec<T>, limit: i64) -> Option<T> {
    if items.len() > usize::try_from(limit).unwrap_or(usize::MAX) {
        items.pop()
    } else {
        None
    }
}

/// Cuts a page of objects read with `limit + 1` rows back to `limit`, answering its
/// `response_metadata`: a `kind` cursor naming the `id` of the object past the page (empty
/// on the last page).
pub(crate) fn id_page(items: &mut Vec<Value>, limit: i64, kind: &str) -> Value {
    let next = next_page(items, limit);
    next_cursor(kind, next.as_ref().and_then(|item| item["id"].as_str()))
}

/// A page of a list read by offset, as `reactions.list` and `stars.list` take it: `count`
/// (default 100) and `page`, or `limit` and an `offset` `cursor` (either way at most 1,000).
#[derive(Debug, Clone, Copy)]
pub(crate) struct OffsetPage {
    /// Most items answered.
    pub(crate) limit: i64,
    /// How many items come before the page.
    pub(crate) offset: i64,
}

impl OffsetPage {
    /// The page `call` asks for.
    ///
    /// # Errors
    ///
    /// `invalid_arguments` for a `count`, `page` or `limit` that is not a number;
    /// `invalid_cursor`.
    pub(crate) fn parse(call: &Call) -> Result<Self, ApiError> {
        let count = match call.args.int("count")? {
            Some(count) if count > 0 => count.min(1000),
            _ => 100,
        };
        let limit = call.args.limit(count, 1000)?;
        let page = call.args.int("page")?.filter(|p| *p > 0).unwrap_or(1);
        let offset = match cursor_value(call.args.string("cursor"), "offset")? {
            Some(offset) => offset
                .parse::<i64>()
                .ok()
                .filter(|offset| *offset >= 0)
                .ok_or_else(|| ApiError::new("invalid_cursor"))?,
            None => (page - 1).saturating_mul(limit),
        };
        Ok(Self { limit, offset })
    }

    /// `paging` (`count`, `total`, `page`, `pages`) and `response_metadata` (the cursor of the
    /// next page, empty on the last) for a page of `shown` items out of `total`.
    pub(crate) fn answer(self, shown: usize, total: i64) -> [(&'static str, Value); 2] {
        let limit = self.limit.max(1);
        let end = self
            .offset
            .saturating_add(i64::try_from(shown).unwrap_or(0));
        let next = (end < total).then(|| end.to_string());
        [
            (
                "paging",
                json!({
                    "count": self.limit,
                    "total": total,
                    "page": self.offset / limit + 1,
                    "pages": (total + limit - 1) / limit,
                }),
            ),
            ("response_metadata", next_cursor("offset", next.as_deref())),
        ]
    }
}

/// The `next_ts` cursor of a history or replies call.
pub(crate) fn cursor_ts(call: &Call) -> Result<Option<Ts>, ApiError> {
    cursor_value(call.args.string("cursor"), "next_ts")?
        .map(|digits| {
            Ts::from_cursor_digits(&digits).ok_or_else(|| ApiError::new("invalid_cursor"))
        })
        .transpose()
}

/// The window a read of messages asks for — `oldest`, `latest`, `inclusive`, `limit`,
/// `cursor` and `include_all_metadata`, as `conversations.history` and
/// `conversations.replies` both take them — read in the order Slack reports their errors.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Window {
    /// `oldest`.
    pub(crate) oldest: Option<Ts>,
    /// `latest`.
    pub(crate) latest: Option<Ts>,
    /// Whether `oldest` and `latest` themselves are in the window.
    pub(crate) inclusive: bool,
    /// Most messages answered.
    pub(crate) limit: i64,
    /// Where a `cursor` from an earlier page resumes.
    pub(crate) cursor: Option<Ts>,
    /// Whether messages carry their `metadata`.
    pub(crate) include_metadata: bool,
}

impl Window {
    /// The window of `call`, `limit` defaulting to `default_limit` and capped at `max_limit`.
    pub(crate) fn parse(call: &Call, default_limit: i64, max_limit: i64) -> Result<Self, ApiError> {
        Ok(Self {
            oldest: call.args.ts("oldest", "invalid_ts_oldest")?,
            latest: call.args.ts("latest", "invalid_ts_latest")?,
            inclusive: call.args.flag("inclusive").unwrap_or(false),
            limit: call.args.limit(default_limit, max_limit)?,
            cursor: cursor_ts(call)?,
            include_metadata: call.args.flag("include_all_metadata").unwrap_or(false),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_as_commas_arrays_or_arrays_in_a_form() {
        let form = Args::parse(None, Some("a=x,%20y&b=%5B%22C1%22%2C%22C2%22%5D"), b"").unwrap();
        assert_eq!(form.list("a"), ["x", "y"]);
        assert_eq!(form.list("b"), ["C1", "C2"]);
        let json = Args::parse(Some("application/json"), None, br#"{"c":["U1"]}"#).unwrap();
        assert_eq!(json.list("c"), ["U1"]);
        assert!(json.list("d").is_empty());
    }

    #[test]
    fn cursors_carry_their_kind() {
        let cursor = cursor::encode("channel:C0000000002");
        assert_eq!(
            cursor_value(Some(cursor.clone()), "channel")
                .unwrap()
                .as_deref(),
            Some("C0000000002")
        );
        assert_eq!(cursor_value(None, "channel").unwrap(), None);
        assert_eq!(cursor_value(Some(String::new()), "channel").unwrap(), None);
        for bad in [cursor, "bm9wZQ==".to_owned(), "%%%".to_owned()] {
            assert_eq!(
                cursor_value(Some(bad), "next_ts").unwrap_err().code(),
                "invalid_cursor"
            );
        }
    }

    #[test]
    fn a_page_of_objects_names_the_next_by_its_id() {
        let mut items = vec![json!({"id": "a"}), json!({"id": "b"}), json!({"id": "c"})];
        let cursor = id_page(&mut items, 2, "file");
        assert_eq!(items, [json!({"id": "a"}), json!({"id": "b"})]);
        assert_eq!(cursor, next_cursor("file", Some("c")));
        assert_eq!(id_page(&mut items, 2, "file"), json!({"next_cursor": ""}));
    }

    #[test]
    fn the_last_page_has_an_empty_next_cursor() {
        assert_eq!(next_cursor("channel", None), json!({"next_cursor": ""}));
        assert_eq!(
            next_cursor("next_ts", Some("1512085861000543")),
            json!({"next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"})
        );
    }
    use serde_json::json;

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    const JSON: Option<&str> = Some("application/json; charset=utf-8");

    #[test]
    fn form_body_and_query_merge_with_the_body_winning() {
        let args =
            Args::parse(FORM, Some("channel=C1&limit=5"), b"channel=C2&token=xoxb-1").unwrap();
        assert_eq!(args.string("channel").as_deref(), Some("C2"));
        assert_eq!(args.int("limit").unwrap(), Some(5));
        assert_eq!(args.token(), Some("xoxb-1"));
    }

    #[test]
    fn json_body_keeps_types_but_never_carries_the_token() {
        let body = br#"{"channel":"C1","token":"xoxb-1","mrkdwn":false,"limit":20,"blocks":[{"type":"divider"}]}"#;
        let args = Args::parse(JSON, None, body).unwrap();
        assert_eq!(args.token(), None);
        assert_eq!(args.flag("mrkdwn"), Some(false));
        assert_eq!(args.int("limit").unwrap(), Some(20));
        assert_eq!(
            args.json("blocks", "bad").unwrap(),
            Some(json!([{"type": "divider"}]))
        );
    }

    #[test]
    fn bad_json_bodies_are_named() {
        assert_eq!(
            Args::parse(JSON, None, b"{nope").unwrap_err().code(),
            "invalid_json"
        );
        assert_eq!(
            Args::parse(JSON, None, b"[1]").unwrap_err().code(),
            "json_not_object"
        );
        assert!(Args::parse(JSON, None, b"  ").is_ok());
    }

    #[test]
    fn booleans_in_every_sdk_spelling() {
        let args = Args::parse(FORM, None, b"a=1&b=true&c=0&d=false&e=TRUE&f=yes").unwrap();
        let flags: Vec<_> = ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .map(|n| args.flag(n))
            .collect();
        assert_eq!(
            flags,
            [
                Some(true),
                Some(true),
                Some(false),
                Some(false),
                Some(true),
                Some(false),
                None
            ]
        );
    }

    #[test]
    fn blocks_as_a_form_string_decode_to_json() {
        let args = Args::parse(
            FORM,
            None,
            b"blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&bad=%5B",
        )
        .unwrap();
        assert_eq!(
            args.json("blocks", "bad").unwrap(),
            Some(json!([{"type": "divider"}]))
        );
        assert!(args.json("bad", "bad").is_err());
        assert_eq!(args.json("absent", "bad").unwrap(), None);
    }

    #[test]
    fn multipart_bodies_are_read_with_their_files_as_text() {
        let body = b"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nPlan\r\n\
            --b\r\nContent-Disposition: form-data; name=\"preview_image\"; filename=\"p.png\"\r\n\r\n\
            \x89PNG\x00!\r\n--b--\r\n";
        let args = Args::parse(Some("multipart/form-data; boundary=b"), None, body).unwrap();
        assert_eq!(args.string("title").as_deref(), Some("Plan"));
        assert_eq!(args.string("preview_image").as_deref(), Some("PNG!"));
        assert_eq!(args.upload("preview_image").unwrap(), b"\x89PNG\x00!");
        assert_eq!(args.upload("title").unwrap(), b"Plan");
        assert_eq!(args.upload("absent"), None);
        let broken = Args::parse(Some("multipart/form-data; boundary=b"), None, b"junk");
        assert_eq!(broken.unwrap_err().code(), "invalid_form_data");
        // A text field that is not UTF-8 is refused, as in a form body.
        let bad = b"--b\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n\xff\r\n--b--\r\n";
        let bad = Args::parse(Some("multipart/form-data; boundary=b"), None, bad);
        assert_eq!(bad.unwrap_err().code(), "invalid_charset");
    }

    #[test]
    fn limits_default_clamp_and_reject_junk() {
        let parse = |q: &str| Args::parse(None, Some(q), b"").unwrap();
        assert_eq!(parse("").limit(100, 1000).unwrap(), 100);
        assert_eq!(parse("limit=0").limit(100, 1000).unwrap(), 100);
        assert_eq!(parse("limit=").limit(100, 1000).unwrap(), 100);
        assert_eq!(parse("limit=5000").limit(100, 1000).unwrap(), 1000);
        assert_eq!(parse("limit=2").limit(100, 1000).unwrap(), 2);
        assert_eq!(
            parse("limit=ten").limit(100, 1000).unwrap_err().code(),
            "invalid_arguments"
        );
    }

    #[test]
    fn numbers_and_empty_strings_read_as_text() {
        let args = Args::parse(
            JSON,
            None,
            br#"{"oldest":1700000000.5,"latest":"","x":null}"#,
        )
        .unwrap();
        assert_eq!(args.string("oldest").as_deref(), Some("1700000000.5"));
        assert_eq!(
            args.ts("oldest", "bad")
                .unwrap()
                .map(|ts| ts.to_string())
                .as_deref(),
            Some("1700000000.500000")
        );
        assert_eq!(args.ts("latest", "bad").unwrap(), None);
        assert!(args.has("latest"));
        assert!(!args.has("x"));
    }
}
