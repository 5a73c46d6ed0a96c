//! What a handler reads from a request: the call (its path parameters and the private app
//! token, checked against the scopes a type needs), a bounded JSON body, and query arguments
//! (repeated or comma-separated lists, as the SDKs send them).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use asym_kit::Kit;
use asym_kit::body::{self, Limits};
use asym_kit::credentials::{self, Principal};
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde_json::Value;

use crate::error::ApiError;
use crate::expiry::{self, Left};
use crate::types::{self, ObjectType, Type};

/// The kind of credential an API call authenticates with: a private app token, or an OAuth
/// access token (minted the same way, or by a refresh).
pub(crate) const ACCESS_TOKEN: &str = "private_app";

/// The kind of credential provisioning mints as the app's developer API key.
pub(crate) const DEVELOPER_KEY: &str = "developer_api_key";

/// Every scope the clone checks: the provisioned token carries them all, and the OAuth app
/// is configured for them all (`/oauth/authorize` grants any of them).
pub(crate) const SCOPES: [&str; 40] = [
    "crm.objects.contacts.read",
    "crm.objects.contacts.write",
    "crm.objects.companies.read",
    "crm.objects.companies.write",
    "crm.objects.deals.read",
    "crm.objects.deals.write",
    "crm.objects.owners.read",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
    "crm.schemas.companies.read",
    "crm.schemas.companies.write",
    "crm.schemas.deals.read",
    "crm.schemas.deals.write",
    "tickets",
    "e-commerce",
    "crm.lists.read",
    "crm.lists.write",
    "crm.schemas.custom.read",
    "crm.schemas.custom.write",
    "crm.objects.custom.read",
    "crm.objects.custom.write",
    "crm.objects.quotes.read",
    "crm.objects.quotes.write",
    "crm.objects.leads.read",
    "crm.objects.leads.write",
    "crm.objects.users.read",
    "crm.objects.users.write",
    "crm.objects.goals.read",
    "crm.objects.goals.write",
    "crm.import",
    "timeline",
    "crm.export",
    "settings.users.read",
    "settings.users.write",
    "settings.users.teams.read",
    "communication_preferences.read",
    "communication_preferences.write",
    "communication_preferences.statuses.batch.read",
    "communication_preferences.statuses.batch.write",
    "forms",
];

/// The body limits every route reads with (HubSpot refuses bodies past a few MB).
pub(crate) const LIMITS: Limits = Limits {
    max_bytes: 3 << 20,
    max_depth: 32,
    max_keys: 10_000,
};

/// The caller named by `Authorization: Bearer <private app token>` (or an OAuth access token
/// minted the same way), whatever its scopes.
///
/// # Errors
///
/// 401 `INVALID_AUTHENTICATION` without a live token; 401 `EXPIRED_AUTHENTICATION` for an
/// OAuth access token past its `expires_in`.
pub(crate) async fn authenticate(kit: &Kit, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            value
                .strip_prefix("Bearer ")
                .or_else(|| value.strip_prefix("bearer "))
        })
        .map(str::trim);
    let principal = credential(kit, token, ACCESS_TOKEN)
        .await?
        .ok_or_else(ApiError::unauthenticated)?;
    if principal.name == expiry::ISSUED
        && let Left::Expired(ago, at) =
            expiry::left(&kit.db().await?, token.unwrap_or_default()).await?
    {
        return Err(expiry::expired(ago, &at));
    }
    Ok(principal)
}

/// The live credential of kind `kind` that `token` names; `None` for no token (or an empty
/// one), an unknown one or one of another kind.
///
/// # Errors
///
/// The credential store's error.
pub(crate) async fn credential(
    kit: &Kit,
    token: Option<&str>,
    kind: &str,
) -> Result<Option<Principal>, ApiError> {
    match token.filter(|token| !token.is_empty()) {
        None => Ok(None),
        Some(token) => Ok(credentials::authenticate(kit, token)
            .await?
            .filter(|p| p.kind == kind)),
    }
}

/// The developer API key `key` (a webhooks API call's `hapikey`) names.
///
/// # Errors
///
/// 401 `INVALID_AUTHENTICATION` when it names no live developer API key.
pub(crate) async fn developer(kit: &Kit, key: Option<&str>) -> Result<Principal, ApiError> {
    credential(kit, key, DEVELOPER_KEY)
        .await?
        .ok_or_else(ApiError::unauthenticated)
}

/// Refuses a caller that lacks one of `scopes`.
///
/// # Errors
///
/// 403 `MISSING_SCOPES`, naming them all.
fn require(principal: &Principal, scopes: &[&str]) -> Result<(), ApiError> {
    if scopes.iter().all(|scope| principal.has_scope(scope)) {
        Ok(())
    } else {
        Err(ApiError::missing_scopes(scopes))
    }
}

