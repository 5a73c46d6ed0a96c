-- Stripe's request rate limits, off until `POST /api/admin/rate-limit` turns them on: how many
-- read (GET) and write (POST, DELETE) requests the account may send in one second. One row at
-- most, read with the API key; a reset restores the baseline (no row: off).
CREATE TABLE rate_limits (
    one    boolean PRIMARY KEY DEFAULT true CHECK (one),
    reads  integer NOT NULL CHECK (reads > 0),
    writes integer NOT NULL CHECK (writes > 0)
);
