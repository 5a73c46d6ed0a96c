//! `registry.json`: every clone and environment, versioned, written atomically under a file lock.

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::home::Home;
use crate::model::{CloneRecord, Environment};

const VERSION: u32 = 1;

/// Secrets the engine needs to drive a clone; never printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Secrets {
    pub(crate) admin_secret: String,
    pub(crate) jwt_secret: String,
}

/// One clone in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Entry {
    #[serde(flatten)]
    pub(crate) record: CloneRecord,
    pub(crate) secrets: Secrets,
    /// The process spinning it while `creating`, so a crashed spin can be told from a live one.
    #[serde(default)]
    pub(crate) owner_pid: Option<u32>,
}

/// The registry's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Contents {
    pub(crate) version: u32,
    pub(crate) clones: Vec<Entry>,
    #[serde(default)]
    pub(crate) environments: Vec<Environment>,
}

impl Default for Contents {
    fn default() -> Self {
        Self {
            version: VERSION,
            clones: Vec::new(),
            environments: Vec::new(),
        }
    }
}

impl Contents {
    pub(crate) fn get(&self, id: &str) -> Result<&Entry> {
        self.clones
            .iter()
            .find(|e| e.record.id == id)
            .ok_or_else(|| Error::CloneNotFound { id: id.to_owned() })
    }

    pub(crate) fn get_mut(&mut self, id: &str) -> Result<&mut Entry> {
        self.clones
            .iter_mut()
            .find(|e| e.record.id == id)
            .ok_or_else(|| Error::CloneNotFound { id: id.to_owned() })
    }
}

/// Which file a parse came from: a write is an atomic rename, so a new file (inode) and
/// normally a new length and modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: i64,
    mtime_nsec: i64,
}

impl Stamp {
    fn of(meta: &fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt as _;
        Self {
            dev: meta.dev(),
            ino: meta.ino(),
            len: meta.len(),
            mtime: meta.mtime(),
            mtime_nsec: meta.mtime_nsec(),
        }
    }
}

/// Handle on the registry file of a [`Home`].
#[derive(Debug, Clone)]
pub(crate) struct Registry {
    path: PathBuf,
    lock_path: PathBuf,
    /// Per-pool digests of the registry (see [`Registry::pool`]).
    pools_dir: PathBuf,
    /// The last parse and the file it came from: a process that leases clone after clone
    /// (`cargo test`) parses the file again only when it changed.
    parsed: Arc<Mutex<Option<(Stamp, Contents)>>>,
}

impl Registry {
    pub(crate) fn new(home: &Home) -> Self {
        Self {
            path: home.registry_path(),
            lock_path: home.root().join("registry.lock"),
            pools_dir: home.root().join("pools"),
            parsed: Arc::default(),
        }
    }

    fn lock(&self, exclusive: bool) -> Result<File> {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(&self.lock_path)
            .map_err(|e| Error::internal(format!("opening {}", self.lock_path.display()), e))?;
        let locked = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        locked.map_err(|e| Error::internal(format!("locking {}", self.lock_path.display()), e))?;
        Ok(file)
    }

    fn load(&self) -> Result<Contents> {
        let stamp = fs::metadata(&self.path).ok().map(|m| Stamp::of(&m));
        if let (Some(stamp), Ok(parsed)) = (stamp, self.parsed.lock())
            && let Some((seen, contents)) = parsed.as_ref()
            && *seen == stamp
        {
            return Ok(contents.clone());
        }
        let contents = self.parse()?;
        if let (Some(stamp), Ok(mut parsed)) = (stamp, self.parsed.lock()) {
            *parsed = Some((stamp, contents.clone()));
        }
        Ok(contents)
    }

