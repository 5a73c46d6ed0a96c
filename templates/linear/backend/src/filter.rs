//! Linear's filter inputs (`IssueFilter`, `TeamFilter`, `NullableUserFilter`, …) as SQL
//! conditions: comparators (`eq`, `neq`, `in`, `nin`, `lt`, `lte`, `gt`, `gte`, `null`,
//! `contains`, `startsWith`, … and their `IgnoreCase` forms), relations (`team`, `state`,
//! `assignee`, `project`, `cycle`, `parent`, with `null`), collections (`some`, `every`,
//! `none`, `length`: an issue's labels, children, comments, …; `collection`), `isMe`,
//! computed booleans (a cycle's `isActive`, an issue's `hasBlockingRelations`, …;
//! `computed`), `searchableContent` and `and`/`or`. A filter field the clone does not
//! implement is refused as invalid input naming it, never silently ignored.

use asym_kit::tokio_postgres::types::ToSql;
use serde_json::{Map, Value};

mod collection;
mod computed;

use crate::case::column;
use crate::connection::Where;
use crate::error::{self, Result};

/// Which filter input a JSON object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `IssueFilter` over `issues`.
    Issue,
    /// `TeamFilter` over `teams`.
    Team,
    /// `WorkflowStateFilter` over `workflow_states`.
    State,
    /// `UserFilter` over `users`.
    User,
    /// `IssueLabelFilter` over `issue_labels`.
    Label,
    /// `ProjectFilter` over `projects`.
    Project,
    /// `ProjectStatusFilter` over `project_statuses`.
    ProjectStatus,
    /// `CycleFilter` over `cycles`.
    Cycle,
    /// `CommentFilter` over `comments`.
    Comment,
    /// `AttachmentFilter` over `attachments`.
    Attachment,
    /// `ProjectMilestoneFilter` over `project_milestones`.
    Milestone,
    /// `NullableTemplateFilter` over `templates`.
    Template,
    /// `DocumentFilter` over `documents`.
    Document,
    /// `InitiativeFilter` over `initiatives`.
    Initiative,
    /// `ProjectUpdateFilter` over `project_updates`.
    ProjectUpdate,
    /// `InitiativeUpdateFilter` over `initiative_updates`.
    InitiativeUpdate,
    /// `CustomViewFilter` over `custom_views`.
    CustomView,
    /// `ReactionFilter` over `reactions`.
    Reaction,
    /// `EmojiFilter` over `emojis`.
    Emoji,
    /// `ProjectLabelFilter` over `project_labels`.
    ProjectLabel,
    /// `InitiativeLabelFilter` over `initiative_labels`.
    InitiativeLabel,
    /// `NotificationFilter` over `notifications`.
    Notification,
    /// `AgentActivityFilter` over `agent_activities`.
    AgentActivity,
    /// `CustomerFilter` (and `NullableCustomerFilter`) over `customers`.
    Customer,
    /// `CustomerNeedFilter` over `customer_needs`.
    CustomerNeed,
    /// `CustomerStatusFilter` over `customer_statuses`.
    CustomerStatus,
    /// `CustomerTierFilter` over `customer_tiers`.
    CustomerTier,
    /// `ReleasePipelineFilter` over `release_pipelines`.
    ReleasePipeline,
    /// `ReleaseStageFilter` over `release_stages`.
    ReleaseStage,
    /// `ReleaseFilter` over `releases`.
    Release,
    /// `ReleaseNoteFilter` over `release_notes`.
    ReleaseNote,
}

