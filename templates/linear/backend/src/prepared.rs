//! Work done once per distinct request instead of on every one. A client sends the same few
//! documents over and over (@linear/sdk has one per operation): each is parsed once per query
//! text and operation ([`Documents`], which also works out its [`Plan`] when it has one) and
//! validated once per query, operation and variables ([`Hooks`], an async-graphql extension
//! that also hands each request its complexity for `X-Complexity`, and answers the requests
//! with a plan by projection). Both are pure functions of their keys, since the schema is
//! fixed. The same extension gives a resolver's error its `path`, which async-graphql's
//! dynamic schema leaves empty (its typed resolvers set it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, NextValidation,
    ResolveInfo,
};
use async_graphql::indexmap::IndexMap;
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    Name, PathSegment, QueryPathNode, QueryPathSegment, Request, Response, ServerError,
    ServerResult, ValidationResult, Value,
};

use crate::ints::Inputs;
use crate::projection::{Plan, Types};
use crate::{Shared, Viewer};

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

/// A parsed document, the plan of the operation a request names in it, and the refusal of
/// an `Int` literal of that operation past 32 bits.
#[derive(Debug)]
struct Parsed {
    document: ExecutableDocument,
    plan: Option<Arc<Plan>>,
    wide: Option<ServerError>,
}

/// Parsed documents and their plans by operation name and query text.
#[derive(Clone, Debug)]
pub(crate) struct Documents {
    parsed: Arc<Cache<Arc<Parsed>>>,
    types: Arc<Types>,
    inputs: Arc<Inputs>,
}

impl Documents {
    /// An empty cache for documents against `types` and `inputs`.
    pub(crate) fn new(types: Types, inputs: Arc<Inputs>) -> Self {
        Self {
            parsed: Arc::new(Cache::new()),
            types: Arc::new(types),
            inputs,
        }
    }

    /// Gives `request` its parsed document (a copy of the kept one, or parsed now and kept)
    /// and answers its [`Ticket`], which the caller adds to the request's data. A query that
    /// does not parse is left for async-graphql to report as it always does.
    pub(crate) fn prepare(&self, request: &mut Request) -> Arc<Ticket> {
        let operation = request.operation_name.as_deref().unwrap_or_default();
        let key = format!("{operation}\n{}", request.query);
        let parsed = self.parsed.get(&key).or_else(|| {
            let document = request.parsed_query().ok()?.clone();
            let operation = request.operation_name.as_deref();
            let plan = Plan::new(&self.types, &document, operation);
            let wide = self
                .inputs
                .wide_literal(&document, operation, &request.query);
            let parsed = Arc::new(Parsed {
                document,
                plan: plan.map(Arc::new),
                wide,
            });
            self.parsed.put(key.clone(), parsed.clone());
            Some(parsed)
        });
        let variables = serde_json::to_string(&request.variables).unwrap_or_default();
        let mut projection = None;
        let mut wide = None;
        if let Some(parsed) = parsed {
            request.set_parsed_query(parsed.document.clone());
            wide.clone_from(&parsed.wide);
            projection = parsed.plan.as_ref().map(|plan| Projection {
                arguments: plan.arguments(&request.variables),
                plan: plan.clone(),
            });
        }
        Arc::new(Ticket {
            key: format!("{variables}\n{key}"),
            complexity: AtomicUsize::new(0),
            projection,
            wide,
            answer: Mutex::new(None),
        })
    }
}

/// A request's plan and its root field's arguments.
#[derive(Debug)]
struct Projection {
    plan: Arc<Plan>,
    arguments: IndexMap<Name, Value>,
}

/// One request's validation key, its projection if it has one, and what async-graphql
/// worked out: its complexity once validated, its response body once projected.
#[derive(Debug)]
pub(crate) struct Ticket {
    /// Variables, operation name and query: what validation depends on.
    key: String,
    complexity: AtomicUsize,
    projection: Option<Projection>,
    /// graphql-js's refusal of an `Int` literal past 32 bits, which async-graphql takes.
    wide: Option<ServerError>,
    answer: Mutex<Option<Vec<u8>>>,
}

impl Ticket {
    /// The request's query text (its key's last part: variables and operation name hold no
    /// line break).
    fn query(&self) -> &str {
        self.key.splitn(3, '\n').nth(2).unwrap_or_default()
    }

    /// The request's complexity (async-graphql's count), 0 when it did not validate.
    pub(crate) fn complexity(&self) -> u64 {
        u64::try_from(self.complexity.load(Ordering::Relaxed)).unwrap_or(u64::MAX)
    }

    /// The response body when the request's plan answered it; async-graphql's response is
    /// then empty.
    pub(crate) fn take_answer(&self) -> Option<Vec<u8>> {
        self.answer
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// The extension keeping validation results by [`Ticket`] key (only successes: a request
/// that fails validation is checked again, so its errors are always async-graphql's own),
/// executing a validated request that has a plan by projection, and giving resolver errors
/// their path.
pub(crate) struct Hooks(Arc<Cache<ValidationResult>>);

impl Hooks {
    /// An empty cache.
    pub(crate) fn new() -> Self {
        Self(Arc::new(Cache::new()))
    }
}

impl ExtensionFactory for Hooks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Hooked(self.0.clone()))
    }
}

