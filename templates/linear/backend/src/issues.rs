//! Issue writes: `issueCreate` (numbered per team: `ENG-7`), `issueBatchCreate`,
//! `issueUpdate`, `issueBatchUpdate`, `issueAddLabel`/`issueRemoveLabel`, `issueArchive`/`issueUnarchive`,
//! `issueDelete` (to the trash, or permanently). State timestamps and history rows are kept
//! by Postgres triggers (`migrations/0003_issue_triggers.sql`).

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::{Map, json};

use crate::args::{arg_str, context};
use crate::case::column;
use crate::connection::{Where, object};
use crate::entity;
use crate::error::{self, Result, db};
use crate::hooks::{self, Event};
use crate::write;
use crate::{Shared, Viewer};

/// Most issues one `issueBatchCreate` may create or `issueBatchUpdate` change (Linear's
/// limit).
const MAX_BATCH: usize = 50;

type Input = Map<String, serde_json::Value>;

/// The fields of `IssueCreateInput` and `IssueUpdateInput` the clone implements: those both
/// have (the [`COLUMNS`] and the labels) and `own`, the input's own.
fn fields(own: &[&'static str]) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .flat_map(|(_, fields)| fields.iter().copied())
        .chain(["labelIds"])
        .chain(own.iter().copied())
        .collect()
}

/// An issue's id from a UUID or an identifier (`ENG-123`); unknown identifiers are not found.
///
/// # Errors
///
/// Not found, or Postgres errors.
pub(crate) async fn resolve_id(shared: &Shared, id: &str) -> Result<String> {
    let Some((key, number)) = id.rsplit_once('-') else {
        return Ok(id.to_owned());
    };
    if key.is_empty()
        || number.is_empty()
        || !number.bytes().all(|b| b.is_ascii_digit())
        || key.len() > 10
    {
        return Ok(id.to_owned());
    }
    let client = shared.kit.db().await.map_err(error::internal)?;
    let statement = client
        .prepare_cached("SELECT id FROM issues WHERE identifier = $1")
        .await
        .map_err(error::internal)?;
    let row = client
        .query_opt(&statement, &[&id.to_uppercase()])
        .await
        .map_err(error::internal)?;
    row.map(|row| row.get(0))
        .ok_or_else(|| error::not_found("Issue"))
}

/// Checks `priority` (0–4) and `estimate`, which the schema types only as numbers.
fn check_values(input: &Input) -> Result<()> {
    if let Some(priority) = input.get("priority").filter(|v| !v.is_null()) {
        match priority.as_i64() {
            Some(0..=4) => {}
            _ => {
                return Err(error::invalid(
                    "Argument Validation Error: priority must be between 0 and 4",
                ));
            }
        }
    }
    write::check(input, &[("title", write::Rule::NotBlank)])
}

/// Refuses references that do not exist or belong to another team, in one statement; when
/// `creating`, an unknown or archived team is refused before them, and a retired label after
/// them (it cannot be applied to a new issue). Postgres is not asked when the input names no
/// reference.
async fn check_refs(
    tx: &impl GenericClient,
    team: &str,
    input: &Input,
    creating: bool,
) -> Result<()> {
    let labels: Vec<String> = ["labelIds", "addedLabelIds"]
        .iter()
        .map(|key| write::texts(input, key))
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .flatten()
        .collect();
    let refs = ["stateId", "assigneeId", "parentId", "projectId", "cycleId"]
        .into_iter()
        .map(|key| write::text(input, key))
        .collect::<Result<Vec<_>>>()?;
    if labels.is_empty() && refs.iter().all(Option::is_none) {
        return Ok(());
    }
    let statement = tx
        .prepare_cached(
            "SELECT (NOT $8 OR EXISTS (SELECT 1 FROM teams WHERE id = $1 AND archived_at IS NULL)),
                    ($2::text IS NULL OR EXISTS (SELECT 1 FROM workflow_states WHERE id = $2 AND team_id = $1)),
                    ($3::text IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $3 AND active)),
                    ($4::text IS NULL OR EXISTS (SELECT 1 FROM issues WHERE id = $4)),
                    ($5::text IS NULL OR EXISTS (SELECT 1 FROM projects WHERE id = $5)),
                    ($6::text IS NULL OR EXISTS (SELECT 1 FROM cycles WHERE id = $6 AND team_id = $1)),
                    (SELECT count(DISTINCT id) FROM issue_labels WHERE id = ANY($7)
                        AND (team_id IS NULL OR team_id = $1))
                      = (SELECT count(DISTINCT x) FROM unnest($7::text[]) x),
                    (NOT $8 OR NOT EXISTS (SELECT 1 FROM issue_labels
                                           WHERE id = ANY($7) AND retired_at IS NOT NULL))",
        )
        .await
        .map_err(error::internal)?;
    let row = tx
        .query_one(
            &statement,
            &[
                &team, &refs[0], &refs[1], &refs[2], &refs[3], &refs[4], &labels, &creating,
            ],
        )
        .await
        .map_err(db)?;
    for (index, entity) in [
        "Team",
        "WorkflowState",
        "User",
        "Issue",
        "Project",
        "Cycle",
        "IssueLabel",
    ]
    .into_iter()
    .enumerate()
    {
        if !row.get::<_, bool>(index) {
            return Err(error::not_found(entity));
        }
    }
    if !row.get::<_, bool>(7) {
        return Err(error::validation(
            "A retired label cannot be applied to a new issue.",
        ));
    }
    Ok(())
}

