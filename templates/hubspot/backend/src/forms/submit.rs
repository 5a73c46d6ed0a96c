//! Form submissions: `POST /submissions/v3/integration/submit/{portalId}/{formGuid}` (no
//! credentials, as a website posts it; HubSpot serves it at `api.hsforms.com`, the clone on its
//! own base URL), its `secure` twin (a token with the `forms` scope), and the submissions read
//! back (`GET /form-integrations/v1/submissions/forms/{formGuid}`). A submission is checked
//! against the form as HubSpot checks it (each refusal an `errorType` in one 400), then creates
//! or updates the contact its email names, with the contact webhooks any write sends.

use std::collections::HashSet;
use std::net::IpAddr;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::token::is_uuid;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};

use super::definition::{self, object_type_of};
use super::{SCOPE, stored};
use crate::assoc;
use crate::error::{ApiError, ApiResult};
use crate::objects::model;
use crate::objects::render::{json_column, next_after, page};
use crate::objects::{self, commit_with, write_error};
use crate::preferences;
use crate::request::{Args, Call, Caller, JsonBody, after, object};
use crate::types::{self, ObjectType, PORTAL_ID};
use crate::values;
use crate::values::Changes;
use crate::webhooks::Event;

/// The most values a submission may carry.
const MAX_VALUES: usize = 1000;

/// The longest value a field takes (the clone's bound: HubSpot's text properties hold 65,536
/// characters).
const MAX_VALUE_CHARS: usize = 65_536;

/// The `context` attributes a submission may carry.
const CONTEXT: [&str; 7] = [
    "hutk",
    "ipAddress",
    "pageName",
    "pageUri",
    "pageId",
    "sfdcCampaignId",
    "goToWebinarWebinarKey",
];

/// The message a form without its own thank-you text answers, as HubSpot's forms do.
const THANK_YOU: &str = "Thanks for submitting the form.";

/// The submission routes: the public one is called without credentials.
pub(super) fn routes() -> Router<Kit> {
    Router::new()
        .merge(Caller::Public.mark(Router::new().route(
            "/submissions/v3/integration/submit/{portal_id}/{form_guid}",
            post(submit),
        )))
        .route(
            "/submissions/v3/integration/secure/submit/{portal_id}/{form_guid}",
            post(submit_secure),
        )
        .route(
            "/form-integrations/v1/submissions/forms/{form_guid}",
            get(submissions),
        )
}

/// One refusal of a submission: `{message, errorType}`.
struct Refusal {
    error_type: &'static str,
    message: String,
}

impl Refusal {
    /// A refusal of the field `key` (`email`, `0-2/name`): HubSpot's `Error in 'fields.…'.`.
    fn field(error_type: &'static str, key: &str, why: &str) -> Self {
        Self {
            error_type,
            message: format!("Error in 'fields.{key}'. {why}"),
        }
    }

    /// A refusal of the part `at` of the submission (`context`, `legalConsentOptions`).
    fn part(error_type: &'static str, at: &str, why: &str) -> Self {
        Self {
            error_type,
            message: format!("Error in '{at}'. {why}"),
        }
    }
}

/// HubSpot's 400 for a submission it refuses: `{status, message, correlationId, errors}`,
/// every refusal an entry (its envelope has no `category`).
fn refused(refusals: &[Refusal]) -> Response {
    let errors: Vec<Value> = refusals
        .iter()
        .map(|r| json!({ "message": r.message, "errorType": r.error_type }))
        .collect();
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({
            "status": "error",
            "message": "The request is not valid",
            "correlationId": asym_kit::token::random_uuid(),
            "errors": errors,
        })),
    )
        .into_response()
}

/// HubSpot's 404 for a portal or form the submission names that does not exist (or an
/// archived form).
fn no_form() -> ApiError {
    ApiError::missing("Form not found")
}

/// The field's key in refusals: its name for a contact property, `{objectTypeId}/{name}`
/// otherwise.
fn key(object_type: &str, name: &str) -> String {
    if object_type == "0-1" {
        name.to_owned()
    } else {
        format!("{object_type}/{name}")
    }
}

/// One submitted value: `(objectTypeId, name, value)`.
type Submitted = (String, String, String);

