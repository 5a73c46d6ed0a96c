-- Project milestones (`ProjectMilestone`): named, ordered stages of a project with an
-- optional target date; issues belong to at most one (`Issue.projectMilestone`).

CREATE TABLE project_milestones (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    project_id   text NOT NULL REFERENCES projects(id),
    name         text NOT NULL,
    description  text,
    sort_order   double precision NOT NULL DEFAULT 0,
    target_date  date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, sort_order);

ALTER TABLE issues ADD COLUMN project_milestone_id text REFERENCES project_milestones(id);
CREATE INDEX issues_project_milestone ON issues (project_milestone_id);

-- The share of a milestone's issues that are completed or canceled (0 with none).
CREATE FUNCTION milestone_progress(milestone text) RETURNS double precision LANGUAGE sql STABLE AS $$
SELECT coalesce(avg(CASE WHEN s.type IN ('completed', 'canceled') THEN 1.0 ELSE 0.0 END), 0)
FROM issues i JOIN workflow_states s ON s.id = i.state_id
WHERE i.project_milestone_id = milestone AND i.archived_at IS NULL
$$;

-- Linear's milestone status: `done` when every issue is finished, `overdue` past its target
-- date, `next` for the project's first milestone neither finished nor overdue (by sort
-- order), else `unstarted`.
CREATE FUNCTION milestone_doc(m project_milestones) RETURNS json LANGUAGE sql STABLE AS $$
WITH p AS (SELECT milestone_progress(m.id) AS progress,
                  EXISTS (SELECT 1 FROM issues WHERE project_milestone_id = m.id
                          AND archived_at IS NULL) AS has_issues)
SELECT json_build_object(
    'id', m.id, 'name', m.name, 'description', m.description, 'sortOrder', m.sort_order,
    'targetDate', to_char(m.target_date, 'YYYY-MM-DD'), 'progress', p.progress,
    'status', CASE
        WHEN p.has_issues AND p.progress = 1 THEN 'done'
        WHEN m.target_date < current_date THEN 'overdue'
        WHEN m.id = (SELECT n.id FROM project_milestones n
                     WHERE n.project_id = m.project_id AND n.archived_at IS NULL
                       AND NOT coalesce(n.target_date < current_date, false)
                       AND NOT (milestone_progress(n.id) = 1 AND EXISTS (
                           SELECT 1 FROM issues WHERE project_milestone_id = n.id
                           AND archived_at IS NULL))
                     ORDER BY n.sort_order, n.created_at LIMIT 1) THEN 'next'
        ELSE 'unstarted' END,
    'createdAt', iso(m.created_at), 'updatedAt', iso(m.updated_at),
    'archivedAt', iso(m.archived_at), 'project', ref(m.project_id))
FROM p
$$;

-- The issue's document gains `projectMilestone`; stored documents are rendered again.
CREATE OR REPLACE FUNCTION issue_body(i issues) RETURNS text LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', i.id, 'identifier', i.identifier, 'number', i.number, 'title', i.title,
    'description', i.description, 'priority', i.priority,
    'priorityLabel', priority_label(i.priority), 'estimate', i.estimate,
    'sortOrder', i.sort_order, 'boardOrder', i.sort_order, 'prioritySortOrder', i.sort_order,
    'subIssueSortOrder', i.sub_issue_sort_order,
    'createdAt', iso(i.created_at), 'updatedAt', iso(i.updated_at),
    'archivedAt', iso(i.archived_at), 'trashed', i.trashed,
    'startedAt', iso(i.started_at), 'completedAt', iso(i.completed_at),
    'canceledAt', iso(i.canceled_at), 'addedToCycleAt', iso(i.added_to_cycle_at),
    'addedToProjectAt', iso(i.added_to_project_at), 'addedToTeamAt', iso(i.added_to_team_at),
    'dueDate', to_char(i.due_date, 'YYYY-MM-DD'),
    'branchName', lower(i.identifier) || '-' || i.slug,
    'labelIds', to_json(i.label_ids), 'previousIdentifiers', '[]'::json,
    'customerTicketCount', 0, 'reactionData', '[]'::json, 'reactions', '[]'::json,
    'inheritsSharedAccess', false,
    'sharedAccess', json_build_object('isShared', false, 'sharedWithCount', 0,
        'sharedWithUsers', '[]'::json, 'disallowedIssueFields', '[]'::json,
        'viewerHasOnlySharedAccess', false),
    'team', ref(i.team_id), 'state', ref(i.state_id), 'assignee', ref(i.assignee_id),
    'creator', ref(i.creator_id), 'parent', ref(i.parent_id), 'project', ref(i.project_id),
    'cycle', ref(i.cycle_id), 'projectMilestone', ref(i.project_milestone_id))::text
$$;
UPDATE issues SET body = issue_body(issues);
