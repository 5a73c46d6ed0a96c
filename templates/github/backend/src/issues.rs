//! Issues: list (a repository's, and `/issues` across the caller's repositories) with
//! GitHub's filters, create, get, update (close with `state_reason`, reopen), lock and
//! unlock, assignees. Pull requests are issues too (they share the numbering and show in
//! these lists, with a `pull_request` field).

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::page::PageRequest;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use axum::extract::State;
use serde_json::{Map, Value};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{self, Access, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{hooks, time};

/// An issue as a write resolved it.
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    /// Its id.
    pub(crate) id: i64,
    /// Its author.
    pub(crate) user_id: i64,
    /// `open` or `closed`.
    pub(crate) state: String,
    /// Whether it is locked.
    pub(crate) locked: bool,
    /// Whether it is a pull request.
    pub(crate) is_pull: bool,
}

/// What a repository's issue number names: an [`Issue`], or a pull request with its branches.
pub(crate) trait Numbered: Sized {
    /// Selects it by number (`$1`) in a repository (`$2`).
    const SQL: &'static str;

    /// It, from a row [`Self::SQL`] selected.
    fn from_row(row: &Row) -> Self;

    /// The one `number` names in `repo`, or 404.
    async fn find(client: &impl GenericClient, repo: &Repo, number: &str) -> ApiResult<Self> {
        let row = db::keyed::<i32>(client, Self::SQL, number, repo.id).await?;
        Ok(Self::from_row(&row))
    }
}

impl Numbered for Issue {
    const SQL: &'static str = "SELECT i.id, i.user_id, i.state, i.locked, i.is_pull FROM issues i
                               WHERE i.number = $1 AND i.repo_id = $2";

    /// The issue in the first five columns of `row`: `i.id, i.user_id, i.state, i.locked,
    /// i.is_pull`.
    fn from_row(row: &Row) -> Self {
        Self {
            id: row.get(0),
            user_id: row.get(1),
            state: row.get(2),
            locked: row.get(3),
            is_pull: row.get(4),
        }
    }
}

