//! Reads: the root query fields and the connections hanging off objects (`team.issues`,
//! `issue.children`, `user.assignedIssues`, …). Each is one statement built from
//! [`crate::entity`] documents, [`crate::filter`] conditions and [`crate::connection`] paging.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{Args, arg_str, context, parent_str};
use crate::connection::{self, Page, Where, object};
use crate::entity::{self, CTX};
use crate::error::{self, Result};
use crate::filter::{self, Kind};
use crate::{Shared, Viewer};

/// A connection of `entity` filtered by the field's `filter` argument (of `kind`) and by
/// `scope`, a condition on rows `t` with one bound parameter.
async fn scoped(
    ctx: &ResolverContext<'_>,
    entity: &str,
    kind: Option<Kind>,
    scope: Option<(&str, Vec<String>)>,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    page(shared, viewer, Args::of(ctx), entity, kind, scope)
        .await?
        .value(ctx)
}

/// The page of `entity` that a connection field with arguments `args` answers: filtered by
/// its `filter` argument (of `kind`) and by `scope`, a condition on rows `t` with one bound
/// parameter per value.
///
/// # Errors
///
/// Invalid filters or paging arguments as invalid input; Postgres errors.
pub(crate) async fn page(
    shared: &Shared,
    viewer: &Viewer,
    args: Args<'_>,
    entity: &str,
    kind: Option<Kind>,
    scope: Option<(&str, Vec<String>)>,
) -> Result<Page> {
    let mut conditions = Where::default();
    if let Some((template, values)) = scope {
        if values.is_empty() {
            conditions.push(template);
        }
        for value in values {
            let placeholder = conditions.param(value);
            conditions.push(template.replace("{}", &placeholder));
        }
    }
    if let Some(kind) = kind {
        filter::apply(&mut conditions, kind, args.get("filter"))?;
    }
    if entity == "User" && args.boolean("includeDisabled")? != Some(true) {
        conditions.push("t.active");
    }
    connection::fetch(shared, viewer, args, entity, conditions).await
}

/// `viewer`.
pub(crate) async fn viewer(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    entity::get(shared, viewer, "User", &viewer.user_id).await
}

/// `organization`.
pub(crate) async fn organization(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql =
        format!("{CTX}SELECT organization_doc(t, ctx.base)::text FROM ctx, organization t LIMIT 1");
    entity::query(shared, viewer, &sql, &[])
        .await?
        .pop()
        .ok_or_else(|| error::not_found("Organization"))
}

/// `issuePriorityValues`.
pub(crate) async fn priority_values(_ctx: &ResolverContext<'_>) -> Result<Value> {
    Ok(Value::List(
        [
            (0, "No priority"),
            (1, "Urgent"),
            (2, "High"),
            (3, "Medium"),
            (4, "Low"),
        ]
        .into_iter()
        .map(|(priority, label)| {
            object([
                ("priority", Value::from(priority)),
                ("label", Value::from(label)),
            ])
        })
        .collect(),
    ))
}

/// A root `<entity>(id:)` read.
async fn one(ctx: &ResolverContext<'_>, entity: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    entity::get(shared, viewer, entity, &id).await
}

/// `issue(id:)`: by UUID or identifier (`ENG-123`).
pub(crate) async fn issue(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = crate::issues::resolve_id(shared, &arg_str(ctx, "id")?).await?;
    entity::get(shared, viewer, "Issue", &id).await
}

/// `team(id:)`: by id or key.
pub(crate) async fn team(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let sql = format!(
        "{CTX}SELECT team_doc(t, ctx.base, ctx.viewer)::text FROM ctx, teams t WHERE t.id = $3 OR t.key = $3"
    );
    entity::query(shared, viewer, &sql, &[&id])
        .await?
        .pop()
        .ok_or_else(|| error::not_found("Team"))
}