/// How a column compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Text,
    Number,
    Date,
    Day,
    Bool,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Self::Issue => "issues",
            Self::Team => "teams",
            Self::State => "workflow_states",
            Self::User => "users",
            Self::Label => "issue_labels",
            Self::Project => "projects",
            Self::ProjectStatus => "project_statuses",
            Self::Cycle => "cycles",
            Self::Comment => "comments",
            Self::Attachment => "attachments",
            Self::Milestone => "project_milestones",
            Self::Template => "templates",
            Self::Document => "documents",
            Self::Initiative => "initiatives",
            Self::ProjectUpdate => "project_updates",
            Self::InitiativeUpdate => "initiative_updates",
            Self::CustomView => "custom_views",
            Self::Reaction => "reactions",
            Self::Emoji => "emojis",
            Self::Notification => "notifications",
            Self::AgentActivity => "agent_activities",
            Self::ProjectLabel => "project_labels",
            Self::InitiativeLabel => "initiative_labels",
            Self::Customer => "customers",
            Self::CustomerNeed => "customer_needs",
            Self::CustomerStatus => "customer_statuses",
            Self::CustomerTier => "customer_tiers",
            Self::ReleasePipeline => "release_pipelines",
            Self::ReleaseStage => "release_stages",
            Self::Release => "releases",
            Self::ReleaseNote => "release_notes",
        }
    }

    /// Plain filter fields beyond [`COMMON_FIELDS`], by comparison; each compares its
    /// [`column()`].
    fn fields(self) -> &'static [(Cmp, &'static [&'static str])] {
        match self {
            Self::Issue => &[
                (Cmp::Text, &["title", "description"]),
                (Cmp::Number, &["number", "priority", "estimate"]),
                (Cmp::Date, &["archivedAt", "startedAt", "completedAt"]),
                (Cmp::Date, &["canceledAt", "addedToCycleAt", "triagedAt"]),
                (Cmp::Day, &["dueDate"]),
                (Cmp::Bool, &["trashed"]),
            ],
            Self::Team => &[
                (Cmp::Text, &["key", "name", "description"]),
                (Cmp::Bool, &["private"]),
            ],
            Self::State => &[
                (Cmp::Text, &["name", "type", "description"]),
                (Cmp::Number, &["position"]),
            ],
            Self::User => &[
                (Cmp::Text, &["name", "displayName", "email"]),
                (Cmp::Bool, &["active", "admin", "app"]),
            ],
            Self::Label | Self::ProjectLabel | Self::InitiativeLabel => {
                &[(Cmp::Text, &["name"]), (Cmp::Bool, &["isGroup"])]
            }
            Self::Project => &[
                (Cmp::Text, &["name", "slugId"]),
                (Cmp::Number, &["priority"]),
                (Cmp::Day, &["startDate", "targetDate"]),
                (Cmp::Date, &["completedAt", "canceledAt", "startedAt"]),
            ],
            Self::ProjectStatus => &[(Cmp::Text, &["name", "type"]), (Cmp::Number, &["position"])],
            Self::Cycle => &[
                (Cmp::Number, &["number"]),
                (Cmp::Text, &["name"]),
                (Cmp::Date, &["startsAt", "endsAt", "completedAt"]),
            ],
            Self::Comment => &[(Cmp::Text, &["body"])],
            Self::Attachment => &[(Cmp::Text, &["title", "subtitle", "url"])],
            Self::Milestone => &[(Cmp::Text, &["name"]), (Cmp::Day, &["targetDate"])],
            Self::Template => &[(Cmp::Text, &["name", "type", "inheritedFromId"])],
            Self::Document => &[(Cmp::Text, &["title", "slugId"])],
            Self::Initiative => &[
                (Cmp::Text, &["name", "slugId", "status"]),
                (Cmp::Number, &["priority"]),
                (Cmp::Date, &["startedAt", "completedAt", "canceledAt"]),
                (Cmp::Day, &["targetDate"]),
            ],
            Self::CustomView => &[
                (Cmp::Text, &["name", "modelName"]),
                (Cmp::Bool, &["shared"]),
            ],
            Self::Reaction => &[(Cmp::Text, &["emoji"])],
            Self::Emoji => &[(Cmp::Text, &["name"])],
            Self::Notification => &[(Cmp::Text, &["type"]), (Cmp::Date, &["archivedAt"])],
            Self::AgentActivity => &[(Cmp::Text, &["agentSessionId", "type"])],
            Self::Customer => &[
                (Cmp::Text, &["name", "slackChannelId"]),
                (Cmp::Number, &["revenue", "size"]),
            ],
            Self::CustomerNeed => &[(Cmp::Number, &["priority"])],
            Self::CustomerStatus => &[
                (Cmp::Text, &["name", "color", "description"]),
                (Cmp::Number, &["position"]),
            ],
            Self::CustomerTier => &[
                (Cmp::Text, &["color", "description"]),
                (Cmp::Number, &["position"]),
            ],
            Self::ReleasePipeline => &[
                (Cmp::Text, &["name", "type"]),
                (Cmp::Bool, &["isProduction"]),
            ],
            Self::ReleaseStage => &[(Cmp::Text, &["name", "type"])],
            Self::ReleaseNote => &[(Cmp::Text, &["title", "slugId"])],
            Self::Release => &[
                (Cmp::Text, &["name", "version"]),
                (Cmp::Date, &["completedAt"]),
            ],
            Self::ProjectUpdate | Self::InitiativeUpdate => &[],
        }
    }

    /// How plain filter field `field` compares, if this kind has it.
    fn comparison(self, field: &str) -> Option<Cmp> {
        COMMON_FIELDS
            .iter()
            .chain(self.fields())
            .find(|(_, fields)| fields.contains(&field))
            .map(|(cmp, _)| *cmp)
    }

    /// Relations: filter field, foreign-key column, the related filter kind.
    fn relations(self) -> &'static [(&'static str, &'static str, Kind)] {
        match self {
            Self::Issue => &[
                ("team", "team_id", Kind::Team),
                ("state", "state_id", Kind::State),
                ("assignee", "assignee_id", Kind::User),
                ("creator", "creator_id", Kind::User),
                ("project", "project_id", Kind::Project),
                ("cycle", "cycle_id", Kind::Cycle),
                ("parent", "parent_id", Kind::Issue),
                ("projectMilestone", "project_milestone_id", Kind::Milestone),
            ],
            Self::State | Self::Cycle | Self::Label => &[("team", "team_id", Kind::Team)],
            Self::Project => &[
                ("lead", "lead_id", Kind::User),
                ("creator", "creator_id", Kind::User),
                ("status", "status_id", Kind::ProjectStatus),
            ],
            Self::Comment => &[
                ("issue", "issue_id", Kind::Issue),
                ("user", "user_id", Kind::User),
            ],
            Self::Attachment => &[("creator", "creator_id", Kind::User)],
            Self::AgentActivity => &[("sourceComment", "source_comment_id", Kind::Comment)],
            Self::ProjectLabel => &[
                ("creator", "creator_id", Kind::User),
                ("parent", "parent_id", Kind::ProjectLabel),
            ],
            Self::InitiativeLabel => &[
                ("creator", "creator_id", Kind::User),
                ("parent", "parent_id", Kind::InitiativeLabel),
            ],
            Self::Milestone => &[("project", "project_id", Kind::Project)],
            Self::Document => &[
                ("creator", "creator_id", Kind::User),
                ("owner", "owner_id", Kind::User),
                ("project", "project_id", Kind::Project),
                ("initiative", "initiative_id", Kind::Initiative),
                ("issue", "issue_id", Kind::Issue),
                ("team", "team_id", Kind::Team),
            ],
            Self::Initiative => &[
                ("creator", "creator_id", Kind::User),
                ("owner", "owner_id", Kind::User),
                ("leadTeam", "lead_team_id", Kind::Team),
            ],
            Self::ProjectUpdate => &[
                ("project", "project_id", Kind::Project),
                ("user", "user_id", Kind::User),
            ],
            Self::InitiativeUpdate => &[
                ("initiative", "initiative_id", Kind::Initiative),
                ("user", "user_id", Kind::User),
            ],
            Self::CustomView => &[
                ("creator", "creator_id", Kind::User),
                ("team", "team_id", Kind::Team),
            ],
            Self::Release => &[
                ("pipeline", "pipeline_id", Kind::ReleasePipeline),
                ("stage", "stage_id", Kind::ReleaseStage),
            ],
            Self::ReleaseNote => &[("pipeline", "pipeline_id", Kind::ReleasePipeline)],
            Self::Customer => CUSTOMER_RELATIONS,
            Self::CustomerNeed => NEED_RELATIONS,
            Self::Team
            | Self::User
            | Self::CustomerStatus
            | Self::CustomerTier
            | Self::Template
            | Self::ProjectStatus
            | Self::Reaction
            | Self::Emoji
            | Self::ReleasePipeline
            | Self::ReleaseStage
            | Self::Notification => &[],
        }
    }
}

