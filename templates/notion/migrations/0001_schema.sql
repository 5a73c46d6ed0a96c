-- The Notion clone's schema. Ids are UUIDs; timestamps are exact here and rounded to the
-- minute when answered, as Notion does.

CREATE TABLE users (
    id          text PRIMARY KEY,
    type        text NOT NULL CHECK (type IN ('person', 'bot')),
    name        text NOT NULL,
    avatar_url  text,
    email       text,
    ord         int NOT NULL DEFAULT 0
);

-- Databases are containers; in 2025-09-03 each holds data sources, which hold the schema.
CREATE TABLE databases (
    id                text PRIMARY KEY,
    parent_type       text NOT NULL,
    parent_id         text,
    title             jsonb NOT NULL DEFAULT '[]',
    description       jsonb NOT NULL DEFAULT '[]',
    icon              jsonb,
    cover             jsonb,
    is_inline         boolean NOT NULL DEFAULT false,
    in_trash          boolean NOT NULL DEFAULT false,
    shared            boolean NOT NULL DEFAULT true,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    last_edited_by    text NOT NULL
);

-- `schema` is keyed by property id: {"<id>": {"name", "type", "<type>": config, "description"}}.
CREATE TABLE data_sources (
    id                text PRIMARY KEY,
    database_id       text NOT NULL REFERENCES databases (id),
    title             jsonb NOT NULL DEFAULT '[]',
    description       jsonb NOT NULL DEFAULT '[]',
    schema            jsonb NOT NULL DEFAULT '{}',
    icon              jsonb,
    next_unique       bigint NOT NULL DEFAULT 1,
    in_trash          boolean NOT NULL DEFAULT false,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    last_edited_by    text NOT NULL,
    ord               int NOT NULL DEFAULT 0
);
CREATE INDEX data_sources_database ON data_sources (database_id, ord);

-- `props` holds each property's value keyed by property id (the value as answered, without
-- id and type; `json`, as it is only ever answered, never searched); `fv` holds the same values reduced to what filters and sorts compare (plain
-- text, a number, a name, an array of names or ids, a date's start).
CREATE TABLE pages (
    id                text PRIMARY KEY,
    parent_type       text NOT NULL,
    parent_id         text,
    data_source_id    text REFERENCES data_sources (id),
    database_id       text,
    props             json NOT NULL DEFAULT '{}',
    fv                jsonb NOT NULL DEFAULT '{}',
    title             text NOT NULL DEFAULT '',
    icon              jsonb,
    cover             jsonb,
    in_trash          boolean NOT NULL DEFAULT false,
    is_locked         boolean NOT NULL DEFAULT false,
    shared            boolean NOT NULL DEFAULT true,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    last_edited_by    text NOT NULL
);
CREATE INDEX pages_data_source ON pages (data_source_id, created_time) WHERE NOT in_trash;
CREATE INDEX pages_edited ON pages (last_edited_time DESC);

-- Blocks in order under a page or a block; `page_id` is the page they belong to (for access).
-- A child page or child database is also a block, with the page's or database's id.
CREATE TABLE blocks (
    id                text PRIMARY KEY,
    parent_type       text NOT NULL,
    parent_id         text NOT NULL,
    page_id           text NOT NULL,
    pos               bigint NOT NULL,
    type              text NOT NULL,
    content           jsonb NOT NULL,
    in_trash          boolean NOT NULL DEFAULT false,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    last_edited_by    text NOT NULL
);
CREATE INDEX blocks_parent ON blocks (parent_id, pos);

CREATE TABLE comments (
    id                text PRIMARY KEY,
    discussion_id     text NOT NULL,
    parent_type       text NOT NULL,
    parent_id         text NOT NULL,
    rich_text         jsonb NOT NULL,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL
);
CREATE INDEX comments_parent ON comments (parent_id, created_time);
CREATE INDEX comments_discussion ON comments (discussion_id);

-- Integration webhook subscriptions, set through the admin surface.
CREATE TABLE webhook_subscriptions (
    id                  text PRIMARY KEY,
    url                 text NOT NULL,
    verification_token  text NOT NULL,
    verified            boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Per-clone switches (the rate limit).
CREATE TABLE settings (
    key    text PRIMARY KEY,
    value  jsonb NOT NULL
);

-- A timestamp as Notion answers it: UTC, rounded down to the minute, with milliseconds.
CREATE FUNCTION nt(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT to_char(date_trunc('minute', t AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') $$;

-- A one-item rich-text array holding `t`, as answered (for fixtures).
CREATE FUNCTION rt(t text) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT jsonb_build_array(jsonb_build_object(
     'type', 'text', 'text', jsonb_build_object('content', t, 'link', NULL),
     'annotations', jsonb_build_object('bold', false, 'italic', false, 'strikethrough', false,
                                       'underline', false, 'code', false, 'color', 'default'),
     'plain_text', t, 'href', NULL)) $$;
