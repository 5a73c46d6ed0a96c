//! The wire between the engine and a clone backend: the environment the engine injects, the
//! admin header and the shared routes. The engine writes these; the kit reads them.

/// Address the backend binds (`0.0.0.0`, or `127.0.0.1` under host networking).
pub const ENV_BIND: &str = "ASYM_BIND";
/// Port the backend binds.
pub const ENV_PORT: &str = "ASYM_PORT";
/// Postgres URL of the clone's own database, as its own role.
pub const ENV_DATABASE_URL: &str = "DATABASE_URL";
/// Redis URL, as the clone's own ACL user.
pub const ENV_REDIS_URL: &str = "REDIS_URL";
/// The prefix every Redis key of the clone starts with (`<id>:`).
pub const ENV_REDIS_PREFIX: &str = "ASYM_REDIS_PREFIX";
/// The secret guarding `/api/admin/`.
pub const ENV_ADMIN_SECRET: &str = "ASYM_ADMIN_SECRET";
/// Key for any JWT the product signs.
pub const ENV_JWT_SECRET: &str = "ASYM_JWT_SECRET";
/// The clone's id.
pub const ENV_CLONE_ID: &str = "ASYM_CLONE_ID";
/// The clone's externally visible base URL.
pub const ENV_PUBLIC_URL: &str = "ASYM_PUBLIC_URL";

/// The port a backend listens on when `ASYM_PORT` is unset (the manifests' default).
pub const DEFAULT_PORT: u16 = 3001;

/// The header carrying the admin secret on `/api/admin/` requests.
pub const ADMIN_SECRET_HEADER: &str = "x-asym-admin-secret";
/// Where every backend's admin surface lives: the routes below, and what each template
/// documents in its README (event subscriptions, rate limits, extra tokens, …).
pub const ADMIN_PATH: &str = "/api/admin";
/// Whether `path` is on the admin surface: [`ADMIN_PATH`] or below it (not Slack's
/// `/api/admin.users.list`, a product method).
pub fn is_admin(path: &str) -> bool {
    path.strip_prefix(ADMIN_PATH)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Where every backend answers health (200 only when Postgres and Redis answer).
pub const HEALTH_PATH: &str = "/api/health";
/// `POST`: restore the baseline and clear the Redis prefix (`?defer=true`: answer at once
/// with a token); `GET …/{token}`: whether that deferred reset is done.
pub const RESET_PATH: &str = "/api/admin/reset";
/// `GET`: webhook deliveries; `POST …/{id}/redeliver`.
pub const OUTBOX_PATH: &str = "/api/admin/outbox";

/// `POST` a fault, `GET` them, `DELETE` them all; `DELETE …/{id}` one (see the kit's `faults`).
pub const FAULTS_PATH: &str = "/api/admin/faults";

/// `GET`: the requests the clone answered since its last reset, `?method=&path=` to narrow;
/// `DELETE`: forget them (see the kit's `journal`).
pub const REQUESTS_PATH: &str = "/api/admin/requests";

/// The Postgres advisory lock (transaction level) every write to a clone's database holds
/// shared and a reset takes alone (`asym` in ASCII; advisory locks are per database, so one
/// key serves every clone). The engine's triggers take it; a backend that draws ids from a
/// sequence outside an insert (`SELECT nextval(…)`) takes it shared first, in the same
/// transaction, so that a reset cannot rewind the sequence under an id it still holds.
pub const WRITERS_LOCK: i64 = 0x6173_796d;

/// What a connection kept for restoring snapshots runs once, when it opens. A snapshot's
/// `restore()` turns triggers off for its transaction (`SET LOCAL session_replication_role`),
/// and Postgres empties a session's plan cache whenever that setting changes value: every
/// restore then plans each of its statements again (GitHub's, after a test's writes: 13.5 ms
/// instead of 3.6). On a session already in replica mode the `SET LOCAL` changes nothing and
/// the plans stay. Such a connection must do nothing else: no trigger fires on it, so writes
/// made through it would go unrecorded and survive the next reset.
pub const RESTORER_SESSION: &str = "SET session_replication_role = replica";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admin_surface_is_its_path_and_below_not_a_method_named_admin() {
        assert!(is_admin("/api/admin"));
        assert!(is_admin("/api/admin/faults"));
        assert!(!is_admin("/api/admin.users.list"));
        assert!(!is_admin("/api/chat.postMessage"));
    }
}