/// Refuses `parent` as the parent of issue `id` when it is the issue itself or one of its
/// sub-issues (at any depth): the hierarchy would become a cycle.
async fn check_parent(tx: &impl GenericClient, id: &str, parent: &str) -> Result<()> {
    let statement = tx
        .prepare_cached(
            "WITH RECURSIVE ancestors(id) AS (
                 SELECT $1::text
                 UNION SELECT i.parent_id FROM issues i JOIN ancestors a ON i.id = a.id
                 WHERE i.parent_id IS NOT NULL)
             SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $2)",
        )
        .await
        .map_err(error::internal)?;
    let row = tx
        .query_one(&statement, &[&parent, &id])
        .await
        .map_err(db)?;
    if row.get::<_, bool>(0) {
        return Err(error::invalid(
            "Argument Validation Error: an issue cannot be its own parent or a sub-issue of \
             its own sub-issues",
        ));
    }
    Ok(())
}

/// `issueCreate(input:)`. The team's issue counter is a row lock every create of that team
/// waits on, so it is held as briefly as possible: references and webhooks are looked up
/// first, then one statement numbers, inserts and renders the issue. That statement is the
/// whole write when no webhook hears about it (a statement is atomic by itself); otherwise
/// it runs in a transaction with the deliveries it queues.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let (input, template) = with_template(shared, write::input(ctx)?).await?;
    let assignee = write::text(&input, "assigneeId")?;
    let payload = create_from(shared, viewer, input).await?;
    if let Some(template) = template {
        crate::templates::applied(shared, &template).await?;
    }
    if let (Some(assignee), Some(issue)) = (assignee, issue_id(&payload)) {
        crate::agents::assigned(shared, viewer, &issue, &assignee).await?;
    }
    Ok(payload)
}

