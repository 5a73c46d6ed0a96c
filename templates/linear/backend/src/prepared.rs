//! Work done once per distinct request instead of on every one. A client sends the same few
//! documents over and over (@linear/sdk has one per operation): each is parsed once per query
//! text ([`Documents`]) and validated once per query, operation and variables
//! ([`Validations`], an async-graphql extension that also hands each request its complexity
//! for `X-Complexity`). Both are pure functions of their keys, since the schema is fixed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError, ValidationResult};

/// Most entries one cache keeps (it starts over past that).
const MAX_ENTRIES: usize = 256;

/// A bounded map from request text to what was worked out from it.
#[derive(Debug)]
struct Cache<V>(Mutex<HashMap<String, V>>);

impl<V: Clone> Cache<V> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn get(&self, key: &str) -> Option<V> {
        self.lock().get(key).cloned()
    }

    fn put(&self, key: String, value: V) {
        let mut entries = self.lock();
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(key, value);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, V>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Parsed documents by query text.
#[derive(Clone, Debug)]
pub(crate) struct Documents(Arc<Cache<ExecutableDocument>>);

impl Default for Documents {
    fn default() -> Self {
        Self(Arc::new(Cache::new()))
    }
}

impl Documents {
    /// Gives `request` its parsed document (a copy of the kept one, or parsed now and kept)
    /// and answers its [`Ticket`], which the caller adds to the request's data. A query that
    /// does not parse is left for async-graphql to report as it always does.
    pub(crate) fn prepare(&self, request: &mut Request) -> Arc<Ticket> {
        if let Some(document) = self.0.get(&request.query) {
            request.set_parsed_query(document);
        } else if let Ok(document) = request.parsed_query() {
            let document = document.clone();
            self.0.put(request.query.clone(), document);
        }
        let variables = serde_json::to_string(&request.variables).unwrap_or_default();
        Arc::new(Ticket {
            key: format!(
                "{}\n{variables}\n{}",
                request.operation_name.as_deref().unwrap_or_default(),
                request.query
            ),
            complexity: AtomicUsize::new(0),
        })
    }
}

/// One request's validation key and, once validated, its complexity.
#[derive(Debug)]
pub(crate) struct Ticket {
    /// Operation name, variables and query: what validation depends on.
    key: String,
    complexity: AtomicUsize,
}

impl Ticket {
    /// The request's complexity (async-graphql's count), 0 when it did not validate.
    pub(crate) fn complexity(&self) -> u64 {
        u64::try_from(self.complexity.load(Ordering::Relaxed)).unwrap_or(u64::MAX)
    }
}

/// The extension keeping validation results by [`Ticket`] key (only successes: a request
/// that fails validation is checked again, so its errors are always async-graphql's own).
pub(crate) struct Validations(Arc<Cache<ValidationResult>>);

impl Validations {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self(Arc::new(Cache::new()))
    }
}

impl ExtensionFactory for Validations {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Validating(self.0.clone()))
    }
}

/// [`Validations`] for one request.
struct Validating(Arc<Cache<ValidationResult>>);

#[async_graphql::async_trait::async_trait]
impl Extension for Validating {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let ticket = ctx.data_opt::<Arc<Ticket>>();
        let result = match ticket.and_then(|ticket| self.0.get(&ticket.key)) {
            Some(result) => result,
            None => {
                let result = next.run(ctx).await?;
                if let Some(ticket) = ticket {
                    self.0.put(ticket.key.clone(), result);
                }
                result
            }
        };
        if let Some(ticket) = ticket {
            ticket
                .complexity
                .store(result.complexity, Ordering::Relaxed);
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `query` as the server does: prepared, then executed with its ticket.
    async fn run(
        schema: &async_graphql::dynamic::Schema,
        documents: &Documents,
        query: &str,
    ) -> (async_graphql::Response, u64) {
        let mut request = Request::new(query);
        let ticket = documents.prepare(&mut request);
        let response = schema.execute(request.data(ticket.clone())).await;
        (response, ticket.complexity())
    }

    #[tokio::test]
    async fn a_repeated_request_is_answered_alike_from_the_kept_work() {
        let schema = crate::schema::build(crate::Shared::offline()).unwrap();
        let documents = Documents::default();
        let query = "{ issuePriorityValues { priority label } }";
        let (first, complexity) = run(&schema, &documents, query).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!(complexity, 3);
        assert!(documents.0.get(query).is_some());
        let (again, complexity) = run(&schema, &documents, query).await;
        assert_eq!(again.data, first.data);
        assert_eq!(complexity, 3);
    }

    #[tokio::test]
    async fn a_request_that_fails_validation_fails_alike_every_time() {
        let schema = crate::schema::build(crate::Shared::offline()).unwrap();
        let documents = Documents::default();
        let query = "{ issuePriorityValues { nonsense } }";
        for _ in 0..2 {
            let (response, complexity) = run(&schema, &documents, query).await;
            assert_eq!(response.errors.len(), 1);
            assert!(response.errors[0].message.contains("nonsense"));
            assert_eq!(complexity, 0);
        }
    }
}
