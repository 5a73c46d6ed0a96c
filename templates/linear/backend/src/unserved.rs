//! Linear's root fields the clone does not implement (`vendor/unserved.txt`, written by
//! `sdk/schema/generate.sh` beside the SDL): a request that fails validation because it
//! selects one is told so by name before async-graphql's own messages. Only requests that
//! fail validation get here.

use async_graphql::ServerError;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::{OperationType, Selection};

/// `Query.agentSkills`, `Mutation.customerUnsync`, …: one a line.
const UNSERVED: &str = include_str!("../vendor/unserved.txt");

/// An error for each root field of `query` that Linear has and the clone does not.
pub(crate) fn errors(query: &str) -> Vec<ServerError> {
    let Ok(document) = parse_query(query) else {
        return Vec::new();
    };
    let mut named: Vec<String> = Vec::new();
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => "Query",
            OperationType::Mutation => "Mutation",
            OperationType::Subscription => continue,
        };
        for selection in &operation.node.selection_set.node.items {
            if let Selection::Field(field) = &selection.node {
                let name = format!("{root}.{}", field.node.name.node);
                if UNSERVED.lines().any(|line| line == name) && !named.contains(&name) {
                    named.push(name);
                }
            }
        }
    }
    named
        .into_iter()
        .map(|name| {
            ServerError::new(
                format!("`{name}` is not implemented by the asym Linear clone"),
                None,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_root_fields_the_clone_lacks_are_named_once() {
        let named = errors(
            "query { agentSkills { nodes { id } } viewer { id } a: agentSkills { nodes { id } } }",
        );
        assert_eq!(named.len(), 1);
        assert!(
            named[0]
                .message
                .contains("`Query.agentSkills` is not implemented")
        );
        assert!(errors("mutation { issueCreate(input: {}) { success } }").is_empty());
        assert!(errors("{ nonsense }").is_empty());
        assert!(errors("not graphql").is_empty());
    }
}
