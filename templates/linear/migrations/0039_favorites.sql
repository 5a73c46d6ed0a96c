-- Favorites (`Favorite`): a user's own sidebar entries, each a folder (`folderName`) or one
-- favorited issue, project, cycle, custom view, document, initiative, issue label, project
-- label, user or team; `type` names which. Folders hold favorites (`parentId`); a folder's
-- favorites move to the top level when it goes.
CREATE TABLE favorites (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    owner_id          text NOT NULL REFERENCES users(id),
    parent_id         text REFERENCES favorites(id) ON DELETE SET NULL,
    sort_order        double precision NOT NULL DEFAULT 0,
    folder_name       text,
    issue_id          text REFERENCES issues(id) ON DELETE CASCADE,
    project_id        text REFERENCES projects(id) ON DELETE CASCADE,
    cycle_id          text REFERENCES cycles(id) ON DELETE CASCADE,
    custom_view_id    text REFERENCES custom_views(id) ON DELETE CASCADE,
    document_id       text REFERENCES documents(id) ON DELETE CASCADE,
    initiative_id     text REFERENCES initiatives(id) ON DELETE CASCADE,
    label_id          text REFERENCES issue_labels(id) ON DELETE CASCADE,
    project_label_id  text REFERENCES project_labels(id) ON DELETE CASCADE,
    user_id           text REFERENCES users(id) ON DELETE CASCADE,
    team_id           text REFERENCES teams(id) ON DELETE CASCADE,
    type              text GENERATED ALWAYS AS (CASE
        WHEN folder_name IS NOT NULL THEN 'folder' WHEN issue_id IS NOT NULL THEN 'issue'
        WHEN project_id IS NOT NULL THEN 'project' WHEN cycle_id IS NOT NULL THEN 'cycle'
        WHEN custom_view_id IS NOT NULL THEN 'customView'
        WHEN document_id IS NOT NULL THEN 'document'
        WHEN initiative_id IS NOT NULL THEN 'initiative' WHEN label_id IS NOT NULL THEN 'label'
        WHEN project_label_id IS NOT NULL THEN 'projectLabel'
        WHEN user_id IS NOT NULL THEN 'user' ELSE 'team' END) STORED,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz,
    CONSTRAINT favorites_one_target CHECK (num_nonnulls(folder_name, issue_id, project_id,
        cycle_id, custom_view_id, document_id, initiative_id, label_id, project_label_id,
        user_id, team_id) = 1)
);
CREATE INDEX favorites_created ON favorites (created_at DESC, id DESC);
CREATE INDEX favorites_owner ON favorites (owner_id);
CREATE INDEX favorites_parent ON favorites (parent_id);

-- The favorited object's own document (null of a folder): its title and URL.
CREATE FUNCTION favorite_target(f favorites, base text) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT coalesce(
    (SELECT issue_doc(x, base)::jsonb FROM issues x WHERE x.id = f.issue_id),
    (SELECT project_doc(x, base)::jsonb FROM projects x WHERE x.id = f.project_id),
    (SELECT cycle_doc(x)::jsonb FROM cycles x WHERE x.id = f.cycle_id),
    (SELECT custom_view_doc(x)::jsonb FROM custom_views x WHERE x.id = f.custom_view_id),
    (SELECT document_doc(x, base)::jsonb FROM documents x WHERE x.id = f.document_id),
    (SELECT initiative_doc(x, base)::jsonb FROM initiatives x WHERE x.id = f.initiative_id),
    (SELECT label_doc(x)::jsonb FROM issue_labels x WHERE x.id = f.label_id),
    (SELECT project_label_doc(x)::jsonb FROM project_labels x WHERE x.id = f.project_label_id),
    (SELECT user_doc(x, base, NULL)::jsonb FROM users x WHERE x.id = f.user_id),
    (SELECT team_doc(x, base, NULL)::jsonb FROM teams x WHERE x.id = f.team_id))
$$;

CREATE FUNCTION favorite_doc(f favorites, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', f.id, 'type', f.type, 'folderName', f.folder_name, 'sortOrder', f.sort_order,
    'title', coalesce(f.folder_name, t->>'title', t->>'name', 'Cycle ' || (t->>'number')),
    'url', t->>'url', 'owner', ref(f.owner_id), 'parent', ref(f.parent_id),
    'issue', ref(f.issue_id), 'project', ref(f.project_id), 'cycle', ref(f.cycle_id),
    'customView', ref(f.custom_view_id), 'document', ref(f.document_id),
    'initiative', ref(f.initiative_id), 'label', ref(f.label_id),
    'projectLabel', ref(f.project_label_id), 'user', ref(f.user_id), 'team', ref(f.team_id),
    'createdAt', iso(f.created_at), 'updatedAt', iso(f.updated_at),
    'archivedAt', iso(f.archived_at))
FROM favorite_target(f, base) t
$$;