/// The id of the issue in an `IssuePayload`.
fn issue_id(payload: &Value) -> Option<String> {
    let Value::Object(fields) = payload else {
        return None;
    };
    match fields.get("issue") {
        Some(Value::Object(issue)) => match issue.get("id") {
            Some(Value::String(id)) => Some(id.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// An `IssueCreateInput` with the data of the issue template its `templateId` names (if
/// any) applied, and that template.
async fn with_template(shared: &Shared, mut input: Input) -> Result<(Input, Option<String>)> {
    match crate::templates::take_id(&mut input)? {
        Some(template) => Ok((
            crate::templates::apply(shared, &template, input).await?,
            Some(template),
        )),
        None => Ok((input, None)),
    }
}

/// Refuses an `IssueCreateInput` (its template applied) the clone cannot write; answers
/// its team.
fn check_create(input: &Input) -> Result<String> {
    write::only(input, &fields(&["id", "teamId"]))?;
    write::check_id(input)?;
    check_values(input)?;
    let team = write::text(input, "teamId")?.ok_or_else(|| error::invalid("teamId is required"))?;
    if write::text(input, "title")?.is_none() {
        return Err(error::refused(&[write::Rule::NotBlank.refusal("title")]));
    }
    if let Some(id) = write::text(input, "id")?
        && write::text(input, "parentId")?.as_deref() == Some(id.as_str())
    {
        return Err(error::invalid(
            "Argument Validation Error: an issue cannot be its own parent",
        ));
    }
    Ok(team)
}

/// [`create`] of `input`, whose template (if any) is already applied.
async fn create_from(shared: &Shared, viewer: &Viewer, input: Input) -> Result<Value> {
    let team = check_create(&input)?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    check_refs(&client, &team, &input, true).await?;
    let hooks = hooks::subscribed(&client, viewer, "Issue", Some(&team)).await?;
    if hooks.is_empty() {
        let row = insert(&client, shared, viewer, &team, &input).await?;
        return Ok(write::payload(
            "issue",
            entity::parse(row.get(0))?,
            row.get(1),
        ));
    }
    let tx = client.transaction().await.map_err(error::internal)?;
    let (issue, sync, queued) = create_in(&tx, shared, viewer, &team, &input, &hooks).await?;
    write::commit(shared, tx, queued).await?;
    Ok(write::payload("issue", issue, sync))
}

/// Creates issue `input` of `team` inside `tx` and queues its `create` webhook to `hooks`:
/// the issue, the sync id and whether a delivery was queued.
async fn create_in(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    team: &str,
    input: &Input,
    hooks: &hooks::Subscribers,
) -> Result<(Value, i64, bool)> {
    let row = insert(tx, shared, viewer, team, input).await?;
    let (issue, json, sync) = write::rendered(&row)?;
    let event = Event {
        resource: "Issue",
        action: "create",
        team: Some(team),
        data: &json,
        updated_from: None,
    };
    let queued = hooks.emit(tx, viewer, event).await?;
    Ok((issue, sync, queued))
}

/// The one statement that takes `team`'s next issue number, inserts issue `input` and
/// renders it: its row of the issue's JSON text and the next `lastSyncId`.
async fn insert(
    client: &impl GenericClient,
    shared: &Shared,
    viewer: &Viewer,
    team: &str,
    input: &Input,
) -> Result<asym_kit::tokio_postgres::Row> {
    let text = |key: &str| write::text(input, key);
    let number_of = |key: &str| input.get(key).and_then(serde_json::Value::as_f64);
    let priority = input
        .get("priority")
        .and_then(serde_json::Value::as_i64)
        .map(|p| p as i32);
    let labels = write::texts(input, "labelIds")?;
    let sql = format!(
        "{}, seq AS (
                UPDATE teams SET issue_seq = issue_seq + 1 WHERE id = $4 AND archived_at IS NULL
                RETURNING issue_seq, key),
             created AS (
                INSERT INTO issues AS t (id, team_id, number, identifier, title, description,
                    priority, estimate, state_id, assignee_id, creator_id, parent_id, project_id,
                    cycle_id, label_ids, due_date, sort_order, sub_issue_sort_order,
                    added_to_cycle_at, added_to_project_at, updated_by, project_milestone_id)
                SELECT coalesce($3, gen_random_uuid()::text), $4, seq.issue_seq,
                    seq.key || '-' || seq.issue_seq, $5, $6, coalesce($7, 0), $8,
                    coalesce($9, first_state($4, ARRAY['backlog', 'unstarted'])), $10, $2, $11,
                    $12, $13, coalesce($14::text[], '{{}}'), $15::text::date,
                    coalesce($16::float8, extract(epoch FROM clock_timestamp())::float8), $17,
                    CASE WHEN $13::text IS NULL THEN NULL ELSE now() END,
                    CASE WHEN $12::text IS NULL THEN NULL ELSE now() END, $2, $18
                FROM seq
                RETURNING t AS issue)
             SELECT issue_doc(created.issue, ctx.base)::text, nextval('sync_id_seq')
             FROM ctx, created",
        entity::CTX.trim_end(),
    );
    let params: [&(dyn ToSql + Sync); 18] = [
        &shared.base,
        &viewer.user_id,
        &text("id")?,
        &team,
        &text("title")?,
        &text("description")?,
        &priority,
        &number_of("estimate"),
        &text("stateId")?,
        &text("assigneeId")?,
        &text("parentId")?,
        &text("projectId")?,
        &text("cycleId")?,
        &labels,
        &text("dueDate")?,
        &number_of("sortOrder"),
        &number_of("subIssueSortOrder"),
        &text("projectMilestoneId")?,
    ];
    write::one(client, &sql, &params, "Team").await
}

/// `issueBatchCreate(input: {issues})`: at most 50, all or nothing in one transaction, each
/// as `issueCreate` makes it (a template applied, numbered in its team, its webhooks).
pub(crate) async fn batch_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let items = match write::input(ctx)?.remove("issues") {
        Some(serde_json::Value::Array(items)) => items,
        _ => return Err(error::invalid("`issues` must be a list")),
    };
    check_batch(items.len())?;
    let mut inputs = Vec::with_capacity(items.len());
    for item in items {
        let serde_json::Value::Object(input) = item else {
            return Err(error::invalid("`issues` must be a list of objects"));
        };
        let (input, template) = with_template(shared, input).await?;
        let team = check_create(&input)?;
        inputs.push((input, template, team));
    }
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let mut issues = Vec::with_capacity(inputs.len());
    let (mut sync, mut queued) = (0, false);
    for (input, _, team) in &inputs {
        check_refs(&tx, team, input, true).await?;
        let hooks = hooks::subscribed(&tx, viewer, "Issue", Some(team)).await?;
        let (issue, last, delivered) = create_in(&tx, shared, viewer, team, input, &hooks).await?;
        issues.push(issue);
        sync = last;
        queued |= delivered;
    }
    write::commit(shared, tx, queued).await?;
    for template in inputs
        .iter()
        .filter_map(|(_, template, _)| template.as_ref())
    {
        crate::templates::applied(shared, template).await?;
    }
    Ok(batch_payload(issues, sync))
}

/// Refuses a batch over Linear's limit of [`MAX_BATCH`] issues.
fn check_batch(len: usize) -> Result<()> {
    if len > MAX_BATCH {
        return Err(error::invalid(format!(
            "Argument Validation Error: at most {MAX_BATCH} issues per batch"
        )));
    }
    Ok(())
}

/// `IssueBatchPayload`: `{success, lastSyncId, issues}`.
fn batch_payload(issues: Vec<Value>, sync: i64) -> Value {
    object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        ("issues", Value::List(issues)),
    ])
}