/// `CustomerFilter`'s relations: the customer's owner, status and tier.
const CUSTOMER_RELATIONS: &[(&str, &str, Kind)] = &[
    ("owner", "owner_id", Kind::User),
    ("status", "status_id", Kind::CustomerStatus),
    ("tier", "tier_id", Kind::CustomerTier),
];
/// `CustomerNeedFilter`'s relations but `project` (its own or its issue's, see [`object`]).
const NEED_RELATIONS: &[(&str, &str, Kind)] = &[
    ("customer", "customer_id", Kind::Customer),
    ("issue", "issue_id", Kind::Issue),
    ("comment", "comment_id", Kind::Comment),
];

/// The plain filter fields every kind has.
const COMMON_FIELDS: &[(Cmp, &[&str])] = &[
    (Cmp::Text, &["id"]),
    (Cmp::Date, &["createdAt", "updatedAt"]),
];

/// Adds `filter` (a `kind` filter input, or null) on rows aliased `t` to `conditions`.
///
/// # Errors
///
/// Invalid input naming an unsupported field or a malformed comparator.
pub(crate) fn apply(
    conditions: &mut Where,
    kind: Kind,
    filter: Option<&async_graphql::Value>,
) -> Result<()> {
    let Some(filter) = filter else { return Ok(()) };
    let json = filter.clone().into_json().map_err(error::internal)?;
    match json {
        Value::Null => Ok(()),
        Value::Object(map) => {
            let condition = object(conditions, kind, "t", &map)?;
            conditions.push(condition);
            Ok(())
        }
        _ => Err(error::invalid("filter must be an object")),
    }
}

