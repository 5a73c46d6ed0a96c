-- Project milestones' documents (`ProjectMilestone`); the table and `issues.project_milestone_id`
-- are in `0001_linear.sql`, the issue document's `projectMilestone` in `0002_documents.sql`.

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
