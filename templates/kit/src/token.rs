//! Credentials: minting, hashing (tokens are stored only hashed) and comparing.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

/// Length of the random part of [`mint`]: 40 alphanumerics, about 238 bits.
const MINT_LEN: usize = 40;

/// A fresh random credential: `prefix` followed by 40 URL-safe alphanumerics.
///
/// Products whose real credentials have a stricter shape (Slack's `xoxb-<digits>-…`) build it
/// from [`random_alnum`], [`random_digits`] and [`random_hex`] instead.
pub fn mint(prefix: &str) -> String {
    let mut token = String::with_capacity(prefix.len() + MINT_LEN);
    token.push_str(prefix);
    token.push_str(&random_alnum(MINT_LEN));
    token
}

/// The form a credential is stored in: lowercase hex of its SHA-256.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `len` random ASCII letters and digits.
pub fn random_alnum(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// `len` random decimal digits, the first never `0` (so the number keeps its length).
pub fn random_digits(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|i| {
            let low = u8::from(i == 0);
            char::from(b'0' + rng.random_range(low..10))
        })
        .collect()
}

/// `len` random lowercase hex digits.
pub fn random_hex(len: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(HEX[rng.random_range(0..16)]))
        .collect()
}

/// 32 random lowercase hex digits in a UUID's 8-4-4-4-12 groups (no version bits): the shape
/// of GitHub's delivery GUIDs and HubSpot's correlation ids.
pub fn random_uuid() -> String {
    let hex = random_hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Whether `text` is a UUID in its canonical text form: 8-4-4-4-12 hexadecimal digits, either
/// case (what HubSpot's form ids and Linear's ids are; no version bits checked).
pub fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.iter().map(|group| group.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|group| group.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// HMAC-SHA256 of `message` under `key` (RFC 2104), as lowercase hex: what webhook
/// signatures (`X-Slack-Signature: v0=…`, `Stripe-Signature: …,v1=…`) are made of.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    hex::encode(hmac_sha256(key, message))
}

/// HMAC-SHA256 of `message` under `key` (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.into()
}

/// Compares two secrets in time independent of where they differ and of their lengths
/// (both sides are hashed first).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_keep_the_prefix_are_url_safe_and_differ() {
        let a = mint("tok_");
        let b = mint("tok_");
        assert!(a.starts_with("tok_"));
        assert_eq!(a.len(), 4 + MINT_LEN);
        assert!(a[4..].chars().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn random_helpers_have_the_asked_shape() {
        let digits = random_digits(12);
        assert_eq!(digits.len(), 12);
        assert!(digits.chars().all(|c| c.is_ascii_digit()));
        assert_ne!(digits.as_bytes()[0], b'0');
        let hex = random_hex(32);
        assert_eq!(hex.len(), 32);
        assert!(hex.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')));
        assert_eq!(random_alnum(24).len(), 24);
        let uuid = random_uuid();
        assert!(is_uuid(&uuid), "{uuid}");
        assert_ne!(uuid, random_uuid());
    }

    #[test]
    fn uuids_are_five_groups_of_hex() {
        assert!(is_uuid("0E6C5B4A-1d2e-4f3a-8b9c-0123456789ab"));
        for wrong in [
            "",
            "0e6c5b4a1d2e4f3a8b9c0123456789ab",
            "0e6c5b4a-1d2e-4f3a-8b9c-0123456789a",
            "0e6c5b4a-1d2e-4f3a-8b9c-0123456789abc",
            "0e6c5b4a-1d2e-4f3a-8b9c-0123456789ag",
            "0e6c5b4a-1d2e-4f3a-8b9c-01234567-89a",
            "{0e6c5b4a-1d2e-4f3a-8b9c-0123456789ab}",
        ] {
            assert!(!is_uuid(wrong), "{wrong}");
        }
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2 of RFC 4231.
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hmac_sha256_hex(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn constant_time_eq_compares_contents() {
        assert!(constant_time_eq("secret", "secret"));
        assert!(!constant_time_eq("secret", "secreT"));
        assert!(!constant_time_eq("secret", "secret2"));
        assert!(!constant_time_eq("", "x"));
    }
}
