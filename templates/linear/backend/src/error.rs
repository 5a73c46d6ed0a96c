//! Linear's error shape: `{"errors": [{"message", "path", "extensions": {"type", "code",
//! "statusCode", "userError", "userPresentableMessage"}}]}` — for resolver errors (inside a
//! GraphQL response) and for requests refused before execution (auth, body, unknown route);
//! and Postgres's errors as Linear would word them ([`db`]).

use asym_kit::tokio_postgres::error::SqlState;
use async_graphql::{Error, ErrorExtensionValues};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A resolver's result.
pub(crate) type Result<T> = std::result::Result<T, Error>;

/// One of Linear's error kinds: its `type`, `code` and HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `invalid input`, 400: unknown ids, bad values.
    InvalidInput,
    /// `authentication error`, 401.
    Authentication,
    /// `forbidden`, 403: the viewer's role does not allow the operation.
    Forbidden,
    /// `graphql error`, 400: the query does not parse or validate.
    Graphql,
    /// `ratelimited`, 429 (only when enforcement is switched on).
    Ratelimited,
    /// `internal error`, 500 inside an otherwise answered request.
    Internal,
}

impl Kind {
    fn parts(self) -> (&'static str, &'static str, u16, bool) {
        match self {
            Self::InvalidInput => ("invalid input", "INPUT_ERROR", 400, true),
            Self::Authentication => ("authentication error", "AUTHENTICATION_ERROR", 401, true),
            Self::Forbidden => ("forbidden", "FORBIDDEN", 403, true),
            Self::Graphql => ("graphql error", "GRAPHQL_VALIDATION_FAILED", 400, true),
            Self::Ratelimited => ("ratelimited", "RATELIMITED", 429, true),
            Self::Internal => ("internal error", "INTERNAL_SERVER_ERROR", 500, false),
        }
    }

    /// The HTTP status Linear answers with.
    pub(crate) fn status(self) -> StatusCode {
        StatusCode::from_u16(self.parts().2).unwrap_or(StatusCode::BAD_REQUEST)
    }

    /// The `extensions` object. Linear's validation errors (`graphql error`) carry the HTTP
    /// status under `http` and no presentable message; its 401 carries both, with an empty
    /// `meta` (as recorded answers of api.linear.app show them).
    pub(crate) fn extensions(self, presentable: &str) -> serde_json::Value {
        let (kind, code, status, user) = self.parts();
        match self {
            Self::Graphql => json!({
                "http": { "status": status, "headers": {} }, "code": code, "type": kind,
                "userError": user,
            }),
            Self::Authentication => json!({
                "type": kind, "code": code, "statusCode": status, "userError": user,
                "userPresentableMessage": presentable, "meta": {}, "http": { "status": status },
            }),
            _ => json!({
                "type": kind, "code": code, "statusCode": status, "userError": user,
                "userPresentableMessage": presentable,
            }),
        }
    }
}

/// A resolver error of `kind`.
pub(crate) fn new(kind: Kind, message: &str, presentable: &str) -> Error {
    let (kind_name, code, status, user) = kind.parts();
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("type", kind_name);
    extensions.set("code", code);
    extensions.set("statusCode", status);
    extensions.set("userError", user);
    extensions.set("userPresentableMessage", presentable);
    Error {
        message: message.to_owned(),
        source: None,
        extensions: Some(extensions),
    }
}

/// Invalid input (`Argument Validation Error`-style): `message` is shown to the user.
pub(crate) fn invalid(message: impl AsRef<str>) -> Error {
    let message = message.as_ref();
    new(Kind::InvalidInput, message, message)
}

/// `Entity not found: <Type>`.
pub(crate) fn not_found(entity: &str) -> Error {
    new(
        Kind::InvalidInput,
        &format!("Entity not found: {entity}"),
        &format!("Could not find referenced {entity}."),
    )
}

/// `Invalid role: admin required`, Linear's refusal of an operation only a workspace admin
/// may do, with `presentable` saying what was refused.
pub(crate) fn admin_required(presentable: &str) -> Error {
    new(Kind::Forbidden, "Invalid role: admin required", presentable)
}

/// `Invalid actor: app required`, the refusal of what only an OAuth app's own user
/// (`actor=app`) may do, such as an agent's activities (the clone's wording, after Linear's
/// role refusals), with `presentable` saying what was refused.
pub(crate) fn app_required(presentable: &str) -> Error {
    new(Kind::Forbidden, "Invalid actor: app required", presentable)
}

/// A failure of the clone itself (Postgres down, a bug); logged, shown generically.
pub(crate) fn internal(err: impl std::fmt::Debug) -> Error {
    eprintln!("linear: internal error: {err:?}");
    new(
        Kind::Internal,
        "Internal server error",
        "An unexpected error occurred. Please try again.",
    )
}