/// The condition for one filter object on rows aliased `alias`.
fn object(w: &mut Where, kind: Kind, alias: &str, filter: &Map<String, Value>) -> Result<String> {
    let mut parts = Vec::new();
    for (key, value) in filter {
        if value.is_null() {
            continue;
        }
        let part = match key.as_str() {
            "and" | "or" => {
                let joiner = if key == "and" { " AND " } else { " OR " };
                let items = value
                    .as_array()
                    .ok_or_else(|| error::invalid(format!("`{key}` must be a list")))?;
                let mut inner = Vec::new();
                for item in items {
                    let item = item
                        .as_object()
                        .ok_or_else(|| error::invalid(format!("`{key}` items must be objects")))?;
                    inner.push(object(w, kind, alias, item)?);
                }
                if inner.is_empty() {
                    continue;
                }
                format!("({})", inner.join(joiner))
            }
            "isMe" if kind == Kind::User => {
                let cmp = comparator_map(key, value)?;
                compare(w, &format!("({alias}.id = $2)"), Cmp::Bool, cmp)?
            }
            "null" => continue,
            "searchableContent" if matches!(kind, Kind::Issue | Kind::Document) => {
                searchable(w, kind, alias, comparator_map(key, value)?)?
            }
            "domains" | "externalIds" if kind == Kind::Customer => {
                let column = format!("{alias}.{}", column(key));
                strings(w, &column, comparator_map(key, value)?)?
            }
            // A tier's display name defaults to its name; a status's deprecated type is null.
            "displayName" if kind == Kind::CustomerTier => {
                let shown = format!("coalesce({alias}.display_name, {alias}.name)");
                compare(w, &shown, Cmp::Text, comparator_map(key, value)?)?
            }
            // A note not archived covers it.
            "hasReleaseNotes" if kind == Kind::Release => {
                let covered = format!(
                    "EXISTS (SELECT 1 FROM release_notes n
                             WHERE {alias}.id = ANY(n.release_ids) AND n.archived_at IS NULL)"
                );
                compare(w, &covered, Cmp::Bool, comparator_map(key, value)?)?
            }
            "type" if kind == Kind::CustomerStatus => {
                compare(w, "NULL::text", Cmp::Text, comparator_map(key, value)?)?
            }
            // A need's project is its own, or its issue's.
            "project" if kind == Kind::CustomerNeed => {
                let project = format!(
                    "coalesce({alias}.project_id, (SELECT i.project_id FROM issues i WHERE i.id = {alias}.issue_id))"
                );
                relation(w, &project, Kind::Project, key, value)?
            }
            // The customers of an issue's needs not archived (the important ones: priority 1).
            "customerCount" | "customerImportantCount" if kind == Kind::Issue => {
                let important = if key == "customerImportantCount" {
                    " AND n.priority = 1"
                } else {
                    ""
                };
                let count = format!(
                    "(SELECT count(DISTINCT n.customer_id) FROM customer_needs n
                      WHERE n.issue_id = {alias}.id AND n.archived_at IS NULL{important})"
                );
                compare(w, &count, Cmp::Number, comparator_map(key, value)?)?
            }
            _ => {
                if let Some(related) = collection::of(kind, key) {
                    collection::filter(w, alias, key, value, &related)?
                } else if let Some(constant) = computed::constant(kind, key) {
                    // What the clone never sets compares as the null (or zero) it answers.
                    match constant {
                        computed::Constant::Related(target) => {
                            relation(w, "NULL::text", target, key, value)?
                        }
                        computed::Constant::Value(expr, cmp) => {
                            compare(w, expr, cmp, comparator_map(key, value)?)?
                        }
                    }
                } else if let Some(expr) = computed::of(kind, key, alias) {
                    compare(w, &expr, Cmp::Bool, comparator_map(key, value)?)?
                } else if let Some(cmp) = kind.comparison(key) {
                    let column = column(key);
                    compare(
                        w,
                        &format!("{alias}.{column}"),
                        cmp,
                        comparator_map(key, value)?,
                    )?
                } else if let Some((_, fk, target)) =
                    kind.relations().iter().find(|(name, ..)| name == key)
                {
                    relation(w, &format!("{alias}.{fk}"), *target, key, value)?
                } else {
                    return Err(error::invalid(format!(
                        "Filter field `{key}` is not supported by the asym Linear clone"
                    )));
                }
            }
        };
        parts.push(part);
    }
    Ok(if parts.is_empty() {
        all(&parts)
    } else {
        format!("({})", all(&parts))
    })
}

