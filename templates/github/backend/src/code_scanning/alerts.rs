//! Code scanning alerts, from the results of SARIF uploads: recorded when an upload is
//! processed ([`record`]), listed, read, dismissed or reopened, and their instances listed.

use asym_kit::deadpool_postgres::GenericClient;
use axum::http::StatusCode;
use serde_json::Value;

use super::analyses::full_ref;
use crate::db::{self, Serial};
use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Listing, Query};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// What a dismissal may give as its reason (GitHub's).
const REASONS: [&str; 4] = ["false positive", "won't fix", "used in tests", "mitigated"];
/// The `severity` filter's values.
const SEVERITIES: [&str; 7] = [
    "critical", "high", "medium", "low", "warning", "note", "error",
];
/// The `state` filter's values.
const STATES: [&str; 4] = ["open", "closed", "dismissed", "fixed"];

/// What an analysis saw of its tool's alerts on its ref.
pub(super) struct Seen<'a> {
    /// The analysis.
    pub(super) analysis: i64,
    /// Its ref and commit.
    pub(super) reference: &'a str,
    pub(super) sha: &'a str,
    /// Its run's tool (name, version, guid) and category.
    pub(super) tool: &'a str,
    pub(super) version: Option<&'a str>,
    pub(super) guid: Option<&'a str>,
    pub(super) category: &'a str,
}

/// Records the `findings` of an analysis (from `findings::of`): an alert for each one not seen
/// before (numbered after the repository's last), its instance on the analysis's ref open, and
/// the instances of the same tool, category and ref the analysis no longer has fixed.
pub(super) async fn record(
    tx: &impl GenericClient,
    repo: i64,
    seen: &Seen<'_>,
    findings: &[Value],
) -> ApiResult<()> {
    const UPSERT: &str = "WITH r AS (SELECT * FROM json_to_recordset($4::text::json)
                                       AS x(ord int, fingerprint text, rule jsonb, severity text,
                                            message text, location jsonb)),
            fresh AS (INSERT INTO code_scanning_alerts (repo_id, number, fingerprint, tool_name,
                          tool_version, tool_guid, category, rule, severity)
                      SELECT $1, (SELECT coalesce(max(number), 0) FROM code_scanning_alerts WHERE repo_id = $1)
                                 + row_number() OVER (ORDER BY r.ord),
                             r.fingerprint, $5, $6, $7, $8, r.rule, r.severity
                      FROM r WHERE NOT EXISTS (SELECT 1 FROM code_scanning_alerts a
                                               WHERE a.repo_id = $1 AND a.fingerprint = r.fingerprint)
                      RETURNING number, fingerprint),
            known AS (SELECT number, fingerprint FROM fresh
                      UNION ALL
                      SELECT number, fingerprint FROM code_scanning_alerts
                      WHERE repo_id = $1 AND fingerprint IN (SELECT fingerprint FROM r))
        INSERT INTO code_scanning_instances (repo_id, number, ref, analysis_id, commit_sha, message, location)
        SELECT $1, k.number, $2, $3, $9, r.message, r.location FROM known k JOIN r USING (fingerprint)
        ON CONFLICT (repo_id, number, ref) DO UPDATE
        SET analysis_id = excluded.analysis_id, commit_sha = excluded.commit_sha,
            message = excluded.message, location = excluded.location, fixed_at = NULL, updated_at = now()";
    const FIXED: &str = "UPDATE code_scanning_instances i SET fixed_at = now(), updated_at = now()
                         FROM code_scanning_alerts a
                         WHERE i.repo_id = $1 AND i.ref = $2 AND i.analysis_id <> $3 AND i.fixed_at IS NULL
                           AND a.repo_id = i.repo_id AND a.number = i.number
                           AND a.tool_name = $4 AND a.category = $5";
    db::one_at_a_time(tx, Serial::CodeScanningAlerts, repo).await?;
    let items = Value::Array(findings.to_vec()).to_string();
    let s = seen;
    db::execute(
        tx,
        UPSERT,
        &[
            &repo,
            &s.reference,
            &s.analysis,
            &items,
            &s.tool,
            &s.version,
            &s.guid,
            &s.category,
            &s.sha,
        ],
    )
    .await?;
    db::execute(
        tx,
        FIXED,
        &[&repo, &s.reference, &s.analysis, &s.tool, &s.category],
    )
    .await?;
    Ok(())
}

/// The URLs an alert's rendering takes after the alert: the repository's API URL, its page
/// and the clone's base.
fn urls(scope: &Scope<impl Sized>, repo: &Repo) -> [String; 3] {
    let base = scope.base();
    [
        repo.url(base),
        format!("{base}/{}", repo.full_name),
        base.to_owned(),
    ]
}

/// A filter's value from `allowed`: 422 `invalid` otherwise.
fn filter<'a>(query: &'a Query, key: &str, allowed: &[&str]) -> ApiResult<Option<&'a str>> {
    match query.get(key) {
        Some(value) if !allowed.contains(&value) => {
            Err(ApiError::validation("CodeScanningAlert", key, "invalid"))
        }
        value => Ok(value),
    }
}

