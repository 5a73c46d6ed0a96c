-- Custom emojis (`Emoji`): a workspace's own, each under a unique name, its image at `url`.
-- Made through the API, their `source` is `user` (the clone's word: Linear's schema says only
-- "uploaded by a user or imported").
CREATE TABLE emojis (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name        text NOT NULL,
    url         text NOT NULL,
    source      text NOT NULL DEFAULT 'user',
    creator_id  text REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT emojis_name_key UNIQUE (name)
);
CREATE INDEX emojis_created ON emojis (created_at DESC, id DESC);

CREATE FUNCTION emoji_doc(e emojis) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', e.id, 'name', e.name, 'url', e.url, 'source', e.source, 'creator', ref(e.creator_id),
    'createdAt', iso(e.created_at), 'updatedAt', iso(e.updated_at), 'archivedAt', iso(e.archived_at))
$$;
