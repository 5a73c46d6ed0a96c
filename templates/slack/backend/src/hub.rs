//! The Socket Mode connections open on this process: what is sent to them and the acks they
//! answer. Only live connections are held here (a WebSocket cannot be kept in Postgres);
//! what must outlive a connection (the `events_api` queue, retries, acks of events) is in
//! `model::socket`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot, watch};

/// What a connection is told to send.
#[derive(Debug)]
pub(crate) enum Outgoing {
    /// An envelope (JSON text).
    Envelope(String),
    /// A `disconnect` message with this reason, after which the connection ends.
    Disconnect(&'static str),
    /// A `disconnect` message with `reason: "warning"`: the connection stays open (Slack
    /// sends it ten seconds before `refresh_requested`).
    Warning,
}

/// How many connections an app may hold open at once (Slack's limit); another is told
/// `disconnect` with `too_many_websockets`.
pub(crate) const MAX_CONNECTIONS: usize = 10;

/// One open connection's mailbox.
#[derive(Debug)]
struct Link {
    /// Its number on this process.
    id: u64,
    /// Where its task reads what to send.
    mailbox: mpsc::UnboundedSender<Outgoing>,
}

/// The open connections, the acks awaited and the signal that envelopes were queued.
#[derive(Debug)]
pub(crate) struct Hub {
    /// Bumped when a write queued events, so connections look for them at once.
    queued: watch::Sender<u64>,
    /// The open connections, in the order they opened.
    links: Mutex<Vec<Link>>,
    /// Envelopes sent and waiting for their ack's payload, by `envelope_id`.
    acks: Mutex<HashMap<String, oneshot::Sender<Value>>>,
    /// The next connection's number, and the round-robin position.
    counter: AtomicU64,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            queued: watch::channel(0).0,
            links: Mutex::new(Vec::new()),
            acks: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
        }
    }
}

/// Why an envelope got no ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Undelivered {
    /// No connection is open (what Slack shows the person: `dispatch_failed`).
    NoConnection,
    /// No ack within the wait.
    Timeout,
}

impl Hub {
    /// Registers a new connection: its number, its mailbox and how many are open with it;
    /// `None` when [`MAX_CONNECTIONS`] are open already.
    pub(crate) fn join(&self) -> Option<(u64, mpsc::UnboundedReceiver<Outgoing>, usize)> {
        let mut links = self
            .links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        if links.len() >= MAX_CONNECTIONS {
            return None;
        }
        let (mailbox, receiver) = mpsc::unbounded_channel();
        let id = self.counter.fetch_add(1, Ordering::Relaxed);
        links.push(Link { id, mailbox });
        Some((id, receiver, links.len()))
    }

    /// Forgets connection `id` (it closed).
    pub(crate) fn leave(&self, id: u64) {
        let mut links = self
            .links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        links.retain(|link| link.id != id);
    }

    /// How many connections are open.
    pub(crate) fn connections(&self) -> usize {
        self.links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
            .len()
    }

