//! `GET /v1/users`, `/v1/users/{id}`, `/v1/users/me` (the integration's bot user).

use asym_kit::tokio_postgres::Row;
use serde_json::{Value, json};

use crate::error::ApiResult;
use crate::request::{Ctx, Paging, path_id};
use crate::rows;
use crate::seek::{Keyed, Order};
use crate::workspace::{WORKSPACE_ID, WORKSPACE_NAME};

const COLUMNS: &str = "id, type, name, avatar_url, email";

/// A user object; a person's `email` only when `emails` (the integration may see them).
fn user(row: &Row, emails: bool) -> Value {
    let kind: String = row.get(1);
    let mut out = json!({
        "object": "user",
        "id": row.get::<_, String>(0),
        "type": kind,
        "name": row.get::<_, String>(2),
        "avatar_url": row.get::<_, Option<String>>(3),
    });
    if kind == "bot" {
        out["bot"] = json!({
            "owner": { "type": "workspace", "workspace": true },
            "workspace_name": WORKSPACE_NAME,
            "workspace_id": WORKSPACE_ID,
            "workspace_limits": { "max_file_upload_size_in_bytes": 5_368_709_120_i64 },
        });
    } else {
        out["person"] = if emails {
            json!({ "email": row.get::<_, Option<String>>(4) })
        } else {
            json!({})
        };
    }
    out
}

/// `GET /v1/users`.
pub(crate) async fn list(ctx: &Ctx, paging: Paging) -> ApiResult<Value> {
    let client = ctx.kit.db().await?;
    let list = Keyed {
        order: Order::new("u.id").by("u.ord", false),
        select: &|seek, order| {
            format!("SELECT {COLUMNS} FROM users u WHERE {seek} ORDER BY {order} LIMIT $1")
        },
        start: "FROM users u WHERE u.id = $2",
        exists: "SELECT 1 FROM users WHERE id = $1",
    };
    let limit = paging.limit();
    let rows = paging.keyed(&client, &list, vec![&limit], &[]).await?;
    let emails = ctx.sees_emails();
    let users = rows.iter().map(|row| user(row, emails)).collect();
    Ok(paging.list(users, "user"))
}

/// `GET /v1/users/{id}` (`me` is the bot).
pub(crate) async fn retrieve(ctx: &Ctx, id: &str) -> ApiResult<Value> {
    let id = if id == "me" {
        ctx.bot.clone()
    } else {
        path_id("user_id", id)?
    };
    let client = ctx.kit.db().await?;
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    let row = rows::by_id(&client, &sql, "user", &id).await?;
    Ok(user(&row, ctx.sees_emails()))
}