/// The issue's JSON (its stored rendering when current).
pub(crate) async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "SELECT coalesce(i.rendered, gh_issue(i, $2)::text) FROM issues i WHERE i.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Renders the issue after a write and stores the rendering (see `0005_issue_cache.sql`).
pub(crate) async fn refresh(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str =
        "UPDATE issues i SET rendered = gh_issue(i, $2)::text WHERE i.id = $1 RETURNING rendered";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// Announces `action` on an issue (or pull request) to the repository's hooks.
pub(crate) async fn announce(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    issue: &str,
    action: &str,
    sender: i64,
    extra: Map<String, Value>,
) -> ApiResult<bool> {
    let mut payload = hooks::payload(action, [("issue", issue)]);
    payload.extend(extra);
    hooks::emit(client, base, repo.id, "issues", sender, payload).await
}

/// Records an issue event (`closed`, `labeled`, …) for `GET …/issues/{n}/events`.
pub(crate) async fn record(
    client: &impl GenericClient,
    issue: i64,
    actor: i64,
    event: &str,
    detail: Option<Value>,
) -> ApiResult<()> {
    const SQL: &str = "INSERT INTO issue_events (issue_id, actor_id, event, detail)
                       VALUES ($1, $2, $3, $4::text::json)";
    let detail = detail.map(|d| d.to_string());
    db::execute(client, SQL, &[&issue, &actor, &event, &detail]).await?;
    Ok(())
}

/// Before an update of issue `issue` that sets `title` and `body` (`Some(None)` clears it):
/// records `renamed` (`rename.from`, `rename.to`) when the title is a new one, and answers the
/// `changes` an `edited` event carries (`title.from`, `body.from`, for what changes).
pub(crate) async fn edit(
    client: &impl GenericClient,
    issue: i64,
    actor: i64,
    title: Option<&str>,
    body: Option<Option<&str>>,
) -> ApiResult<Map<String, Value>> {
    const SQL: &str = "SELECT title, body FROM issues WHERE id = $1";
    let row = client.query_one(SQL, &[&issue]).await?;
    let (was, had): (String, Option<String>) = (row.get(0), row.get(1));
    let mut changes = Map::new();
    if let Some(title) = title.filter(|t| *t != was) {
        let rename = serde_json::json!({ "rename": { "from": was, "to": title } });
        record(client, issue, actor, "renamed", Some(rename)).await?;
        changes.insert("title".into(), serde_json::json!({ "from": was }));
    }
    if body.is_some_and(|body| body != had.as_deref()) {
        changes.insert("body".into(), serde_json::json!({ "from": had }));
    }
    Ok(changes)
}

/// Records `demilestoned` (milestone `was`) then `milestoned` (milestone `now`) on issue
/// `issue`, each with its milestone's `title`, when they differ.
pub(crate) async fn record_milestone(
    client: &impl GenericClient,
    issue: i64,
    actor: i64,
    (was, now): (Option<i64>, Option<i64>),
) -> ApiResult<()> {
    const SQL: &str = "INSERT INTO issue_events (issue_id, actor_id, event, detail)
                       SELECT $1, $2, x.event, json_build_object('milestone', json_build_object('title', m.title))
                       FROM (VALUES (1, 'demilestoned', $3::bigint), (2, 'milestoned', $4::bigint)) x(ord, event, mid)
                       JOIN milestones m ON m.id = x.mid ORDER BY x.ord";
    if was != now {
        db::execute(client, SQL, &[&issue, &actor, &was, &now]).await?;
    }
    Ok(())
}

/// Announces an update of an issue (rendered `issue`) to the repository's hooks: `edited`
/// when `changes` says what it changed, then `action` (`closed`, `reopened`) when it has one.
pub(crate) async fn announce_update(
    client: &impl GenericClient,
    base: &str,
    repo: &Repo,
    issue: &str,
    (changes, action): (Map<String, Value>, Option<&str>),
    sender: i64,
) -> ApiResult<bool> {
    let mut woke = false;
    if !changes.is_empty() {
        let extra = Map::from_iter([("changes".to_owned(), Value::Object(changes))]);
        woke |= announce(client, base, repo, issue, "edited", sender, extra).await?;
    }
    if let Some(action) = action {
        woke |= announce(client, base, repo, issue, action, sender, Map::new()).await?;
    }
    Ok(woke)
}

/// What an update that closes or reopens an issue or pull request did, as its event and
/// webhook action name it: `closed`, `reopened`, or nothing.
pub(crate) fn state_change(closing: bool, reopening: bool) -> Option<&'static str> {
    if closing {
        Some("closed")
    } else if reopening {
        Some("reopened")
    } else {
        None
    }
}

/// A list's SQL `WHERE` clause and its parameters, built from the query.
pub(crate) struct Filter {
    /// The conditions, joined with `AND`.
    pub(crate) clauses: Vec<String>,
    /// Their parameters, `$1` first.
    pub(crate) params: Vec<Box<dyn ToSql + Sync + Send>>,
    /// An expression answering the number of matches more cheaply than counting them.
    pub(crate) total: Option<String>,
}

impl Filter {
    /// No conditions.
    pub(crate) fn new() -> Self {
        Self {
            clauses: Vec::new(),
            params: Vec::new(),
            total: None,
        }
    }

    /// Adds `clause`, where `?` stands for `value`'s placeholder.
    pub(crate) fn add<T: ToSql + Sync + Send + 'static>(&mut self, clause: &str, value: T) {
        self.params.push(Box::new(value));
        self.clauses
            .push(clause.replace('?', &format!("${}", self.params.len())));
    }

    /// The `WHERE` clause.
    pub(crate) fn sql(&self) -> String {
        if self.clauses.is_empty() {
            "true".to_owned()
        } else {
            self.clauses.join(" AND ")
        }
    }
}

