-- `ProjectStatusFilter.updatedAt` (every filter's `createdAt`/`updatedAt` compare columns of
-- those names): project statuses keep when they last changed, as the other tables do.
ALTER TABLE project_statuses ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
