-- HubSpot's webhooks API (/webhooks/v3/{appId}/settings, …/subscriptions): provisioning sets
-- up the app (its client secret) before any target URL is set, and clearing the settings
-- leaves it without one; settings keep their throttling and times, subscriptions theirs.
ALTER TABLE webhook_settings
    ALTER COLUMN target_url DROP NOT NULL,
    ADD COLUMN max_concurrent_requests integer     NOT NULL DEFAULT 10,
    ADD COLUMN created_at              timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at              timestamptz NOT NULL DEFAULT now();
ALTER TABLE webhook_subscriptions
    ADD COLUMN created_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