macro_rules! by_id {
    ($($name:ident => $entity:literal),* $(,)?) => {$(
        #[doc = concat!("`", $entity, "` by id.")]
        pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
            one(ctx, $entity).await
        }
    )*};
}
by_id!(
    user => "User", workflow_state => "WorkflowState", issue_label => "IssueLabel",
    project => "Project", project_status => "ProjectStatus", cycle => "Cycle", attachment => "Attachment", webhook => "Webhook",
    team_membership => "TeamMembership", issue_relation => "IssueRelation",
    project_milestone => "ProjectMilestone", template => "Template",
    initiative_to_project => "InitiativeToProject", initiative_update => "InitiativeUpdate",
    initiative_relation => "InitiativeRelation",
    triage_responsibility => "TriageResponsibility", project_relation => "ProjectRelation",
    project_label => "ProjectLabel", initiative_label => "InitiativeLabel",
    external_user => "ExternalUser",
);

/// A root `<entity>(id:)` read by id or `slugId`.
async fn one_by_slug(ctx: &ResolverContext<'_>, entity: &str) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = crate::write::id_or_slug(shared, entity, &arg_str(ctx, "id")?).await?;
    entity::get(shared, viewer, entity, &id).await
}

/// `emoji(id:)`: a custom emoji by id or name.
pub(crate) async fn emoji(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = "SELECT id FROM emojis WHERE id = $1 OR name = $1";
    let row = crate::write::lookup(shared, sql, &arg_str(ctx, "id")?, "Emoji").await?;
    entity::get(shared, viewer, "Emoji", row.get(0)).await
}

/// `document(id:)`: by id or `slugId`.
pub(crate) async fn document(ctx: &ResolverContext<'_>) -> Result<Value> {
    one_by_slug(ctx, "Document").await
}

/// `initiative(id:)`: by id or `slugId`.
pub(crate) async fn initiative(ctx: &ResolverContext<'_>) -> Result<Value> {
    one_by_slug(ctx, "Initiative").await
}

/// `comment(id:)` (`hash` is not supported).
pub(crate) async fn comment(ctx: &ResolverContext<'_>) -> Result<Value> {
    one(ctx, "Comment").await
}

macro_rules! root_list {
    ($($name:ident, $field:literal => $entity:literal, $kind:expr);* $(;)?) => {
        $(
            #[doc = concat!("`", $field, "`: the root list of `", $entity, "`.")]
            pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
                scoped(ctx, $entity, $kind, None).await
            }
        )*

        /// The entity and filter kind of the root list `field` (`issues`, `users`, …).
        pub(crate) fn root_list(field: &str) -> Option<(&'static str, Option<Kind>)> {
            match field {
                $($field => Some(($entity, $kind)),)*
                _ => None,
            }
        }
    };
}
root_list!(
    issues, "issues" => "Issue", Some(Kind::Issue);
    users, "users" => "User", Some(Kind::User);
    teams, "teams" => "Team", Some(Kind::Team);
    administrable_teams, "administrableTeams" => "Team", Some(Kind::Team);
    workflow_states, "workflowStates" => "WorkflowState", Some(Kind::State);
    issue_labels, "issueLabels" => "IssueLabel", Some(Kind::Label);
    projects, "projects" => "Project", Some(Kind::Project);
    cycles, "cycles" => "Cycle", Some(Kind::Cycle);
    comments, "comments" => "Comment", Some(Kind::Comment);
    attachments, "attachments" => "Attachment", Some(Kind::Attachment);
    webhooks, "webhooks" => "Webhook", None;
    team_memberships, "teamMemberships" => "TeamMembership", None;
    issue_relations, "issueRelations" => "IssueRelation", None;
    project_milestones, "projectMilestones" => "ProjectMilestone", Some(Kind::Milestone);
    documents, "documents" => "Document", Some(Kind::Document);
    initiatives, "initiatives" => "Initiative", Some(Kind::Initiative);
    initiative_to_projects, "initiativeToProjects" => "InitiativeToProject", None;
    project_updates, "projectUpdates" => "ProjectUpdate", Some(Kind::ProjectUpdate);
    initiative_updates, "initiativeUpdates" => "InitiativeUpdate", Some(Kind::InitiativeUpdate);
    initiative_relations, "initiativeRelations" => "InitiativeRelation", None;
    project_statuses, "projectStatuses" => "ProjectStatus", None;
    triage_responsibilities, "triageResponsibilities" => "TriageResponsibility", None;
    project_relations, "projectRelations" => "ProjectRelation", None;
    emojis, "emojis" => "Emoji", Some(Kind::Emoji);
    project_labels, "projectLabels" => "ProjectLabel", Some(Kind::ProjectLabel);
    initiative_labels, "initiativeLabels" => "InitiativeLabel", Some(Kind::InitiativeLabel);
    external_users, "externalUsers" => "ExternalUser", None;
);

