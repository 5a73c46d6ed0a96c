//! CRM v3 objects, one engine for all seventeen types: create, read (by id or `idProperty`),
//! update, archive, list, merge and GDPR delete here; batch in `batch`, search in `search`.

mod batch;
pub(crate) use batch::{inputs as batch_inputs, inputs_up_to as batch_inputs_up_to};
pub(crate) mod model;
pub(crate) mod render;
pub(crate) mod search;
mod unique;
pub(crate) use unique::Checked;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use crate::assoc;
use crate::error::{ApiError, ApiResult};
use crate::names;
use crate::request::{Args, Call, JsonBody, after, array_field, string_field};
use crate::types::{self, ObjectType, Type, Write};
use crate::values::{self, Changes};
use crate::webhooks::{self, Event, Kind};
use model::{Object, WriteError};
use render::View;

/// The object routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/objects/{type}", get(list).post(create))
        .route("/crm/v3/objects/{type}/search", post(search::search))
        .route("/crm/v3/objects/{type}/merge", post(merge))
        .route("/crm/v3/objects/{type}/gdpr-delete", post(gdpr_delete))
        .route(
            "/crm/v3/objects/{type}/batch/{operation}",
            post(batch::batch),
        )
        .route(
            "/crm/v3/objects/{type}/{id}",
            get(read).patch(update).delete(archive),
        )
}

/// The type the path's `{type}` names, after checking the caller may read it (or write it).
pub(crate) async fn gate(call: &Call, write: bool) -> Result<Type, ApiError> {
    call.gate("type", |object_type| Ok(object_type.scope(write)))
        .await
}

/// [`gate`] for a write of `kind`, refused on types whose API does not make it
/// ([`ObjectType::refuse`]).
pub(crate) async fn gate_write(call: &Call, kind: Write) -> Result<Type, ApiError> {
    let object_type = gate(call, true).await?;
    object_type.refuse(kind)?;
    Ok(object_type)
}

/// The path's `{from}` and `{to}` types, after checking the caller may read both (and write
/// `from` when `write`).
pub(crate) async fn pair(call: &Call, write: bool) -> Result<(Type, Type), ApiError> {
    call.gate_pair(|from, to| {
        let mut scopes = vec![from.read_scope, to.read_scope];
        if write {
            scopes.push(from.write_scope);
        }
        scopes.dedup();
        scopes
    })
    .await
}

/// A numeric object id, or `None`.
pub(crate) fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|id| *id > 0)
}

/// The `properties` object of an input.
///
/// # Errors
///
/// 400 when it is not an object.
pub(crate) fn input_properties(input: &Value) -> Result<Map<String, Value>, ApiError> {
    if !input.is_object() {
        return Err(ApiError::validation(
            "Invalid input JSON: each input must be an object with properties",
        ));
    }
    match input.get("properties") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(_) => Err(ApiError::validation(
            "Invalid input JSON: properties must be an object of property names to values",
        )),
    }
}

/// Checks several inputs' properties against the type's definitions (one query for all);
/// [`Checked::refuse_taken`] then checks the unique ones against other objects.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` naming every invalid value.
pub(crate) async fn check_all(
    client: &impl GenericClient,
    object_type: &ObjectType,
    inputs: &[Map<String, Value>],
) -> Result<Checked, ApiError> {
    let mut names: Vec<&str> = inputs
        .iter()
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    let defs = values::definitions(client, &object_type.name, &names).await?;
    let mut all = Vec::with_capacity(inputs.len());
    let mut invalid = Vec::new();
    for input in inputs {
        match values::check(&defs, input) {
            Ok(changes) => all.push(changes),
            Err(errors) => invalid.extend(errors),
        }
    }
    if !invalid.is_empty() {
        return Err(values::invalid_error(&invalid));
    }
    values::check_stages(client, &object_type.name, &all).await?;
    if object_type.name == "emails" {
        all.iter_mut().for_each(values::derive_email_headers);
    }
    let unique = defs
        .into_iter()
        .filter_map(|(name, def)| def.unique.then_some(name))
        .collect();
    Ok(Checked {
        changes: all,
        unique,
    })
}

/// What a line item takes from the product it names (`hs_product_id`) when it sets none.
const FROM_PRODUCT: [&str; 4] = ["name", "price", "description", "hs_sku"];

