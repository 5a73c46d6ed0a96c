//! The settings API's users (`/settings/v3/users`, `settings.users` in both SDKs): list,
//! create, read, replace and remove the account's users, and read its roles and teams. A user
//! is its owner (HubSpot makes every user an owner): created users are owners too, their teams
//! are the owner's `teams`, and removing a user archives its owner.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult, found};
use crate::objects::render::{json_column, page_by_id};
use crate::request::{Args, Call, JsonBody, after, object, optional_text, string_list};
use crate::values::valid_email;

/// The scope reading users and roles needs.
const READ: &str = "settings.users.read";
/// The scope writing users needs.
const WRITE: &str = "settings.users.write";
/// The scope reading teams needs.
const TEAMS: &str = "settings.users.teams.read";

/// The users routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/settings/v3/users", get(list).post(create))
        .route("/settings/v3/users/", get(list).post(create))
        .route("/settings/v3/users/roles", get(roles))
        .route("/settings/v3/users/teams", get(teams))
        .route(
            "/settings/v3/users/{userId}",
            get(read).put(replace).delete(remove),
        )
}

/// One column: the owner row as HubSpot's `PublicUser`, built by Postgres (`roleIds` holds
/// the one role; `primaryTeamId` and `secondaryTeamIds` come from the owner's teams).
const USER: &str = "json_strip_nulls(json_build_object(
        'id', user_id::text, 'email', email,
        'firstName', NULLIF(first_name, ''), 'lastName', NULLIF(last_name, ''),
        'roleId', role_id,
        'roleIds', CASE WHEN role_id IS NULL THEN '[]'::json ELSE json_build_array(role_id) END,
        'primaryTeamId', (SELECT t->>'id' FROM jsonb_array_elements(teams) t
                          WHERE (t->>'primary')::boolean LIMIT 1),
        'secondaryTeamIds', COALESCE((SELECT json_agg(t->>'id') FROM jsonb_array_elements(teams) t
                                      WHERE NOT COALESCE((t->>'primary')::boolean, false)),
                                     '[]'::json),
        'superAdmin', super_admin, 'sendWelcomeEmail', send_welcome_email))::text";

/// Which live user the path names: `idProperty=USER_ID` (the default) or `EMAIL`, as a
/// statement's condition on `$1`.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for another `idProperty`.
fn key(args: &Args) -> Result<&'static str, ApiError> {
    match args.get("idProperty") {
        None | Some("" | "USER_ID") => Ok("user_id::text = $1"),
        Some("EMAIL") => Ok("lower(email) = lower($1)"),
        Some(other) => Err(ApiError::validation(format!(
            "idProperty must be one of USER_ID, EMAIL, got {other}"
        ))),
    }
}

/// The live user `condition` ([`key`]) finds with `id`, in HubSpot's shape.
///
/// # Errors
///
/// 404 when there is none; the statement's error.
async fn one(client: &impl GenericClient, condition: &str, id: &str) -> Result<Value, ApiError> {
    let row = client
        .query_opt(
            &format!("SELECT {USER} FROM owners WHERE NOT archived AND {condition}"),
            &[&id],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(json_column(&row, 0))
}

/// `GET /settings/v3/users/` (`limit` ≤ 100, `after`): the live users by user id.
async fn list(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let limit = args.limit(100, 100)?;
    let after = after(args.get("after"))?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {USER} FROM owners WHERE NOT archived AND user_id > $1
                 ORDER BY user_id LIMIT $2"
            ),
            &[&after, &(limit + 1)],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    let link = format!("{}/settings/v3/users/", call.kit.config().public_url);
    Ok(axum::Json(page_by_id(results, limit, &link)).into_response())
}

/// `GET /settings/v3/users/{userId}` (`idProperty=USER_ID|EMAIL`).
async fn read(call: Call, args: Args) -> ApiResult {
    call.authorize(&[READ]).await?;
    let condition = key(&args)?;
    let client = call.kit.db().await?;
    Ok(axum::Json(one(&client, condition, call.param("userId")).await?).into_response())
}

