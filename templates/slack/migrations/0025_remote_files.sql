-- Slack clone: remote files (files.remote.*). A remote file is a row of `files` with an
-- `external_id` the app chose and an `external_url` it lives at; it holds no bytes.
ALTER TABLE files ADD COLUMN external_id text;
ALTER TABLE files ADD COLUMN external_url text;
ALTER TABLE files ADD COLUMN remote_type text;
ALTER TABLE files ADD COLUMN indexable text;
-- One live remote file per external id (a removed one frees it).
CREATE UNIQUE INDEX files_external_id ON files (team_id, external_id)
    WHERE external_id IS NOT NULL AND NOT deleted;
