-- `projectStatuses`, a connection like any other: its statuses may be archived (none of the
-- seeded ones is), and it lists those not archived unless `includeArchived`.
ALTER TABLE project_statuses ADD COLUMN archived_at timestamptz;

CREATE OR REPLACE FUNCTION project_status_doc(s project_statuses) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'type', s.type, 'color', s.color, 'position', s.position,
    'description', NULL, 'indefinite', s.type IN ('backlog', 'paused'),
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.created_at),
    'archivedAt', iso(s.archived_at))
$$;
