//! The cross-process pool: leases are file locks in `$ASYM_HOME/leases/`, released by the OS
//! when a process dies; all engine work runs on one background runtime per process.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions};
use std::future::Future;
use std::io::{Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use asym_engine::{
    CloneInstance, CloneProvider, CloneRecord, CloneSpec, Error, LocalDockerProvider, PoolMember,
    SeedSpec,
};
use sha2::{Digest, Sha256};

use crate::runner::Request;

struct Engine {
    runtime: tokio::runtime::Runtime,
    provider: Result<Arc<LocalDockerProvider>, String>,
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("asym-engine")
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("asym: cannot start the engine runtime: {e}"));
        let provider = LocalDockerProvider::new()
            .map(Arc::new)
            .map_err(|e| e.render());
        Engine { runtime, provider }
    })
}

fn provider() -> Result<Arc<LocalDockerProvider>, Error> {
    engine()
        .provider
        .clone()
        .map_err(|rendered| Error::Internal {
            context: "asym cannot start".into(),
            source: rendered.into(),
        })
}

/// Runs engine work on the engine runtime (its connections live there), from any runtime.
pub(crate) async fn on_engine<T, Fut>(
    work: impl FnOnce(Arc<LocalDockerProvider>) -> Fut,
) -> Result<T, Error>
where
    T: Send + 'static,
    Fut: Future<Output = Result<T, Error>> + Send + 'static,
{
    let fut = work(provider()?);
    engine()
        .runtime
        .spawn(fut)
        .await
        .map_err(|e| Error::Internal {
            context: "engine task failed".into(),
            source: e.into(),
        })?
}

