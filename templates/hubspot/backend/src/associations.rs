//! Associations v4: per-object create (labelled or default), list and remove; batch create,
//! default, read, archive and label archive. Labels (definitions) per pair are in `labels`,
//! routed here under both paths HubSpot serves them on. Associations v3: batch read, create
//! and archive by type name, and the pair's types.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use crate::assoc::{self, AssociationType, Spec};
use crate::error::{ApiError, ApiResult};
use crate::labels;
use crate::objects::render::{self, next_after};
use crate::objects::{
    batch_answer, batch_body, batch_error, batch_inputs, batch_inputs_up_to, commit_with, now,
    pair, parse_id,
};
use crate::request::{Args, Call, JsonBody, after, string_field};
use crate::types::{ObjectType, Type};
use crate::webhooks::{Event, Kind};

/// The v4 association routes.
pub(crate) fn routes() -> Router<Kit> {
    let objects = "/crm/v4/objects/{from}/{from_id}/associations";
    let pairs = "/crm/v4/associations/{from}/{to}";
    Router::new()
        .route(&format!("{objects}/{{to}}"), get(list))
        .route(
            &format!("{objects}/{{to}}/{{to_id}}"),
            put(create).delete(remove),
        )
        .route(
            &format!("{objects}/default/{{to}}/{{to_id}}"),
            put(create_default),
        )
        .route(&format!("{pairs}/batch/create"), post(batch_create))
        .route(
            &format!("{pairs}/batch/associate/default"),
            post(batch_default),
        )
        .route(&format!("{pairs}/batch/read"), post(batch_read))
        .route(&format!("{pairs}/batch/archive"), post(batch_archive))
        .route(
            &format!("{pairs}/batch/labels/archive"),
            post(batch_archive_labels),
        )
        .merge(label_routes(pairs))
        .merge(label_routes("/crm/associations/v4/{from}/{to}"))
        .merge(v3_routes())
}

/// The v3 association routes: batch read, create and archive by v3 type name
/// (`contact_to_company`), and the pair's types.
fn v3_routes() -> Router<Kit> {
    let pairs = "/crm/v3/associations/{from}/{to}";
    Router::new()
        .route(&format!("{pairs}/batch/read"), post(v3_batch_read))
        .route(&format!("{pairs}/batch/create"), post(v3_batch_create))
        .route(&format!("{pairs}/batch/archive"), post(v3_batch_archive))
        .route(&format!("{pairs}/types"), get(v3_types))
}

/// The label (definition) routes under `base`: HubSpot serves them both under the v4
/// associations path and under the schema API's `/crm/associations/v4/…` path.
fn label_routes(base: &str) -> Router<Kit> {
    Router::new()
        .route(
            &format!("{base}/labels"),
            get(labels::list).post(labels::create).put(labels::update),
        )
        .route(
            &format!("{base}/labels/{{type_id}}"),
            axum::routing::delete(labels::delete),
        )
}

fn id_of(text: &str) -> Result<i64, ApiError> {
    parse_id(text).ok_or_else(ApiError::not_found)
}

/// Two objects an association joins.
#[derive(Debug, Clone)]
struct Edge {
    from: Type,
    from_id: i64,
    to: Type,
    to_id: i64,
}

impl Edge {
    /// The edge a path names (`{from}/{from_id}` to `{to}/{to_id}`), after the write gate.
    async fn of_path(call: &Call) -> Result<Self, ApiError> {
        let (from, to) = pair(call, true).await?;
        Ok(Self {
            from,
            from_id: id_of(call.param("from_id"))?,
            to,
            to_id: id_of(call.param("to_id"))?,
        })
    }

    /// `{fromObjectTypeId, fromObjectId, toObjectTypeId, toObjectId, labels}`.
    fn labels(&self, written: &[AssociationType]) -> Value {
        let labels: Vec<&str> = written.iter().filter_map(|t| t.label.as_deref()).collect();
        json!({
            "fromObjectTypeId": self.from.type_id, "fromObjectId": self.from_id,
            "toObjectTypeId": self.to.type_id, "toObjectId": self.to_id, "labels": labels,
        })
    }