    fn parse(&self) -> Result<Contents> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Contents::default()),
            Err(e) => {
                return Err(Error::RegistryCorrupt {
                    path: self.path.clone(),
                    source: e.into(),
                });
            }
        };
        let contents: Contents =
            serde_json::from_str(&text).map_err(|e| Error::RegistryCorrupt {
                path: self.path.clone(),
                source: e.into(),
            })?;
        if contents.version > VERSION {
            return Err(Error::RegistryCorrupt {
                path: self.path.clone(),
                source: format!(
                    "written by a newer asym (registry version {}, this one reads {VERSION})",
                    contents.version
                )
                .into(),
            });
        }
        Ok(contents)
    }

    /// A consistent snapshot of the registry.
    /// Whether the registry of `home` (any home on this machine) holds clone `id`; read
    /// without its lock (writes are atomic renames), so it can be asked while holding other
    /// locks. An unreadable registry counts as holding it (never drop what may be in use).
    pub(crate) fn holds(home: &Path, id: &str) -> bool {
        let path = Home::at(home).registry_path();
        let Ok(text) = fs::read_to_string(&path) else {
            return path.exists();
        };
        // Only the ids are read, so a registry of another version still answers.
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(value) => value["clones"]
                .as_array()
                .is_some_and(|clones| clones.iter().any(|clone| clone["id"] == id)),
            Err(_) => true,
        }
    }

    pub(crate) fn read(&self) -> Result<Contents> {
        let _lock = self.lock(false)?;
        self.load()
    }

    /// The entries of harness pool `key`. A digest of them is kept beside the registry
    /// (`pools/<hash>.json`, private) for as long as the registry file is unchanged, so a test
    /// process (nextest starts one per test) reads the few entries it leases from, not every
    /// clone's.
    pub(crate) fn pool(&self, key: &str) -> Result<Vec<Entry>> {
        #[derive(Serialize, Deserialize)]
        struct Digest {
            stamp: Stamp,
            entries: Vec<Entry>,
        }
        let _lock = self.lock(false)?;
        let stamp = fs::metadata(&self.path).ok().map(|m| Stamp::of(&m));
        let name = hex::encode(&Sha256::digest(key.as_bytes())[..8]);
        let path = self.pools_dir.join(format!("{name}.json"));
        if let Some(stamp) = stamp
            && let Ok(bytes) = fs::read(&path)
            && let Ok(digest) = serde_json::from_slice::<Digest>(&bytes)
            && digest.stamp == stamp
        {
            return Ok(digest.entries);
        }
        let entries: Vec<Entry> = self
            .load()?
            .clones
            .into_iter()
            .filter(|e| e.record.pool_key.as_deref() == Some(key))
            .collect();
        if let Some(stamp) = stamp {
            // A cache: a failed write costs the next process a full read, nothing more.
            let digest = Digest { stamp, entries };
            if let Ok(bytes) = serde_json::to_vec(&digest) {
                let _ = write_cache(&self.pools_dir, &path, &bytes);
            }
            return Ok(digest.entries);
        }
        Ok(entries)
    }

    /// Reads, changes and atomically rewrites the registry under an exclusive lock. Nothing is
    /// written when `change` fails.
    pub(crate) fn update<T>(&self, change: impl FnOnce(&mut Contents) -> Result<T>) -> Result<T> {
        let _lock = self.lock(true)?;
        let mut contents = self.load()?;
        let out = change(&mut contents)?;
        contents.version = VERSION;
        self.write(&contents)?;
        Ok(out)
    }

    /// Replaces the registry wholesale (`doctor` rebuilding a corrupt one).
    pub(crate) fn replace(&self, contents: &Contents) -> Result<()> {
        let _lock = self.lock(true)?;
        self.write(contents)
    }

    fn write(&self, contents: &Contents) -> Result<()> {
        let ctx = |what: &str| format!("{what} {}", self.path.display());
        let json = serde_json::to_vec_pretty(contents)
            .map_err(|e| Error::internal(ctx("serialising"), e))?;
        crate::home::write_private(&self.path, &json)
            .map_err(|e| Error::internal(ctx("writing"), e))
    }
}

