//! `GET /repos/{owner}/{repo}/commits/{sha}/pulls` (Octokit's
//! `repos.listPullRequestsAssociatedWithCommit`, PyGithub's `Commit.get_pulls`): the pull
//! requests of the repository that carry the commit, newest first, in the pull request list's
//! shape.

use crate::commits;
use crate::error::ApiResult;
use crate::objects;
use crate::pulls::{self, Shape};
use crate::req::{self, Query};
use crate::scope::Scope;

/// The pull requests whose commits hold `sha` (it is their head or reached from it, and not
/// from their base), or whose merge made it (`merge_commit_sha`); 422 `No commit found for
/// SHA` for a revision that names none. An open pull request is read at its branches' heads,
/// a closed one where they were when it closed.
pub(crate) async fn list(scope: Scope<String>, query: Query) -> ApiResult {
    const PULLS: &str = "SELECT i.id,
                         coalesce((SELECT sha FROM git_refs WHERE i.state = 'open' AND repo_id = gh_pull_head_repo(p, i.repo_id)
                                   AND ref = 'refs/heads/' || p.head_ref), p.head_sha),
                         coalesce((SELECT sha FROM git_refs WHERE i.state = 'open' AND repo_id = i.repo_id
                                   AND ref = 'refs/heads/' || p.base_ref), p.base_sha),
                         p.merge_commit_sha
                         FROM issues i JOIN pulls p ON p.issue_id = i.id
                         WHERE i.repo_id = $1 ORDER BY i.number DESC";
    let rev = &scope.path;
    let (client, repo) = scope.open().await?;
    let sha = commits::commit_of(&client, &repo, rev).await?;
    let reaches = |from: String| {
        let (client, sha) = (&client, &sha);
        async move {
            ApiResult::Ok(from == *sha || objects::is_ancestor(client, repo.id, sha, &from).await?)
        }
    };
    let mut carrying = Vec::new();
    for row in client.query(PULLS, &[&repo.id]).await? {
        let merged_into = row.get::<_, Option<String>>(3).as_deref() == Some(sha.as_str());
        if merged_into || (reaches(row.get(1)).await? && !reaches(row.get(2)).await?) {
            carrying.push(row.get::<_, i64>(0));
        }
    }
    let (total, page) = query.slice(carrying);
    let mut items = Vec::with_capacity(page.len());
    for id in page {
        items.push(pulls::render(&client, scope.base(), id, Shape::Simple).await?);
    }
    let path = format!("{}/commits/{rev}/pulls", repo.path());
    let items = format!("[{}]", items.join(","));
    Ok(req::paged(scope.base(), &path, &query, total, items))
}
