//! Notion ids: UUIDs, answered dashed, accepted with or without dashes.

use rand::Rng;

/// A fresh random (version 4) UUID, dashed.
pub(crate) fn new_uuid() -> String {
    let mut bytes: [u8; 16] = rand::rng().random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    dashed(&bytes.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// `text` as a dashed lower-case UUID, when it is one (32 hex digits, dashes optional).
pub(crate) fn parse(text: &str) -> Option<String> {
    let hex: String = text.chars().filter(|&c| c != '-').collect();
    let dashes_ok =
        text.len() == 32 || (text.len() == 36 && dashed(&hex) == text.to_ascii_lowercase());
    (hex.len() == 32 && dashes_ok && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| dashed(&hex.to_ascii_lowercase()))
}

/// The id part of a Notion URL-ish reference: the last 32 hex digits of `text`, if any.
fn dashed(hex: &str) -> String {
    if hex.len() != 32 {
        return hex.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Where Notion's web app shows an object, as Notion answers its `url`:
/// `https://www.notion.so/`, the words of `title` joined by `-` (a page's; empty for a database)
/// and the id without dashes (`https://www.notion.so/Bug-bash-be633bf1dfa0436db259571129a590e5`).
/// The SDKs' id helpers (`extract_page_id`) accept only notion.so addresses.
pub(crate) fn web_url(title: &str, id: &str) -> String {
    let mut path: String = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .flat_map(|word| [word, "-"])
        .collect();
    path.push_str(&id.replace('-', ""));
    format!("https://www.notion.so/{path}")
}

/// Four random characters: a new property id.
pub(crate) fn property_id() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_url_is_the_titles_words_then_the_id() {
        let id = "be633bf1-dfa0-436d-b259-571129a590e5";
        assert_eq!(
            web_url("Bug bash: Q3 (draft)", id),
            "https://www.notion.so/Bug-bash-Q3-draft-be633bf1dfa0436db259571129a590e5"
        );
        assert_eq!(
            web_url("", id),
            "https://www.notion.so/be633bf1dfa0436db259571129a590e5"
        );
    }

    #[test]
    fn ids_parse_with_and_without_dashes() {
        let id = "59833787-2cf9-4fdf-8782-e53db20768a5";
        assert_eq!(parse(id).as_deref(), Some(id));
        assert_eq!(
            parse("598337872cf94fdf8782e53db20768a5").as_deref(),
            Some(id)
        );
        assert_eq!(
            parse("598337872CF94FDF8782E53DB20768A5").as_deref(),
            Some(id)
        );
        for bad in [
            "",
            "abc",
            "59833787-2cf9-4fdf-8782-e53db20768a",
            "5983-37872cf94fdf8782e53db20768a5x",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert!(parse(&new_uuid()).is_some());
    }
}
