//! Timeline events (`/integrators/timeline/v3/events`, the SDKs' `crm.timeline.eventsApi`):
//! an app writes an event of one of its templates on a record (by `objectId`, a contact's
//! `email` — created when no contact has it, as HubSpot's timeline does — or a company's
//! `domain`), with token values checked against the template's tokens; tokens with an
//! `objectPropertyName` also set that property of the record. Events are read back as
//! written, and rendered (`{{token}}` and `{{extraData.path}}` filled in).

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use super::templates::{self, Template};
use crate::error::{ApiError, ApiResult};
use crate::objects::model::{self, ISO};
use crate::objects::{
    batch_answer, batch_error, batch_inputs_up_to, change_events, commit_with, create_many, now,
    parse_id, write_error,
};
use crate::request::{Args, Call, JsonBody, string_field};
use crate::types::{self, ObjectType};
use crate::values;
use crate::webhooks::Event;

/// The scope every app with timeline events has; the write scope of the template's record
/// type also serves.
const SCOPE: &str = "timeline";

/// Refuses a caller with neither [`SCOPE`] nor `object_type`'s write scope.
fn may_write(
    principal: &asym_kit::credentials::Principal,
    object_type: &ObjectType,
) -> Result<(), ApiError> {
    if principal.has_scope(SCOPE) || principal.has_scope(object_type.write_scope) {
        Ok(())
    } else {
        Err(ApiError::missing_scopes(&[SCOPE]))
    }
}

/// The record type a template's events go on.
async fn record_type(
    client: &impl GenericClient,
    template: &Template,
) -> Result<types::Type, ApiError> {
    match types::lookup(&template.object_type) {
        Some(stock) => Ok(std::borrow::Cow::Borrowed(stock)),
        None => types::resolve(client, &template.object_type).await,
    }
}

/// A token value checked against its token's type; the value as stored.
fn token_value(token: &Value, value: &Value) -> Result<String, ApiError> {
    let name = token["name"].as_str().unwrap_or_default();
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => {
            return Err(ApiError::validation(format!(
                "Token {name}: {value} is not a valid value"
            )));
        }
    };
    let valid = match token["type"].as_str().unwrap_or_default() {
        "number" => text.trim().parse::<f64>().is_ok_and(f64::is_finite),
        "date" => values::parse_instant(&text).is_some(),
        "enumeration" => token["options"]
            .as_array()
            .is_some_and(|options| options.iter().any(|o| o["value"] == text.as_str())),
        _ => true,
    };
    if valid {
        Ok(text)
    } else {
        Err(ApiError::validation(format!(
            "Token {name}: {text} is not a valid {} value",
            token["type"].as_str().unwrap_or_default()
        )))
    }
}

