-- List folders (HubSpot's v3 Lists API, `/crm/v3/lists/folders`): a tree of named folders
-- under the root folder `0`, which is not stored: a folder or a list whose folder is NULL is
-- in the root. Deleting a folder deletes the folders under it; their lists go to the root.
CREATE SEQUENCE list_folder_ids START 1;
CREATE TABLE list_folders (
    id                  bigint      PRIMARY KEY DEFAULT nextval('list_folder_ids'),
    name                text        NOT NULL,
    parent_id           bigint      REFERENCES list_folders ON DELETE CASCADE,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    -- When a list or a folder last came into the folder or left it.
    updated_contents_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX list_folders_parent ON list_folders (parent_id);

ALTER TABLE lists ADD COLUMN folder_id bigint REFERENCES list_folders ON DELETE SET NULL;
CREATE INDEX lists_folder ON lists (folder_id);

-- The id a contact list has in the v1 contact lists API (`legacyListId`), which
-- `/crm/v3/lists/idmapping` translates into its v3 `listId`; lists of other types have none.
-- Legacy ids count from 1001 (the clone's numbering; a list's two ids differ in HubSpot).
CREATE SEQUENCE list_legacy_ids START 1001;
ALTER TABLE lists ADD COLUMN legacy_id bigint UNIQUE;
