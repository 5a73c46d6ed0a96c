-- Slack clone: interactivity. The app's Interactivity Request URL (in `settings`, key
-- `interactivity_url`) and its slash commands, each with its own Request URL; the
-- `trigger_id`s and `response_url`s the clone mints for each command or interaction; and
-- the modal stack of `views` (root, previous, whose it is, its `state`, whether it is open).

CREATE TABLE slash_commands (
    command     text PRIMARY KEY,
    url         text NOT NULL,
    description text NOT NULL DEFAULT '',
    usage_hint  text NOT NULL DEFAULT '',
    created     bigint NOT NULL
);

-- A trigger_id: valid three seconds after `created`, once.
CREATE TABLE triggers (
    id      text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    -- The modal the interaction came from, when it came from one (views.push needs one).
    view_id text,
    created timestamptz NOT NULL DEFAULT clock_timestamp(),
    used    boolean NOT NULL DEFAULT false
);

-- A response_url (`/hooks/commands/T…/<id>/<secret>` or `/hooks/actions/…`): five uses
-- within thirty minutes, into `channel_id`, ephemeral messages to `user_id`; an action's
-- names the message it came from (`message_ts`).
CREATE TABLE response_urls (
    secret     text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('commands', 'actions')),
    channel_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id    text NOT NULL REFERENCES users (id),
    message_ts numeric(16, 6),
    uses       integer NOT NULL DEFAULT 0,
    created    timestamptz NOT NULL DEFAULT clock_timestamp()
);

ALTER TABLE views
    ADD COLUMN root_view_id     text,
    ADD COLUMN previous_view_id text,
    ADD COLUMN state            json,
    ADD COLUMN closed           boolean NOT NULL DEFAULT false;
