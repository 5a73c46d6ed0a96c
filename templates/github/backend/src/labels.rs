//! Labels (a repository's: list, create, get, update, delete; an issue's: list, add, set,
//! remove) and milestones (list, create, get, update, delete).

use crate::req::Raw;
use asym_kit::body::{self, Limits};
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::types::ToSql;
use axum::http::StatusCode;
use serde_json::{Map, Value};

use crate::changes::Changes;
use crate::db::{self, Serial};
use crate::error::{ApiError, ApiResult};
use crate::hooks;
use crate::issues::{self, Issue, Numbered};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::time;
use crate::viewer::Viewer;

/// A color as GitHub stores it: six hex digits, no `#`.
fn color(text: &str) -> ApiResult<String> {
    let text = text.trim_start_matches('#');
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_lowercase())
    } else {
        Err(ApiError::validation("Label", "color", "invalid"))
    }
}

/// A label's name as a write sets it (trimmed): 422 `custom` `name is too long (maximum is 50
/// characters)` past 50 characters, as GitHub answers; `invalid` when blank.
fn label_name(text: &str) -> ApiResult<String> {
    let name = text.trim();
    if name.is_empty() {
        return Err(ApiError::validation("Label", "name", "invalid"));
    }
    if name.chars().count() > issues::MAX_LABEL_NAME {
        return Err(ApiError::custom(
            "Label",
            "name",
            "name is too long (maximum is 50 characters)",
        ));
    }
    Ok(name.to_owned())
}

/// A label's description: 422 `custom` past 100 characters.
fn description(body: &Body) -> ApiResult<Option<&str>> {
    let text = body.str("description")?;
    if text.is_some_and(|t| t.chars().count() > 100) {
        return Err(ApiError::custom(
            "Label",
            "description",
            "description is too long (maximum is 100 characters)",
        ));
    }
    Ok(text)
}

async fn label_json(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    id: i64,
) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_label(l, $2)::text FROM labels l WHERE l.id = $1";
    Ok(db::value(client, SQL, &[&id, &repo.url(base)]).await?)
}

async fn find(client: &impl GenericClient, repo: &Repo, name: &str) -> ApiResult<i64> {
    let row = db::found(
        client,
        "SELECT id FROM labels WHERE repo_id = $1 AND lower(name) = lower($2)",
        &[&repo.id, &name],
    )
    .await?;
    Ok(row.get(0))
}

/// `GET /repos/{owner}/{repo}/labels`.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "labels", &query),
        &Listing {
            from: "labels l",
            alias: "l",
            filter: "l.repo_id = $1",
            item: "gh_label(l, $2)",
            order: "l.id",
        },
        &[&repo.id, &repo.url(scope.base())],
    )
    .await
}

/// `POST /repos/{owner}/{repo}/labels`: 201, announced as `label` `created`.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let label = label_name(body.required("name", "Label")?)?;
    let color = color(body.str("color")?.unwrap_or("ededed"))?;
    let description = description(&body)?;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "INSERT INTO labels (repo_id, name, color, description) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING RETURNING id",
            &[&repo.id, &label, &color, &description],
        )
        .await?
        .ok_or_else(|| ApiError::validation("Label", "name", "already_exists"))?;
    let made = label_json(&tx, scope.base(), &repo, row.get(0)).await?;
    let woke = announce(&tx, &scope, &repo, &viewer, ("created", &made), None).await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(made))
}

/// Sends the `label` webhook `action` about `label` (its rendering) to the repository's hooks,
/// with `changes` for an edit. Returns whether anything was enqueued.
async fn announce(
    client: &impl GenericClient,
    scope: &Scope<impl Sized>,
    repo: &Repo,
    viewer: &Viewer,
    (action, label): (&str, &str),
    changes: Option<Map<String, Value>>,
) -> ApiResult<bool> {
    let mut payload = hooks::payload(action, [("label", label)]);
    if let Some(changes) = changes {
        payload.insert("changes".into(), Value::Object(changes));
    }
    hooks::emit(
        client,
        scope.base(),
        repo.id,
        "label",
        viewer.user_id,
        payload,
    )
    .await
}