    /// Tells connections that events were queued.
    pub(crate) fn wake(&self) {
        self.queued.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver that changes whenever [`Hub::wake`] is called.
    pub(crate) fn woken(&self) -> watch::Receiver<u64> {
        self.queued.subscribe()
    }

    /// Tells every open connection to say `disconnect` with `reason` and end; answers how
    /// many were told.
    pub(crate) fn disconnect_all(&self, reason: &'static str) -> usize {
        self.tell_all(|| Outgoing::Disconnect(reason))
    }

    /// Tells every open connection the `warning` disconnect (it stays open); answers how
    /// many were told.
    pub(crate) fn warn_all(&self) -> usize {
        self.tell_all(|| Outgoing::Warning)
    }

    /// Hands every open connection what `message` makes; answers how many took it.
    fn tell_all(&self, message: impl Fn() -> Outgoing) -> usize {
        let links = self
            .links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        links
            .iter()
            .filter(|link| link.mailbox.send(message()).is_ok())
            .count()
    }

    /// Hands `message` to one open connection, taking them in turn; false when none is.
    fn send_one(&self, message: String) -> bool {
        let mut links = self
            .links
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        links.retain(|link| !link.mailbox.is_closed());
        if links.is_empty() {
            return false;
        }
        let turn = self.counter.fetch_add(1, Ordering::Relaxed);
        let at = usize::try_from(turn).unwrap_or(0) % links.len();
        links[at].mailbox.send(Outgoing::Envelope(message)).is_ok()
    }

    /// Sends `payload` as an envelope of `kind` (`interactive`, `slash_commands`) to one
    /// open connection and waits up to `wait` for its ack; answers the ack's `payload`
    /// (`Null` when it had none).
    ///
    /// # Errors
    ///
    /// [`Undelivered`] when no connection is open or no ack came in time.
    pub(crate) async fn request(
        &self,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
        wait: Duration,
    ) -> Result<Value, Undelivered> {
        let envelope_id = asym_kit::token::random_uuid();
        let message = json!({
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": accepts_response_payload,
        });
        let (sender, answer) = oneshot::channel();
        self.acks_mut().insert(envelope_id.clone(), sender);
        if !self.send_one(message.to_string()) {
            self.acks_mut().remove(&envelope_id);
            return Err(Undelivered::NoConnection);
        }
        match tokio::time::timeout(wait, answer).await {
            Ok(Ok(payload)) => Ok(payload),
            _ => {
                self.acks_mut().remove(&envelope_id);
                Err(Undelivered::Timeout)
            }
        }
    }

    /// Hands an ack's `payload` to the request waiting for `envelope_id`; false when none
    /// waits (the ack is an event's, or came too late).
    pub(crate) fn answer(&self, envelope_id: &str, payload: Value) -> bool {
        match self.acks_mut().remove(envelope_id) {
            Some(waiting) => waiting.send(payload).is_ok(),
            None => false,
        }
    }

    /// The acks awaited.
    fn acks_mut(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<Value>>> {
        self.acks
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_gets_its_acks_payload() {
        let hub = Hub::default();
        let (_, mut mailbox, open) = hub.join().unwrap();
        assert_eq!(open, 1);
        let request = hub.request(
            "slash_commands",
            json!({"command": "/x"}),
            true,
            Duration::from_secs(5),
        );
        let answer = async {
            let Some(Outgoing::Envelope(text)) = mailbox.recv().await else {
                panic!("an envelope");
            };
            let envelope: Value = serde_json::from_str(&text).expect("JSON");
            assert_eq!(envelope["type"], "slash_commands");
            assert_eq!(envelope["accepts_response_payload"], true);
            let id = envelope["envelope_id"].as_str().expect("an id");
            assert!(hub.answer(id, json!({"text": "done"})));
        };
        let (payload, ()) = tokio::join!(request, answer);
        assert_eq!(payload, Ok(json!({"text": "done"})));
    }

    #[tokio::test]
    async fn no_connection_is_no_delivery() {
        let hub = Hub::default();
        let (id, _mailbox, _) = hub.join().unwrap();
        hub.leave(id);
        let answer = hub
            .request("interactive", json!({}), false, Duration::from_secs(5))
            .await;
        assert_eq!(answer, Err(Undelivered::NoConnection));
        assert!(!hub.answer("unknown", Value::Null));
    }

    #[test]
    fn an_app_holds_at_most_ten_connections() {
        let hub = Hub::default();
        let opened: Vec<u64> = (1..=MAX_CONNECTIONS)
            .map(|n| {
                let (id, _, open) = hub.join().unwrap();
                assert_eq!(open, n);
                id
            })
            .collect();
        assert!(hub.join().is_none());
        hub.leave(opened[3]);
        assert_eq!(hub.join().map(|(_, _, open)| open), Some(MAX_CONNECTIONS));
    }
}
