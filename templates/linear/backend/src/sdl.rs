//! Linear's own SDL, embedded: what the executable schema is built from and what
//! projection plans read.

/// Linear's SDL for what the clone serves.
pub(crate) const SDL: &str = include_str!("../vendor/schema.graphql");

use async_graphql::parser::parse_schema;
use async_graphql::parser::types::{TypeDefinition, TypeSystemDefinition};

/// The type definitions of [`SDL`], each with its name, in the SDL's order (the schema
/// and directive definitions left out).
///
/// # Errors
///
/// The parser's message when the SDL does not parse (a build defect the tests catch).
pub(crate) fn types() -> Result<Vec<(String, TypeDefinition)>, String> {
    let document = parse_schema(SDL).map_err(|err| err.to_string())?;
    Ok(document
        .definitions
        .into_iter()
        .filter_map(|definition| match definition {
            TypeSystemDefinition::Type(ty) => Some((ty.node.name.node.to_string(), ty.node)),
            _ => None,
        })
        .collect())
}