/// The caller, after checking `Authorization: Bearer <private app token>` ([`authenticate`])
/// and that it carries every scope in `scopes`.
///
/// # Errors
///
/// 401 `INVALID_AUTHENTICATION` without a live token; 403 `MISSING_SCOPES`.
pub(crate) async fn authorize(
    kit: &Kit,
    headers: &HeaderMap,
    scopes: &[&str],
) -> Result<Principal, ApiError> {
    let principal = authenticate(kit, headers).await?;
    require(&principal, scopes)?;
    Ok(principal)
}

/// The refusal of a call's body, held until the call's gate has checked the caller's scopes:
/// HubSpot answers a valid token without the route's scope 403 `MISSING_SCOPES` whatever its
/// body, and the scope a route needs is known only once its handler has looked up the type
/// the path names. [`Call`] puts an empty one in the request's extensions; [`JsonBody`] fills
/// it rather than refusing the request, and [`Call`]'s gates answer it once the scopes pass.
#[derive(Clone, Debug, Default)]
struct Deferred(Arc<Mutex<Option<ApiError>>>);

impl Deferred {
    /// Holds `refusal` for the gate.
    fn hold(&self, refusal: ApiError) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(refusal);
    }

    /// The refusal held, if any (taken: it is answered once).
    fn take(&self) -> Option<ApiError> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// One call: the kit, the caller's headers and the path's parameters by name (`type`, `id`,
/// `from`, `to`, …). Nothing is checked on extraction: handlers authorise through a gate
/// after every other argument has been read. [`JsonBody`] checks the caller itself before it
/// refuses a body, so a caller without a valid token is answered 401 first, and leaves the
/// refusal to the gate ([`Deferred`]), so a caller without the route's scope is answered 403
/// next; only then is the body's 400, 413 or 415 answered.
#[derive(Debug)]
pub(crate) struct Call {
    /// The clone's kit.
    pub(crate) kit: Kit,
    headers: HeaderMap,
    params: HashMap<String, String>,
    deferred: Deferred,
}

impl FromRequestParts<Kit> for Call {
    type Rejection = PathRejection;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, PathRejection> {
        let params = match Path::<HashMap<String, String>>::from_request_parts(parts, kit).await {
            Ok(Path(params)) => params,
            Err(PathRejection::MissingPathParams(_)) => HashMap::new(),
            Err(rejection) => return Err(rejection),
        };
        let deferred = Deferred::default();
        parts.extensions.insert(deferred.clone());
        Ok(Self {
            kit: kit.clone(),
            headers: parts.headers.clone(),
            params,
            deferred,
        })
    }
}

impl Call {
    /// The path parameter `name` (empty when the route has none of that name).
    pub(crate) fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// The path parameter `name` read as a number (an id).
    ///
    /// # Errors
    ///
    /// 404 when it is not one: no such thing can exist.
    pub(crate) fn numeric_param<T: std::str::FromStr>(&self, name: &str) -> Result<T, ApiError> {
        self.param(name).parse().map_err(|_| ApiError::not_found())
    }

    /// [`authorize`] with this call's headers.
    ///
    /// # Errors
    ///
    /// As [`authorize`].
    pub(crate) async fn authorize(&self, scopes: &[&str]) -> Result<Principal, ApiError> {
        let principal = authorize(&self.kit, &self.headers, scopes).await?;
        self.refuse_body()?;
        Ok(principal)
    }

    /// Answers the refusal of the call's body, once the caller and its scopes have passed.
    ///
    /// # Errors
    ///
    /// The body's 400, 413 or 415 ([`JsonBody`]).
    fn refuse_body(&self) -> Result<(), ApiError> {
        self.deferred.take().map_or(Ok(()), Err)
    }

    /// The type `name` names ([`types::resolve`]; HubSpot's types take no connection).
    ///
    /// # Errors
    ///
    /// 400 for an unknown type; the database's error.
    pub(crate) async fn resolve(&self, name: &str) -> Result<Type, ApiError> {
        match types::lookup(name) {
            Some(stock) => Ok(Cow::Borrowed(stock)),
            None => types::resolve(&self.kit.db().await?, name).await,
        }
    }

    /// The type the path parameter `param` names, after checking the caller holds the scope
    /// `scope` asks of it (or refuses it with). The caller is authenticated before the type is
    /// looked up, so a call without a valid token is answered 401 whatever type it names.
    ///
    /// # Errors
    ///
    /// [`authenticate`]'s 401, 400 for an unknown type, `scope`'s error, 403.
    pub(crate) async fn gate(
        &self,
        param: &str,
        scope: impl FnOnce(&ObjectType) -> Result<&'static str, ApiError>,
    ) -> Result<Type, ApiError> {
        let principal = authenticate(&self.kit, &self.headers).await?;
        let object_type = self.resolve(self.param(param)).await?;
        require(&principal, &[scope(&object_type)?])?;
        self.refuse_body()?;
        Ok(object_type)
    }

