//! Boolean filter fields computed from other rows and columns, as the API renders them: a
//! cycle's `isActive`, `isNext`, …, and an issue's `hasBlockingRelations` and the like.

use super::{Cmp, Kind};

/// `IssueFilter`'s relation comparators: the relations an issue has of a type, in a
/// direction (`true`: the issue is the relation's `issue`; `false`: its `relatedIssue`;
/// `None`: either).
const RELATIONS: [(&str, &str, Option<bool>); 4] = [
    ("hasBlockingRelations", "blocks", Some(true)),
    ("hasBlockedByRelations", "blocks", Some(false)),
    ("hasDuplicateRelations", "duplicate", Some(true)),
    ("hasRelatedRelations", "related", None),
];

/// `ProjectFilter`'s relation comparators: which end of a project dependency (`r`) the project
/// (`{alias}`) is. The blocking end (depended on) and the blocked end (depending) are read
/// from the anchors as a live Linear read them back (`project_relation_blocker` and
/// `project_relation_blocked`, `migrations/0035_violated_relations.sql`); a project has
/// related relations at either end, and violated ones at either end of a dependency whose
/// dates break it.
const PROJECT_RELATIONS: [(&str, &str); 6] = [
    (
        "hasBlockingRelations",
        "project_relation_blocker(r) = {alias}.id",
    ),
    (
        "hasDependedOnByRelations",
        "project_relation_blocker(r) = {alias}.id",
    ),
    (
        "hasBlockedByRelations",
        "project_relation_blocked(r) = {alias}.id",
    ),
    (
        "hasDependsOnRelations",
        "project_relation_blocked(r) = {alias}.id",
    ),
    (
        "hasRelatedRelations",
        "(r.project_id = {alias}.id OR r.related_project_id = {alias}.id)",
    ),
    (
        "hasViolatedRelations",
        "(r.project_id = {alias}.id OR r.related_project_id = {alias}.id)
         AND project_relation_violated(r)",
    ),
];

/// `IssueFilter` comparators of what the clone never has (AI suggestions, agent sessions,
/// sharing outside the team): no issue has them.
const NEVER: [&str; 11] = [
    "hasSuggestedAssignees",
    "hasSuggestedLabels",
    "hasSuggestedProjects",
    "hasSuggestedRelatedIssues",
    "hasSuggestedSimilarIssues",
    "hasSuggestedTeams",
    "hasSharedUsers",
    "hasActiveAgentSessions",
    "hasDismissedAgentSessions",
    "hasErroredAgentSessions",
    "hasMergedAgentPullRequests",
];

/// What an `IssueFilter` field of something the clone never sets compares: a constant of
/// a comparison, or a relation to no row.
#[derive(Debug, Clone, Copy)]
pub(super) enum Constant {
    /// SQL for the value every issue has, and how it compares.
    Value(&'static str, Cmp),
    /// A relation, always null, to a row of this kind.
    Related(Kind),
}

/// `IssueFilter` fields of what the clone never sets (snoozes, automatic archiving and
/// closing, delegation, templates an issue remembers, SLAs: the API answers them null).
const CONSTANT: [(&str, Constant); 9] = [
    (
        "snoozedUntilAt",
        Constant::Value("NULL::timestamptz", Cmp::Date),
    ),
    (
        "autoArchivedAt",
        Constant::Value("NULL::timestamptz", Cmp::Date),
    ),
    (
        "autoClosedAt",
        Constant::Value("NULL::timestamptz", Cmp::Date),
    ),
    (
        "slaBreachesAt",
        Constant::Value("NULL::timestamptz", Cmp::Date),
    ),
    ("slaStatus", Constant::Value("NULL::text", Cmp::Text)),
    ("snoozedBy", Constant::Related(Kind::User)),
    ("delegate", Constant::Related(Kind::User)),
    ("lastAppliedTemplate", Constant::Related(Kind::Template)),
    ("recurringIssueTemplate", Constant::Related(Kind::Template)),
];

/// What filter field `field` of `kind` compares when it is one of [`CONSTANT`]'s.
pub(super) fn constant(kind: Kind, field: &str) -> Option<Constant> {
    if kind != Kind::Issue {
        return None;
    }
    CONSTANT
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, constant)| *constant)
}

/// The SQL of boolean filter field `field` of `kind` on the row aliased `alias`, if it is
/// one: a cycle is active from its start until its end, the next one is its team's first
/// still to start, the previous one its team's last ended, and none is in a cooldown (the
/// clone has none; `cycle_doc` in `migrations/0002_documents.sql` renders them alike); an
/// issue has blocking relations when it blocks another, blocked-by ones when another
/// blocks it, duplicate ones when it duplicates another, related ones when it is related to
/// another either way (relations not archived); a project's relations are its dependencies
/// ([`PROJECT_RELATIONS`]).
pub(super) fn of(kind: Kind, field: &str, alias: &str) -> Option<String> {
    let sibling = |order: &str| {
        format!(
            "coalesce({alias}.id = (SELECT sibling.id FROM cycles sibling
               WHERE sibling.team_id = {alias}.team_id AND sibling.archived_at IS NULL
                 AND {order} LIMIT 1), false)"
        )
    };
    Some(match (kind, field) {
        (Kind::Cycle, "isActive") => {
            format!("(now() >= {alias}.starts_at AND now() < {alias}.ends_at)")
        }
        (Kind::Cycle, "isFuture") => format!("({alias}.starts_at > now())"),
        (Kind::Cycle, "isPast") => format!("({alias}.ends_at <= now())"),
        (Kind::Cycle, "isNext") => sibling("sibling.starts_at > now() ORDER BY sibling.starts_at"),
        (Kind::Cycle, "isPrevious") => {
            sibling("sibling.ends_at <= now() ORDER BY sibling.ends_at DESC")
        }
        (Kind::Cycle, "isInCooldown") => "FALSE".to_owned(),
        (Kind::Project, field) => {
            let (_, ends) = PROJECT_RELATIONS.iter().find(|(name, _)| *name == field)?;
            let ends = ends.replace("{alias}", alias);
            format!(
                "EXISTS (SELECT 1 FROM project_relations r
                   WHERE {ends} AND r.archived_at IS NULL)"
            )
        }
        (Kind::Issue, field) if NEVER.contains(&field) => "FALSE".to_owned(),
        (Kind::Issue, field) => {
            let (_, ty, outgoing) = RELATIONS.iter().find(|(name, ..)| *name == field)?;
            let ends = match outgoing {
                Some(true) => format!("r.issue_id = {alias}.id"),
                Some(false) => format!("r.related_issue_id = {alias}.id"),
                None => format!("(r.issue_id = {alias}.id OR r.related_issue_id = {alias}.id)"),
            };
            format!(
                "EXISTS (SELECT 1 FROM issue_relations r
                   WHERE {ends} AND r.type = '{ty}' AND r.archived_at IS NULL)"
            )
        }
        _ => return None,
    })
}
