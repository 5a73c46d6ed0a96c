-- Slack clone: what the wider Web API surface and the Events API keep.
--
-- Same rules as 0001: everything in `public`, every generated id from a sequence below (so a
-- reset puts them back), hand-written ids start with `0` after the type letter, generated
-- ones with `1`.

CREATE SEQUENCE file_id_seq START 101559956668416;
CREATE SEQUENCE scheduled_message_id_seq START 101559956668416;
CREATE SEQUENCE event_id_seq START 101559956668416;

-- Slackbot is a member of every workspace (users.list shows it; tombstones are its messages).
INSERT INTO users (id, team_id, name, real_name, display_name, is_bot, tz, updated)
VALUES ('USLACKBOT', 'T0000000001', 'slackbot', 'Slackbot', 'Slackbot', false,
        'America/Los_Angeles', 0);

ALTER TABLE users
    ADD COLUMN phone        text NOT NULL DEFAULT '',
    ADD COLUMN status_text  text NOT NULL DEFAULT '',
    ADD COLUMN status_emoji text NOT NULL DEFAULT '',
    ADD COLUMN presence     text NOT NULL DEFAULT 'active' CHECK (presence IN ('active', 'away')),
    ADD COLUMN color        text NOT NULL DEFAULT '9f69e7',
    ADD COLUMN is_restricted boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX users_email ON users (team_id, lower(email)) WHERE email IS NOT NULL;

ALTER TABLE conversations
    ADD COLUMN previous_names text[] NOT NULL DEFAULT '{}';

-- An IM's or MPIM's members never change, so the sorted member list identifies it.
ALTER TABLE conversations
    ADD COLUMN member_key text;
CREATE UNIQUE INDEX conversations_member_key ON conversations (team_id, member_key)
    WHERE member_key IS NOT NULL;

ALTER TABLE conversation_members
    ADD COLUMN last_read numeric(16, 6) NOT NULL DEFAULT 0;

-- Edits, reactions (`[{"name","users","count"}]`, in the order first added) and shared files
-- (the file objects as they were shared) are kept on the message itself: reads never join.
ALTER TABLE messages
    ADD COLUMN edited_user text,
    ADD COLUMN edited_ts   numeric(16, 6),
    ADD COLUMN reactions   json,
    ADD COLUMN files       json,
    ADD COLUMN upload      boolean NOT NULL DEFAULT false,
    ADD COLUMN hidden      boolean NOT NULL DEFAULT false;

CREATE TABLE pins (
    channel_id text NOT NULL,
    ts         numeric(16, 6) NOT NULL,
    created_by text NOT NULL REFERENCES users (id),
    created    bigint NOT NULL,
    PRIMARY KEY (channel_id, ts),
    FOREIGN KEY (channel_id, ts) REFERENCES messages (channel_id, ts) ON DELETE CASCADE
);

-- chat.postEphemeral: shown to one user, never in history; kept for tests to inspect.
CREATE TABLE ephemeral_messages (
    channel_id  text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ts          numeric(16, 6) NOT NULL,
    user_id     text NOT NULL REFERENCES users (id),
    author_id   text NOT NULL REFERENCES users (id),
    bot_id      text REFERENCES bots (id),
    text        text NOT NULL DEFAULT '',
    blocks      json,
    attachments json,
    thread_ts   numeric(16, 6),
    PRIMARY KEY (channel_id, ts)
);

CREATE TABLE scheduled_messages (
    id              text PRIMARY KEY
                    DEFAULT slack_id('Q', nextval('scheduled_message_id_seq')),
    channel_id      text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text NOT NULL REFERENCES users (id),
    bot_id          text REFERENCES bots (id),
    team_id         text NOT NULL REFERENCES teams (id),
    post_at         bigint NOT NULL,
    date_created    bigint NOT NULL,
    text            text NOT NULL DEFAULT '',
    blocks          json,
    attachments     json,
    metadata        json,
    thread_ts       numeric(16, 6),
    reply_broadcast boolean NOT NULL DEFAULT false,
    mrkdwn          boolean NOT NULL DEFAULT true
);
CREATE INDEX scheduled_messages_due ON scheduled_messages (post_at);

-- Files: reserved by files.getUploadURLExternal, filled by the upload, shared by
-- files.completeUploadExternal.
CREATE TABLE files (
    id           text PRIMARY KEY DEFAULT slack_id('F', nextval('file_id_seq')),
    team_id      text NOT NULL REFERENCES teams (id),
    user_id      text NOT NULL REFERENCES users (id),
    bot_id       text REFERENCES bots (id),
    created      bigint NOT NULL,
    name         text NOT NULL,
    title        text NOT NULL DEFAULT '',
    alt_txt      text,
    snippet_type text,
    length       bigint NOT NULL,
    upload_key   text NOT NULL UNIQUE,
    content      bytea,
    completed    boolean NOT NULL DEFAULT false,
    deleted      boolean NOT NULL DEFAULT false
);

CREATE TABLE file_shares (
    file_id    text NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    channel_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ts         numeric(16, 6) NOT NULL,
    shared_by  text NOT NULL REFERENCES users (id),
    PRIMARY KEY (file_id, channel_id, ts)
);
CREATE INDEX file_shares_channel ON file_shares (channel_id);

-- Events API: at most one subscription (the app's Request URL); its deliveries are rows of
-- the kit's asym_outbox (topic 'events').
CREATE TABLE event_subscriptions (
    id              int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    request_url     text NOT NULL,
    -- Event types delivered; empty means every type the clone emits.
    event_types     text[] NOT NULL DEFAULT '{}',
    -- Delay before retry 1, 2, 3 (Slack: about now, one minute, five minutes).
    retry_delays_ms int[] NOT NULL DEFAULT '{0,60000,300000}',
    timeout_ms      int NOT NULL DEFAULT 3000,
    created         bigint NOT NULL
);