    /// A default association in the v4 batch shape, one entry per type written.
    fn defaults(&self, written: &[AssociationType]) -> Vec<Value> {
        written
            .iter()
            .map(|t| {
                json!({
                    "from": { "id": self.from_id.to_string() },
                    "to": { "id": self.to_id.to_string() },
                    "associationSpec": { "associationCategory": t.category, "associationTypeId": t.type_id },
                })
            })
            .collect()
    }

    /// The association events of a write, from both sides.
    fn events(&self, written: &[Spec], removed: bool, out: &mut Vec<Event>) {
        let sides = [
            (&self.from, self.from_id, &self.to, self.to_id),
            (&self.to, self.to_id, &self.from, self.from_id),
        ];
        for (category, type_id) in written {
            for (kind, from, to_kind, to) in sides {
                out.push(Event::Association {
                    kind: Kind::of(kind),
                    to_kind: Kind::of(to_kind),
                    from,
                    to,
                    type_id: *type_id,
                    category: category.clone(),
                    removed,
                });
            }
        }
    }

    /// Writes the association types `specs` (the defaults when empty) and records their
    /// events.
    async fn associate(
        &self,
        client: &impl GenericClient,
        specs: &[Spec],
        out: &mut Vec<Event>,
    ) -> Result<Vec<AssociationType>, ApiError> {
        let written = assoc::associate(
            client,
            &self.from,
            self.from_id,
            &self.to,
            self.to_id,
            specs,
        )
        .await?;
        let specs: Vec<Spec> = written
            .iter()
            .map(|t| (t.category.clone(), t.type_id))
            .collect();
        self.events(&specs, false, out);
        Ok(written)
    }

    /// [`Edge::associate`] in a transaction of its own, its events queued.
    async fn associate_alone(
        &self,
        kit: &Kit,
        specs: &[Spec],
    ) -> Result<Vec<AssociationType>, ApiError> {
        let mut client = kit.db().await?;
        let tx = client.transaction().await?;
        let mut out = Vec::new();
        let written = self.associate(&tx, specs, &mut out).await?;
        commit_with(kit, tx, &out).await?;
        Ok(written)
    }

    /// Removes the association types `specs` (every one when `None`) and records their
    /// events.
    async fn dissociate(
        &self,
        client: &impl GenericClient,
        specs: Option<&[Spec]>,
        out: &mut Vec<Event>,
    ) -> Result<(), ApiError> {
        let removed = assoc::dissociate(client, self.from_id, self.to_id, specs).await?;
        self.events(&removed, true, out);
        Ok(())
    }
}

/// `PUT /crm/v4/objects/{type}/{id}/associations/{to}/{to_id}` with `[{associationCategory,
/// associationTypeId}]`.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let edge = Edge::of_path(&call).await?;
    let specs = assoc::parse_specs(&body)?;
    if specs.is_empty() {
        return Err(ApiError::validation(
            "at least one association type is required",
        ));
    }
    let written = edge.associate_alone(&call.kit, &specs).await?;
    Ok((StatusCode::CREATED, axum::Json(edge.labels(&written))).into_response())
}

/// `PUT /crm/v4/objects/{type}/{id}/associations/default/{to}/{to_id}`.
async fn create_default(call: Call) -> ApiResult {
    let started_at = now();
    let edge = Edge::of_path(&call).await?;
    let written = edge.associate_alone(&call.kit, &[]).await?;
    let results = edge.defaults(&written);
    Ok(axum::Json(batch_body(results, Vec::new(), &started_at)).into_response())
}

