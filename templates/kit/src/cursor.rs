//! Opaque pagination cursors: standard, padded base64 of a product-chosen string, the way
//! Slack's `dXNlcjpVMDYxTkZUVDI=` is `user:U061NFTT2`.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

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
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18u32, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes a cursor made by [`encode`] back to its inner string.
///
/// # Errors
///
/// [`CursorError`] when `cursor` is not padded standard base64 of UTF-8 text.
pub fn decode(cursor: &str) -> Result<String, CursorError> {
    let bytes = cursor.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return Err(CursorError::NotBase64);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let last = bytes.len() / 4 - 1;
    for (index, quad) in bytes.chunks(4).enumerate() {
        let padding = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if padding > 2 || (padding > 0 && index != last) {
            return Err(CursorError::NotBase64);
        }
        let mut n = 0u32;
        for &c in &quad[..4 - padding] {
            n = (n << 6) | u32::from(sextet(c).ok_or(CursorError::NotBase64)?);
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    String::from_utf8(out).map_err(|_| CursorError::NotText)
}

fn sextet(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
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
