//! Repository webhooks: CRUD, ping, the deliveries API, and [`emit`], which every write
//! that GitHub announces calls inside its transaction. Deliveries go through the kit's
//! outbox (topic `hook:<id>`), signed with the hook's secret (`X-Hub-Signature-256`).

use asym_kit::deadpool_postgres::{GenericClient, Object};
use asym_kit::outbox::{self, Delivery, Signer};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// The events a hook may subscribe to (`*` is all of them).
const EVENTS: [&str; 22] = [
    "*",
    "push",
    "issues",
    "issue_comment",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "commit_comment",
    "check_run",
    "check_suite",
    "status",
    "label",
    "create",
    "release",
    "star",
    "watch",
    "fork",
    "repository_dispatch",
    "workflow_dispatch",
    "workflow_run",
    "deployment",
    "deployment_status",
];

/// `repository`, `sender` and (for org repositories) `organization`: what every payload
/// about `repo` carries.
pub(crate) async fn context(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    sender: i64,
) -> ApiResult<Map<String, Value>> {
    let statement = client
        .prepare_cached(
            "SELECT gh_repo(r, $2, NULL)::text, gh_user_id($3, $2)::text,
                    (SELECT gh_org(o, $2)::text FROM users o WHERE o.id = r.owner_id AND o.type = 'Organization')
             FROM repos r WHERE r.id = $1",
        )
        .await?;
    let row = client
        .query_one(&statement, &[&repo, &base, &sender])
        .await?;
    let parse = |i: usize| -> Value {
        row.get::<_, Option<String>>(i)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Value::Null)
    };
    let mut map = Map::new();
    map.insert("repository".into(), parse(0));
    if let org @ Value::Object(_) = parse(2) {
        map.insert("organization".into(), org);
    }
    map.insert("sender".into(), parse(1));
    Ok(map)
}

/// The active hooks of repository `$1` subscribed to event `$2` (or to all events): all of
/// them, or only hook `$3`.
const SUBSCRIBED: &str = "SELECT id, url, content_type, coalesce(secret, '') FROM hooks
                          WHERE repo_id = $1 AND active AND ($2 = ANY(events) OR '*' = ANY(events))
                            AND ($3::bigint IS NULL OR id = $3)";

/// Whether a hook of `repo` hears `event`: what a payload dear to render waits for.
pub(crate) async fn listening(
    client: &impl GenericClient,
    repo: i64,
    event: &str,
) -> ApiResult<bool> {
    let statement = client.prepare_cached(SUBSCRIBED).await?;
    let every: Option<i64> = None;
    Ok(!client
        .query(&statement, &[&repo, &event, &every])
        .await?
        .is_empty())
}

/// Enqueues `event` with `payload` (plus repository, sender, organization) to every active
/// hook of `repo` subscribed to it. Returns whether anything was enqueued (then call
/// [`Kit::wake_outbox`] after committing).
pub(crate) async fn emit(
    client: &impl GenericClient,
    base: &str,
    repo: i64,
    event: &str,
    sender: i64,
    payload: Map<String, Value>,
) -> ApiResult<bool> {
    deliver(client, base, (repo, None), event, sender, payload).await
}

/// As [`emit`], to hook `hook` of `repo` only (when it is active and subscribed to `event`).
pub(crate) async fn emit_to(
    client: &impl GenericClient,
    base: &str,
    (repo, hook): (i64, i64),
    event: &str,
    sender: i64,
    payload: Map<String, Value>,
) -> ApiResult<bool> {
    deliver(client, base, (repo, Some(hook)), event, sender, payload).await
}

/// Enqueues `event` to the hooks of `repo` subscribed to it (only hook `only`, when given).
async fn deliver(
    client: &impl GenericClient,
    base: &str,
    (repo, only): (i64, Option<i64>),
    event: &str,
    sender: i64,
    mut payload: Map<String, Value>,
) -> ApiResult<bool> {
    let statement = client.prepare_cached(SUBSCRIBED).await?;
    let hooks = client.query(&statement, &[&repo, &event, &only]).await?;
    if hooks.is_empty() {
        return Ok(false);
    }
    payload.extend(context(client, base, repo, sender).await?);
    let json = Value::Object(payload).to_string();
    for hook in &hooks {
        let id: i64 = hook.get(0);
        enqueue(
            client,
            repo,
            id,
            hook.get(1),
            hook.get(2),
            hook.get(3),
            event,
            &json,
        )
        .await?;
    }
    Ok(true)
}