macro_rules! child_list {
    ($($name:ident => $entity:literal, $kind:expr, $scope:literal);* $(;)?) => {$(
        #[doc = concat!("A connection of `", $entity, "` under its parent: `", $scope, "`.")]
        pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
            let parent = parent_str(ctx, "id")?;
            scoped(ctx, $entity, $kind, Some(($scope, vec![parent]))).await
        }
    )*};
}
child_list!(
    team_issues => "Issue", Some(Kind::Issue), "t.team_id = {}";
    team_states => "WorkflowState", Some(Kind::State), "t.team_id = {}";
    team_labels => "IssueLabel", Some(Kind::Label), "t.team_id = {}";
    team_cycles => "Cycle", Some(Kind::Cycle), "t.team_id = {}";
    team_webhooks => "Webhook", None, "t.team_id = {}";
    team_members => "User", Some(Kind::User), "t.id IN (SELECT user_id FROM team_members WHERE team_id = {})";
    team_projects => "Project", Some(Kind::Project), "t.id IN (SELECT project_id FROM project_teams WHERE team_id = {})";
    issue_children => "Issue", Some(Kind::Issue), "t.parent_id = {}";
    issue_comments => "Comment", Some(Kind::Comment), "t.issue_id = {}";
    issue_attachments => "Attachment", Some(Kind::Attachment), "t.issue_id = {}";
    issue_history => "IssueHistory", None, "t.issue_id = {}";
    issue_state_history => "IssueStateSpan", None, "t.issue_id = {}";
    issue_labels_of_issue => "IssueLabel", Some(Kind::Label), "t.id IN (SELECT unnest(label_ids) FROM issues WHERE id = {})";
    user_assigned => "Issue", Some(Kind::Issue), "t.assignee_id = {}";
    user_created => "Issue", Some(Kind::Issue), "t.creator_id = {}";
    user_teams => "Team", Some(Kind::Team), "t.id IN (SELECT team_id FROM team_members WHERE user_id = {})";
    state_issues => "Issue", Some(Kind::Issue), "t.state_id = {}";
    label_issues => "Issue", Some(Kind::Issue), "{} = ANY(t.label_ids)";
    project_issues => "Issue", Some(Kind::Issue), "t.project_id = {}";
    project_teams => "Team", Some(Kind::Team), "t.id IN (SELECT team_id FROM project_teams WHERE project_id = {})";
    cycle_issues => "Issue", Some(Kind::Issue), "t.cycle_id = {}";
    team_memberships_of_team => "TeamMembership", None, "t.team_id = {}";
    user_team_memberships => "TeamMembership", None, "t.user_id = {}";
    issue_subscribers => "User", Some(Kind::User), "t.id IN (SELECT issue_subscriber_ids({}))";
    issue_relations_of_issue => "IssueRelation", None, "t.issue_id = {}";
    issue_inverse_relations => "IssueRelation", None, "t.related_issue_id = {}";
    comment_children => "Comment", Some(Kind::Comment), "t.parent_id = {}";
    label_children => "IssueLabel", Some(Kind::Label), "t.parent_id = {}";
    project_milestones_of_project => "ProjectMilestone", Some(Kind::Milestone), "t.project_id = {}";
    milestone_issues => "Issue", Some(Kind::Issue), "t.project_milestone_id = {}";
    team_templates => "Template", Some(Kind::Template), "t.team_id = {}";
    project_documents => "Document", Some(Kind::Document), "t.project_id = {}";
    issue_documents => "Document", Some(Kind::Document), "t.issue_id = {}";
    initiative_documents => "Document", Some(Kind::Document), "t.initiative_id = {}";
    project_initiatives => "Initiative", None, "t.id IN (SELECT initiative_id FROM initiative_to_projects WHERE project_id = {})";
    project_initiative_to_projects => "InitiativeToProject", None, "t.project_id = {}";
    project_relations_of_project => "ProjectRelation", None, "t.project_id = {}";
    project_labels_of_project => "ProjectLabel", Some(Kind::ProjectLabel), "t.id IN (SELECT unnest(label_ids) FROM projects WHERE id = {})";
    project_label_children => "ProjectLabel", Some(Kind::ProjectLabel), "t.parent_id = {}";
    project_label_projects => "Project", Some(Kind::Project), "{} = ANY(t.label_ids)";
    initiative_labels_of_initiative => "InitiativeLabel", Some(Kind::InitiativeLabel), "t.id IN (SELECT unnest(label_ids) FROM initiatives WHERE id = {})";
    initiative_label_children => "InitiativeLabel", Some(Kind::InitiativeLabel), "t.parent_id = {}";
    initiative_label_initiatives => "Initiative", Some(Kind::Initiative), "{} = ANY(t.label_ids)";
    project_inverse_relations => "ProjectRelation", None, "t.related_project_id = {}";
    project_updates_of_project => "ProjectUpdate", None, "t.project_id = {}";
    initiative_updates_of_initiative => "InitiativeUpdate", None, "t.initiative_id = {}";
    sub_initiatives => "Initiative", Some(Kind::Initiative), "t.id IN (SELECT related_initiative_id FROM initiative_relations WHERE initiative_id = {})";
);

