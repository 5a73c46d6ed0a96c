//! Communication preferences v4's batches (no SDK the suites run has a method for them; both
//! reach them through their clients' raw request): statuses of several subscribers read or
//! written at once, the portal-wide opt-out (`unsubscribe-all`) of several addresses, and its
//! read. Each answers HubSpot's batch envelope, 207 with an error per refused input while the
//! others are read or written. The opt-out and its read of one subscriber are here too.

use std::collections::HashMap;

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{
    Change, READ, STATUS_V4, WRITE, address, addresses, channel, completed, every_status, inputs,
    lock, now_iso, status_state, write_v4,
};
use crate::error::{ApiError, ApiResult};
use crate::objects::model::ISO;
use crate::objects::{batch_answer, batch_error};
use crate::request::{Args, Call, JsonBody, object};

/// The scope v4's batch status writes need (HubSpot's granular one).
const BATCH_WRITE: &str = "communication_preferences.statuses.batch.write";
/// The scope v4's batch status reads need.
const BATCH_READ: &str = "communication_preferences.statuses.batch.read";

/// The batch routes.
pub(super) fn routes() -> Router<Kit> {
    Router::new()
        .route(
            "/communication-preferences/v4/statuses/batch/read",
            post(read),
        )
        .route(
            "/communication-preferences/v4/statuses/batch/write",
            post(write),
        )
        .route(
            "/communication-preferences/v4/statuses/batch/unsubscribe-all",
            post(unsubscribe_all),
        )
        .route(
            "/communication-preferences/v4/statuses/batch/unsubscribe-all/read",
            post(read_opt_outs),
        )
        .route(
            "/communication-preferences/v4/statuses/{subscriberIdString}/unsubscribe-all",
            get(read_opt_out).post(unsubscribe_one),
        )
}

/// The batch answer for `outcomes`, one per input: a result, or a refusal (400s only: any
/// other error stops the batch).
///
/// # Errors
///
/// The first error of an input that is not a refusal of that input.
fn answer(started: &str, outcomes: Vec<Result<Value, ApiError>>) -> ApiResult {
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    for outcome in outcomes {
        match outcome {
            Ok(result) => results.push(result),
            Err(err) if err.status() == StatusCode::BAD_REQUEST => errors.push(batch_error(&err)),
            Err(err) => return Err(err),
        }
    }
    Ok(batch_answer(StatusCode::OK, results, errors, started))
}

/// A refusal of one input, naming the subscriber it was for.
fn for_subscriber(err: ApiError, subscriber: &str) -> ApiError {
    if err.status() != StatusCode::BAD_REQUEST {
        return err;
    }
    err.with("context", json!({ "subscriberIdString": [subscriber] }))
}

/// `POST /communication-preferences/v4/statuses/batch/read?channel=EMAIL` `{inputs: [address]}`
/// → `{status, results: [{subscriberIdString, statuses}], startedAt, completedAt}`, each
/// address's statuses as the single read answers them; 207 with the invalid addresses.
async fn read(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[BATCH_READ]).await?;
    channel(args.get("channel"))?;
    let started = now_iso();
    let given = addresses(&body)?;
    let client = call.kit.db().await?;
    let mut outcomes = Vec::with_capacity(given.len());
    for subscriber in given {
        outcomes.push(match address(subscriber) {
            Ok(email) => {
                let statuses = every_status(&client, STATUS_V4, &email).await?;
                Ok(json!({ "subscriberIdString": email, "statuses": statuses }))
            }
            Err(err) => Err(for_subscriber(err, subscriber)),
        });
    }
    answer(&started, outcomes)
}

/// `POST /communication-preferences/v4/statuses/batch/write` `{inputs: [{channel, statusState,
/// subscriberIdString, subscriptionId, legalBasis?, legalBasisExplanation?}]}` → each written
/// status (`PublicStatus` with its `setStatusSuccessReason`, [`write_v4`]), 207 with the
/// refused inputs: an invalid address, an unknown subscription type, a resubscribe without a
/// legal basis and its explanation, a field missing or of another value.
async fn write(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[BATCH_WRITE]).await?;
    let started = now_iso();
    let inputs = inputs(&body, "BatchInputPublicStatusRequest")?;
    let requests: Vec<Result<(Change, bool), ApiError>> = inputs.iter().map(request).collect();
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let emails = requests.iter().flatten().map(|(c, _)| c.email.as_str());
    lock(&tx, emails).await?;
    let mut outcomes = Vec::with_capacity(requests.len());
    for (input, request) in inputs.iter().zip(requests) {
        let subscriber = input["subscriberIdString"].as_str().unwrap_or_default();
        let outcome = match request {
            Ok((change, subscribed)) => write_v4(&tx, &change, subscribed).await,
            Err(err) => Err(err),
        };
        outcomes.push(outcome.map_err(|err| for_subscriber(err, subscriber)));
    }
    let answer = answer(&started, outcomes)?;
    tx.commit().await?;
    Ok(answer)
}

