//! What `#[asym::clone]` expands into: lease, reset, run the body, release.

use std::fmt::Debug;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

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

/// The text a panic was raised with (`panic!` with a literal or a format).
fn panic_text(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or_default()
}