/// The issue fields an update may change, by SQL cast; each is written to its [`column()`].
const COLUMNS: [(&str, &[&str]); 4] = [
    (
        "text",
        &[
            "title",
            "description",
            "stateId",
            "assigneeId",
            "parentId",
            "projectId",
            "projectMilestoneId",
            "cycleId",
        ],
    ),
    ("int", &["priority"]),
    ("float8", &["estimate", "sortOrder", "subIssueSortOrder"]),
    ("date", &["dueDate"]),
];

/// Applies `input` to issue `id` inside `tx`; answers the issue as written and its team.
async fn update_in(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    id: &str,
    input: &Input,
) -> Result<(Value, i64, bool)> {
    let row = write::one(
        tx,
        "SELECT team_id, to_jsonb(i)::text FROM issues i WHERE id = $1 FOR UPDATE",
        &[&id],
        "Issue",
    )
    .await?;
    let team: String = row.get(0);
    let before: serde_json::Value = serde_json::from_str(row.get(1)).map_err(error::internal)?;
    check_refs(tx, &team, input, false).await?;
    if let Some(parent) = write::text(input, "parentId")? {
        check_parent(tx, id, &parent).await?;
    }
    let mut binder = Where::after(0);
    let mut sets = Vec::new();
    let fields = COLUMNS
        .iter()
        .flat_map(|(cast, fields)| fields.iter().map(move |field| (*field, *cast)));
    for (field, cast) in fields {
        let Some(value) = input.get(field) else {
            continue;
        };
        if value.is_null() && matches!(field, "title" | "priority" | "stateId" | "sortOrder") {
            continue;
        }
        let placeholder = match value {
            serde_json::Value::Null => "NULL".to_owned(),
            serde_json::Value::String(text) => binder.param(text.clone()),
            serde_json::Value::Number(n) => binder.param(n.as_f64().unwrap_or_default()),
            _ => return Err(error::invalid(format!("`{field}` has the wrong type"))),
        };
        let expr = match cast {
            "int" => format!("{placeholder}::float8::int"),
            "date" => format!("{placeholder}::text::date"),
            _ => format!("{placeholder}::{cast}"),
        };
        sets.push(format!("{} = {expr}", column(field)));
        match field {
            "cycleId" => sets.push(format!("added_to_cycle_at = CASE WHEN {placeholder}::text IS NULL THEN NULL ELSE now() END")),
            "projectId" => sets.push(format!("added_to_project_at = CASE WHEN {placeholder}::text IS NULL THEN NULL ELSE now() END")),
            _ => {}
        }
    }
    let mut labels = "label_ids".to_owned();
    if let Some(ids) = write::texts(input, "labelIds")? {
        labels = format!("{}::text[]", binder.param(ids));
    }
    if let Some(ids) = write::texts(input, "addedLabelIds")? {
        labels = format!(
            "(SELECT array_agg(DISTINCT x) FROM unnest({labels} || {}::text[]) x)",
            binder.param(ids)
        );
    }
    if let Some(ids) = write::texts(input, "removedLabelIds")? {
        labels = format!(
            "array(SELECT x FROM unnest({labels}) x WHERE x <> ALL({}::text[]))",
            binder.param(ids)
        );
    }
    if labels != "label_ids" {
        sets.push(format!("label_ids = coalesce({labels}, '{{}}')"));
    }
    if let Some(trashed) = input.get("trashed").and_then(serde_json::Value::as_bool) {
        sets.push(format!("trashed = {}::bool", binder.param(trashed)));
    }
    let actor = binder.param(viewer.user_id.clone());
    let target = binder.param(id.to_owned());
    let sql = format!(
        "UPDATE issues SET {}updated_at = now(), updated_by = {actor} WHERE id = {target}",
        sets.iter()
            .map(|set| format!("{set}, "))
            .collect::<String>()
    );
    tx.execute(&sql, &binder.params()).await.map_err(db)?;
    let (issue, json, sync) = write::render(tx, shared, viewer, "Issue", id).await?;
    let updated_from = changed(&before, &json);
    let event = Event {
        resource: "Issue",
        action: "update",
        team: Some(&team),
        data: &json,
        updated_from: Some(updated_from),
    };
    let queued = hooks::emit(tx, viewer, event).await?;
    Ok((issue, sync, queued))
}

