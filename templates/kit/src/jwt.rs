//! Signed JSON Web Tokens (RFC 7519) and the key set that verifies them (RFC 7517), for
//! products that issue OpenID Connect id_tokens: RS256 (RSASSA-PKCS1-v1_5 with SHA-256,
//! RFC 7518 §3.3), signed by `ring`.
//!
//! ```
//! use asym_kit::jwt::RsaSigner;
//! # let pem = include_str!("../tests/fixtures/rsa2048.pem");
//! let signer = RsaSigner::from_pkcs8_pem(pem, "key-2026").unwrap();
//! let token = signer.sign(&serde_json::json!({ "sub": "U0123" }));
//! assert_eq!(token.split('.').count(), 3);
//! assert_eq!(signer.jwk()["kid"], "key-2026");
//! ```

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::rsa::PublicKeyComponents;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde_json::{Value, json};

/// Why a key cannot be used for signing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Not a PEM `PRIVATE KEY` block of base64.
    #[error("key is not a PEM PRIVATE KEY block")]
    NotPem,
    /// PEM, but not an RSA key in PKCS #8 that `ring` accepts (2048 to 8192 bits).
    #[error("key is not a usable RSA PKCS #8 key: {0}")]
    Rejected(String),
}

/// Base64url without padding (RFC 7515 §2), the encoding of every part of a JWT.
pub fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The OpenID Connect `at_hash` of `access_token` (OIDC Core §3.1.3.6): the left half of its
/// SHA-256, base64url, as an RS256 id_token carries it.
pub fn at_hash(access_token: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, access_token.as_bytes());
    base64url(&digest.as_ref()[..16])
}

/// An RSA private key that signs JWTs with RS256, and the public half as a JWK.
#[derive(Debug)]
pub struct RsaSigner {
    key: RsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

impl RsaSigner {
    /// The key in `pem` (a `-----BEGIN PRIVATE KEY-----` block, PKCS #8, as
    /// `openssl genpkey -algorithm RSA` writes it), named `kid` in token headers and the JWK.
    ///
    /// # Errors
    ///
    /// [`KeyError`] when `pem` is not such a block or `ring` refuses the key.
    pub fn from_pkcs8_pem(pem: &str, kid: &str) -> Result<Self, KeyError> {
        let body: String = pem
            .lines()
            .map(str::trim)
            .skip_while(|line| *line != "-----BEGIN PRIVATE KEY-----")
            .skip(1)
            .take_while(|line| *line != "-----END PRIVATE KEY-----")
            .collect();
        let der = STANDARD.decode(body).map_err(|_| KeyError::NotPem)?;
        if der.is_empty() {
            return Err(KeyError::NotPem);
        }
        let key = RsaKeyPair::from_pkcs8(&der).map_err(|e| KeyError::Rejected(e.to_string()))?;
        Ok(Self {
            key,
            kid: kid.to_owned(),
            rng: SystemRandom::new(),
        })
    }

    /// The compact JWS of `claims` (`header.payload.signature`), its header
    /// `{"typ": "JWT", "alg": "RS256", "kid": …}`.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({ "typ": "JWT", "alg": "RS256", "kid": self.kid });
        let input = format!(
            "{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(claims.to_string().as_bytes())
        );
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut signature,
            )
            .expect("the signature buffer is the modulus' length");
        format!("{input}.{}", base64url(&signature))
    }

    /// The public key as a JWK (`kty`, `n`, `e`, `kid`, `alg`, `use`), an entry of the key set
    /// a product serves for its tokens' verifiers.
    pub fn jwk(&self) -> Value {
        let public = PublicKeyComponents::<Vec<u8>>::from(self.key.public());
        json!({
            "e": base64url(&public.e),
            "n": base64url(&public.n),
            "kty": "RSA",
            "kid": self.kid,
            "alg": "RS256",
            "use": "sig",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::RSA_PKCS1_2048_8192_SHA256;

    const PEM: &str = include_str!("../tests/fixtures/rsa2048.pem");

    fn signer() -> RsaSigner {
        RsaSigner::from_pkcs8_pem(PEM, "k1").unwrap()
    }

    #[test]
    fn a_token_verifies_against_its_jwk_and_not_once_changed() {
        let signer = signer();
        let token = signer.sign(&json!({ "sub": "U1", "nonce": "n" }));
        let (input, signature) = token.rsplit_once('.').unwrap();
        let jwk = signer.jwk();
        let part = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
        let public = PublicKeyComponents {
            n: part("n"),
            e: part("e"),
        };
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert!(
            public
                .verify(&RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &signature)
                .is_ok()
        );
        let tampered = input.replacen('e', "f", 1);
        assert!(
            public
                .verify(&RSA_PKCS1_2048_8192_SHA256, tampered.as_bytes(), &signature)
                .is_err()
        );
        assert_eq!(part("e"), [1, 0, 1]);
        assert_eq!(part("n").len(), 256);
    }

    #[test]
    fn the_header_names_the_algorithm_and_key() {
        let token = signer().sign(&json!({}));
        let header = URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap();
        let header: Value = serde_json::from_slice(&header).unwrap();
        assert_eq!(header, json!({ "typ": "JWT", "alg": "RS256", "kid": "k1" }));
    }

    #[test]
    fn base64url_has_no_padding_and_the_url_alphabet() {
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url(b""), "");
    }

    #[test]
    fn at_hash_is_the_left_half_of_the_sha256() {
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 …
        let left = [
            0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
            0x22, 0x23,
        ];
        assert_eq!(at_hash("abc"), base64url(&left));
    }

    #[test]
    fn a_key_that_is_not_pem_or_not_rsa_is_refused_by_name() {
        assert_eq!(
            RsaSigner::from_pkcs8_pem("hello", "k").unwrap_err(),
            KeyError::NotPem
        );
        let not_der = "-----BEGIN PRIVATE KEY-----\naGVsbG8=\n-----END PRIVATE KEY-----\n";
        assert!(matches!(
            RsaSigner::from_pkcs8_pem(not_der, "k").unwrap_err(),
            KeyError::Rejected(_)
        ));
    }
}