/// The submitted `fields`, read (numbers and booleans as their text).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for a list that is not an array of `{name, value}`.
fn submitted(body: &Value) -> Result<Vec<Submitted>, ApiError> {
    let Some(items) = body["fields"].as_array() else {
        return Err(ApiError::unbuilt("SubmissionRequest", &["fields"]));
    };
    items
        .iter()
        .map(|item| {
            let name = item["name"].as_str().filter(|n| !n.is_empty());
            let value = match &item["value"] {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            };
            match (name, value) {
                (Some(name), Some(value)) => {
                    Ok((object_type_of(item).to_owned(), name.to_owned(), value))
                }
                _ => Err(ApiError::validation(
                    "Invalid input JSON: each field must be an object with a name and a string value",
                )),
            }
        })
        .collect()
}

/// The refusals of one value against its field of the form.
fn check_value(field: &Value, key: &str, value: &str, refusals: &mut Vec<Refusal>) {
    if value.chars().count() > MAX_VALUE_CHARS {
        refusals.push(Refusal::field(
            "INPUT_TOO_LARGE",
            key,
            "The value is too large for the field",
        ));
        return;
    }
    let kind = field["fieldType"].as_str().unwrap_or_default();
    if value.is_empty() {
        return;
    }
    match kind {
        "email" => {
            if !values::valid_email(value) {
                refusals.push(Refusal::field(
                    "INVALID_EMAIL",
                    key,
                    "Invalid email address",
                ));
            } else if blocked(field, value) {
                refusals.push(Refusal::field(
                    "BLOCKED_EMAIL",
                    key,
                    "Email address is blocked by the form",
                ));
            }
        }
        "number" if value.trim().parse::<f64>().is_err() => {
            refusals.push(Refusal::field("INVALID_NUMBER", key, "Invalid number"));
        }
        "dropdown" | "radio" | "multiple_checkboxes" | "payment_link_radio" => {
            let options: HashSet<&str> = field["options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o["value"].as_str())
                .collect();
            let chosen: Vec<&str> = if kind == "multiple_checkboxes" {
                value.split(';').collect()
            } else {
                vec![value]
            };
            if let Some(bad) = chosen.iter().find(|c| !options.contains(*c)) {
                refusals.push(Refusal::field(
                    "VALUE_NOT_IN_FIELD_DEFINITION",
                    key,
                    &format!("Value '{bad}' is not one of the field's options"),
                ));
            }
        }
        _ => {}
    }
}

/// Whether the email field `field` blocks `email`'s domain (`validation.blockedEmailDomains`).
fn blocked(field: &Value, email: &str) -> bool {
    let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
    field["validation"]["blockedEmailDomains"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .any(|b| b.trim_start_matches('@').eq_ignore_ascii_case(domain))
}

/// The refusals of the submission's `context`.
fn check_context(context: &Value, refusals: &mut Vec<Refusal>) {
    let Some(context) = context.as_object() else {
        if !context.is_null() {
            refusals.push(Refusal::part(
                "INVALID_METADATA",
                "context",
                "The context must be an object",
            ));
        }
        return;
    };
    for name in context.keys().filter(|k| !CONTEXT.contains(&k.as_str())) {
        refusals.push(Refusal::part(
            "INVALID_METADATA",
            "context",
            &format!("Unexpected attribute '{name}'"),
        ));
    }
    let text = |name: &str| context.get(name).and_then(Value::as_str);
    if let Some(hutk) = context.get("hutk").filter(|v| !v.is_null())
        && !hutk
            .as_str()
            .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        refusals.push(Refusal::part(
            "INVALID_HUTK",
            "context.hutk",
            "Invalid hutk",
        ));
    }
    if context.get("ipAddress").is_some_and(|v| !v.is_null())
        && text("ipAddress")
            .and_then(|ip| ip.parse::<IpAddr>().ok())
            .is_none()
    {
        refusals.push(Refusal::part(
            "INVALID_IP_ADDRESS",
            "context.ipAddress",
            "Invalid IP address",
        ));
    }
    if context.get("pageUri").is_some_and(|v| !v.is_null())
        && !text("pageUri").is_some_and(|uri| {
            uri.strip_prefix("https://")
                .or_else(|| uri.strip_prefix("http://"))
                .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
        })
    {
        refusals.push(Refusal::part(
            "INVALID_PAGE_URI",
            "context.pageUri",
            "Invalid page URI",
        ));
    }
}

/// The refusals of the submission's `legalConsentOptions` against the form's
/// (`form_consent`): one of `consent` or `legitimateInterest`, each with its texts, consent to
/// process given, no subscription twice; a form asking for explicit consent needs it given.
fn check_consent(options: &Value, form_consent: &Value, refusals: &mut Vec<Refusal>) {
    const AT: &str = "legalConsentOptions";
    let refuse = |refusals: &mut Vec<Refusal>, error_type, why: &str| {
        refusals.push(Refusal::part(error_type, AT, why));
    };
    if options.is_null() {
        if form_consent["type"] == "explicit_consent_to_process" {
            refuse(
                refusals,
                "MISSING_PROCESSING_CONSENT",
                "The form asks for consent to process, and none was given",
            );
        }
        return;
    }
    let consent = &options["consent"];
    let interest = &options["legitimateInterest"];
    let format_ok = options.is_object()
        && (consent.is_object() != interest.is_object())
        && (consent.is_null() || consent.is_object())
        && (interest.is_null() || interest.is_object());
    if !format_ok {
        refuse(
            refusals,
            "INVALID_LEGAL_OPTION_FORMAT",
            "Exactly one of consent or legitimateInterest must be given",
        );
        return;
    }
    let blank = |v: &Value| v.as_str().is_none_or(|s| s.trim().is_empty());
    // The consent to process (or the legitimate interest standing for it) and its text.
    let (given, flag, text_type, what) = if consent.is_object() {
        let text_type = "MISSING_PROCESSING_CONSENT_TEXT";
        (
            consent,
            "consentToProcess",
            text_type,
            "the consent to process",
        )
    } else {
        let text_type = "MISSING_LEGITIMATE_INTEREST_TEXT";
        (interest, "value", text_type, "the legitimate interest")
    };
    if given[flag] != true {
        let why = format!("{flag} must be true");
        refuse(refusals, "MISSING_PROCESSING_CONSENT", &why);
    }
    if blank(&given["text"]) {
        refuse(
            refusals,
            text_type,
            &format!("The text of {what} is missing"),
        );
    }
    let communications = consent["communications"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    if communications.iter().any(|c| blank(&c["text"])) {
        let why = "The text of a communication consent is missing";
        refuse(refusals, "MISSING_COMMUNICATION_CONSENT_TEXT", why);
    }
    let mut seen = HashSet::new();
    if communications
        .iter()
        .any(|c| !seen.insert(c["subscriptionTypeId"].to_string()))
    {
        let why = "A subscriptionTypeId appears more than once in communications";
        refuse(refusals, "DUPLICATE_SUBSCRIPTION_TYPE_ID", why);
    }
}

/// Every refusal of `values` (with `body`'s context and consent) against `form`, in
/// HubSpot's order: the values, then the required fields, the context, the consent.
fn check(form: &Value, body: &Value, values: &[Submitted]) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    if values.len() > MAX_VALUES {
        refusals.push(Refusal::part(
            "MAX_NUMBER_OF_SUBMITTED_VALUES_EXCEEDED",
            "fields",
            &format!("More than {MAX_VALUES} values were submitted"),
        ));
        return refusals;
    }
    let fields: Vec<&Value> = definition::fields(form).collect();
    let find = |object_type: &str, name: &str| {
        fields
            .iter()
            .find(|f| object_type_of(f) == object_type && f["name"] == name)
    };
    for (object_type, name, value) in values {
        let key = key(object_type, name);
        match find(object_type, name) {
            None => refusals.push(Refusal::field(
                "FIELD_NOT_IN_FORM_DEFINITION",
                &key,
                "The field was included in the form submission but is not in the form definition",
            )),
            Some(field) => check_value(field, &key, value, &mut refusals),
        }
    }
    for field in fields.iter().filter(|f| f["required"] == true) {
        let object_type = object_type_of(field);
        let name = field["name"].as_str().unwrap_or_default();
        let given = values
            .iter()
            .any(|(t, n, v)| t == object_type && n == name && !v.trim().is_empty());
        if !given {
            let key = key(object_type, name);
            refusals.push(Refusal::field(
                "REQUIRED_FIELD",
                &key,
                &format!("Required field '{key}' is missing"),
            ));
        }
    }
    check_context(&body["context"], &mut refusals);
    check_consent(
        &body["legalConsentOptions"],
        &form["legalConsentOptions"],
        &mut refusals,
    );
    refusals
}

/// The latest `submittedAt` taken: the end of year 9999 (Postgres's timestamps end later, but
/// no submission is made then).
const LATEST_MS: i64 = 253_402_300_799_999;

/// `submittedAt` (milliseconds, as a number or its text): now when absent.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for anything but a number of milliseconds.
fn submitted_at(body: &Value) -> Result<Option<i64>, ApiError> {
    let at = match &body["submittedAt"] {
        Value::Null => return Ok(None),
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    at.filter(|ms| (0..=LATEST_MS).contains(ms))
        .map(Some)
        .ok_or_else(|| {
            ApiError::validation(
                "Invalid input JSON: submittedAt must be a timestamp in milliseconds",
            )
        })
}

/// The refusals of contact property values that pass the form's own checks but not the
/// property's (an option a property does not list, a date that is not one): HubSpot's
/// property codes become the submission's error types.
fn property_refusals(err: &ApiError) -> Vec<Refusal> {
    err.errors()
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let name = e["context"]["propertyName"][0].as_str().unwrap_or_default();
            let error_type = match e["code"].as_str().unwrap_or_default() {
                "INVALID_EMAIL" => "INVALID_EMAIL",
                "INVALID_INTEGER" => "INVALID_NUMBER",
                _ => "VALUE_NOT_IN_FIELD_DEFINITION",
            };
            Refusal::field(
                error_type,
                name,
                e["message"].as_str().unwrap_or("Invalid value"),
            )
        })
        .collect()
}

