-- Views (`/v1/views…`, `views.rs`): each belongs to a database and shows one of its data
-- sources; `ord` is its place in the database's tab bar. `filter`, `sorts`, `quick_filters`
-- (keyed by property id) and `configuration` are kept as answered.
CREATE TABLE views (
    id                text PRIMARY KEY,
    database_id       text NOT NULL REFERENCES databases (id),
    data_source_id    text NOT NULL REFERENCES data_sources (id),
    name              text NOT NULL,
    type              text NOT NULL,
    filter            jsonb,
    sorts             jsonb,
    quick_filters     jsonb,
    configuration     jsonb,
    ord               int NOT NULL DEFAULT 0,
    created_time      timestamptz NOT NULL DEFAULT now(),
    last_edited_time  timestamptz NOT NULL DEFAULT now(),
    created_by        text NOT NULL,
    last_edited_by    text NOT NULL
);
CREATE INDEX views_database ON views (database_id, ord, id);
CREATE INDEX views_data_source ON views (data_source_id, ord, id);

-- A view query's result set (`POST /v1/views/{id}/queries`): the page ids the view's filter
-- and sorts kept when it ran, in order, until `expires_at` (15 minutes, as Notion's cache).
CREATE TABLE view_queries (
    id          text PRIMARY KEY,
    view_id     text NOT NULL REFERENCES views (id) ON DELETE CASCADE,
    page_ids    text[] NOT NULL,
    truncated   boolean NOT NULL DEFAULT false,
    expires_at  timestamptz NOT NULL
);
CREATE INDEX view_queries_view ON view_queries (view_id);

-- Notion gives every data source a "Default view" table view when it is made (by the API,
-- or in a fixture). Its id is derived from the data source's, so a fixture's default views
-- have fixed ids. (A reset restores rows as a replica session, where this does not fire.)
CREATE FUNCTION default_view() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    hex text := md5('default view of ' || NEW.id);
BEGIN
    INSERT INTO views (id, database_id, data_source_id, name, type, ord, created_time,
                       last_edited_time, created_by, last_edited_by)
    VALUES (substr(hex, 1, 8) || '-' || substr(hex, 9, 4) || '-4' || substr(hex, 14, 3) || '-8'
              || substr(hex, 18, 3) || '-' || substr(hex, 21, 12),
            NEW.database_id, NEW.id, 'Default view', 'table',
            (SELECT coalesce(max(ord) + 1, 0) FROM views WHERE database_id = NEW.database_id),
            NEW.created_time, NEW.created_time, NEW.created_by, NEW.created_by);
    RETURN NULL;
END $$;
CREATE TRIGGER data_source_default_view AFTER INSERT ON data_sources
    FOR EACH ROW EXECUTE FUNCTION default_view();
