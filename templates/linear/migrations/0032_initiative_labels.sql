-- Initiative labels (`InitiativeLabel`): the workspace's labels for initiatives, as project
-- labels are for projects (`0031`): grouped under a parent, retired, an initiative's
-- `labelIds`.
CREATE TABLE initiative_labels (
    id               text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    parent_id        text REFERENCES initiative_labels(id),
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
CREATE INDEX initiative_labels_created ON initiative_labels (created_at DESC, id DESC);
CREATE INDEX initiative_labels_parent ON initiative_labels (parent_id);

ALTER TABLE initiatives ADD COLUMN label_ids text[] NOT NULL DEFAULT '{}';

-- Every label a row is given exists in the label table `TG_ARGV[0]` (as a foreign key would
-- hold it; the violation names the constraint `TG_ARGV[1]`): projects' and initiatives'.
CREATE FUNCTION labels_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM unnest($1) l(id)
                    WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = l.id))', TG_ARGV[0])
        INTO missing USING NEW.label_ids;
    IF missing THEN
        RAISE foreign_key_violation USING MESSAGE = 'a label does not exist',
            CONSTRAINT = TG_ARGV[1];
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER projects_labels_exist ON projects;
DROP FUNCTION project_labels_exist();
CREATE TRIGGER projects_labels_exist BEFORE INSERT OR UPDATE OF label_ids ON projects
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION labels_exist('project_labels', 'projects_project_label_fkey');
CREATE TRIGGER initiatives_labels_exist BEFORE INSERT OR UPDATE OF label_ids ON initiatives
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION labels_exist('initiative_labels', 'initiatives_initiative_label_fkey');

CREATE FUNCTION initiative_label_doc(l initiative_labels) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', l.id, 'name', l.name, 'color', l.color, 'description', l.description,
    'isGroup', l.is_group, 'groupType', l.group_type, 'parent', ref(l.parent_id),
    'creator', ref(l.creator_id), 'retiredAt', iso(l.retired_at),
    'retiredBy', ref(l.retired_by_id), 'lastAppliedAt', iso(l.last_applied_at),
    'createdAt', iso(l.created_at), 'updatedAt', iso(l.updated_at),
    'archivedAt', iso(l.archived_at))
$$;

-- An initiative's document as in `0012`, with its labels.
ALTER FUNCTION initiative_doc(initiatives, text) RENAME TO initiative_doc_unlabelled;
CREATE FUNCTION initiative_doc(i initiatives, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (initiative_doc_unlabelled(i, base)::jsonb || jsonb_build_object('labelIds', to_jsonb(i.label_ids)))::json
$$;