/// Writes `bytes` to `path` atomically (a private temporary file renamed over it), creating
/// `dir` (private) first; not synced to disk, since it is a cache.
fn write_cache(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::DirBuilderExt as _;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .mode(0o600)
        .open(&tmp)?;
    file.write_all(bytes)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A home in a fresh temporary directory (kept while the first value lives).
    fn temp_home() -> (tempfile::TempDir, Home) {
        let dir = tempfile::tempdir().unwrap();
        let home = Home::at(dir.path());
        home.ensure().unwrap();
        (dir, home)
    }

    #[test]
    fn writes_are_atomic_private_and_corruption_is_named() {
        let (_dir, home) = temp_home();
        let registry = Registry::new(&home);
        assert!(registry.read().unwrap().clones.is_empty());
        registry
            .update(|c| {
                c.environments.clear();
                Ok(())
            })
            .unwrap();
        let mode = fs::metadata(home.registry_path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let failed: Result<()> = registry.update(|_| Err(Error::CloneNotFound { id: "x".into() }));
        assert_eq!(failed.unwrap_err().code(), "CLONE_NOT_FOUND");

        fs::write(home.registry_path(), "{ torn").unwrap();
        assert_eq!(registry.read().unwrap_err().code(), "REGISTRY_CORRUPT");
    }

    #[test]
    fn a_reader_sees_what_another_writer_changed_since_its_last_parse() {
        let (_dir, home) = temp_home();
        let (reader, writer) = (Registry::new(&home), Registry::new(&home));
        let environments = |r: &Registry| r.read().unwrap().environments.len();
        writer.update(|_| Ok(())).unwrap();
        assert_eq!(environments(&reader), 0);
        assert_eq!(environments(&reader), 0, "from the parse it kept");
        let environment: Environment = serde_json::from_value(serde_json::json!({
            "name": "e", "members": [], "spec": null, "state": "running",
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"
        }))
        .unwrap();
        writer
            .update(|c| {
                c.environments.push(environment);
                Ok(())
            })
            .unwrap();
        assert_eq!(environments(&reader), 1);
    }

    /// A running clone `id` of pool `pool`.
    fn entry(id: &str, pool: &str) -> Entry {
        serde_json::from_value(serde_json::json!({
            "id": id, "template": "slack", "mode": "api", "name": null,
            "composeProject": format!("asym-{id}"), "database": "d", "redisPrefix": "p:",
            "ports": {"backend": 3000}, "state": "running", "seed": null, "expose": false,
            "image": "i", "imageDigest": "sha256:0", "tokens": {}, "network": "host",
            "poolKey": pool, "lastLeasedAt": null, "snapshots": [],
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "secrets": {"adminSecret": "a", "jwtSecret": "j"}, "ownerPid": null
        }))
        .unwrap()
    }

    #[test]
    fn a_pool_is_read_from_its_digest_until_the_registry_changes() {
        let (_dir, home) = temp_home();
        let registry = Registry::new(&home);
        let ids = |pool: &str| -> Vec<String> {
            let entries = Registry::new(&home).pool(pool).unwrap();
            entries.into_iter().map(|e| e.record.id).collect()
        };
        registry
            .update(|c| {
                c.clones.push(entry("a-1", "a"));
                c.clones.push(entry("b-1", "b"));
                Ok(())
            })
            .unwrap();
        assert_eq!(ids("a"), ["a-1"]);
        let digests: Vec<_> = fs::read_dir(home.root().join("pools")).unwrap().collect();
        assert_eq!(digests.len(), 1, "one digest, for pool a");
        let digest = digests[0].as_ref().unwrap().path();
        assert_eq!(
            fs::metadata(&digest).unwrap().permissions().mode() & 0o777,
            0o600,
            "it holds admin secrets"
        );
        // Read from the digest: a digest edited behind the registry's back is what is read.
        let edited = fs::read_to_string(&digest).unwrap().replace("a-1", "a-9");
        fs::write(&digest, edited).unwrap();
        assert_eq!(ids("a"), ["a-9"]);
        // A registry write makes the digest stale: read again from the registry.
        registry
            .update(|c| {
                c.clones.push(entry("a-2", "a"));
                Ok(())
            })
            .unwrap();
        assert_eq!(ids("a"), ["a-1", "a-2"]);
        assert_eq!(ids("b"), ["b-1"]);
        assert!(ids("c").is_empty());
    }
}
