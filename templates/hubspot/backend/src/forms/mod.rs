//! Marketing forms: the Forms v3 API (`/marketing/v3/forms/`: list, create, read, update,
//! replace, archive; `hubspot.marketing.forms.forms_api` / `marketing.forms.formsApi`) and the
//! submissions a website posts to a form (`submit`). Forms are HubSpot forms (`formType`
//! `hubspot`), their ids UUIDs; a field names a contact (`0-1`) or company (`0-2`) property.

mod definition;
mod submit;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token::is_uuid;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;

use crate::error::{ApiError, ApiResult, found};
use crate::objects::model::ISO;
use crate::objects::render::{json_column, next_after, page};
use crate::request::{Args, Call, JsonBody, after, object};
use crate::values;

/// The scope every forms route asks for.
pub(crate) const SCOPE: &str = "forms";

/// The form types a list may ask for (`formTypes`); the clone's forms are all `hubspot`.
const FORM_TYPES: [&str; 5] = ["hubspot", "captured", "flow", "blog_comment", "all"];

/// The forms routes and the submission routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/marketing/v3/forms", get(list).post(create))
        .route("/marketing/v3/forms/", get(list).post(create))
        .route(
            "/marketing/v3/forms/{form_id}",
            get(read).patch(update).put(replace).delete(archive),
        )
        .merge(submit::routes())
}

/// One column: the form in HubSpot's shape, built by Postgres.
fn columns() -> String {
    format!(
        "(jsonb_build_object('id', id::text, 'name', name, 'formType', form_type,
             'createdAt', to_char(created_at AT TIME ZONE 'UTC', {ISO}),
             'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', {ISO}),
             'archived', archived)
          || CASE WHEN archived_at IS NULL THEN '{{}}'::jsonb ELSE jsonb_build_object('archivedAt',
                 to_char(archived_at AT TIME ZONE 'UTC', {ISO})) END
          || definition)::text"
    )
}

/// The form id a path names; `None` when it is not a UUID (no form has it).
fn form_id(call: &Call) -> Option<&str> {
    Some(call.param("form_id")).filter(|id| is_uuid(id))
}

/// HubSpot's 404 for a form that does not exist (the text is the clone's).
fn no_form(id: &str) -> ApiError {
    ApiError::missing(format!("Form {id} does not exist."))
}

/// The live (or archived) form `id`, as stored: `(rendered, definition)`.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn stored(
    client: &impl GenericClient,
    id: Option<&str>,
    archived: bool,
) -> Result<Option<(Value, Value)>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    let by_id = format!(
        "SELECT {}, definition::text FROM forms WHERE id = $1::text::uuid AND archived = $2",
        columns()
    );
    let row = client.query_opt(&by_id, &[&id, &archived]).await?;
    Ok(row.map(|row| (json_column(&row, 0), json_column(&row, 1))))
}

/// Refuses fields that name no property of their object type, as a form's fields are
/// properties (one statement per object type the form uses).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` naming the first such field; the statements' errors.
async fn refuse_unknown_properties(
    client: &impl GenericClient,
    definition: &Value,
) -> Result<(), ApiError> {
    for (object_type, stock) in [("0-1", "contacts"), ("0-2", "companies")] {
        let names: Vec<&str> = definition::fields(definition)
            .filter(|f| definition::object_type_of(f) == object_type)
            .filter_map(|f| f["name"].as_str())
            .collect();
        if names.is_empty() {
            continue;
        }
        let defs = values::definitions(client, stock, &names).await?;
        if let Some(missing) = names.iter().find(|name| !defs.contains_key(**name)) {
            return Err(ApiError::validation(format!(
                "Property \"{missing}\" does not exist on object type {object_type}"
            )));
        }
    }
    Ok(())
}

/// `GET /marketing/v3/forms/` (`limit` ≤ 500, `after`, `archived`, `formTypes`).
async fn list(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let limit = args.limit(20, 500)?;
    let after = after(args.get("after"))?;
    let mut types = args.list("formTypes");
    if let Some(bad) = types.iter().find(|t| !FORM_TYPES.contains(&t.as_str())) {
        return Err(ApiError::validation(format!(
            "formTypes: {bad} is not one of {}",
            FORM_TYPES.join(", ")
        )));
    }
    if types.is_empty() {
        types.push("hubspot".to_owned());
    }
    let all = types.iter().any(|t| t == "all");
    let client = call.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {}, position FROM forms
                 WHERE archived = $1 AND position > $2 AND ($3 OR form_type = ANY($4))
                 ORDER BY position LIMIT $5",
                columns()
            ),
            &[&args.flag("archived"), &after, &all, &types, &(limit + 1)],
        )
        .await?;
    let mut rows = rows;
    let next = next_after(&mut rows, limit, |row| row.get::<_, i64>(1).to_string());
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    let link = format!("{}/marketing/v3/forms/", call.kit.config().public_url);
    Ok(axum::Json(page(results, next, &link)).into_response())
}

