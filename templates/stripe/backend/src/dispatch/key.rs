//! The API key a request carries (`Bearer`, or HTTP Basic with the key as user name), and how
//! a rejected one is echoed.

use axum::http::HeaderMap;

/// Which key authenticated a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    Secret,
    Publishable,
}

/// The API key of a request: `Bearer <key>`, or HTTP Basic with the key as user name.
pub(super) fn api_key(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(rest.to_owned()).filter(|k| !k.is_empty());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = asym_kit::cursor::decode(rest).ok()?;
        let user = decoded.split(':').next().unwrap_or_default();
        return Some(user.to_owned()).filter(|k| !k.is_empty());
    }
    None
}

/// `sk_test_abc…wxyz` → `sk_test_****…wxyz`, as Stripe echoes a rejected key.
pub(super) fn mask_key(key: &str) -> String {
    let prefix_len = key
        .match_indices('_')
        .nth(1)
        .map_or(0, |(i, _)| i + 1)
        .min(key.len());
    let chars: Vec<char> = key.chars().collect();
    let prefix: String = key[..prefix_len].to_owned();
    let rest = &chars[prefix.chars().count()..];
    if rest.len() <= 4 {
        return format!("{prefix}{}", "*".repeat(rest.len()));
    }
    let tail: String = rest[rest.len() - 4..].iter().collect();
    format!("{prefix}{}{tail}", "*".repeat(rest.len() - 4))
}

pub(super) const NO_KEY: &str = "You did not provide an API key. You need to provide your API key in the \
    Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See \
    https://stripe.com/docs/api#authentication for details, or we can help at \
    https://support.stripe.com/.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_masked_like_stripe() {
        for (key, masked) in [
            ("sk_live_abcdefgh1234", "sk_live_********1234"),
            ("sk_test_ab", "sk_test_**"),
            ("nonsense12345", "*********2345"),
        ] {
            assert_eq!(mask_key(key), masked, "{key}");
        }
    }

    #[test]
    fn bearer_and_basic_keys() {
        for (authorization, key) in [
            ("Bearer sk_test_1", Some("sk_test_1")),
            // base64("sk_test_1:")
            ("Basic c2tfdGVzdF8xOg==", Some("sk_test_1")),
            ("Bearer ", None),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert("authorization", authorization.parse().unwrap());
            assert_eq!(api_key(&headers).as_deref(), key, "{authorization}");
        }
    }
}
