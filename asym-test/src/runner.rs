//! What `#[asym::clone]` expands into: lease, reset, run the body, release.

use std::fmt::{Debug, Write as _};
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use asym_engine::{Error, Journal, Webhook};

use crate::handle::{AnyClone, FromClone};
use crate::pool;
use crate::spec::{Request, Test};
use crate::steps;

/// The leased clones, handed out in attribute order.
#[derive(Debug)]
pub struct Clones {
    inner: std::vec::IntoIter<AnyClone>,
}

impl Clones {
    /// The next clone, as the argument type the test declared.
    #[allow(
        clippy::should_implement_trait,
        reason = "the macro calls it with a turbofish"
    )]
    pub fn next<T: FromClone>(&mut self) -> T {
        match self.inner.next() {
            Some(clone) => T::from_clone(clone),
            None => panic!("#[asym::clone]: more arguments than attributes"),
        }
    }
}

/// What a test body may return: `()` or `Result<(), E: Debug>`.
#[diagnostic::on_unimplemented(
    message = "an #[asym::clone] test cannot return `{Self}`",
    label = "return `()` or `Result<(), E>` with `E: Debug`"
)]
pub trait TestResult {
    /// `Err` with the error's `Debug` text when the test failed.
    ///
    /// # Errors
    /// The test's own error.
    fn into_outcome(self) -> Result<(), String>;
}

impl TestResult for () {
    fn into_outcome(self) -> Result<(), String> {
        Ok(())
    }
}

impl<E: Debug> TestResult for Result<(), E> {
    fn into_outcome(self) -> Result<(), String> {
        self.map_err(|e| format!("{e:?}"))
    }
}

/// Runs a plain `fn` test body with leased clones.
pub fn run<F, R>(test: Test, requests: &[Request], body: F)
where
    F: FnOnce(Clones) -> R,
    R: TestResult,
{
    run_inner(test, requests, |clones| body(clones).into_outcome());
}

/// Runs an `async fn` test body with leased clones, on a current-thread Tokio runtime of its
/// own (as `#[tokio::test]` does).
pub fn run_async<F, Fut, R>(test: Test, requests: &[Request], body: F)
where
    F: FnOnce(Clones) -> Fut,
    Fut: Future<Output = R>,
    R: TestResult,
{
    run_inner(test, requests, |clones| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("asym: cannot build the test's Tokio runtime: {e}"));
        steps::mark("the test's Tokio runtime");
        runtime.block_on(body(clones)).into_outcome()
    });
}

fn run_inner(test: Test, requests: &[Request], body: impl FnOnce(Clones) -> Result<(), String>) {
    let leases = match pool::lease_all(test.name, test.manifest_dir, requests) {
        Ok(leases) => leases,
        Err(err) => panic!("{}", err.render()),
    };
    let clones: Vec<AnyClone> = leases
        .iter()
        .map(|l| AnyClone::new(l.instance.clone(), l.admin_secret.clone()))
        .collect();
    steps::mark("handles");
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        body(Clones {
            inner: clones.into_iter(),
        })
    }))
    .map(|result| result.map_err(|error| format!("test returned Err: {error}")));
    // Ends as the test harness will judge it: a `#[should_panic]` test fails when it does not
    // panic, or panics without its `expected` text.
    let failed = match (test.should_panic, &outcome) {
        (None, outcome) => !matches!(outcome, Ok(Ok(()))),
        (Some(_), Ok(Ok(()))) => true,
        (Some(expected), Ok(Err(message))) => !message.contains(expected),
        (Some(expected), Err(payload)) => !panic_text(payload.as_ref()).contains(expected),
    };
    if failed {
        for lease in &leases {
            let i = &lease.instance;
            eprintln!(
                "asym: {} failed; clone {} is held for inspection until the next run: api {} database {} (`asym logs {}`, `asym status {}`)",
                test.name, i.record.id, i.endpoints.api, i.database_url, i.record.id, i.record.id
            );
            eprintln!("{}", last_requests(&i.record.id, pool::journal(lease)));
            if let Some(report) = undelivered(&i.record.id, pool::webhooks(lease)) {
                eprintln!("{report}");
            }
        }
    }
    steps::mark("test body");
    pool::release_all(leases, failed, test.name);
    steps::mark("release");
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(message)) => panic!("{message}"),
        Err(payload) => resume_unwind(payload),
    }
}

/// How many of its last requests a failed test's report shows, per clone.
const SHOWN_REQUESTS: usize = 8;
/// How much of each answer the report shows.
const ANSWER_SHOWN: usize = 160;

/// A failed test's last requests to clone `id`, a line each with the start of its answer:
/// often the cause (Slack's `200 {"ok":false,"error":"channel_not_found"}`).
fn last_requests(id: &str, journal: Result<Journal, Error>) -> String {
    let journal = match journal {
        Ok(journal) => journal,
        Err(err) => {
            return format!(
                "asym: clone {id}'s requests cannot be read: {}",
                err.render()
            );
        }
    };
    let total = journal.requests.len() as u64 + journal.dropped;
    if total == 0 {
        return format!("asym: the test sent clone {id} no requests");
    }
    let shown = last(&journal.requests);
    let heading = format!(
        "asym: the last {} of the {total} requests the test sent clone {id} (`asym requests {id}` lists them all):",
        shown.len()
    );
    report(heading, shown, |r| {
        let (target, outcome) = (r.target(), r.outcome());
        format!(
            "{} {target} → {outcome} {}",
            r.method,
            r.answer_start(ANSWER_SHOWN)
        )
    })
}