/// `initiative.projects(includeSubInitiatives:)`: the initiative's projects, and with
/// `includeSubInitiatives: true` those of its sub-initiatives at any depth too.
pub(crate) async fn initiative_projects(ctx: &ResolverContext<'_>) -> Result<Value> {
    let parent = parent_str(ctx, "id")?;
    let scope = if Args::of(ctx).boolean("includeSubInitiatives")? == Some(true) {
        "t.id IN (SELECT project_id FROM initiative_to_projects WHERE initiative_id IN (
             WITH RECURSIVE tree(id) AS (
                 SELECT {}::text
                 UNION SELECT r.related_initiative_id FROM initiative_relations r
                 JOIN tree ON r.initiative_id = tree.id)
             SELECT id FROM tree))"
    } else {
        "t.id IN (SELECT project_id FROM initiative_to_projects WHERE initiative_id = {})"
    };
    scoped(
        ctx,
        "Project",
        Some(Kind::Project),
        Some((scope, vec![parent])),
    )
    .await
}

/// `attachmentsForURL(url:)`: the attachments linking `url`, on any issue.
pub(crate) async fn attachments_for_url(ctx: &ResolverContext<'_>) -> Result<Value> {
    let url = arg_str(ctx, "url")?;
    scoped(ctx, "Attachment", None, Some(("t.url = {}", vec![url]))).await
}

/// `attachmentIssue(id:)`: the issue of attachment `id` (or, as Linear still allows, of the
/// first attachment whose URL is `id`).
pub(crate) async fn attachment_issue(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let row = crate::write::lookup(
        shared,
        "SELECT issue_id FROM attachments WHERE id = $1 OR url = $1
         ORDER BY id = $1 DESC, created_at, id LIMIT 1",
        &arg_str(ctx, "id")?,
        "Attachment",
    )
    .await?;
    entity::get(shared, viewer, "Issue", row.get(0)).await
}

/// `templates`: every template of the workspace, the team's and the workspace's, not
/// archived, in their sort order.
pub(crate) async fn templates(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "{CTX}SELECT template_doc(t)::text FROM ctx, templates t WHERE t.archived_at IS NULL
         ORDER BY t.sort_order, t.created_at, t.id"
    );
    Ok(Value::List(entity::query(shared, viewer, &sql, &[]).await?))
}

/// `organization.templates`: the workspace-level templates (of no team), as Linear's schema
/// describes them.
pub(crate) async fn organization_templates(ctx: &ResolverContext<'_>) -> Result<Value> {
    let scope = ("t.team_id IS NULL", Vec::new());
    scoped(ctx, "Template", Some(Kind::Template), Some(scope)).await
}

