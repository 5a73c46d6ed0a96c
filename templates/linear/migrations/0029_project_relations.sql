-- Project dependencies (`ProjectRelation`): `project_id` (the blocker) and `related_project_id`
-- (the project it blocks), each end anchored at its `start`, its `end` or a `milestone`. The
-- values Linear's validators take, its refusal of a second dependency between the same two
-- projects and the direction (a dependency is the blocked project's inverse relation) are as
-- a live Linear answered them (see the README).
CREATE TABLE project_relations (
    id                            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    project_id                    text NOT NULL REFERENCES projects(id),
    related_project_id            text NOT NULL REFERENCES projects(id),
    project_milestone_id          text REFERENCES project_milestones(id) ON DELETE SET NULL,
    related_project_milestone_id  text REFERENCES project_milestones(id) ON DELETE SET NULL,
    type                          text NOT NULL CHECK (type IN ('dependency')),
    anchor_type                   text NOT NULL CHECK (anchor_type IN ('start', 'end', 'milestone')),
    related_anchor_type           text NOT NULL
                                  CHECK (related_anchor_type IN ('start', 'end', 'milestone')),
    user_id                       text REFERENCES users(id),
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now(),
    archived_at                   timestamptz,
    CHECK (project_id <> related_project_id)
);
-- One of a type between two projects, whichever way it points.
CREATE UNIQUE INDEX project_relations_unique ON project_relations
    (least(project_id, related_project_id), greatest(project_id, related_project_id), type);
CREATE INDEX project_relations_created ON project_relations (created_at DESC, id DESC);
CREATE INDEX project_relations_project ON project_relations (project_id);
CREATE INDEX project_relations_related ON project_relations (related_project_id);

CREATE FUNCTION project_relation_doc(r project_relations) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'type', r.type, 'project', ref(r.project_id),
    'relatedProject', ref(r.related_project_id), 'projectMilestone', ref(r.project_milestone_id),
    'relatedProjectMilestone', ref(r.related_project_milestone_id),
    'anchorType', r.anchor_type, 'relatedAnchorType', r.related_anchor_type,
    'user', ref(r.user_id), 'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at),
    'archivedAt', iso(r.archived_at))
$$;
