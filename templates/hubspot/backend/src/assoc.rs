//! The association model: association types (HubSpot's defined ones and labels) and the
//! associations themselves, one row per direction (writing A→B with type t writes B→A with
//! t's inverse), so that v4 lists and v3 `associations` reads agree.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::types::{self, ObjectType, Type};

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

/// The association type in the six columns of `row` from `first`: type id, category, label,
/// name, inverse id, whether it is a default.
fn from_row(row: &asym_kit::tokio_postgres::Row, first: usize) -> AssociationType {
    AssociationType {
        type_id: row.get(first),
        category: row.get(first + 1),
        label: row.get(first + 2),
        name: row.get(first + 3),
        inverse_id: row.get(first + 4),
        is_default: row.get(first + 5),
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
    let mut types = types_from(client, from, &[to]).await?;
    Ok(types.remove(to).unwrap_or_default())
}

/// Every association type from `from` to each of `to`, by `to` type, in one statement.
///
/// # Errors
///
/// The statement's error.
async fn types_from(
    client: &impl GenericClient,
    from: &str,
    to: &[&str],
) -> Result<HashMap<String, Vec<AssociationType>>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT type_id, category, label, coalesce(name, ''), inverse_id, is_default, to_type
             FROM association_types WHERE from_type = $1 AND to_type = ANY($2)
             ORDER BY type_id",
        )
        .await?;
    let mut types: HashMap<String, Vec<AssociationType>> = HashMap::new();
    for row in client.query(&statement, &[&from, &to]).await? {
        types.entry(row.get(6)).or_default().push(from_row(&row, 0));
    }
    Ok(types)
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

/// HubSpot's message when an association names objects that do not exist.
const INVALID_ASSOCIATIONS: &str = "One or more associations are invalid";

/// Whether `err` is [`invalid_objects`]' refusal (a batch reports it per input).
pub(crate) fn names_invalid_objects(err: &ApiError) -> bool {
    err.context().get("INVALID_OBJECT_IDS").is_some()
}

/// HubSpot's 400 for associations naming objects that are not live objects of their type
/// (the type when known): `context.INVALID_OBJECT_IDS` (`CONTACT=12 is not valid`),
/// `objectId`, `objectType`.
pub(crate) fn invalid_objects(objects: &[(Option<&ObjectType>, i64)]) -> ApiError {
    let named = |kind: Option<&ObjectType>| kind.map(|k| k.singular.to_uppercase());
    let invalid: Vec<String> = objects
        .iter()
        .map(|(kind, id)| match named(*kind) {
            Some(kind) => format!("{kind}={id} is not valid"),
            None => format!("{id} is not valid"),
        })
        .collect();
    let ids: Vec<String> = objects.iter().map(|(_, id)| id.to_string()).collect();
    let kinds: Vec<String> = objects
        .iter()
        .filter_map(|(kind, _)| named(*kind))
        .collect();
    ApiError::validation(INVALID_ASSOCIATIONS).with(
        "context",
        json!({ "INVALID_OBJECT_IDS": invalid, "objectId": ids, "objectType": kinds }),
    )
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
/// 400 for a type id the pair does not have, and [`invalid_objects`]' 400 when either object
/// is not a live object of its type (as HubSpot answers a v4 PUT naming one:
/// HubSpot/hubspot-api-nodejs#646).
pub(crate) async fn associate(
    client: &impl GenericClient,
    from: &ObjectType,
    from_id: i64,
    to: &ObjectType,
    to_id: i64,
    specs: &[Spec],
) -> Result<Vec<AssociationType>, ApiError> {
    let known = types_between(client, &from.name, &to.name).await?;
    let chosen = choose(&known, &from.name, &to.name, specs)?;
    let live = live(client, &[from_id, to_id]).await?;
    let invalid: Vec<(Option<&ObjectType>, i64)> = [(from, from_id), (to, to_id)]
        .into_iter()
        .filter(|(kind, id)| live.get(id).map(String::as_str) != Some(&kind.name))
        .map(|(kind, id)| (Some(kind), id))
        .collect();
    if !invalid.is_empty() {
        return Err(invalid_objects(&invalid));
    }
    let mut rows = Rows::default();
    rows.push(&from.name, from_id, &to.name, to_id, &chosen);
    rows.insert(client).await?;
    Ok(chosen)
}

/// Associates objects of `from` just created with live objects, each link `(from id, to id,
/// specs)` as [`associate`] does, in three statements whatever their number.
///
/// # Errors
///
/// 400 for a target that is not a live object or a type id the pair does not have.
pub(crate) async fn associate_new(
    client: &impl GenericClient,
    from: &ObjectType,
    links: &[(i64, i64, &[Spec])],
) -> Result<(), ApiError> {
    if links.is_empty() {
        return Ok(());
    }
    let to_ids: Vec<i64> = links.iter().map(|(_, to_id, _)| *to_id).collect();
    let live = live(client, &to_ids).await?;
    let mut to_types = Vec::with_capacity(links.len());
    for (_, to_id, specs) in links {
        match live.get(to_id) {
            Some(to) => to_types.push(to.as_str()),
            None => {
                let kind = intended_type(client, from, specs).await?;
                return Err(invalid_objects(&[(kind.as_deref(), *to_id)]));
            }
        }
    }
    let mut names = to_types.clone();
    names.sort_unstable();
    names.dedup();
    let known = types_from(client, &from.name, &names).await?;
    let mut rows = Rows::default();
    for ((from_id, to_id, specs), to) in links.iter().zip(to_types) {
        let pair = known.get(to).map_or(&[][..], Vec::as_slice);
        let chosen = choose(pair, &from.name, to, specs)?;
        rows.push(&from.name, *from_id, to, *to_id, &chosen);
    }
    rows.insert(client).await
}

/// The type a link to a missing object meant, as its first association type says.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn intended_type(
    client: &impl GenericClient,
    from: &ObjectType,
    specs: &[Spec],
) -> Result<Option<Type>, ApiError> {
    let Some((category, type_id)) = specs.first() else {
        return Ok(None);
    };
    let statement = client
        .prepare_cached(
            "SELECT to_type FROM association_types
             WHERE from_type = $1 AND category = $2 AND type_id = $3",
        )
        .await?;
    match client
        .query_opt(&statement, &[&from.name, category, type_id])
        .await?
    {
        Some(row) => types::find(client, row.get(0)).await,
        None => Ok(None),
    }
}