/// A payload's start: `action`, then each `(key, rendered JSON)` parsed (`null` when it is
/// not JSON), in this order.
pub(crate) fn payload<const N: usize>(
    action: &str,
    rendered: [(&str, &str); N],
) -> Map<String, Value> {
    let mut payload = Map::new();
    payload.insert("action".into(), json!(action));
    for (key, text) in rendered {
        payload.insert(key.into(), parse(text));
    }
    payload
}

/// A rendering (JSON text from the database) as a payload value.
pub(crate) fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or(Value::Null)
}

/// `payload` of an `edited` event saying what the body was: `changes.body.from`.
pub(crate) fn edited(mut payload: Map<String, Value>, before: &str) -> Map<String, Value> {
    payload.insert("changes".into(), json!({ "body": { "from": before } }));
    payload
}

#[allow(clippy::too_many_arguments, reason = "one delivery's parts")]
async fn enqueue(
    client: &impl GenericClient,
    repo: i64,
    hook: i64,
    url: String,
    content_type: String,
    secret: String,
    event: &str,
    json: &str,
) -> ApiResult<()> {
    let guid = asym_kit::token::random_uuid();
    let (body, media) = if content_type == "form" {
        let encoded = asym_kit::form::encode(json);
        (
            format!("payload={encoded}"),
            "application/x-www-form-urlencoded",
        )
    } else {
        (json.to_owned(), "application/json")
    };
    let signer = if secret.is_empty() {
        Signer::None
    } else {
        Signer::GitHub
    };
    let delivery = Delivery::new(format!("hook:{hook}"), event, url, signer, secret, body)
        .header("Content-Type", media)
        .header("User-Agent", "GitHub-Hookshot/asym")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", guid)
        .header("X-GitHub-Hook-ID", hook.to_string())
        .header("X-GitHub-Hook-Installation-Target-Type", "repository")
        .header("X-GitHub-Hook-Installation-Target-ID", repo.to_string());
    outbox::enqueue(client, &delivery).await?;
    Ok(())
}

pub(crate) const HOOK_COLUMNS: &str =
    "id, active, events, url, content_type, secret IS NOT NULL AND secret <> '',
    insecure_ssl, gh_ts(created_at), gh_ts(updated_at)";

pub(crate) fn render(base: &str, repo: &Repo, row: &asym_kit::tokio_postgres::Row) -> Value {
    let id: i64 = row.get(0);
    let url = format!("{base}{}/hooks/{id}", repo.path());
    let mut config = json!({
        "content_type": row.get::<_, String>(4),
        "insecure_ssl": row.get::<_, String>(6),
        "url": row.get::<_, String>(3),
    });
    if row.get::<_, bool>(5) {
        config["secret"] = json!("********");
    }
    json!({
        "type": "Repository",
        "id": id,
        "name": "web",
        "active": row.get::<_, bool>(1),
        "events": row.get::<_, Vec<String>>(2),
        "config": config,
        "updated_at": row.get::<_, String>(8),
        "created_at": row.get::<_, String>(7),
        "url": url,
        "test_url": format!("{url}/test"),
        "ping_url": format!("{url}/pings"),
        "deliveries_url": format!("{url}/deliveries"),
        "last_response": { "code": null, "status": "unused", "message": null },
    })
}

/// Resolves the repository for hook administration (admin, and a hook scope).
/// The repository of a hooks route, for its administrators (404 for others), with a hook
/// scope for classic tokens.
pub(crate) async fn admin_repo<P>(scope: &Scope<P>, viewer: &Viewer) -> ApiResult<(Object, Repo)> {
    let (client, repo) = scope.open().await?;
    if !repo.can(Access::Admin) {
        return Err(ApiError::not_found());
    }
    viewer.require_scope(
        "admin:repo_hook",
        &["write:repo_hook", "read:repo_hook", "repo"],
    )?;
    Ok((client, repo))
}