/// Line item creates that name a product (`hs_product_id`) take its name, price,
/// description and SKU where they set none, as HubSpot's line items do. One statement, and
/// only for line items that name one.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn inherit_products(
    client: &impl GenericClient,
    object_type: &ObjectType,
    inputs: &mut [Map<String, Value>],
) -> Result<(), ApiError> {
    let product_of = |input: &Map<String, Value>| {
        let id = match input.get("hs_product_id")? {
            Value::String(s) => s.trim().parse().ok(),
            Value::Number(n) => n.as_i64(),
            _ => None,
        };
        id.filter(|id| *id > 0)
    };
    if object_type.name != "line_items" {
        return Ok(());
    }
    let ids: Vec<i64> = inputs.iter().filter_map(product_of).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let products = model::get_many(client, "products", &ids, false).await?;
    for input in inputs.iter_mut() {
        let Some(product) = product_of(input).and_then(|id| products.iter().find(|p| p.id == id))
        else {
            continue;
        };
        for name in FROM_PRODUCT {
            if let Some(value) = product.properties.get(name) {
                input.entry(name).or_insert_with(|| value.clone());
            }
        }
    }
    Ok(())
}

/// HubSpot's 400 when creates leave out a property their type requires (the engagements'
/// `hs_timestamp`): `sets` are the creates' checked values.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` naming the missing properties in `context.properties`.
pub(crate) fn require(object_type: &ObjectType, sets: &[&Changes]) -> Result<(), ApiError> {
    let missing: Vec<&str> = object_type
        .required
        .iter()
        .filter(|name| {
            sets.iter()
                .any(|changes| !changes.iter().any(|(n, v)| n == name && v.is_some()))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ApiError::validation(format!(
        "Error creating {}. Some required properties were not set.",
        object_type.singular.to_uppercase()
    ))
    .with("context", json!({ "properties": missing })))
}

/// Refuses creates of a type with [`ObjectType::anchors`] (leads) that `links` (one entry a
/// create, none past its end) do not associate with a live object of one of those types, as
/// HubSpot's leads guide requires. No statement for any other type.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` (the clone's text: HubSpot's is not documented); the statement's
/// error.
async fn require_anchor(
    client: &impl GenericClient,
    object_type: &ObjectType,
    count: usize,
    links: &[Links],
) -> Result<(), ApiError> {
    let anchors = object_type.anchors();
    if anchors.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = links.iter().flatten().map(|(id, _)| *id).collect();
    let live = assoc::live(client, &ids).await?;
    let anchored = |links: Option<&Links>| {
        links.is_some_and(|links| {
            links.iter().any(|(id, _)| {
                live.get(id)
                    .is_some_and(|to| anchors.contains(&to.as_str()))
            })
        })
    };
    if (0..count).all(|i| anchored(links.get(i))) {
        return Ok(());
    }
    let singular = object_type.singular.to_uppercase();
    Err(ApiError::validation(format!(
        "Error creating {singular}. A {} must be associated with an existing contact or company.",
        object_type.singular
    ))
    .with("context", json!({ "toObjectTypes": anchors })))
}

/// HubSpot's 409 for a duplicate contact email.
pub(crate) fn duplicate(existing: i64) -> ApiError {
    ApiError::conflict(format!("Contact already exists. Existing ID: {existing}"))
}

/// Maps a write's refusal to HubSpot's error.
pub(crate) fn write_error(err: WriteError) -> ApiError {
    match err {
        WriteError::Duplicate(id) => duplicate(id),
        WriteError::Api(err) => err,
    }
}

/// The `associations` of a create input: `[{to: {id}, types: [...]}]`.
pub(crate) fn parse_associations(input: &Value) -> Result<Links, ApiError> {
    array_field(input, "associations")?
        .iter()
        .map(|item| {
            let to = item
                .get("to")
                .and_then(|to| string_field(to, "id"))
                .and_then(|id| parse_id(&id))
                .ok_or_else(|| ApiError::validation("each association needs to.id"))?;
            Ok((to, assoc::parse_specs(&item["types"])?))
        })
        .collect()
}

/// What a create input asks to associate the new object with: `(to id, types)`.
pub(crate) type Links = Vec<(i64, Vec<assoc::Spec>)>;

/// Creates one object per entry of `sets` with the associations of the same entry of `links`
/// (none past its end) in `client`'s transaction, in a constant number of statements;
/// records their events in `events`.
///
/// # Errors
///
/// [`WriteError`].
pub(crate) async fn create_many(
    client: &impl GenericClient,
    object_type: &ObjectType,
    sets: &[&Changes],
    links: &[Links],
    events: &mut Vec<Event>,
) -> Result<Vec<Object>, WriteError> {
    let objects = model::insert_many(client, object_type, sets).await?;
    let pairs: Vec<(i64, i64, &[assoc::Spec])> = objects
        .iter()
        .zip(links)
        .flat_map(|(object, links)| {
            links
                .iter()
                .map(|(to_id, specs)| (object.id, *to_id, specs.as_slice()))
        })
        .collect();
    assoc::associate_new(client, object_type, &pairs).await?;
    require_anchor(client, object_type, sets.len(), links).await?;
    for (object, changes) in objects.iter().zip(sets) {
        events.push(Event::Creation {
            kind: Kind::of(object_type),
            id: object.id,
        });
        for (name, value) in *changes {
            events.push(Event::PropertyChange {
                kind: Kind::of(object_type),
                id: object.id,
                name: name.clone(),
                value: value.clone().unwrap_or_default(),
            });
        }
    }
    Ok(objects)
}

/// The property-change events of an update (values that differ from `old`).
pub(crate) fn change_events(
    object_type: &ObjectType,
    id: i64,
    changes: &Changes,
    old: &Map<String, Value>,
    events: &mut Vec<Event>,
) {
    for (name, value) in changes {
        let before = old.get(name).and_then(Value::as_str);
        if before != value.as_deref() {
            events.push(Event::PropertyChange {
                kind: Kind::of(object_type),
                id,
                name: name.clone(),
                value: value.clone().unwrap_or_default(),
            });
        }
    }
}

/// Commits `tx` and wakes the webhook worker when events were queued.
pub(crate) async fn commit_with(
    kit: &Kit,
    tx: asym_kit::deadpool_postgres::Transaction<'_>,
    events: &[Event],
) -> Result<(), ApiError> {
    let queued = webhooks::emit(&tx, events).await?;
    tx.commit().await?;
    if queued {
        kit.wake_outbox();
    }
    Ok(())
}

/// `POST /crm/v3/objects/{type}`.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate_write(&call, Write::Create).await?;
    let mut properties = input_properties(&body)?;
    values::default_pipeline(&object_type.name, &mut properties);
    let associations = parse_associations(&body)?;
    let mut client = call.kit.db().await?;
    inherit_products(&client, &object_type, std::slice::from_mut(&mut properties)).await?;
    // Both reads in one round trip (tokio-postgres pipelines them on the connection).
    let (changes, listened) = tokio::try_join!(
        check_all(&client, &object_type, std::slice::from_ref(&properties)),
        webhooks::listened(&client, &object_type),
    )?;
    changes.refuse_taken(&client, &object_type, &[None]).await?;
    let changes = changes.changes.into_iter().next().unwrap_or_default();
    require(&object_type, &[&changes])?;
    let mut created = if listened || !associations.is_empty() || !object_type.anchors().is_empty() {
        let tx = client.transaction().await?;
        let mut events = Vec::new();
        let created = create_many(&tx, &object_type, &[&changes], &[associations], &mut events)
            .await
            .map_err(write_error)?;
        commit_with(&call.kit, tx, &events).await?;
        created
    } else {
        // One statement: atomic without a transaction, and nobody to tell.
        model::insert_many(&client, &object_type, &[&changes])
            .await
            .map_err(write_error)?
    };
    let object = created.pop().ok_or_else(ApiError::not_found)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(render::render(&object, &View::all())),
    )
        .into_response())
}

