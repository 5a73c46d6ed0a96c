//! What one page's values reach of other pages: rollups (a function over a property of
//! the pages a relation points to, computed whenever the page is answered) and dual
//! relations (a relation whose synced property on the other data source is kept in step).
//!
//! Both are completed when a schema is written ([`complete`]): a rollup's relation and
//! rolled-up property are resolved to their names and ids (or refused), a new dual
//! relation gets its synced property on the related data source.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::rollup;
use crate::rows;
use crate::schema::{self, Schema};
use crate::values;

/// The column of a related page's schema, in [`resolve`]'s statement.
const SCHEMA: usize = 6;

/// Rollup values by page id, then by rollup property id.
pub(crate) type Rolled = HashMap<String, Map<String, Value>>;

fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// The schema of data source `id` (locked for update when `lock`).
async fn schema_of(client: &impl GenericClient, id: &str, lock: bool) -> ApiResult<Schema> {
    let sql = if lock {
        "SELECT schema::text FROM data_sources WHERE id = $1 FOR UPDATE"
    } else {
        "SELECT schema::text FROM data_sources WHERE id = $1"
    };
    let row = crate::rows::by_id(client, sql, "data source", id).await?;
    Ok(schema::load(row.get(0)))
}

/// Completes the relations and rollups of `schema`, data source `own`'s (in `database`,
/// `before` the change), before it is saved: checks each new or changed formula against it
/// ([`crate::formula::check`]), resolves each rollup's properties (refusing what does not exist or is not a
/// relation), and gives each new dual relation its synced property on the related data
/// source (saved there, or added to `schema` for a relation to `own` itself).
///
/// # Errors
///
/// 400 `validation_error` naming the rollup or relation that cannot be completed; 404 for
/// a related data source that does not exist.
pub(crate) async fn complete(
    tx: &Transaction<'_>,
    (own, database): (&str, &str),
    before: &Schema,
    schema: &mut Schema,
) -> ApiResult<()> {
    let ids: Vec<String> = schema.keys().cloned().collect();
    for id in ids {
        match schema::kind(&schema[&id]) {
            "formula" if before.get(&id) != schema.get(&id) => {
                let prop = &schema[&id];
                let expression = prop["formula"]["expression"].as_str().unwrap_or_default();
                crate::formula::check(expression, schema).map_err(|reason| {
                    invalid(format!(
                        "body failed validation: the formula of `{}` is invalid: {reason}.",
                        prop["name"].as_str().unwrap_or_default()
                    ))
                })?;
            }
            "relation" => dual(tx, (own, database), schema, &id).await?,
            "rollup" => rollup(tx, own, schema, &id).await?,
            _ => {}
        }
    }
    Ok(())
}

/// The dual relations of `schema`: each one's id, related data source and synced property.
fn duals(schema: &Schema) -> impl Iterator<Item = (&String, &str, &str)> {
    schema.iter().filter_map(|(id, prop)| {
        let config = &prop["relation"];
        Some((
            id,
            config["data_source_id"].as_str()?,
            config["dual_property"]["synced_property_id"].as_str()?,
        ))
    })
}

/// Removes, with their values, the synced properties of the dual relations that `before`
/// held and `after` no longer does (removed, or changed to another type), as Notion removes
/// both sides of a two-way relation.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn unlink(
    tx: &Transaction<'_>,
    own: &str,
    before: &Schema,
    after: &mut Schema,
) -> ApiResult<()> {
    for (id, target, synced) in duals(before) {
        if after.get(id).is_some_and(|p| schema::kind(p) == "relation") {
            continue;
        }
        if target == own {
            after.remove(synced);
        } else {
            let mut other = schema_of(tx, target, true).await?;
            other.remove(synced);
            tx.execute(
                "UPDATE data_sources SET schema = $2::text::jsonb WHERE id = $1",
                &[&target, &Value::Object(other).to_string()],
            )
            .await?;
        }
        tx.execute(
            "UPDATE pages SET props = (props::jsonb - $2::text)::json, fv = fv - $2::text WHERE data_source_id = $1",
            &[&target, &synced],
        )
        .await?;
    }
    Ok(())
}

