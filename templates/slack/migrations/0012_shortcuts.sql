-- Slack clone: the app's shortcuts (Interactivity & Shortcuts in Slack's app configuration):
-- global ones (the composer's shortcuts menu) and message ones (a message's menu), each
-- sent to the Interactivity Request URL with its `callback_id`.

CREATE TABLE shortcuts (
    callback_id text PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('global', 'message')),
    name        text NOT NULL,
    description text NOT NULL DEFAULT '',
    created     bigint NOT NULL
);
