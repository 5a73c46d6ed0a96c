//! Calls to a clone's backend: provisioning credentials and resets (the harness's hot path).

use std::collections::BTreeMap;

use asym_contract::wire::{ADMIN_SECRET_HEADER, RESET_PATH};

use crate::catalog::Template;
use crate::error::{Error, Result};
use crate::model::{CloneRecord, CloneState};
use crate::provider::{PoolMember, PoolProvider};
use crate::registry::Entry;
use crate::reset::{self, BASELINE};

use super::{LocalDockerProvider, process_alive};

impl LocalDockerProvider {
    pub(crate) async fn provision(
        &self,
        entry: &Entry,
        template: &Template,
        reprovision: bool,
    ) -> Result<BTreeMap<String, String>> {
        let id = &entry.record.id;
        let service = template.manifest.api_service();
        let port = entry.record.ports.get(service).copied().unwrap_or_default();
        let url = format!(
            "http://127.0.0.1:{port}{}",
            template.manifest.provision.path
        );
        #[derive(serde::Deserialize)]
        struct Provisioned {
            tokens: BTreeMap<String, String>,
        }
        let response = self
            .http()?
            .post(&url)
            .header(ADMIN_SECRET_HEADER, &entry.secrets.admin_secret)
            .json(&serde_json::json!({ "reprovision": reprovision }))
            .send()
            .await
            .map_err(|e| Error::step(id, "provision", e))?;
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            return Err(Error::step(
                id,
                "provision",
                format!("HTTP {status}: {body}"),
            ));
        }
        let provisioned: Provisioned = response
            .json()
            .await
            .map_err(|e| Error::step(id, "provision", e))?;
        Ok(provisioned.tokens)
    }

    /// Asks the clone's backend to reset itself; an error when it does not answer (its
    /// container is gone or crashed).
    async fn reset_via_backend(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> Result<BackendReset> {
        let body = self.admin_call(record, admin_secret, "", true).await?;
        Ok(match (body["ok"] == true, body["redis"] == true) {
            (true, true) => BackendReset::Everything,
            (true, false) => BackendReset::Database,
            (false, _) => BackendReset::Unsupported,
        })
    }

    /// Calls the reset route (`RESET_PATH` + `suffix`) on the clone's API service; its JSON
    /// body (`null` when it answered something else).
    async fn admin_call(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
        suffix: &str,
        post: bool,
    ) -> Result<serde_json::Value> {
        let template = self.catalog.get(&record.template)?;
        let port = record
            .ports
            .get(template.manifest.api_service())
            .copied()
            .unwrap_or_default();
        let (_, body) = super::loopback::exchange(
            port,
            if post { "POST" } else { "GET" },
            &format!("{RESET_PATH}{suffix}"),
            &[(ADMIN_SECRET_HEADER, admin_secret)],
        )
        .await
        .map_err(|e| Error::step(&record.id, "reset (the backend does not answer)", e))?;
        Ok(serde_json::from_slice(&body).unwrap_or_default())
    }
}

/// What a backend's `POST /api/admin/reset` did.
enum BackendReset {
    /// Database and Redis prefix.
    Everything,
    /// The database only (images built before backends cleared Redis).
    Database,
    /// Nothing: an image older than the endpoint, or it failed; the engine resets directly.
    Unsupported,
}

impl PoolProvider for LocalDockerProvider {
    /// Running or spinning clones of a harness pool, with what leasing one needs; spins whose
    /// process died are left out. One registry read.
    ///
    /// # Errors
    /// `REGISTRY_CORRUPT`.
    fn pool_members(&self, key: &str) -> Result<Vec<PoolMember>> {
        Ok(self
            .registry
            .pool(key)?
            .into_iter()
            .filter(|e| match e.record.state {
                CloneState::Running => true,
                CloneState::Creating => e.owner_pid.is_some_and(process_alive),
                CloneState::Stopped | CloneState::Failed | CloneState::Destroying => false,
            })
            .map(|e| PoolMember {
                record: e.record,
                admin_secret: e.secrets.admin_secret,
            })
            .collect())
    }

    fn admin_secret(&self, id: &str) -> Result<String> {
        Ok(self.entry(id)?.secrets.admin_secret)
    }

    /// Resets a clone whose record and admin secret the caller already holds (the harness's hot
    /// path). Without a cached database connection, the clone's backend restores the baseline
    /// and clears its Redis prefix itself (`POST /api/admin/reset`), so a fresh test process
    /// resets with one HTTP call and no Postgres or Redis login.
    ///
    /// # Errors
    /// `SNAPSHOT_NOT_FOUND` when the clone has no baseline, `Internal` on database failures or
    /// when the backend does not answer.
    async fn reset_record(&self, record: &CloneRecord, admin_secret: &str) -> Result<()> {
        let connected = self.holds_connection(&record.database).await;
        let keys = async {
            let mut redis = self.redis().await?;
            reset::clear_redis(&mut redis, &record.redis_prefix).await
        };
        if !connected && record.state == CloneState::Running {
            match self.reset_via_backend(record, admin_secret).await? {
                BackendReset::Everything => return Ok(()),
                BackendReset::Database => return keys.await,
                BackendReset::Unsupported => {}
            }
        }
        let db = async {
            let client = self.restorer(&record.database).await?;
            reset::restore(&client, &record.id, BASELINE).await
        };
        let (db, keys) = tokio::join!(db, keys);
        db.and(keys)
    }

    /// Asks the clone's backend to reset itself in the background (while the next test
    /// starts): the token to settle it with, or `None` when its image predates deferred resets.
    ///
    /// # Errors
    /// `Internal` when the backend does not answer.
    async fn reset_deferred(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
    ) -> Result<Option<String>> {
        let body = self
            .admin_call(record, admin_secret, "?defer=true", true)
            .await?;
        Ok(body["pending"].as_str().map(str::to_owned))
    }

    /// Waits for the deferred reset `pending`: `true` when the clone is at its baseline,
    /// `false` when that reset failed or the backend restarted since (reset it again).
    ///
    /// # Errors
    /// `Internal` when the backend does not answer.
    async fn reset_settled(
        &self,
        record: &CloneRecord,
        admin_secret: &str,
        pending: &str,
    ) -> Result<bool> {
        let body = self
            .admin_call(record, admin_secret, &format!("/{pending}"), false)
            .await?;
        Ok(body["ok"] == true)
    }

    /// Runs `sql` on a clone's database and returns its rows.
    ///
    /// # Errors
    /// `Internal` carrying the database's message when the SQL fails.
    async fn query(&self, database: &str, sql: &str) -> Result<Vec<tokio_postgres::Row>> {
        let client = self.client(database).await?;
        client
            .query(sql, &[])
            .await
            .map_err(|e| Error::internal(format!("query on {database}"), e))
    }
}
