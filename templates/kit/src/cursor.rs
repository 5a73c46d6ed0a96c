//! Opaque pagination cursors: standard, padded base64 of a product-chosen string, the way
//! Slack's `dXNlcjpVMDYxTkZUVDI=` is `user:U061NFTT2`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Why a cursor a client sent cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CursorError {
    /// Not base64 (wrong alphabet, length or padding).
    #[error("cursor is not base64")]
    NotBase64,
    /// Base64, but not of UTF-8 text.
    #[error("cursor does not decode to text")]
    NotText,
}

/// Encodes `inner` (e.g. `channel:C0123`) as a cursor.
pub fn encode(inner: &str) -> String {
    base64(inner.as_bytes())
}

/// Standard, padded base64 of `bytes` (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Decodes a cursor made by [`encode`] back to its inner string.
///
/// # Errors
///
/// [`CursorError`] when `cursor` is not padded standard base64 of UTF-8 text.
pub fn decode(cursor: &str) -> Result<String, CursorError> {
    if cursor.is_empty() {
        return Err(CursorError::NotBase64);
    }
    let bytes = STANDARD
        .decode(cursor)
        .map_err(|_| CursorError::NotBase64)?;
    String::from_utf8(bytes).map_err(|_| CursorError::NotText)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_slacks_documented_cursor() {
        assert_eq!(encode("user:U061NFTT2"), "dXNlcjpVMDYxTkZUVDI=");
        assert_eq!(decode("dXNlcjpVMDYxTkZUVDI=").unwrap(), "user:U061NFTT2");
        assert_eq!(
            decode("bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz").unwrap(),
            "next_ts:1512085861000543"
        );
    }

    #[test]
    fn round_trips_every_padding_length() {
        for inner in ["a", "ab", "abc", "abcd", "channel:C0000000002", "é"] {
            assert_eq!(decode(&encode(inner)).unwrap(), inner);
        }
    }

    #[test]
    fn rejects_what_is_not_a_cursor() {
        for bad in [
            "",
            "abc",
            "ab=c",
            "a===",
            "====",
            "ab!c",
            "YQ==YQ==",
            "dXNlcjpVMDYxTkZUVDI",
        ] {
            assert_eq!(decode(bad), Err(CursorError::NotBase64), "{bad:?}");
        }
        assert_eq!(decode("/w=="), Err(CursorError::NotText));
    }
}