/// The hook's settings from a create or update body.
pub(crate) struct Settings {
    url: Option<String>,
    content_type: Option<String>,
    secret: Option<String>,
    insecure_ssl: Option<String>,
    events: Option<Vec<String>>,
    active: Option<bool>,
}

/// The settings `body` gives (its `config`, `events`, `active`), checked as GitHub checks them.
pub(crate) fn settings(body: &Body) -> ApiResult<Settings> {
    let empty = Map::new();
    let config = body.object("config")?.unwrap_or(&empty);
    let config_str = |key: &str| match config.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(ApiError::validation("Hook", key, "invalid")),
    };
    let content_type = config_str("content_type")?;
    if let Some(kind) = &content_type
        && kind != "json"
        && kind != "form"
    {
        return Err(ApiError::validation("Hook", "content_type", "invalid"));
    }
    let url = config_str("url")?;
    if let Some(url) = &url
        && !(url.starts_with("http://") || url.starts_with("https://"))
    {
        return Err(ApiError::custom(
            "Hook",
            "url",
            "url is not supported because it isn't reachable over the public Internet",
        ));
    }
    let events = body.strings("events")?;
    if let Some(events) = &events
        && let Some(bad) = events.iter().find(|e| !EVENTS.contains(&e.as_str()))
    {
        return Err(ApiError::custom(
            "Hook",
            "events",
            &format!("{bad} is not a valid event name"),
        ));
    }
    Ok(Settings {
        url,
        content_type,
        secret: config_str("secret")?,
        insecure_ssl: config_str("insecure_ssl")?,
        events,
        active: body.bool("active")?,
    })
}

/// `GET /repos/{owner}/{repo}/hooks`.
pub(crate) async fn list(scope: Scope, viewer: Viewer, query: Query) -> ApiResult {
    let page = query.page();
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let rows = client
        .query(
            &format!("SELECT {HOOK_COLUMNS}, count(*) OVER () FROM hooks WHERE repo_id = $1 ORDER BY id LIMIT $2 OFFSET $3"),
            &[&repo.id, &page.limit(), &page.offset()],
        )
        .await?;
    let total = rows.first().map_or(0, |r| r.get::<_, i64>(9));
    let base = scope.base();
    let items: Vec<Value> = rows.iter().map(|row| render(base, &repo, row)).collect();
    Ok(req::paged(
        base,
        &format!("{}/hooks", repo.path()),
        &query,
        total,
        Value::Array(items).to_string(),
    ))
}

/// `POST /repos/{owner}/{repo}/hooks` (a ping is delivered at once, as GitHub does).
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    if let Some(kind) = body.str("name")?
        && kind != "web"
    {
        return Err(ApiError::custom("Hook", "name", "Name must be \"web\""));
    }
    let settings = settings(&body)?;
    let Some(url) = settings.url.clone() else {
        return Err(ApiError::custom("Hook", "url", "url cannot be blank"));
    };
    let (mut client, repo) = admin_repo(&scope, &viewer).await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            &format!(
                "INSERT INTO hooks (repo_id, url, content_type, secret, insecure_ssl, events, active)
                 SELECT $1, $2, coalesce($3, 'form'), $4, coalesce($5, '0'), coalesce($6::text[], '{{push}}'), coalesce($7, true)
                 WHERE NOT EXISTS (SELECT 1 FROM hooks WHERE repo_id = $1 AND url = $2)
                 RETURNING {HOOK_COLUMNS}"
            ),
            &[&repo.id, &url, &settings.content_type, &settings.secret, &settings.insecure_ssl, &settings.events, &settings.active],
        )
        .await?
        .ok_or_else(already_exists)?;
    let base = scope.base();
    let hook = render(base, &repo, &row);
    ping(&tx, base, &repo, &hook, viewer.user_id).await?;
    tx.commit().await?;
    scope.kit.wake_outbox();
    Ok((StatusCode::CREATED, axum::Json(hook)).into_response())
}

/// GitHub's 422 for a second hook with the same `config.url` on one repository (create or
/// update): `Validation Failed`, `{resource: "Hook", code: "custom", message: "Hook already
/// exists on this repository"}` (no `field`), as real answers quote it.
fn already_exists() -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed").with_error(json!({
        "resource": "Hook", "code": "custom", "message": "Hook already exists on this repository"
    }))
}

