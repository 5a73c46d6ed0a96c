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
pub(crate) async fn scoped(
    ctx: &ResolverContext<'_>,
    entity: &str,
    kind: Option<Kind>,
    scope: Option<(&str, Vec<String>)>,
) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    page(shared, viewer, Args::of(ctx), entity, kind, scope, true)
        .await?
        .value(ctx)
}

/// The page of `entity` that a connection field with arguments `args` answers: filtered by
/// its `filter` argument (of `kind`) and by `scope`, a condition on rows `t` with one bound
/// parameter per value. Its rows carry the members that are the viewer's own (`favorite`)
/// only when `viewed`.
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
    viewed: bool,
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
    connection::fetch(shared, viewer, args, entity, conditions, viewed).await
}

/// `viewer`.
pub(crate) async fn viewer(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    entity::get(shared, viewer, "User", &viewer.user_id).await
}

/// `project.attachments`, `project.history`, `initiative.history` and `user.drafts`: none.
/// A project's attachments (`ProjectAttachment`) are made by integrations, which the clone
/// has none of; the clone records no project or initiative history (an issue's it does:
/// `issue.history`); and a draft is what Linear's editor keeps of a comment, an update or a
/// description being written, which no API call makes.
pub(crate) async fn unrecorded(ctx: &ResolverContext<'_>) -> Result<Value> {
    Ok(connection::empty(ctx))
}

/// `favorites`: the viewer's own (favorites are personal).
pub(crate) async fn favorites(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let owner = Some(("t.owner_id = {}", vec![viewer.user_id.clone()]));
    scoped(ctx, "Favorite", None, owner).await
}

/// `notifications`: the viewer's own (a notification is its recipient's).
pub(crate) async fn notifications(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer) = context(ctx)?;
    let recipient = Some((
        "(t.user_id = {} AND t.created_at <= now())",
        vec![viewer.user_id.clone()],
    ));
    scoped(ctx, "Notification", Some(Kind::Notification), recipient).await
}