/// [`Hooks`] for one request.
struct Hooked(Arc<Cache<ValidationResult>>);

#[async_graphql::async_trait::async_trait]
impl Extension for Hooked {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let ticket = ctx.data_opt::<Arc<Ticket>>();
        let result = match ticket.and_then(|ticket| self.0.get(&ticket.key)) {
            Some(result) => result,
            None => {
                let wide = ticket.and_then(|ticket| ticket.wide.clone());
                let result = next.run(ctx).await.map_err(|errors| match ticket {
                    Some(ticket) => crate::unserved::errors(ticket.query())
                        .into_iter()
                        .chain(errors)
                        .chain(wide.clone())
                        .collect(),
                    None => errors,
                })?;
                if let Some(wide) = wide {
                    return Err(vec![wide]);
                }
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

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(ticket) = ctx.data_opt::<Arc<Ticket>>()
            && let Some(projection) = &ticket.projection
            && let (Some(shared), Some(viewer)) =
                (ctx.data_opt::<Shared>(), ctx.data_opt::<Viewer>())
            && let Some(data) = projection
                .plan
                .answer(shared, viewer, &projection.arguments)
                .await
        {
            *ticket.answer.lock().unwrap_or_else(PoisonError::into_inner) = Some(data);
            return Response::new(Value::Null);
        }
        next.run(ctx, operation_name).await
    }

    /// A resolver's error gets the path of its field (`["issue"]`), as Linear reports it.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let node = info.path_node;
        next.run(ctx, info).await.map_err(|mut err| {
            if err.path.is_empty() {
                err.path = path_of(node);
            }
            err
        })
    }
}

/// The response path of `node`, root first.
fn path_of(node: &QueryPathNode<'_>) -> Vec<PathSegment> {
    let mut path = Vec::new();
    let mut current = Some(node);
    while let Some(node) = current {
        path.push(match node.segment {
            QueryPathSegment::Name(name) => PathSegment::Field(name.to_owned()),
            QueryPathSegment::Index(index) => PathSegment::Index(index),
        });
        current = node.parent;
    }
    path.reverse();
    path
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
        let documents = Documents::new(Types::new().unwrap(), Arc::new(Inputs::new()));
        let query = "{ issuePriorityValues { priority label } }";
        let (first, complexity) = run(&schema, &documents, query).await;
        assert!(first.errors.is_empty(), "{:?}", first.errors);
        assert_eq!(complexity, 3);
        assert!(documents.parsed.get(&format!("\n{query}")).is_some());
        let (again, complexity) = run(&schema, &documents, query).await;
        assert_eq!(again.data, first.data);
        assert_eq!(complexity, 3);
    }

    #[tokio::test]
    async fn a_request_that_fails_validation_fails_alike_every_time() {
        let schema = crate::schema::build(crate::Shared::offline()).unwrap();
        let documents = Documents::new(Types::new().unwrap(), Arc::new(Inputs::new()));
        let query = "{ issuePriorityValues { nonsense } }";
        for _ in 0..2 {
            let (response, complexity) = run(&schema, &documents, query).await;
            assert_eq!(response.errors.len(), 1);
            assert!(response.errors[0].message.contains("nonsense"));
            assert_eq!(complexity, 0);
        }
    }

    #[tokio::test]
    async fn an_int_literal_past_32_bits_fails_validation_as_graphql_js_words_it() {
        let schema = crate::schema::build(crate::Shared::offline()).unwrap();
        let documents = Documents::new(Types::new().unwrap(), Arc::new(Inputs::new()));
        for (query, literal) in [
            (
                "{ issues(first: 9999999999) { nodes { id } } }",
                "9999999999",
            ),
            (
                "query Q($n: Int = -2147483649) { issues(first: $n) { nodes { id } } }",
                "-2147483649",
            ),
            (
                "{ ...F } fragment F on Query { teams { nodes { issues(last: 2147483648) { nodes { id } } } } }",
                "2147483648",
            ),
            (
                "mutation { issueUpdate(id: \"ENG-1\", input: { estimate: 4294967296 }) { success } }",
                "4294967296",
            ),
        ] {
            let (response, complexity) = run(&schema, &documents, query).await;
            let messages: Vec<_> = response.errors.iter().map(|e| e.message.as_str()).collect();
            assert_eq!(
                messages,
                [format!(
                    "Int cannot represent non 32-bit signed integer value: {literal}"
                )],
                "{query}"
            );
            assert_eq!(complexity, 0, "{query}");
        }
    }

    #[tokio::test]
    async fn wide_literals_where_floats_go_and_the_widest_ints_pass_validation() {
        let documents = Documents::new(Types::new().unwrap(), Arc::new(Inputs::new()));
        for query in [
            "{ issues(first: 2147483647, filter: { number: { eq: 9999999999 } }) { nodes { id } } }",
            "{ issues(last: -2147483648) { nodes { id } } }",
            "mutation { issueUpdate(id: \"ENG-1\", input: { sortOrder: 9999999999 }) { success } }",
        ] {
            let mut request = Request::new(query);
            let ticket = documents.prepare(&mut request);
            assert!(ticket.wide.is_none(), "{query}");
        }
    }
}