/// A whole response made of one error of `kind`.
pub(crate) fn response(kind: Kind, message: &str, presentable: &str) -> Response {
    let body =
        json!({ "errors": [{ "message": message, "extensions": kind.extensions(presentable) }] });
    (kind.status(), axum::Json(body)).into_response()
}

/// A whole 500 response for a failure before execution (Postgres down): logged, shown
/// generically.
pub(crate) fn unavailable(err: impl std::fmt::Display) -> Response {
    eprintln!("linear: unavailable: {err}");
    response(
        Kind::Internal,
        "Internal server error",
        "The service is unavailable. Please try again.",
    )
}

/// `Argument Validation Error`, Linear's message for input its validators refuse, with
/// `presentable` (what was wrong, in the user's terms) as the `userPresentableMessage`.
pub(crate) fn validation(presentable: &str) -> Error {
    new(Kind::InvalidInput, "Argument Validation Error", presentable)
}

/// One input property Linear's validators (class-validator's) refused: the `property`, the
/// `constraint` it broke (`isNotEmpty`, `isEnum`, …) and what the constraint says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The input field (`name`, `anchorType`).
    pub(crate) property: String,
    /// class-validator's name of the broken constraint.
    pub(crate) constraint: &'static str,
    /// Its message (`name should not be empty`).
    pub(crate) message: String,
}

/// `Argument Validation Error` for the properties `refusals` name, as Linear answers its
/// class-validator refusals: the first's message as the `userPresentableMessage`, and every
/// one under `extensions.validationErrors` as class-validator reports it (`property`,
/// `constraints` by name, `children`), the input itself (`target`, `value`) left out.
pub(crate) fn refused(refusals: &[Refusal]) -> Error {
    let presentable = refusals.first().map_or("", |first| first.message.as_str());
    let mut error = validation(presentable);
    let list: Vec<serde_json::Value> = refusals
        .iter()
        .map(|refusal| {
            json!({
                "property": refusal.property,
                "constraints": { refusal.constraint: refusal.message },
                "children": [],
            })
        })
        .collect();
    if let (Some(extensions), Ok(list)) = (
        error.extensions.as_mut(),
        async_graphql::Value::from_json(serde_json::Value::Array(list)),
    ) {
        extensions.set("validationErrors", list);
    }
    error
}

/// A Postgres error from a read or a write, as Linear would word it: never Postgres's own
/// text, which names tables, constraints and casts a Linear client never sees.
pub(crate) fn db(err: asym_kit::tokio_postgres::Error) -> Error {
    let Some(code) = err.code() else {
        return internal(err);
    };
    let constraint = err.as_db_error().and_then(|db| db.constraint());
    match code.code() {
        "23503" => not_found(constraint.map_or("Entity", referenced)),
        "23505" => invalid(duplicate(constraint.unwrap_or_default())),
        "23514" => validation(checked(constraint.unwrap_or_default())),
        "23502" => validation(&format!(
            "{} must not be null.",
            err.as_db_error()
                .and_then(|db| db.column())
                .map_or_else(|| "A required field".to_owned(), crate::case::camel)
        )),
        // Any data exception (class 22): the input's fault.
        class if class.starts_with("22") => validation(malformed(code)),
        // Program limits (class 54: a filter too deep or too large for Postgres to plan).
        class if class.starts_with("54") => {
            invalid("Argument Validation Error: the filter is too complex; simplify it")
        }
        _ => internal(err),
    }
}

/// What a unique constraint of the schema refuses a second of.
fn duplicate(constraint: &str) -> &'static str {
    match constraint {
        "team_members_team_id_user_id_key" => "The user is already a member of the team.",
        "teams_key_key" => "A team with this key already exists.",
        "issue_relations_unique" => "The issues already have a relation of this type.",
        "triage_responsibilities_team_id_key" => "The team already has a triage responsibility.",
        "emojis_name_key" => "An emoji with this name already exists.",
        "customers_domains_key" => "A customer with this domain already exists.",
        "customers_external_ids_key" => "A customer with this external ID already exists.",
        "customers_slack_channel_id_key" => "A customer with this Slack channel already exists.",
        "customer_tiers_name_key" => "A customer tier with this name already exists.",
        "email_intake_addresses_team_key" => "The team already has an email intake address.",
        "email_intake_addresses_template_key" => {
            "The template already has an email intake address."
        }
        "releases_version_key" => "A release with this version already exists in the pipeline.",
        "issue_to_releases_unique" => "The issue is already in the release.",
        "roadmap_to_projects_unique" => "The project is already on the roadmap.",
        "time_schedules_external_id_key" => "A time schedule with this external ID already exists.",
        "organization_invites_email_key" => "An invite for this email address is already pending.",
        "release_pipelines_slug_id_key" => "A release pipeline with this slug already exists.",
        "project_relations_unique" => {
            "A dependency of the same type already exists between the two projects"
        }
        _ => "An entity with this identifier already exists",
    }
}