/// The non-empty values of `object_type` (`0-1`, `0-2`) among `values`, as properties.
fn properties_of(values: &[Submitted], object_type: &str) -> Map<String, Value> {
    values
        .iter()
        .filter(|(t, _, v)| t == object_type && !v.is_empty())
        .map(|(_, n, v)| (n.clone(), json!(v)))
        .collect()
}

/// `properties` checked as a write of `object_type` makes them (`Ok(Err)`: the refusals of
/// values the properties do not take).
async fn checked(
    client: &impl GenericClient,
    object_type: &ObjectType,
    properties: &Map<String, Value>,
) -> Result<Result<Changes, Vec<Refusal>>, ApiError> {
    match objects::check_all(client, object_type, std::slice::from_ref(properties)).await {
        Ok(checked) => Ok(Ok(checked.changes.into_iter().next().unwrap_or_default())),
        Err(err) if err.status() == StatusCode::BAD_REQUEST => Ok(Err(property_refusals(&err))),
        Err(err) => Err(err),
    }
}

/// Applies `changes` to the live object `id` of `object_type` in `tx`, queueing its change
/// events.
async fn update(
    tx: &impl GenericClient,
    object_type: &ObjectType,
    id: i64,
    changes: &Changes,
    events: &mut Vec<Event>,
) -> Result<(), ApiError> {
    let (_, old) = model::update(tx, &object_type.name, id, changes)
        .await
        .map_err(write_error)?
        .ok_or_else(ApiError::not_found)?;
    objects::change_events(object_type, id, changes, &old, events);
    Ok(())
}