/// A whole form as a create or a `PUT` gives it.
struct Whole {
    name: String,
    definition: Value,
    archived: bool,
}

impl Whole {
    /// The form `body` gives (`model` names it in a refusal of a missing name).
    ///
    /// # Errors
    ///
    /// 400 `VALIDATION_ERROR` naming what is wrong.
    fn read(body: &Value, model: &str) -> Result<Self, ApiError> {
        object(body)?;
        definition::hubspot_type(body)?;
        Ok(Self {
            name: definition::name(body, model)?,
            definition: definition::complete(body)?,
            archived: body["archived"].as_bool().unwrap_or(false),
        })
    }
}

/// `POST /marketing/v3/forms/`: 201 with the form.
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let Whole {
        name,
        definition,
        archived,
    } = Whole::read(&body, "HubSpotFormDefinitionCreateRequest")?;
    let client = call.kit.db().await?;
    refuse_unknown_properties(&client, &definition).await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO forms (name, definition, archived, archived_at)
                 VALUES ($1, $2::text::jsonb, $3, CASE WHEN $3 THEN now() END)
                 RETURNING {}",
                columns()
            ),
            &[&name, &definition.to_string(), &archived],
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(json_column(&row, 0))).into_response())
}

/// `GET /marketing/v3/forms/{formId}` (`archived`).
async fn read(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let client = call.kit.db().await?;
    let (form, _) = stored(&client, form_id(&call), args.flag("archived"))
        .await?
        .ok_or_else(|| no_form(call.param("form_id")))?;
    Ok(axum::Json(form).into_response())
}

/// Writes `name`, `definition` and `archived` to the form the path names (live or archived)
/// and answers it.
async fn write(
    call: &Call,
    client: &impl GenericClient,
    name: &str,
    definition: &Value,
    archived: bool,
) -> ApiResult {
    refuse_unknown_properties(client, definition).await?;
    let row = client
        .query_opt(
            &format!(
                "UPDATE forms SET name = $2, definition = $3::text::jsonb, archived = $4,
                     archived_at = CASE WHEN $4 THEN coalesce(archived_at, now()) END,
                     updated_at = now()
                 WHERE id = $1::text::uuid RETURNING {}",
                columns()
            ),
            &[&form_id(call), &name, &definition.to_string(), &archived],
        )
        .await?
        .ok_or_else(|| no_form(call.param("form_id")))?;
    Ok(axum::Json(json_column(&row, 0)).into_response())
}

/// The form the path names, live or archived (an update may restore it).
async fn either(call: &Call, client: &impl GenericClient) -> Result<(Value, Value), ApiError> {
    let id = form_id(call);
    match stored(client, id, false).await? {
        Some(found) => Ok(found),
        None => stored(client, id, true)
            .await?
            .ok_or_else(|| no_form(call.param("form_id"))),
    }
}

/// `PATCH /marketing/v3/forms/{formId}`: the sections and fields the body names.
async fn update(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    object(&body)?;
    let client = call.kit.db().await?;
    let (form, stored_definition) = either(&call, &client).await?;
    let name = match body.get("name") {
        None | Some(Value::Null) => form["name"].as_str().unwrap_or_default().to_owned(),
        Some(_) => definition::name(&body, "HubSpotFormDefinitionPatchRequest")?,
    };
    let definition = definition::patch(&stored_definition, &body)?;
    let archived = body["archived"]
        .as_bool()
        .unwrap_or_else(|| form["archived"].as_bool().unwrap_or(false));
    write(&call, &client, &name, &definition, archived).await
}

/// `PUT /marketing/v3/forms/{formId}`: the whole definition, as a create gives it.
async fn replace(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let whole = Whole::read(&body, "HubSpotFormDefinition")?;
    let client = call.kit.db().await?;
    either(&call, &client).await?;
    write(
        &call,
        &client,
        &whole.name,
        &whole.definition,
        whole.archived,
    )
    .await
}

/// `DELETE /marketing/v3/forms/{formId}`: 204; the form is archived (read with
/// `archived=true`), its submissions kept.
async fn archive(call: Call) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let client = call.kit.db().await?;
    let rows = client
        .execute(
            "UPDATE forms SET archived = true, archived_at = now(), updated_at = now()
             WHERE id = $1::text::uuid AND NOT archived",
            &[&form_id(&call)],
        )
        .await?;
    found(rows).map_err(|_| no_form(call.param("form_id")))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
