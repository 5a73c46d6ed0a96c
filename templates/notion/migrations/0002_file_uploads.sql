-- File uploads (`/v1/file_uploads`). A single-part upload's bytes, or a multi-part one's
-- once completed, or an imported external file's, are in `content`; the parts of a
-- multi-part upload wait in `file_upload_parts` until it is completed. `expiry_time` is an
-- hour after creation until the upload is first attached (then `NULL`); a pending or
-- unattached upload past it answers `expired`.
CREATE TABLE file_uploads (
    id                text PRIMARY KEY,
    mode              text NOT NULL CHECK (mode IN ('single_part', 'multi_part', 'external_url')),
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'uploaded', 'failed')),
    filename          text,
    content_type      text,
    content_length    bigint,
    number_of_parts   int,
    external_url      text,
    content           bytea,
    import_result     jsonb,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    expiry_time       timestamptz DEFAULT now() + interval '1 hour',
    created_by        text NOT NULL
);
CREATE INDEX file_uploads_listed ON file_uploads (created_by, created_time DESC, id);

CREATE TABLE file_upload_parts (
    upload_id    text NOT NULL REFERENCES file_uploads (id) ON DELETE CASCADE,
    part_number  int NOT NULL,
    content      bytea NOT NULL,
    PRIMARY KEY (upload_id, part_number)
);
