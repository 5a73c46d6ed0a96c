//! What a write changes of an issue's (or a pull request's) labels, assignees and milestone,
//! the same from every route that changes them (`PATCH …/issues/{n}`, creating an issue, the
//! labels and assignees routes): each change is recorded as an issue event and announced to
//! the repository's hooks as `issues` `labeled`, `unlabeled`, `assigned`, `unassigned`,
//! `milestoned` or `demilestoned` with the `label`, `assignee` or `milestone` it names, or for
//! a pull request as `pull_request` with the same action (GitHub sends milestone changes of a
//! pull request as `pull_request` events, no longer as `issues` ones).

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Map, Value};

use crate::db;
use crate::error::ApiResult;
use crate::hooks;
use crate::issues::{self, Issue, Numbered};
use crate::pulls::{self, Pull};
use crate::repos::Repo;

/// Changes in the order they are recorded and announced: label changes (`unlabeled`, then
/// `labeled`), assignee changes (`unassigned`, then `assigned`), then milestone changes
/// (`demilestoned`, then `milestoned`), each event with its label's, user's or milestone's id.
#[derive(Debug, Default)]
pub(crate) struct Changes {
    events: Vec<String>,
    ids: Vec<i64>,
}

impl Changes {
    /// The changes `gh_issue_open` answers (events and their ids, side by side).
    pub(crate) fn new(events: Vec<String>, ids: Vec<i64>) -> Self {
        Self { events, ids }
    }

    /// Whether nothing changed.
    pub(crate) fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Adds `event` of the label, user or milestone `id`.
    pub(crate) fn push(&mut self, event: &str, id: i64) {
        self.events.push(event.to_owned());
        self.ids.push(id);
    }

    /// Sets the labels named `names` on issue `issue` of repository `repo` (creating labels
    /// that do not exist; with `replace`, as its only labels) and adds what that changed.
    pub(crate) async fn label(
        &mut self,
        client: &impl GenericClient,
        (repo, issue): (i64, i64),
        names: &[String],
        replace: bool,
    ) -> ApiResult<()> {
        let statement = client
            .prepare_cached("SELECT event, label FROM gh_issue_label($1, $2, $3, $4)")
            .await?;
        for row in client
            .query(&statement, &[&repo, &issue, &names, &replace])
            .await?
        {
            self.push(row.get(0), row.get(1));
        }
        Ok(())
    }

    /// Adds the change of an issue's assignees from `was` to `now`: `unassigned` for each one
    /// no longer assigned, then `assigned` for each one newly assigned.
    pub(crate) fn assignees(&mut self, was: &[i64], now: &[i64]) {
        for id in was.iter().filter(|id| !now.contains(id)) {
            self.push("unassigned", *id);
        }
        for id in now.iter().filter(|id| !was.contains(id)) {
            self.push("assigned", *id);
        }
    }

    /// Adds the change of an issue's milestone from `was` to `now`: `demilestoned` from the
    /// one it had, then `milestoned` to the new one (a milestone moved is both).
    pub(crate) fn milestone(&mut self, (was, now): (Option<i64>, Option<i64>)) {
        if was == now {
            return;
        }
        if let Some(was) = was {
            self.push("demilestoned", was);
        }
        if let Some(now) = now {
            self.push("milestoned", now);
        }
    }

    /// Records them as events of issue `issue` by `actor`.
    pub(crate) async fn record(
        &self,
        client: &impl GenericClient,
        issue: i64,
        actor: i64,
    ) -> ApiResult<()> {
        if !self.is_empty() {
            const SQL: &str = "SELECT gh_issue_changed($1, $2, $3, $4)";
            db::execute(client, SQL, &[&issue, &actor, &self.events, &self.ids]).await?;
        }
        Ok(())
    }

    /// Settles a write that made only these changes to `issue` (numbered `number` in `repo`),
    /// by `actor`: when anything changed, the issue's `updated_at` is touched and the changes
    /// are recorded and announced. Answers the issue as rendered now, and whether a delivery
    /// was queued.
    pub(crate) async fn settle(
        &self,
        client: &impl GenericClient,
        base: &str,
        (repo, issue, number): (&Repo, &Issue, &str),
        actor: i64,
    ) -> ApiResult<(String, bool)> {
        if self.is_empty() {
            return Ok((issues::render(client, base, issue.id).await?, false));
        }
        const TOUCH: &str = "UPDATE issues SET updated_at = now() WHERE id = $1";
        db::execute(client, TOUCH, &[&issue.id]).await?;
        self.record(client, issue.id, actor).await?;
        let text = issues::refresh(client, base, issue.id).await?;
        let subject = Subject::of(client, repo, (issue, number), &text).await?;
        let woke = self.announce(client, base, (repo, &subject), actor).await?;
        Ok((text, woke))
    }