/// `organization.labels`: workspace and team labels alike.
pub(crate) async fn organization_labels(ctx: &ResolverContext<'_>) -> Result<Value> {
    scoped(ctx, "IssueLabel", Some(Kind::Label), None).await
}

/// `team.issueCount(includeArchived:)`.
pub(crate) async fn team_issue_count(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let team = parent_str(ctx, "id")?;
    let archived = ctx
        .args
        .get("includeArchived")
        .and_then(|v| v.boolean().ok())
        .unwrap_or(false);
    let client = shared.kit.db().await.map_err(error::internal)?;
    let statement = client
        .prepare_cached(
            "SELECT count(*) FROM issues WHERE team_id = $1 AND ($2 OR archived_at IS NULL)",
        )
        .await
        .map_err(error::internal)?;
    let row = client
        .query_one(&statement, &[&team, &archived])
        .await
        .map_err(error::internal)?;
    Ok(Value::from(row.get::<_, i64>(0)))
}

/// `searchIssues(term:)`: issues whose title or description contains the term (or whose
/// identifier is it), optionally in one team, with `totalCount`.
pub(crate) async fn search_issues(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "IssueSearchResult", search_conditions).await
}

/// Whether custom view `t` is one the viewer sees: shared, or the viewer's own.
const VISIBLE_VIEW: &str = "(t.shared OR t.owner_id = {})";

/// `customViews(filter:)`: the views shared with the workspace and the viewer's own.
pub(crate) async fn custom_views(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let scope = (VISIBLE_VIEW, vec![viewer.user_id.clone()]);
    scoped(ctx, "CustomView", Some(Kind::CustomView), Some(scope)).await
}

/// `customView(id:)`: by id or `slugId`; another user's personal view is not found.
pub(crate) async fn custom_view(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = crate::write::id_or_slug(shared, "CustomView", &arg_str(ctx, "id")?).await?;
    let sql = format!(
        "{CTX}SELECT custom_view_doc(t)::text FROM ctx, custom_views t
         WHERE t.id = $3 AND {}",
        VISIBLE_VIEW.replace("{}", "ctx.viewer")
    );
    entity::query(shared, viewer, &sql, &[&id])
        .await?
        .pop()
        .ok_or_else(|| error::not_found("CustomView"))
}

/// `customView.issues(filter:)`: the issues a view of issues selects (its `filterData`, in
/// its team when it has one) and `filter` too; none for a view of anything else.
pub(crate) async fn custom_view_issues(ctx: &ResolverContext<'_>) -> Result<Value> {
    let team = "t.team_id = {}";
    viewed(ctx, ("Issue", Kind::Issue), "filterData", team).await
}

/// `customView.projects(filter:)`: the projects a view of projects selects (its
/// `projectFilterData`, of its team when it has one) and `filter` too; none for a view of
/// anything else.
pub(crate) async fn custom_view_projects(ctx: &ResolverContext<'_>) -> Result<Value> {
    let team = "t.id IN (SELECT project_id FROM project_teams WHERE team_id = {})";
    viewed(ctx, ("Project", Kind::Project), "projectFilterData", team).await
}

/// The page of `entity` a custom view (the parent) of that model lists: the view's `saved`
/// filter, `team` (a condition on `{}`, the team's id) when it is a team's view, and the
/// field's `filter` argument.
async fn viewed(
    ctx: &ResolverContext<'_>,
    (entity, kind): (&str, Kind),
    saved: &str,
    team: &str,
) -> Result<Value> {
    let Some(Value::Object(view)) = crate::args::parent_json(ctx.parent_value) else {
        return Err(error::internal("parent is not an object"));
    };
    let mut conditions = Where::default();
    if view.get("modelName") == Some(&Value::from(entity)) {
        filter::apply(&mut conditions, kind, view.get(saved))?;
        if let Some(Value::Object(owner)) = view.get("team")
            && let Some(Value::String(id)) = owner.get("id")
        {
            let placeholder = conditions.param(id.clone());
            conditions.push(team.replace("{}", &placeholder));
        }
    } else {
        conditions.push("false");
    }
    filter::apply(
        &mut conditions,
        kind,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    connection::list(ctx, entity, conditions).await
}

/// `searchProjects(term:)`: projects whose name, description or content contains the term
/// (or whose `slugId` is it), with `totalCount`. As with documents, Linear's `teamId` only
/// ranks, and projects have no comments in the clone for `includeComments` to search.
pub(crate) async fn search_projects(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "ProjectSearchResult", project_search_conditions).await
}