/// The company a contact's company values go to: its primary company (HubSpot's type 1),
/// else the first it is associated with; none when it has no company.
async fn company_of(client: &impl GenericClient, contact: i64) -> Result<Option<i64>, ApiError> {
    let linked = assoc::list(client, contact, "companies", 0, 100).await?;
    let primary = linked
        .iter()
        .find(|(_, kinds)| kinds.iter().any(|k| k.type_id == PRIMARY_COMPANY));
    Ok(primary.or(linked.first()).map(|(id, _)| *id))
}

/// HubSpot's association type of a contact's primary company (contact to company).
const PRIMARY_COMPANY: i32 = 1;

/// HubSpot's association type of a company to its primary contact's inverse (company to
/// contact, primary).
const COMPANY_TO_CONTACT_PRIMARY: i32 = 2;

/// What a submission's consent opts its address into: `(legal basis, its explanation (the
/// consent's text), subscription types)`: the communications given `value: true` under
/// `consent` (`CONSENT_WITH_NOTICE`), or the `legitimateInterest`'s type (HubSpot's legitimate
/// interest bases: `CUSTOMER` a client's, `LEAD` a prospect's, any other `OTHER`).
fn opted_in(body: &Value) -> Option<(&'static str, String, Vec<i64>)> {
    let options = &body["legalConsentOptions"];
    let id = |v: &Value| {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    };
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    if let Some(consent) = options["consent"].as_object() {
        let chosen = consent
            .get("communications")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|c| c["value"] == true)
            .filter_map(|c| id(&c["subscriptionTypeId"]))
            .collect();
        let explanation = text(consent.get("text").unwrap_or(&Value::Null));
        return Some(("CONSENT_WITH_NOTICE", explanation, chosen));
    }
    let interest = options["legitimateInterest"].as_object()?;
    let basis = match interest.get("legalBasis").and_then(Value::as_str) {
        Some("CUSTOMER") => "LEGITIMATE_INTEREST_CLIENT",
        Some("LEAD") => "LEGITIMATE_INTEREST_PQL",
        _ => "LEGITIMATE_INTEREST_OTHER",
    };
    let chosen = interest
        .get("subscriptionTypeId")
        .and_then(id)
        .into_iter()
        .collect();
    Some((
        basis,
        text(interest.get("text").unwrap_or(&Value::Null)),
        chosen,
    ))
}

