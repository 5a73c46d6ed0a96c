//! A remote file's preview image (`files.remote.add`/`.update`'s `preview_image`): Slack
//! takes a JPG or PNG (`bad_image` otherwise, "try passing a JPG or PNG"), refuses one of
//! excessive dimensions (`too_large`), and answers the file with `has_rich_preview` and its
//! thumbnails (`thumb_64` … `thumb_1024`, `original_w`/`original_h`). The clone keeps the
//! image as sent and serves it at every thumbnail URL (it scales nothing; each
//! `thumb_<n>_w`/`_h` is the size Slack's thumbnail of that box would have).

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The largest side the clone takes (Slack documents `too_large`, not its bound).
pub(crate) const MAX_SIDE: u32 = 10_000;

/// The square thumbnails Slack names without a size (`thumb_64`, `thumb_80`, `thumb_160`).
const SQUARE: [u32; 3] = [64, 80, 160];

/// The boxed thumbnails, each answered with `thumb_<n>_w` and `thumb_<n>_h`: 360 always, a
/// larger one when the image reaches it.
const BOXED: [u32; 6] = [360, 480, 720, 800, 960, 1024];

/// A preview image as taken: its bytes, size and kind (`png` or `jpg`).
#[derive(Debug)]
pub(crate) struct Preview {
    pub(crate) bytes: Vec<u8>,
    pub(crate) width: i32,
    pub(crate) height: i32,
    pub(crate) kind: &'static str,
}

impl Preview {
    /// Reads `bytes` as a PNG or a JPEG.
    ///
    /// # Errors
    ///
    /// `bad_image` for anything else (or one without a size), `too_large` for a side over
    /// [`MAX_SIDE`].
    pub(crate) fn read(bytes: Vec<u8>) -> Result<Self, ApiError> {
        let (kind, width, height) = image_kind(&bytes, false)?;
        Ok(Self {
            bytes,
            width,
            height,
            kind,
        })
    }
}

/// The kind (`png`, `jpg`, with `gif` also `gif`) and size of the image `bytes`.
///
/// # Errors
///
/// `bad_image` for anything else (or one without a size), `too_large` for a side over
/// [`MAX_SIDE`].
pub(crate) fn image_kind(bytes: &[u8], gif: bool) -> Result<(&'static str, i32, i32), ApiError> {
    let (kind, (width, height)) = png_size(bytes)
        .map(|size| ("png", size))
        .or_else(|| jpeg_size(bytes).map(|size| ("jpg", size)))
        .or_else(|| gif_size(bytes).filter(|_| gif).map(|size| ("gif", size)))
        .filter(|(_, (w, h))| *w > 0 && *h > 0)
        .ok_or_else(|| ApiError::new("bad_image"))?;
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ApiError::new("too_large"));
    }
    let side = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    Ok((kind, side(width), side(height)))
}

fn be(bytes: &[u8], at: usize, len: usize) -> Option<u32> {
    let slice = bytes.get(at..at + len)?;
    Some(slice.iter().fold(0, |n, b| (n << 8) | u32::from(*b)))
}

/// A PNG's width and height, from its `IHDR` chunk.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    (bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR"))
        .then(|| Some((be(bytes, 16, 4)?, be(bytes, 20, 4)?)))
        .flatten()
}

/// A GIF's width and height, from its logical screen descriptor (little-endian).
fn gif_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let le = |at: usize| Some(u32::from(*bytes.get(at)?) | u32::from(*bytes.get(at + 1)?) << 8);
    (bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"))
        .then(|| Some((le(6)?, le(8)?)))
        .flatten()
}

/// A JPEG's width and height, from its first start-of-frame segment.
fn jpeg_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            0xFF => at += 1,
            0x01 | 0xD0..=0xD7 => at += 2,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be(bytes, at + 7, 2)?, be(bytes, at + 5, 2)?));
            }
            0xD9 | 0xDA => return None,
            _ => at += 2 + usize::try_from(be(bytes, at + 2, 2)?).ok()?,
        }
    }
}

/// `(w, h)` scaled down to fit a `side`-pixel box (never up).
fn fit(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= side {
        return (width, height);
    }
    let scale = |n: u32| (u64::from(n) * u64::from(side)).div_ceil(u64::from(longest));
    (
        u32::try_from(scale(width)).unwrap_or(side),
        u32::try_from(scale(height)).unwrap_or(side),
    )
}