/// Enqueues a `ping` to one hook.
async fn ping(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    hook: &Value,
    sender: i64,
) -> ApiResult<()> {
    let mut payload = Map::new();
    payload.insert("zen".into(), json!(crate::meta::ZEN[0]));
    payload.insert("hook_id".into(), hook["id"].clone());
    payload.insert("hook".into(), hook.clone());
    payload.extend(context(client, base, repo.id, sender).await?);
    let id = hook["id"].as_i64().unwrap_or_default();
    let row = client
        .query_one(
            "SELECT url, content_type, coalesce(secret, '') FROM hooks WHERE id = $1",
            &[&id],
        )
        .await?;
    let json = Value::Object(payload).to_string();
    enqueue(
        client,
        repo.id,
        id,
        row.get(0),
        row.get(1),
        row.get(2),
        "ping",
        &json,
    )
    .await
}

/// The id of `repo`'s hook `id` (from the path): 404 when it has none.
pub(crate) async fn hook_id(client: &impl GenericClient, repo: &Repo, id: &str) -> ApiResult<i64> {
    const SQL: &str = "SELECT id FROM hooks WHERE id = $1 AND repo_id = $2";
    Ok(db::keyed::<i64>(client, SQL, id, repo.id).await?.get(0))
}

/// `repo`'s hook `id` (from the path) as GitHub renders it: 404 when it has none.
pub(crate) async fn one(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    id: &str,
) -> ApiResult<Value> {
    let sql = format!("SELECT {HOOK_COLUMNS} FROM hooks WHERE id = $1 AND repo_id = $2");
    let row = db::keyed::<i64>(client, &sql, id, repo.id).await?;
    Ok(render(base, repo, &row))
}

/// `GET /repos/{owner}/{repo}/hooks/{id}`.
pub(crate) async fn get(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, &scope.path).await?;
    Ok(axum::Json(hook).into_response())
}

/// `PATCH /repos/{owner}/{repo}/hooks/{id}` (`add_events`, `remove_events` too).
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let id = &scope.path;
    let settings = settings(&body)?;
    let add = body.strings("add_events")?.unwrap_or_default();
    let remove = body.strings("remove_events")?.unwrap_or_default();
    if let Some(bad) = add.iter().find(|e| !EVENTS.contains(&e.as_str())) {
        return Err(ApiError::custom(
            "Hook",
            "events",
            &format!("{bad} is not a valid event name"),
        ));
    }
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let base = scope.base();
    let row = apply(&client, base, &repo, id, &settings, (&add, &remove)).await?;
    Ok(axum::Json(render(base, &repo, &row)).into_response())
}

/// Applies `settings` (and the events `add` and `remove` name) to `repo`'s hook `id` (from
/// the path): the hook's row as [`HOOK_COLUMNS`] selects it; 404 when there is no such hook,
/// 422 when another hook of the repository has the URL it would take.
pub(crate) async fn apply(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    id: &str,
    settings: &Settings,
    (add, remove): (&[String], &[String]),
) -> ApiResult<asym_kit::tokio_postgres::Row> {
    let hook = one(client, base, repo, id).await?;
    let id = hook["id"].as_i64().unwrap_or_default();
    client
        .query_opt(
            &format!(
                "UPDATE hooks SET url = coalesce($2, url), content_type = coalesce($3, content_type),
                     secret = CASE WHEN $4::text IS NULL THEN secret ELSE $4 END,
                     insecure_ssl = coalesce($5, insecure_ssl),
                     events = ARRAY(SELECT DISTINCT e FROM unnest(coalesce($6, events) || $7::text[]) e
                                    WHERE e <> ALL($8::text[]) ORDER BY e),
                     active = coalesce($9, active), updated_at = now()
                 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM hooks o WHERE o.repo_id = hooks.repo_id
                                               AND o.url = coalesce($2, hooks.url) AND o.id <> $1)
                 RETURNING {HOOK_COLUMNS}"
            ),
            &[&id, &settings.url, &settings.content_type, &settings.secret, &settings.insecure_ssl,
              &settings.events, &add, &remove, &settings.active],
        )
        .await?
        .ok_or_else(already_exists)
}

