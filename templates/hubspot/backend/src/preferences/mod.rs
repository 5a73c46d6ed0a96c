//! Communication preferences v3 (`communicationPreferences` / `communication_preferences` in
//! both SDKs): the portal's email subscription types, an address's status in each, and
//! subscribing or unsubscribing it; and v4's single-subscriber statuses and definitions (no
//! SDK calls them), over the same statuses, and v4's batch writes and portal-wide opt-outs
//! ([`batch`]). An explicit unsubscribe is final through the API, as HubSpot's is.

mod batch;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::names;
use crate::objects::model::ISO;
use crate::objects::render::json_column;
use crate::request::{Args, Call, JsonBody, object, optional_text};
use crate::values::valid_email;

/// The scope reading definitions and statuses needs.
pub(super) const READ: &str = "communication_preferences.read";
/// The scope subscribing and unsubscribing needs.
pub(super) const WRITE: &str = "communication_preferences.write";

/// The legal bases a status change may give (HubSpot's enumeration).
const LEGAL_BASES: [&str; 7] = [
    "CONSENT_WITH_NOTICE",
    "LEGITIMATE_INTEREST_CLIENT",
    "LEGITIMATE_INTEREST_OTHER",
    "LEGITIMATE_INTEREST_PQL",
    "NON_GDPR",
    "PERFORMANCE_OF_CONTRACT",
    "PROCESS_AND_STORE",
];

/// The communication preferences routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            "/communication-preferences/v3/definitions",
            get(definitions),
        )
        .route(
            "/communication-preferences/v3/status/email/{emailAddress}",
            get(statuses),
        )
        .route("/communication-preferences/v3/subscribe", post(subscribe))
        .route(
            "/communication-preferences/v3/unsubscribe",
            post(unsubscribe),
        )
        .route(
            "/communication-preferences/v4/definitions",
            get(definitions_v4),
        )
        .route(
            "/communication-preferences/v4/statuses/{subscriberIdString}",
            get(statuses_v4).post(change_v4),
        )
        .merge(batch::routes())
}

/// How many addresses one batch read takes (the clone's bound: HubSpot documents none).
const BATCH_LIMIT: usize = 100;

/// `GET /communication-preferences/v3/definitions` → `{subscriptionDefinitions}`.
async fn definitions(call: Call) -> ApiResult {
    let all = all_definitions(&call).await?;
    Ok(axum::Json(json!({ "subscriptionDefinitions": all })).into_response())
}

/// `GET /communication-preferences/v4/definitions` → the definitions in v4's envelope.
async fn definitions_v4(call: Call) -> ApiResult {
    let started = now_iso();
    let all = all_definitions(&call).await?;
    Ok(axum::Json(completed(&started, all)).into_response())
}

/// v4's `ActionResponseWithResults…`: `results`, done at once.
pub(super) fn completed(started: &str, results: Vec<Value>) -> Value {
    json!({"status": "COMPLETE", "results": results, "startedAt": started,
           "completedAt": now_iso()})
}

/// The current instant in HubSpot's form.
pub(super) fn now_iso() -> String {
    crate::objects::now()
}

/// Every subscription definition, after checking the read scope.
async fn all_definitions(call: &Call) -> Result<Vec<Value>, ApiError> {
    call.authorize(&[READ]).await?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT json_build_object('id', id::text, 'name', name,
                     'description', description, 'purpose', purpose,
                     'communicationMethod', communication_method, 'isActive', is_active,
                     'isDefault', is_default, 'isInternal', is_internal,
                     'createdAt', to_char(created_at AT TIME ZONE 'UTC', {ISO}),
                     'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', {ISO}))::text
                 FROM subscription_definitions ORDER BY id"
            ),
            &[],
        )
        .await?;
    Ok(rows.iter().map(|row| json_column(row, 0)).collect())
}

/// One column: the `PublicSubscriptionStatus` of the definition `d` for the status row `s`
/// (none: never opted in or out, `NOT_SUBSCRIBED`).
const STATUS: &str = "json_strip_nulls(json_build_object('id', d.id::text, 'name', d.name,
        'description', d.description,
        'status', CASE WHEN s.subscribed THEN 'SUBSCRIBED' ELSE 'NOT_SUBSCRIBED' END,
        'sourceOfStatus', 'SUBSCRIPTION_STATUS',
        'legalBasis', s.legal_basis, 'legalBasisExplanation', s.legal_basis_explanation))::text";