    /// The types the path parameters `from` and `to` name, after checking the caller holds
    /// the scopes `scopes` asks of them; authenticated first, as [`Call::gate`] is.
    ///
    /// # Errors
    ///
    /// [`authenticate`]'s 401, 400 for an unknown type, 403.
    pub(crate) async fn gate_pair(
        &self,
        scopes: impl FnOnce(&ObjectType, &ObjectType) -> Vec<&'static str>,
    ) -> Result<(Type, Type), ApiError> {
        let principal = authenticate(&self.kit, &self.headers).await?;
        let from = self.resolve(self.param("from")).await?;
        let to = self.resolve(self.param("to")).await?;
        require(&principal, &scopes(&from, &to))?;
        self.refuse_body()?;
        Ok((from, to))
    }
}

/// Who calls a router's routes when it is not a bearer token under scopes: the mark a router
/// carries ([`Caller::mark`]), read by [`JsonBody`] rather than the path. A route without one
/// is called with a bearer token and checked against the scopes its gate asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Caller {
    /// The admin surface: guarded by the kit, its bodies read whatever their type, no scopes.
    Admin,
    /// HubSpot's webhooks API: the app's developer API key (`hapikey`), no scopes.
    DeveloperKey,
    /// A route anyone may call, without credentials (a website's form submission).
    Public,
}

impl Caller {
    /// `router` with every route marked as called by this caller.
    pub(crate) fn mark(self, router: axum::Router<Kit>) -> axum::Router<Kit> {
        router.route_layer(axum::Extension(self))
    }

    /// The caller the route of `parts` is marked with (`None`: a bearer token).
    fn of(parts: &Parts) -> Option<Self> {
        parts.extensions.get::<Self>().copied()
    }
}

/// Refuses the caller of a request whose body is refused, so that a call without valid
/// credentials is answered 401 before its body's 400, 413 or 415, as HubSpot authenticates a
/// call before it reads it: the developer API key (`hapikey`) on the webhooks API, the bearer
/// token elsewhere. The admin surface is guarded by the kit before this runs.
///
/// # Errors
///
/// 401 `INVALID_AUTHENTICATION`.
async fn refuse_caller(kit: &Kit, parts: &Parts) -> Result<(), ApiError> {
    match Caller::of(parts) {
        Some(Caller::Admin | Caller::Public) => Ok(()),
        Some(Caller::DeveloperKey) => {
            let pairs = asym_kit::form::parse(parts.uri.query().unwrap_or_default().as_bytes());
            developer(kit, asym_kit::form::first(&pairs, "hapikey"))
                .await
                .map(drop)
        }
        None => authenticate(kit, &parts.headers).await.map(drop),
    }
}

/// A JSON body read within [`LIMITS`]; an empty body reads as `{}`. A body sent as anything
/// but `application/json` (`text/plain`, a form, no `Content-Type` at all) is refused with
/// 415, as HubSpot's JSON routes refuse it; the admin surface's bodies are read whatever
/// their type. On a bearer-token route read with a [`Call`], a refused body reads as `null`
/// and its refusal waits for the call's gate ([`Deferred`]); elsewhere (the webhooks API,
/// whose caller is its developer API key and which has no scopes, and the admin surface) it
/// is refused here, after the caller.
#[derive(Debug)]
pub(crate) struct JsonBody(pub(crate) Value);

impl FromRequest<Kit> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, kit: &Kit) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        match read_json(&parts, body).await {
            Ok(value) => Ok(Self(value)),
            Err(refused) => {
                refuse_caller(kit, &parts).await?;
                let scoped = Caller::of(&parts).is_none();
                match parts.extensions.get::<Deferred>().filter(|_| scoped) {
                    Some(deferred) => {
                        deferred.hold(refused);
                        Ok(Self(Value::Null))
                    }
                    None => Err(refused),
                }
            }
        }
    }
}

/// The body `body` of the request `parts` heads, as [`JsonBody`] reads it.
///
/// # Errors
///
/// 415 for a body that is not declared JSON; the kit's 400 and 413.
async fn read_json(parts: &Parts, body: axum::body::Body) -> Result<Value, ApiError> {
    let declared_json = is_json(&parts.headers) || Caller::of(parts) == Some(Caller::Admin);
    let bytes = body::read(body, &LIMITS).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    if !declared_json {
        return Err(ApiError::unsupported_media_type());
    }
    Ok(body::json(&bytes, &LIMITS)?)
}

