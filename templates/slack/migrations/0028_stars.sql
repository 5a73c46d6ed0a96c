-- Slack clone: saved items, formerly stars (stars.add). Each row is one item a person saved:
-- a message (`channel_id` + `ts`), a file (`file_id`), or a conversation (`channel_id`
-- alone); `item` is its type as stars.list answers it (`message`, `file`, `channel`, `im`,
-- `group`). `seq` orders them, newest saved first.

CREATE TABLE stars (
    seq         bigserial PRIMARY KEY,
    user_id     text NOT NULL REFERENCES users (id),
    item        text NOT NULL,
    channel_id  text REFERENCES conversations (id) ON DELETE CASCADE,
    ts          numeric(16, 6),
    file_id     text REFERENCES files (id) ON DELETE CASCADE,
    date_create bigint NOT NULL
);
CREATE UNIQUE INDEX stars_item ON stars (user_id, item, COALESCE(channel_id, ''), COALESCE(ts, 0), COALESCE(file_id, ''));
CREATE INDEX stars_user ON stars (user_id, seq);
