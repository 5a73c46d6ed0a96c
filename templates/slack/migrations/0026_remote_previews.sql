-- Slack clone: a remote file's preview image (files.remote.add/update `preview_image`), kept
-- as sent (a PNG or JPEG) with its size, and served at the file's thumbnail URLs.
ALTER TABLE files ADD COLUMN preview bytea;
ALTER TABLE files ADD COLUMN preview_w integer;
ALTER TABLE files ADD COLUMN preview_h integer;
ALTER TABLE files ADD COLUMN preview_type text;
