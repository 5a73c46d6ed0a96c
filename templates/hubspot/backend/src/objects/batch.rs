//! `POST /crm/v3/objects/{type}/batch/{create,read,update,archive,upsert}`: at most 100
//! inputs. Invalid property values refuse the whole batch (400), as HubSpot does, unless
//! every create input carries an `objectWriteTraceId` (then the valid ones are created and
//! the others reported in a 207); ids that do not exist are reported per input in a 207
//! multi-status while the others proceed.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::model::{self, Object};
use super::render::{self, View};
use super::unique;
use super::{
    Checked, Links, archive_all, batch_answer, batch_error, change_events, check_all, commit_with,
    create_many, duplicate, gate, gate_write, inherit_products, input_properties, now,
    parse_associations, parse_id, require, write_error,
};
use crate::assoc;
use crate::error::{ApiError, ApiResult};
use crate::names;
use crate::request::{Args, Call, JsonBody, string_field, string_list};
use crate::types::{ObjectType, Write};
use crate::values::{self, Changes};

/// Most inputs in one batch.
pub(crate) const MAX_INPUTS: usize = 100;

/// The batch's `inputs`.
///
/// # Errors
///
/// 400 when missing, not an array or longer than [`MAX_INPUTS`].
pub(crate) fn inputs(body: &Value) -> Result<&Vec<Value>, ApiError> {
    inputs_up_to(body, MAX_INPUTS)
}

/// The batch's `inputs`, for a route that takes up to `max`.
///
/// # Errors
///
/// 400 when missing, not an array or longer than `max`.
pub(crate) fn inputs_up_to(body: &Value, max: usize) -> Result<&Vec<Value>, ApiError> {
    let inputs = body
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::validation("Invalid input JSON: inputs must be an array"))?;
    if inputs.len() > max {
        return Err(ApiError::validation(format!(
            "Too many inputs: {} were sent, the limit is {max}",
            inputs.len()
        ))
        .with("context", json!({ "inputs": [inputs.len().to_string()] })));
    }
    Ok(inputs)
}

/// Dispatches on `{operation}`.
pub(crate) async fn batch(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let operation = call.param("operation");
    let object_type = match operation {
        "create" => gate_write(&call, Write::Create).await?,
        "update" => gate_write(&call, Write::Update).await?,
        "upsert" => {
            let object_type = gate_write(&call, Write::Create).await?;
            object_type.refuse(Write::Update)?;
            object_type
        }
        "archive" => gate_write(&call, Write::Archive).await?,
        _ => gate(&call, operation != "read").await?,
    };
    let started_at = now();
    let inputs = inputs(&body)?;
    let batch = Batch {
        kit: &call.kit,
        object_type: &object_type,
        inputs,
    };
    let (status, results, errors) = match operation {
        "create" => batch.create().await?,
        "read" => batch.read(&body, &args).await?,
        "update" => batch.update().await?,
        "upsert" => batch.upsert().await?,
        "archive" => {
            let ids: Vec<i64> = inputs
                .iter()
                .filter_map(|input| string_field(input, "id").and_then(|id| parse_id(&id)))
                .collect();
            archive_all(&call.kit, &object_type, &ids).await?;
            return Ok(StatusCode::NO_CONTENT.into_response());
        }
        _ => return Err(ApiError::not_found()),
    };
    Ok(batch_answer(status, results, errors, &started_at))
}

type Outcome = (StatusCode, Vec<Value>, Vec<Value>);

/// What a batch create writes: each accepted input's values, associations and trace id.
#[derive(Default)]
struct Creates {
    changes: Vec<Changes>,
    links: Vec<Links>,
    traces: Vec<Option<String>>,
}

/// A multi-status error entry naming the input it refuses by its trace id.
fn traced_error(err: &ApiError, trace: &str) -> Value {
    let mut entry = batch_error(err);
    entry["context"]["objectWriteTraceId"] = json!([trace]);
    entry
}

/// A result with the `objectWriteTraceId` of the input it answers, if that had one.
fn traced(rendered: Value, input: &Value) -> Value {
    with_trace(
        rendered,
        string_field(input, "objectWriteTraceId").as_deref(),
    )
}