/// The types of `known` (those from `from` to `to`) that `specs` name, or the default ones
/// when `specs` is empty.
fn choose(
    known: &[AssociationType],
    from: &str,
    to: &str,
    specs: &[Spec],
) -> Result<Vec<AssociationType>, ApiError> {
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
                            "{category} {type_id} is not a valid association type between {from} and {to}"
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };
    if chosen.is_empty() {
        return Err(ApiError::validation(format!(
            "{from} can not be associated with {to}"
        )));
    }
    Ok(chosen)
}

/// Association rows to write, both directions of each, as the columns of one insert.
#[derive(Default)]
struct Rows<'a> {
    from_types: Vec<&'a str>,
    from_ids: Vec<i64>,
    to_types: Vec<&'a str>,
    to_ids: Vec<i64>,
    categories: Vec<String>,
    type_ids: Vec<i32>,
}

impl<'a> Rows<'a> {
    /// `from_id` → `to_id` with each of `chosen`, and back with its inverse.
    fn push(
        &mut self,
        from: &'a str,
        from_id: i64,
        to: &'a str,
        to_id: i64,
        chosen: &[AssociationType],
    ) {
        for kind in chosen {
            for (a, a_id, b, b_id, type_id) in [
                (from, from_id, to, to_id, kind.type_id),
                (to, to_id, from, from_id, kind.inverse_id),
            ] {
                self.from_types.push(a);
                self.from_ids.push(a_id);
                self.to_types.push(b);
                self.to_ids.push(b_id);
                self.categories.push(kind.category.clone());
                self.type_ids.push(type_id);
            }
        }
    }

    /// Writes them (ones already there are kept).
    async fn insert(&self, client: &impl GenericClient) -> Result<(), ApiError> {
        let statement = client
            .prepare_cached(
                "INSERT INTO associations (from_type, from_id, to_type, to_id, category, type_id)
                 SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[],
                                      $5::text[], $6::int[])
                 ON CONFLICT DO NOTHING",
            )
            .await?;
        client
            .execute(
                &statement,
                &[
                    &self.from_types,
                    &self.from_ids,
                    &self.to_types,
                    &self.to_ids,
                    &self.categories,
                    &self.type_ids,
                ],
            )
            .await?;
        Ok(())
    }
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
        let kind = from_row(row, 1);
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
    to: &[String],
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

/// The stored types named in an `associations` query argument: HubSpot's by any name, custom
/// ones by object type id (unknown names are ignored).
pub(crate) fn requested(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = names
        .iter()
        .filter_map(|name| match types::lookup(name) {
            Some(stock) => Some(stock.name.to_string()),
            None => types::custom_id(name).map(|_| name.clone()),
        })
        .collect();
    out.dedup();
    out
}