/// A `ContentComparator` (`contains`, `notContains`) on an issue's title and description or
/// a document's title and content, ignoring case.
fn searchable(
    w: &mut Where,
    kind: Kind,
    alias: &str,
    comparator: &Map<String, Value>,
) -> Result<String> {
    let body = if kind == Kind::Document {
        "content"
    } else {
        "description"
    };
    let mut ignoring_case = Map::new();
    for (op, value) in comparator {
        if !matches!(op.as_str(), "contains" | "notContains") {
            return Err(error::invalid(format!(
                "Comparator `{op}` is not supported by the asym Linear clone"
            )));
        }
        ignoring_case.insert(format!("{op}IgnoreCase"), value.clone());
    }
    let text = format!("({alias}.title || ' ' || coalesce({alias}.{body}, ''))");
    compare(w, &text, Cmp::Text, &ignoring_case)
}

/// A `StringArrayComparator` (`some`, `every`: a `StringItemComparator` each item is held
/// to; `length`) on the text array `expr`.
fn strings(w: &mut Where, expr: &str, comparator: &Map<String, Value>) -> Result<String> {
    let mut parts = Vec::new();
    for (op, value) in comparator {
        if value.is_null() {
            continue;
        }
        let inner = comparator_map(op, value)?;
        parts.push(match op.as_str() {
            "length" => compare(w, &format!("cardinality({expr})"), Cmp::Number, inner)?,
            "some" | "every" => {
                let item = w.alias();
                let held = compare(w, &item, Cmp::Text, inner)?;
                if op == "some" {
                    format!("EXISTS (SELECT 1 FROM unnest({expr}) {item} WHERE {held})")
                } else {
                    format!("NOT EXISTS (SELECT 1 FROM unnest({expr}) {item} WHERE NOT coalesce({held}, false))")
                }
            }
            _ => {
                return Err(error::invalid(format!(
                    "Comparator `{op}` is not supported by the asym Linear clone"
                )));
            }
        });
    }
    Ok(all(&parts))
}

