//! What merging a pull request into a branch requires (approving reviews, status checks, a
//! head that contains the branch), as branch protection ([`crate::branches`]) and rulesets
//! ([`crate::rulesets`]) both require it, and GitHub's words for what is missing.

use asym_kit::deadpool_postgres::GenericClient;

use crate::db;
use crate::error::ApiResult;
use crate::repos::Repo;

/// What a merge into a branch requires.
pub(crate) struct Required {
    /// The required status check contexts.
    pub(crate) contexts: Vec<String>,
    /// The approving reviews required, when reviews are.
    pub(crate) approvals: Option<i64>,
    /// Whether a pull request's head must contain the branch's head (`strict`).
    pub(crate) strict: bool,
}

/// `Required status check "<c>" is expected.` or `<n> of <m> required status checks are
/// expected.`
pub(crate) fn expected(missing: &[String], of: usize) -> String {
    match missing {
        [one] => format!("Required status check \"{one}\" is expected."),
        _ => format!(
            "{} of {of} required status checks are expected.",
            missing.len()
        ),
    }
}

/// What `rules` still require of pull request `issue` (head `head_sha`) into `branch`, as
/// GitHub words its 405, with the `mergeable_state` it makes: the approving reviews (the
/// latest review of each user with write access), then, with `strict`, a head that contains
/// the branch (otherwise every required check counts as expected, as GitHub answers), then the
/// status checks (the latest status of each context, or else check run of that name, on the
/// head).
pub(crate) async fn unmet(
    client: &impl GenericClient,
    repo: &Repo,
    rules: &Required,
    branch: &str,
    (issue, head_sha): (i64, &str),
) -> ApiResult<Option<(String, &'static str)>> {
    const APPROVALS: &str = "SELECT count(*) FROM (
            SELECT DISTINCT ON (v.user_id) v.user_id, v.state FROM reviews v
            WHERE v.issue_id = $1 AND v.state IN ('APPROVED', 'CHANGES_REQUESTED', 'DISMISSED')
            ORDER BY v.user_id, v.id DESC) l
        WHERE l.state = 'APPROVED' AND gh_permission($2, l.user_id) IN ('admin', 'maintain', 'write')";
    const STATES: &str = "SELECT c.context, coalesce(
            (SELECT s.state FROM statuses s WHERE s.repo_id = $1 AND s.sha = $2 AND s.context = c.context
             ORDER BY s.id DESC LIMIT 1),
            (SELECT CASE WHEN r.status <> 'completed' THEN 'pending'
                         WHEN r.conclusion IN ('success', 'neutral', 'skipped') THEN 'success'
                         ELSE 'failure' END
             FROM check_runs r WHERE r.repo_id = $1 AND r.head_sha = $2 AND r.name = c.context
             ORDER BY r.id DESC LIMIT 1))
        FROM unnest($3::text[]) WITH ORDINALITY AS c(context, ord) ORDER BY c.ord";
    if let Some(required) = rules.approvals {
        let approvals: i64 = db::value(client, APPROVALS, &[&issue, &repo.id]).await?;
        if approvals < required {
            let message = if required == 1 {
                "At least 1 approving review is required by reviewers with write access.".into()
            } else {
                format!(
                    "At least {required} approving reviews are required by reviewers with write access."
                )
            };
            return Ok(Some((message, "blocked")));
        }
    }
    if rules.contexts.is_empty() {
        return Ok(None);
    }
    let all = rules.contexts.len();
    if rules.strict {
        let base =
            crate::objects::ref_sha(client, repo.id, &format!("refs/heads/{branch}")).await?;
        if let Some(base) = base
            && base != head_sha
            && !crate::objects::is_ancestor(client, repo.id, &base, head_sha).await?
        {
            return Ok(Some((expected(&rules.contexts, all), "behind")));
        }
    }
    let states = client
        .query(STATES, &[&repo.id, &head_sha, &rules.contexts])
        .await?;
    let mut missing = Vec::new();
    for row in states {
        let (context, state): (String, Option<String>) = (row.get(0), row.get(1));
        match state.as_deref() {
            Some("success") => {}
            Some("failure" | "error") => {
                let message = format!("Required status check \"{context}\" is failing.");
                return Ok(Some((message, "blocked")));
            }
            _ => missing.push(context),
        }
    }
    Ok((!missing.is_empty()).then(|| (expected(&missing, all), "blocked")))
}
