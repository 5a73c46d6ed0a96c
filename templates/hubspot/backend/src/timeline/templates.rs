//! Event templates and their tokens (`/integrators/timeline/v3/{appId}/event-templates`,
//! the SDKs' `crm.timeline.templatesApi` / `tokensApi`), called with the app's developer API
//! key: a template names the record type its events go on, its header and detail templates
//! and its tokens (`{name, label, type: date | enumeration | number | string, options,
//! objectPropertyName?}`).

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::objects::{model::ISO, now};
use crate::request::{Args, Call, JsonBody, string_field};
use crate::subscriptions::api::app;
use crate::types;

/// The token types HubSpot's templates take.
const TOKEN_TYPES: [&str; 4] = ["date", "enumeration", "number", "string"];

/// The columns [`render`] reads.
fn columns() -> String {
    format!(
        "id, name, object_type, header_template, detail_template, tokens::text,
         to_char(created_at AT TIME ZONE 'UTC', {ISO}), to_char(updated_at AT TIME ZONE 'UTC', {ISO})"
    )
}

/// A stored template.
#[derive(Debug)]
pub(crate) struct Template {
    /// Its id.
    pub(crate) id: i64,
    /// The record type its events go on (the type's name).
    pub(crate) object_type: String,
    /// Its header template.
    pub(crate) header: Option<String>,
    /// Its detail template.
    pub(crate) detail: Option<String>,
    /// Its tokens.
    pub(crate) tokens: Vec<Value>,
    /// HubSpot's `TimelineEventTemplate`.
    pub(crate) json: Value,
}

impl Template {
    fn from_row(row: &asym_kit::tokio_postgres::Row) -> Self {
        let id: i64 = row.get(0);
        let tokens: Vec<Value> = serde_json::from_str(row.get(5)).unwrap_or_default();
        let mut json = json!({
            "id": id.to_string(),
            "name": row.get::<_, String>(1),
            "objectType": row.get::<_, String>(2),
            "tokens": tokens,
            "createdAt": row.get::<_, String>(6),
            "updatedAt": row.get::<_, String>(7),
        });
        let header: Option<String> = row.get(3);
        let detail: Option<String> = row.get(4);
        if let Some(header) = &header {
            json["headerTemplate"] = json!(header);
        }
        if let Some(detail) = &detail {
            json["detailTemplate"] = json!(detail);
        }
        Self {
            id,
            object_type: row.get(2),
            header,
            detail,
            tokens,
            json,
        }
    }

    /// Its token `name`.
    pub(crate) fn token(&self, name: &str) -> Option<&Value> {
        self.tokens.iter().find(|t| t["name"] == name)
    }
}

/// The live template `id` (of any app: events name templates by id alone).
///
/// # Errors
///
/// 404 when there is none; the statement's error.
pub(crate) async fn find(client: &impl GenericClient, id: &str) -> Result<Template, ApiError> {
    let id: i64 = id.parse().map_err(|_| unknown(id))?;
    let row = client
        .query_opt(
            &format!(
                "SELECT {} FROM timeline_templates WHERE id = $1 AND NOT archived",
                columns()
            ),
            &[&id],
        )
        .await?
        .ok_or_else(|| unknown(&id.to_string()))?;
    Ok(Template::from_row(&row))
}

/// The 404 for a template that does not exist (the clone's text: HubSpot documents none).
fn unknown(id: &str) -> ApiError {
    ApiError::missing(format!("Event template {id} does not exist."))
}

/// A token of a create or update body, checked: `{name, label, type, options, objectPropertyName?,
/// createdAt, updatedAt}`.
///
/// # Errors
///
/// 400 for a missing name, label or type, an unknown type, an enumeration without options.
fn token(input: &Value, stamp: &str) -> Result<Value, ApiError> {
    let name = string_field(input, "name")
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::unbuilt("TimelineEventTemplateToken", &["name"]))?;
    let label = string_field(input, "label")
        .ok_or_else(|| ApiError::unbuilt("TimelineEventTemplateToken", &["label"]))?;
    let kind = string_field(input, "type")
        .ok_or_else(|| ApiError::unbuilt("TimelineEventTemplateToken", &["type"]))?;
    if !TOKEN_TYPES.contains(&kind.as_str()) {
        return Err(ApiError::validation(format!(
            "Token {name}: type {kind} is not one of date, enumeration, number, string"
        )));
    }
    let options = options(input)?;
    if kind == "enumeration" && options.is_empty() {
        return Err(ApiError::validation(format!(
            "Token {name}: an enumeration token needs options"
        )));
    }
    let mut token = json!({
        "name": name, "label": label, "type": kind, "options": options,
        "createdAt": stamp, "updatedAt": stamp,
    });
    if let Some(property) = string_field(input, "objectPropertyName") {
        token["objectPropertyName"] = json!(property);
    }
    Ok(token)
}

