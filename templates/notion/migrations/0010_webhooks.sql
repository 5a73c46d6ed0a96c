-- A subscription's API version (the shape its events are rendered in: `2022-06-28`
-- subscriptions hear the deprecated `database.content_updated` / `database.schema_updated`
-- instead of the `data_source.*` events) and the event types it hears (NULL: every type).
ALTER TABLE webhook_subscriptions
    ADD COLUMN api_version text NOT NULL DEFAULT '2025-09-03',
    ADD COLUMN event_types text[];

-- Whether `file_upload.expired` was sent for an upload: it is sent once, the first time the
-- clone looks at uploads after the upload's `expiry_time` has passed unattached.
ALTER TABLE file_uploads ADD COLUMN expiry_announced boolean NOT NULL DEFAULT false;
CREATE INDEX file_uploads_unannounced ON file_uploads (expiry_time)
    WHERE NOT expiry_announced AND status <> 'failed';
