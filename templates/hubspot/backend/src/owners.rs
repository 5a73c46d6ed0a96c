//! Owners v3: list (paginated, filtered by email) and get (by id or `userId`).

use asym_kit::Kit;
use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::objects::model::ISO;
use crate::objects::render::{json_column, page_by_id};
use crate::request::{Args, Call, after};

const SCOPE: &str = "crm.objects.owners.read";

/// The owner routes.
pub(crate) fn routes() -> Router<Kit> {
    Router::new()
        .route("/crm/v3/owners", get(list))
        .route("/crm/v3/owners/", get(list))
        .route("/crm/v3/owners/{id}", get(read))
}

/// One column: the owner in HubSpot's shape, built by Postgres.
fn columns() -> String {
    format!(
        "json_build_object('id', id::text, 'email', email, 'firstName', first_name,
             'lastName', last_name, 'userId', user_id, 'userIdIncludingInactive', user_id,
             'teams', teams, 'archived', archived,
             'createdAt', to_char(created_at AT TIME ZONE 'UTC', {ISO}),
             'updatedAt', to_char(updated_at AT TIME ZONE 'UTC', {ISO}), 'type', 'PERSON')::text"
    )
}

/// `GET /crm/v3/owners/` (`email`, `limit` ≤ 500, `after`, `archived`).
async fn list(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let limit = args.limit(100, 500)?;
    let after = after(args.get("after"))?;
    let client = call.kit.db().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {} FROM owners
                 WHERE archived = $1 AND id > $2 AND ($3::text IS NULL OR lower(email) = lower($3))
                 ORDER BY id LIMIT $4",
                columns()
            ),
            &[
                &args.flag("archived"),
                &after,
                &args.get("email"),
                &(limit + 1),
            ],
        )
        .await?;
    let results: Vec<Value> = rows.iter().map(|row| json_column(row, 0)).collect();
    let link = format!("{}/crm/v3/owners/", call.kit.config().public_url);
    Ok(axum::Json(page_by_id(results, limit, &link)).into_response())
}

/// `GET /crm/v3/owners/{id}` (`idProperty=id|userId`, `archived`).
async fn read(call: Call, args: Args) -> ApiResult {
    call.authorize(&[SCOPE]).await?;
    let id: i64 = call.numeric_param("id")?;
    let by_user = args.get("idProperty") == Some("userId");
    let client = call.kit.db().await?;
    let row = client
        .query_opt(
            &format!(
                "SELECT {} FROM owners WHERE (CASE WHEN $2 THEN user_id ELSE id END) = $1
                 AND archived = $3",
                columns()
            ),
            &[&id, &by_user, &args.flag("archived")],
        )
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(json_column(&row, 0)).into_response())
}
