//! Webhook delivery: each event is POSTed to every enabled endpoint that wants it, signed
//! `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.payload" keyed by whsec_…>`, and
//! retried with back-off (1 s, 2 s, 4 s, … up to [`MAX_ATTEMPTS`]) until it answers 2xx.
//!
//! Delivery state is in `webhook_deliveries`; the tasks here only drive it, re-reading the
//! row before every attempt, so a reset (which empties the table) stops pending retries.

use std::time::Duration;

use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::AppState;
use crate::clock;

/// Attempts per (event, endpoint) before giving up.
pub(crate) const MAX_ATTEMPTS: i32 = 8;
const TIMEOUT: Duration = Duration::from_secs(10);

/// HMAC-SHA256 (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// The `Stripe-Signature` header for `payload` sent at `timestamp` with `secret`.
pub(crate) fn signature_header(secret: &str, timestamp: i64, payload: &str) -> String {
    let signed = format!("{timestamp}.{payload}");
    let mac = hmac_sha256(secret.as_bytes(), signed.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac))
}

/// Delivers `events` (in order) in the background, after their transaction committed.
pub(crate) fn spawn_deliveries(state: AppState, events: Vec<String>) {
    tokio::spawn(async move {
        for event in events {
            let endpoints = match pending(&state, &event).await {
                Ok(endpoints) => endpoints,
                Err(err) => {
                    eprintln!("webhook: cannot read deliveries of {event}: {err}");
                    continue;
                }
            };
            for endpoint in endpoints {
                if !deliver_once(&state, &event, &endpoint).await {
                    spawn_retry(state.clone(), event.clone(), endpoint);
                }
            }
        }
    });
}

async fn pending(state: &AppState, event: &str) -> Result<Vec<String>, String> {
    let client = state.kit.db().await.map_err(|e| e.to_string())?;
    let rows = client
        .query(
            "SELECT endpoint_id FROM webhook_deliveries
             WHERE event_id = $1 AND NOT delivered ORDER BY endpoint_id",
            &[&event],
        )
        .await
        .map_err(|e| e.to_string())?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

fn spawn_retry(state: AppState, event: String, endpoint: String) {
    tokio::spawn(async move {
        let mut delay = Duration::from_secs(1);
        loop {
            tokio::time::sleep(delay).await;
            if deliver_once(&state, &event, &endpoint).await {
                return;
            }
            delay = (delay * 2).min(Duration::from_secs(60));
        }
    });
}

/// One attempt; `true` when there is nothing more to do (delivered, given up, or gone).
async fn deliver_once(state: &AppState, event: &str, endpoint: &str) -> bool {
    let Ok(client) = state.kit.db().await else {
        return false;
    };
    let row = client
        .query_opt(
            "SELECT d.attempts, d.delivered, e.data::text, w.data->>'url', s.secret,
                    w.data->>'status' = 'enabled' AND NOT w.deleted
             FROM webhook_deliveries d
             JOIN objects e ON e.id = d.event_id
             JOIN objects w ON w.id = d.endpoint_id
             JOIN webhook_secrets s ON s.endpoint_id = d.endpoint_id
             WHERE d.event_id = $1 AND d.endpoint_id = $2",
            &[&event, &endpoint],
        )
        .await;
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return true,
        Err(_) => return false,
    };
    let (attempts, delivered): (i32, bool) = (row.get(0), row.get(1));
    let live: Option<bool> = row.get(5);
    if delivered || attempts >= MAX_ATTEMPTS || live != Some(true) {
        return true;
    }
    let payload: String = row.get(2);
    let url: String = row.get(3);
    let secret: String = row.get(4);
    drop(client);
    let now = clock::now();
    let signature = signature_header(&secret, now, &payload);
    let outcome = post(&url, &signature, &payload).await;
    let (ok, status, error) = match &outcome {
        Ok(status) => ((200..300).contains(status), Some(i32::from(*status)), None),
        Err(err) => (false, None, Some(err.clone())),
    };
    let Ok(client) = state.kit.db().await else {
        return ok;
    };
    let next = if ok {
        None
    } else {
        Some(now + (1i64 << attempts.min(6)))
    };
    let _ = client
        .execute(
            "UPDATE webhook_deliveries
             SET attempts = attempts + 1, delivered = $3, last_status = $4, last_error = $5,
                 next_attempt = $6
             WHERE event_id = $1 AND endpoint_id = $2",
            &[&event, &endpoint, &ok, &status, &error, &next],
        )
        .await;
    if ok {
        let _ = client
            .execute(
                "UPDATE objects SET data = replace(data::text, '\"pending_webhooks\":' || (data->>'pending_webhooks'),
                     '\"pending_webhooks\":' || greatest((data->>'pending_webhooks')::int - 1, 0))::json
                 WHERE id = $1",
                &[&event],
            )
            .await;
    }
    ok || attempts + 1 >= MAX_ATTEMPTS
}

/// POSTs `payload` to a plain-HTTP `url` and returns the response status.
async fn post(url: &str, signature: &str, payload: &str) -> Result<u16, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| "only http:// endpoints can be reached from the clone".to_owned())?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let address = if authority.contains(':') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: Stripe/1.0 (+https://stripe.com/docs/webhooks)\r\n\
         Content-Type: application/json; charset=utf-8\r\nStripe-Signature: {signature}\r\n\
         Content-Length: {}\r\nConnection: close\r\nCache-Control: no-cache\r\nAccept: */*; q=0.5, application/xml\r\n\r\n{payload}",
        payload.len()
    );
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .map_err(|e| format!("connect {address}: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let mut head = Vec::with_capacity(256);
        let mut buf = [0u8; 512];
        while !head.windows(2).any(|w| w == b"\r\n") {
            let n = stream
                .read(&mut buf)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
            if head.len() > 8192 {
                break;
            }
        }
        let line = String::from_utf8_lossy(&head);
        line.split_whitespace()
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| "no HTTP status line in the response".to_owned())
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| "timed out".to_owned())?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2.
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block.
        assert_eq!(
            hex::encode(hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn signature_header_signs_timestamp_dot_payload() {
        let header = signature_header("whsec_test", 1_700_000_000, "{\"id\":\"evt_1\"}");
        let expected = hex::encode(hmac_sha256(b"whsec_test", b"1700000000.{\"id\":\"evt_1\"}"));
        assert_eq!(header, format!("t=1700000000,v1={expected}"));
    }
}