/// One column: v4's `PublicStatus` of the definition `d` for the status row `s` of the address
/// `$1` (none: `NOT_SPECIFIED`; an explicit unsubscribe: `UNSUBSCRIBED`).
pub(super) const STATUS_V4: &str = "json_strip_nulls(json_build_object('channel', 'EMAIL',
        'subscriberIdString', $1::text, 'subscriptionId', d.id, 'subscriptionName', d.name,
        'status', CASE WHEN s.subscribed THEN 'SUBSCRIBED'
                       WHEN NOT s.subscribed THEN 'UNSUBSCRIBED' ELSE 'NOT_SPECIFIED' END,
        'source', 'PUBLIC_API', 'legalBasis', s.legal_basis,
        'legalBasisExplanation', s.legal_basis_explanation,
        'timestamp', to_char(coalesce(s.updated_at, d.updated_at) AT TIME ZONE 'UTC',
                             'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')))::text";

/// `GET /communication-preferences/v4/statuses/{subscriberIdString}?channel=EMAIL` → the
/// address's status in each active subscription type, in v4's envelope.
async fn statuses_v4(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    channel(args.get("channel"))?;
    let started = now_iso();
    let email = address(call.param("subscriberIdString"))?;
    let all = every_status(&call.kit.db().await?, STATUS_V4, &email).await?;
    Ok(axum::Json(completed(&started, all)).into_response())
}

/// The `inputs` of a batch body of `model` (≤ [`BATCH_LIMIT`]).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for a body that is not an object, no `inputs` array, too many.
pub(super) fn inputs<'a>(body: &'a Value, model: &str) -> Result<&'a [Value], ApiError> {
    object(body)?;
    let inputs = body
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or_else(|| ApiError::unbuilt(model, &["inputs"]))?;
    if inputs.len() > BATCH_LIMIT {
        return Err(ApiError::validation(format!(
            "A batch takes at most {BATCH_LIMIT} inputs, got {}",
            inputs.len()
        )));
    }
    Ok(inputs)
}

/// The addresses of a `BatchInputString` body, as given (checked one by one by the caller).
///
/// # Errors
///
/// [`inputs`]' 400s; 400 `VALIDATION_ERROR` for an input that is not a string.
pub(super) fn addresses(body: &Value) -> Result<Vec<&str>, ApiError> {
    inputs(body, "BatchInputString")?
        .iter()
        .map(|input| {
            input.as_str().ok_or_else(|| {
                ApiError::validation("Invalid input JSON: each input must be an email address")
            })
        })
        .collect()
}

/// v4's `channel`, which must be `EMAIL` (its only value).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for another or none.
pub(super) fn channel(given: Option<&str>) -> Result<(), ApiError> {
    match given {
        Some("EMAIL") => Ok(()),
        other => Err(ApiError::validation(format!(
            "channel must be EMAIL, got {}",
            other.unwrap_or("nothing")
        ))),
    }
}

/// Whether a v4 `statusState` (of a body of `model`) subscribes: `SUBSCRIBED` or
/// `UNSUBSCRIBED`.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for none, another value, or `NOT_SPECIFIED` (clearing a status, not
/// served: `subCategory: NOT_IMPLEMENTED`).
pub(super) fn status_state(given: Option<&Value>, model: &str) -> Result<bool, ApiError> {
    match given.and_then(Value::as_str) {
        Some("SUBSCRIBED") => Ok(true),
        Some("UNSUBSCRIBED") => Ok(false),
        Some("NOT_SPECIFIED") => Err(ApiError::validation(
            "statusState NOT_SPECIFIED (clearing a status) is not served by the clone",
        )
        .with("subCategory", json!("NOT_IMPLEMENTED"))),
        _ if given.is_none_or(Value::is_null) => Err(ApiError::unbuilt(model, &["statusState"])),
        _ => Err(ApiError::validation(format!(
            "statusState must be one of SUBSCRIBED, UNSUBSCRIBED, NOT_SPECIFIED, got {}",
            given.map(Value::to_string).unwrap_or_default()
        ))),
    }
}

