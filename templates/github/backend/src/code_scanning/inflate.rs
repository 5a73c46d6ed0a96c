//! Gunzip for SARIF uploads (`sarif` is gzip then base64), bounded in what it produces.

use std::io::Read as _;

use flate2::read::GzDecoder;

/// Why a body would not gunzip.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Gunzip {
    /// Not gzip, or a corrupt stream.
    Corrupt,
    /// More than the bound once inflated.
    TooLarge,
}

/// The bytes `data` (a gzip member) inflates to, at most `max` of them: a larger result is
/// refused once `max` is passed, not inflated whole first.
pub(crate) fn gunzip(data: &[u8], max: usize) -> Result<Vec<u8>, Gunzip> {
    // A gzip member is at least its 10-byte header and 8-byte trailer.
    if data.len() < 18 {
        return Err(Gunzip::Corrupt);
    }
    let mut out = Vec::new();
    let bound = u64::try_from(max).unwrap_or(u64::MAX).saturating_add(1);
    GzDecoder::new(data)
        .take(bound)
        .read_to_end(&mut out)
        .map_err(|_| Gunzip::Corrupt)?;
    if out.len() > max {
        return Err(Gunzip::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Gunzip, gunzip};

    /// `printf 'hello hello hello\n' | gzip -9n` (a fixed-code block; the API tests upload
    /// dynamic ones).
    #[test]
    fn inflates_gzip() {
        let fixed = [
            0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0x40,
            0x90, 0x5c, 0x00, 0x3b, 0x7c, 0x8a, 0xdf, 0x12, 0, 0, 0,
        ];
        assert_eq!(gunzip(&fixed, 100).unwrap(), b"hello hello hello\n");
        assert_eq!(gunzip(&fixed, 5), Err(Gunzip::TooLarge));
        assert_eq!(
            gunzip(b"not gzip at all, not at all", 100),
            Err(Gunzip::Corrupt)
        );
    }
}
