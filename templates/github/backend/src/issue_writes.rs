//! Issue writes: create and update (`PATCH`: title, body, state, labels, assignees,
//! milestone). What they set of labels, assignees and the milestone is recorded and announced
//! through [`changes`](crate::changes): opening an issue sends `opened`, then one delivery per
//! label, assignee and milestone it was opened with; an update sends `edited` (what changed
//! of the title and body), then `closed` or `reopened`, then its label, assignee and
//! milestone changes, in that order (GitHub does not document an order and its deliveries may
//! arrive in any). A pull request updated here announces the same actions as `pull_request`.

use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value};

use crate::changes::{Changes, Subject};
use crate::error::{ApiError, ApiResult};
use crate::issues::{
    Issue, Numbered, assignees, edit, keep_commits, label_names, milestone_id, record, refresh,
    state_change,
};
use crate::repos::{Access, Repo};
use crate::req::{self, Body, Shape};
use crate::scope::Scope;
use crate::viewer::Viewer;

/// Takes repository `$1`'s next issue number (shared with pull requests), when its issues
/// are on. Never one an issue holds: a reset landing between this statement and the insert
/// that uses the number rewinds `next_number` under an issue written after the reset, which
/// the reset keeps; the next number then starts past the highest one held.
const NEXT_NUMBER: &str = "UPDATE repos SET next_number = greatest(next_number,
        (SELECT coalesce(max(number), 0) + 1 FROM issues WHERE repo_id = $1)) + 1
    WHERE id = $1 AND has_issues RETURNING next_number - 1";

/// A milestone number from a body, an integer or a string of one as GitHub takes both
/// (`null` or `""` clears: PyGithub's `edit(milestone=None)` sends `""`): `Some(None)`
/// clears. An unknown one is named back in the 422.
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
        Value::String(text) if text.is_empty() => return Ok(Some(None)),
        Value::String(text) => text.parse().ok(),
        _ => body.int("milestone")?,
    };
    let id = milestone_id(client, repo, number).await?;
    Ok(Some(Some(id.ok_or_else(|| {
        ApiError::invalid_value("Issue", "milestone", given.clone())
    })?)))
}

/// An integer given as `title` (GitHub's schema takes `string | integer`), as its text. Any
/// other number is left to be refused as not a string.
fn numeric_title(body: &Body) -> Option<String> {
    body.0
        .get("title")
        .filter(|v| v.is_i64() || v.is_u64())
        .map(Value::to_string)
}

/// The documented fields of an issue write the clone does not act on (issue types, custom
/// field values), type-checked.
const UNUSED: &[(&str, Shape)] = &[("type", Shape::Str), ("issue_field_values", Shape::List)];

/// `POST /repos/{owner}/{repo}/issues`.
pub(crate) async fn create(scope: Scope, viewer: Viewer, body: Body) -> ApiResult {
    let title = match numeric_title(&body) {
        Some(number) => number,
        None => body.required("title", "Issue")?.to_owned(),
    };
    body.accepts(UNUSED)?;
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
            "SELECT id, rendered, events, ids FROM gh_issue_open($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
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
    let row = tx.query_one(&open, &args(&false)).await?;
    let issue: String = row.get(1);
    let subject = Subject::Issue(&issue);
    let sender = viewer.user_id;
    let opened = subject.announce(&tx, base, &repo, "opened", Map::new(), sender);
    let mut woke = opened.await?;
    let changes = Changes::new(row.get(2), row.get(3));
    woke |= changes
        .announce(&tx, base, (&repo, &subject), sender)
        .await?;
    scope.commit(tx, woke).await?;
    Ok(req::created(issue))
}

/// `PATCH /repos/{owner}/{repo}/issues/{number}`.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let title = match numeric_title(&body) {
        Some(number) => Some(number),
        None => body.str("title")?.map(str::to_owned),
    };
    body.accepts(UNUSED)?;
    body.accepts(&[("duplicate_issue_id", Shape::Int)])?;
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
    let edits = edit(&tx, issue.id, viewer.user_id, title.as_deref(), text_given).await?;
    let was = tx
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
             RETURNING o.milestone_id, i.milestone_id, o.assignee_ids, i.assignee_ids",
            &[
                &issue.id, &title, &text_given.is_some(), &text_given.flatten(), &state, &reason, &closing,
                &reopening, &viewer.user_id, &assignee_ids, &milestone_change.is_some(), &milestone_change.flatten(),
            ],
        )
        .await?;
    if closing && issue.is_pull {
        keep_commits(&tx, issue.id).await?;
    }
    let action = state_change(closing, reopening);
    if let Some(action) = action {
        record(&tx, issue.id, viewer.user_id, action, None).await?;
    }
    let mut changes = Changes::default();
    if triage && let Some(labels) = &labels {
        changes
            .label(&tx, (repo.id, issue.id), labels, true)
            .await?;
    }
    changes.assignees(&was.get::<_, Vec<i64>>(2), &was.get::<_, Vec<i64>>(3));
    changes.milestone((was.get(0), was.get(1)));
    changes.record(&tx, issue.id, viewer.user_id).await?;
    let text = refresh(&tx, base, issue.id).await?;
    let subject = Subject::of(&tx, &repo, (&issue, &scope.path), &text).await?;
    let sender = viewer.user_id;
    let update = (edits, action);
    let mut woke = subject
        .announce_update(&tx, base, &repo, update, sender)
        .await?;
    woke |= changes
        .announce(&tx, base, (&repo, &subject), sender)
        .await?;
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
