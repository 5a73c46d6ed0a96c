//! A per-thread memo of what is made from a formula's text (its parsed expression, a compiled
//! regular expression), so that a formula evaluated over every page of a query is read once.

use std::cell::RefCell;
use std::collections::HashMap;

/// How many texts a memo keeps before it starts over.
const CAPACITY: usize = 256;

/// What was made from each text seen lately, by text.
pub(super) struct Memo<T>(RefCell<HashMap<String, T>>);

impl<T: Clone> Memo<T> {
    /// An empty memo.
    pub(super) fn new() -> Self {
        Self(RefCell::new(HashMap::new()))
    }

    /// What `make` made of `text`, made now if it is not kept.
    pub(super) fn get(&self, text: &str, make: impl FnOnce(&str) -> T) -> T {
        if let Some(known) = self.0.borrow().get(text) {
            return known.clone();
        }
        let made = make(text);
        let mut kept = self.0.borrow_mut();
        if kept.len() >= CAPACITY {
            kept.clear();
        }
        kept.insert(text.to_owned(), made.clone());
        made
    }
}