/// A failed test's webhooks that its receiver did not take (failing, given up or not yet
/// tried), a line each: a handler that answered 500 or a receiver that was not listening is
/// often the cause. `None` when every one was delivered, or none can be read.
fn undelivered(id: &str, webhooks: Result<Vec<Webhook>, Error>) -> Option<String> {
    let webhooks = webhooks.ok()?;
    let undelivered: Vec<&Webhook> = webhooks.iter().filter(|w| !w.delivered).collect();
    if undelivered.is_empty() {
        return None;
    }
    let heading = format!(
        "asym: {} of the {} webhooks clone {id} made were not delivered (`asym webhooks {id}` lists them):",
        undelivered.len(),
        webhooks.len()
    );
    Some(report(heading, last(&undelivered), |w| {
        format!("{} → {}: {}", w.event, w.url, w.outcome())
    }))
}

/// The last [`SHOWN_REQUESTS`] of `items`.
fn last<T>(items: &[T]) -> &[T] {
    &items[items.len().saturating_sub(SHOWN_REQUESTS)..]
}

/// `heading`, then a line for each of `items`, indented.
fn report<T>(heading: String, items: &[T], line: impl Fn(&T) -> String) -> String {
    let mut text = heading;
    for item in items {
        let _ = write!(text, "\n  {}", line(item));
    }
    text
}

/// The text a panic was raised with (`panic!` with a literal or a format).
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use asym_engine::SeenRequest;

    use super::*;

    fn seen(seq: u64, path: &str, response: &str) -> SeenRequest {
        SeenRequest {
            seq,
            at_ms: 0,
            method: "POST".into(),
            path: path.into(),
            query: None,
            headers: BTreeMap::new(),
            body: None,
            body_truncated: false,
            status: 200,
            disconnected: false,
            response: Some(response.into()),
            response_truncated: false,
            ms: 1.0,
        }
    }

    #[test]
    fn a_failed_test_shows_its_last_requests_with_the_start_of_each_answer() {
        let requests = (1..=10)
            .map(|n| seen(n, "/api/chat.postMessage", &format!("{{\"n\":{n}}}")))
            .chain([seen(11, "/api/x", &"y".repeat(ANSWER_SHOWN + 5))])
            .collect();
        let report = last_requests(
            "slack-1",
            Ok(Journal {
                requests,
                dropped: 2,
                epoch: 0,
            }),
        );
        let lines: Vec<&str> = report.lines().collect();
        assert_eq!(
            lines[0],
            "asym: the last 8 of the 13 requests the test sent clone slack-1 (`asym requests slack-1` lists them all):"
        );
        assert_eq!(lines[1], r#"  POST /api/chat.postMessage → 200 {"n":4}"#);
        assert_eq!(lines.len(), 1 + SHOWN_REQUESTS);
        assert!(lines[8].ends_with(&format!("{}…", "y".repeat(ANSWER_SHOWN))));

        let none = Journal {
            requests: vec![],
            dropped: 0,
            epoch: 0,
        };
        assert_eq!(
            last_requests("slack-1", Ok(none)),
            "asym: the test sent clone slack-1 no requests"
        );
    }

    #[test]
    fn a_failed_test_shows_the_webhooks_its_receiver_did_not_take() {
        let webhook = |id: i64, event: &str, error: Option<&str>| Webhook {
            id,
            topic: "endpoint:we_1".into(),
            event: event.into(),
            url: "http://127.0.0.1:9/hook".into(),
            body: "{}".into(),
            headers: Vec::new(),
            attempts: 1,
            max_attempts: 3,
            delivered: error.is_none(),
            last_status: error.is_none().then_some(200),
            last_error: error.map(Into::into),
            duration_ms: Some(1),
            redelivery_of: None,
            created_at: "2026-12-06T00:00:00Z".into(),
            last_attempt_at: Some("2026-12-06T00:00:00Z".into()),
        };
        let made = vec![
            webhook(1, "customer.created", None),
            webhook(2, "invoice.paid", Some("connection refused")),
        ];
        assert_eq!(
            undelivered("stripe-1", Ok(made)).unwrap(),
            "asym: 1 of the 2 webhooks clone stripe-1 made were not delivered (`asym webhooks stripe-1` lists them):\n  invoice.paid → http://127.0.0.1:9/hook: failing: connection refused (1 of 3 attempts)"
        );
        let delivered = vec![webhook(1, "customer.created", None)];
        assert_eq!(undelivered("stripe-1", Ok(delivered)), None);
        assert_eq!(undelivered("stripe-1", Ok(Vec::new())), None);
    }
}
