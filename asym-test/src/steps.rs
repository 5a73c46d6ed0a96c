//! Where a test's harness time goes, step by step: the overhead bench turns this on and reads
//! it back. Off (one relaxed atomic load per step) unless [`record`] was called.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The end of the last step, and the steps so far.
struct Steps {
    last: Option<Instant>,
    done: Vec<(&'static str, Duration)>,
}

static ON: AtomicBool = AtomicBool::new(false);
static STEPS: Mutex<Steps> = Mutex::new(Steps {
    last: None,
    done: Vec::new(),
});

/// Starts recording from `start`, dropping what was recorded before.
pub fn record(start: Instant) {
    if let Ok(mut steps) = STEPS.lock() {
        *steps = Steps {
            last: Some(start),
            done: Vec::new(),
        };
    }
    ON.store(true, Ordering::Relaxed);
}

/// The steps recorded since [`record`], each with the time since the step before.
pub fn take() -> Vec<(&'static str, Duration)> {
    STEPS
        .lock()
        .map(|mut steps| std::mem::take(&mut steps.done))
        .unwrap_or_default()
}

/// Ends the step named `step` now.
pub(crate) fn mark(step: &'static str) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let now = Instant::now();
    if let Ok(mut steps) = STEPS.lock() {
        let since = steps.last.map_or(Duration::ZERO, |last| now - last);
        steps.last = Some(now);
        steps.done.push((step, since));
    }
}
