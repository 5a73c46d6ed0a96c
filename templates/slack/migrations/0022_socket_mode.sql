-- Slack clone: Socket Mode. App-level tokens (`xapp-1-…`, stored hashed like the others),
-- the app's Socket Mode switch (a row while it is on: events then go over the socket, not to
-- the Request URL), the tickets `apps.connections.open` hands out (a WebSocket URL each, used
-- once), and the `events_api` envelopes waiting for, or sent to, a connection until acked.

CREATE TABLE app_tokens (
    token_hash text PRIMARY KEY,
    scopes     text[] NOT NULL,
    created    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE socket_mode (
    id              int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    -- Event types delivered; empty means every type the clone emits.
    event_types     text[] NOT NULL DEFAULT '{}',
    -- Delay before retry 1, 2, 3 once an envelope went unacked (Slack's: now, 1 min, 5 min).
    retry_delays_ms int[] NOT NULL DEFAULT '{0,60000,300000}',
    -- How long an envelope waits for its ack before it counts as unacked.
    ack_timeout_ms  int NOT NULL DEFAULT 3000
);

CREATE TABLE socket_tickets (
    ticket  text PRIMARY KEY,
    created timestamptz NOT NULL DEFAULT now(),
    used    boolean NOT NULL DEFAULT false
);

CREATE TABLE socket_envelopes (
    seq         bigserial PRIMARY KEY,
    envelope_id text NOT NULL UNIQUE,
    event_type  text NOT NULL,
    payload     text NOT NULL,
    attempts    int NOT NULL DEFAULT 0,
    -- When it may next be sent (the first time: at once).
    next_at     timestamptz NOT NULL DEFAULT now(),
    acked       boolean NOT NULL DEFAULT false,
    created     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX socket_envelopes_due ON socket_envelopes (next_at) WHERE NOT acked;