/// A token's `options`, each `{label, value}`.
fn options(input: &Value) -> Result<Vec<Value>, ApiError> {
    match input.get("options") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(options)) => options
            .iter()
            .map(|option| match (option.get("label"), option.get("value")) {
                (Some(Value::String(label)), Some(Value::String(value))) => {
                    Ok(json!({ "label": label, "value": value }))
                }
                _ => Err(ApiError::unbuilt(
                    "TimelineEventTemplateTokenOption",
                    &["label", "value"],
                )),
            })
            .collect(),
        Some(_) => Err(ApiError::validation(
            "Invalid input JSON: options must be a list of {label, value}",
        )),
    }
}

/// A body's `tokens`, checked; names unique.
fn tokens(body: &Value, stamp: &str) -> Result<Vec<Value>, ApiError> {
    let given = match body.get("tokens") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(given)) => given,
        Some(_) => {
            return Err(ApiError::validation(
                "Invalid input JSON: tokens must be a list",
            ));
        }
    };
    let mut checked: Vec<Value> = Vec::with_capacity(given.len());
    for input in given {
        let token = token(input, stamp)?;
        if checked.iter().any(|t| t["name"] == token["name"]) {
            return Err(ApiError::validation(format!(
                "Token {} is named twice",
                token["name"].as_str().unwrap_or_default()
            )));
        }
        checked.push(token);
    }
    Ok(checked)
}

/// `GET …/event-templates` → `{results}`.
pub(super) async fn list(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    let app_id = app(&call, &args, &client).await?;
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM timeline_templates WHERE app_id = $1 AND NOT archived ORDER BY id",
                columns()
            ),
            &[&app_id],
        )
        .await?;
    let results: Vec<Value> = rows
        .iter()
        .map(|row| Template::from_row(row).json)
        .collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `POST …/event-templates` `{name, objectType, headerTemplate?, detailTemplate?, tokens}` →
/// 201.
pub(super) async fn create(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    let app_id = app(&call, &args, &client).await?;
    let name = string_field(&body, "name")
        .ok_or_else(|| ApiError::unbuilt("TimelineEventTemplateCreateRequest", &["name"]))?;
    let named = string_field(&body, "objectType")
        .ok_or_else(|| ApiError::unbuilt("TimelineEventTemplateCreateRequest", &["objectType"]))?;
    let object_type = match types::lookup(&named) {
        Some(stock) => std::borrow::Cow::Borrowed(stock),
        None => types::resolve(&client, &named).await?,
    };
    let tokens = tokens(&body, &now())?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO timeline_templates (app_id, name, object_type, header_template,
                     detail_template, tokens)
                 VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) RETURNING {}",
                columns()
            ),
            &[
                &app_id,
                &name,
                &object_type.name.as_ref(),
                &string_field(&body, "headerTemplate"),
                &string_field(&body, "detailTemplate"),
                &Value::Array(tokens).to_string(),
            ],
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(Template::from_row(&row).json),
    )
        .into_response())
}

/// The app's live template the path names.
async fn own(
    call: &Call,
    args: &Args,
    client: &impl GenericClient,
) -> Result<(i64, Template), ApiError> {
    let app_id = app(call, args, client).await?;
    let template = find(client, call.param("eventTemplateId")).await?;
    Ok((app_id, template))
}

/// `GET …/event-templates/{eventTemplateId}`.
pub(super) async fn read(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    let (_, template) = own(&call, &args, &client).await?;
    Ok(axum::Json(template.json).into_response())
}

