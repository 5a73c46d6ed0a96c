-- Notifications of a project or an initiative (`ProjectNotification`,
-- `InitiativeNotification`) beside those of an issue: the reminders to post an update that
-- `createProjectUpdateReminder` and `createInitiativeUpdateReminder` send (types
-- `projectUpdatePrompt` and `initiativeUpdatePrompt`).
ALTER TABLE notifications ALTER COLUMN issue_id DROP NOT NULL,
    ADD COLUMN project_id text REFERENCES projects(id) ON DELETE CASCADE,
    ADD COLUMN initiative_id text REFERENCES initiatives(id) ON DELETE CASCADE,
    ADD CONSTRAINT notifications_one_entity
        CHECK (num_nonnulls(issue_id, project_id, initiative_id) = 1);
CREATE INDEX notifications_project ON notifications (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX notifications_initiative ON notifications (initiative_id)
    WHERE initiative_id IS NOT NULL;

CREATE OR REPLACE FUNCTION notification_doc(n notifications) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (jsonb_build_object(
    'id', n.id, 'type', n.type, 'category', n.category,
    'user', ref(n.user_id), 'actor', ref(n.actor_id), 'botActor', NULL,
    'externalUserActor', NULL, 'reactionEmoji', NULL,
    'readAt', iso(n.read_at), 'snoozedUntilAt', iso(n.snoozed_until_at),
    'unsnoozedAt', iso(n.unsnoozed_at), 'emailedAt', NULL,
    'createdAt', iso(n.created_at), 'updatedAt', iso(n.updated_at),
    'archivedAt', iso(n.archived_at),
    'comment', ref(n.comment_id), 'commentId', n.comment_id,
    'parentComment', ref(c.parent_id), 'parentCommentId', c.parent_id)
  || CASE
    WHEN n.project_id IS NOT NULL THEN jsonb_build_object(
        '__typename', 'ProjectNotification', 'project', ref(n.project_id),
        'projectId', n.project_id, 'projectUpdate', NULL, 'projectUpdateId', NULL,
        'projectMilestoneId', NULL, 'document', NULL)
    WHEN n.initiative_id IS NOT NULL THEN jsonb_build_object(
        '__typename', 'InitiativeNotification', 'initiative', ref(n.initiative_id),
        'initiativeId', n.initiative_id, 'initiativeUpdate', NULL,
        'initiativeUpdateId', NULL, 'document', NULL)
    ELSE jsonb_build_object(
        '__typename', 'IssueNotification', 'issue', ref(n.issue_id), 'issueId', n.issue_id,
        'team', ref((SELECT i.team_id FROM issues i WHERE i.id = n.issue_id)),
        'subscriptions', NULL)
  END)::json
FROM (SELECT (SELECT parent_id FROM comments WHERE id = n.comment_id) AS parent_id) c
$$;
