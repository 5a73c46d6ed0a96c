//! The association model: association types (HubSpot's defined ones and labels) and the
//! associations themselves, one row per direction (writing A→B with type t writes B→A with
//! t's inverse), so that v4 lists and v3 `associations` reads agree.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::types::{self, ObjectType};

/// One association type between two object types.
#[derive(Debug, Clone)]
pub(crate) struct AssociationType {
    /// Its id.
    pub(crate) type_id: i32,
    /// `HUBSPOT_DEFINED` or `USER_DEFINED`.
    pub(crate) category: String,
    /// Its label (`None` for unlabelled ones).
    pub(crate) label: Option<String>,
    /// Its v3 name (`contact_to_company`).
    pub(crate) name: String,
    /// The same association seen from the other side.
    pub(crate) inverse_id: i32,
    /// Whether a default association writes it.
    pub(crate) is_default: bool,
}

impl AssociationType {
    /// `{category, typeId, label}` (v4).
    pub(crate) fn spec(&self) -> Value {
        json!({ "category": self.category, "typeId": self.type_id, "label": self.label })
    }
}

fn from_row(row: &asym_kit::tokio_postgres::Row) -> AssociationType {
    AssociationType {
        type_id: row.get(0),
        category: row.get(1),
        label: row.get(2),
        name: row.get(3),
        inverse_id: row.get(4),
        is_default: row.get(5),
    }
}

/// Every association type from `from` to `to`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn types_between(
    client: &impl GenericClient,
    from: &str,
    to: &str,
) -> Result<Vec<AssociationType>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT type_id, category, label, coalesce(name, ''), inverse_id, is_default
             FROM association_types WHERE from_type = $1 AND to_type = $2 ORDER BY type_id",
        )
        .await?;
    let rows = client.query(&statement, &[&from, &to]).await?;
    Ok(rows.iter().map(from_row).collect())
}

/// One requested association: its category and type id.
pub(crate) type Spec = (String, i32);

/// Reads `[{associationCategory, associationTypeId}]` (the v4 and v3-create shape).
///
/// # Errors
///
/// 400 when an entry lacks either field.
pub(crate) fn parse_specs(value: &Value) -> Result<Vec<Spec>, ApiError> {
    let items = value
        .as_array()
        .ok_or_else(|| ApiError::validation("association types must be an array"))?;
    items
        .iter()
        .map(|item| {
            let category = item["associationCategory"].as_str();
            let type_id = item["associationTypeId"]
                .as_i64()
                .or_else(|| item["associationTypeId"].as_str()?.parse().ok())
                .and_then(|n| i32::try_from(n).ok());
            match (category, type_id) {
                (Some(c), Some(t)) => Ok((c.to_owned(), t)),
                _ => Err(ApiError::validation(
                    "each association type needs associationCategory and associationTypeId",
                )),
            }
        })
        .collect()
}