/// Writes one event in `client`'s transaction; its answer (`TimelineEventResponse`).
///
/// # Errors
///
/// 404 for an unknown template or record, 400 for a value a token refuses, 409 for an id the
/// template has an event of, 403 without the scope.
async fn write(
    client: &impl GenericClient,
    principal: &asym_kit::credentials::Principal,
    input: &Value,
    events: &mut Vec<Event>,
) -> Result<Value, ApiError> {
    let template_id = string_field(input, "eventTemplateId")
        .ok_or_else(|| ApiError::unbuilt("TimelineEvent", &["eventTemplateId"]))?;
    let template = templates::find(client, &template_id).await?;
    let object_type = record_type(client, &template).await?;
    may_write(principal, &object_type)?;
    let mut tokens = Map::new();
    let mut stamped = Map::new();
    match input.get("tokens") {
        None | Some(Value::Null) => {}
        Some(Value::Object(given)) => {
            for (name, value) in given {
                let token = template.token(name).ok_or_else(|| {
                    ApiError::validation(format!(
                        "Token {name} does not exist on template {}",
                        template.id
                    ))
                })?;
                let text = token_value(token, value)?;
                if let Some(property) = token["objectPropertyName"].as_str() {
                    stamped.insert(property.to_owned(), json!(text));
                }
                tokens.insert(name.clone(), json!(text));
            }
        }
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid input JSON: tokens must be an object of token names to values",
            ));
        }
    }
    let object_id = record(client, &object_type, input, &mut stamped, events).await?;
    if !stamped.is_empty() {
        let defs = values::definitions(
            client,
            &object_type.name,
            &stamped.keys().map(String::as_str).collect::<Vec<_>>(),
        )
        .await?;
        let changes =
            values::check(&defs, &stamped).map_err(|invalid| values::invalid_error(&invalid))?;
        if let Some((object, old)) = model::update(client, &object_type.name, object_id, &changes)
            .await
            .map_err(write_error)?
        {
            change_events(&object_type, object.id, &changes, &old, events);
        }
    }
    let id = string_field(input, "id").unwrap_or_else(asym_kit::token::random_uuid);
    let mut body = json!({
        "id": id,
        "eventTemplateId": template.id.to_string(),
        "objectId": object_id.to_string(),
        "objectType": object_type.name,
        "tokens": tokens,
        "timestamp": string_field(input, "timestamp")
            .and_then(|t| values::parse_instant(&t))
            .map_or_else(now, |at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    });
    for field in ["extraData", "timelineIFrame", "email", "domain", "utk"] {
        if let Some(value) = input.get(field).filter(|v| !v.is_null()) {
            body[field] = value.clone();
        }
    }
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO timeline_events (template_id, id, object_type, object_id, body)
                 VALUES ($1, $2, $3, $4, $5::text::jsonb) ON CONFLICT DO NOTHING
                 RETURNING to_char(created_at AT TIME ZONE 'UTC', {ISO})"
            ),
            &[
                &template.id,
                &id,
                &object_type.name.as_ref(),
                &object_id,
                &body.to_string(),
            ],
        )
        .await?
        .ok_or_else(|| {
            ApiError::conflict(format!(
                "An event with id {id} already exists for template {}",
                template.id
            ))
        })?;
    body["createdAt"] = json!(row.get::<_, String>(0));
    Ok(body)
}

/// The record an event names: by `objectId`, a contact's `email` (created when no contact
/// has it; its other stamped values set on create) or a company's `domain`.
async fn record(
    client: &impl GenericClient,
    object_type: &ObjectType,
    input: &Value,
    stamped: &mut Map<String, Value>,
    events: &mut Vec<Event>,
) -> Result<i64, ApiError> {
    if let Some(id) = string_field(input, "objectId") {
        let id = parse_id(&id).ok_or_else(ApiError::not_found)?;
        return model::get(client, &object_type.name, id, false)
            .await?
            .map(|object| object.id)
            .ok_or_else(ApiError::not_found);
    }
    let key = match object_type.name.as_ref() {
        "contacts" => string_field(input, "email").map(|email| ("email", email)),
        "companies" => string_field(input, "domain").map(|domain| ("domain", domain)),
        _ => None,
    };
    let Some((property, value)) = key else {
        return Err(ApiError::validation(
            "An event needs the record it goes on: objectId (or a contact's email, a company's domain)",
        ));
    };
    if let Some(found) = model::find_by(client, &object_type.name, property, &value).await? {
        return Ok(found.id);
    }
    if property != "email" {
        return Err(ApiError::not_found());
    }
    let defs = values::definitions(client, "contacts", &["email"]).await?;
    let input = Map::from_iter([("email".to_owned(), json!(value))]);
    let changes =
        values::check(&defs, &input).map_err(|invalid| values::invalid_error(&invalid))?;
    let created = create_many(client, object_type, &[&changes], &[], events)
        .await
        .map_err(write_error)?;
    stamped.remove("email");
    created
        .first()
        .map(|object| object.id)
        .ok_or_else(ApiError::not_found)
}

/// `POST /integrators/timeline/v3/events` → 201 the event.
pub(super) async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let principal = call.authorize(&[]).await?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let mut events = Vec::new();
    let event = write(&tx, &principal, &body, &mut events).await?;
    commit_with(&call.kit, tx, &events).await?;
    Ok((StatusCode::CREATED, axum::Json(event)).into_response())
}

