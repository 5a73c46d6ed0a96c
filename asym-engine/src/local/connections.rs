//! What a provider talks to: Docker, the shared infra, Postgres and Redis sessions.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_postgres::Client;

use crate::docker::Docker;
use crate::error::{Error, Result};
use crate::infra::{self, Infra};
use crate::model::{CloneRecord, SpinStep};

use super::LocalDockerProvider;

impl LocalDockerProvider {
    pub(crate) async fn docker(&self) -> Result<&Docker> {
        self.docker.get_or_try_init(Docker::connect).await
    }

    /// The shared infrastructure, started or adopted on first use. A warm process takes it from
    /// `infra.json` after a cheap reachability check, without asking Docker.
    ///
    /// # Errors
    /// `DOCKER_UNAVAILABLE`, `IMAGE_UNAVAILABLE` for missing infra images, `Internal` otherwise.
    pub async fn infra(&self) -> Result<Infra> {
        let mut slot = self.infra.lock().await;
        if let Some(infra) = slot.as_ref() {
            return Ok(infra.clone());
        }
        let infra = match Infra::cached(&self.home).await {
            Some(infra) => infra,
            None => {
                self.report(SpinStep::Infra);
                infra::ensure(self.docker().await?, &self.home, &self.config).await?
            }
        };
        *slot = Some(infra.clone());
        Ok(infra)
    }

    /// The infra facts for building URLs: what this process knows, else `infra.json` without a
    /// reachability check (a test process that just reset a clone through its backend needs no
    /// connection of its own), else [`Self::infra`].
    pub(super) async fn infra_facts(&self) -> Result<Infra> {
        if let Some(infra) = self.infra.lock().await.as_ref() {
            return Ok(infra.clone());
        }
        match Infra::load(&self.home) {
            Some(infra) => Ok(infra),
            None => self.infra().await,
        }
    }

    /// Forgets the infra facts and asks Docker again (after the infra was recreated elsewhere).
    pub(crate) async fn refresh_infra(&self) -> Result<Infra> {
        let infra = infra::ensure(self.docker().await?, &self.home, &self.config).await?;
        *self.infra.lock().await = Some(infra.clone());
        Ok(infra)
    }

    /// A cached connection to database `db` (reconnects when the old one dropped).
    pub(crate) async fn client(&self, db: &str) -> Result<Arc<Client>> {
        let mut clients = self.clients.lock().await;
        if let Some(client) = clients.get(db).filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let client = Arc::new(self.fresh_client(db).await?);
        clients.insert(db.to_owned(), client.clone());
        Ok(client)
    }

    /// A cached connection to database `db` kept for restoring snapshots alone, in replica
    /// mode from the start ([`asym_contract::wire::RESTORER_SESSION`]: a restore then keeps its
    /// plans). Writes through it would go unrecorded, so nothing else runs on it.
    pub(crate) async fn restorer(&self, db: &str) -> Result<Arc<Client>> {
        let mut restorers = self.restorers.lock().await;
        if let Some(client) = restorers.get(db).filter(|c| !c.is_closed()) {
            return Ok(client.clone());
        }
        let client = self.fresh_client(db).await?;
        client
            .batch_execute(asym_contract::wire::RESTORER_SESSION)
            .await
            .map_err(|e| Error::internal(format!("opening a restorer on {db}"), e))?;
        let client = Arc::new(client);
        restorers.insert(db.to_owned(), client.clone());
        Ok(client)
    }

    /// Whether this process already holds an open connection to `db`.
    pub(super) async fn holds_connection(&self, db: &str) -> bool {
        let open = |map: &HashMap<String, Arc<Client>>| map.get(db).is_some_and(|c| !c.is_closed());
        open(&*self.clients.lock().await) || open(&*self.restorers.lock().await)
    }

    pub(super) async fn forget_client(&self, db: &str) {
        self.clients.lock().await.remove(db);
        self.restorers.lock().await.remove(db);
    }

    pub(crate) async fn redis(&self) -> Result<redis::aio::MultiplexedConnection> {
        let infra = self.infra().await?;
        self.redis
            .get_or_try_init(|| async {
                let client = redis::Client::open(infra.redis_url())
                    .map_err(|e| Error::internal("opening Redis", e))?;
                client
                    .get_multiplexed_async_connection()
                    .await
                    .map_err(|e| Error::internal("connecting to Redis", e))
            })
            .await
            .cloned()
    }

    /// A connection of its own (for transactions, which need `&mut`).
    pub(crate) async fn fresh_client(&self, db: &str) -> Result<Client> {
        let connect =
            |infra: Infra| async move { infra.pg_config(db).connect(tokio_postgres::NoTls).await };
        let refused = |e: &tokio_postgres::Error| {
            e.code() == Some(&tokio_postgres::error::SqlState::INVALID_PASSWORD)
        };
        let (client, conn) = match connect(self.infra().await?).await {
            // `infra.json` was stale: the infra was recreated with a new password.
            Err(e) if refused(&e) => match connect(self.refresh_infra().await?).await {
                // A clone made before clones had roles of their own.
                Err(e) if refused(&e) && db != "postgres" => {
                    let infra = self.infra().await?;
                    infra
                        .superuser_config(db)
                        .connect(tokio_postgres::NoTls)
                        .await
                }
                other => other,
            },
            other => other,
        }
        .map_err(|e| Error::internal(format!("connecting to database {db}"), e))?;
        tokio::spawn(conn);
        Ok(client)
    }

    /// Creates (or re-creates, after a Redis restart) clone's Redis ACL user: its own password,
    /// keys and channels under its prefix only, no dangerous or admin commands.
    pub(crate) async fn ensure_redis_user(&self, record: &CloneRecord) -> Result<()> {
        let infra = self.infra().await?;
        let Some((user, password)) = infra.redis_user(&record.id) else {
            return Ok(());
        };
        let mut redis = self.redis().await?;
        redis::cmd("ACL")
            .arg("SETUSER")
            .arg(&user)
            .arg("reset")
            .arg("on")
            .arg(format!(">{password}"))
            .arg(format!("~{}*", record.redis_prefix))
            .arg(format!("&{}*", record.redis_prefix))
            .arg("+@all")
            .arg("-@dangerous")
            .arg("-@admin")
            .query_async::<()>(&mut redis)
            .await
            .map_err(|e| Error::step(&record.id, "create Redis user", e))
    }
}
