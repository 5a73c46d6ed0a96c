-- Slack clone: app unfurling. `unfurl_domains` are the domains the app registered (App
-- unfurl domains; a link whose host is one of them or under one is the app's to unfurl);
-- `link_shares` each message whose links were the app's, by the `unfurl_id` its
-- `link_shared` event carried, for chat.unfurl's `unfurl_id` + `source` form.

CREATE TABLE unfurl_domains (
    domain text PRIMARY KEY
);

CREATE TABLE link_shares (
    unfurl_id  text PRIMARY KEY,
    channel_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    message_ts numeric(16, 6) NOT NULL,
    source     text NOT NULL DEFAULT 'conversations_history',
    created    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX link_shares_message ON link_shares (channel_id, message_ts);
