//! Objects as HubSpot answers them: `{id, properties, createdAt, updatedAt, archived}` with
//! the requested (or default) properties, `propertiesWithHistory` and v3 `associations`.

use std::collections::{BTreeMap, HashMap, HashSet};

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use super::model::Object;
use crate::assoc;
use crate::error::ApiError;
use crate::request::Args;
use crate::types::{self, ObjectType};
use crate::values::{self, Definition};

/// Most objects one read returns when it asks for `propertiesWithHistory` (a list page, a
/// batch read): HubSpot's own bound, which its Python SDK's `fetch_all` pages by
/// (`PROPERTY_HISTORY_MAX_SIZE`).
pub(crate) const MAX_WITH_HISTORY: usize = 50;

/// Refuses a read of `count` objects (`what`: `inputs` of a batch, or a page's `limit`) that
/// asks for the history of `history` when `count` is past [`MAX_WITH_HISTORY`].
///
/// # Errors
///
/// 400 `VALIDATION_ERROR`: for a batch, HubSpot's recorded `The maximum number of inputs
/// supported in a batch request for property histories is 50. …`; for a page, the same
/// sentence about its limit.
pub(crate) fn refuse_past_history_bound(
    history: &[String],
    count: usize,
    batch: bool,
) -> Result<(), ApiError> {
    if history.is_empty() || count <= MAX_WITH_HISTORY {
        return Ok(());
    }
    Err(ApiError::validation(if batch {
        format!(
            "The maximum number of inputs supported in a batch request for property histories \
             is {MAX_WITH_HISTORY}. Please reduce the number of items and try again"
        )
    } else {
        format!(
            "The maximum limit supported in a request for property histories is \
             {MAX_WITH_HISTORY}. Please reduce the limit and try again"
        )
    }))
}

/// Which properties a response carries.
#[derive(Debug, Clone)]
pub(crate) enum Selection {
    /// Every value the object holds (create and update answers).
    All,
    /// These names (existing properties: `null` when unset), the type's
    /// [`ObjectType::always`] among them.
    Named(Vec<String>),
}

/// What a read asked for.
#[derive(Debug, Clone)]
pub(crate) struct View {
    /// The properties.
    pub(crate) selection: Selection,
    /// Properties whose history is wanted.
    pub(crate) history: Vec<String>,
    /// Types whose associations are wanted (v3).
    pub(crate) associations: Vec<String>,
}

impl View {
    /// Every value, nothing else.
    pub(crate) fn all() -> Self {
        Self {
            selection: Selection::All,
            history: Vec::new(),
            associations: Vec::new(),
        }
    }

    /// The view a read's query asks for ([`View::resolve`] of its lists).
    ///
    /// # Errors
    ///
    /// The statement's error.
    pub(crate) async fn asked(
        client: &impl GenericClient,
        object_type: &ObjectType,
        args: &Args,
    ) -> Result<Self, ApiError> {
        Self::resolve(
            client,
            object_type,
            &args.list("properties"),
            &args.list("propertiesWithHistory"),
            &args.list("associations"),
        )
        .await
    }

    /// The view a read asks for: `properties` (existing ones only, HubSpot ignores the
    /// rest; the type's defaults when none), `propertiesWithHistory`, `associations` (a
    /// custom type by object type id, fully qualified or short-hand name).
    ///
    /// # Errors
    ///
    /// The statement's error.
    pub(crate) async fn resolve(
        client: &impl GenericClient,
        object_type: &ObjectType,
        properties: &[String],
        history: &[String],
        associations: &[String],
    ) -> Result<Self, ApiError> {
        let known = if properties.is_empty() {
            HashMap::new()
        } else {
            let asked: Vec<&str> = properties
                .iter()
                .chain(history)
                .map(String::as_str)
                .collect();
            values::definitions(client, &object_type.name, &asked).await?
        };
        let mut associations = associations.to_vec();
        for name in &mut associations {
            // A custom type named by its fully qualified or short-hand name, as by its id.
            if types::names_custom(name)
                && types::custom_id(name).is_none()
                && let Some(found) = types::find(client, name).await?
            {
                *name = found.type_id.to_string();
            }
        }
        Ok(Self::among(
            object_type,
            properties,
            &known,
            history,
            &associations,
        ))
    }