/// `GET /repos/{owner}/{repo}/labels/{name}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let id = find(&client, &repo, &scope.path).await?;
    Ok(req::ok(label_json(&client, scope.base(), &repo, id).await?))
}

/// `PATCH /repos/{owner}/{repo}/labels/{name}` (`new_name`, `color`, `description`):
/// announced as `label` `edited` with `changes` (`name`, `color`, `description`, each
/// `{from}`, for what changed).
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const BEFORE: &str = "SELECT id, name, color, description FROM labels
                          WHERE repo_id = $1 AND lower(name) = lower($2) FOR UPDATE";
    const AFTER: &str = "SELECT name, color, description FROM labels WHERE id = $1";
    let new_name = body
        .str("new_name")?
        .or(body.str("name")?)
        .map(label_name)
        .transpose()?;
    let description = description(&body)?;
    let color = body.str("color")?.map(color).transpose()?;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    let before = db::found(&tx, BEFORE, &[&repo.id, &scope.path]).await?;
    let id: i64 = before.get(0);
    let updated = tx
        .execute(
            "UPDATE labels SET name = coalesce($2, name), color = coalesce($3, color),
                 description = CASE WHEN $4 THEN $5 ELSE description END
             WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM labels o WHERE o.repo_id = labels.repo_id
                                          AND lower(o.name) = lower($2) AND o.id <> $1)",
            &[
                &id,
                &new_name,
                &color,
                &body.has("description"),
                &description,
            ],
        )
        .await?;
    if updated == 0 {
        return Err(ApiError::validation("Label", "name", "already_exists"));
    }
    let after = tx.query_one(AFTER, &[&id]).await?;
    let mut changes = Map::new();
    for (i, key) in [(1, "name"), (2, "color"), (3, "description")] {
        let from: Option<String> = before.get(i);
        if from != after.get::<_, Option<String>>(i - 1) {
            changes.insert(key.into(), serde_json::json!({ "from": from }));
        }
    }
    let label = label_json(&tx, scope.base(), &repo, id).await?;
    let woke = if changes.is_empty() {
        false
    } else {
        announce(
            &tx,
            &scope,
            &repo,
            &viewer,
            ("edited", &label),
            Some(changes),
        )
        .await?
    };
    scope.commit(tx, woke).await?;
    Ok(req::ok(label))
}

/// `DELETE /repos/{owner}/{repo}/labels/{name}`: 204, announced as `label` `deleted` with
/// the label as it was.
pub(crate) async fn delete(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    const SQL: &str = "DELETE FROM labels l WHERE repo_id = $1 AND lower(name) = lower($2)
                       RETURNING gh_label(l, $3)::text";
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    let url = repo.url(scope.base());
    let Some(label) = db::first::<String>(&tx, SQL, &[&repo.id, &scope.path, &url]).await? else {
        return Err(ApiError::not_found());
    };
    let woke = announce(&tx, &scope, &repo, &viewer, ("deleted", &label), None).await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// Deletes the row `sql` matches in the path's repository (`$1`) by `key` (`$2`), with write
/// access: 204, or 404 when there is none.
async fn delete_one(scope: &Scope<String>, sql: &str, key: &(dyn ToSql + Sync)) -> ApiResult {
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    match db::execute(&client, sql, &[&repo.id, key]).await? {
        0 => Err(ApiError::not_found()),
        _ => Ok(req::no_content()),
    }
}

async fn issue_labels(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    issue: i64,
) -> ApiResult<String> {
    const SQL: &str = "SELECT coalesce(json_agg(gh_label(l, $2) ORDER BY l.name), '[]')::text
                       FROM issue_labels il JOIN labels l ON l.id = il.label_id WHERE il.issue_id = $1";
    Ok(db::value(client, SQL, &[&issue, &repo.url(base)]).await?)
}

/// `GET /repos/{owner}/{repo}/issues/{number}/labels`.
pub(crate) async fn list_on_issue(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    Ok(req::ok(
        issue_labels(&client, scope.base(), &repo, issue.id).await?,
    ))
}

/// `POST` (add) and `PUT` (replace) `/repos/{owner}/{repo}/issues/{number}/labels`, with
/// `{"labels": [...]}`, a bare array, or one label's name as a bare string (as GitHub's
/// description of these routes allows).
pub(crate) async fn add_to_issue(
    scope: Scope<String>,
    viewer: Viewer,
    method: axum::http::Method,
    Raw(bytes): Raw,
) -> ApiResult {
    let body = match body::json(&bytes, &Limits::default())? {
        Value::Array(items) => Body(Map::from_iter([("labels".to_owned(), Value::Array(items))])),
        one @ Value::String(_) => Body(Map::from_iter([(
            "labels".to_owned(),
            Value::Array(vec![one]),
        )])),
        Value::Object(map) => Body(map),
        _ => return Err(ApiError::bad_json()),
    };
    let names = issues::label_names(&body, "labels")?.unwrap_or_default();
    let replace = method == axum::http::Method::PUT;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Triage)?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let mut changes = Changes::default();
    changes
        .label(&tx, (repo.id, issue.id), &names, replace)
        .await?;
    let on = (&repo, &issue, scope.path.as_str());
    let (_, woke) = changes.settle(&tx, base, on, viewer.user_id).await?;
    let labels = issue_labels(&tx, base, &repo, issue.id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(labels))
}

