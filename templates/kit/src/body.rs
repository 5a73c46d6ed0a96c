//! Bounded request bodies: every body a clone reads goes through here, so no request can
//! exhaust memory or the stack, and text with NUL bytes or invalid UTF-8 never reaches
//! Postgres (which refuses 0x00). Each product maps [`BodyError`] to its own error shape.
//!
//! ```
//! use asym_kit::body::{self, Limits};
//! let value = body::json(br#"{"title":"hi"}"#, &Limits::default()).unwrap();
//! assert_eq!(value["title"], "hi");
//! assert!(matches!(body::json(b"{\"t\":\"a\\u0000\"}", &Limits::default()), Err(body::BodyError::NulByte)));
//! ```

use axum::body::{Body, Bytes};
use serde_json::Value;

/// How much a body may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects (or bracketed form keys).
    pub max_depth: usize,
    /// Most object keys (or form fields) in the whole body.
    pub max_keys: usize,
}

impl Default for Limits {
    /// 1 MiB, 64 levels, 10,000 keys.
    fn default() -> Self {
        Self {
            max_bytes: 1 << 20,
            max_depth: 64,
            max_keys: 10_000,
        }
    }
}

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// Longer than [`Limits::max_bytes`].
    #[error("the request body is larger than {limit} bytes")]
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// The body could not be read from the connection.
    #[error("the request body could not be read")]
    Unreadable,
    /// Not UTF-8.
    #[error("the request body is not valid UTF-8")]
    InvalidUtf8,
    /// A string holds U+0000.
    #[error("a string in the request holds a NUL byte (U+0000)")]
    NulByte,
    /// Not JSON (serde's message, with line and column).
    #[error("the request body is not valid JSON: {0}")]
    Syntax(String),
    /// Nested deeper than [`Limits::max_depth`].
    #[error("the request body is nested more than {limit} levels deep")]
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More keys than [`Limits::max_keys`].
    #[error("the request body has more than {limit} keys")]
    TooManyKeys {
        /// The limit.
        limit: usize,
    },
}

/// How much of an over-long body is read and thrown away before answering, so that a client
/// still writing it reads the error instead of a broken pipe.
const DRAIN_BYTES: usize = 64 << 20;

/// Reads at most `limits.max_bytes` of `body`.
///
/// # Errors
///
/// [`BodyError::TooLarge`] past the limit (after discarding up to 64 MiB more, so the client
/// gets to read the answer), [`BodyError::Unreadable`] when the connection fails.
pub async fn read(body: Body, limits: &Limits) -> Result<Bytes, BodyError> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= limits.max_bytes {
            kept.extend_from_slice(&data);
        } else if seen > limits.max_bytes.saturating_add(DRAIN_BYTES) {
            break;
        }
    }
    if seen > limits.max_bytes {
        return Err(BodyError::TooLarge {
            limit: limits.max_bytes,
        });
    }
    Ok(Bytes::from(kept))
}

/// Checks `bytes` as text: UTF-8, no NUL.
///
/// # Errors
///
/// [`BodyError::InvalidUtf8`], [`BodyError::NulByte`].
pub fn text(bytes: &[u8]) -> Result<&str, BodyError> {
    let text = std::str::from_utf8(bytes).map_err(|_| BodyError::InvalidUtf8)?;
    if text.contains('\0') {
        return Err(BodyError::NulByte);
    }
    Ok(text)
}

/// Parses `bytes` as JSON within `limits`: size, UTF-8, nesting depth, key count, and no
/// NUL in any string or key (escaped `\u0000` included).
///
/// # Errors
///
/// The first [`BodyError`] found.
pub fn json(bytes: &[u8], limits: &Limits) -> Result<Value, BodyError> {
    if bytes.len() > limits.max_bytes {
        return Err(BodyError::TooLarge {
            limit: limits.max_bytes,
        });
    }
    std::str::from_utf8(bytes).map_err(|_| BodyError::InvalidUtf8)?;
    // Depth is checked on the raw bytes first: serde_json's own recursion limit (128) would
    // answer a deeper body with a syntax error, and it must be named for what it is.
    check_depth(bytes, limits.max_depth)?;
    let value: Value =
        serde_json::from_slice(bytes).map_err(|err| BodyError::Syntax(err.to_string()))?;
    let mut keys = 0usize;
    walk(&value, &mut keys, limits)?;
    Ok(value)
}

/// Fails when brackets outside strings nest deeper than `max`.
fn check_depth(bytes: &[u8], max: usize) -> Result<(), BodyError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Err(BodyError::TooDeep { limit: max });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

fn walk(value: &Value, keys: &mut usize, limits: &Limits) -> Result<(), BodyError> {
    match value {
        Value::String(s) if s.contains('\0') => Err(BodyError::NulByte),
        Value::Array(items) => items.iter().try_for_each(|item| walk(item, keys, limits)),
        Value::Object(map) => {
            *keys += map.len();
            if *keys > limits.max_keys {
                return Err(BodyError::TooManyKeys {
                    limit: limits.max_keys,
                });
            }
            map.iter().try_for_each(|(key, item)| {
                if key.contains('\0') {
                    return Err(BodyError::NulByte);
                }
                walk(item, keys, limits)
            })
        }
        _ => Ok(()),
    }
}