/// The object a path id names: by id, or by `idProperty` (a unique property, e.g. email).
async fn locate(
    client: &impl GenericClient,
    object_type: &ObjectType,
    id: &str,
    args: &Args,
) -> Result<Object, ApiError> {
    let found = match args.get("idProperty").filter(|p| !p.is_empty()) {
        Some(property) if property != "hs_object_id" => {
            let defs = values::definitions(client, &object_type.name, &[property]).await?;
            if !defs.get(property).is_some_and(|d| d.unique) {
                return Err(ApiError::validation(format!(
                    "{property} is not a unique property of {}",
                    object_type.name
                )));
            }
            model::find_by(client, &object_type.name, property, id).await?
        }
        _ => match parse_id(id) {
            Some(id) => model::get(client, &object_type.name, id, args.flag("archived")).await?,
            // HubSpot's words (two spaces and all) for an id that is not a number.
            None => {
                return Err(
                    ApiError::missing("Object not found.  objectId are usually numeric.")
                        .with("context", json!({ "id": [id] })),
                );
            }
        },
    };
    found.ok_or_else(ApiError::not_found)
}

/// `GET /crm/v3/objects/{type}/{id}`.
async fn read(call: Call, args: Args) -> ApiResult {
    let object_type = gate(&call, false).await?;
    let client = call.kit.db().await?;
    let object = locate(&client, &object_type, call.param("id"), &args).await?;
    let view = View::asked(&client, &object_type, &args).await?;
    let mut rendered = render::render_all(&client, &[object], &view).await?;
    Ok(axum::Json(rendered.pop().unwrap_or_default()).into_response())
}