/// The conjunction of SQL conditions `parts`: `TRUE` when there are none.
fn all(parts: &[String]) -> String {
    if parts.is_empty() {
        "TRUE".to_owned()
    } else {
        parts.join(" AND ")
    }
}

fn comparator_map<'v>(key: &str, value: &'v Value) -> Result<&'v Map<String, Value>> {
    value
        .as_object()
        .ok_or_else(|| error::invalid(format!("`{key}` must be a comparator object")))
}

/// `fk` pointing at a `target` row matching `value` (or `{null: bool}`).
fn relation(w: &mut Where, fk: &str, target: Kind, key: &str, value: &Value) -> Result<String> {
    let map = comparator_map(key, value)?;
    let mut parts = Vec::new();
    match map.get("null") {
        Some(Value::Bool(true)) => parts.push(format!("{fk} IS NULL")),
        Some(Value::Bool(false)) => parts.push(format!("{fk} IS NOT NULL")),
        _ => {}
    }
    if map.keys().any(|k| k != "null") {
        let alias = w.alias();
        let inner = object(w, target, &alias, map)?;
        parts.push(format!(
            "{fk} IN (SELECT {alias}.id FROM {} {alias} WHERE {inner})",
            target.table()
        ));
    }
    Ok(all(&parts))
}

/// One comparator object on `expr`.
fn compare(w: &mut Where, expr: &str, cmp: Cmp, comparator: &Map<String, Value>) -> Result<String> {
    let mut parts = Vec::new();
    for (op, value) in comparator {
        if op == "null" {
            match value {
                Value::Bool(true) => parts.push(format!("{expr} IS NULL")),
                Value::Bool(false) => parts.push(format!("{expr} IS NOT NULL")),
                _ => return Err(error::invalid("`null` must be true or false")),
            }
            continue;
        }
        if value.is_null() {
            continue;
        }
        let (base, ignore_case) = match op.strip_suffix("IgnoreCase") {
            Some(base) => (base, true),
            None => (op.as_str(), false),
        };
        let lhs = if ignore_case {
            format!("lower({expr})")
        } else {
            expr.to_owned()
        };
        let part = match base {
            "in" | "nin" => {
                let items = value
                    .as_array()
                    .ok_or_else(|| error::invalid(format!("`{op}` must be a list")))?;
                let placeholder = list(w, cmp, items)?;
                let any = format!("{} = ANY({placeholder})", cast_lhs(expr, cmp));
                if base == "in" {
                    any
                } else {
                    format!("NOT ({any})")
                }
            }
            "eq" | "neq" | "lt" | "lte" | "gt" | "gte" => {
                let sql_op = match base {
                    "eq" => "=",
                    "neq" => "IS DISTINCT FROM",
                    "lt" => "<",
                    "lte" => "<=",
                    "gt" => ">",
                    _ => ">=",
                };
                let rhs = scalar(w, cmp, value, ignore_case)?;
                format!(
                    "{} {sql_op} {rhs}",
                    if ignore_case {
                        lhs
                    } else {
                        cast_lhs(expr, cmp)
                    }
                )
            }
            "contains" | "notContains" | "startsWith" | "notStartsWith" | "endsWith"
            | "notEndsWith"
                if cmp == Cmp::Text =>
            {
                let text = value
                    .as_str()
                    .ok_or_else(|| error::invalid(format!("`{op}` must be a string")))?;
                let escaped = text
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let pattern = match base.trim_start_matches("not") {
                    "Contains" | "contains" => format!("%{escaped}%"),
                    "StartsWith" | "startsWith" => format!("{escaped}%"),
                    _ => format!("%{escaped}"),
                };
                let like = if ignore_case { "ILIKE" } else { "LIKE" };
                let placeholder = w.param(pattern);
                let positive = format!("{expr} {like} {placeholder}");
                if base.starts_with("not") {
                    format!("NOT coalesce({positive}, false)")
                } else {
                    positive
                }
            }
            _ => {
                return Err(error::invalid(format!(
                    "Comparator `{op}` is not supported by the asym Linear clone"
                )));
            }
        };
        parts.push(part);
    }
    Ok(all(&parts))
}