/// Adds what Slack answers for a file with a preview of `width`×`height` to `fields`:
/// `has_rich_preview`, the thumbnails (each at `<base>_<n>.<kind>`), `original_w`/`_h`.
pub(crate) fn thumb_fields(
    fields: &mut Map<String, Value>,
    base: &str,
    (width, height, kind): (i32, i32, &str),
) {
    let (width, height) = (width.unsigned_abs(), height.unsigned_abs());
    let url = |n: u32| json!(format!("{base}_{n}.{kind}"));
    for n in SQUARE {
        fields.insert(format!("thumb_{n}"), url(n));
    }
    for (i, n) in BOXED.into_iter().enumerate() {
        if i > 0 && width.max(height) < n {
            break;
        }
        let (w, h) = fit(width, height, n);
        fields.insert(format!("thumb_{n}"), url(n));
        fields.insert(format!("thumb_{n}_w"), json!(w));
        fields.insert(format!("thumb_{n}_h"), json!(h));
    }
    fields.insert("original_w".into(), json!(width));
    fields.insert("original_h".into(), json!(height));
    fields.insert("has_rich_preview".into(), json!(true));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The first bytes of a PNG of `w`×`h` (what [`Preview::read`] reads).
    pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        bytes.extend(w.to_be_bytes());
        bytes.extend(h.to_be_bytes());
        bytes.extend(b"\x08\x06\0\0\0");
        bytes
    }

    fn jpeg(w: u16, h: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F'];
        bytes.extend([0xFF, 0xC0, 0, 11, 8]);
        bytes.extend(h.to_be_bytes());
        bytes.extend(w.to_be_bytes());
        bytes.extend([1, 1, 0x11, 0]);
        bytes
    }

    fn read(bytes: Vec<u8>) -> Result<(i32, i32, &'static str), String> {
        Preview::read(bytes)
            .map(|p| (p.width, p.height, p.kind))
            .map_err(|err| err.code().to_owned())
    }

    #[test]
    fn pngs_and_jpegs_are_read_and_nothing_else() {
        assert_eq!(read(png(800, 400)), Ok((800, 400, "png")));
        assert_eq!(read(jpeg(1200, 900)), Ok((1200, 900, "jpg")));
        assert_eq!(read(b"GIF89a".to_vec()).unwrap_err(), "bad_image");
        assert_eq!(read(b"\x89PNG\r\n".to_vec()).unwrap_err(), "bad_image");
        assert_eq!(read(png(0, 10)).unwrap_err(), "bad_image");
        assert_eq!(read(vec![0xFF, 0xD8, 0xFF, 0xD9]).unwrap_err(), "bad_image");
        assert_eq!(read(png(20_000, 10)).unwrap_err(), "too_large");
    }

    #[test]
    fn photos_may_also_be_gifs() {
        let gif = b"GIF89a\x00\x02\x80\x01\x00\x00\x00".to_vec();
        assert_eq!(image_kind(&gif, true).unwrap(), ("gif", 512, 384));
        assert_eq!(image_kind(&gif, false).unwrap_err().code(), "bad_image");
        assert_eq!(image_kind(&png(10, 10), true).unwrap(), ("png", 10, 10));
        assert_eq!(
            image_kind(b"GIF89a\x01", true).unwrap_err().code(),
            "bad_image"
        );
    }

    #[test]
    fn thumbnails_fit_their_box_up_to_the_image() {
        let mut fields = Map::new();
        thumb_fields(&mut fields, "https://x/F1/doc", (800, 400, "png"));
        assert_eq!(fields["thumb_64"], "https://x/F1/doc_64.png");
        assert_eq!(
            (&fields["thumb_360_w"], &fields["thumb_360_h"]),
            (&json!(360), &json!(180))
        );
        assert_eq!(
            (&fields["thumb_800_w"], &fields["thumb_800_h"]),
            (&json!(800), &json!(400))
        );
        assert!(!fields.contains_key("thumb_960"));
        assert_eq!(fields["has_rich_preview"], true);
        let mut small = Map::new();
        thumb_fields(&mut small, "u", (100, 50, "jpg"));
        assert_eq!(
            (&small["thumb_360_w"], &small["thumb_360_h"]),
            (&json!(100), &json!(50))
        );
        assert!(!small.contains_key("thumb_480"));
    }
}