/// Linear's `updatedFrom`: the previous values of the fields an update changed.
fn changed(before: &serde_json::Value, after: &serde_json::Value) -> serde_json::Value {
    let fields = COLUMNS
        .iter()
        .flat_map(|(_, fields)| fields.iter())
        .chain(&["labelIds"]);
    let mut previous = Map::new();
    for field in fields {
        // A reference (`stateId`) is rendered as its object (`state: {id, …}`).
        let now = match field.strip_suffix("Id") {
            Some(object) => after.get(object).and_then(|v| v.get("id")),
            None => after.get(*field),
        }
        .cloned()
        .unwrap_or_default();
        let was = before.get(column(field)).cloned().unwrap_or_default();
        let same = match (&was, &now) {
            (serde_json::Value::Number(a), serde_json::Value::Number(b)) => {
                a.as_f64() == b.as_f64()
            }
            _ => was == now,
        };
        if !same {
            previous.insert((*field).to_owned(), was);
        }
    }
    previous.insert(
        "updatedAt".to_owned(),
        write::previous(&before.get("updated_at").cloned().unwrap_or_default()),
    );
    json!(previous)
}

async fn update_many(
    ctx: &ResolverContext<'_>,
    ids: &[String],
    input: &Input,
) -> Result<(Vec<Value>, i64)> {
    let (shared, viewer) = context(ctx)?;
    write::only(
        input,
        &fields(&["addedLabelIds", "removedLabelIds", "trashed"]),
    )?;
    check_values(input)?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let mut issues = Vec::with_capacity(ids.len());
    let (mut sync, mut queued) = (0, false);
    for id in ids {
        let (issue, last, delivered) = update_in(&tx, shared, viewer, id, input).await?;
        issues.push(issue);
        sync = last;
        queued |= delivered;
    }
    write::commit(shared, tx, queued).await?;
    Ok((issues, sync))
}

