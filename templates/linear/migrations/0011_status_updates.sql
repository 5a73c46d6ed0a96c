-- Status updates: a post on a project (`ProjectUpdate`) or an initiative (`InitiativeUpdate`)
-- — markdown `body` and its parent's `health` when it was written (onTrack, atRisk,
-- offTrack). A project's or initiative's `health`, `healthUpdatedAt` and `lastUpdate` follow
-- its latest update not archived. `slugId` is the first eight hex digits of the id, as
-- Linear's are.
CREATE TABLE project_updates (
    id              text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    project_id      text NOT NULL REFERENCES projects(id),
    user_id         text NOT NULL REFERENCES users(id),
    body            text NOT NULL DEFAULT '',
    health          text NOT NULL CHECK (health IN ('onTrack', 'atRisk', 'offTrack')),
    is_diff_hidden  boolean NOT NULL DEFAULT false,
    edited_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    archived_at     timestamptz,
    slug_id         text GENERATED ALWAYS AS (left(id, 8)) STORED
);
CREATE INDEX project_updates_created ON project_updates (created_at DESC, id DESC);
CREATE INDEX project_updates_project ON project_updates (project_id, created_at DESC, id DESC);

CREATE TABLE initiative_updates (LIKE project_updates INCLUDING DEFAULTS INCLUDING CONSTRAINTS
                                 INCLUDING GENERATED);
ALTER TABLE initiative_updates DROP COLUMN project_id,
    ADD PRIMARY KEY (id),
    ADD COLUMN initiative_id text NOT NULL REFERENCES initiatives(id),
    ADD FOREIGN KEY (user_id) REFERENCES users(id);
CREATE INDEX initiative_updates_created ON initiative_updates (created_at DESC, id DESC);
CREATE INDEX initiative_updates_initiative ON initiative_updates (initiative_id, created_at DESC, id DESC);

-- What both kinds of update answer; `url` is the parent's `…/updates#<kind>-update-<slugId>`.
-- An update is stale once older than a week, the update interval of the clone's projects
-- and initiatives (`frequencyResolution` weekly). Comments, reactions and diffs are not
-- modelled: none.
CREATE FUNCTION status_update_doc(id text, user_id text, body text, health text, slug_id text,
                                  url text, is_diff_hidden boolean, edited_at timestamptz,
                                  created_at timestamptz, updated_at timestamptz,
                                  archived_at timestamptz) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'id', id, 'body', body, 'health', health, 'slugId', slug_id, 'url', url,
    'isDiffHidden', is_diff_hidden, 'isStale', created_at < now() - interval '7 days',
    'editedAt', iso(edited_at), 'createdAt', iso(created_at), 'updatedAt', iso(updated_at),
    'archivedAt', iso(archived_at), 'commentCount', 0, 'reactions', '[]'::jsonb,
    'reactionData', '[]'::jsonb, 'diff', NULL, 'diffMarkdown', NULL, 'shortSummary', NULL,
    'user', ref(user_id), 'userId', user_id)
$$;

CREATE FUNCTION project_update_doc(u project_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (status_update_doc(u.id, u.user_id, u.body, u.health, u.slug_id,
    (SELECT base || '/project/' || slug(p.name) || '-' || p.slug_id FROM projects p
     WHERE p.id = u.project_id) || '/updates#project-update-' || u.slug_id,
    u.is_diff_hidden, u.edited_at, u.created_at, u.updated_at, u.archived_at)
    || jsonb_build_object('project', ref(u.project_id), 'projectId', u.project_id))::json
$$;

CREATE FUNCTION initiative_update_doc(u initiative_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (status_update_doc(u.id, u.user_id, u.body, u.health, u.slug_id,
    (SELECT base || '/initiative/' || concat_ws('-', nullif(slug(i.name), ''), i.slug_id)
     FROM initiatives i WHERE i.id = u.initiative_id) || '/updates#initiative-update-' || u.slug_id,
    u.is_diff_hidden, u.edited_at, u.created_at, u.updated_at, u.archived_at)
    || jsonb_build_object('initiative', ref(u.initiative_id), 'initiativeId', u.initiative_id))::json
$$;

-- `health`, `healthUpdatedAt` and `lastUpdate` of the project or initiative `parent` (ids are
-- UUIDs: no project shares one with an initiative).
CREATE FUNCTION latest_update(parent text) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object('health', l.health, 'healthUpdatedAt', iso(l.created_at),
                          'lastUpdate', ref(l.id))
FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT id, health, created_at FROM project_updates
    WHERE project_id = parent AND archived_at IS NULL
    UNION ALL
    SELECT id, health, created_at FROM initiative_updates
    WHERE initiative_id = parent AND archived_at IS NULL
    ORDER BY created_at DESC, id DESC LIMIT 1) l ON true
$$;

-- A project's document as before, with its latest update's members and `resourceCount` (its
-- documents: the one kind of project resource the clone stores; Linear also counts external
-- links). An initiative's, with its latest update's members.
ALTER FUNCTION project_doc(projects, text) RENAME TO project_doc_base;
CREATE FUNCTION project_doc(p projects, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_doc_base(p, base)::jsonb || latest_update(p.id) || jsonb_build_object(
    'resourceCount',
    (SELECT count(*) FROM documents d WHERE d.project_id = p.id AND d.archived_at IS NULL)))::json
$$;
ALTER FUNCTION initiative_doc(initiatives, text) RENAME TO initiative_doc_base;
CREATE FUNCTION initiative_doc(i initiatives, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (initiative_doc_base(i, base)::jsonb || latest_update(i.id))::json
$$;