/// Writes what the submission describes in one transaction with the submission: the contact
/// its `email` names (created when no live contact has it) with the contact values (`0-1`), and
/// the company values (`0-2`) on the contact's primary company (one created and made its
/// primary company when it has none), queueing their webhooks; a submission without an email
/// writes no contact or company.
///
/// # Errors
///
/// The refusals of values the properties do not take (inside); the statements' errors.
async fn record(
    kit: &Kit,
    form_id: &str,
    body: &Value,
    values: &[Submitted],
) -> Result<Result<(), Vec<Refusal>>, ApiError> {
    let contacts = types::lookup("contacts").ok_or_else(ApiError::not_found)?;
    let companies = types::lookup("companies").ok_or_else(ApiError::not_found)?;
    let contact_values = properties_of(values, "0-1");
    let company_values = properties_of(values, "0-2");
    let email = contact_values.get("email").and_then(Value::as_str);
    let mut client = kit.db().await?;
    let mut writes = None;
    if let Some(email) = email {
        let existing = model::find_by(&client, "contacts", "email", email).await?;
        let contact_changes = match checked(&client, contacts, &contact_values).await? {
            Ok(changes) => changes,
            Err(refusals) => return Ok(Err(refusals)),
        };
        let company_changes = match checked(&client, companies, &company_values).await? {
            Ok(changes) => changes,
            Err(refusals) => return Ok(Err(refusals)),
        };
        let existing = existing.map(|c| c.id);
        let company = match existing {
            Some(id) => company_of(&client, id).await?,
            None => None,
        };
        writes = Some((existing, contact_changes, company, company_changes));
    }
    let tx = client.transaction().await?;
    let mut events = Vec::new();
    let mut contact_id = None;
    if let Some((existing, contact_changes, company, company_changes)) = writes {
        let id = match existing {
            Some(id) => {
                update(&tx, contacts, id, &contact_changes, &mut events).await?;
                id
            }
            None => objects::create_many(&tx, contacts, &[&contact_changes], &[], &mut events)
                .await
                .map_err(write_error)?
                .first()
                .map(|c| c.id)
                .ok_or_else(ApiError::not_found)?,
        };
        match company {
            _ if company_changes.is_empty() => {}
            Some(company) => update(&tx, companies, company, &company_changes, &mut events).await?,
            None => {
                let link = vec![(
                    id,
                    vec![("HUBSPOT_DEFINED".to_owned(), COMPANY_TO_CONTACT_PRIMARY)],
                )];
                objects::create_many(&tx, companies, &[&company_changes], &[link], &mut events)
                    .await
                    .map_err(write_error)?;
            }
        }
        contact_id = Some(id);
    }
    if let (Some(email), Some((basis, explanation, subscriptions))) = (email, opted_in(body)) {
        preferences::opt_in(&tx, email, &subscriptions, basis, &explanation).await?;
    }
    let submitted: Vec<Value> = values
        .iter()
        .map(|(t, n, v)| json!({ "objectTypeId": t, "name": n, "value": v }))
        .collect();
    let consent = body
        .get("legalConsentOptions")
        .filter(|v| !v.is_null())
        .map(Value::to_string);
    tx.execute(
        "INSERT INTO form_submissions
             (form_id, submitted_at, field_values, page_url, consent, contact_id)
         VALUES ($1::text::uuid, coalesce(to_timestamp($2::bigint / 1000.0), now()),
                 $3::text::jsonb, $4, $5::text::jsonb, $6)",
        &[
            &form_id,
            &submitted_at(body)?,
            &Value::Array(submitted).to_string(),
            &body["context"]["pageUri"].as_str(),
            &consent,
            &contact_id,
        ],
    )
    .await?;
    commit_with(kit, tx, &events).await?;
    Ok(Ok(()))
}

