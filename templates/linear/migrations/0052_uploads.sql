-- Files uploaded the way Linear takes them: `fileUpload` declares one (name, type, size) and
-- answers a signed `uploadUrl` (here `token` signs it) and the `assetUrl` it will be read at;
-- the client PUTs the bytes there (`content`, with `uploaded_at`). An asset not made public
-- is read with the same credentials as the API.
CREATE TABLE uploads (
    id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    token         text NOT NULL,
    filename      text NOT NULL,
    content_type  text NOT NULL,
    size          integer NOT NULL,
    make_public   boolean NOT NULL DEFAULT false,
    meta_data     jsonb,
    uploader_id   text REFERENCES users(id) ON DELETE SET NULL,
    content       bytea,
    uploaded_at   timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now()
);
