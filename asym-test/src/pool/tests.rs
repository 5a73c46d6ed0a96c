//! The pool's logic on the fake provider: no Docker, no database, the real lock files.

use std::sync::Arc;
use std::time::Duration;

use asym_engine::{CloneProvider as _, Error};

use super::fake::Fake;
use super::{Lease, Pools, Settings};
use crate::spec::Request;

const SLACK: Request = Request {
    template: "slack",
    seed: Some("basic"),
    mode: None,
};

fn settings() -> Settings {
    Settings {
        run_id: "run-1".into(),
        slot: None,
        pool_max: 2,
        lease_timeout: Duration::from_secs(5),
        idle_ttl: Duration::from_secs(1800),
        pins_off: true,
        release_resets: false,
        pid: 4242,
    }
}

/// A pool over a fresh fake, leasing for a crate in a folder of its own.
struct World {
    fake: Arc<Fake>,
    settings: Settings,
    crate_dir: tempfile::TempDir,
}

impl World {
    fn new(fake: Fake, settings: Settings) -> Self {
        Self {
            fake: Arc::new(fake),
            settings,
            crate_dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A world on a settled fake, with [`settings`] as `tune` changes them.
    fn tuned(tune: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = settings();
        tune(&mut settings);
        Self::new(Fake::new(), settings)
    }

    fn pools(&self) -> Pools<'_, Fake> {
        Pools::new(&self.fake, &self.settings)
    }

    fn lease(&self, test: &str) -> Result<Lease, Error> {
        let dir = self.crate_dir.path().to_str().unwrap();
        self.pools()
            .lease_all(test, dir, &[SLACK])
            .map(|mut leases| leases.remove(0))
    }

    /// Leases a clone for `test`, releases it as the test ended (`failed` or not) and answers
    /// the clone's id.
    fn run(&self, test: &str, failed: bool) -> String {
        let lease = self.lease(test).unwrap();
        let clone = id(&lease);
        self.release(lease, failed);
        clone
    }

    fn release(&self, lease: Lease, failed: bool) {
        self.pools().release_all(vec![lease], failed, "t");
    }

    fn created(&self) -> Vec<String> {
        self.fake.calls.lock().unwrap().created.clone()
    }
}

fn id(lease: &Lease) -> String {
    lease.instance.record.id.clone()
}

#[test]
fn a_released_clone_is_leased_again_once_its_deferred_reset_settles() {
    let world = World::new(Fake::new(), settings());
    let first_id = world.run("a", false);
    let second = world.lease("b").unwrap();
    assert_eq!(id(&second), first_id, "the idle clone is reused");
    assert_eq!(world.created().len(), 1, "no second spin");
    let calls = world.fake.calls.lock().unwrap();
    assert_eq!(calls.deferred, 1, "the release started a background reset");
    assert_eq!(
        calls.settled,
        [format!("{first_id}-1")],
        "the next lease settled it"
    );
    assert_eq!(calls.resets, 0, "a settled reset needs no second one");
}

#[test]
fn a_clone_its_release_reset_is_leased_as_it_is() {
    let world = World::tuned(|s| s.release_resets = true);
    let first_id = world.run("a", false);
    assert_eq!(
        world.fake.calls.lock().unwrap().resets,
        1,
        "the release reset it"
    );
    let second = world.lease("b").unwrap();
    assert_eq!(id(&second), first_id);
    let calls = world.fake.calls.lock().unwrap();
    assert_eq!(
        (calls.resets, calls.deferred, calls.settled.len()),
        (1, 0, 0),
        "leased without a second reset or a settling call"
    );
}

#[test]
fn a_deferred_reset_that_did_not_settle_is_done_again() {
    let world = World::new(Fake::unsettled(), settings());
    world.run("a", false);
    world.lease("b").unwrap();
    assert_eq!(world.fake.calls.lock().unwrap().resets, 1);
}

#[test]
fn the_pool_grows_to_its_cap_then_names_the_holders_when_the_wait_runs_out() {
    let world = World::tuned(|s| s.lease_timeout = Duration::ZERO);
    let a = world.lease("first").unwrap();
    let b = world.lease("second").unwrap();
    assert_ne!(id(&a), id(&b), "two tests at once hold two clones");
    match world.lease("third") {
        Err(Error::LeaseTimeout { max, holders, .. }) => {
            assert_eq!(max, 2);
            for (lease, test) in [(&a, "first"), (&b, "second")] {
                assert!(
                    holders.contains(&format!("{} by pid 4242 test {test}", id(lease))),
                    "{holders}"
                );
            }
        }
        other => panic!("expected LEASE_TIMEOUT, got {:?}", other.map(|l| id(&l))),
    }
    assert_eq!(world.created().len(), 2, "no spin past the cap");
}

#[test]
fn a_failed_tests_clone_is_held_out_for_the_rest_of_its_run_only() {
    let world = World::new(Fake::new(), settings());
    let failed_id = world.run("fails", true);
    let next = world.lease("next").unwrap();
    assert_ne!(
        id(&next),
        failed_id,
        "the failed test's clone is left as it was"
    );
    assert_eq!(
        world.fake.calls.lock().unwrap().deferred,
        0,
        "and not reset"
    );
    world.release(next, false);

    // The next run may use it again (reset first).
    let next_run = World {
        settings: Settings {
            run_id: "run-2".into(),
            slot: Some(0),
            ..settings()
        },
        ..world
    };
    let again = next_run.lease("later").unwrap();
    assert_eq!(id(&again), failed_id);
    assert_eq!(next_run.fake.calls.lock().unwrap().resets, 1);
}

#[test]
fn a_clone_broken_beyond_a_reset_is_destroyed_and_replaced() {
    let world = World::new(Fake::new(), settings());
    let broken = world.run("a", false);
    world.fake.broken.lock().unwrap().insert(broken.clone());
    let replacement = world.lease("b").unwrap();
    assert_ne!(id(&replacement), broken);
    assert_eq!(world.fake.calls.lock().unwrap().destroyed, [broken]);
}

#[test]
fn each_nextest_slot_starts_at_its_own_clone() {
    let world = World::new(Fake::new(), settings());
    let a = world.lease("a").unwrap();
    let b = world.lease("b").unwrap();
    let ids = [id(&a), id(&b)];
    world.release(a, false);
    world.release(b, false);
    for slot in [0, 1, 2, 3] {
        let slotted = World {
            settings: Settings {
                slot: Some(slot),
                ..settings()
            },
            fake: world.fake.clone(),
            crate_dir: tempfile::tempdir().unwrap(),
        };
        let lease = slotted.lease("s").unwrap();
        assert_eq!(id(&lease), ids[slot % 2], "slot {slot}");
        slotted.release(lease, false);
    }
}

#[test]
fn reaping_destroys_pooled_clones_idle_past_the_ttl_but_not_held_ones() {
    let world = World::tuned(|s| s.idle_ttl = Duration::ZERO);
    let held = world.lease("held").unwrap();
    let idle_id = world.run("idle", false);
    world.pools().reap();
    assert_eq!(world.fake.calls.lock().unwrap().destroyed, [idle_id]);
    assert!(
        world
            .fake
            .records()
            .unwrap()
            .iter()
            .any(|r| r.id == id(&held))
    );
}

fn read(vars: &[(&str, &str)], args: &[&str]) -> Settings {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    Settings::read(
        |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        args.iter().map(|a| (*a).to_owned()),
    )
}

#[test]
fn settings_size_the_pool_from_what_the_runner_tells() {
    assert_eq!(read(&[("ASYM_POOL_MAX", "3")], &[]).pool_max, 3);
    assert_eq!(read(&[("ASYM_POOL_MAX", "0")], &[]).pool_max, 1);
    assert_eq!(read(&[], &["bin", "--test-threads", "5"]).pool_max, 5);
    assert_eq!(read(&[], &["bin", "--test-threads=6"]).pool_max, 6);
    assert_eq!(read(&[("RUST_TEST_THREADS", "7")], &["bin"]).pool_max, 7);
    // Under nextest, slot 9 means at least ten tests at once, whatever the CPU count.
    let nextest = read(
        &[("NEXTEST_RUN_ID", "r"), ("NEXTEST_TEST_GLOBAL_SLOT", "9")],
        &[],
    );
    assert!(nextest.pool_max >= 10);
    assert_eq!((nextest.slot, nextest.run_id.as_str()), (Some(9), "r"));
    // Resetting on release when more tests run at once than there are CPUs.
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    let crowded = (cpus + 1).to_string();
    assert!(read(&[("ASYM_POOL_MAX", &crowded)], &[]).release_resets);
    assert!(!read(&[("ASYM_POOL_MAX", "1")], &[]).release_resets);
    let forced = [("ASYM_POOL_MAX", "1"), ("ASYM_RELEASE", "reset")];
    assert!(read(&forced, &[]).release_resets);
    let background = [
        ("ASYM_POOL_MAX", crowded.as_str()),
        ("ASYM_RELEASE", "background"),
    ];
    assert!(!read(&background, &[]).release_resets);
    let defaults = read(&[("ASYM_PIN", "off")], &[]);
    assert!(defaults.pins_off);
    assert_eq!(defaults.idle_ttl, Duration::from_secs(1800));
    assert_eq!(defaults.lease_timeout, Duration::from_secs(300));
}

#[test]
fn with_pins_off_a_rebuilt_image_retires_the_old_pools_idle_clones_only() {
    let world = World::tuned(|s| s.pool_max = 3);
    let held = world.lease("held").unwrap();
    let (idle, failed) = (world.lease("idle").unwrap(), world.lease("failed").unwrap());
    let (idle_id, failed_id) = (id(&idle), id(&failed));
    world.release(idle, false);
    world.release(failed, true);
    *world.fake.builds.lock().unwrap() += 1;
    // The rebuilt image is resolved afresh (a crate of its own: resolved pools are cached).
    let rebuilt = World {
        fake: world.fake.clone(),
        settings: settings(),
        crate_dir: tempfile::tempdir().unwrap(),
    };
    let fresh = rebuilt.lease("after the build").unwrap();
    assert_ne!(
        fresh.instance.record.pool_key,
        held.instance.record.pool_key
    );
    assert_eq!(
        world.fake.calls.lock().unwrap().destroyed,
        [idle_id],
        "the held clone and the failed test's are kept"
    );
    let kept: Vec<String> = world
        .fake
        .records()
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(kept, [id(&held), failed_id, id(&fresh)]);
}

#[test]
fn with_pins_on_an_old_pools_idle_clones_wait_for_the_ttl() {
    let world = World::tuned(|s| s.pins_off = false);
    world.run("idle", false);
    *world.fake.builds.lock().unwrap() += 1;
    let other_crate = World {
        fake: world.fake.clone(),
        settings: world.settings.clone(),
        crate_dir: tempfile::tempdir().unwrap(),
    };
    let lease = other_crate.lease("pinned elsewhere").unwrap();
    assert_eq!(world.created().len(), 2, "a new pool for the new pin");
    assert_ne!(world.created()[0], id(&lease));
    assert!(world.fake.calls.lock().unwrap().destroyed.is_empty());
}
