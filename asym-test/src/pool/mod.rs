//! The cross-process pool: leases are file locks in `$ASYM_HOME/leases/`, released by the OS
//! when a process dies; all engine work runs on one background runtime per process.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::future::Future;
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use asym_engine::{
    CloneInstance, CloneRecord, CloneSpec, Error, Journal, LocalDockerProvider, PoolMember,
    PoolProvider, RequestFilter, SeedSpec, Webhook, WebhookFilter,
};
use sha2::{Digest, Sha256};

use crate::spec::Request;
use crate::steps;

/// Where this process's clones run: the one place the harness names a provider. Everything
/// below is written against [`PoolProvider`].
type Chosen = LocalDockerProvider;

/// The engine runtime: one per process, where the provider's connections live.
fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("asym-engine")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("asym: cannot start the engine runtime: {e}"))
    })
}

fn provider() -> Result<Arc<Chosen>, Error> {
    static PROVIDER: OnceLock<Result<Arc<Chosen>, String>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Chosen::new().map(Arc::new).map_err(|e| e.render()))
        .clone()
        .map_err(|rendered| Error::Internal {
            context: "asym cannot start".into(),
            source: rendered.into(),
        })
}

/// Runs engine work on the engine runtime (its connections live there), from any runtime.
pub(crate) async fn on_engine<T, Fut>(work: impl FnOnce(Arc<Chosen>) -> Fut) -> Result<T, Error>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let fut = work(provider()?);
    runtime().spawn(fut).await.map_err(|e| Error::Internal {
        context: "engine task failed".into(),
        source: e.into(),
    })?
}

/// Blocks the calling (test) thread on engine work.
fn block_on<T>(fut: impl Future<Output = T>) -> T {
    runtime().block_on(fut)
}

/// What `lease`'s clone answered since its reset (for a failed test's report).
pub(crate) fn journal(lease: &Lease) -> Result<Journal, Error> {
    block_on(asym_engine::requests(
        &lease.instance,
        &lease.admin_secret,
        &RequestFilter::default(),
    ))
}

/// The webhooks `lease`'s clone made since its reset (for a failed test's report).
pub(crate) fn webhooks(lease: &Lease) -> Result<Vec<Webhook>, Error> {
    block_on(asym_engine::webhooks(
        &lease.instance,
        &lease.admin_secret,
        &WebhookFilter::default(),
    ))
}

/// A leased clone: the lock file is held until release.
pub(crate) struct Lease {
    pub(crate) instance: CloneInstance,
    pub(crate) admin_secret: String,
    file: File,
}

/// A request resolved to its pool.
struct Pool {
    key: String,
    spec: CloneSpec,
}

/// What the pool takes from its environment, read once per process.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// This run: nextest's run id, else this process (a failed test's clone is held out of the
    /// pool for the rest of its run).
    run_id: String,
    /// nextest's global slot: where this process starts looking for an idle clone, so a slot
    /// keeps taking the clone it released.
    slot: Option<usize>,
    /// How many clones a pool may hold.
    pool_max: usize,
    lease_timeout: Duration,
    idle_ttl: Duration,
    /// `ASYM_PIN=off`: the image as built now, not the digest pinned in `asym.lock`.
    pins_off: bool,
    /// Whether a release resets its clones before it returns, rather than in the background
    /// (see [`Pools::release_all`]): when more tests run at once than there are CPUs, or
    /// `ASYM_RELEASE=reset` (`ASYM_RELEASE=background` for the other).
    release_resets: bool,
    /// The holder named in lease files.
    pid: u32,
}

