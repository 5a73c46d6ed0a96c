-- Project labels (`ProjectLabel`): the workspace's (or a team's) labels for projects, apart
-- from issue labels, grouped under a parent like them, retired like them (`retiredBy`, still
-- on the projects that have them). A project's `labelIds` are its labels.
CREATE TABLE project_labels (
    id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id          text REFERENCES teams(id),
    parent_id        text REFERENCES project_labels(id),
    name             text NOT NULL,
    description      text,
    color            text NOT NULL DEFAULT '#bec2c8',
    is_group         boolean NOT NULL DEFAULT false,
    group_type       text,
    creator_id       text REFERENCES users(id),
    retired_at       timestamptz,
    retired_by_id    text REFERENCES users(id),
    last_applied_at  timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    archived_at      timestamptz
);
CREATE INDEX project_labels_created ON project_labels (created_at DESC, id DESC);
CREATE INDEX project_labels_parent ON project_labels (parent_id);

ALTER TABLE projects ADD COLUMN label_ids text[] NOT NULL DEFAULT '{}';

-- Every label a project is given exists (as a foreign key would hold it).
CREATE FUNCTION project_labels_exist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM unnest(NEW.label_ids) l(id)
               WHERE NOT EXISTS (SELECT 1 FROM project_labels pl WHERE pl.id = l.id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a label does not exist',
            CONSTRAINT = 'projects_project_label_fkey';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER projects_labels_exist BEFORE INSERT OR UPDATE OF label_ids ON projects
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0) EXECUTE FUNCTION project_labels_exist();

CREATE FUNCTION project_label_doc(l project_labels) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', l.id, 'name', l.name, 'color', l.color, 'description', l.description,
    'isGroup', l.is_group, 'groupType', l.group_type, 'team', ref(l.team_id),
    'parent', ref(l.parent_id), 'creator', ref(l.creator_id), 'inheritedFrom', NULL,
    'retiredAt', iso(l.retired_at), 'retiredBy', ref(l.retired_by_id),
    'lastAppliedAt', iso(l.last_applied_at), 'createdAt', iso(l.created_at),
    'updatedAt', iso(l.updated_at), 'archivedAt', iso(l.archived_at))
$$;

-- A project's document as in `0011`, with its labels.
ALTER FUNCTION project_doc(projects, text) RENAME TO project_doc_unlabelled;
CREATE FUNCTION project_doc(p projects, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_doc_unlabelled(p, base)::jsonb || jsonb_build_object('labelIds', to_jsonb(p.label_ids)))::json
$$;
