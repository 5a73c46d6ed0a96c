//! [`Db`]: a request's connection inside its transaction, with writes held back until the
//! request next needs an answer from Postgres.
//!
//! A write whose answer the handler does not use (storing an object, recording an event) is
//! queued by [`Db::defer`] and sent, pipelined, just ahead of the next statement or with
//! `COMMIT` ([`Db::finish`]). Postgres runs them in the order they were made, so a later read
//! sees them; a creation that reads nothing after its writes costs two round trips (`BEGIN`
//! with the key lookup; the writes with `COMMIT`) whatever it writes. A held-back write that
//! fails fails the request at that point, and the transaction rolls back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use asym_kit::deadpool_postgres::ClientWrapper;
use asym_kit::tokio_postgres::types::ToSql;
use asym_kit::tokio_postgres::{self, Row, Statement};
use futures_util::future::join_all;

use crate::error::{ApiError, ApiResult};

/// A statement parameter.
pub(crate) type Arg<'b> = &'b (dyn ToSql + Sync);

/// An owned statement parameter, for a held-back write.
pub(crate) type OwnedArg = Box<dyn ToSql + Send + Sync>;

/// What a held-back write's answer means to the request.
pub(crate) enum Answer {
    /// Nothing beyond having run.
    Done,
    /// A write of an object with this `lookup_key`: a conflict on
    /// `objects_price_lookup_key` is Stripe's `lookup_key` error.
    Object(Option<String>),
    /// Webhook deliveries queued, counted by the first column of the one row answered.
    Deliveries,
}

/// A held-back write.
struct Deferred {
    sql: &'static str,
    args: Vec<OwnedArg>,
    answer: Answer,
}

/// The database side of a request: a pooled connection inside the request's transaction
/// (`BEGIN` … `COMMIT`, issued by the dispatcher), with every statement prepared once per
/// connection and cached, so each call is a single round trip.
pub(crate) struct Db<'a> {
    client: &'a ClientWrapper,
    deferred: Mutex<Vec<Deferred>>,
    deliveries: AtomicBool,
}

/// `Db` methods that prepare `sql` (cached per connection) and run it with one client call,
/// after the writes held back so far (in the same round trip).
macro_rules! prepared {
    ($($(#[$doc:meta])* $name:ident -> $out:ty;)*) => {$(
        $(#[$doc])*
        pub(crate) async fn $name(&self, sql: &str, args: &[Arg<'_>]) -> ApiResult<$out> {
            let statement = self.client.prepare_cached(sql).await?;
            let held = self.prepare_held().await?;
            if held.is_empty() {
                return Ok(self.client.$name(&statement, args).await?);
            }
            // Both go out on their first poll, in this order.
            let (written, answer) =
                tokio::join!(self.send(held), self.client.$name(&statement, args));
            written?;
            Ok(answer?)
        }
    )*};
}

impl<'a> Db<'a> {
    /// The request's connection, on which the dispatcher has begun the transaction.
    pub(crate) fn new(client: &'a ClientWrapper) -> Self {
        Self {
            client,
            deferred: Mutex::new(Vec::new()),
            deliveries: AtomicBool::new(false),
        }
    }

    prepared! {
        /// Rows of `sql`.
        query -> Vec<Row>;
        /// Exactly one row of `sql`.
        query_one -> Row;
        /// At most one row of `sql`.
        query_opt -> Option<Row>;
        /// Runs `sql`, returning the rows it touched.
        execute -> u64;
    }

    /// Holds back the write `sql` until the request next needs Postgres (see the module docs).
    pub(crate) fn defer(&self, sql: &'static str, args: Vec<OwnedArg>, answer: Answer) {
        // A panic elsewhere cannot leave the queue half-written: keep it rather than drop a write.
        self.deferred
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Deferred { sql, args, answer });
    }

    /// Whether a write queued webhook deliveries (the outbox is woken once the transaction
    /// commits).
    pub(crate) fn has_deliveries(&self) -> bool {
        self.deliveries.load(Ordering::Relaxed)
    }

    /// Ends the transaction: with `commit`, sends the held-back writes and `COMMIT` in one round
    /// trip; otherwise drops them and rolls back. The outer error is `COMMIT`'s or `ROLLBACK`'s
    /// own (the connection's state is then unknown); the inner one is a held-back write's,
    /// after which Postgres has rolled the transaction back.
    pub(crate) async fn finish(
        &self,
        commit: bool,
    ) -> Result<ApiResult<()>, tokio_postgres::Error> {
        if !commit {
            self.take_held();
            self.client.batch_execute("ROLLBACK").await?;
            return Ok(Ok(()));
        }
        let held = match self.prepare_held().await {
            Ok(held) => held,
            Err(err) => {
                self.client.batch_execute("ROLLBACK").await?;
                return Ok(Err(err));
            }
        };
        let (written, ended) = tokio::join!(self.send(held), self.client.batch_execute("COMMIT"));
        ended?;
        Ok(written)
    }

    fn take_held(&self) -> Vec<Deferred> {
        std::mem::take(&mut *self.deferred.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The held-back writes with their statements, prepared before any is sent so that they
    /// go out in the order they were made.
    async fn prepare_held(&self) -> ApiResult<Vec<(Statement, Deferred)>> {
        let held = self.take_held();
        let mut prepared = Vec::with_capacity(held.len());
        for write in held {
            prepared.push((self.client.prepare_cached(write.sql).await?, write));
        }
        Ok(prepared)
    }

    /// Sends `held` (every statement on the first poll) and reads their answers: the first
    /// failure is the request's error.
    async fn send(&self, held: Vec<(Statement, Deferred)>) -> ApiResult<()> {
        let args: Vec<Vec<Arg<'_>>> = held
            .iter()
            .map(|(_, write)| write.args.iter().map(|a| &**a as Arg<'_>).collect())
            .collect();
        let answers = join_all(
            held.iter()
                .zip(&args)
                .map(|((statement, _), args)| self.client.query(statement, args)),
        )
        .await;
        for ((_, write), answer) in held.iter().zip(answers) {
            match (answer, &write.answer) {
                (Ok(rows), Answer::Deliveries) => {
                    let pending: i64 = rows.first().map_or(0, |row| row.get(0));
                    if pending > 0 {
                        self.deliveries.store(true, Ordering::Relaxed);
                    }
                }
                (Ok(_), _) => {}
                (Err(err), Answer::Object(lookup_key)) => {
                    return Err(lookup_key_conflict(err, lookup_key.as_deref()));
                }
                (Err(err), _) => return Err(err.into()),
            }
        }
        Ok(())
    }
}

/// A write's error, as Stripe names a `lookup_key` another price already has.
pub(crate) fn lookup_key_conflict(
    err: tokio_postgres::Error,
    lookup_key: Option<&str>,
) -> ApiError {
    let unique = err
        .as_db_error()
        .is_some_and(|db| db.constraint() == Some("objects_price_lookup_key"));
    if unique {
        return ApiError::invalid_param(
            "lookup_key",
            format!(
                "A price with the lookup_key '{}' already exists. Pass transfer_lookup_key=true \
                 to move the lookup key to this price.",
                lookup_key.unwrap_or_default()
            ),
        );
    }
    err.into()
}