/// Blocks the calling (test) thread on engine work.
fn block_on<T>(fut: impl Future<Output = T>) -> T {
    engine().runtime.block_on(fut)
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

/// This run: nextest's run id, else this process.
fn run_id() -> String {
    std::env::var("NEXTEST_RUN_ID").unwrap_or_else(|_| format!("pid-{}", std::process::id()))
}

/// How many clones a pool may hold: `ASYM_POOL_MAX`, else how many tests can run at once.
fn pool_max() -> usize {
    let env_num = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    if let Some(n) = env_num("ASYM_POOL_MAX") {
        return n.max(1);
    }
    let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
    if std::env::var_os("NEXTEST_RUN_ID").is_some() {
        return env_num("NEXTEST_TEST_THREADS").unwrap_or(cpus).max(1);
    }
    let args: Vec<String> = std::env::args().collect();
    let from_args = args.iter().enumerate().find_map(|(i, arg)| {
        arg.strip_prefix("--test-threads=")
            .map(str::to_owned)
            .or_else(|| {
                (arg == "--test-threads")
                    .then(|| args.get(i + 1).cloned())
                    .flatten()
            })
    });
    from_args
        .and_then(|n| n.parse().ok())
        .or_else(|| env_num("RUST_TEST_THREADS"))
        .unwrap_or(cpus)
        .max(1)
}

fn lease_timeout() -> Duration {
    let secs = std::env::var("ASYM_LEASE_TIMEOUT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    Duration::from_secs(secs)
}

/// `ASYM_IDLE_TTL`: `90s`, `30m`, `2h` or plain seconds; default 30 minutes.
fn idle_ttl() -> Duration {
    let text = std::env::var("ASYM_IDLE_TTL").unwrap_or_default();
    asym_engine::parse_duration(&text).unwrap_or(Duration::from_secs(30 * 60))
}

fn resolve(
    provider: &LocalDockerProvider,
    manifest_dir: &str,
    request: &Request,
) -> Result<Pool, Error> {
    let template = provider.catalog().get(request.template)?;
    let (mode, _) = template.manifest.mode(request.mode)?;
    let digest = if std::env::var("ASYM_PIN").is_ok_and(|v| v == "off") {
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
    let key = format!("{}/{mode}/{seed_key}/{short}", request.template);
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

fn leases_dir(provider: &LocalDockerProvider) -> PathBuf {
    provider.home().leases_dir()
}

fn lease_path(provider: &LocalDockerProvider, id: &str) -> PathBuf {
    leases_dir(provider).join(format!("{id}.lock"))
}

fn failed_path(provider: &LocalDockerProvider, id: &str) -> PathBuf {
    leases_dir(provider).join(format!("{id}.failed"))
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

/// Held out of the pool: a test of this run failed on it.
fn held_out(provider: &LocalDockerProvider, id: &str) -> bool {
    fs::read_to_string(failed_path(provider, id)).is_ok_and(|run| run.trim() == run_id())
}

/// What a released clone's lease file starts with when its backend was asked to reset it
/// in the background: the token to settle that reset with follows.
const RESETTING: &str = "idle, reset ";

/// Tries to lease `record` without waiting: the lock file, and the text it held (who released
/// it and how).
fn try_lease(
    provider: &LocalDockerProvider,
    record: &CloneRecord,
    test: &str,
) -> Result<Option<(File, String)>, Error> {
    if held_out(provider, &record.id) {
        return Ok(None);
    }
    let path = lease_path(provider, &record.id);
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
    let _ = fs::remove_file(failed_path(provider, &record.id));
    let mut released = String::new();
    let _ = std::io::Read::read_to_string(&mut file, &mut released);
    describe(
        &mut file,
        &format!("pid {} test {test}", std::process::id()),
    );
    Ok(Some((file, released)))
}

/// Replaces a lease file's text (who holds it, or that it is idle).
fn describe(file: &mut File, text: &str) {
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.write_all(text.as_bytes());
}

fn holders(provider: &LocalDockerProvider, members: &[PoolMember]) -> String {
    let held: Vec<String> = members
        .iter()
        .map(|m| {
            let who = fs::read_to_string(lease_path(provider, &m.record.id)).unwrap_or_default();
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
    test: &str,
    manifest_dir: &str,
    requests: &[Request],
) -> Result<Vec<Lease>, Error> {
    let provider = provider()?;
    reap_once(&provider);
    let mut leases = Vec::new();
    for request in requests {
        match lease(&provider, test, manifest_dir, request) {
            Ok(lease) => leases.push(lease),
            Err(err) => {
                release_all(leases, false, test);
                return Err(err);
            }
        }
    }
    Ok(leases)
}

fn lease(
    provider: &Arc<LocalDockerProvider>,
    test: &str,
    manifest_dir: &str,
    request: &Request,
) -> Result<Lease, Error> {
    /// Resolved pools of this process, by (crate dir, request).
    type Pools = Mutex<HashMap<(String, String), Arc<Pool>>>;
    static POOLS: OnceLock<Pools> = OnceLock::new();
    let cache_key = (manifest_dir.to_owned(), format!("{request:?}"));
    let cached = POOLS
        .get_or_init(Default::default)
        .lock()
        .ok()
        .and_then(|m| m.get(&cache_key).cloned());
    let pool = match cached {
        Some(pool) => pool,
        None => {
            let pool = Arc::new(resolve(provider, manifest_dir, request)?);
            if let Ok(mut pools) = POOLS.get_or_init(Default::default).lock() {
                pools.insert(cache_key, pool.clone());
            }
            pool
        }
    };
    let max = pool_max();
    let deadline = Instant::now() + lease_timeout();
    let pool_lock_path = leases_dir(provider).join(format!(
        "pool-{}.lock",
        hex::encode(&Sha256::digest(pool.key.as_bytes())[..8])
    ));
    loop {
        let members = provider.pool_members(&pool.key)?;
        if let Some(lease) = lease_idle(provider, &members, test)? {
            return Ok(lease);
        }
        // Nothing idle: under the pool lock, look again and spin if below the cap.
        let guard = open_lock(&pool_lock_path)?;
        guard.lock().map_err(|e| Error::Internal {
            context: "locking the pool".into(),
            source: e.into(),
        })?;
        let members = provider.pool_members(&pool.key)?;
        if let Some(lease) = lease_idle(provider, &members, test)? {
            return Ok(lease);
        }
        let in_pool = members
            .iter()
            .filter(|m| !held_out(provider, &m.record.id))
            .count();
        if in_pool < max {
            let instance = block_on(provider.create(pool.spec.clone()))?;
            drop(guard);
            if let Some((file, _)) = try_lease(provider, &instance.record, test)? {
                // Fresh from spin: already at its baseline, no reset needed.
                let admin_secret = provider.admin_secret(&instance.record.id)?;
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
                seconds: lease_timeout().as_secs(),
                max,
                holders: holders(provider, &members),
            });
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Leases a running, idle member (reset), starting at this test's nextest slot (so each slot
/// keeps taking the clone it released, whose background reset ran while nextest started this
/// process), else at a per-process offset, so processes don't all contend for one clone.
fn lease_idle(
    provider: &Arc<LocalDockerProvider>,
    members: &[PoolMember],
    test: &str,
) -> Result<Option<Lease>, Error> {
    let running: Vec<&PoolMember> = members
        .iter()
        .filter(|m| m.record.state == asym_engine::CloneState::Running)
        .collect();
    let offset = std::env::var("NEXTEST_TEST_GLOBAL_SLOT")
        .ok()
        .and_then(|slot| slot.parse().ok())
        .unwrap_or(std::process::id() as usize);
    for i in 0..running.len() {
        let PoolMember {
            record,
            admin_secret,
        } = running[(i + offset) % running.len()];
        if let Some((file, released)) = try_lease(provider, record, test)? {
            let result = block_on(async {
                let pending = released
                    .strip_prefix(RESETTING)
                    .and_then(|rest| rest.split(' ').next());
                let clean = match pending {
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
                provider.instance(record.clone()).await
            });
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
    }
    Ok(None)
}

/// Releases leases; a failed test's clones are held out of the pool until the next run, as
/// the test left them. The others' backends reset them in the background, while the next
/// test starts; the lease file records the token the next holder settles that reset with.
pub(crate) fn release_all(leases: Vec<Lease>, failed: bool, test: &str) {
    let Ok(provider) = provider() else { return };
    for mut lease in leases {
        let record = &lease.instance.record;
        let pending = if failed {
            let _ = fs::write(failed_path(&provider, &record.id), run_id());
            None
        } else {
            block_on(provider.reset_deferred(record, &lease.admin_secret))
                .ok()
                .flatten()
        };
        let state = match pending {
            Some(pending) => format!("{RESETTING}{pending} (last: {test})"),
            None => format!("idle (last: {test})"),
        };
        describe(&mut lease.file, &state);
        let _ = lease.file.set_modified(SystemTime::now());
        let _ = lease.file.unlock();
    }
}

/// Once per process, and at most once a minute across processes (nextest starts one per
/// test): destroy pooled clones idle past the TTL.
fn reap_once(provider: &Arc<LocalDockerProvider>) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let ttl = idle_ttl();
        let stamp = leases_dir(provider).join("reaped");
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
        let Ok(records) = provider.records() else {
            return;
        };
        for record in records.iter().filter(|r| r.pool_key.is_some()) {
            let path = lease_path(provider, &record.id);
            let idle_for = fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .unwrap_or_else(|| record.updated_at.elapsed());
            if idle_for < ttl {
                continue;
            }
            let Ok(file) = open_lock(&path) else { continue };
            if file.try_lock().is_ok() {
                let _ = block_on(provider.destroy(&record.id));
                let _ = fs::remove_file(failed_path(provider, &record.id));
            }
        }
    });
}