    /// Announces each change on `subject` to the hooks of `repo`, sent by `sender`, with its
    /// label, assignee or milestone as webhooks show them. Whether a delivery was queued.
    pub(crate) async fn announce(
        &self,
        client: &impl GenericClient,
        base: &str,
        (repo, subject): (&Repo, &Subject<'_>),
        sender: i64,
    ) -> ApiResult<bool> {
        const SQL: &str = "SELECT CASE
                WHEN c.event IN ('labeled', 'unlabeled') THEN (SELECT gh_label(l, $3) FROM labels l WHERE l.id = c.id)
                WHEN c.event IN ('assigned', 'unassigned') THEN gh_user_id(c.id, $4)
                ELSE (SELECT gh_milestone(m, $4) FROM milestones m WHERE m.id = c.id) END::text
            FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS c(event, id, ord) ORDER BY c.ord";
        if self.is_empty() {
            return Ok(false);
        }
        let statement = client.prepare_cached(SQL).await?;
        let params: [&(dyn asym_kit::tokio_postgres::types::ToSql + Sync); 4] =
            [&self.events, &self.ids, &repo.url(base), &base];
        let rows = client.query(&statement, &params).await?;
        let mut woke = false;
        for (event, row) in self.events.iter().zip(&rows) {
            let named = hooks::parse(row.get::<_, Option<&str>>(0).unwrap_or("null"));
            let key = match event.as_str() {
                "labeled" | "unlabeled" => "label",
                "assigned" | "unassigned" => "assignee",
                _ => "milestone",
            };
            let extra = Map::from_iter([(key.to_owned(), named)]);
            woke |= subject
                .announce(client, base, repo, event, extra, sender)
                .await?;
        }
        Ok(woke)
    }
}

/// What an issue's changes are announced on.
pub(crate) enum Subject<'a> {
    /// An issue, as rendered: `issues` events carrying it as `issue`.
    Issue(&'a str),
    /// A pull request: `pull_request` events carrying its `number` and `pull_request`.
    Pull(Box<Pull>),
}

impl<'a> Subject<'a> {
    /// What `issue` (numbered `number` in `repo`, rendered `rendered`) is announced as.
    pub(crate) async fn of(
        client: &impl GenericClient,
        repo: &Repo,
        (issue, number): (&Issue, &str),
        rendered: &'a str,
    ) -> ApiResult<Self> {
        Ok(if issue.is_pull {
            Self::Pull(Box::new(Pull::find(client, repo, number).await?))
        } else {
            Self::Issue(rendered)
        })
    }

    /// Announces `action` on it with the payload's `extra` keys. Whether a delivery was
    /// queued.
    pub(crate) async fn announce(
        &self,
        client: &impl GenericClient,
        base: &str,
        repo: &Repo,
        action: &str,
        extra: Map<String, Value>,
        sender: i64,
    ) -> ApiResult<bool> {
        match self {
            Self::Issue(issue) => {
                issues::announce(client, base, repo, issue, action, sender, extra).await
            }
            Self::Pull(pull) => {
                let extra: Vec<(&str, Value)> =
                    extra.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                pulls::deliver(client, base, repo, pull, (action, &extra), sender).await
            }
        }
    }

    /// Announces an update: `edited` when `changes` says what it changed, then `action`
    /// (`closed`, `reopened`) when it has one.
    pub(crate) async fn announce_update(
        &self,
        client: &impl GenericClient,
        base: &str,
        repo: &Repo,
        (changes, action): (Map<String, Value>, Option<&str>),
        sender: i64,
    ) -> ApiResult<bool> {
        let mut woke = false;
        if !changes.is_empty() {
            let extra = Map::from_iter([("changes".to_owned(), Value::Object(changes))]);
            woke |= self
                .announce(client, base, repo, "edited", extra, sender)
                .await?;
        }
        if let Some(action) = action {
            woke |= self
                .announce(client, base, repo, action, Map::new(), sender)
                .await?;
        }
        Ok(woke)
    }
}