/// `DELETE /repos/{owner}/{repo}/issues/{number}/labels`: 204, each label taken off recorded
/// and announced as `unlabeled`.
pub(crate) async fn clear_on_issue(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Triage)?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    let tx = client.transaction().await?;
    let mut changes = Changes::default();
    changes.label(&tx, (repo.id, issue.id), &[], true).await?;
    let on = (&repo, &issue, scope.path.as_str());
    let (_, woke) = changes
        .settle(&tx, scope.base(), on, viewer.user_id)
        .await?;
    scope.commit(tx, woke).await?;
    Ok(req::no_content())
}

/// `DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}`: the labels left; the label
/// taken off is recorded and announced as `unlabeled`.
pub(crate) async fn remove_from_issue(scope: Scope<(String, String)>, viewer: Viewer) -> ApiResult {
    const SQL: &str = "DELETE FROM issue_labels il USING labels l
                       WHERE il.issue_id = $1 AND il.label_id = l.id AND lower(l.name) = lower($2)
                       RETURNING l.id";
    let (number, label) = &scope.path;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Triage)?;
    let issue = Issue::find(&client, &repo, number).await?;
    let base = scope.base();
    let tx = client.transaction().await?;
    let Some(removed) = db::first(&tx, SQL, &[&issue.id, &label]).await? else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "Label does not exist"));
    };
    let mut changes = Changes::default();
    changes.push("unlabeled", removed);
    let on = (&repo, &issue, number.as_str());
    let (_, woke) = changes.settle(&tx, base, on, viewer.user_id).await?;
    let labels = issue_labels(&tx, base, &repo, issue.id).await?;
    scope.commit(tx, woke).await?;
    Ok(req::ok(labels))
}

/// `GET /repos/{owner}/{repo}/milestones` (`state`, `sort=due_on|completeness`, `direction`).
pub(crate) async fn list_milestones(scope: Scope, query: Query) -> ApiResult {
    let state = query.state("Milestone")?;
    let direction = query.direction("Milestone", "ASC")?;
    let order = match query.get("sort").unwrap_or("due_on") {
        "due_on" => format!("m.due_on {direction} NULLS LAST, m.number"),
        "completeness" => format!(
            "(SELECT count(*) FILTER (WHERE state = 'closed')::float8 / greatest(count(*), 1) FROM issues WHERE milestone_id = m.id) {direction}, m.number"
        ),
        _ => return Err(ApiError::validation("Milestone", "sort", "invalid")),
    };
    let (client, repo) = scope.open().await?;
    req::list(
        &client,
        &scope.page(&repo, "milestones", &query),
        &Listing {
            from: "milestones m",
            alias: "m",
            filter: "m.repo_id = $1 AND ($2::text IS NULL OR m.state = $2)",
            item: "gh_milestone(m, $3)",
            order: &order,
        },
        &[&repo.id, &state, &scope.base()],
    )
    .await
}

