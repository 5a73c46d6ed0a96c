//! The state of resets in this run of the backend: the gate every request passes and the
//! deferred resets handed out (the `reset` module drives it).

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use tokio::sync::RwLock;

/// Resets in flight and done, for this run of the backend.
#[derive(Debug)]
pub(crate) struct Resets {
    /// Held for writing by a reset, for reading by every other request.
    pub(crate) gate: Arc<RwLock<()>>,
    /// Random per start, so a token from before a restart is never taken for a later reset.
    pub(crate) boot: String,
    /// The last deferred reset handed out.
    pub(crate) issued: AtomicU64,
    /// The last deferred reset that succeeded.
    pub(crate) succeeded: AtomicU64,
}

impl Resets {
    pub(crate) fn new() -> Self {
        Self {
            gate: Arc::new(RwLock::new(())),
            boot: crate::token::random_hex(8),
            issued: AtomicU64::new(0),
            succeeded: AtomicU64::new(0),
        }
    }
}