/// Adds the filters GitHub's issue lists share (state, labels, since, …) and returns the
/// ORDER BY.
fn common_filters(filter: &mut Filter, query: &Query) -> ApiResult<String> {
    if let Some(state) = query.state("Issue")? {
        filter.add("i.state = ?", state.to_owned());
    }
    if let Some(labels) = query.get("labels") {
        let mut names: Vec<String> = labels
            .split(',')
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        names.sort();
        names.dedup();
        // Every named label must be on the issue (the count is a number, not input text).
        let count = names.len();
        filter.add(
            &format!(
                "(SELECT count(*) FROM issue_labels il JOIN labels l ON l.id = il.label_id
                  WHERE il.issue_id = i.id AND lower(l.name) = ANY(?)) = {count}"
            ),
            names,
        );
    }
    if let Some(since) = query.get("since") {
        let secs =
            time::parse(since).ok_or_else(|| ApiError::validation("Issue", "since", "invalid"))?;
        #[allow(
            clippy::cast_precision_loss,
            reason = "Unix seconds fit a double exactly"
        )]
        filter.add("i.updated_at >= to_timestamp(?)", secs as f64);
    }
    let sort = match query.get("sort").unwrap_or("created") {
        "created" => "i.created_at",
        "updated" => "i.updated_at",
        "comments" => "i.comments",
        _ => return Err(ApiError::validation("Issue", "sort", "invalid")),
    };
    let direction = query.direction("Issue", "DESC")?;
    Ok(format!("{sort} {direction}, i.id {direction}"))
}

/// Adds a filter on a user named by login (`none` and `*` where GitHub allows them).
fn user_filter(filter: &mut Filter, login: &str, column: &str, wildcards: bool) {
    match (login, wildcards) {
        ("none", true) => filter.clauses.push(format!("cardinality({column}) = 0")),
        ("*", true) => filter.clauses.push(format!("cardinality({column}) > 0")),
        _ => filter.add(
            &format!("(SELECT id FROM users WHERE lower(login) = lower(?)) = ANY({column})"),
            login.to_owned(),
        ),
    }
}

/// Runs a filtered issue list: (total, the page's JSON array). `scored` gives the search
/// result shape: with a `score`, without `closed_by`.
///
/// The page comes back one issue a row (the total beside each), joined here: Postgres then
/// never builds the whole page as one value. A page past the end asks for the first issue
/// again to learn the total (none at all: the total is 0).
pub(crate) async fn select(
    kit: &Kit,
    filter: &Filter,
    order: &str,
    page: PageRequest,
    scored: bool,
) -> ApiResult<(i64, String)> {
    let n = filter.params.len();
    let mut item = format!("coalesce(i.rendered, gh_issue(i, ${})::text)", n + 1);
    if scored {
        item = format!("(({item})::jsonb - 'closed_by' || '{{\"score\":1.0}}')::text");
    }
    let where_ = filter.sql();
    let total = filter
        .total
        .clone()
        .unwrap_or_else(|| format!("(SELECT count(*) FROM issues i WHERE {where_})"));
    let sql = format!(
        "SELECT {total}, {item} FROM (
             SELECT * FROM issues i WHERE {where_} ORDER BY {order} LIMIT ${l} OFFSET ${o}
         ) i ORDER BY {order}",
        l = n + 2,
        o = n + 3,
    );
    let base = kit.config().public_url.clone();
    let mut params: Vec<&(dyn ToSql + Sync)> = filter
        .params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    let (limit, offset) = (page.limit(), page.offset());
    params.push(&base);
    params.push(&limit);
    params.push(&offset);
    let client = kit.db().await?;
    let statement = client.prepare_cached(&sql).await?;
    let rows = client.query(&statement, &params).await?;
    let total = match rows.first() {
        Some(row) => row.get(0),
        None if offset > 0 => {
            let (one, start) = (1_i64, 0_i64);
            params.truncate(n + 1);
            params.extend([&one as &(dyn ToSql + Sync), &start]);
            let first = client.query_opt(&statement, &params).await?;
            first.map_or(0, |row| row.get(0))
        }
        None => 0,
    };
    let items: Vec<&str> = rows.iter().map(|row| row.get(1)).collect();
    Ok((total, format!("[{}]", items.join(","))))
}

