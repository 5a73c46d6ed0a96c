//! `application/x-www-form-urlencoded` decoding, for request bodies and query strings alike.

/// Decodes `name=value&…` pairs in order, keeping repeated names.
///
/// `+` is a space, `%XX` a byte; a malformed escape is kept literally and bytes that are not
/// UTF-8 become U+FFFD, as browsers and the WHATWG URL standard do. Never fails.
pub fn parse(input: &[u8]) -> Vec<(String, String)> {
    input
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(i) => (&pair[..i], &pair[i + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            (decode(name), decode(value))
        })
        .collect()
}

/// The first value of `name` among decoded `pairs`, as a query's `get` reads it.
pub fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Percent-encodes `text` for a URL path segment or query component: RFC 3986's unreserved
/// characters stay, every other byte becomes `%XX`.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn decode(input: &[u8]) -> String {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = input.get(i + 1).and_then(|&c| hex_value(c));
                let lo = input.get(i + 2).and_then(|&c| hex_value(c));
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(input: &str) -> Vec<(String, String)> {
        parse(input.as_bytes())
    }

    #[test]
    fn encodes_all_but_unreserved_bytes() {
        assert_eq!(encode("a b.txt"), "a%20b.txt");
        assert_eq!(encode("A-z_0.9~"), "A-z_0.9~");
        assert_eq!(encode("x/y?=&é"), "x%2Fy%3F%3D%26%C3%A9");
    }

    #[test]
    fn first_finds_the_first_value_of_a_name() {
        let query = pairs("a=1&b=2&a=3");
        assert_eq!(first(&query, "a"), Some("1"));
        assert_eq!(first(&query, "b"), Some("2"));
        assert_eq!(first(&query, "c"), None);
    }

    #[test]
    fn decodes_pairs_plus_and_percent() {
        assert_eq!(
            pairs("channel=%23general&text=hello+world%21&empty=&flag"),
            [
                ("channel".into(), "#general".into()),
                ("text".into(), "hello world!".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
    }

    #[test]
    fn keeps_utf8_and_json_values() {
        let got = pairs("blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D&t=caf%C3%A9");
        assert_eq!(got[0].1, r#"[{"type":"divider"}]"#);
        assert_eq!(got[1].1, "café");
    }

    #[test]
    fn tolerates_malformed_input() {
        assert_eq!(
            pairs("a=%zz&&b=%4"),
            [("a".into(), "%zz".into()), ("b".into(), "%4".into())]
        );
        assert_eq!(pairs("a=%ff")[0].1, "\u{fffd}");
        assert!(pairs("").is_empty());
    }
}