impl Settings {
    fn get() -> &'static Self {
        static SETTINGS: OnceLock<Settings> = OnceLock::new();
        SETTINGS.get_or_init(|| Self::read(|name| std::env::var(name).ok(), std::env::args()))
    }

    /// From environment variables (`var`) and the test binary's arguments.
    fn read(var: impl Fn(&str) -> Option<String>, args: impl Iterator<Item = String>) -> Self {
        let num = |name: &str| var(name).and_then(|v| v.parse::<usize>().ok());
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        let slot = num("NEXTEST_TEST_GLOBAL_SLOT");
        let pool_max = match (num("ASYM_POOL_MAX"), var("NEXTEST_RUN_ID")) {
            (Some(n), _) => n,
            // nextest does not tell a test its -j; slots are numbered from 0, so slot s shows
            // that at least s + 1 tests run at once.
            (None, Some(_)) => num("NEXTEST_TEST_THREADS")
                .unwrap_or(cpus)
                .max(slot.map_or(0, |s| s + 1)),
            (None, None) => test_threads(args)
                .or_else(|| num("RUST_TEST_THREADS"))
                .unwrap_or(cpus),
        };
        let pid = std::process::id();
        let release_resets = match var("ASYM_RELEASE").as_deref() {
            Some("reset") => true,
            Some("background") => false,
            _ => pool_max > cpus,
        };
        Self {
            run_id: var("NEXTEST_RUN_ID").unwrap_or_else(|| format!("pid-{pid}")),
            slot,
            pool_max: pool_max.max(1),
            lease_timeout: Duration::from_secs(
                var("ASYM_LEASE_TIMEOUT")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300),
            ),
            // `90s`, `30m`, `2h` or plain seconds; default 30 minutes.
            idle_ttl: asym_engine::parse_duration(&var("ASYM_IDLE_TTL").unwrap_or_default())
                .unwrap_or(Duration::from_secs(30 * 60)),
            pins_off: var("ASYM_PIN").is_some_and(|v| v == "off"),
            release_resets,
            pid,
        }
    }
}

/// `--test-threads N` or `--test-threads=N` among a test binary's arguments.
fn test_threads(args: impl Iterator<Item = String>) -> Option<usize> {
    let args: Vec<String> = args.collect();
    args.iter().enumerate().find_map(|(i, arg)| {
        match arg.strip_prefix("--test-threads=") {
            Some(n) => Some(n),
            None => (arg == "--test-threads")
                .then(|| args.get(i + 1).map(String::as_str))
                .flatten(),
        }
        .and_then(|n| n.parse().ok())
    })
}

/// The harness's pool over one provider, under one process's settings.
pub(crate) struct Pools<'a, P> {
    provider: &'a Arc<P>,
    settings: &'a Settings,
}

impl<P> Clone for Pools<'_, P> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P> Copy for Pools<'_, P> {}

/// Leases one clone per request for `test` (releasing what it got if a later one fails).
pub(crate) fn lease_all(
    test: &str,
    manifest_dir: &str,
    requests: &[Request],
) -> Result<Vec<Lease>, Error> {
    runtime();
    steps::mark("engine runtime");
    let provider = provider()?;
    let settings = Settings::get();
    steps::mark("provider, settings");
    let pools = Pools::new(&provider, settings);
    static REAPED: Once = Once::new();
    REAPED.call_once(|| pools.reap());
    steps::mark("reaping (once per process)");
    pools.lease_all(test, manifest_dir, requests)
}

/// Releases `test`'s leases (see [`Pools::release_all`]).
pub(crate) fn release_all(leases: Vec<Lease>, failed: bool, test: &str) {
    if let Ok(provider) = provider() {
        Pools::new(&provider, Settings::get()).release_all(leases, failed, test);
    }
}