async fn run_list(kit: &Kit, filter: &Filter, order: &str, path: &str, query: &Query) -> ApiResult {
    let (total, items) = select(kit, filter, order, query.page(), false).await?;
    Ok(req::paged(
        &kit.config().public_url,
        path,
        query,
        total,
        items,
    ))
}

/// `GET /repos/{owner}/{repo}/issues`.
pub(crate) async fn list(scope: Scope, query: Query) -> ApiResult {
    let repo = {
        let client = scope.kit.db().await?;
        repos::find(&client, &scope.owner, &scope.name, scope.viewer.as_ref()).await?
    };
    let mut filter = Filter::new();
    filter.add("i.repo_id = ?", repo.id);
    let order = common_filters(&mut filter, &query)?;
    // Filtered by state alone, the total is the count `issue_counts` keeps (0006).
    const NARROWING: [&str; 6] = [
        "labels",
        "since",
        "assignee",
        "creator",
        "mentioned",
        "milestone",
    ];
    if NARROWING.iter().all(|name| query.get(name).is_none()) {
        let counted = query.state("Issue")?.unwrap_or("open + closed");
        filter.total = Some(format!(
            "coalesce((SELECT {counted} FROM issue_counts WHERE repo_id = $1), 0)"
        ));
    }
    if let Some(login) = query.get("assignee") {
        user_filter(&mut filter, login, "i.assignee_ids", true);
    }
    if let Some(login) = query.get("creator") {
        filter.add(
            "i.user_id = (SELECT id FROM users WHERE lower(login) = lower(?))",
            login.to_owned(),
        );
    }
    if let Some(login) = query.get("mentioned") {
        filter.add("i.body ILIKE '%@' || ? || '%'", login.to_owned());
    }
    match query.get("milestone") {
        None => {}
        Some("none") => filter.clauses.push("i.milestone_id IS NULL".into()),
        Some("*") => filter.clauses.push("i.milestone_id IS NOT NULL".into()),
        Some(number) => {
            // An unknown number is refused, not read as "no issues", as GitHub does.
            let client = scope.kit.db().await?;
            let id = milestone_id(&client, &repo, number.parse().ok())
                .await?
                .ok_or_else(|| ApiError::invalid_value("Issue", "milestone", number))?;
            filter.add("i.milestone_id = ?", id);
        }
    }
    run_list(
        &scope.kit,
        &filter,
        &order,
        &format!("{}/issues", repo.path()),
        &query,
    )
    .await
}

/// `GET /issues` (and `/user/issues`): issues across the caller's repositories, by
/// `filter=assigned|created|mentioned|subscribed|repos|all` (default `assigned`).
pub(crate) async fn list_mine(
    State(kit): State<Kit>,
    viewer: Viewer,
    uri: axum::http::Uri,
    query: Query,
) -> ApiResult {
    let mut filter = Filter::new();
    filter.add(
        "gh_permission(i.repo_id, ?) IS NOT NULL AND EXISTS (SELECT 1 FROM repos r WHERE r.id = i.repo_id AND (r.owner_id = $1
           OR EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = $1)
           OR EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = r.owner_id AND m.user_id = $1)))",
        viewer.user_id,
    );
    match query.get("filter").unwrap_or("assigned") {
        "assigned" => filter.clauses.push("$1 = ANY(i.assignee_ids)".into()),
        "created" => filter.clauses.push("i.user_id = $1".into()),
        "mentioned" => filter.clauses.push("i.body ILIKE '%@' || (SELECT login FROM users WHERE id = $1) || '%'".into()),
        "subscribed" => filter.clauses.push(
            "($1 = ANY(i.assignee_ids) OR i.user_id = $1 OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = i.id AND c.user_id = $1))".into(),
        ),
        "repos" | "all" => {}
        _ => return Err(ApiError::validation("Issue", "filter", "invalid")),
    }
    let order = common_filters(&mut filter, &query)?;
    run_list(&kit, &filter, &order, uri.path(), &query).await
}