/// `issueVcsBranchSearch(branchName:)`: the issue a Git branch is named after, found by the
/// first issue identifier in the name (`ada/eng-12-fix-login` → ENG-12, as Linear links
/// branches and pull requests); null when it names none that exists.
pub(crate) async fn issue_vcs_branch_search(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let candidates = identifiers_in(&arg_str(ctx, "branchName")?);
    if candidates.is_empty() {
        return Ok(Value::Null);
    }
    let sql = format!(
        "{CTX}SELECT issue_doc(t, ctx.base)::text FROM ctx, issues t
         WHERE t.identifier = ANY($3) ORDER BY array_position($3, t.identifier) LIMIT 1"
    );
    Ok(entity::query(shared, viewer, &sql, &[&candidates])
        .await?
        .pop()
        .unwrap_or(Value::Null))
}

/// The issue identifiers a branch name holds, in order: a team key (a letter, then letters
/// or digits) and a number joined by `-`, between separators (`/`, `_`, `.`, …) or other
/// `-`-joined words, upper-cased as Linear writes them.
fn identifiers_in(branch: &str) -> Vec<String> {
    let mut found = Vec::new();
    for chunk in branch.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        let words: Vec<&str> = chunk.split('-').collect();
        for pair in words.windows(2) {
            let (key, number) = (pair[0], pair[1]);
            let is_key = key.starts_with(|c: char| c.is_ascii_alphabetic());
            let is_number = !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit());
            if is_key && is_number {
                found.push(format!("{}-{number}", key.to_ascii_uppercase()));
            }
        }
    }
    found
}

/// `searchDocuments(term:)`: documents whose title or content contains the term (or whose
/// `slugId` is it), with `totalCount`. Linear's `teamId` only ranks a team's documents
/// higher, and the clone does not rank; documents have no comments in the clone, so
/// `includeComments` finds nothing more.
pub(crate) async fn search_documents(ctx: &ResolverContext<'_>) -> Result<Value> {
    search(ctx, "DocumentSearchResult", document_search_conditions).await
}

