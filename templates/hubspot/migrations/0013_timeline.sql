-- Timeline events (`/integrators/timeline/v3`): the app's event templates, their tokens (one
-- JSON array per template, in the order written) and the events apps write on records'
-- timelines, each keyed by its template and the id the app gives it.
CREATE SEQUENCE timeline_template_ids START 1000001;

CREATE TABLE timeline_templates (
    id bigint PRIMARY KEY DEFAULT nextval('timeline_template_ids'),
    app_id bigint NOT NULL,
    name text NOT NULL,
    object_type text NOT NULL,
    header_template text,
    detail_template text,
    tokens jsonb NOT NULL,
    archived boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE timeline_events (
    template_id bigint NOT NULL REFERENCES timeline_templates (id),
    id text NOT NULL,
    object_type text NOT NULL,
    object_id bigint NOT NULL,
    body jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (template_id, id)
);