/// `PATCH /crm/v3/objects/{type}/{id}`.
async fn update(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate_write(&call, Write::Update).await?;
    let mut client = call.kit.db().await?;
    let id = locate(&client, &object_type, call.param("id"), &args)
        .await?
        .id;
    let properties = input_properties(&body)?;
    let checked = check_all(&client, &object_type, &[properties]).await?;
    checked
        .refuse_taken(&client, &object_type, &[Some(id)])
        .await?;
    let changes = checked.changes.into_iter().next().unwrap_or_default();
    let tx = client.transaction().await?;
    let (object, old) = model::update(&tx, &object_type.name, id, &changes)
        .await
        .map_err(write_error)?
        .ok_or_else(ApiError::not_found)?;
    let mut events = Vec::new();
    change_events(&object_type, id, &changes, &old, &mut events);
    commit_with(&call.kit, tx, &events).await?;
    Ok(axum::Json(render::render(&object, &View::all())).into_response())
}

/// Archives `ids` in one transaction, queueing their deletion events.
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn archive_all(
    kit: &Kit,
    object_type: &ObjectType,
    ids: &[i64],
) -> Result<(), ApiError> {
    let mut client = kit.db().await?;
    let tx = client.transaction().await?;
    let archived = model::archive(&tx, &object_type.name, ids).await?;
    let events: Vec<Event> = archived
        .iter()
        .map(|id| Event::Deletion {
            kind: Kind::of(object_type),
            id: *id,
        })
        .collect();
    commit_with(kit, tx, &events).await
}

