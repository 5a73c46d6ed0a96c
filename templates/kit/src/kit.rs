//! [`Kit`]: the shared state every backend gets — configuration, Postgres pool, Redis.

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Hook, Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::sync::{Notify, OnceCell};

use crate::config::Config;
use crate::faults::Faults;
use crate::gate::Resets;
use crate::journal::Journal;

/// Most Postgres connections one backend holds: tests drive a clone from a handful of tasks,
/// and every connection costs the shared server memory.
const PG_POOL_SIZE: usize = 4;
/// Most statements one connection keeps prepared (`prepare_cached`). Far above any clone's
/// fixed statements; a bound on those built from requests (a filter's or a GraphQL
/// selection's shape), each of which would otherwise stay prepared in the shared Postgres for
/// the connection's life. A connection over it forgets them all when it is next taken from
/// the pool, and prepares again what it uses.
pub const MAX_CACHED_STATEMENTS: usize = 1024;
/// How long a request waits for Postgres (a free pooled connection, or a new one).
const PG_TIMEOUT: Duration = Duration::from_secs(2);
/// Session settings of every backend connection (see [`Kit::new`]).
const IDLE_IN_TRANSACTION: &str = "-c idle_in_transaction_session_timeout=5000";
/// How long a Redis connection attempt, then each Redis command, may take.
const REDIS_CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const REDIS_RESPONSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Why a backend cannot start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The environment is incomplete or wrong.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// `DATABASE_URL` does not parse as a Postgres connection string.
    #[error("DATABASE_URL is not a valid Postgres connection string")]
    DatabaseUrl(#[source] tokio_postgres::Error),
    /// The Postgres pool could not be built.
    #[error("cannot build the Postgres pool")]
    Pool(#[source] deadpool_postgres::BuildError),
    /// `REDIS_URL` does not parse as a Redis URL.
    #[error("REDIS_URL is not a valid Redis URL")]
    RedisUrl(#[source] redis::RedisError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address tried.
        addr: std::net::SocketAddr,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The tokio runtime could not be built.
    #[error("cannot start the async runtime")]
    Runtime(#[source] std::io::Error),
    /// The server stopped with an I/O error.
    #[error("the HTTP server failed")]
    Serve(#[source] std::io::Error),
}

/// Why Postgres or Redis did not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BackendError {
    /// No Postgres connection could be had (server down, or a new connection timed out).
    #[error("cannot get a Postgres connection")]
    PostgresPool(#[source] deadpool_postgres::PoolError),
    /// Every pooled connection stayed busy for [`PG_TIMEOUT`]: under load, or a handler that
    /// holds one connection while it asks [`Kit::db`] for another (which deadlocks the pool
    /// once as many requests do it at once as the pool has connections).
    #[error(
        "all {PG_POOL_SIZE} pooled Postgres connections stayed busy for {PG_TIMEOUT:?} \
         (does a handler hold one while it asks Kit::db for another?)"
    )]
    PoolExhausted,
    /// A Postgres statement failed.
    #[error("Postgres statement failed")]
    Postgres(#[source] tokio_postgres::Error),
    /// Redis could not be reached or a command failed.
    #[error("Redis command failed")]
    Redis(#[source] redis::RedisError),
    /// The call took longer than allowed.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
}

impl From<deadpool_postgres::PoolError> for BackendError {
    fn from(source: deadpool_postgres::PoolError) -> Self {
        match source {
            deadpool_postgres::PoolError::Timeout(deadpool_postgres::TimeoutType::Wait) => {
                Self::PoolExhausted
            }
            source => Self::PostgresPool(source),
        }
    }
}

impl From<tokio_postgres::Error> for BackendError {
    fn from(source: tokio_postgres::Error) -> Self {
        Self::Postgres(source)
    }
}

impl From<redis::RedisError> for BackendError {
    fn from(source: redis::RedisError) -> Self {
        Self::Redis(source)
    }
}

/// The state a backend's handlers share; cheap to clone.
///
/// Building one opens no connection: Postgres connections are made by the pool on first use
/// and Redis on first [`Kit::redis`], so a backend starts serving at once and its health
/// check reports 503 until both answer.
#[derive(Clone)]
pub struct Kit {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    pg: Pool,
    /// How the pool connects; the restorer connects the same way.
    pg_config: tokio_postgres::Config,
    /// The connection kept for resets alone (see [`Kit::restorer`]).
    restorer: tokio::sync::Mutex<Option<Arc<tokio_postgres::Client>>>,
    redis_client: redis::Client,
    redis: OnceCell<ConnectionManager>,
    resets: Resets,
    /// The faults tests asked for (see the `faults` module).
    faults: Arc<Faults>,
    /// The requests answered since the last reset (see the `journal` module).
    journal: Arc<Journal>,
    /// Set once the kit's own tables (`sql/kit.sql`) exist in the clone's database.
    schema: OnceCell<()>,
    http: std::sync::OnceLock<reqwest::Client>,
    outbox: Notify,
    /// Woken each time the webhook worker records an attempt.
    tried: Notify,
    /// Held by the webhook worker from a claim until its attempts are recorded.
    sending: tokio::sync::Mutex<()>,
}

/// The kit's own tables, created at start-up (see `sql/kit.sql`).
const SCHEMA: &str = include_str!("../sql/kit.sql");

impl axum::extract::FromRef<Kit> for Arc<Faults> {
    fn from_ref(kit: &Kit) -> Self {
        kit.faults().clone()
    }
}

impl axum::extract::FromRef<Kit> for Arc<Journal> {
    fn from_ref(kit: &Kit) -> Self {
        kit.journal().clone()
    }
}

impl std::fmt::Debug for Kit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kit")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Kit {
    /// Builds the state from `config` without connecting to anything.
    ///
    /// # Errors
    ///
    /// [`StartError::DatabaseUrl`], [`StartError::Pool`] or [`StartError::RedisUrl`] when the
    /// URLs do not parse.
    pub fn new(config: Config) -> Result<Self, StartError> {
        let mut pg_config: tokio_postgres::Config = config
            .database_url
            .parse()
            .map_err(StartError::DatabaseUrl)?;
        pg_config.connect_timeout(PG_TIMEOUT);
        // A safety net under every clone: a session left inside a transaction (a request
        // dropped between BEGIN and COMMIT by code that did not use `Transaction` or
        // [`ManualTx`]) is ended by Postgres instead of holding its locks for good.
        pg_config.options(IDLE_IN_TRANSACTION);
        if pg_config.get_application_name().is_none() {
            pg_config.application_name(&config.clone_id);
        }
        let manager = Manager::from_config(
            pg_config.clone(),
            tokio_postgres::NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pg = Pool::builder(manager)
            .max_size(PG_POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(PG_TIMEOUT))
            .create_timeout(Some(PG_TIMEOUT))
            .recycle_timeout(Some(PG_TIMEOUT))
            .post_recycle(Hook::sync_fn(|client, _| {
                if client.statement_cache.size() > MAX_CACHED_STATEMENTS {
                    client.statement_cache.clear();
                }
                Ok(())
            }))
            .build()
            .map_err(StartError::Pool)?;
        let redis_client =
            redis::Client::open(config.redis_url.as_str()).map_err(StartError::RedisUrl)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                pg,
                pg_config,
                restorer: tokio::sync::Mutex::new(None),
                redis_client,
                redis: OnceCell::new(),
                resets: Resets::new(),
                faults: Arc::default(),
                journal: Arc::default(),
                schema: OnceCell::new(),
                http: std::sync::OnceLock::new(),
                outbox: Notify::new(),
                tried: Notify::new(),
                sending: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// The configuration the backend was started with.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Resets in flight and done (see the `reset` module).
    pub(crate) fn resets(&self) -> &Resets {
        &self.inner.resets
    }

    /// The faults tests asked for.
    pub(crate) fn faults(&self) -> &Arc<Faults> {
        &self.inner.faults
    }

    /// The requests answered since the last reset.
    pub(crate) fn journal(&self) -> &Arc<Journal> {
        &self.inner.journal
    }

    /// The Postgres pool (at most four connections, made on demand).
    pub fn pg(&self) -> &Pool {
        &self.inner.pg
    }

    /// A pooled Postgres connection.
    ///
    /// # Errors
    ///
    /// [`BackendError::PostgresPool`] when Postgres is unreachable, or
    /// [`BackendError::PoolExhausted`] when the pool stays busy for two seconds.
    pub async fn db(&self) -> Result<deadpool_postgres::Object, BackendError> {
        Ok(self.inner.pg.get().await?)
    }

    /// The connection resets restore the baseline on, opened on first use (and again after it
    /// drops) in replica mode ([`asym_contract::wire::RESTORER_SESSION`]), so that a reset
    /// keeps its statements' plans: never used for anything else.
    ///
    /// # Errors
    ///
    /// [`BackendError::Postgres`] when Postgres refuses the connection or the setting, or
    /// [`BackendError::Timeout`] after two seconds.
    pub(crate) async fn restorer(&self) -> Result<Arc<tokio_postgres::Client>, BackendError> {
        let mut restorer = self.inner.restorer.lock().await;
        if let Some(client) = restorer.as_ref().filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let client = within(PG_TIMEOUT, async {
            let (client, connection) = self.inner.pg_config.connect(tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client
                .batch_execute(asym_contract::wire::RESTORER_SESSION)
                .await?;
            Ok::<_, BackendError>(client)
        })
        .await?;
        let client = Arc::new(client);
        *restorer = Some(client.clone());
        Ok(client)
    }

    /// A Redis connection (a cheap clone of one multiplexed, self-reconnecting connection,
    /// made on first use).
    ///
    /// # Errors
    ///
    /// [`BackendError::Redis`] when Redis cannot be reached.
    pub async fn redis(&self) -> Result<ConnectionManager, BackendError> {
        let manager = self
            .inner
            .redis
            .get_or_try_init(|| {
                let config = ConnectionManagerConfig::new()
                    .set_connection_timeout(REDIS_CONNECT_TIMEOUT)
                    .set_response_timeout(REDIS_RESPONSE_TIMEOUT)
                    // Fail fast: callers (health, the warm-up loop) retry on their own.
                    .set_number_of_retries(0)
                    .set_max_delay(200);
                ConnectionManager::new_with_config(self.inner.redis_client.clone(), config)
            })
            .await?;
        Ok(manager.clone())
    }

    /// `suffix` under this clone's Redis prefix: `key("rate:T1")` → `slack-1a2b:rate:T1`.
    /// Every key a backend touches goes through here, so a reset that clears the prefix
    /// clears everything.
    pub fn redis_key(&self, suffix: &str) -> String {
        redis_key(&self.inner.config.redis_prefix, suffix)
    }

    /// Runs `SELECT 1`, after creating the kit's own tables on the first success (so a
    /// healthy backend always has them).
    ///
    /// # Errors
    ///
    /// [`BackendError`] when Postgres does not answer in time or the tables cannot be made.
    pub async fn check_postgres(&self) -> Result<(), BackendError> {
        within(PG_TIMEOUT, async {
            let client = self.db().await?;
            self.inner
                .schema
                .get_or_try_init(|| async {
                    client
                        .batch_execute(SCHEMA)
                        .await
                        .map_err(BackendError::from)
                })
                .await?;
            client.simple_query("SELECT 1").await?;
            Ok(())
        })
        .await
    }

    /// The one HTTP client a backend sends with (webhooks, URL checks): made on first use.
    pub fn http(&self) -> &reqwest::Client {
        self.inner.http.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .build()
                .unwrap_or_default()
        })
    }

    /// Tells the webhook worker that deliveries were enqueued (call after committing).
    pub fn wake_outbox(&self) {
        self.inner.outbox.notify_one();
    }

    /// Resolves when [`Kit::wake_outbox`] is called.
    pub(crate) async fn outbox_notified(&self) {
        self.inner.outbox.notified().await;
    }

    /// Woken each time the webhook worker records an attempt's outcome.
    pub(crate) fn outbox_tried(&self) -> &Notify {
        &self.inner.tried
    }

    /// Resolves once no webhook attempt is in flight: what a delivery listing reads then
    /// records the answers of every attempt a receiver has seen.
    pub async fn outbox_settled(&self) {
        drop(self.inner.sending.lock().await);
    }

    /// Held while the worker claims and sends a batch (see [`Kit::outbox_settled`]).
    pub(crate) async fn outbox_sending(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.inner.sending.lock().await
    }

    /// Sends `PING`.
    ///
    /// # Errors
    ///
    /// [`BackendError`] when Redis does not answer in time.
    pub async fn check_redis(&self) -> Result<(), BackendError> {
        within(REDIS_CONNECT_TIMEOUT + REDIS_RESPONSE_TIMEOUT, async {
            let mut conn = self.redis().await?;
            let _: String = redis::cmd("PING").query_async(&mut conn).await?;
            Ok(())
        })
        .await
    }

    /// Starts connecting to Postgres and Redis in the background, retrying until each
    /// answers once, so the first health check after they come up already passes.
    pub fn spawn_warm_up(&self) {
        let kit = self.clone();
        tokio::spawn(async move {
            retry_until_ok(|| kit.check_postgres()).await;
        });
        let kit = self.clone();
        tokio::spawn(async move {
            retry_until_ok(|| kit.check_redis()).await;
        });
    }
}

/// A pooled connection on which the caller runs `BEGIN` … `COMMIT` by hand (to pipeline
/// `BEGIN` with its first statements, which `Transaction` cannot).
///
/// If it is dropped while the transaction may still be open — the request's client went away
/// and axum dropped the handler mid-transaction, or a statement failed — the connection is
/// closed instead of going back to the pool, so Postgres rolls the transaction back at once
/// and no later request (or reset) runs inside it. Call [`ManualTx::finished`] once `COMMIT`
/// or `ROLLBACK` has answered.
#[derive(Debug)]
pub struct ManualTx {
    client: Option<deadpool_postgres::Object>,
    open: std::sync::atomic::AtomicBool,
}

impl ManualTx {
    /// Wraps `client`, counting its transaction as open.
    pub fn new(client: deadpool_postgres::Object) -> Self {
        Self {
            client: Some(client),
            open: std::sync::atomic::AtomicBool::new(true),
        }
    }

    /// Marks the transaction committed or rolled back: the connection may be reused.
    pub fn finished(&self) {
        self.open.store(false, std::sync::atomic::Ordering::Release);
    }
}

impl std::ops::Deref for ManualTx {
    type Target = deadpool_postgres::Object;

    fn deref(&self) -> &Self::Target {
        // Only `Drop` takes the client out.
        #[allow(clippy::expect_used, reason = "present until drop")]
        self.client
            .as_ref()
            .expect("the connection is held until drop")
    }
}

impl Drop for ManualTx {
    fn drop(&mut self) {
        if self.open.load(std::sync::atomic::Ordering::Acquire)
            && let Some(client) = self.client.take()
        {
            // Detached from the pool and dropped: the socket closes, the server rolls back.
            drop(deadpool_postgres::Object::take(client));
        }
    }
}

/// `prefix` + `suffix`: the one way a Redis key is spelled.
pub fn redis_key(prefix: &str, suffix: &str) -> String {
    let mut key = String::with_capacity(prefix.len() + suffix.len());
    key.push_str(prefix);
    key.push_str(suffix);
    key
}

async fn within<T>(
    limit: Duration,
    call: impl Future<Output = Result<T, BackendError>>,
) -> Result<T, BackendError> {
    tokio::time::timeout(limit, call)
        .await
        .unwrap_or(Err(BackendError::Timeout(limit)))
}

async fn retry_until_ok<F, Fut>(mut attempt: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), BackendError>>,
{
    let mut delay = Duration::from_millis(20);
    while attempt().await.is_err() {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_always_carry_the_prefix() {
        assert_eq!(redis_key("slack-1a2b:", "rate:T1"), "slack-1a2b:rate:T1");
        assert_eq!(redis_key("slack-1a2b:", ""), "slack-1a2b:");
    }

    #[test]
    fn a_pool_that_stays_busy_is_named_apart_from_an_unreachable_postgres() {
        use deadpool_postgres::{PoolError, TimeoutType};
        let busy = BackendError::from(PoolError::Timeout(TimeoutType::Wait));
        assert!(matches!(busy, BackendError::PoolExhausted));
        assert_eq!(
            busy.to_string(),
            "all 4 pooled Postgres connections stayed busy for 2s \
             (does a handler hold one while it asks Kit::db for another?)"
        );
        for other in [TimeoutType::Create, TimeoutType::Recycle] {
            let err = BackendError::from(PoolError::Timeout(other));
            assert!(matches!(err, BackendError::PostgresPool(_)), "{other:?}");
        }
    }
}