/// Numbers compare as float8, everything else as written.
fn cast_lhs(expr: &str, cmp: Cmp) -> String {
    match cmp {
        Cmp::Number => format!("{expr}::float8"),
        _ => expr.to_owned(),
    }
}

/// A bound scalar of the comparison's type.
fn scalar(w: &mut Where, cmp: Cmp, value: &Value, lower: bool) -> Result<String> {
    let wrong = || error::invalid(format!("comparator value {value} has the wrong type"));
    Ok(match cmp {
        Cmp::Text => {
            let text = value.as_str().ok_or_else(wrong)?;
            let placeholder = w.param(if lower {
                text.to_lowercase()
            } else {
                text.to_owned()
            });
            format!("{placeholder}::text")
        }
        Cmp::Number => format!("{}::float8", w.param(value.as_f64().ok_or_else(wrong)?)),
        Cmp::Bool => format!("{}::bool", w.param(value.as_bool().ok_or_else(wrong)?)),
        Cmp::Date | Cmp::Day => {
            let text = value.as_str().ok_or_else(wrong)?;
            date(w, cmp, text)?
        }
    })
}

/// A date comparand: an ISO-8601 timestamp or date, or a duration relative to now (`-P2W`).
fn date(w: &mut Where, cmp: Cmp, text: &str) -> Result<String> {
    let cast = if cmp == Cmp::Day {
        "date"
    } else {
        "timestamptz"
    };
    let (sign, duration) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("+", text),
    };
    if let Some(designators) = duration.strip_prefix('P') {
        if !designators
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        {
            return Err(error::invalid(format!(
                "`{text}` is not an ISO-8601 duration"
            )));
        }
        let placeholder = w.param(duration.to_owned());
        return Ok(format!(
            "(now() {sign} {placeholder}::text::interval)::{cast}"
        ));
    }
    let valid = text.len() >= 10
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-:.+TZ ".contains(c))
        && text.as_bytes()[..4].iter().all(u8::is_ascii_digit);
    if !valid {
        return Err(error::invalid(format!("`{text}` is not an ISO-8601 date")));
    }
    let placeholder = w.param(text.to_owned());
    Ok(format!("{placeholder}::text::{cast}"))
}

/// A bound array for `in`/`nin`.
fn list(w: &mut Where, cmp: Cmp, items: &[Value]) -> Result<String> {
    match cmp {
        Cmp::Number => bind_all(w, items, Value::as_f64, "::float8[]"),
        Cmp::Bool => bind_all(w, items, Value::as_bool, "::bool[]"),
        Cmp::Date => bind_all(w, items, text, "::text[]::timestamptz[]"),
        Cmp::Day => bind_all(w, items, text, "::text[]::date[]"),
        _ => bind_all(w, items, text, "::text[]"),
    }
}

/// An owned string item.
fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

/// Binds `items`, each read by `read`, as one array parameter followed by `cast`.
fn bind_all<T>(
    w: &mut Where,
    items: &[Value],
    read: impl Fn(&Value) -> Option<T>,
    cast: &str,
) -> Result<String>
where
    Vec<T>: ToSql + Sync + Send + 'static,
{
    let values = items
        .iter()
        .map(|item| {
            read(item).ok_or_else(|| error::invalid("`in`/`nin` items have the wrong type"))
        })
        .collect::<Result<Vec<T>>>()?;
    Ok(format!("{}{cast}", w.param(values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_name_their_snake_case_columns() {
        assert_eq!(column("id"), "id");
        assert_eq!(column("dueDate"), "due_date");
        assert_eq!(column("addedToCycleAt"), "added_to_cycle_at");
        assert_eq!(Kind::Issue.comparison("createdAt"), Some(Cmp::Date));
        assert_eq!(Kind::Project.comparison("targetDate"), Some(Cmp::Day));
        assert_eq!(Kind::Comment.comparison("title"), None);
    }
}
