//! Host port allocation.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::net::TcpListener;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::PortRange;
use crate::registry::Registry;

/// The Fetch standard's "bad ports": Node's and browsers' `fetch` refuse to connect to them.
/// 3659 lies in the default range, and a clone there would break every Node SDK.
const BAD_PORTS: &[u16] = &[
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
];

/// Whether `fetch` refuses this port.
pub fn is_bad_port(port: u16) -> bool {
    BAD_PORTS.binary_search(&port).is_ok()
}

/// Whether something on this machine already listens on `port`.
pub(crate) fn is_busy(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_err() || TcpListener::bind(("0.0.0.0", port)).is_err()
}

/// Picks `count` ports from `range`, skipping `held` ones, bad ports and ports the OS reports busy.
/// Callers hold the registry lock so two processes never pick the same port.
pub(crate) fn allocate(range: PortRange, held: &BTreeSet<u16>, count: usize) -> Result<Vec<u16>> {
    let picked: Vec<u16> = (range.start..=range.end)
        .filter(|p| !held.contains(p) && !is_bad_port(*p) && !is_busy(*p))
        .take(count)
        .collect();
    if picked.len() < count {
        return Err(Error::NoFreePorts {
            start: range.start,
            end: range.end,
        });
    }
    Ok(picked)
}

/// Where claims on ports are kept for the whole machine: every `ASYM_HOME` spins clones
/// onto the same loopback, so a port one home picked must be skipped by all the others
/// (`ASYM_MACHINE_DIR`, default `<temp dir>/asym`).
pub(crate) fn machine_dir() -> PathBuf {
    std::env::var_os("ASYM_MACHINE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("asym"))
}

/// Who holds a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Claim {
    /// The home whose registry holds the clone.
    home: PathBuf,
    /// The clone.
    id: String,
    /// When it was claimed (Unix seconds): a claim is honoured for [`CLAIM_GRACE_SECS`]
    /// even before the clone appears in its home's registry (which is written after).
    #[serde(default)]
    at: u64,
}

/// How long a claim holds without its clone in a registry (a spin writes its record within
/// milliseconds of claiming; a crashed one is forgotten after this).
const CLAIM_GRACE_SECS: u64 = 120;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The machine-wide port claims (`ports.json`), changed only under `ports.lock`.
pub(crate) struct Claims {
    dir: PathBuf,
}

impl Claims {
    /// The claims in `dir` (see [`machine_dir`]).
    pub(crate) fn at(dir: PathBuf) -> Self {
        Self { dir }
    }

    fn lock(&self) -> Result<File> {
        let fail = |e| Error::internal(format!("locking port claims in {}", self.dir.display()), e);
        std::fs::create_dir_all(&self.dir).map_err(fail)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(0o600)
            .open(self.dir.join("ports.lock"))
            .map_err(fail)?;
        file.lock().map_err(fail)?;
        Ok(file)
    }

    fn load(&self) -> BTreeMap<u16, Claim> {
        std::fs::read_to_string(self.dir.join("ports.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save(&self, claims: &BTreeMap<u16, Claim>) -> Result<()> {
        let text =
            serde_json::to_vec(claims).map_err(|e| Error::internal("writing port claims", e))?;
        crate::home::write_private(&self.dir.join("ports.json"), &text)
            .map_err(|e| Error::internal("writing port claims", e))
    }

    /// Picks `count` ports for clone `id` of `home` as [`allocate`] does, also skipping ports
    /// any home on this machine claimed for a clone it still holds, and claims them.
    pub(crate) fn claim(
        &self,
        range: PortRange,
        held: &BTreeSet<u16>,
        count: usize,
        home: &Path,
        id: &str,
    ) -> Result<Vec<u16>> {
        let _lock = self.lock()?;
        let mut claims = self.load();
        let now = unix_now();
        claims.retain(|_, claim| {
            now.saturating_sub(claim.at) < CLAIM_GRACE_SECS
                || Registry::holds(&claim.home, &claim.id)
        });
        let mut taken = held.clone();
        taken.extend(claims.keys().copied());
        let ports = allocate(range, &taken, count)?;
        for port in &ports {
            claims.insert(
                *port,
                Claim {
                    home: home.to_owned(),
                    id: id.to_owned(),
                    at: now,
                },
            );
        }
        self.save(&claims)?;
        Ok(ports)
    }

    /// Drops the claims of clone `id` of `home` (destroyed or rolled back). Best effort.
    pub(crate) fn release(&self, home: &Path, id: &str) {
        if let Ok(_lock) = self.lock() {
            let mut claims = self.load();
            claims.retain(|_, claim| !(claim.home == home && claim.id == id));
            let _ = self.save(&claims);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_bad_held_and_busy_ports() {
        assert!(
            BAD_PORTS.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
        let range = PortRange {
            start: 3657,
            end: 3662,
        };
        let busy = TcpListener::bind("127.0.0.1:0").unwrap();
        let busy_port = busy.local_addr().unwrap().port();
        let held = BTreeSet::from([3657]);
        let ports = allocate(range, &held, 2).unwrap();
        assert!(
            !ports.contains(&3657) && !ports.contains(&3659),
            "{ports:?}"
        );

        let one = PortRange {
            start: busy_port,
            end: busy_port,
        };
        assert_eq!(
            allocate(one, &BTreeSet::new(), 1).unwrap_err().code(),
            "NO_FREE_PORTS"
        );
    }

    #[test]
    fn claims_of_one_home_are_skipped_by_another_until_released_or_stale() {
        let machine = tempfile::tempdir().unwrap();
        let claims = Claims::at(machine.path().to_owned());
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let range = PortRange {
            start: 42_100,
            end: 42_140,
        };
        let first = claims
            .claim(range, &BTreeSet::new(), 2, a.path(), "slack-a1")
            .unwrap();
        // Before home a writes its record, the claim already holds.
        let second = claims
            .claim(range, &BTreeSet::new(), 2, b.path(), "slack-b1")
            .unwrap();
        assert!(
            first.iter().all(|p| !second.contains(p)),
            "{first:?} {second:?}"
        );
        claims.release(a.path(), "slack-a1");
        let third = claims
            .claim(range, &BTreeSet::new(), 2, b.path(), "slack-b2")
            .unwrap();
        assert_eq!(third, first);

        // Past the grace period, a claim whose clone no registry holds is forgotten; one
        // whose clone is in its home's registry stays.
        let mut stored = claims.load();
        for claim in stored.values_mut() {
            claim.at = 0;
        }
        claims.save(&stored).unwrap();
        let registry = r#"{"version":1,"clones":[{"id":"slack-b2","template":"slack"}]}"#;
        std::fs::write(b.path().join("registry.json"), registry).unwrap();
        let fourth = claims
            .claim(range, &BTreeSet::new(), 2, a.path(), "slack-a2")
            .unwrap();
        assert_eq!(fourth, second, "b1's stale claim is reused, b2's kept");
    }
}
