//! Where an object sits: its chain of parents up to the workspace, so that a move can refuse
//! to put a page, a database or a data source under itself.

use asym_kit::deadpool_postgres::GenericClient;

use crate::error::{ApiError, ApiResult};

/// How far up a chain is walked: deeper than any workspace the API can build, and a bound
/// even on a chain that loops.
const MAX_DEPTH: i32 = 256;

/// A link in the chain: its parent kind as Notion names it (`page_id`, `data_source_id`,
/// `database_id`, `block_id`) and its id.
pub(crate) type Node<'a> = (&'a str, &'a str);

/// Refuses the move of `moved` under `parent` when `parent` is `moved` or lies anywhere
/// below it (a page's child pages, a database's rows and their pages, a block's page).
///
/// # Errors
///
/// Notion's `validation_error` naming `what` (the clone's wording: Notion documents none);
/// the statement's error.
pub(crate) async fn refuse_cycle(
    client: &impl GenericClient,
    parent: Node<'_>,
    moved: Node<'_>,
    what: &str,
) -> ApiResult<()> {
    let row = client
        .query_one(
            "WITH RECURSIVE up(kind, id, depth) AS (
                 SELECT $1::text, $2::text, 0
               UNION ALL
                 SELECT coalesce(p.parent_type, CASE WHEN s.id IS NOT NULL THEN 'database_id' END,
                                 d.parent_type, CASE WHEN b.id IS NOT NULL THEN 'page_id' END),
                        coalesce(p.parent_id, s.database_id, d.parent_id, b.page_id),
                        up.depth + 1
                 FROM up
                 LEFT JOIN pages p ON up.kind = 'page_id' AND p.id = up.id
                 LEFT JOIN data_sources s ON up.kind = 'data_source_id' AND s.id = up.id
                 LEFT JOIN databases d ON up.kind = 'database_id' AND d.id = up.id
                 LEFT JOIN blocks b ON up.kind = 'block_id' AND b.id = up.id
                 WHERE up.id IS NOT NULL AND up.depth < $5
             )
             SELECT EXISTS (SELECT 1 FROM up WHERE kind = $3 AND id = $4)",
            &[&parent.0, &parent.1, &moved.0, &moved.1, &MAX_DEPTH],
        )
        .await?;
    if row.get(0) {
        return Err(ApiError::validation(format!(
            "A {what} cannot be moved under itself or anything inside it."
        )));
    }
    Ok(())
}