/// Checks decoded form or query pairs within `limits`: the number of fields, the bracket
/// depth of each name (`a[b][c]` is 3 deep), and no NUL or U+FFFD from invalid UTF-8
/// (see [`crate::form::parse`], which decodes bytes that are not UTF-8 to U+FFFD).
///
/// # Errors
///
/// [`BodyError::TooManyKeys`], [`BodyError::TooDeep`], [`BodyError::NulByte`] or
/// [`BodyError::InvalidUtf8`].
pub fn check_pairs(pairs: &[(String, String)], limits: &Limits) -> Result<(), BodyError> {
    if pairs.len() > limits.max_keys {
        return Err(BodyError::TooManyKeys {
            limit: limits.max_keys,
        });
    }
    for (name, value) in pairs {
        if name.matches('[').count() + 1 > limits.max_depth {
            return Err(BodyError::TooDeep {
                limit: limits.max_depth,
            });
        }
        if name.contains('\0') || value.contains('\0') {
            return Err(BodyError::NulByte);
        }
        if name.contains('\u{FFFD}') || value.contains('\u{FFFD}') {
            return Err(BodyError::InvalidUtf8);
        }
    }
    Ok(())
}

/// Where a request's URI holds a NUL (`%00`): no name or value a product serves holds one, and
/// Postgres refuses it in text, so a backend answers it before any query (404 in the path, the
/// product's validation error in the query).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nul {
    /// In the path.
    Path,
    /// In the query string.
    Query,
}

/// Where `uri` holds a NUL escape, if anywhere.
pub fn nul_in(uri: &axum::http::Uri) -> Option<Nul> {
    let has = |text: &str| text.as_bytes().windows(3).any(|w| w == b"%00");
    if has(uri.path()) {
        Some(Nul::Path)
    } else if uri.query().is_some_and(has) {
        Some(Nul::Query)
    } else {
        None
    }
}

/// Whether `uri`'s path decodes to UTF-8 once its percent escapes are read (`%FF` does not). A
/// path that does not names nothing a product serves; axum's own refusal of it is plain text, so
/// a backend answers it first, with its product's 404. An escape that is not `%` and two hex
/// digits stays as written, as axum leaves it.
pub fn path_is_utf8(uri: &axum::http::Uri) -> bool {
    let path = uri.path().as_bytes();
    let mut decoded = Vec::with_capacity(path.len());
    let mut rest = path;
    while let Some((&first, tail)) = rest.split_first() {
        let escaped = tail
            .get(..2)
            .filter(|hex| first == b'%' && hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                rest = &tail[2..];
            }
            None => {
                decoded.push(first);
                rest = tail;
            }
        }
    }
    std::str::from_utf8(&decoded).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            max_bytes: 64,
            max_depth: 3,
            max_keys: 4,
        }
    }

    #[test]
    fn every_limit_is_named() {
        let limits = small();
        assert_eq!(
            json(br#"{"a":[1,{"b":2}]}"#, &limits).unwrap()["a"][1]["b"],
            2
        );
        assert_eq!(
            json(br#"[[[[1]]]]"#, &limits),
            Err(BodyError::TooDeep { limit: 3 })
        );
        assert_eq!(
            json(br#"{"a":1,"b":2,"c":3,"d":4,"e":5}"#, &limits),
            Err(BodyError::TooManyKeys { limit: 4 })
        );
        assert_eq!(
            json(&[b' '; 65], &limits),
            Err(BodyError::TooLarge { limit: 64 })
        );
        assert_eq!(json(b"\"\xff\"", &limits), Err(BodyError::InvalidUtf8));
        assert_eq!(json(br#"{"a":"\u0000"}"#, &limits), Err(BodyError::NulByte));
        assert_eq!(json(br#"{"\u0000":1}"#, &limits), Err(BodyError::NulByte));
        assert!(matches!(json(b"{", &limits), Err(BodyError::Syntax(_))));
    }

    #[test]
    fn brackets_inside_strings_do_not_count_as_depth() {
        let limits = small();
        assert!(json(br#"{"a":"[[[[[[\"{{{{"}"#, &limits).is_ok());
    }

    #[test]
    fn ten_thousand_levels_are_refused_without_recursing() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(
            json(
                deep.as_bytes(),
                &Limits {
                    max_bytes: 1 << 20,
                    ..Limits::default()
                }
            ),
            Err(BodyError::TooDeep { limit: 64 })
        );
    }

    #[test]
    fn form_pairs_are_bounded() {
        let limits = small();
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert!(check_pairs(&[pair("a[b][c]", "x")], &limits).is_ok());
        assert_eq!(
            check_pairs(&[pair("a[b][c][d]", "x")], &limits),
            Err(BodyError::TooDeep { limit: 3 })
        );
        assert_eq!(
            check_pairs(&[pair("a", "x\0")], &limits),
            Err(BodyError::NulByte)
        );
        assert_eq!(
            check_pairs(&[pair("a", "\u{FFFD}")], &limits),
            Err(BodyError::InvalidUtf8)
        );
        assert_eq!(
            check_pairs(&vec![pair("a", "1"); 5], &limits),
            Err(BodyError::TooManyKeys { limit: 4 })
        );
        assert_eq!(text(b"ok"), Ok("ok"));
        assert_eq!(text(b"a\0"), Err(BodyError::NulByte));
    }

    #[test]
    fn a_nul_escape_is_found_in_the_path_or_the_query() {
        let at = |uri: &str| nul_in(&uri.parse().unwrap());
        assert_eq!(at("/users/%00"), Some(Nul::Path));
        assert_eq!(at("/search?q=a%00b"), Some(Nul::Query));
        assert_eq!(at("/search?q=%2500&x=100"), None);
        assert_eq!(at("/a/b%2F00"), None);
    }

    #[test]
    fn a_path_whose_escapes_are_not_utf8_is_told() {
        let reads = |uri: &str| path_is_utf8(&uri.parse().unwrap());
        assert!(reads("/v1/pages/caf%C3%A9?q=%FF"));
        assert!(reads("/a/%zz/%+F/%4"));
        assert!(!reads("/v1/pages/%FF"));
        assert!(!reads("/labels/%C3"));
        assert!(!reads("/b/%ff%fe"));
    }
}