/// What a check constraint of the schema guards, as Linear's validators say it.
fn checked(constraint: &str) -> &'static str {
    match constraint {
        "workflow_states_type_check" => {
            "type must be one of triage, backlog, unstarted, started, completed, canceled."
        }
        "cycles_check" => "endsAt must be after startsAt.",
        "issue_relations_type_check" => "type must be one of blocks, duplicate, related, similar.",
        "issue_relations_check" => "An issue cannot be related to itself.",
        "project_relations_type_check" => "type must be one of the following values: dependency",
        "project_relations_anchor_type_check" => {
            "anchorType must be one of the following values: start, end, milestone"
        }
        "project_relations_related_anchor_type_check" => {
            "relatedAnchorType must be one of the following values: start, end, milestone"
        }
        "project_relations_check" => "A project cannot depend on itself.",
        "notification_subscriptions_one_target" => {
            "Exactly one of customViewId, cycleId, initiativeId, labelId, projectId, teamId or userId must be defined."
        }
        "favorites_one_target" => {
            "Exactly one of folderName or the id of the entity to favorite must be defined."
        }
        "comments_one_parent" => {
            "Exactly one of issueId, projectUpdateId, initiativeUpdateId, documentContentId, projectId or initiativeId must be defined."
        }
        "entity_external_links_one_parent" => {
            "Exactly one of projectId or initiativeId must be defined."
        }
        "projects_retired_label_check" => "A retired label cannot be applied to new projects.",
        "initiatives_retired_label_check" => {
            "A retired label cannot be applied to new initiatives."
        }
        "triage_responsibilities_action_check" => {
            "action must be one of the following values: assign, notify"
        }
        "initiative_relations_check" => "An initiative cannot be its own sub-initiative.",
        "customer_statuses_named" | "customer_tiers_named" => {
            "At least one of name or displayName must be provided."
        }
        "customers_main_source_check" => "mainSourceId must be one of the values in externalIds.",
        "customer_needs_one_target" => "Exactly one of issueId or projectId must be defined.",
        "email_intake_addresses_owner" => {
            "A team address needs a teamId, a template address a templateId."
        }
        "customer_needs_priority_check" => "priority must be 0 or 1.",
        "releases_stage_pipeline_check" => "The stage must belong to the release's pipeline.",
        "release_stages_frozen_check" => "Only started stages can be frozen.",
        "time_schedules_entries_check" => "An entry's endsAt must be after its startsAt.",
        "reactions_check" => {
            "Exactly one of commentId, issueId, projectUpdateId, initiativeUpdateId, postId, \
             pullRequestId or pullRequestCommentId must be defined."
        }
        _ => "A value in the input is not valid.",
    }
}

/// What a data exception says about the input, without Postgres's text.
fn malformed(code: &SqlState) -> &'static str {
    match code.code() {
        "22007" | "22008" | "22009" => "A date or time in the input is not valid.",
        "22003" => "A number in the input is out of range.",
        "22021" | "22P05" => "Text in the input may not contain NUL characters.",
        "22P02" => "A value in the input has the wrong format.",
        _ => "A value in the input is not valid.",
    }
}

/// The type a foreign-key constraint points at (`issues_assignee_id_fkey` → `User`).
fn referenced(constraint: &str) -> &'static str {
    const COLUMNS: [(&str, &str); 33] = [
        ("_roadmap_id_", "Roadmap"),
        ("_pipeline_id_", "ReleasePipeline"),
        ("_stage_id_", "ReleaseStage"),
        ("_release_id_", "Release"),
        ("customers_status_id_", "CustomerStatus"),
        ("_tier_id_", "CustomerTier"),
        ("_customer_id_", "Customer"),
        ("_attachment_id_", "Attachment"),
        ("_project_update_id_", "ProjectUpdate"),
        ("_initiative_update_id_", "InitiativeUpdate"),
        ("_comment_id_", "Comment"),
        ("_project_milestone_id_", "ProjectMilestone"),
        ("_initiative_id_", "Initiative"),
        ("_template_id_", "Template"),
        ("_owner_id_", "User"),
        ("_by_id_", "User"),
        ("_team_id_", "Team"),
        ("_state_id_", "WorkflowState"),
        ("_assignee_id_", "User"),
        ("_creator_id_", "User"),
        ("_user_id_", "User"),
        ("_lead_id_", "User"),
        ("comments_parent_id_", "Comment"),
        ("issue_labels_parent_id_", "IssueLabel"),
        ("project_labels_parent_id_", "ProjectLabel"),
        ("_project_label_", "ProjectLabel"),
        ("initiative_labels_parent_id_", "InitiativeLabel"),
        ("_initiative_label_", "InitiativeLabel"),
        ("_parent_id_", "Issue"),
        ("_project_id_", "Project"),
        ("_cycle_id_", "Cycle"),
        ("_issue_id_", "Issue"),
        ("_status_id_", "ProjectStatus"),
    ];
    COLUMNS
        .iter()
        .find(|(column, _)| constraint.contains(column))
        .map_or("Entity", |(_, entity)| entity)
}
