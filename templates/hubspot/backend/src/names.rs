//! Names and values the tables leave unconstrained but HubSpot keeps unique (a type's pipeline
//! labels, the association type names between two object types, the unique values upserts look
//! objects up by): a write that finds such a name free and then inserts it takes [`lock`]
//! first, so two concurrent writes of one name cannot both find it free (the second waits for
//! the first to commit, then sees its row). Merges take it on the objects they join, so an
//! object is merged away once.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Error;

/// Takes the lock on the names of each of `scopes` for the rest of `tx`'s transaction, in one
/// order whatever the order given, so that two writes locking overlapping scopes cannot
/// deadlock.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn lock(tx: &impl GenericClient, scopes: &[String]) -> Result<(), Error> {
    tx.execute(
        "SELECT count(pg_advisory_xact_lock(hashtext('hubspot names'), hashtext(scope)))
         FROM (SELECT DISTINCT unnest($1::text[]) AS scope ORDER BY 1) scopes",
        &[&scopes],
    )
    .await
    .map(drop)
}

/// The scope of the objects of `object_type` whose unique property `property` has the value
/// whose [`crate::objects::model::key`] is `key` (what batch upserts and imports look objects
/// up by).
pub(crate) fn value(object_type: &str, property: &str, key: &str) -> String {
    format!("{object_type} {property} {key}")
}

/// The scope of the association type names between `a` and `b` (both directions: a write
/// names its inverse too).
pub(crate) fn association_pair(a: &str, b: &str) -> Vec<String> {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    vec![format!("association types {first} {second}")]
}
