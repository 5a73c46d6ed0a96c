-- What Notion's app makes and the API only lists: the page templates of a data source
-- (`GET /v1/data_sources/{id}/templates`) and the workspace's custom emojis
-- (`GET /v1/custom_emojis`). Seeds fill them; each list is ordered by `ord`, then `id`.
CREATE TABLE data_source_templates (
    id              text PRIMARY KEY,
    data_source_id  text NOT NULL,
    name            text NOT NULL,
    is_default      boolean NOT NULL DEFAULT false,
    ord             int NOT NULL DEFAULT 0
);
CREATE INDEX data_source_templates_listed ON data_source_templates (data_source_id, ord, id);

CREATE TABLE custom_emojis (
    id    text PRIMARY KEY,
    name  text NOT NULL UNIQUE,
    url   text NOT NULL,
    ord   int NOT NULL DEFAULT 0
);
