-- Slack clone: a canvas read back as a file (`files.info`): when and by whom it was last
-- edited.

ALTER TABLE canvases ADD COLUMN updated bigint;
ALTER TABLE canvases ADD COLUMN last_editor text REFERENCES users (id);
