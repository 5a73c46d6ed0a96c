-- The HubSpot clone's schema: one generic CRM object engine (every object type is rows of
-- `objects`), property definitions per type, v4 associations, owners, pipelines and the app's
-- webhook subscriptions.

-- Object ids are numeric and shared by every type, as in a HubSpot portal.
CREATE SEQUENCE object_ids START 1000001;

CREATE TABLE objects (
    id          bigint      PRIMARY KEY,
    type        text        NOT NULL,
    -- Every value as HubSpot returns it (strings), calculated ones included
    -- (hs_object_id, createdate, lastmodifieddate, hs_lastmodifieddate).
    properties  jsonb       NOT NULL,
    -- {"property": [{"value", "timestamp", "sourceType"}, …]}, newest first.
    history     jsonb       NOT NULL DEFAULT '{}',
    archived    boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    archived_at timestamptz
);
CREATE INDEX objects_list ON objects (type, archived, id);
CREATE UNIQUE INDEX objects_contact_email ON objects (lower(properties->>'email'))
    WHERE type = 'contacts' AND NOT archived AND properties->>'email' <> '';
-- Search filters and sorts on createdate compare its fixed-form ISO text bytewise (COLLATE
-- "C": byte order is time order), so the index orders it the same way.
CREATE INDEX objects_created ON objects (type, (properties->>'createdate') COLLATE "C");

-- Property definitions per object type (HubSpot's stock ones from 0002, and custom ones).
CREATE TABLE properties (
    object_type      text        NOT NULL,
    name             text        NOT NULL,
    label            text        NOT NULL,
    type             text        NOT NULL,
    field_type       text        NOT NULL,
    group_name       text        NOT NULL,
    description      text        NOT NULL DEFAULT '',
    options          jsonb       NOT NULL DEFAULT '[]',
    display_order    integer     NOT NULL DEFAULT -1,
    has_unique_value boolean     NOT NULL DEFAULT false,
    hidden           boolean     NOT NULL DEFAULT false,
    form_field       boolean     NOT NULL DEFAULT true,
    calculated       boolean     NOT NULL DEFAULT false,
    read_only_value  boolean     NOT NULL DEFAULT false,
    hubspot_defined  boolean     NOT NULL DEFAULT true,
    archived         boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT '2020-01-01T00:00:00Z',
    updated_at       timestamptz NOT NULL DEFAULT '2020-01-01T00:00:00Z',
    archived_at      timestamptz,
    PRIMARY KEY (object_type, name)
);

CREATE TABLE property_groups (
    object_type   text    NOT NULL,
    name          text    NOT NULL,
    label         text    NOT NULL,
    display_order integer NOT NULL DEFAULT -1,
    archived      boolean NOT NULL DEFAULT false,
    PRIMARY KEY (object_type, name)
);

-- Association types between two object types: HubSpot's defined ones (0003) and labels.
CREATE SEQUENCE association_type_ids START 1000;
CREATE TABLE association_types (
    type_id      integer NOT NULL,
    from_type    text    NOT NULL,
    to_type      text    NOT NULL,
    category     text    NOT NULL,
    label        text,
    name         text,
    -- The type of the same association seen from the other side.
    inverse_id   integer NOT NULL,
    -- The unlabelled type HubSpot writes for a default association.
    is_default   boolean NOT NULL DEFAULT false,
    PRIMARY KEY (type_id, category)
);
CREATE INDEX association_types_pair ON association_types (from_type, to_type);

-- One row per direction: writing A→B with type t also writes B→A with t's inverse.
CREATE TABLE associations (
    from_type  text        NOT NULL,
    from_id    bigint      NOT NULL,
    to_type    text        NOT NULL,
    to_id      bigint      NOT NULL,
    category   text        NOT NULL,
    type_id    integer     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (from_id, to_type, to_id, category, type_id)
);
CREATE INDEX associations_reverse ON associations (to_id);

CREATE TABLE owners (
    id         bigint      PRIMARY KEY,
    email      text        NOT NULL,
    first_name text        NOT NULL,
    last_name  text        NOT NULL,
    user_id    bigint      NOT NULL,
    teams      jsonb       NOT NULL DEFAULT '[]',
    archived   boolean     NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE SEQUENCE pipeline_ids START 100000;
CREATE TABLE pipelines (
    object_type   text        NOT NULL,
    id            text        NOT NULL,
    label         text        NOT NULL,
    display_order integer     NOT NULL DEFAULT 0,
    archived      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (object_type, id)
);

CREATE TABLE pipeline_stages (
    object_type   text        NOT NULL,
    pipeline_id   text        NOT NULL,
    id            text        NOT NULL,
    label         text        NOT NULL,
    display_order integer     NOT NULL DEFAULT 0,
    metadata      jsonb       NOT NULL DEFAULT '{}',
    archived      boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (object_type, pipeline_id, id),
    FOREIGN KEY (object_type, pipeline_id) REFERENCES pipelines ON DELETE CASCADE
);

-- The app's webhook settings (one app per clone) and its subscriptions.
CREATE TABLE webhook_settings (
    app_id     bigint PRIMARY KEY,
    target_url text   NOT NULL,
    secret     text   NOT NULL
);
CREATE SEQUENCE webhook_event_ids START 1;
CREATE TABLE webhook_subscriptions (
    id            bigserial PRIMARY KEY,
    event_type    text      NOT NULL,
    property_name text,
    active        boolean   NOT NULL DEFAULT true
);

-- The portal this clone plays.
CREATE TABLE portal (
    id        bigint PRIMARY KEY,
    time_zone text   NOT NULL DEFAULT 'US/Eastern'
);
INSERT INTO portal (id) VALUES (62515);
