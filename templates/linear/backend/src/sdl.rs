//! Linear's own SDL, embedded: what the executable schema is built from and what
//! projection plans read.

/// Linear's SDL for what the clone serves.
pub(crate) const SDL: &str = include_str!("../vendor/schema.graphql");