/// `DELETE /crm/v4/objects/{type}/{id}/associations/{to}/{to_id}`: every type between them.
async fn remove(call: Call) -> ApiResult {
    let edge = Edge::of_path(&call).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let mut out = Vec::new();
    edge.dissociate(&tx, None, &mut out).await?;
    commit_with(&call.kit, tx, &out).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `[{toObjectId, associationTypes: [{category, typeId, label}]}]`.
fn associated(grouped: &[(i64, Vec<AssociationType>)]) -> Vec<Value> {
    grouped
        .iter()
        .map(|(to_id, kinds)| {
            json!({
                "toObjectId": to_id,
                "associationTypes": kinds.iter().map(AssociationType::spec).collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// A page of `from_id`'s associations to `to`, and the next cursor.
async fn page(
    client: &impl GenericClient,
    from_id: i64,
    to: &ObjectType,
    after_id: Option<&str>,
    limit: i64,
) -> Result<(Vec<Value>, Option<String>), ApiError> {
    let after_id = after(after_id)?;
    let mut grouped = assoc::list(client, from_id, &to.name, after_id, limit).await?;
    let next = next_after(&mut grouped, limit, |(id, _)| id.to_string());
    Ok((associated(&grouped), next))
}

/// `GET /crm/v4/objects/{type}/{id}/associations/{to}` (`limit` ≤ 500, `after`).
async fn list(call: Call, args: Args) -> ApiResult {
    let (from, to) = pair(&call, false).await?;
    let from_id = id_of(call.param("from_id"))?;
    let limit = args.limit(500, 500)?;
    let client = call.kit.db().await?;
    let (results, next) = page(&client, from_id, &to, args.get("after"), limit).await?;
    let link = format!(
        "{}/crm/v4/objects/{}/{from_id}/associations/{}",
        call.kit.config().public_url,
        from.name,
        to.name
    );
    Ok(axum::Json(render::page(results, next, &link)).into_response())
}

fn input_id(input: &Value, side: &str) -> Option<i64> {
    input
        .get(side)
        .and_then(|v| string_field(v, "id"))
        .and_then(|id| parse_id(&id))
}

/// An input's edge (`from.id` to `to.id`) between the path's types.
fn input_edge((from, to): &(Type, Type), input: &Value) -> Result<Edge, ApiError> {
    let (Some(from_id), Some(to_id)) = (input_id(input, "from"), input_id(input, "to")) else {
        return Err(ApiError::validation("each input needs from.id and to.id"));
    };
    Ok(Edge {
        from: from.clone(),
        from_id,
        to: to.clone(),
        to_id,
    })
}

/// `POST /crm/v4/associations/{from}/{to}/batch/create`: labelled associations; inputs whose
/// objects do not exist are reported in a 207.
async fn batch_create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    batch_write(call, body, false).await
}

/// `POST /crm/v4/associations/{from}/{to}/batch/associate/default`.
async fn batch_default(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    batch_write(call, body, true).await
}

async fn batch_write(call: Call, body: Value, default: bool) -> ApiResult {
    let started_at = now();
    let types = pair(&call, true).await?;
    let inputs = batch_inputs(&body)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let (mut results, mut errors, mut out) = (Vec::new(), Vec::new(), Vec::new());
    for input in inputs {
        let edge = input_edge(&types, input)?;
        let specs = if default {
            Vec::new()
        } else {
            assoc::parse_specs(&input["types"])?
        };
        match edge.associate(&tx, &specs, &mut out).await {
            Ok(written) if default => results.extend(edge.defaults(&written)),
            Ok(written) => results.push(edge.labels(&written)),
            Err(err) if assoc::names_invalid_objects(&err) => errors.push(batch_error(&err)),
            Err(err) => return Err(err),
        }
    }
    commit_with(&call.kit, tx, &out).await?;
    let status = match (errors.is_empty(), default) {
        (false, _) => StatusCode::MULTI_STATUS,
        (true, true) => StatusCode::OK,
        (true, false) => StatusCode::CREATED,
    };
    Ok((status, axum::Json(batch_body(results, errors, &started_at))).into_response())
}

/// Most ids in one association batch read: HubSpot's limit since February 2025 (its changelog
/// "Batch Read Limit for HubSpot Associations API"); the other association batches take 100.
const MAX_READ_INPUTS: usize = 1000;

/// `POST /crm/v4/associations/{from}/{to}/batch/read` `{inputs: [{id, after?}]}`.
async fn batch_read(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let started_at = now();
    let (_, to) = pair(&call, false).await?;
    let inputs = batch_inputs_up_to(&body, MAX_READ_INPUTS)?;
    let client = call.kit.db().await?;
    let (mut results, mut missing) = (Vec::new(), Vec::new());
    for input in inputs {
        let raw = string_field(input, "id").unwrap_or_default();
        let Some(id) = parse_id(&raw) else {
            missing.push(raw);
            continue;
        };
        let after = string_field(input, "after");
        let (associated, next) = page(&client, id, &to, after.as_deref(), 500).await?;
        if associated.is_empty() && after.is_none() {
            missing.push(raw);
            continue;
        }
        let mut result = json!({ "from": { "id": raw }, "to": associated });
        if let Some(next) = next {
            result["paging"] = json!({ "next": { "after": next } });
        }
        results.push(result);
    }
    Ok(read_answer(&to, results, &missing, &started_at))
}

/// A batch read's answer: 200, or 207 with one error naming the ids in `missing` (those with
/// no association to `to`).
fn read_answer(
    to: &ObjectType,
    results: Vec<Value>,
    missing: &[String],
    started_at: &str,
) -> axum::response::Response {
    if missing.is_empty() {
        return axum::Json(batch_body(results, Vec::new(), started_at)).into_response();
    }
    let err = ApiError::missing(format!(
        "No {} is associated with {}",
        to.name,
        missing.join(", ")
    ))
    .with("context", json!({ "fromObjectId": missing }));
    let body = batch_body(results, vec![batch_error(&err)], started_at);
    (StatusCode::MULTI_STATUS, axum::Json(body)).into_response()
}

/// `POST /crm/v4/associations/{from}/{to}/batch/archive` `{inputs: [{from: {id}, to: [{id}]}]}`.
async fn batch_archive(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let (from, to) = pair(&call, true).await?;
    let inputs = batch_inputs(&body)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let mut out = Vec::new();
    for input in inputs {
        let Some(from_id) = input_id(input, "from") else {
            return Err(ApiError::validation("each input needs from.id"));
        };
        let targets: Vec<i64> = match &input["to"] {
            Value::Array(items) => items
                .iter()
                .filter_map(|t| string_field(t, "id").and_then(|id| parse_id(&id)))
                .collect(),
            other => string_field(other, "id")
                .and_then(|id| parse_id(&id))
                .into_iter()
                .collect(),
        };
        for to_id in targets {
            let edge = Edge {
                from: from.clone(),
                from_id,
                to: to.clone(),
                to_id,
            };
            edge.dissociate(&tx, None, &mut out).await?;
        }
    }
    commit_with(&call.kit, tx, &out).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /crm/v4/associations/{from}/{to}/batch/labels/archive`: removes only the given types.
async fn batch_archive_labels(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let types = pair(&call, true).await?;
    let inputs = batch_inputs(&body)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let mut out = Vec::new();
    for input in inputs {
        let edge = input_edge(&types, input)?;
        let specs = assoc::parse_specs(&input["types"])?;
        edge.dissociate(&tx, Some(&specs), &mut out).await?;
    }
    commit_with(&call.kit, tx, &out).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /crm/v3/associations/{from}/{to}/types`: `{results: [{id, name}]}`.
async fn v3_types(call: Call) -> ApiResult {
    let (from, to) = pair(&call, false).await?;
    let client = call.kit.db().await?;
    let results: Vec<Value> = assoc::types_between(&client, &from.name, &to.name)
        .await?
        .iter()
        .filter(|t| !t.name.is_empty())
        .map(|t| json!({ "id": t.type_id.to_string(), "name": t.name }))
        .collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `POST /crm/v3/associations/{from}/{to}/batch/read` `{inputs: [{id}]}`: `{from: {id}, to:
/// [{id, type}]}` per id with associations; the others reported in a 207.
async fn v3_batch_read(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let started_at = now();
    let (_, to) = pair(&call, false).await?;
    let inputs = batch_inputs_up_to(&body, MAX_READ_INPUTS)?;
    let raw: Vec<String> = inputs
        .iter()
        .map(|input| string_field(input, "id").unwrap_or_default())
        .collect();
    let ids: Vec<i64> = raw.iter().filter_map(|id| parse_id(id)).collect();
    let client = call.kit.db().await?;
    let mut found: std::collections::HashMap<i64, Vec<Value>> = std::collections::HashMap::new();
    for (from_id, _, to_id, name) in assoc::v3(&client, &ids, &[to.name.to_string()]).await? {
        let entry = json!({ "id": to_id.to_string(), "type": name });
        let targets = found.entry(from_id).or_default();
        if !targets.contains(&entry) {
            targets.push(entry);
        }
    }
    let (mut results, mut missing) = (Vec::new(), Vec::new());
    for id in raw {
        match parse_id(&id).and_then(|n| found.remove(&n)) {
            Some(targets) => results.push(json!({ "from": { "id": id }, "to": targets })),
            None => missing.push(id),
        }
    }
    Ok(read_answer(&to, results, &missing, &started_at))
}

/// The pair's association type whose v3 name is an input's `type`.
fn v3_spec(known: &[AssociationType], input: &Value) -> Result<(Spec, String), ApiError> {
    let name = string_field(input, "type")
        .ok_or_else(|| ApiError::validation("each input needs a type"))?;
    known
        .iter()
        .find(|t| t.name == name)
        .map(|t| ((t.category.clone(), t.type_id), name.clone()))
        .ok_or_else(|| ApiError::validation(format!("{name} is not a valid association type")))
}

/// `POST /crm/v3/associations/{from}/{to}/batch/create` `{inputs: [{from: {id}, to: {id},
/// type}]}`: inputs whose objects do not exist are reported in a 207.
async fn v3_batch_create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let started_at = now();
    let types = pair(&call, true).await?;
    let inputs = batch_inputs(&body)?;
    let mut client = call.kit.db().await?;
    let known = assoc::types_between(&client, &types.0.name, &types.1.name).await?;
    let tx = client.transaction().await?;
    let (mut results, mut errors, mut out) = (Vec::new(), Vec::new(), Vec::new());
    for input in inputs {
        let edge = input_edge(&types, input)?;
        let (spec, name) = v3_spec(&known, input)?;
        match edge.associate(&tx, &[spec], &mut out).await {
            Ok(_) => results.push(json!({
                "from": { "id": edge.from_id.to_string() },
                "to": { "id": edge.to_id.to_string() },
                "type": name,
            })),
            Err(err) if assoc::names_invalid_objects(&err) => errors.push(batch_error(&err)),
            Err(err) => return Err(err),
        }
    }
    commit_with(&call.kit, tx, &out).await?;
    Ok(batch_answer(
        StatusCode::CREATED,
        results,
        errors,
        &started_at,
    ))
}

/// `POST /crm/v3/associations/{from}/{to}/batch/archive` `{inputs: [{from: {id}, to: {id},
/// type}]}`: removes that type only.
async fn v3_batch_archive(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let types = pair(&call, true).await?;
    let inputs = batch_inputs(&body)?;
    let mut client = call.kit.db().await?;
    let known = assoc::types_between(&client, &types.0.name, &types.1.name).await?;
    let tx = client.transaction().await?;
    let mut out = Vec::new();
    for input in inputs {
        let edge = input_edge(&types, input)?;
        let (spec, _) = v3_spec(&known, input)?;
        edge.dissociate(&tx, Some(&[spec]), &mut out).await?;
    }
    commit_with(&call.kit, tx, &out).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
