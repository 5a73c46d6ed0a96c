-- Stripe clone: schema.
--
-- Run once, as superuser, against an empty database. Everything lives in schema `public`:
-- the engine snapshots and resets every table (and sequence) of `public` by catalog, so the
-- backend keeps no state anywhere else and derives every generated value from these tables.
--
-- Every Stripe object (customer, price, payment intent, event, …) is one row of `objects`:
-- its JSON as the API returns it (`json`, not `jsonb`, so keys keep the order they were
-- written in), plus the columns lists filter and sort on. Ids the backend generates are a
-- deterministic function of `object_seq` (Stripe's prefix + 14 base-62 characters of a hash
-- of the sequence value), so a reset clone hands out the same ids again. Ids written by hand
-- in seeds contain an upper-case `SEED` marker and never collide with generated ones.
-- Times are Unix seconds.

CREATE SEQUENCE object_seq;

CREATE TABLE objects (
    id       text PRIMARY KEY,
    object   text NOT NULL,
    seq      bigint NOT NULL DEFAULT nextval('object_seq'),
    created  bigint NOT NULL,
    customer text,
    deleted  boolean NOT NULL DEFAULT false,
    data     json NOT NULL
);
CREATE INDEX objects_list ON objects (object, created DESC, seq DESC);
CREATE INDEX objects_customer ON objects (customer, object) WHERE customer IS NOT NULL;
CREATE INDEX objects_email ON objects ((data->>'email')) WHERE object = 'customer';
CREATE UNIQUE INDEX objects_price_lookup_key ON objects ((data->>'lookup_key'))
    WHERE object = 'price' AND NOT deleted;

-- API keys: only the SHA-256 of each key is kept.
CREATE TABLE api_keys (
    key_hash text PRIMARY KEY,
    kind     text NOT NULL CHECK (kind IN ('secret', 'publishable')),
    created  bigint NOT NULL
);

-- Webhook endpoints' signing secrets (`whsec_…`, HMAC keys, so kept in plain). The
-- endpoint itself is an `objects` row.
CREATE TABLE webhook_secrets (
    endpoint_id text PRIMARY KEY,
    secret      text NOT NULL
);

-- One row per (event, endpoint) to deliver; retried with back-off until delivered.
CREATE TABLE webhook_deliveries (
    event_id     text NOT NULL,
    endpoint_id  text NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    delivered    boolean NOT NULL DEFAULT false,
    last_status  integer,
    last_error   text,
    next_attempt bigint,
    PRIMARY KEY (event_id, endpoint_id)
);

-- `Idempotency-Key`s: the request's fingerprint and the response it got.
CREATE TABLE idempotency_keys (
    key         text PRIMARY KEY,
    fingerprint text NOT NULL,
    status      integer,
    body        text,
    created     bigint NOT NULL
);

-- Lists walk `objects_list` in order and stop after a page; with the default cost settings
-- (and statistics that lag behind bulk inserts and resets) the planner sorts the whole type
-- instead. Index reads are cheap on the shared server's cache.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET random_page_cost = 1.1', current_database());
END
$$;
