//! Host port allocation.

use std::collections::BTreeSet;
use std::net::TcpListener;

use crate::error::{Error, Result};
use crate::model::PortRange;

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
}
