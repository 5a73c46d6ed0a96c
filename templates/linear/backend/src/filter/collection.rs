//! To-many relations a filter field ranges over with `some`, `every`, `none`, `length` or
//! the related rows' own fields: an issue's labels, children, comments, attachments,
//! subscribers and reactions, a comment's or a status update's reactions, a project's teams,
//! members, issues, labels, milestones, updates and initiatives, an initiative's labels and
//! updates, a cycle's issues, an issue's releases, a release pipeline's teams.

use serde_json::{Map, Value};

use super::{Cmp, Kind, all, comparator_map, compare, object};
use crate::connection::Where;
use crate::error::Result;

/// A to-many relation a filter field ranges over (`IssueFilter.labels`,
/// `ProjectFilter.accessibleTeams`): the related kind and how its rows belong to the
/// filtered one.
pub(super) struct Collection {
    target: Kind,
    link: Link,
}

/// How a related row belongs to the filtered one.
enum Link {
    /// Its column (`parent_id`) holds the filtered row's id; archived rows are left out.
    Owner(&'static str),
    /// Its id is in the filtered row's array column (`label_ids`).
    Array(&'static str),
    /// Its id is one the query selects (given the filtered row's alias).
    Select(fn(&str) -> String),
}

impl Collection {
    /// The condition that the related row aliased `member` belongs to the row `alias`.
    fn belongs(&self, member: &str, alias: &str) -> String {
        match &self.link {
            Link::Owner(column) => {
                format!("{member}.{column} = {alias}.id AND {member}.archived_at IS NULL")
            }
            Link::Array(column) => format!("{member}.id = ANY({alias}.{column})"),
            Link::Select(ids) => format!("{member}.id IN ({})", ids(alias)),
        }
    }

    /// How many related rows the row `alias` has.
    fn count(&self, alias: &str) -> String {
        match &self.link {
            Link::Owner(_) => format!(
                "(SELECT count(*) FROM {} m WHERE {})",
                self.target.table(),
                self.belongs("m", alias)
            ),
            Link::Array(column) => format!("cardinality({alias}.{column})"),
            Link::Select(ids) => format!("(SELECT count(*) FROM ({}) ids)", ids(alias)),
        }
    }
}

/// The labels (of kind `target`) of an issue, a project or an initiative, by its `label_ids`.
fn labels(target: Kind) -> Collection {
    Collection {
        target,
        link: Link::Array("label_ids"),
    }
}

/// A project's members, by its `member_ids`.
const MEMBERS: Collection = Collection {
    target: Kind::User,
    link: Link::Array("member_ids"),
};

/// A project's teams, by `project_teams`.
const TEAMS: Collection = Collection {
    target: Kind::Team,
    link: Link::Select(|alias| {
        format!("SELECT pt.team_id FROM project_teams pt WHERE pt.project_id = {alias}.id")
    }),
};

/// An issue's subscribers, as `Issue.subscribers` answers them (`issue_subscriber_ids`).
const SUBSCRIBERS: Collection = Collection {
    target: Kind::User,
    link: Link::Select(|alias| format!("SELECT issue_subscriber_ids({alias}.id)")),
};

/// A project's initiatives, by `initiative_to_projects` (links not archived).
const INITIATIVES: Collection = Collection {
    target: Kind::Initiative,
    link: Link::Select(|alias| {
        format!(
            "SELECT ip.initiative_id FROM initiative_to_projects ip
               WHERE ip.project_id = {alias}.id AND ip.archived_at IS NULL"
        )
    }),
};

/// An issue's releases, by `issue_to_releases`.
const RELEASES: Collection = Collection {
    target: Kind::Release,
    link: Link::Select(|alias| {
        format!("SELECT x.release_id FROM issue_to_releases x WHERE x.issue_id = {alias}.id")
    }),
};

/// The to-many relation filter field `field` of `kind` ranges over, if it is one.
pub(super) fn of(kind: Kind, field: &str) -> Option<Collection> {
    Some(match (kind, field) {
        (Kind::Issue, "labels") => labels(Kind::Label),
        (Kind::Project, "labels") => labels(Kind::ProjectLabel),
        (Kind::Initiative, "labels") => labels(Kind::InitiativeLabel),
        (Kind::Issue, "subscribers") => SUBSCRIBERS,
        (Kind::Project, "accessibleTeams") => TEAMS,
        (Kind::Project, "members") => MEMBERS,
        (Kind::Project, "initiatives") => INITIATIVES,
        (Kind::Issue, "releases") => RELEASES,
        (Kind::ReleaseNote, "release") => Collection {
            target: Kind::Release,
            link: Link::Array("release_ids"),
        },
        (Kind::ReleasePipeline, "teams") => Collection {
            target: Kind::Team,
            link: Link::Array("team_ids"),
        },
        (kind, field) => {
            let (target, column) = match (kind, field) {
                (Kind::Issue, "children") => (Kind::Issue, "parent_id"),
                (Kind::Issue, "comments") => (Kind::Comment, "issue_id"),
                (Kind::Issue, "attachments") => (Kind::Attachment, "issue_id"),
                (Kind::Project, "issues") => (Kind::Issue, "project_id"),
                (Kind::Project, "projectMilestones") => (Kind::Milestone, "project_id"),
                (Kind::Project, "projectUpdates") => (Kind::ProjectUpdate, "project_id"),
                (Kind::Initiative, "initiativeUpdates") => {
                    (Kind::InitiativeUpdate, "initiative_id")
                }
                (Kind::Cycle, "issues") => (Kind::Issue, "cycle_id"),
                (Kind::Issue, "needs") => (Kind::CustomerNeed, "issue_id"),
                (Kind::Customer, "needs") => (Kind::CustomerNeed, "customer_id"),
                (Kind::Issue, "reactions") => (Kind::Reaction, "issue_id"),
                (Kind::Comment, "reactions") => (Kind::Reaction, "comment_id"),
                (Kind::ProjectUpdate, "reactions") => (Kind::Reaction, "project_update_id"),
                (Kind::InitiativeUpdate, "reactions") => (Kind::Reaction, "initiative_update_id"),
                _ => return None,
            };
            return Some(Collection {
                target,
                link: Link::Owner(column),
            });
        }
    })
}

/// `key: {some|every|none: filter, length, id, name, …}` over `collection` of the row aliased
/// `alias` (its direct fields: some related row matches them all).
pub(super) fn filter(
    w: &mut Where,
    alias: &str,
    key: &str,
    value: &Value,
    collection: &Collection,
) -> Result<String> {
    let map = comparator_map(key, value)?;
    let table = collection.target.table();
    let mut parts = Vec::new();
    let mut direct = Map::new();
    let exists = |w: &mut Where, filter: &Map<String, Value>, negate: &str| -> Result<String> {
        let member = w.alias();
        let condition = object(w, collection.target, &member, filter)?;
        let belongs = collection.belongs(&member, alias);
        Ok(format!(
            "EXISTS (SELECT 1 FROM {table} {member} WHERE {belongs} AND {negate}{condition})"
        ))
    };
    for (op, inner) in map {
        match op.as_str() {
            "some" => parts.push(exists(w, comparator_map(op, inner)?, "")?),
            "none" => parts.push(format!(
                "NOT {}",
                exists(w, comparator_map(op, inner)?, "")?
            )),
            "every" => parts.push(format!(
                "NOT {}",
                exists(w, comparator_map(op, inner)?, "NOT ")?
            )),
            "length" => parts.push(compare(
                w,
                &collection.count(alias),
                Cmp::Number,
                comparator_map(op, inner)?,
            )?),
            _ => {
                direct.insert(op.clone(), inner.clone());
            }
        }
    }
    if !direct.is_empty() {
        parts.push(exists(w, &direct, "")?);
    }
    Ok(all(&parts))
}
