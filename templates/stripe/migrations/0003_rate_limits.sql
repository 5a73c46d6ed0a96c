-- Stripe's request rate limits, off until `POST /api/admin/rate-limit` turns them on: how many
-- read (GET) and write (POST, DELETE) requests the account may send in one second. They are
-- kept on each API key, so the request's key lookup reads them without touching another
-- table. NULL is off; a reset restores the baseline (off), and reprovisioning mints keys
-- without limits.
ALTER TABLE api_keys
    ADD COLUMN rate_reads  integer CHECK (rate_reads > 0),
    ADD COLUMN rate_writes integer CHECK (rate_writes > 0);