/// Takes every issue out of cycle `cycle` inside `tx` (before the cycle is archived): each
/// is an update like `issueUpdate(input: {cycleId: null})`, its history and webhooks alike.
/// Answers whether any delivery was queued.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn leave_cycle(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    cycle: &str,
) -> Result<bool> {
    let every = Move {
        select: "SELECT id FROM issues WHERE cycle_id = $1 ORDER BY number",
        from: cycle,
        to: None,
    };
    move_cycle(tx, shared, viewer, every).await
}

/// Moves the unfinished issues of cycle `from` (not archived, in no completed or canceled
/// state) to cycle `to` inside `tx`, as a cycle's completion rolls them over, recording them
/// as `from`'s `uncompletedIssuesUponClose`: each an update like
/// `issueUpdate(input: {cycleId: to})`. Answers whether any delivery was queued.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn roll_over(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    (from, to): (&str, &str),
) -> Result<bool> {
    let record = "INSERT INTO cycle_uncompleted_issues (cycle_id, issue_id)
         SELECT $1, i.id FROM issues i JOIN workflow_states s ON s.id = i.state_id
         WHERE i.cycle_id = $1 AND i.archived_at IS NULL AND s.type NOT IN ('completed', 'canceled')
         ON CONFLICT DO NOTHING";
    tx.execute(record, &[&from]).await.map_err(db)?;
    let recorded = Move {
        select: "SELECT i.id FROM cycle_uncompleted_issues u JOIN issues i ON i.id = u.issue_id
             WHERE u.cycle_id = $1 AND i.cycle_id = $1 ORDER BY i.number",
        from,
        to: Some(to),
    };
    move_cycle(tx, shared, viewer, recorded).await
}

/// Issues moved out of a cycle: those `select` finds (cycle `from` its `$1`), to cycle `to`
/// (none: out of any cycle).
struct Move<'a> {
    select: &'static str,
    from: &'a str,
    to: Option<&'a str>,
}

/// Makes `change`, one issue update at a time. Answers whether any delivery was queued.
async fn move_cycle(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    Move { select, from, to }: Move<'_>,
) -> Result<bool> {
    let statement = tx.prepare_cached(select).await.map_err(error::internal)?;
    let issues = tx.query(&statement, &[&from]).await.map_err(db)?;
    let input = Input::from_iter([("cycleId".to_owned(), to.into())]);
    let mut queued = false;
    for issue in issues {
        let (_, _, delivered) = update_in(tx, shared, viewer, issue.get(0), &input).await?;
        queued |= delivered;
    }
    Ok(queued)
}

/// The issue the `id` argument names (a UUID or an identifier).
async fn id_arg(ctx: &ResolverContext<'_>) -> Result<String> {
    let (shared, _) = context(ctx)?;
    resolve_id(shared, &arg_str(ctx, "id")?).await
}

/// Updates issue `id` from `input`: `IssuePayload`.
async fn update_one(ctx: &ResolverContext<'_>, id: String, input: &Input) -> Result<Value> {
    let (mut issues, sync) = update_many(ctx, &[id], input).await?;
    Ok(write::payload(
        "issue",
        issues.pop().unwrap_or_default(),
        sync,
    ))
}

/// `issueUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = id_arg(ctx).await?;
    let input = write::input(ctx)?;
    let payload = update_one(ctx, id.clone(), &input).await?;
    if let Some(assignee) = write::text(&input, "assigneeId")? {
        let (shared, viewer) = context(ctx)?;
        crate::agents::assigned(shared, viewer, &id, &assignee).await?;
    }
    Ok(payload)
}

/// `issueBatchUpdate(ids:, input:)`: all or nothing, at most 50.
pub(crate) async fn batch_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let ids: Vec<String> = ctx
        .args
        .try_get("ids")?
        .list()?
        .iter()
        .map(|id| id.string().map(str::to_owned))
        .collect::<std::result::Result<_, _>>()?;
    check_batch(ids.len())?;
    let input = write::input(ctx)?;
    let (issues, sync) = update_many(ctx, &ids, &input).await?;
    Ok(batch_payload(issues, sync))
}