impl<'a, P: PoolProvider + 'static> Pools<'a, P> {
    pub(crate) fn new(provider: &'a Arc<P>, settings: &'a Settings) -> Self {
        Self { provider, settings }
    }

    fn resolve(self, manifest_dir: &str, request: &Request) -> Result<Pool, Error> {
        let provider = self.provider;
        let template = provider.catalog().get(request.template)?;
        let (mode, _) = template.manifest.mode(request.mode)?;
        let digest = if self.settings.pins_off {
            block_on(provider.resolve_image(request.template))?
        } else {
            asym_engine::pinned(provider.home(), manifest_dir, request.template, || {
                block_on(provider.resolve_image(request.template))
            })?
        };
        let (seed, seed_key) = match request.seed.map(SeedSpec::parse) {
            None => (None, "-".to_owned()),
            Some(SeedSpec::Fixture(name)) => (Some(SeedSpec::Fixture(name.clone())), name),
            Some(SeedSpec::File(path)) => {
                let path = Path::new(manifest_dir).join(path);
                let content = fs::read(&path).map_err(|_| Error::FixtureNotFound {
                    template: request.template.to_owned(),
                    what: format!("seed file {}", path.display()),
                    fixtures: Vec::new(),
                })?;
                let hash = hex::encode(&Sha256::digest(&content)[..6]);
                (Some(SeedSpec::File(path)), format!("file:{hash}"))
            }
        };
        let short = digest
            .trim_start_matches("sha256:")
            .get(..12)
            .unwrap_or(&digest)
            .to_owned();
        // Clones whose snapshots an older engine made are not this pool's members.
        let key = format!(
            "{}/{mode}/{seed_key}/{short}/s{}",
            request.template,
            asym_engine::SNAPSHOT_FORMAT
        );
        let spec = CloneSpec {
            template: request.template.to_owned(),
            mode: Some(mode.to_owned()),
            seed,
            image: Some(digest),
            pool_key: Some(key.clone()),
            ..CloneSpec::default()
        };
        Ok(Pool { key, spec })
    }

    fn leases_dir(self) -> PathBuf {
        self.provider.home().leases_dir()
    }

    fn lease_path(self, id: &str) -> PathBuf {
        self.leases_dir().join(format!("{id}.lock"))
    }

    fn failed_path(self, id: &str) -> PathBuf {
        self.leases_dir().join(format!("{id}.failed"))
    }

    /// Held out of the pool: a test of this run failed on it.
    fn held_out(self, id: &str) -> bool {
        fs::read_to_string(self.failed_path(id)).is_ok_and(|run| run.trim() == self.settings.run_id)
    }

    /// Tries to lease `record` without waiting: the lock file, and the text it held (who
    /// released it and how).
    fn try_lease(self, record: &CloneRecord, test: &str) -> Result<Option<(File, String)>, Error> {
        if self.held_out(&record.id) {
            return Ok(None);
        }
        let path = self.lease_path(&record.id);
        let mut file = open_lock(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::Internal {
                    context: format!("locking {}", path.display()),
                    source: e.into(),
                });
            }
        }
        let _ = fs::remove_file(self.failed_path(&record.id));
        let mut released = String::new();
        let _ = file.read_to_string(&mut released);
        describe(&mut file, &format!("pid {} test {test}", self.settings.pid));
        Ok(Some((file, released)))
    }

    fn holders(self, members: &[PoolMember]) -> String {
        let held: Vec<String> = members
            .iter()
            .map(|m| {
                let who = fs::read_to_string(self.lease_path(&m.record.id)).unwrap_or_default();
                format!(
                    "{} by {}",
                    m.record.id,
                    if who.is_empty() { "nobody".into() } else { who }
                )
            })
            .collect();
        if held.is_empty() {
            "none".into()
        } else {
            held.join("; ")
        }
    }

    /// Leases one clone per request (releasing what it got if a later one fails).
    pub(crate) fn lease_all(
        self,
        test: &str,
        manifest_dir: &str,
        requests: &[Request],
    ) -> Result<Vec<Lease>, Error> {
        let mut leases = Vec::new();
        for request in requests {
            match self.lease(test, manifest_dir, request) {
                Ok(lease) => leases.push(lease),
                Err(err) => {
                    self.release_all(leases, false, test);
                    return Err(err);
                }
            }
        }
        Ok(leases)
    }

    fn lease(self, test: &str, manifest_dir: &str, request: &Request) -> Result<Lease, Error> {
        /// Resolved pools of this process, by (home, crate dir, request).
        type Resolved = Mutex<HashMap<(PathBuf, String, String), Arc<Pool>>>;
        static RESOLVED: OnceLock<Resolved> = OnceLock::new();
        let cache_key = (
            self.provider.home().root().to_owned(),
            manifest_dir.to_owned(),
            format!("{request:?}"),
        );
        let cached = RESOLVED
            .get_or_init(Default::default)
            .lock()
            .ok()
            .and_then(|m| m.get(&cache_key).cloned());
        let remember = |pool: Pool| {
            let pool = Arc::new(pool);
            if let Ok(mut resolved) = RESOLVED.get_or_init(Default::default).lock() {
                resolved.insert(cache_key.clone(), pool.clone());
            }
            pool
        };
        let mut pool = match cached {
            Some(pool) => pool,
            None => remember(self.resolve(manifest_dir, request)?),
        };
        let mut repinned = false;
        steps::mark("resolve pool (image, pin, seed)");
        let max = self.settings.pool_max;
        let mut deadline = Instant::now() + self.settings.lease_timeout;
        let pool_lock_path = self.leases_dir().join(format!(
            "pool-{}.lock",
            hex::encode(&Sha256::digest(pool.key.as_bytes())[..8])
        ));
        loop {
            let members = self.provider.pool_members(&pool.key)?;
            steps::mark("registry read");
            if let Some(lease) = self.lease_idle(&members, test)? {
                return Ok(lease);
            }
            // Nothing idle: under the pool lock, look again and spin if below the cap.
            let guard = open_lock(&pool_lock_path)?;
            guard.lock().map_err(|e| Error::Internal {
                context: "locking the pool".into(),
                source: e.into(),
            })?;
            let members = self.provider.pool_members(&pool.key)?;
            if let Some(lease) = self.lease_idle(&members, test)? {
                return Ok(lease);
            }
            let in_pool = members
                .iter()
                .filter(|m| !self.held_out(&m.record.id))
                .count();
            if in_pool < max {
                if self.settings.pins_off {
                    self.retire_superseded(&pool.key);
                }
                let instance = match block_on(self.provider.create(pool.spec.clone())) {
                    Err(Error::ImageUnavailable { .. }) if !self.settings.pins_off && !repinned => {
                        // The pinned image is gone from this machine (or never was on it):
                        // resolve the template's image again (pulled or built from source)
                        // and pin that.
                        drop(guard);
                        let digest = block_on(self.provider.resolve_image(request.template))?;
                        if asym_engine::repin(
                            self.provider.home(),
                            manifest_dir,
                            request.template,
                            &digest,
                        )? {
                            asym_engine::say(&format!(
                                "asym.lock pinned {} to an image not on this machine; pinned it to {digest}",
                                request.template
                            ));
                        }
                        pool = remember(self.resolve(manifest_dir, request)?);
                        repinned = true;
                        // Waiting for a build is not waiting for a lease.
                        deadline = Instant::now() + self.settings.lease_timeout;
                        continue;
                    }
                    created => created?,
                };
                drop(guard);
                if let Some((file, _)) = self.try_lease(&instance.record, test)? {
                    // Fresh from spin: already at its baseline, no reset needed.
                    let admin_secret = self.provider.admin_secret(&instance.record.id)?;
                    return Ok(Lease {
                        instance,
                        admin_secret,
                        file,
                    });
                }
                continue;
            }
            drop(guard);
            if Instant::now() > deadline {
                return Err(Error::LeaseTimeout {
                    key: pool.key.clone(),
                    seconds: self.settings.lease_timeout.as_secs(),
                    max,
                    holders: self.holders(&members),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Leases a running, idle member (reset), starting at this test's nextest slot (so each
    /// slot keeps taking the clone it released, whose background reset ran while nextest
    /// started this process), else at a per-process offset, so processes don't all contend
    /// for one clone.
    fn lease_idle(self, members: &[PoolMember], test: &str) -> Result<Option<Lease>, Error> {
        let running: Vec<&PoolMember> = members
            .iter()
            .filter(|m| m.record.state == asym_engine::CloneState::Running)
            .collect();
        let offset = self.settings.slot.unwrap_or(self.settings.pid as usize);
        for i in 0..running.len() {
            let PoolMember {
                record,
                admin_secret,
            } = running[(i + offset) % running.len()];
            let Some((file, released)) = self.try_lease(record, test)? else {
                continue;
            };
            steps::mark("lease (file lock)");
            let provider = self.provider;
            let result = block_on(async {
                let pending = released
                    .strip_prefix(RESETTING)
                    .and_then(|rest| rest.split(' ').next());
                let clean = released.starts_with(CLEAN)
                    || match pending {
                        Some(pending) => {
                            provider
                                .reset_settled(record, admin_secret, pending)
                                .await?
                        }
                        None => false,
                    };
                if !clean {
                    provider.reset_record(record, admin_secret).await?;
                }
                steps::mark("settle or reset");
                provider.instance(record.clone()).await
            });
            steps::mark("instance");
            let instance = match result {
                Ok(instance) => instance,
                Err(err @ Error::DockerUnavailable { .. }) => return Err(err),
                Err(_) => {
                    // Broken beyond a reset (its containers or database were removed behind
                    // asym's back): drop it from the pool and look for another.
                    let _ = block_on(provider.destroy(&record.id));
                    continue;
                }
            };
            return Ok(Some(Lease {
                instance,
                admin_secret: admin_secret.clone(),
                file,
            }));
        }
        Ok(None)
    }

    /// Releases leases; a failed test's clones are held out of the pool until the next run,
    /// as the test left them. The others' backends reset them in the background, while the
    /// next test starts; the lease file records the token the next holder settles that reset
    /// with. When more tests run at once than there are CPUs, that overlap buys nothing (the
    /// CPUs are busy anyway) and the settling call costs CPU: the release resets the clone
    /// before it returns and marks it clean, and the next holder leases it as it is (200
    /// tests on 2 cores, medians of alternated rounds against the never-reset floor: nextest
    /// -j 4 1.16× this way, 1.195× in the background; -j 2 1.11× in the background, 1.145×
    /// this way).
    pub(crate) fn release_all(self, leases: Vec<Lease>, failed: bool, test: &str) {
        for mut lease in leases {
            let record = &lease.instance.record;
            let state = if failed {
                let _ = fs::write(self.failed_path(&record.id), &self.settings.run_id);
                format!("idle (last: {test})")
            } else if self.settings.release_resets {
                match block_on(self.provider.reset_record(record, &lease.admin_secret)) {
                    Ok(()) => format!("{CLEAN}(last: {test})"),
                    Err(_) => format!("idle (last: {test})"),
                }
            } else {
                match block_on(self.provider.reset_deferred(record, &lease.admin_secret)) {
                    Ok(Some(pending)) => format!("{RESETTING}{pending} (last: {test})"),
                    _ => format!("idle (last: {test})"),
                }
            };
            describe(&mut lease.file, &state);
            let _ = lease.file.set_modified(SystemTime::now());
            let _ = lease.file.unlock();
        }
    }

    /// Destroys pooled clones idle past the TTL, at most once a minute across processes
    /// (nextest starts one per test).
    pub(crate) fn reap(self) {
        let ttl = self.settings.idle_ttl;
        let stamp = self.leases_dir().join("reaped");
        let recently = fs::metadata(&stamp)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|since| since < ttl.min(Duration::from_secs(60)));
        if recently {
            return;
        }
        if let Ok(file) = File::create(&stamp) {
            let _ = file.set_modified(SystemTime::now());
        }
        let Ok(records) = self.provider.records() else {
            return;
        };
        for record in records.iter().filter(|r| r.pool_key.is_some()) {
            let path = self.lease_path(&record.id);
            let idle_for = fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .unwrap_or_else(|| record.updated_at.elapsed());
            if idle_for < ttl {
                continue;
            }
            if let Some(_held) = self.unheld(&record.id) {
                self.destroy(&record.id);
            }
        }
    }

    /// With pins off, a rebuilt image (or a newer snapshot format) starts a new pool for the
    /// same template, mode and seed, and only a crate that pins the old image could lease the
    /// old pool's clones again: when the new pool spins, its idle ones are destroyed rather
    /// than left running until the idle TTL (a template author rebuilds often). A failed
    /// test's clone is kept for inspection, as the TTL keeps it.
    fn retire_superseded(self, key: &str) {
        let family = |key: &str| key.rsplitn(3, '/').nth(2).map(str::to_owned);
        let Some(ours) = family(key) else { return };
        let Ok(records) = self.provider.records() else {
            return;
        };
        for record in &records {
            let Some(theirs) = record.pool_key.as_deref() else {
                continue;
            };
            if theirs == key
                || family(theirs).as_ref() != Some(&ours)
                || self.failed_path(&record.id).exists()
            {
                continue;
            }
            // Idle: released, not being made (a clone's lease file is written once it is up).
            if let Some((_held, text)) = self.unheld(&record.id)
                && text.starts_with("idle")
            {
                self.destroy(&record.id);
            }
        }
    }

    /// `id`'s lease file locked, and what it says, unless a process holds it.
    fn unheld(self, id: &str) -> Option<(File, String)> {
        let mut file = open_lock(&self.lease_path(id)).ok()?;
        file.try_lock().ok()?;
        let mut text = String::new();
        let _ = file.read_to_string(&mut text);
        Some((file, text))
    }

    /// Destroys `id` (its lease held by the caller) and forgets that a test failed on it.
    fn destroy(self, id: &str) {
        let _ = block_on(self.provider.destroy(id));
        let _ = fs::remove_file(self.failed_path(id));
    }
}

fn open_lock(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::Internal {
            context: format!("opening {}", path.display()),
            source: e.into(),
        })
}

/// What a released clone's lease file starts with when its backend was asked to reset it
/// in the background: the token to settle that reset with follows.
const RESETTING: &str = "idle, reset ";

/// What a released clone's lease file starts with when the release reset it already.
const CLEAN: &str = "idle, clean ";

/// Replaces a lease file's text (who holds it, or that it is idle).
fn describe(file: &mut File, text: &str) {
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.write_all(text.as_bytes());
}

#[cfg(test)]
mod fake;
#[cfg(test)]
mod tests;