/// `DELETE /repos/{owner}/{repo}/hooks/{id}`.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let id = &scope.path;
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, id).await?;
    client
        .execute("DELETE FROM hooks WHERE id = $1", &[&hook["id"].as_i64()])
        .await?;
    Ok(req::no_content())
}

/// `POST /repos/{owner}/{repo}/hooks/{id}/pings`: 204, and a `ping` delivery.
pub(crate) async fn pings(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (mut client, repo) = admin_repo(&scope, &viewer).await?;
    let base = scope.base();
    let hook = one(&client, base, &repo, &scope.path).await?;
    let tx = client.transaction().await?;
    ping(&tx, base, &repo, &hook, viewer.user_id).await?;
    tx.commit().await?;
    scope.kit.wake_outbox();
    Ok(req::no_content())
}

fn delivery_summary(record: &outbox::Record, repo: i64) -> Value {
    let header = |name: &str| {
        record
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let payload = payload_of(record);
    let status = match (record.delivered, record.last_status, &record.last_error) {
        (true, _, _) => "OK".to_owned(),
        (false, Some(code), _) => format!("Invalid HTTP Response: {code}"),
        (false, None, Some(err)) => err.clone(),
        (false, None, None) => "Pending".to_owned(),
    };
    json!({
        "id": record.id,
        "guid": header("X-GitHub-Delivery"),
        "delivered_at": record.last_attempt_at.clone().unwrap_or_else(|| record.created_at.clone()),
        "redelivery": record.redelivery_of.is_some(),
        "duration": f64::from(record.duration_ms.unwrap_or(0)) / 1000.0,
        "status": status,
        "status_code": record.last_status.unwrap_or(0),
        "event": record.event,
        "action": payload.get("action").cloned().unwrap_or(Value::Null),
        "installation_id": null,
        "repository_id": repo,
        "throttled_at": null,
    })
}

fn payload_of(record: &outbox::Record) -> Value {
    let text = match record.body.strip_prefix("payload=") {
        Some(encoded) => asym_kit::form::parse(format!("p={encoded}").as_bytes())
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default(),
        None => record.body.clone(),
    };
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// `GET /repos/{owner}/{repo}/hooks/{id}/deliveries`, newest first.
pub(crate) async fn deliveries(scope: Scope<String>, viewer: Viewer, query: Query) -> ApiResult {
    let id = &scope.path;
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, id).await?;
    let limit = query.page().limit();
    let records = outbox::list(&client, Some(&format!("hook:{}", hook["id"])), limit).await?;
    let items: Vec<Value> = records
        .iter()
        .map(|r| delivery_summary(r, repo.id))
        .collect();
    Ok(axum::Json(Value::Array(items)).into_response())
}

async fn delivery(
    client: &impl GenericClient,
    hook: &Value,
    id: &str,
) -> ApiResult<outbox::Record> {
    let id: i64 = db::id(id)?;
    match outbox::get(client, id).await? {
        Some(record) if record.topic == format!("hook:{}", hook["id"]) => Ok(record),
        _ => Err(ApiError::not_found()),
    }
}

/// `GET /repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery_id}`.
pub(crate) async fn get_delivery(scope: Scope<(String, String)>, viewer: Viewer) -> ApiResult {
    let (id, delivery_id) = &scope.path;
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, id).await?;
    let record = delivery(&client, &hook, delivery_id).await?;
    let mut body = delivery_summary(&record, repo.id);
    let headers: Map<String, Value> = record
        .headers
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    body["url"] = json!(record.url);
    body["request"] = json!({ "headers": headers, "payload": payload_of(&record) });
    body["response"] = json!({ "headers": {}, "payload": record.last_error });
    Ok(axum::Json(body).into_response())
}

/// `POST /repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery_id}/attempts`: 202.
pub(crate) async fn redeliver(scope: Scope<(String, String)>, viewer: Viewer) -> ApiResult {
    let (id, delivery_id) = &scope.path;
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, id).await?;
    let record = delivery(&client, &hook, delivery_id).await?;
    outbox::redeliver(&client, record.id).await?;
    scope.kit.wake_outbox();
    Ok((StatusCode::ACCEPTED, axum::Json(json!({}))).into_response())
}