/// What a create or a replace asks of a user's role, teams and name.
struct Assignment {
    role: Option<String>,
    primary: Option<String>,
    secondary: Option<Vec<String>>,
    first_name: Option<String>,
    last_name: Option<String>,
}

impl Assignment {
    /// The fields of `body` (`roleId`, `primaryTeamId`, `secondaryTeamIds`, `firstName`,
    /// `lastName`).
    ///
    /// # Errors
    ///
    /// 400 for a body that is not an object or a field of another shape.
    fn read(body: &Value) -> Result<Self, ApiError> {
        object(body)?;
        let secondary = match body.get("secondaryTeamIds") {
            None | Some(Value::Null) => None,
            Some(_) => Some(string_list(body, "secondaryTeamIds")?),
        };
        Ok(Self {
            role: optional_text(body, "roleId")?,
            primary: optional_text(body, "primaryTeamId")?,
            secondary,
            first_name: optional_text(body, "firstName")?,
            last_name: optional_text(body, "lastName")?,
        })
    }

    /// The owner's teams (`[{id, name, primary}]`) once this assignment is applied to
    /// `current` (the owner's teams now): a team named neither keeps its place, the primary
    /// team is never also a secondary one.
    ///
    /// # Errors
    ///
    /// 400 `VALIDATION_ERROR` for a role or team the account does not have; the statement's
    /// error.
    async fn teams(&self, client: &impl GenericClient, current: &Value) -> Result<Value, ApiError> {
        if let Some(role) = &self.role {
            let known = client
                .query_opt("SELECT 1 FROM roles WHERE id = $1", &[role])
                .await?;
            if known.is_none() {
                return Err(ApiError::validation(format!("Role {role} does not exist")));
            }
        }
        let held = current.as_array().map(Vec::as_slice).unwrap_or_default();
        let is_primary = |team: &&Value| team["primary"].as_bool().unwrap_or(false);
        let team_id = |team: &Value| team["id"].as_str().unwrap_or_default().to_owned();
        let primary = self
            .primary
            .clone()
            .or_else(|| held.iter().find(is_primary).map(team_id));
        let secondary: Vec<String> = self.secondary.clone().unwrap_or_else(|| {
            held.iter()
                .filter(|t| !is_primary(t))
                .map(team_id)
                .collect()
        });
        let mut ids: Vec<String> = primary.iter().cloned().collect();
        for id in secondary {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let rows = client
            .query("SELECT id, name FROM teams WHERE id = ANY($1)", &[&ids])
            .await?;
        let mut teams = Vec::with_capacity(ids.len());
        for id in &ids {
            let Some(row) = rows.iter().find(|row| row.get::<_, &str>(0) == id) else {
                return Err(ApiError::validation(format!("Team {id} does not exist")));
            };
            teams.push(json!({
                "id": id,
                "name": row.get::<_, &str>(1),
                "primary": primary.as_ref() == Some(id),
            }));
        }
        Ok(Value::Array(teams))
    }
}

/// `POST /settings/v3/users/` `{email, sendWelcomeEmail?, roleId?, primaryTeamId?,
/// secondaryTeamIds?, firstName?, lastName?}` → 201, the user (and its owner).
async fn create(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let assignment = Assignment::read(&body)?;
    let email = optional_text(&body, "email")?
        .ok_or_else(|| ApiError::unbuilt("UserProvisionRequest", &["email"]))?;
    if !valid_email(&email) {
        return Err(ApiError::validation(format!(
            "Email address {email} is invalid"
        )));
    }
    let welcome = body["sendWelcomeEmail"].as_bool().unwrap_or(false);
    let client = call.kit.db().await?;
    let teams = assignment.teams(&client, &json!([])).await?;
    let row = client
        .query_opt(
            &format!(
                "INSERT INTO owners (email, first_name, last_name, teams, role_id,
                                     send_welcome_email)
                 VALUES ($1, $2, $3, $4::text::jsonb, $5, $6)
                 ON CONFLICT (lower(email)) WHERE NOT archived DO NOTHING
                 RETURNING {USER}"
            ),
            &[
                &email,
                &assignment.first_name.unwrap_or_default(),
                &assignment.last_name.unwrap_or_default(),
                &teams.to_string(),
                &assignment.role,
                &welcome,
            ],
        )
        .await?
        .ok_or_else(|| ApiError::conflict(format!("A user with email {email} already exists")))?;
    Ok((StatusCode::CREATED, axum::Json(json_column(&row, 0))).into_response())
}

