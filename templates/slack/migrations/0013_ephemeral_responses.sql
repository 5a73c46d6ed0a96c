-- Slack clone: a click on an ephemeral message gets a response_url whose `replace_original`
-- and `delete_original` act on that ephemeral message (`ephemeral_messages`).

ALTER TABLE response_urls ADD COLUMN ephemeral boolean NOT NULL DEFAULT false;
