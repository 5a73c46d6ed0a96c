//! RS256 (RSASSA-PKCS1-v1_5 with SHA-256), as Slack signs its Sign in with Slack id_tokens:
//! the clone's own 2048-bit key (fixed, public test material, published at
//! `/openid/connect/keys`) and the modular arithmetic behind a signature, in Montgomery form.

/// The key's id, the `kid` of every id_token header and of the JWKS entry.
pub(crate) const KEY_ID: &str = "asym-slack-openid-2026";

/// The public exponent, 65537.
const EXPONENT: u64 = 65_537;

/// The modulus, big-endian hex.
const MODULUS: &[&str] = &[
    "c19f2fb0751018240077d0f428084c1cfa36fcb990c7c4f5544879bca2516687",
    "c369d28df688ac234be592db496bd95f63d000cf75ddd739f5fcd137fd452712",
    "5806fd3c185d2227ebad5b18183866a76147f71846a7941756dd2b8780e5414a",
    "6eee9e61d714f94ed9608df05ca32f83a8653d251c1045c9780577b25e4ae5d4",
    "cff49d6c5b3db2fb4b3ae7b6305f4618d9c49e064525c6021b3d6eb42e7320b5",
    "a00399602ffb16cc6e144e7b80609f51c51d963ecbc5a86a723eb6572d8b4f12",
    "be3acf5ba05e8a32bc9e3d03b44b243b7d57e271b89e7030bb7d24ed7ed0421e",
    "a21df0fcd0f661097c02de62dc5653ac1a76e82a474d10bec99251ebfccd89f7",
];

/// The private exponent, big-endian hex.
const PRIVATE_EXPONENT: &[&str] = &[
    "e22b7cf5c01751a58135395ffac5b671d424c99b8379887b0a65286c61a516b3",
    "1d4c1362e866f8fba47b2e41d18bd0def4fdbf0848d79525158b4663030a308f",
    "e4575963e33936055815f6befd3d0c363dc52b364dc84b3e81f43adadcac0318",
    "6f5525722486b41470b04ef580545984dd887877ea95178d709bb753c133cfcc",
    "65e7d5a8c16aff53225ddaaff10aabc0c233d8879b264f04e40009158a32487c",
    "09616bdd475bd8d6794d010218ffcf4d4db75e0f2dee652a84be71748450d826",
    "abc40dd52a3feab0446f7d76351fe97ae1b1cca0a26a0c54742627812f96b548",
    "3d7a39e5f20ed65793a2a915b26c49587abc8107ecf6172fe352427e3fe031",
];

/// The DER prefix of a SHA-256 `DigestInfo` (RFC 8017 §9.2, note 1).
const SHA256_DIGEST_INFO: &[u8] = &[
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// Bytes of the hex digits `hex` (an odd count reads a leading zero).
fn hex_bytes(hex: &str) -> Vec<u8> {
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    padded
        .as_bytes()
        .chunks(2)
        .map(|pair| {
            let digit = |c: u8| char::from(c).to_digit(16).unwrap_or(0) as u8;
            digit(pair[0]) << 4 | digit(pair[1])
        })
        .collect()
}

/// The modulus, big-endian bytes.
pub(crate) fn modulus() -> Vec<u8> {
    hex_bytes(&MODULUS.concat())
}

/// The public exponent, big-endian bytes without leading zeros.
pub(crate) fn exponent() -> Vec<u8> {
    let bytes = EXPONENT.to_be_bytes();
    let first = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len() - 1);
    bytes[first..].to_vec()
}

/// A number of `k` 64-bit limbs, least significant first, read from big-endian `bytes`.
fn limbs(bytes: &[u8], k: usize) -> Vec<u64> {
    let mut out = vec![0u64; k];
    for (i, byte) in bytes.iter().rev().enumerate() {
        out[i / 8] |= u64::from(*byte) << (8 * (i % 8));
    }
    out
}

/// `limbs` as `len` big-endian bytes.
fn to_bytes(limbs: &[u64], len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    for (i, byte) in out.iter_mut().rev().enumerate() {
        *byte = (limbs[i / 8] >> (8 * (i % 8))) as u8;
    }
    out
}