/// The live objects among `ids`, with their types.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn live(
    client: &impl GenericClient,
    ids: &[i64],
) -> Result<HashMap<i64, String>, ApiError> {
    let statement = client
        .prepare_cached("SELECT id, type FROM objects WHERE id = ANY($1) AND NOT archived")
        .await?;
    let rows = client.query(&statement, &[&ids]).await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// Associates `from_id` (of `from`) with `to_id` (of `to`) with each of `specs` (or the
/// pair's default type when `specs` is empty), writing both directions. Returns the types
/// written, from `from`'s side.
///
/// # Errors
///
/// 400 for a type id the pair does not have; 404 when either object is not live.
pub(crate) async fn associate(
    client: &impl GenericClient,
    from: &ObjectType,
    from_id: i64,
    to: &ObjectType,
    to_id: i64,
    specs: &[Spec],
) -> Result<Vec<AssociationType>, ApiError> {
    let known = types_between(client, from.name, to.name).await?;
    let chosen: Vec<AssociationType> = if specs.is_empty() {
        known.iter().filter(|t| t.is_default).cloned().collect()
    } else {
        specs
            .iter()
            .map(|(category, type_id)| {
                known
                    .iter()
                    .find(|t| t.type_id == *type_id && &t.category == category)
                    .cloned()
                    .ok_or_else(|| {
                        ApiError::validation(format!(
                            "{category} {type_id} is not a valid association type between {} and {}",
                            from.name, to.name
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(ApiError::validation(format!(
            "{} can not be associated with {}",
            from.name, to.name
        )));
    }
    let live = live(client, &[from_id, to_id]).await?;
    if live.get(&from_id).map(String::as_str) != Some(from.name)
        || live.get(&to_id).map(String::as_str) != Some(to.name)
    {
        return Err(ApiError::not_found().with(
            "context",
            json!({ "ids": [from_id.to_string(), to_id.to_string()] }),
        ));
    }
    let type_ids: Vec<i32> = chosen.iter().map(|t| t.type_id).collect();
    let inverse_ids: Vec<i32> = chosen.iter().map(|t| t.inverse_id).collect();
    let categories: Vec<&str> = chosen.iter().map(|t| t.category.as_str()).collect();
    let statement = client
        .prepare_cached(
            "INSERT INTO associations (from_type, from_id, to_type, to_id, category, type_id)
             SELECT $1::text, $2::bigint, $3::text, $4::bigint, c, t
             FROM unnest($5::text[], $6::int[]) AS x (c, t)
             UNION ALL
             SELECT $3, $4, $1, $2, c, i FROM unnest($5::text[], $7::int[]) AS y (c, i)
             ON CONFLICT DO NOTHING",
        )
        .await?;
    client
        .execute(
            &statement,
            &[
                &from.name,
                &from_id,
                &to.name,
                &to_id,
                &categories,
                &type_ids,
                &inverse_ids,
            ],
        )
        .await?;
    Ok(chosen)
}

/// Removes associations from `from_id` to `to_id` (both directions): only `specs` when
/// given, else every type. Returns the `(category, type id)` pairs removed from `from`'s side.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn dissociate(
    client: &impl GenericClient,
    from_id: i64,
    to_id: i64,
    specs: Option<&[Spec]>,
) -> Result<Vec<Spec>, ApiError> {
    let (categories, type_ids): (Vec<String>, Vec<i32>) =
        specs.unwrap_or_default().iter().cloned().unzip();
    let statement = client
        .prepare_cached(
            "WITH gone AS (
                 DELETE FROM associations
                 WHERE from_id = $1 AND to_id = $2
                   AND ($3 OR (category, type_id) IN (SELECT * FROM unnest($4::text[], $5::int[])))
                 RETURNING category, type_id),
             inverse AS (
                 DELETE FROM associations a USING association_types t, gone g
                 WHERE a.from_id = $2 AND a.to_id = $1 AND t.type_id = g.type_id
                   AND t.category = g.category AND a.type_id = t.inverse_id
                   AND a.category = g.category)
             SELECT category, type_id FROM gone",
        )
        .await?;
    let rows = client
        .query(
            &statement,
            &[&from_id, &to_id, &specs.is_none(), &categories, &type_ids],
        )
        .await?;
    Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
}

/// `from_id`'s associated objects of type `to`, grouped per object, after object id `after`,
/// at most `limit` objects (one more fetched to tell whether there is a next page).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn list(
    client: &impl GenericClient,
    from_id: i64,
    to: &str,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, Vec<AssociationType>)>, ApiError> {
    let statement = client
        .prepare_cached(
            "WITH page AS (SELECT DISTINCT to_id FROM associations
                           WHERE from_id = $1 AND to_type = $2 AND to_id > $3
                           ORDER BY to_id LIMIT $4)
             SELECT a.to_id, t.type_id, t.category, t.label, coalesce(t.name, ''), t.inverse_id,
                    t.is_default
             FROM associations a JOIN page p ON p.to_id = a.to_id
             JOIN association_types t ON t.type_id = a.type_id AND t.category = a.category
             WHERE a.from_id = $1 AND a.to_type = $2
             ORDER BY a.to_id, t.type_id",
        )
        .await?;
    let rows = client
        .query(&statement, &[&from_id, &to, &after, &(limit + 1)])
        .await?;
    let mut grouped: Vec<(i64, Vec<AssociationType>)> = Vec::new();
    for row in &rows {
        let to_id: i64 = row.get(0);
        let kind = AssociationType {
            type_id: row.get(1),
            category: row.get(2),
            label: row.get(3),
            name: row.get(4),
            inverse_id: row.get(5),
            is_default: row.get(6),
        };
        match grouped.last_mut() {
            Some((last, kinds)) if *last == to_id => kinds.push(kind),
            _ => grouped.push((to_id, vec![kind])),
        }
    }
    Ok(grouped)
}

/// For v3 reads: every association of `ids` to the types named in `to` —
/// `(from id, to type, to id, v3 type name)`, in order.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn v3(
    client: &impl GenericClient,
    ids: &[i64],
    to: &[&str],
) -> Result<Vec<(i64, String, i64, String)>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT a.from_id, a.to_type, a.to_id, coalesce(t.name, lower(t.label), a.type_id::text)
             FROM associations a
             JOIN association_types t ON t.type_id = a.type_id AND t.category = a.category
             WHERE a.from_id = ANY($1) AND a.to_type = ANY($2)
             ORDER BY a.from_id, a.to_type, a.to_id, a.type_id",
        )
        .await?;
    let rows = client.query(&statement, &[&ids, &to]).await?;
    Ok(rows
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3)))
        .collect())
}

/// The types named in an `associations` query argument (unknown names are ignored).
pub(crate) fn requested(names: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = names
        .iter()
        .filter_map(|name| types::lookup(name).map(|t| t.name))
        .collect();
    out.dedup();
    out
}