/// A search payload of `entity`: the page `conditions` select, `totalCount` (archived rows
/// only with `includeArchived`), each node's (empty) `metadata` and an empty
/// `archivePayload`.
async fn search(
    ctx: &ResolverContext<'_>,
    entity: &str,
    conditions: fn(&ResolverContext<'_>) -> Result<Where>,
) -> Result<Value> {
    let table = entity::by_name(entity)
        .ok_or_else(|| error::internal("unknown entity"))?
        .table;
    let mut page = connection::list(ctx, entity, conditions(ctx)?).await?;
    let mut counted = conditions(ctx)?;
    if ctx
        .args
        .get("includeArchived")
        .and_then(|v| v.boolean().ok())
        != Some(true)
    {
        counted.push("t.archived_at IS NULL");
    }
    let (shared, viewer) = context(ctx)?;
    let sql = format!(
        "{CTX}SELECT count(*)::text FROM ctx, {table} t WHERE {}",
        counted.sql()
    );
    let total = entity::query(shared, viewer, &sql, &counted.params())
        .await?
        .pop()
        .unwrap_or(Value::from(0));
    if let Value::Object(map) = &mut page {
        if let Some(Value::List(nodes)) = map.get_mut("nodes") {
            for node in nodes {
                if let Value::Object(node) = node {
                    node.insert(
                        async_graphql::Name::new("metadata"),
                        Value::Object(Default::default()),
                    );
                }
            }
        }
        map.insert(async_graphql::Name::new("totalCount"), total);
        map.insert(
            async_graphql::Name::new("archivePayload"),
            object([
                ("archive", Value::from("")),
                ("totalCount", Value::from(0)),
                ("databaseVersion", Value::from(0)),
                ("includesDependencies", Value::List(Vec::new())),
            ]),
        );
    }
    Ok(page)
}

/// `searchIssues`' conditions: the term in the title, description or identifier (and
/// comments with `includeComments`), `teamId`, `filter`.
fn search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    let term = arg_str(ctx, "term")?;
    let mut conditions = Where::default();
    let comments = ctx
        .args
        .get("includeComments")
        .and_then(|v| v.boolean().ok())
        == Some(true);
    matching(&mut conditions, &term, comments);
    if let Some(team) = ctx.args.get("teamId").and_then(|v| v.string().ok()) {
        let placeholder = conditions.param(team.to_owned());
        conditions.push(format!("t.team_id = {placeholder}"));
    }
    filter::apply(
        &mut conditions,
        Kind::Issue,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    Ok(conditions)
}

/// `issueSearch(query:)`, deprecated by Linear for `searchIssues`: the issues `filter`
/// selects whose title, description or identifier matches `query` (every one without it),
/// as a plain `IssueConnection`.
pub(crate) async fn issue_search(ctx: &ResolverContext<'_>) -> Result<Value> {
    let mut conditions = Where::default();
    if let Some(term) = ctx.args.get("query").and_then(|v| v.string().ok()) {
        matching(&mut conditions, term, false);
    }
    filter::apply(
        &mut conditions,
        Kind::Issue,
        ctx.args.get("filter").map(|v| v.as_value()),
    )?;
    connection::list(ctx, "Issue", conditions).await
}

/// Adds to `conditions` an issue search's match of `term`: in the title or description
/// (case-insensitive), the identifier itself, and the comments' bodies with `comments`.
fn matching(conditions: &mut Where, term: &str, comments: bool) {
    let pattern = conditions.param(containing(term));
    let exact = conditions.param(term.to_uppercase());
    let comments = if comments {
        format!(
            " OR EXISTS (SELECT 1 FROM comments c WHERE c.issue_id = t.id AND c.body ILIKE {pattern})"
        )
    } else {
        String::new()
    };
    conditions.push(format!(
        "(t.title ILIKE {pattern} OR t.description ILIKE {pattern} OR t.identifier = {exact}{comments})"
    ));
}

/// `searchDocuments`' conditions: the term in the title or content, or the `slugId`.
fn document_search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    text_or_slug(ctx, &["title", "content"])
}

/// `searchProjects`' conditions: the term in the name, description or content, or the
/// `slugId`.
fn project_search_conditions(ctx: &ResolverContext<'_>) -> Result<Where> {
    text_or_slug(ctx, &["name", "description", "content"])
}

/// A search's conditions: the `term` argument in any of the text `columns` of rows `t`
/// (case-insensitively), or their `slugId`.
fn text_or_slug(ctx: &ResolverContext<'_>, columns: &[&str]) -> Result<Where> {
    let term = arg_str(ctx, "term")?;
    let mut conditions = Where::default();
    let pattern = conditions.param(containing(&term));
    let exact = conditions.param(term);
    let matches: Vec<String> = columns
        .iter()
        .map(|column| format!("t.{column} ILIKE {pattern}"))
        .collect();
    conditions.push(format!("({} OR t.slug_id = {exact})", matches.join(" OR ")));
    Ok(conditions)
}

/// The `LIKE` pattern of any text containing `term` (its wildcards escaped).
fn containing(term: &str) -> String {
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::identifiers_in;

    #[test]
    fn branch_names_yield_their_issue_identifiers_in_order() {
        for (branch, expected) in [
            ("eng-1-build-the-login-page", &["ENG-1"][..]),
            ("ada/ENG-12-fix", &["ENG-12"]),
            ("feature/des-3_ops-40.wip", &["DES-3", "OPS-40"]),
            ("v2-3", &["V2-3"]),
            ("release-notes", &[]),
            ("2024-05-hotfix", &[]),
            ("eng--1", &[]),
            ("", &[]),
        ] {
            assert_eq!(identifiers_in(branch), expected, "{branch}");
        }
    }
}
