-- Whether a database is locked from editing in Notion's app (`is_locked`, set by
-- `PATCH /v1/databases/{id}`), as a page is.
ALTER TABLE databases ADD COLUMN is_locked boolean NOT NULL DEFAULT false;