/// `DELETE /crm/v3/objects/{type}/{id}`: archives it; 204 whether or not it existed.
async fn archive(call: Call) -> ApiResult {
    let object_type = gate_write(&call, Write::Archive).await?;
    if let Some(id) = parse_id(call.param("id")) {
        archive_all(&call.kit, &object_type, &[id]).await?;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /crm/v3/objects/{type}`: a page in id order (`limit` ≤ 100, ≤ 50 with
/// `propertiesWithHistory`; `after`).
async fn list(call: Call, args: Args) -> ApiResult {
    let object_type = gate(&call, false).await?;
    let limit = args.limit(10, 100)?;
    render::refuse_past_history_bound(
        &args.list("propertiesWithHistory"),
        usize::try_from(limit).unwrap_or(usize::MAX),
        false,
    )?;
    let after = after(args.get("after"))?;
    let client = call.kit.db().await?;
    let archived = args.flag("archived");
    let mut objects = model::list(&client, &object_type.name, after, limit, archived).await?;
    let next = render::next_after(&mut objects, limit, |o| o.id.to_string());
    let view = View::asked(&client, &object_type, &args).await?;
    let results = render::render_all(&client, &objects, &view).await?;
    let link = format!(
        "{}/crm/v3/objects/{}",
        call.kit.config().public_url,
        object_type.name
    );
    Ok(axum::Json(render::page(results, next, &link)).into_response())
}

/// `POST /crm/v3/objects/{type}/merge` `{primaryObjectId, objectIdToMerge}`: the merged
/// object's values fill the primary's blanks, its associations move, and it is archived.
async fn merge(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate_write(&call, Write::Archive).await?;
    let id = |field: &str| {
        string_field(&body, field)
            .and_then(|id| parse_id(&id))
            .ok_or_else(|| ApiError::validation(format!("{field} is required")))
    };
    let (primary, merged) = (id("primaryObjectId")?, id("objectIdToMerge")?);
    if primary == merged {
        return Err(ApiError::validation(
            "An object cannot be merged into itself",
        ));
    }
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    // Concurrent merges of one object wait for each other: the second finds it archived.
    let scopes = [primary, merged].map(|id| format!("merge {} {id}", object_type.name));
    names::lock(&tx, &scopes).await?;
    let found = model::get_many(&tx, &object_type.name, &[primary, merged], false).await?;
    let (Some(keep), Some(gone)) = (
        found.iter().find(|o| o.id == primary),
        found.iter().find(|o| o.id == merged),
    ) else {
        return Err(ApiError::not_found());
    };
    let fills: Changes = gone
        .properties
        .iter()
        .filter(|(name, _)| !types::CALCULATED.contains(&name.as_str()) && *name != "email")
        .filter(|(name, _)| !keep.properties.contains_key(*name))
        .filter_map(|(name, value)| Some((name.clone(), Some(value.as_str()?.to_owned()))))
        .collect();
    model::move_associations(&tx, merged, primary).await?;
    model::archive(&tx, &object_type.name, &[merged]).await?;
    let (object, old) = model::update(&tx, &object_type.name, primary, &fills)
        .await
        .map_err(write_error)?
        .ok_or_else(ApiError::not_found)?;
    let mut events = vec![
        Event::Merge {
            kind: Kind::of(&object_type),
            primary,
            merged: vec![merged],
            moved: fills.len(),
        },
        Event::Deletion {
            kind: Kind::of(&object_type),
            id: merged,
        },
    ];
    change_events(&object_type, primary, &fills, &old, &mut events);
    commit_with(&call.kit, tx, &events).await?;
    Ok(axum::Json(render::render(&object, &View::all())).into_response())
}

/// `POST /crm/v3/objects/{type}/gdpr-delete` `{objectId, idProperty?}`: deleted for good.
async fn gdpr_delete(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate_write(&call, Write::Archive).await?;
    let object_id = string_field(&body, "objectId")
        .ok_or_else(|| ApiError::validation("objectId is required"))?;
    let mut client = call.kit.db().await?;
    let property = string_field(&body, "idProperty");
    let found = match property.as_deref() {
        Some(property) if property != "hs_object_id" => {
            model::find_by(&client, &object_type.name, property, &object_id).await?
        }
        _ => match parse_id(&object_id) {
            Some(id) => model::get(&client, &object_type.name, id, false).await?,
            None => None,
        },
    };
    let object = found.ok_or_else(ApiError::not_found)?;
    let tx = client.transaction().await?;
    model::purge(&tx, &object_type.name, object.id).await?;
    let events = [Event::Deletion {
        kind: Kind::of(&object_type),
        id: object.id,
    }];
    commit_with(&call.kit, tx, &events).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The time now as HubSpot writes it (RFC 3339, milliseconds).
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// `{"status": "COMPLETE", "results", "startedAt", "completedAt"}` plus errors when any
/// (then answered 207 by the caller).
pub(crate) fn batch_body(results: Vec<Value>, errors: Vec<Value>, started_at: &str) -> Value {
    let completed_at = now();
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": started_at,
        "completedAt": completed_at,
    });
    if !errors.is_empty() {
        body["numErrors"] = json!(errors.len());
        body["errors"] = Value::Array(errors);
    }
    body
}

/// A batch's answer: [`batch_body`] with `status`, or 207 when an input was refused.
pub(crate) fn batch_answer(
    status: StatusCode,
    results: Vec<Value>,
    errors: Vec<Value>,
    started_at: &str,
) -> axum::response::Response {
    let status = if errors.is_empty() {
        status
    } else {
        StatusCode::MULTI_STATUS
    };
    (status, axum::Json(batch_body(results, errors, started_at))).into_response()
}

/// One entry of a batch's `errors` (HubSpot's `StandardError`).
pub(crate) fn batch_error(err: &ApiError) -> Value {
    json!({
        "status": "error",
        "category": err.category(),
        "message": err.message(),
        "context": err.context(),
        "errors": err.errors(),
        "links": {},
    })
}
