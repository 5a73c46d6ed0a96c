//! A small triage bot, as a team would write it against GitHub with octocrab: it labels
//! every open issue nobody has labelled yet with `needs-triage` and thanks its author, and
//! reports its verdict on a commit as a `triage-bot` status.
//!
//! Its tests run it unchanged against asym's GitHub clone: the only difference from
//! production is the base URI handed to [`TriageBot::new`].

use octocrab::models::StatusState;
use octocrab::params;

pub use octocrab::Error;

/// The label the bot puts on issues nobody has triaged.
pub const LABEL: &str = "needs-triage";

/// The status context the bot reports under.
pub const CONTEXT: &str = "triage-bot";

/// What the bot says to a reporter.
pub const THANKS: &str = "Thanks for the report! A maintainer will triage it soon.";

/// The bot, bound to one repository.
#[derive(Debug, Clone)]
pub struct TriageBot {
    github: octocrab::Octocrab,
    owner: String,
    repo: String,
}

impl TriageBot {
    /// A bot for `owner/repo` on the GitHub API at `base_uri` (`https://api.github.com` in
    /// production) with a personal access token.
    ///
    /// # Errors
    ///
    /// When the URI does not parse or the client cannot be built.
    pub fn new(base_uri: &str, token: &str, owner: &str, repo: &str) -> Result<Self, Error> {
        let github = octocrab::Octocrab::builder()
            .base_uri(base_uri)?
            .personal_token(token.to_owned())
            .build()?;
        Ok(Self {
            github,
            owner: owner.to_owned(),
            repo: repo.to_owned(),
        })
    }

    /// Labels and thanks every open issue (not pull request) without labels; returns their
    /// numbers. Running it again finds nothing to do.
    ///
    /// # Errors
    ///
    /// Any API error (bad credentials, a repository the token cannot see, …).
    pub async fn triage(&self) -> Result<Vec<u64>, Error> {
        let issues = self.github.issues(&self.owner, &self.repo);
        let first = issues
            .list()
            .state(params::State::Open)
            .per_page(50)
            .send()
            .await?;
        let open = self.github.all_pages(first).await?;
        let mut triaged = Vec::new();
        for issue in open {
            if issue.pull_request.is_some() || !issue.labels.is_empty() {
                continue;
            }
            issues.add_labels(issue.number, &[LABEL.to_owned()]).await?;
            issues.create_comment(issue.number, THANKS).await?;
            triaged.push(issue.number);
        }
        Ok(triaged)
    }

    /// Reports on commit `sha`: `success` when no open issue waits for triage, else
    /// `failure` naming how many do.
    ///
    /// # Errors
    ///
    /// Any API error.
    pub async fn report(&self, sha: &str) -> Result<StatusState, Error> {
        let first = self
            .github
            .issues(&self.owner, &self.repo)
            .list()
            .state(params::State::Open)
            .labels(&[LABEL.to_owned()])
            .per_page(100)
            .send()
            .await?;
        let waiting = self.github.all_pages(first).await?.len();
        let (state, description) = match waiting {
            0 => (StatusState::Success, "Every issue is triaged".to_owned()),
            n => (
                StatusState::Failure,
                format!("{n} issue(s) wait for triage"),
            ),
        };
        self.github
            .repos(&self.owner, &self.repo)
            .create_status(sha.to_owned(), state)
            .context(CONTEXT.to_owned())
            .description(description)
            .send()
            .await?;
        Ok(state)
    }

    /// The combined status of `reference` (a branch or sha), as GitHub folds it.
    ///
    /// # Errors
    ///
    /// Any API error.
    pub async fn combined(&self, reference: &str) -> Result<StatusState, Error> {
        let status = self
            .github
            .repos(&self.owner, &self.repo)
            .combined_status_for_ref(&params::repos::Reference::Branch(reference.to_owned()))
            .await?;
        Ok(status.state)
    }
}