/// `POST /communication-preferences/v4/statuses/{subscriberIdString}` `{channel, statusState:
/// SUBSCRIBED | UNSUBSCRIBED, subscriptionId, legalBasis?, legalBasisExplanation?}` → the
/// status written ([`write_v4`]: a change, no change, or a resubscribe), in v4's envelope.
async fn change_v4(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let started = now_iso();
    object(&body)?;
    channel(body.get("channel").and_then(Value::as_str))?;
    let subscribed = status_state(body.get("statusState"), "PartialPublicStatusRequest")?;
    let mut given = body.clone();
    given["emailAddress"] = json!(call.param("subscriberIdString"));
    let change = Change::read(&given)?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, [change.email.as_str()]).await?;
    let status = write_v4(&tx, &change, subscribed).await?;
    tx.commit().await?;
    Ok(axum::Json(completed(&started, vec![status])).into_response())
}

/// Writes one v4 status (its address locked) and renders it with its
/// `setStatusSuccessReason`: `NO_STATUS_CHANGE` for a status already so,
/// `RESUBSCRIBE_OCCURRED` for a subscribe of an address that unsubscribed (from the type or
/// from all email: v4 resubscribes, as HubSpot's v3 guide says v3 does not), which needs the
/// contact's consent on record, a `legalBasis` and its `legalBasisExplanation` (as HubSpot's
/// manual resubscribe asks), and lifts the address's opt-out of all email;
/// `REQUESTED_CHANGE_OCCURRED` for any other.
///
/// # Errors
///
/// 400 for an unknown type or a resubscribe without its legal basis; the statements'.
pub(super) async fn write_v4(
    tx: &impl GenericClient,
    change: &Change,
    subscribed: bool,
) -> Result<Value, ApiError> {
    known(tx, change).await?;
    let reason = match (held(tx, change).await?, subscribed) {
        (Some(held), wanted) if held == wanted => "NO_STATUS_CHANGE",
        (Some(false), true) => {
            if !change.has_legal_basis() {
                return Err(resubscribe_without_basis());
            }
            store(tx, change, true).await?;
            tx.execute(
                "DELETE FROM subscription_opt_outs WHERE email = $1",
                &[&change.email],
            )
            .await?;
            "RESUBSCRIBE_OCCURRED"
        }
        _ => {
            store(tx, change, subscribed).await?;
            "REQUESTED_CHANGE_OCCURRED"
        }
    };
    let mut status = one_status(tx, STATUS_V4, change).await?;
    status["setStatusSuccessReason"] = json!(reason);
    Ok(status)
}

/// The address `email`'s status in each active subscription type, as `projection` ([`STATUS`],
/// [`STATUS_V4`]) renders it.
pub(super) async fn every_status(
    client: &impl GenericClient,
    projection: &str,
    email: &str,
) -> Result<Vec<Value>, ApiError> {
    let rows = client
        .query(
            &format!(
                "SELECT {projection} FROM subscription_definitions d
                 LEFT JOIN subscription_statuses s ON s.subscription_id = d.id AND s.email = $1
                 WHERE d.is_active ORDER BY d.id"
            ),
            &[&email],
        )
        .await?;
    Ok(rows.iter().map(|row| json_column(row, 0)).collect())
}

/// The status `change` wrote, as `projection` renders it.
pub(super) async fn one_status(
    client: &impl GenericClient,
    projection: &str,
    change: &Change,
) -> Result<Value, ApiError> {
    let row = client
        .query_one(
            &format!(
                "SELECT {projection} FROM subscription_statuses s
                 JOIN subscription_definitions d ON d.id = s.subscription_id
                 WHERE s.email = $1 AND s.subscription_id = $2"
            ),
            &[&change.email, &change.subscription],
        )
        .await?;
    Ok(json_column(&row, 0))
}

/// An address the path or body names, compared in lower case.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for one that is not an email address.
pub(super) fn address(email: &str) -> Result<String, ApiError> {
    if valid_email(email) {
        Ok(email.to_lowercase())
    } else {
        Err(ApiError::validation(format!(
            "Email address {email} is invalid"
        )))
    }
}

/// `GET /communication-preferences/v3/status/email/{emailAddress}` → `{recipient,
/// subscriptionStatuses}`: the address's status in each active subscription type.
async fn statuses(call: Call) -> ApiResult {
    call.authorize(&[READ]).await?;
    let recipient = call.param("emailAddress");
    let email = address(recipient)?;
    let all = every_status(&call.kit.db().await?, STATUS, &email).await?;
    Ok(axum::Json(json!({ "recipient": recipient, "subscriptionStatuses": all })).into_response())
}

