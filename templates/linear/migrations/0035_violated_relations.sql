-- Which end of a project dependency waits, and when it is violated. As a live Linear read
-- dependencies back (recorded in a public client's source): the project anchored at its
-- `start` waits for the other, whichever slot it is in; so a relation whose `project` is
-- anchored at `start` and whose `relatedProject` is not is the `project` waiting for the
-- `relatedProject` (`project_relation_reversed`); every other relation is the
-- `relatedProject` waiting for the `project` (the clone's reading where the anchors do not
-- say: both ends, or neither, at `start`).
CREATE FUNCTION project_relation_reversed(r project_relations) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
SELECT r.anchor_type = 'start' AND r.related_anchor_type <> 'start'
$$;

-- The blocking project of a dependency, and the blocked one.
CREATE FUNCTION project_relation_blocker(r project_relations) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN project_relation_reversed(r) THEN r.related_project_id ELSE r.project_id END
$$;
CREATE FUNCTION project_relation_blocked(r project_relations) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN project_relation_reversed(r) THEN r.project_id ELSE r.related_project_id END
$$;

-- The date of one end's anchor: `start` the project's start date, `end` its target date,
-- `milestone` the milestone's target date.
CREATE FUNCTION project_anchor_date(project text, anchor text, milestone text)
RETURNS date LANGUAGE sql STABLE AS $$
SELECT CASE anchor
    WHEN 'start' THEN (SELECT start_date FROM projects WHERE id = project)
    WHEN 'end' THEN (SELECT target_date FROM projects WHERE id = project)
    ELSE (SELECT target_date FROM project_milestones WHERE id = milestone)
END
$$;

-- A dependency is violated (`ProjectFilter.hasViolatedRelations`) when the blocker's anchor
-- falls after the blocked project's, both dates known.
CREATE FUNCTION project_relation_violated(r project_relations) RETURNS boolean
LANGUAGE sql STABLE AS $$
SELECT coalesce(
    CASE WHEN project_relation_reversed(r)
        THEN project_anchor_date(r.related_project_id, r.related_anchor_type,
                                 r.related_project_milestone_id)
             > project_anchor_date(r.project_id, r.anchor_type, r.project_milestone_id)
        ELSE project_anchor_date(r.project_id, r.anchor_type, r.project_milestone_id)
             > project_anchor_date(r.related_project_id, r.related_anchor_type,
                                   r.related_project_milestone_id)
    END,
    false)
$$;
