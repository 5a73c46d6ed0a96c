-- Project updates (`ProjectUpdate`): a status post on a project — markdown `body` and the
-- project's `health` when it was written (onTrack, atRisk, offTrack). A project's `health`,
-- `healthUpdatedAt` and `lastUpdate` follow its latest update not archived. `slugId` is the
-- first eight hex digits of the id, as Linear's are.
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

-- `url` is the project's `…/updates#project-update-<slugId>`. An update is stale once older
-- than a week, the update interval of the clone's projects (`frequencyResolution` weekly).
-- Comments, reactions and diffs are not modelled: none.
CREATE FUNCTION project_update_doc(u project_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', u.id, 'body', u.body, 'health', u.health, 'slugId', u.slug_id,
    'url', (SELECT base || '/project/' || slug(p.name) || '-' || p.slug_id
            FROM projects p WHERE p.id = u.project_id) || '/updates#project-update-' || u.slug_id,
    'isDiffHidden', u.is_diff_hidden, 'isStale', u.created_at < now() - interval '7 days',
    'editedAt', iso(u.edited_at), 'createdAt', iso(u.created_at),
    'updatedAt', iso(u.updated_at), 'archivedAt', iso(u.archived_at),
    'commentCount', 0, 'reactions', '[]'::json, 'reactionData', '[]'::json,
    'diff', NULL, 'diffMarkdown', NULL, 'shortSummary', NULL,
    'project', ref(u.project_id), 'user', ref(u.user_id),
    'projectId', u.project_id, 'userId', u.user_id)
$$;

-- A project's document as before, with `resourceCount` (its documents: the one kind of
-- project resource the clone stores; Linear also counts external links) and its latest
-- update's `health`, `healthUpdatedAt` and `lastUpdate`.
ALTER FUNCTION project_doc(projects, text) RENAME TO project_doc_base;
CREATE FUNCTION project_doc(p projects, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_doc_base(p, base)::jsonb || jsonb_build_object(
    'resourceCount',
    (SELECT count(*) FROM documents d WHERE d.project_id = p.id AND d.archived_at IS NULL),
    'health', l.health, 'healthUpdatedAt', iso(l.created_at), 'lastUpdate', ref(l.id)))::json
FROM (SELECT 1) one LEFT JOIN LATERAL (
    SELECT id, health, created_at FROM project_updates
    WHERE project_id = p.id AND archived_at IS NULL
    ORDER BY created_at DESC, id DESC LIMIT 1) l ON true
$$;