/// `POST /communication-preferences/v3/subscribe` `{emailAddress, subscriptionId,
/// legalBasis?, legalBasisExplanation?}` → the address's new status.
async fn subscribe(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    change(call, &body, true).await
}

/// `POST /communication-preferences/v3/unsubscribe` (the same body) → the new status.
async fn unsubscribe(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    change(call, &body, false).await
}

/// What a subscribe (`subscribed`) or unsubscribe body asks.
pub(super) struct Change {
    pub(super) email: String,
    pub(super) subscription: i64,
    legal_basis: Option<String>,
    explanation: Option<String>,
}

impl Change {
    /// The fields of `body`.
    ///
    /// # Errors
    ///
    /// 400 for a missing address or subscription id, an invalid address, a legal basis
    /// HubSpot does not list, a field of another shape.
    pub(super) fn read(body: &Value) -> Result<Self, ApiError> {
        object(body)?;
        let email = optional_text(body, "emailAddress")?;
        let subscription = optional_text(body, "subscriptionId")?;
        let (Some(email), Some(subscription)) = (email, subscription) else {
            let unset: Vec<&str> = ["emailAddress", "subscriptionId"]
                .into_iter()
                .filter(|name| body.get(name).is_none_or(Value::is_null))
                .collect();
            return Err(ApiError::unbuilt(
                "PublicUpdateSubscriptionStatusRequest",
                &unset,
            ));
        };
        let legal_basis = optional_text(body, "legalBasis")?;
        if let Some(basis) = legal_basis.as_deref().filter(|b| !LEGAL_BASES.contains(b)) {
            return Err(ApiError::validation(format!(
                "legalBasis must be one of {}, got {basis}",
                LEGAL_BASES.join(", ")
            )));
        }
        Ok(Self {
            email: address(&email)?,
            subscription: subscription.parse().map_err(|_| unknown(&subscription))?,
            legal_basis,
            explanation: optional_text(body, "legalBasisExplanation")?,
        })
    }
}

impl Change {
    /// Whether it gives a legal basis and a (not blank) explanation of it: what a resubscribe
    /// records of the contact's consent.
    fn has_legal_basis(&self) -> bool {
        self.legal_basis.is_some()
            && self
                .explanation
                .as_deref()
                .is_some_and(|text| !text.trim().is_empty())
    }
}

/// The clone's 400 for a subscription type the portal does not have.
fn unknown(subscription: &str) -> ApiError {
    ApiError::validation(format!("Subscription {subscription} does not exist"))
}

/// Sets the status `body` names to `subscribed`, under the address's lock so that two changes
/// of one address and type are taken one after the other.
///
/// # Errors
///
/// 400 for an unknown subscription type, a status already so, or subscribing an address
/// that unsubscribed; [`Change::read`]'s 400s; the statements' errors.
async fn change(call: Call, body: &Value, subscribed: bool) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let change = Change::read(body)?;
    apply(&call, &change, subscribed).await?;
    let status = one_status(&call.kit.db().await?, STATUS, &change).await?;
    Ok(axum::Json(status).into_response())
}

/// Writes `change` (to `subscribed`) under the address's lock, so that two changes of one
/// address and type are taken one after the other.
///
/// # Errors
///
/// 400 for an unknown subscription type, a status already so, or subscribing an address
/// that unsubscribed; the statements' errors.
async fn apply(call: &Call, change: &Change, subscribed: bool) -> Result<(), ApiError> {
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, [change.email.as_str()]).await?;
    known(&tx, change).await?;
    refuse_unchanged(&tx, change, subscribed).await?;
    store(&tx, change, subscribed).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes the status lock of each of `emails` (in one order, so batches cannot deadlock).
///
/// # Errors
///
/// The statement's error.
pub(super) async fn lock<'a>(
    tx: &impl GenericClient,
    emails: impl IntoIterator<Item = &'a str>,
) -> Result<(), ApiError> {
    let scopes: Vec<String> = emails
        .into_iter()
        .map(|email| format!("subscription status {email}"))
        .collect();
    Ok(names::lock(tx, &scopes).await?)
}

