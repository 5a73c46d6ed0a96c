//! Which fields have their own resolver: the roots, every connection (they take paging and
//! filter arguments) and the few fields with arguments; every other field is read from its
//! parent's JSON by [`crate::schema`].

use async_graphql::Value;
use async_graphql::dynamic::{FieldFuture, FieldValue, ResolverContext};

use crate::{
    documents, initiatives, issues, project_updates, queries, resources, subscriptions, templates,
};

/// A custom resolver.
pub(crate) type Resolve = for<'a> fn(ResolverContext<'a>) -> FieldFuture<'a>;

/// Turns `async fn(&ResolverContext) -> Result<Value>` into a field resolver (null → none).
macro_rules! adapt {
    ($f:path) => {{
        fn resolve<'a>(ctx: ResolverContext<'a>) -> FieldFuture<'a> {
            FieldFuture::new(async move {
                let value: Value = $f(&ctx).await?;
                Ok(if matches!(value, Value::Null) {
                    None
                } else {
                    Some(FieldValue::value(value))
                })
            })
        }
        resolve as Resolve
    }};
}

/// The resolver of `parent.field`, when it is not read from the parent's JSON.
pub(crate) fn custom(parent: &str, field: &str) -> Option<Resolve> {
    Some(match (parent, field) {
        ("Query", "viewer") => adapt!(queries::viewer),
        ("Query", "organization") => adapt!(queries::organization),
        ("Query", "issuePriorityValues") => adapt!(queries::priority_values),
        ("Query", "issue") => adapt!(queries::issue),
        ("Query", "issues") => adapt!(queries::issues),
        ("Query", "searchIssues") => adapt!(queries::search_issues),
        ("Query", "searchDocuments") => adapt!(queries::search_documents),
        ("Query", "user") => adapt!(queries::user),
        ("Query", "users") => adapt!(queries::users),
        ("Query", "team") => adapt!(queries::team),
        ("Query", "teams") => adapt!(queries::teams),
        ("Query", "workflowState") => adapt!(queries::workflow_state),
        ("Query", "workflowStates") => adapt!(queries::workflow_states),
        ("Query", "issueLabel") => adapt!(queries::issue_label),
        ("Query", "issueLabels") => adapt!(queries::issue_labels),
        ("Query", "project") => adapt!(queries::project),
        ("Query", "projectStatus") => adapt!(queries::project_status),
        ("Query", "projects") => adapt!(queries::projects),
        ("Query", "cycle") => adapt!(queries::cycle),
        ("Query", "cycles") => adapt!(queries::cycles),
        ("Query", "comment") => adapt!(queries::comment),
        ("Query", "comments") => adapt!(queries::comments),
        ("Query", "attachment") => adapt!(queries::attachment),
        ("Query", "attachments") => adapt!(queries::attachments),
        ("Query", "webhook") => adapt!(queries::webhook),
        ("Query", "webhooks") => adapt!(queries::webhooks),
        ("Query", "teamMembership") => adapt!(queries::team_membership),
        ("Query", "teamMemberships") => adapt!(queries::team_memberships),
        ("Query", "issueRelation") => adapt!(queries::issue_relation),
        ("Query", "issueRelations") => adapt!(queries::issue_relations),
        ("Query", "projectMilestone") => adapt!(queries::project_milestone),
        ("Query", "projectMilestones") => adapt!(queries::project_milestones),
        ("Query", "template") => adapt!(queries::template),
        ("Query", "templates") => adapt!(queries::templates),
        ("Team", "templates") => adapt!(queries::team_templates),
        ("Mutation", "templateCreate") => adapt!(templates::create),
        ("Mutation", "templateUpdate") => adapt!(templates::update),
        ("Mutation", "templateDelete") => adapt!(templates::delete),
        ("Query", "document") => adapt!(queries::document),
        ("Query", "documents") => adapt!(queries::documents),
        ("Project", "documents") => adapt!(queries::project_documents),
        ("Issue", "documents") => adapt!(queries::issue_documents),
        ("Mutation", "documentCreate") => adapt!(documents::create),
        ("Mutation", "documentUpdate") => adapt!(documents::update),
        ("Mutation", "documentDelete") => adapt!(documents::delete),
        ("Mutation", "documentUnarchive") => adapt!(documents::unarchive),
        ("Query", "initiative") => adapt!(queries::initiative),
        ("Query", "initiatives") => adapt!(queries::initiatives),
        ("Query", "initiativeToProject") => adapt!(queries::initiative_to_project),
        ("Query", "initiativeToProjects") => adapt!(queries::initiative_to_projects),
        ("Initiative", "documents") => adapt!(queries::initiative_documents),
        ("Initiative", "projects") => adapt!(queries::initiative_projects),
        ("Project", "initiatives") => adapt!(queries::project_initiatives),
        ("Project", "initiativeToProjects") => adapt!(queries::project_initiative_to_projects),
        ("Query", "projectUpdate") => adapt!(project_updates::read),
        ("Query", "projectUpdates") => adapt!(queries::project_updates),
        ("Project", "projectUpdates") => adapt!(queries::project_updates_of_project),
        ("Mutation", "projectUpdateCreate") => adapt!(project_updates::create),
        ("Mutation", "projectUpdateUpdate") => adapt!(project_updates::update),
        ("Mutation", "projectUpdateArchive") => adapt!(project_updates::archive),
        ("Mutation", "projectUpdateUnarchive") => adapt!(project_updates::unarchive),
        ("Mutation", "projectUpdateDelete") => adapt!(project_updates::delete),
        ("Mutation", "initiativeCreate") => adapt!(initiatives::create),
        ("Mutation", "initiativeUpdate") => adapt!(initiatives::update),
        ("Mutation", "initiativeArchive") => adapt!(initiatives::archive),
        ("Mutation", "initiativeUnarchive") => adapt!(initiatives::unarchive),
        ("Mutation", "initiativeDelete") => adapt!(initiatives::delete),
        ("Mutation", "initiativeToProjectCreate") => adapt!(initiatives::link_create),
        ("Mutation", "initiativeToProjectUpdate") => adapt!(initiatives::link_update),
        ("Mutation", "initiativeToProjectDelete") => adapt!(initiatives::link_delete),
        ("Project", "projectMilestones") => adapt!(queries::project_milestones_of_project),
        ("ProjectMilestone", "issues") => adapt!(queries::milestone_issues),
        ("Team", "issues") => adapt!(queries::team_issues),
        ("Team", "states") => adapt!(queries::team_states),
        ("Team", "labels") => adapt!(queries::team_labels),
        ("Team", "cycles") => adapt!(queries::team_cycles),
        ("Team", "members") => adapt!(queries::team_members),
        ("Team", "projects") => adapt!(queries::team_projects),
        ("Team", "webhooks") => adapt!(queries::team_webhooks),
        ("Team", "issueCount") => adapt!(queries::team_issue_count),
        ("Team", "memberships") => adapt!(queries::team_memberships_of_team),
        ("Issue", "children") => adapt!(queries::issue_children),
        ("Issue", "comments") => adapt!(queries::issue_comments),
        ("Issue", "attachments") => adapt!(queries::issue_attachments),
        ("Issue", "history") => adapt!(queries::issue_history),
        ("Issue", "labels") => adapt!(queries::issue_labels_of_issue),
        ("Issue", "subscribers") => adapt!(queries::issue_subscribers),
        ("Issue", "relations") => adapt!(queries::issue_relations_of_issue),
        ("Issue", "inverseRelations") => adapt!(queries::issue_inverse_relations),
        ("Comment", "children") => adapt!(queries::comment_children),
        ("IssueLabel", "children") => adapt!(queries::label_children),
        ("User", "assignedIssues") => adapt!(queries::user_assigned),
        ("User", "createdIssues") => adapt!(queries::user_created),
        ("User", "teams") => adapt!(queries::user_teams),
        ("User", "teamMemberships") => adapt!(queries::user_team_memberships),
        ("Organization", "teams") => adapt!(queries::teams),
        ("Organization", "users") => adapt!(queries::users),
        ("Organization", "labels") => adapt!(queries::organization_labels),
        ("WorkflowState", "issues") => adapt!(queries::state_issues),
        ("IssueLabel", "issues") => adapt!(queries::label_issues),
        ("Project", "issues") => adapt!(queries::project_issues),
        ("Project", "teams") => adapt!(queries::project_teams),
        ("Cycle", "issues") => adapt!(queries::cycle_issues),
        ("Mutation", "issueCreate") => adapt!(issues::create),
        ("Mutation", "issueUpdate") => adapt!(issues::update),
        ("Mutation", "issueBatchUpdate") => adapt!(issues::batch_update),
        ("Mutation", "issueAddLabel") => adapt!(issues::add_label),
        ("Mutation", "issueRemoveLabel") => adapt!(issues::remove_label),
        ("Mutation", "issueArchive") => adapt!(issues::archive),
        ("Mutation", "issueUnarchive") => adapt!(issues::unarchive),
        ("Mutation", "issueDelete") => adapt!(issues::delete),
        ("Mutation", "commentCreate") => adapt!(resources::comment_create),
        ("Mutation", "commentUpdate") => adapt!(resources::comment_update),
        ("Mutation", "commentDelete") => adapt!(resources::comment_delete),
        ("Mutation", "issueLabelCreate") => adapt!(resources::label_create),
        ("Mutation", "issueLabelUpdate") => adapt!(resources::label_update),
        ("Mutation", "issueLabelDelete") => adapt!(resources::label_delete),
        ("Mutation", "projectCreate") => adapt!(resources::project_create),
        ("Mutation", "projectUpdate") => adapt!(resources::project_update),
        ("Mutation", "projectArchive") => adapt!(resources::project_archive),
        ("Mutation", "cycleCreate") => adapt!(resources::cycle_create),
        ("Mutation", "cycleUpdate") => adapt!(resources::cycle_update),
        ("Mutation", "cycleArchive") => adapt!(resources::cycle_archive),
        ("Mutation", "attachmentCreate") => adapt!(resources::attachment_create),
        ("Mutation", "attachmentLinkURL") => adapt!(resources::attachment_link_url),
        ("Mutation", "webhookCreate") => adapt!(resources::webhook_create),
        ("Mutation", "webhookUpdate") => adapt!(resources::webhook_update),
        ("Mutation", "webhookDelete") => adapt!(resources::webhook_delete),
        ("Mutation", "workflowStateCreate") => adapt!(resources::state_create),
        ("Mutation", "issueRelationCreate") => adapt!(resources::relation_create),
        ("Mutation", "issueRelationUpdate") => adapt!(resources::relation_update),
        ("Mutation", "issueRelationDelete") => adapt!(resources::relation_delete),
        ("Mutation", "projectMilestoneCreate") => adapt!(resources::milestone_create),
        ("Mutation", "projectMilestoneUpdate") => adapt!(resources::milestone_update),
        ("Mutation", "projectMilestoneDelete") => adapt!(resources::milestone_delete),
        ("Mutation", "issueSubscribe") => adapt!(subscriptions::subscribe),
        ("Mutation", "issueUnsubscribe") => adapt!(subscriptions::unsubscribe),
        _ => return None,
    })
}