/// A result with `trace` as its `objectWriteTraceId`.
fn with_trace(mut rendered: Value, trace: Option<&str>) -> Value {
    if let Some(trace) = trace {
        rendered["objectWriteTraceId"] = json!(trace);
    }
    rendered
}

/// The inputs' `objectWriteTraceId`s when every input carries one: HubSpot then answers a
/// batch create input by input.
fn trace_ids(inputs: &[Value]) -> Option<Vec<String>> {
    if inputs.is_empty() {
        return None;
    }
    inputs
        .iter()
        .map(|input| string_field(input, "objectWriteTraceId").filter(|t| !t.is_empty()))
        .collect()
}

/// One batch: its type and its inputs.
struct Batch<'a> {
    kit: &'a Kit,
    object_type: &'a ObjectType,
    inputs: &'a [Value],
}

/// The not-found entry for `ids`.
fn missing(object_type: &ObjectType, ids: &[String]) -> Vec<Value> {
    if ids.is_empty() {
        return Vec::new();
    }
    let err = ApiError::missing(format!(
        "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
        object_type.singular.to_uppercase()
    ))
    .with("context", json!({ "ids": ids }));
    vec![batch_error(&err)]
}

/// HubSpot's 400 when inputs name the same object more than once: each input's identity
/// (what makes two inputs the same object) with its id as sent.
fn refuse_repeats<T: Eq + Hash>(
    inputs: impl IntoIterator<Item = (T, String)>,
) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    let repeated: Vec<String> = inputs
        .into_iter()
        .filter_map(|(identity, id)| (!seen.insert(identity)).then_some(id))
        .collect();
    if repeated.is_empty() {
        return Ok(());
    }
    Err(ApiError::validation(format!(
        "Duplicate IDs found in batch input: [{}]. IDs must be unique",
        repeated.join(", ")
    ))
    .with("context", json!({ "ids": repeated })))
}

/// An input's `(idProperty, id)`: `None` for the object id (`hs_object_id`).
type Key = (Option<String>, String);