async fn milestone_json(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_milestone(m, $2)::text FROM milestones m WHERE m.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

async fn find_milestone(client: &impl GenericClient, repo: &Repo, number: &str) -> ApiResult<i64> {
    const SQL: &str = "SELECT id FROM milestones WHERE number = $1 AND repo_id = $2";
    let row = db::keyed::<i32>(client, SQL, number, repo.id).await?;
    Ok(row.get(0))
}

fn due_on(body: &Body) -> ApiResult<Option<f64>> {
    #[allow(
        clippy::cast_precision_loss,
        reason = "Unix seconds fit a double exactly"
    )]
    body.str("due_on")?
        .map(|text| {
            time::parse(text)
                .map(|s| s as f64)
                .ok_or_else(|| ApiError::validation("Milestone", "due_on", "invalid"))
        })
        .transpose()
}

/// `POST /repos/{owner}/{repo}/milestones`.
pub(crate) async fn create_milestone(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let title = body.required("title", "Milestone")?.to_owned();
    let state = body.one_of("state", &["open", "closed"], "Milestone")?;
    let due = due_on(&body)?;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let tx = client.transaction().await?;
    db::one_at_a_time(&tx, Serial::Milestones, repo.id).await?;
    let row = tx
        .query_opt(
            "INSERT INTO milestones (repo_id, number, title, description, state, due_on, creator_id, closed_at)
             SELECT $1, coalesce(max(number), 0) + 1, $2, $3, coalesce($4, 'open'), to_timestamp($5), $6,
                    CASE WHEN $4 = 'closed' THEN now() END
             FROM milestones WHERE repo_id = $1
             HAVING NOT EXISTS (SELECT 1 FROM milestones WHERE repo_id = $1 AND title = $2)
             RETURNING id",
            &[&repo.id, &title, &body.str("description")?, &state, &due, &viewer.user_id],
        )
        .await?
        .ok_or_else(|| ApiError::validation("Milestone", "title", "already_exists"))?;
    let text = milestone_json(&tx, scope.base(), row.get(0)).await?;
    tx.commit().await?;
    Ok(req::created(text))
}

/// `GET /repos/{owner}/{repo}/milestones/{number}`.
pub(crate) async fn get_milestone(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let id = find_milestone(&client, &repo, &scope.path).await?;
    Ok(req::ok(milestone_json(&client, scope.base(), id).await?))
}

/// `PATCH /repos/{owner}/{repo}/milestones/{number}`.
pub(crate) async fn update_milestone(
    scope: Scope<String>,
    _signed_in: Viewer,
    body: Body,
) -> ApiResult {
    let title = body.str("title")?;
    let state = body.one_of("state", &["open", "closed"], "Milestone")?;
    let due = due_on(&body)?;
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let id = find_milestone(&client, &repo, &scope.path).await?;
    client
        .execute(
            "UPDATE milestones SET title = coalesce($2, title),
                 description = CASE WHEN $3 THEN $4 ELSE description END,
                 state = coalesce($5, state),
                 closed_at = CASE WHEN $5 = 'closed' AND state = 'open' THEN now()
                                  WHEN $5 = 'open' THEN NULL ELSE closed_at END,
                 due_on = CASE WHEN $6 THEN to_timestamp($7) ELSE due_on END,
                 updated_at = now()
             WHERE id = $1",
            &[
                &id,
                &title,
                &body.has("description"),
                &body.str("description")?,
                &state,
                &body.has("due_on"),
                &due,
            ],
        )
        .await?;
    Ok(req::ok(milestone_json(&client, scope.base(), id).await?))
}

/// `DELETE /repos/{owner}/{repo}/milestones/{number}`: 204.
pub(crate) async fn delete_milestone(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    const SQL: &str = "DELETE FROM milestones WHERE repo_id = $1 AND number = $2";
    let number: i32 = db::id(&scope.path)?;
    delete_one(&scope, SQL, &number).await
}
