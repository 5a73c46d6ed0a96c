-- Slack clone: schema and the installed workspace.
--
-- Run once, as superuser, against an empty database. Everything lives in schema `public`:
-- the engine snapshots and resets every table (and sequence) of `public` by catalog, so the
-- backend keeps no state anywhere else and derives every generated value from these tables.
--
-- Ids are Slack-shaped: a type letter then ten upper-case base-36 digits. Ids written by hand
-- (here and in seeds) start with `0` after the letter; ids the backend generates come from
-- the sequences below, which start at 36^9, so they start with `1` and never collide.
-- Timestamps are Slack `ts` values: numeric(16,6) seconds, whose text form is exactly the
-- wire form ("1700000000.000100"). Other times are Unix seconds.

CREATE FUNCTION slack_id(prefix text, n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    digits constant text := '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    out text := '';
BEGIN
    LOOP
        out := substr(digits, (n % 36)::int + 1, 1) || out;
        n := n / 36;
        EXIT WHEN n = 0;
    END LOOP;
    RETURN prefix || lpad(out, 10, '0');
END
$$;

CREATE SEQUENCE user_id_seq START 101559956668416;
CREATE SEQUENCE conversation_id_seq START 101559956668416;

CREATE TABLE teams (
    id      text PRIMARY KEY,
    name    text NOT NULL,
    domain  text NOT NULL UNIQUE,
    created bigint NOT NULL
);

CREATE TABLE users (
    id                text PRIMARY KEY DEFAULT slack_id('U', nextval('user_id_seq')),
    team_id           text NOT NULL REFERENCES teams (id),
    name              text NOT NULL,
    real_name         text NOT NULL DEFAULT '',
    display_name      text NOT NULL DEFAULT '',
    email             text,
    title             text NOT NULL DEFAULT '',
    is_admin          boolean NOT NULL DEFAULT false,
    is_owner          boolean NOT NULL DEFAULT false,
    is_primary_owner  boolean NOT NULL DEFAULT false,
    is_bot            boolean NOT NULL DEFAULT false,
    deleted           boolean NOT NULL DEFAULT false,
    tz                text NOT NULL DEFAULT 'America/Los_Angeles',
    updated           bigint NOT NULL,
    UNIQUE (team_id, name)
);

-- The installed app's bot: `bots.user_id` is its bot user.
CREATE TABLE bots (
    id      text PRIMARY KEY,
    app_id  text NOT NULL,
    user_id text NOT NULL UNIQUE REFERENCES users (id),
    team_id text NOT NULL REFERENCES teams (id),
    name    text NOT NULL,
    deleted boolean NOT NULL DEFAULT false,
    updated bigint NOT NULL
);

CREATE TABLE conversations (
    id              text PRIMARY KEY DEFAULT slack_id('C', nextval('conversation_id_seq')),
    team_id         text NOT NULL REFERENCES teams (id),
    kind            text NOT NULL
                    CHECK (kind IN ('public_channel', 'private_channel', 'mpim', 'im')),
    name            text,
    is_general      boolean NOT NULL DEFAULT false,
    is_archived     boolean NOT NULL DEFAULT false,
    creator         text REFERENCES users (id),
    created         bigint NOT NULL,
    updated         bigint NOT NULL,
    topic           text NOT NULL DEFAULT '',
    topic_creator   text NOT NULL DEFAULT '',
    topic_last_set  bigint NOT NULL DEFAULT 0,
    purpose         text NOT NULL DEFAULT '',
    purpose_creator text NOT NULL DEFAULT '',
    purpose_last_set bigint NOT NULL DEFAULT 0,
    UNIQUE (team_id, name),
    CHECK ((kind = 'im') = (name IS NULL))
);

CREATE TABLE conversation_members (
    conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id         text NOT NULL REFERENCES users (id),
    joined          bigint NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

-- `blocks`, `attachments` and `metadata` are `json`, not `jsonb`, so they come back with
-- their keys in the order the client sent them, as Slack returns them.
CREATE TABLE messages (
    channel_id      text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    ts              numeric(16, 6) NOT NULL,
    user_id         text REFERENCES users (id),
    bot_id          text REFERENCES bots (id),
    team_id         text NOT NULL REFERENCES teams (id),
    subtype         text,
    text            text NOT NULL DEFAULT '',
    blocks          json,
    attachments     json,
    metadata        json,
    thread_ts       numeric(16, 6),
    reply_broadcast boolean NOT NULL DEFAULT false,
    mrkdwn          boolean NOT NULL DEFAULT true,
    username        text,
    icon_emoji      text,
    icon_url        text,
    PRIMARY KEY (channel_id, ts)
);
CREATE INDEX messages_thread ON messages (channel_id, thread_ts) WHERE thread_ts IS NOT NULL;

-- Credentials: only the SHA-256 of each token is kept.
CREATE TABLE tokens (
    token_hash text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('bot', 'user')),
    user_id    text NOT NULL REFERENCES users (id),
    team_id    text NOT NULL REFERENCES teams (id),
    scopes     text[] NOT NULL,
    created    timestamptz NOT NULL DEFAULT now()
);

-- Clone-wide values, e.g. the app's `signing_secret` (an HMAC key, so kept in plain).
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- The installed workspace: the team, the admin who installed the app, the app's bot.
INSERT INTO teams (id, name, domain, created)
VALUES ('T0000000001', 'Workspace', 'workspace', 1700000000);

INSERT INTO users (id, team_id, name, real_name, display_name, email,
                   is_admin, is_owner, is_primary_owner, updated)
VALUES ('U0000000001', 'T0000000001', 'admin', 'Workspace Admin', 'admin',
        'admin@workspace.test', true, true, true, 1700000000);

INSERT INTO users (id, team_id, name, real_name, display_name, is_bot, updated)
VALUES ('U0000000002', 'T0000000001', 'asym', 'asym', 'asym', true, 1700000000);

INSERT INTO bots (id, app_id, user_id, team_id, name, updated)
VALUES ('B0000000001', 'A0000000001', 'U0000000002', 'T0000000001', 'asym', 1700000000);