    /// [`View::resolve`] with the definitions already read: `known` holds (at least) every
    /// existing property among `properties`.
    pub(crate) fn among(
        object_type: &ObjectType,
        properties: &[String],
        known: &HashMap<String, Definition>,
        history: &[String],
        associations: &[String],
    ) -> Self {
        let mut names: Vec<String> = if properties.is_empty() {
            object_type
                .defaults
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        } else {
            properties
                .iter()
                .filter(|name| known.contains_key(*name))
                .cloned()
                .collect()
        };
        for name in object_type.always() {
            if !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
        Self {
            selection: Selection::Named(names),
            history: history.to_vec(),
            associations: assoc::requested(associations),
        }
    }
}

/// `object` in HubSpot's shape under `view` (associations are added by [`attach`]).
pub(crate) fn render(object: &Object, view: &View) -> Value {
    let properties = match &view.selection {
        Selection::All => object.properties.clone(),
        Selection::Named(names) => {
            let mut out = Map::with_capacity(names.len());
            for name in names {
                let value = object.properties.get(name).cloned().unwrap_or(Value::Null);
                out.insert(name.to_owned(), value);
            }
            out
        }
    };
    let mut body = Map::with_capacity(7);
    body.insert("id".to_owned(), Value::String(object.id.to_string()));
    body.insert("properties".to_owned(), Value::Object(properties));
    if !view.history.is_empty() {
        let mut history = Map::new();
        for name in &view.history {
            if let Some(Value::Array(entries)) = object.history.get(name) {
                history.insert(name.clone(), Value::Array(entries.clone()));
            }
        }
        body.insert("propertiesWithHistory".to_owned(), Value::Object(history));
    }
    body.insert("createdAt".to_owned(), json!(object.created_at));
    body.insert("updatedAt".to_owned(), json!(object.updated_at));
    body.insert("archived".to_owned(), json!(object.archived));
    if let Some(at) = &object.archived_at {
        body.insert("archivedAt".to_owned(), json!(at));
    }
    Value::Object(body)
}

/// Renders `objects` and adds each one's v3 `associations` when the view asks for them
/// (one statement for the whole page).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn render_all(
    client: &impl GenericClient,
    objects: &[Object],
    view: &View,
) -> Result<Vec<Value>, ApiError> {
    let mut rendered: Vec<Value> = objects.iter().map(|o| render(o, view)).collect();
    if view.associations.is_empty() || objects.is_empty() {
        return Ok(rendered);
    }
    let ids: Vec<i64> = objects.iter().map(|o| o.id).collect();
    let rows = assoc::v3(client, &ids, &view.associations).await?;
    let mut per_object: BTreeMap<i64, BTreeMap<String, Vec<Value>>> = BTreeMap::new();
    let mut seen = HashSet::new();
    for (from, to_type, to_id, name) in rows {
        if seen.insert((from, to_id, name.clone())) {
            per_object
                .entry(from)
                .or_default()
                .entry(to_type)
                .or_default()
                .push(json!({ "id": to_id.to_string(), "type": name }));
        }
    }
    for (object, body) in objects.iter().zip(rendered.iter_mut()) {
        let Some(groups) = per_object.remove(&object.id) else {
            continue;
        };
        let associations: Map<String, Value> = groups
            .into_iter()
            .map(|(to_type, results)| (to_type, json!({ "results": results })))
            .collect();
        if let Some(body) = body.as_object_mut() {
            body.insert("associations".to_owned(), Value::Object(associations));
        }
    }
    Ok(rendered)
}

/// Cuts `items` (read with one more than `limit`) to `limit` and gives the next page's
/// cursor (`id` of the last kept item) when there was more.
pub(crate) fn next_after<T>(
    items: &mut Vec<T>,
    limit: i64,
    id: impl Fn(&T) -> String,
) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > limit;
    items.truncate(limit);
    more.then(|| items.last().map(id)).flatten()
}

/// [`page`] of `results` (read with one more than `limit`), each naming its cursor in its
/// string `id` (owners, users, imports, import errors).
pub(crate) fn page_by_id(mut results: Vec<Value>, limit: i64, link: &str) -> Value {
    let next = next_after(&mut results, limit, |item| {
        item["id"].as_str().unwrap_or_default().to_owned()
    });
    page(results, next, link)
}

/// `{results, paging?}` with `paging.next = {after, link}` when there is more.
pub(crate) fn page(results: Vec<Value>, next: Option<String>, link: &str) -> Value {
    let mut body = Map::new();
    body.insert("results".to_owned(), Value::Array(results));
    if let Some(after) = next {
        let separator = if link.contains('?') { '&' } else { '?' };
        body.insert(
            "paging".to_owned(),
            json!({ "next": { "after": after, "link": format!("{link}{separator}after={after}") } }),
        );
    }
    Value::Object(body)
}

/// Column `index` of `row`: the text of a JSON value a statement built (`json_build_object`),
/// parsed; `null` if it does not parse.
pub(crate) fn json_column(row: &Row, index: usize) -> Value {
    serde_json::from_str(row.get(index)).unwrap_or(Value::Null)
}
