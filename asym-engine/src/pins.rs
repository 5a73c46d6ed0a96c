//! `asym.lock`: the image digest each template resolved to, pinned per downstream crate.
//! Shared by the harness (which writes pins on first use) and `asym pin`.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::home::Home;

const HEADER: &str = "# asym.lock: image digests of the clones this crate's tests run.\n\
# Written by the first test run; later runs use exactly these images.\n\
# Delete an entry (or run `asym pin --update`) to re-resolve it.\nversion = 1\n\n[images]\n";

/// Path of a crate's `asym.lock`.
pub fn lock_path(manifest_dir: &str) -> PathBuf {
    Path::new(manifest_dir).join("asym.lock")
}

/// Reads the pins (template → digest); a missing file is empty.
pub fn read_pins(path: &Path) -> BTreeMap<String, String> {
    let Ok(text) = fs::read_to_string(path) else {
        return BTreeMap::new();
    };
    let mut in_images = false;
    let mut pins = BTreeMap::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_images = line == "[images]";
        } else if let (true, Some((key, value))) = (in_images, line.split_once('=')) {
            let value = value.trim().trim_matches('"');
            pins.insert(key.trim().to_owned(), value.to_owned());
        }
    }
    pins
}

/// The pinned digest of `template`, or the one `resolve` returns, recorded for next time.
/// Concurrent test processes serialise on a lock in `$ASYM_HOME`.
///
/// # Errors
/// What `resolve` returns, or `Internal` when `asym.lock` cannot be written.
pub fn pinned(
    home: &Home,
    manifest_dir: &str,
    template: &str,
    resolve: impl FnOnce() -> Result<String, Error>,
) -> Result<String, Error> {
    let path = lock_path(manifest_dir);
    if let Some(digest) = read_pins(&path).remove(template) {
        return Ok(digest);
    }
    let guard = lock(home)?;
    let mut pins = read_pins(&path);
    if let Some(digest) = pins.get(template) {
        return Ok(digest.clone());
    }
    let digest = resolve()?;
    pins.insert(template.to_owned(), digest.clone());
    store(&path, &pins)?;
    drop(guard);
    Ok(digest)
}

/// Pins `template` to `digest` in `asym.lock` (replacing its pin), under the same lock as
/// [`pinned`]. For a pinned image that is gone from this machine and was built again.
/// Whether the pin changed (another process may have re-pinned it first).
///
/// # Errors
/// `Internal` when `asym.lock` cannot be locked or written.
pub fn repin(home: &Home, manifest_dir: &str, template: &str, digest: &str) -> Result<bool, Error> {
    let path = lock_path(manifest_dir);
    let guard = lock(home)?;
    let mut pins = read_pins(&path);
    if pins.get(template).is_some_and(|pinned| pinned == digest) {
        return Ok(false);
    }
    pins.insert(template.to_owned(), digest.to_owned());
    store(&path, &pins)?;
    drop(guard);
    Ok(true)
}

/// [`write_pins`], its failure named.
fn store(path: &Path, pins: &BTreeMap<String, String>) -> Result<(), Error> {
    write_pins(path, pins).map_err(|e| Error::Internal {
        context: format!("writing {}", path.display()),
        source: e.into(),
    })
}

/// The lock on `$ASYM_HOME/pin.lock` that writers of `asym.lock` files take.
fn lock(home: &Home) -> Result<File, Error> {
    File::create(home.root().join("pin.lock"))
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| Error::Internal {
            context: "locking pin.lock".into(),
            source: e.into(),
        })
}

/// Writes `asym.lock` atomically.
///
/// # Errors
/// I/O failures.
pub fn write_pins(path: &Path, pins: &BTreeMap<String, String>) -> std::io::Result<()> {
    let mut text = HEADER.to_owned();
    for (template, digest) in pins {
        text.push_str(&format!("{template} = \"{digest}\"\n"));
    }
    let tmp = path.with_extension(format!("lock.tmp{}", std::process::id()));
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&tmp)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_round_trip_and_resolve_once() {
        let dir = std::env::temp_dir().join(format!("asym-pin-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let home = Home::at(&dir);
        let crate_dir = dir.to_str().unwrap();
        let first = pinned(&home, crate_dir, "slack", || Ok("sha256:aaa".into())).unwrap();
        let again = pinned(&home, crate_dir, "slack", || panic!("must not re-resolve")).unwrap();
        assert_eq!(
            (first.as_str(), again.as_str()),
            ("sha256:aaa", "sha256:aaa")
        );
        let text = fs::read_to_string(lock_path(crate_dir)).unwrap();
        assert!(text.contains("slack = \"sha256:aaa\""), "{text}");
        fs::remove_dir_all(dir).unwrap();
    }
}
