//! Issues: the model every issue write shares (find, render, record an event, announce),
//! list (a repository's, and `/issues` across the caller's repositories) with GitHub's
//! filters, and get. Pull requests are issues too (they share the numbering and show in these
//! lists, with a `pull_request` field). Creating and updating them is `issue_writes`.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::page::PageRequest;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use axum::extract::{Path, State};
use serde_json::{Map, Value};

use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::repos::{self, Repo};
use crate::req::{self, Body, Query};
use crate::scope::Scope;
use crate::viewer::{Person, Viewer};
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

/// Keeps the commits pull request `issue_id` has as it closes, whichever route closes it:
/// its head and base become its branches' tips now, and stay so while it is closed (an open
/// pull request follows its branches; reopening it follows them again). Nothing for an issue.
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn keep_commits(client: &impl GenericClient, issue_id: i64) -> ApiResult<()> {
    client
        .execute(
            "UPDATE pulls p SET
                 head_sha = coalesce((SELECT sha FROM git_refs WHERE repo_id = gh_pull_head_repo(p, i.repo_id)
                                        AND ref = 'refs/heads/' || p.head_ref), p.head_sha),
                 base_sha = coalesce((SELECT sha FROM git_refs WHERE repo_id = i.repo_id
                                        AND ref = 'refs/heads/' || p.base_ref), p.base_sha)
             FROM issues i WHERE i.id = p.issue_id AND p.issue_id = $1",
            &[&issue_id],
        )
        .await?;
    Ok(())
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

/// How a list shows each issue beyond its own JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// As `GET …/issues/{n}` answers it (a repository's list).
    Plain,
    /// The search result shape: with a `score`, without `closed_by`.
    Scored,
    /// With its `repository`, as lists across repositories (`GET /issues`, an
    /// organization's) show it.
    WithRepository,
}

/// Runs a filtered issue list: (total, the page's JSON array), each issue `shown` so.
///
/// The page comes back one issue a row (the total beside each), joined here: Postgres then
/// never builds the whole page as one value. A page past the end asks for the first issue
/// again to learn the total (none at all: the total is 0).
pub(crate) async fn select(
    kit: &Kit,
    filter: &Filter,
    order: &str,
    page: PageRequest,
    shown: Shown,
) -> ApiResult<(i64, String)> {
    let n = filter.params.len();
    let mut item = format!("coalesce(i.rendered, gh_issue(i, ${})::text)", n + 1);
    match shown {
        Shown::Plain => {}
        Shown::Scored => {
            item = format!("(({item})::jsonb - 'closed_by' || '{{\"score\":1.0}}')::text");
        }
        Shown::WithRepository => {
            item = format!(
                "(({item})::jsonb || jsonb_build_object('repository',
                    (SELECT gh_repo(r, ${}, NULL) FROM repos r WHERE r.id = i.repo_id)))::text",
                n + 1
            );
        }
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

async fn run_list(
    kit: &Kit,
    (filter, shown): (&Filter, Shown),
    order: &str,
    path: &str,
    query: &Query,
) -> ApiResult {
    let (total, items) = select(kit, filter, order, query.page(), shown).await?;
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
        (&filter, Shown::Plain),
        &order,
        &format!("{}/issues", repo.path()),
        &query,
    )
    .await
}

/// `GET /issues` (and `/user/issues`): issues across the caller's repositories, by
/// `filter=assigned|created|mentioned|subscribed|repos|all` (default `assigned`). Not for an
/// installation token ([`Person`]), as for the organization's list.
pub(crate) async fn list_mine(
    State(kit): State<Kit>,
    Person(viewer): Person,
    uri: axum::http::Uri,
    query: Query,
) -> ApiResult {
    across(&kit, &viewer, None, uri.path(), &query).await
}

/// `GET /orgs/{org}/issues` (Octokit's `issues.listForOrg`): as `GET /issues`, over the
/// organization's repositories only; 404 for an organization that does not exist.
pub(crate) async fn list_for_org(
    State(kit): State<Kit>,
    Person(viewer): Person,
    Path(login): Path<String>,
    uri: axum::http::Uri,
    query: Query,
) -> ApiResult {
    let org = {
        let client = kit.db().await?;
        crate::users::org(&client, &login).await?
    };
    across(&kit, &viewer, Some(org), uri.path(), &query).await
}

/// Issues across the caller's repositories (those `owner` owns only, when given), by
/// `filter`, on the list at `path`.
async fn across(
    kit: &Kit,
    viewer: &Viewer,
    owner: Option<i64>,
    path: &str,
    query: &Query,
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
    if let Some(owner) = owner {
        filter.add(
            "i.repo_id IN (SELECT r.id FROM repos r WHERE r.owner_id = ?)",
            owner,
        );
    }
    let order = common_filters(&mut filter, query)?;
    let listed = (&filter, Shown::WithRepository);
    run_list(kit, listed, &order, path, query).await
}

/// `GET /repos/{owner}/{repo}/issues/{number}`.
pub(crate) async fn get(scope: Scope<String>) -> ApiResult {
    let (client, repo) = scope.open().await?;
    let issue = Issue::find(&client, &repo, &scope.path).await?;
    Ok(req::ok(render(&client, scope.base(), issue.id).await?))
}

/// The longest label name GitHub takes, in characters.
pub(crate) const MAX_LABEL_NAME: usize = 50;

/// Label names from `labels` (strings or `{name}` objects). A name that does not exist makes
/// the label, so each must be one a label may have: not blank, at most 50 characters (422
/// `invalid` with the `value`, as GitHub answers a name too long).
pub(crate) fn label_names(body: &Body, key: &str) -> ApiResult<Option<Vec<String>>> {
    let named = |name: &String| {
        if name.trim().is_empty() || name.chars().count() > MAX_LABEL_NAME {
            return Err(ApiError::invalid_value("Label", "name", name.as_str()));
        }
        Ok(name.clone())
    };
    body.list(key, |item| match item {
        Value::String(s) => named(s),
        Value::Object(o) => match o.get("name") {
            Some(Value::String(s)) => named(s),
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

/// The id of `repo`'s milestone numbered `number` (none for no number or an unknown one).
pub(crate) async fn milestone_id(
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