/// Gives the new dual relation `id` its synced property on the related data source.
async fn dual(
    tx: &Transaction<'_>,
    (own, database): (&str, &str),
    schema: &mut Schema,
    id: &str,
) -> ApiResult<()> {
    let config = &schema[id]["relation"];
    if config["type"] != "dual_property"
        || config["dual_property"]["synced_property_id"].is_string()
    {
        return Ok(());
    }
    let target = config["data_source_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let name = schema[id]["name"].as_str().unwrap_or_default().to_owned();
    let mut other = if target == own {
        schema.clone()
    } else {
        schema_of(tx, &target, true).await?
    };
    let synced_name = match config["dual_property"]["synced_property_name"].as_str() {
        Some(given) => given.to_owned(),
        None => {
            let title: String = tx
                .query_one(
                    "SELECT coalesce(nullif((SELECT string_agg(e->>'plain_text', '') FROM jsonb_array_elements(title) e), ''), 'Untitled')
                     FROM databases WHERE id = $1",
                    &[&database],
                )
                .await?
                .get(0);
            let base = format!("Related to {title} ({name})");
            (1..)
                .map(|n| {
                    if n == 1 {
                        base.clone()
                    } else {
                        format!("{base} ({n})")
                    }
                })
                .find(|candidate| schema::find(&other, candidate).is_none())
                .unwrap_or(base)
        }
    };
    if schema::find(&other, &synced_name).is_some() {
        return Err(invalid(format!(
            "Property name `{synced_name}` is already in use in the related data source."
        )));
    }
    let synced_id = ids::property_id();
    let synced = json!({
        "name": synced_name,
        "description": null,
        "type": "relation",
        "relation": {
            "data_source_id": own,
            "database_id": database,
            "type": "dual_property",
            "dual_property": { "synced_property_id": id, "synced_property_name": name }
        }
    });
    schema[id]["relation"]["dual_property"] =
        json!({ "synced_property_id": synced_id, "synced_property_name": synced_name });
    if target == own {
        schema.insert(synced_id, synced);
        return Ok(());
    }
    other.insert(synced_id, synced);
    tx.execute(
        "UPDATE data_sources SET schema = $2::text::jsonb WHERE id = $1",
        &[&target, &Value::Object(other).to_string()],
    )
    .await?;
    Ok(())
}

/// Resolves rollup `id`'s relation and rolled-up property to their names and ids.
async fn rollup(tx: &Transaction<'_>, own: &str, schema: &mut Schema, id: &str) -> ApiResult<()> {
    let config = schema[id]["rollup"].clone();
    let name = schema[id]["name"].as_str().unwrap_or_default().to_owned();
    let function = config["function"].as_str().unwrap_or_default();
    if !rollup::FUNCTIONS.contains(&function) {
        return Err(invalid(format!(
            "body failed validation: the rollup `{name}` has function `{function}`, which should be one of {}.",
            rollup::FUNCTIONS.join(", ")
        )));
    }
    let key = |field: &str| {
        config[format!("{field}_property_id")]
            .as_str()
            .or_else(|| config[format!("{field}_property_name")].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let relation_key = key("relation");
    let (relation_id, relation) = schema::find(schema, &relation_key)
        .filter(|(_, p)| schema::kind(p) == "relation")
        .ok_or_else(|| {
            invalid(format!(
                "The rollup `{name}` names `{relation_key}`, which is not a relation property of this data source."
            ))
        })?;
    let (relation_id, relation_name) = (relation_id.to_owned(), relation["name"].clone());
    let target = relation["relation"]["data_source_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let other = if target == own {
        schema.clone()
    } else {
        schema_of(tx, &target, false).await?
    };
    let rolled_key = key("rollup");
    let (rolled_id, rolled) = schema::find(&other, &rolled_key).ok_or_else(|| {
        invalid(format!(
            "The rollup `{name}` names `{rolled_key}`, which is not a property of the related data source."
        ))
    })?;
    schema[id]["rollup"] = json!({
        "relation_property_name": relation_name,
        "relation_property_id": relation_id,
        "rollup_property_name": rolled["name"],
        "rollup_property_id": rolled_id,
        "function": function,
    });
    Ok(())
}

/// Keeps the synced properties of the dual relations of `schema` in step with page `page`'s
/// change from the relation values `before` to `after` (filter forms: arrays of ids).
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn sync_duals(
    tx: &Transaction<'_>,
    page: &str,
    schema: &Schema,
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> ApiResult<()> {
    for (id, target, synced) in duals(schema) {
        let ids_in = |values: &Map<String, Value>| -> Vec<String> {
            values
                .get(id)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        };
        let (old, new) = (ids_in(before), ids_in(after));
        let added: Vec<&String> = new.iter().filter(|n| !old.contains(n)).collect();
        let removed: Vec<&String> = old.iter().filter(|o| !new.contains(o)).collect();
        if !added.is_empty() {
            tx.execute(
                "UPDATE pages SET
                    props = jsonb_set(props::jsonb, ARRAY[$2], coalesce(props::jsonb->$2, '[]') || jsonb_build_array(jsonb_build_object('id', $3::text)))::json,
                    fv = jsonb_set(fv, ARRAY[$2], coalesce(fv->$2, '[]') || to_jsonb($3::text)),
                    last_edited_time = now()
                 WHERE id = ANY($1) AND data_source_id = $4 AND NOT coalesce(fv->$2, '[]') ? $3",
                &[&added, &synced, &page, &target],
            )
            .await?;
        }
        if !removed.is_empty() {
            tx.execute(
                "UPDATE pages SET
                    props = jsonb_set(props::jsonb, ARRAY[$2], coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(props::jsonb->$2) e WHERE e->>'id' <> $3), '[]'))::json,
                    fv = jsonb_set(fv, ARRAY[$2], coalesce((SELECT jsonb_agg(e) FROM jsonb_array_elements(fv->$2) e WHERE e #>> '{}' <> $3), '[]')),
                    last_edited_time = now()
                 WHERE id = ANY($1) AND data_source_id = $4 AND coalesce(fv->$2, '[]') ? $3",
                &[&removed, &synced, &page, &target],
            )
            .await?;
        }
    }
    Ok(())
}

/// The ids a page's relation `relation_id` points to, from its stored values.
fn related(props: &Map<String, Value>, relation_id: &str) -> Vec<String> {
    props
        .get(relation_id)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item["id"].as_str().map(str::to_owned))
        .collect()
}

/// The rollup values of `pages` (each page's id and stored values), all of `schema`: one
/// statement reads every related page, none when the schema has no rollup.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn resolve(
    client: &impl GenericClient,
    schema: &Schema,
    pages: &[(String, Map<String, Value>)],
) -> ApiResult<Rolled> {
    let rollups: Vec<(&String, &Value)> = schema
        .iter()
        .filter(|(_, p)| schema::kind(p) == "rollup")
        .collect();
    let mut rolled = Rolled::new();
    if rollups.is_empty() || pages.is_empty() {
        return Ok(rolled);
    }
    let mut wanted: Vec<String> = Vec::new();
    for (_, props) in pages {
        for (_, prop) in &rollups {
            let relation = prop["rollup"]["relation_property_id"]
                .as_str()
                .unwrap_or_default();
            wanted.extend(related(props, relation));
        }
    }
    wanted.sort();
    wanted.dedup();
    let statement = client
        .prepare_cached(
            "SELECT p.id, p.props::text, nt(p.created_time), nt(p.last_edited_time), p.created_by, p.last_edited_by,
                d.schema::text
             FROM pages p JOIN data_sources d ON d.id = p.data_source_id
             WHERE p.id = ANY($1) AND p.shared AND NOT p.in_trash",
        )
        .await?;
    let found = client.query(&statement, &[&wanted]).await?;
    let mut schemas: HashMap<String, Schema> = HashMap::new();
    let targets: HashMap<String, &Row> = found.iter().map(|row| (row.get(0), row)).collect();
    for row in &found {
        let text: &str = row.get(SCHEMA);
        schemas
            .entry(text.to_owned())
            .or_insert_with(|| schema::load(text));
    }
    for (page, props) in pages {
        let mut values = Map::new();
        for (id, prop) in &rollups {
            let config = &prop["rollup"];
            let relation = config["relation_property_id"].as_str().unwrap_or_default();
            let target_key = config["rollup_property_id"].as_str().unwrap_or_default();
            let items: Vec<Value> = related(props, relation)
                .iter()
                .filter_map(|other| targets.get(other))
                .filter_map(|row| {
                    let schema = &schemas[row.get::<_, &str>(SCHEMA)];
                    let (target_id, target) = schema::find(schema, target_key)?;
                    let stored: Map<String, Value> =
                        serde_json::from_str(row.get(1)).unwrap_or_default();
                    let meta = rows::meta(row, 2);
                    let mut one =
                        values::render_property(target_id, target, schema, &stored, meta, None);
                    one.as_object_mut()?.remove("id");
                    Some(one)
                })
                .collect();
            let function = config["function"].as_str().unwrap_or("show_original");
            values.insert((*id).clone(), rollup::aggregate(function, items));
        }
        rolled.insert(page.clone(), values);
    }
    Ok(rolled)
}