/// `notificationsUnreadCount`: the viewer's notifications due (a reminder once its time has
/// come), neither read, archived nor snoozed.
pub(crate) async fn notifications_unread_count(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let sql = "SELECT count(*)::int FROM notifications WHERE user_id = $1 AND read_at IS NULL \
               AND created_at <= now() AND archived_at IS NULL AND (snoozed_until_at IS NULL OR snoozed_until_at <= now())";
    let row = crate::write::lookup(shared, sql, &viewer.user_id, "Notification").await?;
    Ok(Value::from(row.get::<_, i32>(0)))
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

/// Root reads of one entity each, through `$read` (by id: [`one`]; by id or `slugId`:
/// [`one_by_slug`]).
macro_rules! readers {
    ($read:ident, $how:literal: $($name:ident => $entity:literal),* $(,)?) => {$(
        #[doc = concat!("`", $entity, "` ", $how, ".")]
        pub(crate) async fn $name(ctx: &ResolverContext<'_>) -> Result<Value> {
            $read(ctx, $entity).await
        }
    )*};
}
readers!(one, "by id":
    user => "User", workflow_state => "WorkflowState", issue_label => "IssueLabel",
    project => "Project", project_status => "ProjectStatus", cycle => "Cycle", attachment => "Attachment", webhook => "Webhook",
    team_membership => "TeamMembership", issue_relation => "IssueRelation",
    project_milestone => "ProjectMilestone", template => "Template",
    initiative_to_project => "InitiativeToProject", initiative_update => "InitiativeUpdate",
    initiative_relation => "InitiativeRelation",
    triage_responsibility => "TriageResponsibility", project_relation => "ProjectRelation",
    project_label => "ProjectLabel", initiative_label => "InitiativeLabel",
    external_user => "ExternalUser", favorite => "Favorite", entity_external_link => "EntityExternalLink",
    customer_status => "CustomerStatus", customer_tier => "CustomerTier",
    email_intake_address => "EmailIntakeAddress",
    release_stage => "ReleaseStage", issue_to_release => "IssueToRelease",
    roadmap_to_project => "RoadmapToProject", organization_invite => "OrganizationInvite",
    time_schedule => "TimeSchedule",
);

readers!(one_by_slug, "by id or `slugId`":
    document => "Document", initiative => "Initiative", customer => "Customer",
    release_pipeline => "ReleasePipeline", release_note => "ReleaseNote", release => "Release",
    roadmap => "Roadmap",
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
    agent_sessions, "agentSessions" => "AgentSession", None;
    agent_activities, "agentActivities" => "AgentActivity", Some(Kind::AgentActivity);
    project_labels, "projectLabels" => "ProjectLabel", Some(Kind::ProjectLabel);
    initiative_labels, "initiativeLabels" => "InitiativeLabel", Some(Kind::InitiativeLabel);
    external_users, "externalUsers" => "ExternalUser", None;
    customers, "customers" => "Customer", Some(Kind::Customer);
    customer_needs, "customerNeeds" => "CustomerNeed", Some(Kind::CustomerNeed);
    customer_statuses, "customerStatuses" => "CustomerStatus", None;
    customer_tiers, "customerTiers" => "CustomerTier", None;
    release_pipelines, "releasePipelines" => "ReleasePipeline", Some(Kind::ReleasePipeline);
    release_stages, "releaseStages" => "ReleaseStage", Some(Kind::ReleaseStage);
    releases, "releases" => "Release", Some(Kind::Release);
    issue_to_releases, "issueToReleases" => "IssueToRelease", None;
    release_notes, "releaseNotes" => "ReleaseNote", Some(Kind::ReleaseNote);
    roadmaps, "roadmaps" => "Roadmap", None;
    time_schedules, "timeSchedules" => "TimeSchedule", None;
    organization_invites, "organizationInvites" => "OrganizationInvite", None;
    roadmap_to_projects, "roadmapToProjects" => "RoadmapToProject", None;
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
    // Issues are delegated to agents, which the clone has none of: no issue ever is.
    user_delegated => "Issue", Some(Kind::Issue), "(FALSE AND t.assignee_id = {})";
    // Issues made from a comment (Linear's "create issue from comment"), which the clone
    // never makes: none.
    comment_created_issues => "Issue", Some(Kind::Issue), "(FALSE AND t.id = {})";
    // Attachments moved off an issue to another: the clone moves none (an attachment stays
    // on the issue it was made on), so an issue never has a former one.
    issue_former_attachments => "Attachment", Some(Kind::Attachment), "(FALSE AND t.issue_id = {})";
    project_members => "User", Some(Kind::User), "t.id IN (SELECT unnest(member_ids) FROM projects WHERE id = {})";
    user_teams => "Team", Some(Kind::Team), "t.id IN (SELECT team_id FROM team_members WHERE user_id = {})";
    state_issues => "Issue", Some(Kind::Issue), "t.state_id = {}";
    label_issues => "Issue", Some(Kind::Issue), "{} = ANY(t.label_ids)";
    project_issues => "Issue", Some(Kind::Issue), "t.project_id = {}";
    project_teams => "Team", Some(Kind::Team), "t.id IN (SELECT team_id FROM project_teams WHERE project_id = {})";
    cycle_issues => "Issue", Some(Kind::Issue), "t.cycle_id = {}";
    cycle_uncompleted_issues => "Issue", Some(Kind::Issue), "t.id IN (SELECT issue_id FROM cycle_uncompleted_issues WHERE cycle_id = {})";
    team_memberships_of_team => "TeamMembership", None, "t.team_id = {}";
    user_team_memberships => "TeamMembership", None, "t.user_id = {}";
    issue_subscribers => "User", Some(Kind::User), "t.id IN (SELECT issue_subscriber_ids({}))";
    issue_relations_of_issue => "IssueRelation", None, "t.issue_id = {}";
    issue_inverse_relations => "IssueRelation", None, "t.related_issue_id = {}";
    comment_children => "Comment", Some(Kind::Comment), "t.parent_id = {}";
    agent_session_activities => "AgentActivity", Some(Kind::AgentActivity), "t.agent_session_id = {}";
    issue_agent_sessions => "AgentSession", None, "t.issue_id = {}";
    favorite_children => "Favorite", None, "t.parent_id = {}";
    project_update_comments => "Comment", Some(Kind::Comment), "t.project_update_id = {}";
    project_comments => "Comment", Some(Kind::Comment), "t.project_id = {}";
    initiative_update_comments => "Comment", Some(Kind::Comment), "t.initiative_update_id = {}";
    document_comments => "Comment", Some(Kind::Comment), "t.document_content_id = (SELECT content_id FROM documents WHERE id = {})";
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
    project_external_links => "EntityExternalLink", None, "t.project_id = {}";
    initiative_links => "EntityExternalLink", None, "t.initiative_id = {}";
    issue_needs => "CustomerNeed", Some(Kind::CustomerNeed), "t.issue_id = {}";
    // Needs moved off the issue (`customerNeedUpdate` with another `issueId`).
    issue_former_needs => "CustomerNeed", Some(Kind::CustomerNeed), "(t.original_issue_id = {} AND t.issue_id IS DISTINCT FROM t.original_issue_id)";
    // A project's own needs and those of its issues (a need's project is its issue's).
    project_needs => "CustomerNeed", Some(Kind::CustomerNeed), "(t.project_id = {} OR t.issue_id IN (SELECT i.id FROM issues i WHERE i.project_id = {}))";
    roadmap_projects => "Project", Some(Kind::Project), "t.id IN (SELECT project_id FROM roadmap_to_projects WHERE roadmap_id = {} AND archived_at IS NULL)";
    team_release_pipelines => "ReleasePipeline", Some(Kind::ReleasePipeline), "{} = ANY(t.team_ids)";
    release_pipeline_teams => "Team", Some(Kind::Team), "t.id IN (SELECT unnest(team_ids) FROM release_pipelines WHERE id = {})";
    release_pipeline_stages => "ReleaseStage", Some(Kind::ReleaseStage), "t.pipeline_id = {}";
    release_pipeline_releases => "Release", Some(Kind::Release), "t.pipeline_id = {}";
    release_stage_releases => "Release", Some(Kind::Release), "t.stage_id = {}";
    issue_releases => "Release", Some(Kind::Release), "t.id IN (SELECT release_id FROM issue_to_releases WHERE issue_id = {})";
    release_issues => "Issue", Some(Kind::Issue), "t.id IN (SELECT issue_id FROM issue_to_releases WHERE release_id = {})";
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

/// `team.issueCount(includeArchived:)`: its issues (archived ones too when asked).
pub(crate) async fn team_issue_count(ctx: &ResolverContext<'_>) -> Result<Value> {
    issue_count(
        ctx,
        "SELECT count(*) FROM issues WHERE team_id = $1 AND ($2 OR archived_at IS NULL)",
    )
    .await
}

/// `release.issueCount(includeArchived:)`: the issues in it (archived ones too when asked).
pub(crate) async fn release_issue_count(ctx: &ResolverContext<'_>) -> Result<Value> {
    issue_count(
        ctx,
        "SELECT count(*) FROM issue_to_releases x JOIN issues i ON i.id = x.issue_id
         WHERE x.release_id = $1 AND ($2 OR i.archived_at IS NULL)",
    )
    .await
}

/// The count `sql` answers for the parent (`$1`) and whether archived issues count (`$2`,
/// the `includeArchived` argument).
async fn issue_count(ctx: &ResolverContext<'_>, sql: &str) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let parent = parent_str(ctx, "id")?;
    let archived = Args::of(ctx).boolean("includeArchived")?.unwrap_or(false);
    let client = shared.kit.db().await.map_err(error::internal)?;
    let statement = client.prepare_cached(sql).await.map_err(error::internal)?;
    let row = client
        .query_one(&statement, &[&parent, &archived])
        .await
        .map_err(error::internal)?;
    Ok(Value::from(row.get::<_, i64>(0)))
}
