-- A comment's custom display name (`display_name: {type: "custom", custom: {name}}` at
-- creation; NULL: the integration's name) and its attachments as answered
-- (`[{category, file: {url, expiry_time}}]`, from file uploads).
ALTER TABLE comments ADD COLUMN display_name text;
ALTER TABLE comments ADD COLUMN attachments jsonb NOT NULL DEFAULT '[]';