/// `GET /repos/{owner}/{repo}/issues/{number}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), issue.id).await?))
}

/// Label names from `labels` (strings or `{name}` objects).
pub(crate) fn label_names(body: &Body, key: &str) -> ApiResult<Option<Vec<String>>> {
    body.list(key, |item| match item {
        Value::String(s) => Ok(s.clone()),
        Value::Object(o) => match o.get("name") {
            Some(Value::String(s)) => Ok(s.clone()),
            _ => Err(ApiError::validation("Label", "name", "missing_field")),
        },
        _ => Err(ApiError::invalid(format!(
            "Invalid request.\n\nFor 'items', {item} is not a string or object."
        ))),
    })
}

/// Resolves assignee logins to ids; 422 `invalid` for anyone who cannot be assigned.
pub(crate) async fn assignees(
    client: &impl GenericClient,
    repo: &Repo,
    logins: &[String],
) -> ApiResult<Vec<i64>> {
    let statement = client
        .prepare_cached(
            "SELECT a.login, u.id FROM unnest($2::text[]) WITH ORDINALITY AS a(login, ord)
             LEFT JOIN users u ON lower(u.login) = lower(a.login) AND u.type = 'User'
                  AND gh_permission($1, u.id) IS NOT NULL
                  AND (gh_permission($1, u.id) <> 'read'
                       OR EXISTS (SELECT 1 FROM org_members m JOIN repos r ON r.owner_id = m.org_id
                                  WHERE r.id = $1 AND m.user_id = u.id))
             ORDER BY a.ord",
        )
        .await?;
    let rows = client.query(&statement, &[&repo.id, &logins]).await?;
    let mut ids = Vec::new();
    for row in rows {
        match row.get::<_, Option<i64>>(1) {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                return Err(ApiError::invalid_value(
                    "Issue",
                    "assignees",
                    row.get::<_, String>(0),
                ));
            }
        }
    }
    Ok(ids)
}

/// Sets an issue's labels by name, creating labels that do not exist (as GitHub does).
pub(crate) async fn set_labels(
    client: &impl GenericClient,
    repo: i64,
    issue: i64,
    names: &[String],
    replace: bool,
) -> ApiResult<()> {
    const SQL: &str = "SELECT gh_issue_label($1, $2, $3, $4)";
    db::execute(client, SQL, &[&repo, &issue, &names, &replace]).await?;
    Ok(())
}

/// A milestone number from a body, an integer or a string of one as GitHub takes both
/// (`null` clears): `Some(None)` clears. An unknown one is named back in the 422.
async fn milestone(
    client: &impl GenericClient,
    repo: &Repo,
    body: &Body,
) -> ApiResult<Option<Option<i64>>> {
    let Some(given) = body.0.get("milestone") else {
        return Ok(None);
    };
    let number = match given {
        Value::Null => return Ok(Some(None)),
        Value::String(text) => text.parse().ok(),
        _ => body.int("milestone")?,
    };
    let id = milestone_id(client, repo, number).await?;
    Ok(Some(Some(id.ok_or_else(|| {
        ApiError::invalid_value("Issue", "milestone", given.clone())
    })?)))
}