/// `PUT /settings/v3/users/{userId}` (`idProperty`) `{roleId?, primaryTeamId?,
/// secondaryTeamIds?, firstName?, lastName?}`: what the body names replaced, the rest kept.
async fn replace(call: Call, args: Args, JsonBody(body): JsonBody) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let condition = key(&args)?;
    let assignment = Assignment::read(&body)?;
    let id = call.param("userId");
    let mut client = call.kit.db().await?;
    let tx = client.transaction().await?;
    let current = tx
        .query_opt(
            &format!(
                "SELECT teams::text FROM owners WHERE NOT archived AND {condition} FOR UPDATE"
            ),
            &[&id],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    let current: Value = serde_json::from_str(current.get(0)).unwrap_or(Value::Null);
    let teams = assignment.teams(&tx, &current).await?;
    let row = tx
        .query_one(
            &format!(
                "UPDATE owners SET teams = $2::text::jsonb, role_id = COALESCE($3, role_id),
                     first_name = COALESCE($4, first_name), last_name = COALESCE($5, last_name),
                     updated_at = now()
                 WHERE NOT archived AND {condition} RETURNING {USER}"
            ),
            &[
                &id,
                &teams.to_string(),
                &assignment.role,
                &assignment.first_name,
                &assignment.last_name,
            ],
        )
        .await?;
    tx.commit().await?;
    Ok(axum::Json(json_column(&row, 0)).into_response())
}

/// `DELETE /settings/v3/users/{userId}` (`idProperty`) → 204: the user is removed from the
/// account and its owner archived.
async fn remove(call: Call, args: Args) -> ApiResult {
    call.authorize(&[WRITE]).await?;
    let condition = key(&args)?;
    let client = call.kit.db().await?;
    let rows = client
        .execute(
            &format!(
                "UPDATE owners SET archived = true, updated_at = now()
                 WHERE NOT archived AND {condition}"
            ),
            &[&call.param("userId")],
        )
        .await?;
    found(rows)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /settings/v3/users/roles` → `{results: [{id, name, requiresBillingWrite}]}`.
async fn roles(call: Call) -> ApiResult {
    call.authorize(&[READ]).await?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            "SELECT json_build_object('id', id, 'name', name,
                 'requiresBillingWrite', requires_billing_write)::text
             FROM roles ORDER BY id",
            &[],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}

/// `GET /settings/v3/users/teams` → `{results: [{id, name, userIds, secondaryUserIds}]}`:
/// the live users whose primary team it is, and those it is a secondary team of.
async fn teams(call: Call) -> ApiResult {
    call.authorize(&[TEAMS]).await?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            "SELECT json_build_object('id', t.id, 'name', t.name,
                 'userIds', COALESCE(m.primary_ids, '[]'::json),
                 'secondaryUserIds', COALESCE(m.secondary_ids, '[]'::json))::text
             FROM teams t
             LEFT JOIN LATERAL (
                 SELECT json_agg(o.user_id::text ORDER BY o.user_id)
                            FILTER (WHERE COALESCE((e->>'primary')::boolean, false))
                            AS primary_ids,
                        json_agg(o.user_id::text ORDER BY o.user_id)
                            FILTER (WHERE NOT COALESCE((e->>'primary')::boolean, false))
                            AS secondary_ids
                 FROM owners o, jsonb_array_elements(o.teams) e
                 WHERE NOT o.archived AND e->>'id' = t.id
             ) m ON true
             ORDER BY t.id",
            &[],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    Ok(axum::Json(json!({ "results": results })).into_response())
}