/// Refuses a change naming a subscription type the portal does not have (or not active).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR`; the statement's error.
pub(super) async fn known(tx: &impl GenericClient, change: &Change) -> Result<(), ApiError> {
    let known = tx
        .query_opt(
            "SELECT 1 FROM subscription_definitions WHERE id = $1 AND is_active",
            &[&change.subscription],
        )
        .await?;
    match known {
        Some(_) => Ok(()),
        None => Err(unknown(&change.subscription.to_string())),
    }
}

/// Writes the status `change` names as `subscribed`, with its legal basis.
///
/// # Errors
///
/// The statement's error.
pub(super) async fn store(
    tx: &impl GenericClient,
    change: &Change,
    subscribed: bool,
) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO subscription_statuses (email, subscription_id, subscribed,
                                            legal_basis, legal_basis_explanation)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email, subscription_id) DO UPDATE
         SET subscribed = $3, legal_basis = $4, legal_basis_explanation = $5,
             updated_at = now()",
        &[
            &change.email,
            &change.subscription,
            &subscribed,
            &change.legal_basis,
            &change.explanation,
        ],
    )
    .await?;
    Ok(())
}

/// Subscribes `email` (an address) in `tx` to each active type of `subscriptions` it has no
/// status for, with `legal_basis` and `explanation`, under the address's lock: the opt-in a
/// form's consent gives. An address that unsubscribed from a type, or opted out of all email,
/// stays so (a resubscribe is the v4 API's, with its own consent rules).
///
/// # Errors
///
/// The statements' errors.
pub(crate) async fn opt_in(
    tx: &impl GenericClient,
    email: &str,
    subscriptions: &[i64],
    legal_basis: &str,
    explanation: &str,
) -> Result<(), ApiError> {
    if subscriptions.is_empty() {
        return Ok(());
    }
    let email = email.to_lowercase();
    lock(tx, [email.as_str()]).await?;
    tx.execute(
        "INSERT INTO subscription_statuses (email, subscription_id, subscribed,
                                            legal_basis, legal_basis_explanation)
         SELECT $1, id, true, $3, $4 FROM subscription_definitions
         WHERE id = ANY($2) AND is_active
           AND NOT EXISTS (SELECT 1 FROM subscription_opt_outs WHERE email = $1)
         ON CONFLICT (email, subscription_id) DO NOTHING",
        &[&email, &subscriptions, &legal_basis, &explanation],
    )
    .await?;
    Ok(())
}

/// The status held for `change`'s address and type: subscribed, unsubscribed, or none.
///
/// # Errors
///
/// The statement's error.
pub(super) async fn held(
    tx: &impl GenericClient,
    change: &Change,
) -> Result<Option<bool>, ApiError> {
    Ok(tx
        .query_opt(
            "SELECT subscribed FROM subscription_statuses
             WHERE email = $1 AND subscription_id = $2",
            &[&change.email, &change.subscription],
        )
        .await?
        .map(|row| row.get(0)))
}

/// v3's refusal of a subscribe of an address that unsubscribed (HubSpot's v3 guide: it will
/// not resubscribe contacts who opted out).
fn resubscribe_refused() -> ApiError {
    ApiError::validation("You cannot subscribe an unsubscribed address.")
}

/// v4's refusal of a resubscribe that does not record the contact's consent (the text is the
/// clone's).
fn resubscribe_without_basis() -> ApiError {
    ApiError::validation(
        "You cannot subscribe an unsubscribed address without the contact's consent: a \
         resubscribe needs a legalBasis and its legalBasisExplanation.",
    )
}

/// Refuses a change that would leave the status as it is, and a subscribe of an address that
/// unsubscribed (HubSpot's API cannot undo an opt-out).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR`; the statement's error.
async fn refuse_unchanged(
    tx: &impl GenericClient,
    change: &Change,
    subscribed: bool,
) -> Result<(), ApiError> {
    let held = held(tx, change).await?;
    let (email, id) = (&change.email, change.subscription);
    match (held, subscribed) {
        (Some(true), true) => Err(ApiError::validation(format!(
            "{email} is already subscribed to subscription {id}"
        ))),
        (Some(false), false) => Err(ApiError::validation(format!(
            "{email} is already unsubscribed from subscription {id}"
        ))),
        (Some(false), true) => Err(resubscribe_refused()),
        _ => Ok(()),
    }
}