/// The id of `repo`'s milestone numbered `number` (none for no number or an unknown one).
async fn milestone_id(
    client: &impl GenericClient,
    repo: &Repo,
    number: Option<i64>,
) -> ApiResult<Option<i64>> {
    let Some(number) = number.and_then(|n| i32::try_from(n).ok()) else {
        return Ok(None);
    };
    let row = client
        .query_opt(
            "SELECT id FROM milestones WHERE repo_id = $1 AND number = $2",
            &[&repo.id, &number],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

/// Takes repository `$1`'s next issue number (shared with pull requests), when its issues
/// are on. Never one an issue holds: a reset landing between this statement and the insert
/// that uses the number rewinds `next_number` under an issue written after the reset, which
/// the reset keeps; the next number then starts past the highest one held.
const NEXT_NUMBER: &str = "UPDATE repos SET next_number = greatest(next_number,
        (SELECT coalesce(max(number), 0) + 1 FROM issues WHERE repo_id = $1)) + 1
    WHERE id = $1 AND has_issues RETURNING next_number - 1";

/// `POST /repos/{owner}/{repo}/issues`.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let title = match body.0.get("title") {
        Some(Value::Number(n)) => n.to_string(),
        _ => body.required("title", "Issue")?.to_owned(),
    };
    let text = body.str("body")?;
    let labels = label_names(&body, "labels")?;
    let mut logins = body.strings("assignees")?.unwrap_or_default();
    if let Some(one) = body.str("assignee")? {
        logins.insert(0, one.to_owned());
    }
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Read)?;
    if repo.archived {
        return Err(ApiError::forbidden(
            "Repository was archived so is read-only.",
        ));
    }
    // Only those who can triage set labels, assignees and milestones; others' are dropped.
    let triage = repo.can(Access::Triage);
    let assignee_ids = if triage && !logins.is_empty() {
        assignees(&client, &repo, &logins).await?
    } else {
        Vec::new()
    };
    let milestone_id = if triage {
        milestone(&client, &repo, &body).await?.flatten()
    } else {
        None
    };
    let base = scope.base();
    // The number is taken in its own statement, so concurrent creates do not queue on the
    // repository's row for a whole transaction (a failed create leaves a gap, harmlessly).
    let allocate = client.prepare_cached(NEXT_NUMBER).await?;
    let number: i32 = client
        .query_opt(&allocate, &[&repo.id])
        .await?
        .ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::GONE,
                "Issues are disabled for this repo",
            )
        })?
        .get(0);
    let labels = labels.filter(|_| triage);
    let open = client
        .prepare_cached(
            "SELECT id, rendered FROM gh_issue_open($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .await?;
    let args = |unhooked: &'static bool| -> [&(dyn ToSql + Sync); 10] {
        [
            &repo.id,
            &number,
            &title,
            &text,
            &viewer.user_id,
            &assignee_ids,
            &milestone_id,
            &labels,
            &base,
            unhooked,
        ]
    };
    // Without hooks listening, opening it is the one statement.
    if let Some(row) = client.query_opt(&open, &args(&true)).await? {
        return Ok(req::created(row.get(1)));
    }
    let tx = client.transaction().await?;
    let issue: String = tx.query_one(&open, &args(&false)).await?.get(1);
    let woke = announce(
        &tx,
        base,
        &repo,
        &issue,
        "opened",
        viewer.user_id,
        Map::new(),
    )
    .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(issue))
}