/// `GET /repos/{owner}/{repo}/code-scanning/alerts` (`state` open, closed (dismissed or
/// fixed), dismissed, fixed; `ref`; `tool_name`; `tool_guid`; `severity`; `sort` created or
/// updated; `direction`; `page`/`per_page`): newest first; 422 for a value it does not take.
pub(crate) async fn list(scope: Scope, _signed_in: Viewer, query: Query) -> ApiResult {
    let state = filter(&query, "state", &STATES)?;
    let severity = filter(&query, "severity", &SEVERITIES)?;
    let sort = match filter(&query, "sort", &["created", "updated"])? {
        Some("updated") => "updated_at",
        _ => "created_at",
    };
    let direction = query.direction("CodeScanningAlert", "DESC")?;
    let order = format!("a.{sort} {direction}, a.number {direction}");
    let listing = Listing {
        from: "code_scanning_alerts a",
        alias: "a",
        filter: "a.repo_id = $1
                 AND ($5::text IS NULL OR CASE WHEN $5 = 'closed' THEN gh_code_scanning_state(a) <> 'open'
                                               ELSE gh_code_scanning_state(a) = $5 END)
                 AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM code_scanning_instances i
                                                  WHERE i.repo_id = a.repo_id AND i.number = a.number AND i.ref = $6))
                 AND ($7::text IS NULL OR a.tool_name = $7) AND ($8::text IS NULL OR a.severity = $8)
                 AND ($9::text IS NULL OR a.tool_guid = $9)",
        item: "gh_code_scanning_alert(a, $2, $3, $4, $6)",
        order: &order,
    };
    let (client, repo) = scope.open().await?;
    let [url, page_url, base] = urls(&scope, &repo);
    let reference = query.get("ref").map(full_ref);
    let (tool, guid) = (query.get("tool_name"), query.get("tool_guid"));
    let page = scope.page(&repo, "code-scanning/alerts", &query);
    let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 9] = [
        &repo.id, &url, &page_url, &base, &state, &reference, &tool, &severity, &guid,
    ];
    req::list(&client, &page, &listing, &params).await
}

/// The alert `number` of the repository, rendered (404 for none).
async fn render(client: &impl GenericClient, scope: &Scope<String>, repo: &Repo) -> ApiResult {
    const SQL: &str = "SELECT gh_code_scanning_alert(a, $3, $4, $5, NULL)::text
                       FROM code_scanning_alerts a WHERE a.number = $1 AND a.repo_id = $2";
    let number: i32 = db::id(&scope.path)?;
    let [url, page, base] = urls(scope, repo);
    let row = db::found(client, SQL, &[&number, &repo.id, &url, &page, &base]).await?;
    Ok(req::ok(row.get(0)))
}

/// `GET /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}`.
pub(crate) async fn get(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    let (client, repo) = scope.open().await?;
    render(&client, &scope, &repo).await
}

/// `PATCH /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}` (write access): `state`
/// `dismissed` (with `dismissed_reason`, one of GitHub's four, else 400, and an optional
/// `dismissed_comment` of at most 280 characters) or `open` (the dismissal cleared); 400
/// `Alert is already dismissed.` for a second dismissal.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    const DISMISSED: &str = "SELECT dismissed_at IS NOT NULL FROM code_scanning_alerts
                             WHERE number = $1 AND repo_id = $2";
    const SQL: &str = "UPDATE code_scanning_alerts SET dismissed_by = $3,
                           dismissed_at = CASE WHEN $3::bigint IS NULL THEN NULL ELSE now() END,
                           dismissed_reason = $4, dismissed_comment = $5, updated_at = now()
                       WHERE number = $1 AND repo_id = $2";
    let state = body
        .one_of("state", &["open", "dismissed"], "CodeScanningAlert")?
        .ok_or_else(|| ApiError::invalid("Invalid request.\n\n\"state\" wasn't supplied."))?;
    let dismissed = state == "dismissed";
    let reason = body.one_of("dismissed_reason", &REASONS, "CodeScanningAlert")?;
    let comment = body.str("dismissed_comment")?;
    if dismissed && reason.is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "dismissed_reason is required when state is dismissed.",
        ));
    }
    if comment.is_some_and(|c| c.chars().count() > 280) {
        let field = "dismissed_comment";
        return Err(ApiError::validation("CodeScanningAlert", field, "invalid"));
    }
    let (client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let number: i32 = db::id(&scope.path)?;
    let already: bool = db::found(&client, DISMISSED, &[&number, &repo.id])
        .await?
        .get(0);
    if dismissed && already {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "Alert is already dismissed.",
        ));
    }
    let by = dismissed.then_some(viewer.user_id);
    let (reason, comment) = if dismissed {
        (reason, comment)
    } else {
        (None, None)
    };
    db::execute(&client, SQL, &[&number, &repo.id, &by, &reason, &comment]).await?;
    render(&client, &scope, &repo).await
}

/// `GET /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}/instances` (`ref`,
/// `page`/`per_page`): the alert's instances, one a ref, by ref.
pub(crate) async fn instances(scope: Scope<String>, _signed_in: Viewer, query: Query) -> ApiResult {
    const ALERT: &str =
        "SELECT number FROM code_scanning_alerts WHERE number = $1 AND repo_id = $2";
    let (client, repo) = scope.open().await?;
    let number: i32 = db::keyed::<i32>(&client, ALERT, &scope.path, repo.id)
        .await?
        .get(0);
    let listing = Listing {
        from: "code_scanning_instances i",
        alias: "i",
        filter: "i.repo_id = $1 AND i.number = $2 AND ($3::text IS NULL OR i.ref = $3)",
        item: "gh_code_scanning_instance(i, (SELECT a FROM code_scanning_alerts a
                                             WHERE a.repo_id = i.repo_id AND a.number = i.number))",
        order: "i.ref",
    };
    let reference = query.get("ref").map(full_ref);
    let page = scope.page(
        &repo,
        &format!("code-scanning/alerts/{number}/instances"),
        &query,
    );
    req::list(&client, &page, &listing, &[&repo.id, &number, &reference]).await
}