/// One input of a batch write: the change it asks and whether it subscribes.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for a missing field, another channel or state, [`Change::read`]'s.
fn request(input: &Value) -> Result<(Change, bool), ApiError> {
    object(input)?;
    let required = [
        "channel",
        "statusState",
        "subscriberIdString",
        "subscriptionId",
    ];
    let unset: Vec<&str> = required
        .into_iter()
        .filter(|name| input.get(name).is_none_or(Value::is_null))
        .collect();
    if !unset.is_empty() {
        return Err(ApiError::unbuilt("PublicStatusRequest", &unset));
    }
    channel(input["channel"].as_str())?;
    let subscribed = status_state(input.get("statusState"), "PublicStatusRequest")?;
    let mut given = input.clone();
    given["emailAddress"] = input["subscriberIdString"].clone();
    Ok((Change::read(&given)?, subscribed))
}

/// `verbose`: `true` or `false` (absent: `false`).
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for another value.
fn verbose(args: &Args) -> Result<bool, ApiError> {
    match args.get("verbose") {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::validation(format!(
            "verbose must be true or false, got {other}"
        ))),
    }
}

/// `POST /communication-preferences/v4/statuses/batch/unsubscribe-all?channel=EMAIL&verbose=`
/// `{inputs: [address]}` → `{results: [{subscriberIdString, statuses?}]}`: each address opts
/// out of all email (its portal-wide status) and is unsubscribed from every subscription type;
/// `verbose=true` answers each type's status (`UNSUBSCRIBE_FROM_ALL_OCCURRED`, or
/// `NO_STATUS_CHANGE` where it was unsubscribed already). An invalid address is refused in a
/// 207, the others written.
async fn unsubscribe_all(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[BATCH_WRITE]).await?;
    channel(args.get("channel"))?;
    let verbose = verbose(&args)?;
    let started = now_iso();
    let given = addresses(&body)?;
    let emails: Vec<Result<String, ApiError>> = given.iter().map(|g| address(g)).collect();
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, emails.iter().flatten().map(String::as_str)).await?;
    let mut outcomes = Vec::with_capacity(emails.len());
    for (subscriber, email) in given.iter().zip(emails) {
        let outcome = match email {
            Ok(email) => opt_out(&tx, &email, verbose).await,
            Err(err) => Err(err),
        };
        outcomes.push(outcome.map_err(|err| for_subscriber(err, subscriber)));
    }
    let answer = answer(&started, outcomes)?;
    tx.commit().await?;
    Ok(answer)
}

/// `POST /communication-preferences/v4/statuses/{subscriberIdString}/unsubscribe-all?channel=EMAIL&verbose=`
/// → `{status, results, startedAt, completedAt}`: the address opts out of all email as in
/// [`unsubscribe_all`]; `results` holds its statuses when `verbose=true`, else nothing.
async fn unsubscribe_one(call: Call, args: Args) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    channel(args.get("channel"))?;
    let verbose = verbose(&args)?;
    let started = now_iso();
    let email = address(call.param("subscriberIdString"))?;
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    lock(&tx, [email.as_str()]).await?;
    let mut result = opt_out(&tx, &email, verbose).await?;
    tx.commit().await?;
    let statuses = match result["statuses"].take() {
        Value::Array(statuses) => statuses,
        _ => Vec::new(),
    };
    Ok(axum::Json(completed(&started, statuses)).into_response())
}

