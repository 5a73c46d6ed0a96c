-- Slack clone: channel bookmarks (`Bk…`), the links shown in a channel's header. `position`
-- orders them (bookmarks.list) and makes up each one's `rank`.

CREATE SEQUENCE bookmark_id_seq START 101559956668416;

CREATE TABLE bookmarks (
    id           text PRIMARY KEY DEFAULT slack_id('Bk', nextval('bookmark_id_seq')),
    channel_id   text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    team_id      text NOT NULL REFERENCES teams (id),
    title        text NOT NULL,
    link         text NOT NULL,
    emoji        text,
    app_id       text,
    position     bigint NOT NULL,
    date_created bigint NOT NULL,
    date_updated bigint NOT NULL DEFAULT 0,
    updated_by   text NOT NULL REFERENCES users (id)
);
CREATE INDEX bookmarks_channel ON bookmarks (channel_id, position);
