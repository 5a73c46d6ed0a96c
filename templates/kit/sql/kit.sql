-- Tables the kit keeps in every clone's database. The backend runs this at start-up, before
-- its health check first answers 200, so the engine's baseline snapshot always holds them
-- (empty unless provisioning wrote to them). Idempotent.

-- Credentials the clone accepts, stored only as SHA-256 hashes (asym_kit::credentials).
CREATE TABLE IF NOT EXISTS asym_credentials (
    token_hash  text        PRIMARY KEY,
    name        text        NOT NULL,
    subject     text        NOT NULL DEFAULT '',
    kind        text        NOT NULL DEFAULT '',
    scopes      text[]      NOT NULL DEFAULT '{}',
    provisioned boolean     NOT NULL DEFAULT false,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Webhook deliveries (asym_kit::outbox): written in the same transaction as the change they
-- announce, sent by the backend's worker, retried with back-off, resumed after a restart.
CREATE TABLE IF NOT EXISTS asym_outbox (
    id              bigserial   PRIMARY KEY,
    topic           text        NOT NULL,
    event           text        NOT NULL,
    url             text        NOT NULL,
    signer          text        NOT NULL,
    secret          text        NOT NULL DEFAULT '',
    headers         jsonb       NOT NULL DEFAULT '[]',
    body            text        NOT NULL,
    max_attempts    integer     NOT NULL DEFAULT 8,
    -- The wait before each retry, in ms (one retry per entry), instead of the doubling one.
    retry_delays_ms integer[],
    -- How long one attempt may take, in ms (default 10 s).
    timeout_ms      integer,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    delivered_at    timestamptz,
    last_status     integer,
    last_error      text,
    duration_ms     integer,
    redelivery_of   bigint,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS asym_outbox_due ON asym_outbox (next_attempt_at)
    WHERE delivered_at IS NULL;
CREATE INDEX IF NOT EXISTS asym_outbox_topic ON asym_outbox (topic, id);