/// Opts `email` out of all email (its address locked): the portal-wide opt-out and an
/// unsubscribe from every active type; its result (with its statuses when `verbose`).
///
/// # Errors
///
/// The statements' errors.
async fn opt_out(tx: &impl GenericClient, email: &str, verbose: bool) -> Result<Value, ApiError> {
    let before: HashMap<i64, bool> = tx
        .query(
            "SELECT subscription_id, subscribed FROM subscription_statuses WHERE email = $1",
            &[&email],
        )
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    tx.execute(
        "INSERT INTO subscription_opt_outs (email) VALUES ($1) ON CONFLICT (email) DO NOTHING",
        &[&email],
    )
    .await?;
    tx.execute(
        "INSERT INTO subscription_statuses (email, subscription_id, subscribed)
         SELECT $1, id, false FROM subscription_definitions WHERE is_active
         ON CONFLICT (email, subscription_id) DO UPDATE
         SET subscribed = false,
             updated_at = CASE WHEN subscription_statuses.subscribed THEN now()
                               ELSE subscription_statuses.updated_at END",
        &[&email],
    )
    .await?;
    let mut result = json!({ "subscriberIdString": email });
    if verbose {
        let mut statuses = every_status(tx, STATUS_V4, email).await?;
        for status in &mut statuses {
            let id = status["subscriptionId"].as_i64().unwrap_or_default();
            let reason = if before.get(&id) == Some(&false) {
                "NO_STATUS_CHANGE"
            } else {
                "UNSUBSCRIBE_FROM_ALL_OCCURRED"
            };
            status["setStatusSuccessReason"] = json!(reason);
        }
        result["statuses"] = Value::Array(statuses);
    }
    Ok(result)
}

/// `POST /communication-preferences/v4/statuses/batch/unsubscribe-all/read?channel=EMAIL`
/// `{inputs: [address]}` → `{results: [{subscriberIdString, wideStatuses}]}`: an address that
/// opted out of all email has its `PORTAL_WIDE` `UNSUBSCRIBED` wide status, any other none (as
/// HubSpot's single read answers no result for it). An invalid address is refused in a 207.
async fn read_opt_outs(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[BATCH_READ]).await?;
    channel(args.get("channel"))?;
    let started = now_iso();
    let given = addresses(&body)?;
    let emails: Vec<Result<String, ApiError>> = given.iter().map(|g| address(g)).collect();
    let valid: Vec<&str> = emails.iter().flatten().map(String::as_str).collect();
    let opted = opted_out(&call.kit.db().await?, &valid).await?;
    let outcomes = given
        .iter()
        .zip(emails)
        .map(|(subscriber, email)| {
            let email = email.map_err(|err| for_subscriber(err, subscriber))?;
            let wide = opted.get(&email).cloned().unwrap_or_default();
            Ok(json!({ "subscriberIdString": email, "wideStatuses": wide }))
        })
        .collect();
    answer(&started, outcomes)
}

/// `GET /communication-preferences/v4/statuses/{subscriberIdString}/unsubscribe-all?channel=EMAIL`
/// → `{status, results, startedAt, completedAt}`: the address's `PORTAL_WIDE` `UNSUBSCRIBED`
/// wide status if it opted out of all email, else no result (HubSpot's reference: an empty
/// `results` for a contact that has not opted out).
async fn read_opt_out(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    channel(args.get("channel"))?;
    let started = now_iso();
    let email = address(call.param("subscriberIdString"))?;
    let opted = opted_out(&call.kit.db().await?, &[&email]).await?;
    let wide = opted.get(&email).cloned().unwrap_or_default();
    Ok(axum::Json(completed(&started, wide)).into_response())
}

/// The wide statuses of those of `emails` that opted out of all email, by address: each one
/// `PORTAL_WIDE` `UNSUBSCRIBED` wide status, timed by its opt-out.
///
/// # Errors
///
/// The statement's error.
async fn opted_out(
    client: &impl GenericClient,
    emails: &[&str],
) -> Result<HashMap<String, Vec<Value>>, ApiError> {
    let rows = client
        .query(
            &format!(
                "SELECT email, to_char(created_at AT TIME ZONE 'UTC', {ISO})
                 FROM subscription_opt_outs WHERE email = ANY($1)"
            ),
            &[&emails],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| {
            let (email, at): (String, String) = (row.get(0), row.get(1));
            let wide = json!({"channel": "EMAIL", "status": "UNSUBSCRIBED",
                              "subscriberIdString": email, "timestamp": at,
                              "wideStatusType": "PORTAL_WIDE"});
            (email, vec![wide])
        })
        .collect())
}