/// `issueAddLabel` / `issueRemoveLabel`.
async fn label(ctx: &ResolverContext<'_>, field: &str) -> Result<Value> {
    let id = id_arg(ctx).await?;
    let mut input = Input::new();
    input.insert(field.to_owned(), json!([arg_str(ctx, "labelId")?]));
    update_one(ctx, id, &input).await
}

/// `issueAddLabel(id:, labelId:)`.
pub(crate) async fn add_label(ctx: &ResolverContext<'_>) -> Result<Value> {
    label(ctx, "addedLabelIds").await
}

/// `issueRemoveLabel(id:, labelId:)`.
pub(crate) async fn remove_label(ctx: &ResolverContext<'_>) -> Result<Value> {
    label(ctx, "removedLabelIds").await
}

/// Archives (`archive`), trashes (`trash`) or restores issue `id` — `IssueArchivePayload`.
async fn archive_state(ctx: &ResolverContext<'_>, archive: bool, trash: bool) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = resolve_id(shared, &arg_str(ctx, "id")?).await?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let statement = tx
        .prepare_cached(
            "UPDATE issues SET archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) END,
                 trashed = CASE WHEN $2 AND $3 THEN true WHEN $2 THEN trashed END,
                 updated_at = now(), updated_by = $4
             WHERE id = $1 RETURNING team_id",
        )
        .await
        .map_err(error::internal)?;
    let row = tx
        .query_opt(&statement, &[&id, &archive, &trash, &viewer.user_id])
        .await
        .map_err(db)?
        .ok_or_else(|| error::not_found("Issue"))?;
    let team: String = row.get(0);
    let (issue, json, sync) = write::render(&tx, shared, viewer, "Issue", &id).await?;
    let action = if archive { "remove" } else { "update" };
    let event = Event {
        resource: "Issue",
        action,
        team: Some(&team),
        data: &json,
        updated_from: None,
    };
    let queued = hooks::emit(&tx, viewer, event).await?;
    write::commit(shared, tx, queued).await?;
    Ok(write::payload("entity", issue, sync))
}

/// `issueArchive(id:, trash:)`.
pub(crate) async fn archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let trash = ctx
        .args
        .get("trash")
        .and_then(|v| v.boolean().ok())
        .unwrap_or(false);
    archive_state(ctx, true, trash).await
}

/// `issueUnarchive(id:)`: also takes an issue out of the trash.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    archive_state(ctx, false, false).await
}

/// `issueDelete(id:, permanentlyDelete:)`: to the trash (archived, `trashed`), or gone.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    if ctx
        .args
        .get("permanentlyDelete")
        .and_then(|v| v.boolean().ok())
        != Some(true)
    {
        return archive_state(ctx, true, true).await;
    }
    let (shared, viewer) = context(ctx)?;
    let id = resolve_id(shared, &arg_str(ctx, "id")?).await?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let (issue, json, sync) = write::render(&tx, shared, viewer, "Issue", &id).await?;
    tx.batch_execute("SET CONSTRAINTS ALL IMMEDIATE")
        .await
        .map_err(error::internal)?;
    for statement in [
        "DELETE FROM comments WHERE issue_id = $1",
        "DELETE FROM attachments WHERE issue_id = $1",
        "DELETE FROM issue_history WHERE issue_id = $1",
        "UPDATE issues SET parent_id = NULL WHERE parent_id = $1",
        "DELETE FROM issues WHERE id = $1",
    ] {
        tx.execute(statement, &[&id]).await.map_err(db)?;
    }
    let team = json
        .get("team")
        .and_then(|t| t.get("id"))
        .and_then(|t| t.as_str())
        .map(str::to_owned);
    let event = Event {
        resource: "Issue",
        action: "remove",
        team: team.as_deref(),
        data: &json,
        updated_from: None,
    };
    let queued = hooks::emit(&tx, viewer, event).await?;
    write::commit(shared, tx, queued).await?;
    Ok(write::payload("entity", issue, sync))
}