/// `POST /integrators/timeline/v3/events/batch/create` `{inputs}` (≤ 500) → 201, or 207 with
/// an error per refused input (the others written).
pub(super) async fn create_batch(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let principal = call.authorize(&[]).await?;
    let started_at = now();
    let inputs = batch_inputs_up_to(&body, 500)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let mut events = Vec::new();
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    for input in inputs {
        match write(&tx, &principal, input, &mut events).await {
            Ok(event) => results.push(event),
            Err(err) => errors.push(batch_error(&err)),
        }
    }
    commit_with(&call.kit, tx, &events).await?;
    Ok(batch_answer(
        StatusCode::CREATED,
        results,
        errors,
        &started_at,
    ))
}

/// The event the path names, and its template.
async fn stored(call: &Call) -> Result<(Template, Value), ApiError> {
    let principal = call.authorize(&[]).await?;
    let client = call.kit.db().await?;
    let template = templates::find(&client, call.param("eventTemplateId")).await?;
    let object_type = record_type(&client, &template).await?;
    may_write(&principal, &object_type)?;
    let row = client
        .query_opt(
            &format!(
                "SELECT body::text, to_char(created_at AT TIME ZONE 'UTC', {ISO})
                 FROM timeline_events WHERE template_id = $1 AND id = $2"
            ),
            &[&template.id, &call.param("eventId")],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut event: Value = serde_json::from_str(row.get(0)).unwrap_or_default();
    event["createdAt"] = json!(row.get::<_, String>(1));
    Ok((template, event))
}

/// `GET /integrators/timeline/v3/events/{eventTemplateId}/{eventId}`.
pub(super) async fn read(call: Call) -> ApiResult {
    let (_, event) = stored(&call).await?;
    Ok(axum::Json(event).into_response())
}

/// `GET …/{eventId}/detail` → `{details}`: the detail template rendered.
pub(super) async fn detail(call: Call) -> ApiResult {
    let (template, event) = stored(&call).await?;
    let details = render(template.detail.as_deref().unwrap_or_default(), &event);
    Ok(axum::Json(json!({ "details": details })).into_response())
}

/// `GET …/{eventId}/render` (`detail=true` for the detail template) → `text/html`.
pub(super) async fn render_page(call: Call, args: Args) -> ApiResult {
    let (template, event) = stored(&call).await?;
    let source = if args.flag("detail") {
        template.detail.as_deref()
    } else {
        template.header.as_deref()
    };
    Ok((
        [(CONTENT_TYPE, "text/html; charset=utf-8")],
        render(source.unwrap_or_default(), &event),
    )
        .into_response())
}

/// `source` with each `{{name}}` replaced by the event's token `name`, each
/// `{{extraData.a.b}}` by that value of its `extraData` (empty when absent); block helpers
/// (`{{#if …}}`, `{{/if}}`, `{{else}}`) are left out, their content kept.
pub(crate) fn render(source: &str, event: &Value) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = rest[start + 2..start + end].trim();
        rest = &rest[start + end + 2..];
        if name.starts_with(['#', '/']) || name == "else" {
            continue;
        }
        let value = match name.strip_prefix("extraData.") {
            Some(path) => path
                .split('.')
                .try_fold(&event["extraData"], |v, key| v.get(key)),
            None => event["tokens"].get(name),
        };
        match value {
            Some(Value::String(s)) => out.push_str(s),
            Some(Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_tokens_and_extra_data() {
        let event = json!({"tokens": {"name": "Webinar", "n": "3"},
            "extraData": {"q": {"a": "yes"}, "n": 2}});
        for (source, rendered) in [
            (
                "Registered for {{ name }} ({{n}})",
                "Registered for Webinar (3)",
            ),
            ("{{#if name}}Went: {{extraData.q.a}}{{/if}}", "Went: yes"),
            ("{{extraData.n}} {{missing}}|{{extraData.nope.x}}", "2 |"),
            ("open {{ never closed", "open {{ never closed"),
        ] {
            assert_eq!(render(source, &event), rendered, "{source}");
        }
    }
}