/// Whether the request's `Content-Type` is `application/json` (any parameters, any case).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Query-string arguments, decoded once.
#[derive(Debug, Default)]
pub(crate) struct Args(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for Args {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let pairs = asym_kit::form::parse(parts.uri.query().unwrap_or_default().as_bytes());
        body::check_pairs(&pairs, &LIMITS)?;
        Ok(Self(pairs))
    }
}

impl Args {
    /// The first value of `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        asym_kit::form::first(&self.0, name)
    }

    /// Every value of `name`, repeated (`a=1&a=2`) or comma-separated (`a=1,2`).
    pub(crate) fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .flat_map(|(_, value)| value.split(','))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// `name` as a boolean (`true`/`false`), `false` when absent.
    pub(crate) fn flag(&self, name: &str) -> bool {
        self.get(name)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// `limit`: `default` when absent, at most `max`.
    ///
    /// # Errors
    ///
    /// 400 `VALIDATION_ERROR` when it is not a number in `1..=max`.
    pub(crate) fn limit(&self, default: i64, max: i64) -> Result<i64, ApiError> {
        match self.get("limit") {
            None | Some("") => Ok(default),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::validation(format!(
                    "limit: must be a number between 1 and {max}, got {raw}"
                ))),
            },
        }
    }
}

/// `limit` in a JSON body: `default` when absent.
///
/// # Errors
///
/// 400 when it is not an integer in `1..=max`.
pub(crate) fn body_limit(body: &Value, default: i64, max: i64) -> Result<i64, ApiError> {
    match body.get("limit") {
        None | Some(Value::Null) => Ok(default),
        Some(value) => value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
            .filter(|n| (0..=max).contains(n))
            .map(|n| n.max(1))
            .ok_or_else(|| {
                ApiError::validation(format!("limit must be between 0 and {max}, got {value}"))
            }),
    }
}

/// A list cursor (`after`): the last id of the previous page, 0 when absent.
///
/// # Errors
///
/// 400 when it is not a number.
pub(crate) fn after(after: Option<&str>) -> Result<i64, ApiError> {
    match after.filter(|a| !a.is_empty()) {
        None => Ok(0),
        Some(after) => after
            .parse()
            .map_err(|_| ApiError::validation(format!("after: {after} is not a valid cursor"))),
    }
}

/// An optional `i32` field of a JSON body (`displayOrder`).
pub(crate) fn i32_field(body: &Value, name: &str) -> Option<i32> {
    body[name].as_i64().and_then(|n| i32::try_from(n).ok())
}

/// An optional array field of a JSON body: empty when absent or `null`.
///
/// # Errors
///
/// 400 `{name} must be an array` for anything else.
pub(crate) fn array_field<'a>(body: &'a Value, name: &str) -> Result<&'a [Value], ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(ApiError::validation(format!("{name} must be an array"))),
    }
}

/// The strings of the array `value` (`what` names it in the refusal), numbers read as their
/// text, as HubSpot reads a list of strings (`["123", 456]`).
///
/// # Errors
///
/// 400 `Invalid input JSON: {what} must be an array of strings` for anything else, or for an
/// element that is neither a string nor a number (an object, an array, `null`, a boolean).
pub(crate) fn strings(value: &Value, what: &str) -> Result<Vec<String>, ApiError> {
    let refused = || {
        ApiError::validation(format!(
            "Invalid input JSON: {what} must be an array of strings"
        ))
    };
    value
        .as_array()
        .ok_or_else(refused)?
        .iter()
        .map(|item| text(item).ok_or_else(refused))
        .collect()
}

/// The strings of an optional array field of a JSON body: empty when absent or `null`.
///
/// # Errors
///
/// As [`strings`].
pub(crate) fn string_list(body: &Value, name: &str) -> Result<Vec<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(value) => strings(value, name),
    }
}

/// A string or a number as text (ids are sent either way).
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string field of a JSON body, numbers accepted as their text (ids).
pub(crate) fn string_field(body: &Value, name: &str) -> Option<String> {
    text(body.get(name)?)
}

/// An optional string field of a JSON body (numbers as their text): `None` when absent or
/// `null`.
///
/// # Errors
///
/// 400 `Invalid input JSON: {name} must be a string` for an object, an array or a boolean.
pub(crate) fn optional_text(body: &Value, name: &str) -> Result<Option<String>, ApiError> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => text(value).map(Some).ok_or_else(|| {
            ApiError::validation(format!("Invalid input JSON: {name} must be a string"))
        }),
    }
}

/// Refuses a body that is not a JSON object (an array, a string, a number, `null`).
///
/// # Errors
///
/// 400 `Invalid input JSON: the body must be an object`.
pub(crate) fn object(body: &Value) -> Result<(), ApiError> {
    if body.is_object() {
        Ok(())
    } else {
        Err(ApiError::validation(
            "Invalid input JSON: the body must be an object",
        ))
    }
}
