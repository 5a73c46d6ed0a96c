-- When a project dependency is violated (`ProjectFilter.hasViolatedRelations`): the date of the
-- blocking project's anchor (its `project`: `start` its start date, `end` its target date,
-- `milestone` the milestone's target date) is later than the date of the blocked project's
-- anchor (its `relatedProject`'s), both known.
CREATE FUNCTION project_anchor_date(project text, anchor text, milestone text)
RETURNS date LANGUAGE sql STABLE AS $$
SELECT CASE anchor
    WHEN 'start' THEN (SELECT start_date FROM projects WHERE id = project)
    WHEN 'end' THEN (SELECT target_date FROM projects WHERE id = project)
    ELSE (SELECT target_date FROM project_milestones WHERE id = milestone)
END
$$;

CREATE FUNCTION project_relation_violated(r project_relations) RETURNS boolean
LANGUAGE sql STABLE AS $$
SELECT coalesce(
    project_anchor_date(r.project_id, r.anchor_type, r.project_milestone_id)
      > project_anchor_date(r.related_project_id, r.related_anchor_type,
                            r.related_project_milestone_id),
    false)
$$;