/// Writes `template`'s `name`, header and detail templates and `tokens`; the template.
async fn store(
    client: &impl GenericClient,
    id: i64,
    fields: &Map<String, Value>,
    tokens: &[Value],
) -> Result<Value, ApiError> {
    let text = |name: &str| fields.get(name).and_then(Value::as_str).map(str::to_owned);
    let row = client
        .query_one(
            &format!(
                "UPDATE timeline_templates SET name = coalesce($2, name),
                     header_template = coalesce($3, header_template),
                     detail_template = coalesce($4, detail_template),
                     tokens = $5::text::jsonb, updated_at = now()
                 WHERE id = $1 RETURNING {}",
                columns()
            ),
            &[
                &id,
                &text("name"),
                &text("headerTemplate"),
                &text("detailTemplate"),
                &Value::Array(tokens.to_vec()).to_string(),
            ],
        )
        .await?;
    Ok(Template::from_row(&row).json)
}

/// `PUT …/event-templates/{eventTemplateId}` `{id, name, headerTemplate?, detailTemplate?,
/// tokens}`: the template replaced (its tokens those given).
pub(super) async fn update(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    let (_, template) = own(&call, &args, &client).await?;
    if string_field(&body, "name").is_none() {
        return Err(ApiError::unbuilt(
            "TimelineEventTemplateUpdateRequest",
            &["name"],
        ));
    }
    let tokens = tokens(&body, &now())?;
    let fields = body.as_object().cloned().unwrap_or_default();
    let json = store(&client, template.id, &fields, &tokens).await?;
    Ok(axum::Json(json).into_response())
}

/// `DELETE …/event-templates/{eventTemplateId}` → 204.
pub(super) async fn archive(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    let (_, template) = own(&call, &args, &client).await?;
    client
        .execute(
            "UPDATE timeline_templates SET archived = true, updated_at = now() WHERE id = $1",
            &[&template.id],
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST …/{eventTemplateId}/tokens` → 200 the token (400 for a name the template has).
pub(super) async fn add_token(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    let (_, template) = own(&call, &args, &client).await?;
    let token = token(&body, &now())?;
    let name = token["name"].as_str().unwrap_or_default();
    if template.token(name).is_some() {
        return Err(ApiError::validation(format!(
            "Token {name} already exists on template {}",
            template.id
        )));
    }
    let mut tokens = template.tokens.clone();
    tokens.push(token.clone());
    store(&client, template.id, &Map::new(), &tokens).await?;
    Ok(axum::Json(token).into_response())
}

/// The template's token the path names, and the template.
async fn own_token(
    call: &Call,
    args: &Args,
    client: &impl GenericClient,
) -> Result<(Template, usize), ApiError> {
    let (_, template) = own(call, args, client).await?;
    let name = call.param("tokenName");
    let index = template
        .tokens
        .iter()
        .position(|t| t["name"] == name)
        .ok_or_else(|| ApiError::missing(format!("Token {name} does not exist.")))?;
    Ok((template, index))
}

/// `PUT …/tokens/{tokenName}` `{label, options, objectPropertyName?}` → 200 the token.
pub(super) async fn update_token(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    let client = call.kit.db().await?;
    let (template, index) = own_token(&call, &args, &client).await?;
    let mut tokens = template.tokens.clone();
    let old = &tokens[index];
    if !body.is_object() {
        return Err(ApiError::validation(
            "Invalid input JSON: a TimelineEventTemplateTokenUpdateRequest is a JSON object",
        ));
    }
    let mut input = body.clone();
    input["name"] = old["name"].clone();
    input["type"] = old["type"].clone();
    if input.get("label").is_none() {
        input["label"] = old["label"].clone();
    }
    let mut token = token(&input, &now())?;
    token["createdAt"] = old["createdAt"].clone();
    tokens[index] = token.clone();
    store(&client, template.id, &Map::new(), &tokens).await?;
    Ok(axum::Json(token).into_response())
}

/// `DELETE …/tokens/{tokenName}` → 204.
pub(super) async fn remove_token(call: Call, args: Args) -> ApiResult {
    let client = call.kit.db().await?;
    let (template, index) = own_token(&call, &args, &client).await?;
    let mut tokens = template.tokens.clone();
    tokens.remove(index);
    store(&client, template.id, &Map::new(), &tokens).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
