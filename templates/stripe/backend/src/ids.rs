//! Stripe-shaped ids, derived from the database's `object_seq`: the same sequence value always
//! gives the same id, so a reset clone hands out the same ids again.

use sha2::{Digest, Sha256};

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` base-62 characters derived from `seed`.
pub(crate) fn base62(seed: &str, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut round = 0u32;
    while out.len() < len {
        let digest = Sha256::digest(format!("asym:{round}:{seed}").as_bytes());
        for byte in digest {
            // 248 = 4 × 62: keep the distribution even.
            if byte < 248 && out.len() < len {
                out.push(char::from(BASE62[usize::from(byte % 62)]));
            }
        }
        round += 1;
    }
    out
}

/// The id of the object numbered `seq`: `prefix` (e.g. `cus_`) + 14 base-62 characters.
pub(crate) fn object_id(prefix: &str, seq: i64) -> String {
    let len = if prefix.starts_with("cs_") { 58 } else { 14 };
    format!("{prefix}{}", base62(&seq.to_string(), len))
}

/// A client secret for `id`: `<id>_secret_<25 characters>`.
pub(crate) fn client_secret(id: &str) -> String {
    format!("{id}_secret_{}", base62(&format!("secret:{id}"), 25))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_deterministic_distinct_and_shaped() {
        let a = object_id("cus_", 1);
        assert_eq!(a, object_id("cus_", 1));
        assert_ne!(a, object_id("cus_", 2));
        assert_eq!(a.len(), 4 + 14);
        assert!(a[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(object_id("cs_test_", 9).len(), 8 + 58);
        assert!(client_secret("pi_1").starts_with("pi_1_secret_"));
    }
}
