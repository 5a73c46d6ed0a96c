-- Lists (segments), HubSpot's v3 Lists API: MANUAL, SNAPSHOT and DYNAMIC lists of one object
-- type and their memberships. Ids are ILS list ids, numbered per portal from 1.
CREATE SEQUENCE list_ids START 1;
CREATE TABLE lists (
    id                  bigint      PRIMARY KEY,
    name                text        NOT NULL,
    -- HubSpot's object type id (`0-1`).
    object_type_id      text        NOT NULL,
    processing_type     text        NOT NULL,
    -- The filters as the caller wrote them (SNAPSHOT: applied once; DYNAMIC: before reads).
    filter_branch       jsonb,
    version             integer     NOT NULL DEFAULT 1,
    list_permissions    jsonb       NOT NULL,
    membership_settings jsonb       NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    filters_updated_at  timestamptz NOT NULL,
    last_added_at       timestamptz,
    last_removed_at     timestamptz,
    -- Deleted lists can be restored (HubSpot keeps them 90 days).
    deleted_at          timestamptz
);
-- A name is unique among live lists, whatever its case.
CREATE UNIQUE INDEX lists_name ON lists (lower(name)) WHERE deleted_at IS NULL;

-- `seq` orders memberships by when they were added (`memberships/join-order`).
CREATE SEQUENCE list_membership_seq START 1;
CREATE TABLE list_memberships (
    list_id   bigint      NOT NULL REFERENCES lists ON DELETE CASCADE,
    record_id bigint      NOT NULL,
    seq       bigint      NOT NULL,
    added_at  timestamptz NOT NULL,
    PRIMARY KEY (list_id, record_id)
);
CREATE INDEX list_memberships_record ON list_memberships (record_id);
CREATE INDEX list_memberships_order ON list_memberships (list_id, seq);