/// `PATCH /repos/{owner}/{repo}/issues/{number}`.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let title = match body.0.get("title") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => body.str("title")?.map(str::to_owned),
    };
    if title.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return Err(ApiError::validation("Issue", "title", "missing_field"));
    }
    let state = body.one_of("state", &["open", "closed"], "Issue")?;
    let reason = body.one_of(
        "state_reason",
        &["completed", "not_planned", "reopened"],
        "Issue",
    )?;
    let labels = label_names(&body, "labels")?;
    let logins = match body.strings("assignees")? {
        Some(list) => Some(list),
        None if body.has("assignee") => Some(
            body.str("assignee")?
                .map(|a| vec![a.to_owned()])
                .unwrap_or_default(),
        ),
        None => None,
    };
    let (mut client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    let triage = repo.can(Access::Triage);
    if !triage && issue.user_id != viewer.user_id {
        return Err(ApiError::forbidden(
            "Must have triage access to edit this issue.",
        ));
    }
    repo.require(Access::Read)?;
    let assignee_ids = match &logins {
        Some(logins) if triage => Some(assignees(&client, &repo, logins).await?),
        _ => None,
    };
    let milestone_change = if triage {
        milestone(&client, &repo, &body).await?
    } else {
        None
    };
    let closing = state.as_deref() == Some("closed") && issue.state == "open";
    let reopening = state.as_deref() == Some("open") && issue.state == "closed";
    let reason = match (closing, reopening, reason) {
        (true, _, None) => Some("completed".to_owned()),
        (_, true, _) => Some("reopened".to_owned()),
        (_, _, r) => r,
    };
    let base = scope.base();
    let text_given = match body.has("body") {
        true => Some(body.str("body")?),
        false => None,
    };
    let tx = client.transaction().await?;
    let changes = edit(&tx, issue.id, viewer.user_id, title.as_deref(), text_given).await?;
    let milestones: (Option<i64>, Option<i64>) = tx
        .query_one(
            "UPDATE issues i SET
                 title = coalesce($2, i.title),
                 body = CASE WHEN $3 THEN $4 ELSE i.body END,
                 state = coalesce($5, i.state),
                 state_reason = CASE WHEN $6::text IS NOT NULL THEN $6 WHEN $5 = 'open' THEN NULL ELSE i.state_reason END,
                 closed_at = CASE WHEN $7 THEN now() WHEN $8 THEN NULL ELSE i.closed_at END,
                 closed_by_id = CASE WHEN $7 THEN $9 WHEN $8 THEN NULL ELSE i.closed_by_id END,
                 assignee_ids = coalesce($10, i.assignee_ids),
                 milestone_id = CASE WHEN $11 THEN $12 ELSE i.milestone_id END,
                 updated_at = now()
             FROM issues o WHERE i.id = $1 AND o.id = i.id
             RETURNING o.milestone_id, i.milestone_id",
            &[
                &issue.id, &title, &text_given.is_some(), &text_given.flatten(), &state, &reason, &closing,
                &reopening, &viewer.user_id, &assignee_ids, &milestone_change.is_some(), &milestone_change.flatten(),
            ],
        )
        .await
        .map(|row| (row.get(0), row.get(1)))?;
    record_milestone(&tx, issue.id, viewer.user_id, milestones).await?;
    if triage && let Some(labels) = &labels {
        set_labels(&tx, repo.id, issue.id, labels, true).await?;
    }
    let action = state_change(closing, reopening);
    if let Some(action) = action {
        record(&tx, issue.id, viewer.user_id, action, None).await?;
    }
    let text = refresh(&tx, base, issue.id).await?;
    let woke = if issue.is_pull {
        false
    } else {
        let update = (changes, action);
        announce_update(&tx, base, &repo, &text, update, viewer.user_id).await?
    };
    scope.commit(tx, woke).await?;
    Ok(req::ok(text))
}

#[cfg(test)]
mod tests {
    /// `gh_issue_open` draws an issue's id itself, before the insert whose trigger takes the
    /// writers' lock; it must take that lock first, with the kit's key (see the migration).
    #[test]
    fn opening_an_issue_takes_the_writers_lock_before_its_id() {
        let sql = include_str!("../../migrations/0006_issue_writes.sql");
        let open = &sql[sql.find("CREATE FUNCTION gh_issue_open").unwrap()..];
        let lock = open
            .find(&format!(
                "pg_advisory_xact_lock_shared({})",
                asym_kit::WRITERS_LOCK
            ))
            .expect("gh_issue_open takes the writers' lock");
        let draw = open.find("nextval('issues_id_seq')").unwrap();
        assert!(lock < draw, "the lock comes before the id is drawn");
    }
}
