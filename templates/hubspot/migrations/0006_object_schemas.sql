-- Custom object schemas (HubSpot's /crm/v3/schemas): one row a custom object type. Its
-- records are rows of `objects`, its properties and groups rows of `properties` and
-- `property_groups`, its association definitions rows of `association_types`, all keyed by
-- its object type id (`2-<id>`) as the stock types are keyed by their plural name.
CREATE SEQUENCE object_schema_ids START 1001;
CREATE TABLE object_schemas (
    id                           bigint      PRIMARY KEY,
    -- Unique among every schema, archived ones too: HubSpot frees a name only when its
    -- archived schema is purged (DELETE …?archived=true).
    name                         text        NOT NULL,
    singular_label               text        NOT NULL,
    plural_label                 text        NOT NULL,
    description                  text,
    primary_display_property     text,
    secondary_display_properties text[]      NOT NULL DEFAULT '{}',
    searchable_properties        text[]      NOT NULL DEFAULT '{}',
    required_properties          text[]      NOT NULL DEFAULT '{}',
    archived                     boolean     NOT NULL DEFAULT false,
    created_at                   timestamptz NOT NULL,
    updated_at                   timestamptz NOT NULL,
    archived_at                  timestamptz
);
CREATE UNIQUE INDEX object_schemas_name ON object_schemas (lower(name));
