//! One webhook delivery as a clone's outbox records it: what the kit lists under
//! `GET /api/admin/outbox` and the engine reads back (`asym webhooks`, the harness's
//! `webhooks()`), typed once for both sides of the wire.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One webhook delivery a clone made (or is still making).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Its id in the clone's outbox (counts up, so later deliveries have larger ids).
    pub id: i64,
    /// What it belongs to (`endpoint:we_…`, `hook:12`, `subscription`).
    pub topic: String,
    /// The event type (`customer.created`, `push`, `Issue`, …).
    pub event: String,
    /// Where it is POSTed.
    pub url: String,
    /// The exact body.
    pub body: String,
    /// The product's headers it carries beside the signature (`X-GitHub-Event`, …).
    pub headers: Vec<(String, String)>,
    /// Attempts made so far.
    pub attempts: i32,
    /// Attempts the product makes before giving up.
    pub max_attempts: i32,
    /// Whether the receiver answered 2xx.
    pub delivered: bool,
    /// The receiver's last status (none when the last attempt got no answer).
    pub last_status: Option<i32>,
    /// Why the last attempt failed (`connection refused`, `timed out`, `receiver answered
    /// 500 Internal Server Error`).
    pub last_error: Option<String>,
    /// How long the last attempt took.
    pub duration_ms: Option<i32>,
    /// The delivery this one sends again.
    pub redelivery_of: Option<i64>,
    /// When it was enqueued (RFC 3339, UTC).
    pub created_at: String,
    /// When it was last tried.
    pub last_attempt_at: Option<String>,
}

impl Webhook {
    /// The body, read as JSON.
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// Whether it has been tried: the receiver answered, or the attempt failed.
    pub fn tried(&self) -> bool {
        self.last_attempt_at.is_some()
    }

    /// How it stands: `delivered (200)`, `failing: connection refused (1 of 8 attempts)`,
    /// `given up: receiver answered 500 … (8 of 8 attempts)`, or `pending`.
    pub fn outcome(&self) -> String {
        match (self.delivered, &self.last_error) {
            (true, _) => format!("delivered ({})", self.last_status.unwrap_or_default()),
            (false, Some(error)) => {
                let state = if self.attempts >= self.max_attempts {
                    "given up"
                } else {
                    "failing"
                };
                format!(
                    "{state}: {error} ({} of {} attempts)",
                    self.attempts, self.max_attempts
                )
            }
            (false, None) => "pending".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn webhook(attempts: i32, status: Option<i32>, error: Option<&str>) -> Webhook {
        Webhook {
            id: 1,
            topic: "endpoint:we_1".into(),
            event: "customer.created".into(),
            url: "http://127.0.0.1:9/hook".into(),
            body: r#"{"type":"customer.created"}"#.into(),
            headers: Vec::new(),
            attempts,
            max_attempts: 3,
            delivered: error.is_none() && status.is_some(),
            last_status: status,
            last_error: error.map(Into::into),
            duration_ms: None,
            redelivery_of: None,
            created_at: "2026-12-06T00:00:00Z".into(),
            last_attempt_at: (attempts > 0).then(|| "2026-12-06T00:00:01Z".into()),
        }
    }

    #[test]
    fn a_delivery_says_how_it_stands() {
        assert_eq!(webhook(0, None, None).outcome(), "pending");
        assert!(!webhook(0, None, None).tried());
        assert_eq!(webhook(1, Some(200), None).outcome(), "delivered (200)");
        assert_eq!(
            webhook(1, None, Some("connection refused")).outcome(),
            "failing: connection refused (1 of 3 attempts)"
        );
        let refused = webhook(
            3,
            Some(500),
            Some("receiver answered 500 Internal Server Error"),
        );
        assert_eq!(
            refused.outcome(),
            "given up: receiver answered 500 Internal Server Error (3 of 3 attempts)"
        );
        assert_eq!(refused.json().unwrap()["type"], "customer.created");
        let wire = serde_json::to_value(&refused).unwrap();
        assert_eq!(wire["lastStatus"], 500);
        assert_eq!(serde_json::from_value::<Webhook>(wire).unwrap(), refused);
    }
}
