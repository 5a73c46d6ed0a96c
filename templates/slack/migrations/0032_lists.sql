-- Slack clone: Slack Lists (`slackLists.*`). A list is a file (`F…` id, from the files'
-- sequence) with a schema of columns (`schema`: Slack's column objects, each with its `Col…`
-- id); its items (`Rec…`) hold one field per column they have a value in (`fields`: by
-- column id, as `slackLists.items.create` and `.update` take them). A deleted item is kept,
-- marked, so `slackLists.items.info` can answer `record_deleted`. Access grants are recorded
-- per user or channel, as canvases' are; an export (`slackLists.download.start`) keeps the
-- CSV it made.

CREATE SEQUENCE list_item_id_seq START 101559956668416;
CREATE SEQUENCE list_export_id_seq START 101559956668416;

CREATE TABLE lists (
    id                 text PRIMARY KEY DEFAULT slack_id('F', nextval('file_id_seq')),
    team_id            text NOT NULL REFERENCES teams (id),
    owner              text NOT NULL REFERENCES users (id),
    name               text NOT NULL,
    description_blocks jsonb NOT NULL DEFAULT '[]',
    todo_mode          boolean NOT NULL DEFAULT false,
    schema             jsonb NOT NULL,
    copied_from        text,
    created            bigint NOT NULL,
    updated            bigint NOT NULL,
    last_editor        text NOT NULL REFERENCES users (id)
);

CREATE TABLE list_items (
    id           text PRIMARY KEY DEFAULT slack_id('Rec', nextval('list_item_id_seq')),
    list_id      text NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    parent_id    text REFERENCES list_items (id),
    fields       jsonb NOT NULL DEFAULT '{}',
    created_by   text NOT NULL REFERENCES users (id),
    updated_by   text NOT NULL REFERENCES users (id),
    date_created bigint NOT NULL,
    updated      numeric(16, 6) NOT NULL,
    deleted      boolean NOT NULL DEFAULT false
);

CREATE INDEX list_items_by_list ON list_items (list_id, id);

CREATE TABLE list_access (
    list_id   text NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    principal text NOT NULL,
    level     text NOT NULL,
    PRIMARY KEY (list_id, principal)
);

CREATE TABLE list_exports (
    id      text PRIMARY KEY DEFAULT slack_id('LE', nextval('list_export_id_seq')),
    list_id text NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
    team_id text NOT NULL REFERENCES teams (id),
    name    text NOT NULL,
    csv     text NOT NULL
);