/// Whether `a >= b` (same length).
fn at_least(a: &[u64], b: &[u64]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// `a -= b` modulo 2^(64k).
fn subtract(a: &mut [u64], b: &[u64]) {
    let mut borrow = false;
    for (x, y) in a.iter_mut().zip(b) {
        let (d, b1) = x.overflowing_sub(*y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *x = d;
        borrow = b1 || b2;
    }
}

/// Arithmetic modulo an odd `n` in Montgomery form (R = 2^(64k)).
struct Montgomery {
    n: Vec<u64>,
    /// `-n^-1 mod 2^64`.
    n_prime: u64,
    /// `R^2 mod n`.
    r2: Vec<u64>,
}

impl Montgomery {
    fn new(n: Vec<u64>) -> Self {
        let mut inverse = 1u64;
        for _ in 0..6 {
            inverse = inverse.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inverse)));
        }
        let mut r2 = vec![0u64; n.len()];
        r2[0] = 1;
        for _ in 0..128 * n.len() {
            let carry = r2[n.len() - 1] >> 63;
            for i in (1..n.len()).rev() {
                r2[i] = r2[i] << 1 | r2[i - 1] >> 63;
            }
            r2[0] <<= 1;
            if carry == 1 || at_least(&r2, &n) {
                subtract(&mut r2, &n);
            }
        }
        Self {
            n_prime: inverse.wrapping_neg(),
            n,
            r2,
        }
    }

    /// `a * b / R mod n` (CIOS).
    fn multiply(&self, a: &[u64], b: &[u64]) -> Vec<u64> {
        let k = self.n.len();
        let mut t = vec![0u64; k + 2];
        for &bi in b {
            let mut carry = 0u128;
            for j in 0..k {
                let sum = u128::from(t[j]) + u128::from(a[j]) * u128::from(bi) + carry;
                t[j] = sum as u64;
                carry = sum >> 64;
            }
            let sum = u128::from(t[k]) + carry;
            t[k] = sum as u64;
            t[k + 1] = (sum >> 64) as u64;
            let m = t[0].wrapping_mul(self.n_prime);
            let mut carry = (u128::from(t[0]) + u128::from(m) * u128::from(self.n[0])) >> 64;
            for j in 1..k {
                let sum = u128::from(t[j]) + u128::from(m) * u128::from(self.n[j]) + carry;
                t[j - 1] = sum as u64;
                carry = sum >> 64;
            }
            let sum = u128::from(t[k]) + carry;
            t[k - 1] = sum as u64;
            t[k] = t[k + 1] + (sum >> 64) as u64;
        }
        let mut out = t[..k].to_vec();
        if t[k] != 0 || at_least(&out, &self.n) {
            subtract(&mut out, &self.n);
        }
        out
    }

    /// `base^exponent mod n`, `exponent` big-endian bytes.
    fn power(&self, base: &[u64], exponent: &[u8]) -> Vec<u64> {
        let k = self.n.len();
        let mut one = vec![0u64; k];
        one[0] = 1;
        let base = self.multiply(base, &self.r2);
        let mut acc = self.multiply(&one, &self.r2);
        for byte in exponent {
            for bit in (0..8).rev() {
                acc = self.multiply(&acc, &acc);
                if byte >> bit & 1 == 1 {
                    acc = self.multiply(&acc, &base);
                }
            }
        }
        self.multiply(&acc, &one)
    }
}

/// `message^exponent mod modulus`, all big-endian, answered in the modulus's length.
fn power_mod(message: &[u8], exponent: &[u8], modulus: &[u8]) -> Vec<u8> {
    let k = modulus.len().div_ceil(8);
    let field = Montgomery::new(limbs(modulus, k));
    to_bytes(&field.power(&limbs(message, k), exponent), modulus.len())
}

/// The EMSA-PKCS1-v1_5 encoding of a SHA-256 `digest` for a `len`-byte modulus.
fn encode(digest: &[u8], len: usize) -> Vec<u8> {
    let mut out = vec![0x00, 0x01];
    out.resize(len - SHA256_DIGEST_INFO.len() - digest.len() - 1, 0xff);
    out.push(0x00);
    out.extend_from_slice(SHA256_DIGEST_INFO);
    out.extend_from_slice(digest);
    out
}

/// The SHA-256 digest of `text`.
pub(crate) fn sha256(text: &str) -> Vec<u8> {
    hex_bytes(&asym_kit::token::hash(text))
}

/// The RS256 signature of `text` under the clone's key.
pub(crate) fn sign(text: &str) -> Vec<u8> {
    let modulus = modulus();
    let encoded = encode(&sha256(text), modulus.len());
    power_mod(&encoded, &hex_bytes(&PRIVATE_EXPONENT.concat()), &modulus)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `openssl dgst -sha256 -sign` of `hello.world` under the same key.
    const OPENSSL_SIGNATURE: &[&str] = &[
        "b72499b7e3d5e9ecd2e2215400cdbd857388abc450ce8907127e399148edc40b",
        "a8b32f0e671356337577aeabe01a78078f4974be1f22b1d6d2a39b25868a9518",
        "9f392683e8fc1d05a1e8cd85b5da285ca827efd469e319fcd494ac63c2546966",
        "7ebb61c111a5d597decbbe81f8d1bddcfe86a4e91e4d20ffd6ce8c67253fa8b6",
        "91d446a55a3feaf40f521649eda38af50e4be462659555550d2e4f4ed4ad5760",
        "4c4931b6febc51af23b6bfc2d6bc2581b1a51c90ed12c09fcc298234b8bb6d28",
        "948bb096ca87e7cc623e89f3609da3a7e5f76ba70ff3bf44255c1b59f674280d",
        "699a93a19b234b8c6ec3381df6bd103b2fa56fe451361b48b8ac3d98c0f83063",
    ];

    #[test]
    fn signatures_match_openssl_and_verify_with_the_public_exponent() {
        let signature = sign("hello.world");
        assert_eq!(signature, hex_bytes(&OPENSSL_SIGNATURE.concat()));
        let recovered = power_mod(&signature, &exponent(), &modulus());
        assert_eq!(recovered, encode(&sha256("hello.world"), 256));
        assert_ne!(sign("hello.world!"), signature);
    }

    #[test]
    fn small_powers_are_right() {
        // 4^13 mod 497 = 445 (the textbook example).
        assert_eq!(power_mod(&[4], &[13], &[1, 0xf1]), vec![1, 0xbd]);
        assert_eq!(exponent(), vec![1, 0, 1]);
    }
}
