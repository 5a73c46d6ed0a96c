-- `projectStatusCreate`/`Update`/`Archive`/`Unarchive`: a status the workspace makes gets a
-- UUID; it may have a description, and say whether projects in it have no end date
-- (`indefinite`: unset, a backlog or paused status is); `updatedAt` is when it last changed.
ALTER TABLE project_statuses
    ALTER COLUMN id SET DEFAULT gen_random_uuid()::text,
    ADD COLUMN description text,
    ADD COLUMN indefinite boolean;

CREATE OR REPLACE FUNCTION project_status_doc(s project_statuses) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'type', s.type, 'color', s.color, 'position', s.position,
    'description', s.description,
    'indefinite', coalesce(s.indefinite, s.type IN ('backlog', 'paused')),
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at),
    'archivedAt', iso(s.archived_at))
$$;