/// A submission to the form the path names: checked, recorded, answered with the form's
/// thank-you message or its redirect.
async fn accept(call: &Call, body: &Value) -> ApiResult {
    object(body)?;
    let guid = call.param("form_guid");
    let client = call.kit.db().await?;
    let form = if call.param("portal_id") == PORTAL_ID && is_uuid(guid) {
        stored(&client, Some(guid), false).await?
    } else {
        None
    };
    drop(client);
    let (form, _) = form.ok_or_else(no_form)?;
    let values = submitted(body)?;
    submitted_at(body)?;
    if form["configuration"]["recaptchaEnabled"] == true {
        return Ok(refused(&[Refusal {
            error_type: "FORM_HAS_RECAPTCHA_ENABLED",
            message: "This form can't receive API submissions as Captcha is enabled".to_owned(),
        }]));
    }
    let refusals = check(&form, body, &values);
    if !refusals.is_empty() {
        return Ok(refused(&refusals));
    }
    if let Err(refusals) = record(&call.kit, guid, body, &values).await? {
        return Ok(refused(&refusals));
    }
    let action = &form["configuration"]["postSubmitAction"];
    let text = action["value"].as_str().unwrap_or_default();
    let answer = if action["type"] == "redirect_url" {
        json!({ "redirectUri": text })
    } else if text.is_empty() {
        json!({ "inlineMessage": THANK_YOU })
    } else {
        json!({ "inlineMessage": text })
    };
    Ok(axum::Json(answer).into_response())
}

/// `POST /submissions/v3/integration/submit/{portalId}/{formGuid}` (no credentials).
async fn submit(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    accept(&call, &body).await
}

/// `POST /submissions/v3/integration/secure/submit/{portalId}/{formGuid}` (`forms` scope).
async fn submit_secure(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    accept(&call, &body).await
}

/// `GET /form-integrations/v1/submissions/forms/{formGuid}` (`limit` ≤ 50, `after`): the
/// form's submissions, newest first, `{results: [{conversionId, submittedAt, values,
/// pageUrl}], paging}`.
async fn submissions(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let limit = args.limit(20, 50)?;
    let after = after(args.get("after"))?;
    let guid = call.param("form_guid");
    let client = call.kit.db().await?;
    let known = is_uuid(guid) && form_exists(&client, guid).await?;
    if !known {
        return Err(no_form());
    }
    let mut rows = client
        .query(
            "SELECT json_build_object('conversionId', conversion_id::text,
                     'submittedAt', (extract(epoch FROM submitted_at) * 1000)::bigint,
                     'values', field_values, 'pageUrl', page_url)::text, id
                 FROM form_submissions
                 WHERE form_id = $1::text::uuid AND ($2::bigint = 0 OR id < $2)
                 ORDER BY id DESC LIMIT $3",
            &[&guid, &after, &(limit + 1)],
        )
        .await?;
    let next = next_after(&mut rows, limit, |row| row.get::<_, i64>(1).to_string());
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    let link = format!(
        "{}/form-integrations/v1/submissions/forms/{guid}",
        call.kit.config().public_url
    );
    Ok(axum::Json(page(results, next, &link)).into_response())
}

/// Whether the form `id` exists (live or archived: an archived form's submissions stay).
async fn form_exists(client: &impl GenericClient, id: &str) -> Result<bool, ApiError> {
    Ok(client
        .query_opt("SELECT 1 FROM forms WHERE id = $1::text::uuid", &[&id])
        .await?
        .is_some())
}