impl Batch<'_> {
    /// Every input's `properties`.
    fn properties(&self) -> Result<Vec<Map<String, Value>>, ApiError> {
        self.inputs.iter().map(input_properties).collect()
    }

    /// The live object id each of `keys` names (`None` where none): one statement per
    /// distinct `idProperty`.
    async fn resolve(
        &self,
        client: &impl GenericClient,
        keys: &[Key],
    ) -> Result<Vec<Option<i64>>, ApiError> {
        let mut properties: Vec<&str> = keys.iter().filter_map(|(p, _)| p.as_deref()).collect();
        properties.sort_unstable();
        properties.dedup();
        let mut found = HashMap::new();
        for property in properties {
            let values: Vec<&str> = keys
                .iter()
                .filter(|(p, _)| p.as_deref() == Some(property))
                .map(|(_, id)| id.as_str())
                .collect();
            let objects =
                model::find_many_by(client, &self.object_type.name, property, &values).await?;
            found.insert(property, objects);
        }
        Ok(keys
            .iter()
            .map(|(property, id)| match property {
                Some(p) => found[p.as_str()].get(&model::key(p, id)).map(|o| o.id),
                None => parse_id(id),
            })
            .collect())
    }

    /// Applies each of `changes` to the object of the same entry of `ids` (those that name one)
    /// in one statement: the objects changed by id, each with its values before.
    async fn update_found(
        &self,
        client: &impl GenericClient,
        ids: &[Option<i64>],
        changes: &[Changes],
    ) -> Result<HashMap<i64, (Object, Map<String, Value>)>, ApiError> {
        let updates: Vec<(i64, &Changes)> = ids
            .iter()
            .zip(changes)
            .filter_map(|(id, changes)| Some(((*id)?, changes)))
            .collect();
        let updated = model::update_many(client, &self.object_type.name, &updates)
            .await
            .map_err(write_error)?;
        Ok(updated
            .into_iter()
            .map(|(object, old)| (object.id, (object, old)))
            .collect())
    }

    /// `batch/create`: every input created, or none — unless every input carries an
    /// `objectWriteTraceId`: then each input is checked on its own, the valid ones are created
    /// and the others reported (207), each error naming its input's trace id, as HubSpot's
    /// multi-status batch create does.
    async fn create(&self) -> Result<Outcome, ApiError> {
        let mut client = self.kit.db().await?;
        let (creates, errors) = match trace_ids(self.inputs) {
            Some(traces) => self.check_each(&client, &traces).await?,
            None => (self.check_whole(&client).await?, Vec::new()),
        };
        let sets: Vec<&Changes> = creates.changes.iter().collect();
        let tx = client.transaction().await?;
        let mut events = Vec::new();
        let created = create_many(&tx, self.object_type, &sets, &creates.links, &mut events)
            .await
            .map_err(write_error)?;
        commit_with(self.kit, tx, &events).await?;
        let view = View::all();
        let results = created
            .iter()
            .zip(&creates.traces)
            .map(|(object, trace)| with_trace(render::render(object, &view), trace.as_deref()))
            .collect();
        Ok((StatusCode::CREATED, results, errors))
    }

    /// Every input of a create checked together: any refusal refuses the batch.
    async fn check_whole(&self, client: &impl GenericClient) -> Result<Creates, ApiError> {
        let mut properties = self.properties()?;
        for input in &mut properties {
            values::default_pipeline(&self.object_type.name, input);
        }
        inherit_products(client, self.object_type, &mut properties).await?;
        let links: Vec<Links> = self
            .inputs
            .iter()
            .map(parse_associations)
            .collect::<Result<_, _>>()?;
        let checked = check_all(client, self.object_type, &properties).await?;
        checked.refuse_taken(client, self.object_type, &[]).await?;
        let sets: Vec<&Changes> = checked.changes.iter().collect();
        require(self.object_type, &sets)?;
        Ok(Creates {
            changes: checked.changes,
            links,
            traces: self
                .inputs
                .iter()
                .map(|input| string_field(input, "objectWriteTraceId"))
                .collect(),
        })
    }

    /// Each input of a create checked on its own (`traces` are their trace ids): the valid
    /// ones, and an error for each of the others.
    async fn check_each(
        &self,
        client: &impl GenericClient,
        traces: &[String],
    ) -> Result<(Creates, Vec<Value>), ApiError> {
        let mut checked = Vec::with_capacity(self.inputs.len());
        for input in self.inputs {
            checked.push(self.check_one(client, input).await);
        }
        let targets: Vec<i64> = checked
            .iter()
            .flatten()
            .flat_map(|(_, links, _)| links.iter().map(|(to, _)| *to))
            .collect();
        let live = assoc::live(client, &targets).await?;
        let mut creates = Creates::default();
        let mut errors = Vec::new();
        // The unique values the inputs accepted so far set: a later input may not repeat one.
        let mut claimed: HashSet<(String, String)> = HashSet::new();
        for (outcome, trace) in checked.into_iter().zip(traces) {
            let missing = match &outcome {
                Ok((_, links, _)) => links.iter().find(|(to, _)| !live.contains_key(to)),
                Err(_) => None,
            };
            if let Some((to, specs)) = missing {
                let kind = assoc::intended_type(client, self.object_type, specs).await?;
                let err = assoc::invalid_objects(&[(kind.as_deref(), *to)]);
                errors.push(traced_error(&err, trace));
                continue;
            }
            let outcome = outcome.and_then(|(changes, links, unique)| {
                let keys: Vec<(String, String)> = changes
                    .iter()
                    .filter(|(name, _)| unique.contains(name))
                    .filter_map(|(name, value)| {
                        Some((name.clone(), model::key(name, value.as_deref()?)))
                    })
                    .collect();
                if let Some((name, key)) = keys.iter().find(|k| claimed.contains(*k)) {
                    return Err(unique::repeated(name, key));
                }
                claimed.extend(keys);
                Ok((changes, links))
            });
            match outcome {
                Ok((changes, links)) => {
                    creates.changes.push(changes);
                    creates.links.push(links);
                    creates.traces.push(Some(trace.clone()));
                }
                Err(err) if err.status().is_client_error() => {
                    errors.push(traced_error(&err, trace))
                }
                Err(err) => return Err(err),
            }
        }
        Ok((creates, errors))
    }

    /// One create input's values, associations and unique properties, checked as a single
    /// create is.
    async fn check_one(
        &self,
        client: &impl GenericClient,
        input: &Value,
    ) -> Result<(Changes, Links, Vec<String>), ApiError> {
        let mut properties = input_properties(input)?;
        values::default_pipeline(&self.object_type.name, &mut properties);
        inherit_products(
            client,
            self.object_type,
            std::slice::from_mut(&mut properties),
        )
        .await?;
        let links = parse_associations(input)?;
        let checked = check_all(client, self.object_type, &[properties]).await?;
        checked
            .refuse_taken(client, self.object_type, &[None])
            .await?;
        let unique = checked.unique;
        let changes = checked.changes.into_iter().next().unwrap_or_default();
        require(self.object_type, &[&changes])?;
        if self.object_type.name == "contacts"
            && let Some((_, Some(email))) = changes.iter().find(|(name, _)| name == "email")
            && let Some(existing) = model::find_by(client, "contacts", "email", email).await?
        {
            return Err(duplicate(existing.id));
        }
        Ok((changes, links, unique))
    }

    /// `batch/read`: by id or `idProperty`; missing ones reported; at most
    /// [`render::MAX_WITH_HISTORY`] inputs with `propertiesWithHistory`.
    async fn read(&self, body: &Value, args: &Args) -> Result<Outcome, ApiError> {
        let history = string_list(body, "propertiesWithHistory")?;
        render::refuse_past_history_bound(&history, self.inputs.len(), true)?;
        let ids: Vec<String> = self
            .inputs
            .iter()
            .map(|input| string_field(input, "id").unwrap_or_default())
            .collect();
        let client = self.kit.db().await?;
        let id_property = string_field(body, "idProperty").filter(|p| p != "hs_object_id");
        let mut found: Vec<Object> = Vec::new();
        let mut absent = Vec::new();
        if let Some(property) = &id_property {
            let values: Vec<&str> = ids.iter().map(String::as_str).collect();
            let by_key =
                model::find_many_by(&client, &self.object_type.name, property, &values).await?;
            for id in &ids {
                match by_key.get(&model::key(property, id)) {
                    Some(object) => found.push(object.clone()),
                    None => absent.push(id.clone()),
                }
            }
        } else {
            let numeric: Vec<i64> = ids.iter().filter_map(|id| parse_id(id)).collect();
            found = model::get_many(
                &client,
                &self.object_type.name,
                &numeric,
                args.flag("archived"),
            )
            .await?;
            absent = ids
                .iter()
                .filter(|id| !parse_id(id).is_some_and(|n| found.iter().any(|o| o.id == n)))
                .cloned()
                .collect();
        }
        let view = View::resolve(
            &client,
            self.object_type,
            &string_list(body, "properties")?,
            &history,
            &[],
        )
        .await?;
        let results = render::render_all(&client, &found, &view).await?;
        Ok((StatusCode::OK, results, missing(self.object_type, &absent)))
    }

    /// `batch/update`: by id or `idProperty`; missing ones reported.
    async fn update(&self) -> Result<Outcome, ApiError> {
        let properties = self.properties()?;
        let keys: Vec<Key> = self
            .inputs
            .iter()
            .map(|input| {
                let property = string_field(input, "idProperty").filter(|p| p != "hs_object_id");
                (property, string_field(input, "id").unwrap_or_default())
            })
            .collect();
        let mut client = self.kit.db().await?;
        let checked = check_all(&client, self.object_type, &properties).await?;
        let tx = client.transaction().await?;
        let ids = self.resolve(&tx, &keys).await?;
        // Only the inputs that name an object write anything.
        let (found, changes): (Vec<Option<i64>>, Vec<Changes>) = ids
            .iter()
            .zip(&checked.changes)
            .filter(|(id, _)| id.is_some())
            .map(|(id, changes)| (*id, changes.clone()))
            .unzip();
        let writes = Checked {
            changes,
            unique: checked.unique,
        };
        writes.refuse_taken(&tx, self.object_type, &found).await?;
        let changes = checked.changes;
        refuse_repeats(
            ids.iter()
                .zip(&keys)
                .filter_map(|(id, (_, raw))| Some((id.as_ref()?, raw.clone()))),
        )?;
        let updated = self.update_found(&tx, &ids, &changes).await?;
        let mut events = Vec::new();
        let mut results = Vec::with_capacity(self.inputs.len());
        let mut absent = Vec::new();
        for (((id, changes), (_, raw)), input) in
            ids.iter().zip(&changes).zip(&keys).zip(self.inputs)
        {
            match id.and_then(|id| updated.get(&id)) {
                Some((object, old)) => {
                    change_events(self.object_type, object.id, changes, old, &mut events);
                    results.push(traced(render::render(object, &View::all()), input));
                }
                None => absent.push(raw.clone()),
            }
        }
        commit_with(self.kit, tx, &events).await?;
        Ok((StatusCode::OK, results, missing(self.object_type, &absent)))
    }

    /// `batch/upsert`: by a unique `idProperty`, created when absent.
    async fn upsert(&self) -> Result<Outcome, ApiError> {
        let mut properties = Vec::with_capacity(self.inputs.len());
        let mut keys: Vec<Key> = Vec::with_capacity(self.inputs.len());
        for input in self.inputs {
            let property = string_field(input, "idProperty")
                .ok_or_else(|| ApiError::validation("each upsert input needs idProperty"))?;
            let id = string_field(input, "id")
                .ok_or_else(|| ApiError::validation("each upsert input needs id"))?;
            let mut map = input_properties(input)?;
            if property != "hs_object_id" {
                map.entry(property.clone())
                    .or_insert(Value::String(id.clone()));
            }
            properties.push(map);
            keys.push((Some(property), id));
        }
        refuse_repeats(keys.iter().map(|(property, id)| {
            let property = property.as_deref().unwrap_or_default();
            ((property, model::key(property, id)), id.clone())
        }))?;
        let mut client = self.kit.db().await?;
        let mut names: Vec<&str> = keys.iter().filter_map(|(p, _)| p.as_deref()).collect();
        names.sort_unstable();
        names.dedup();
        let defs = values::definitions(&client, &self.object_type.name, &names).await?;
        if let Some(bad) = names
            .iter()
            .find(|p| !defs.get(**p).is_some_and(|d| d.unique))
        {
            return Err(ApiError::validation(format!(
                "{bad} is not a unique property of {}",
                self.object_type.name
            )));
        }
        let checked = check_all(&client, self.object_type, &properties).await?;
        let tx = client.transaction().await?;
        // Concurrent upserts of one value wait for each other: the second finds the object the
        // first created rather than creating it again.
        let scopes: Vec<String> = keys
            .iter()
            .map(|(property, id)| {
                let property = property.as_deref().unwrap_or_default();
                names::value(&self.object_type.name, property, &model::key(property, id))
            })
            .collect();
        names::lock(&tx, &scopes).await?;
        let ids = self.resolve(&tx, &keys).await?;
        checked.refuse_taken(&tx, self.object_type, &ids).await?;
        let changes = checked.changes;
        let mut updated = self.update_found(&tx, &ids, &changes).await?;
        let sets: Vec<&Changes> = ids
            .iter()
            .zip(&changes)
            .filter_map(|(id, changes)| id.is_none().then_some(changes))
            .collect();
        require(self.object_type, &sets)?;
        let mut events = Vec::new();
        let mut created = create_many(&tx, self.object_type, &sets, &[], &mut events)
            .await
            .map_err(write_error)?
            .into_iter();
        let mut results = Vec::with_capacity(self.inputs.len());
        for ((id, changes), input) in ids.iter().zip(&changes).zip(self.inputs) {
            let (object, new) = match id {
                Some(id) => {
                    let (object, old) = updated.remove(id).ok_or_else(ApiError::not_found)?;
                    change_events(self.object_type, object.id, changes, &old, &mut events);
                    (object, false)
                }
                None => (created.next().ok_or_else(ApiError::not_found)?, true),
            };
            let mut rendered = traced(render::render(&object, &View::all()), input);
            rendered["new"] = json!(new);
            results.push(rendered);
        }
        commit_with(self.kit, tx, &events).await?;
        Ok((StatusCode::OK, results, Vec::new()))
    }
}
