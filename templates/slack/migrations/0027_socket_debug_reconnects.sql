-- Slack clone: how long a Socket Mode connection opened with `debug_reconnects=true` lasts
-- before the clone refreshes it (Slack's 360 seconds by default; shorter for a test).
ALTER TABLE socket_mode ADD COLUMN debug_connection_ms integer NOT NULL DEFAULT 360000;
