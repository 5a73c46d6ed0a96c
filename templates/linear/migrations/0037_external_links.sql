-- External links (`EntityExternalLink`): a URL with a label, listed under a project
-- (`Project.externalLinks`) or an initiative (`Initiative.links`), the one it was made for.
CREATE TABLE entity_external_links (
    id             text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    url            text NOT NULL,
    label          text NOT NULL,
    sort_order     double precision NOT NULL DEFAULT 0,
    creator_id     text REFERENCES users(id),
    project_id     text REFERENCES projects(id),
    initiative_id  text REFERENCES initiatives(id),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    archived_at    timestamptz,
    CONSTRAINT entity_external_links_one_parent CHECK (num_nonnulls(project_id, initiative_id) = 1)
);
CREATE INDEX entity_external_links_created ON entity_external_links (created_at DESC, id DESC);
CREATE INDEX entity_external_links_project ON entity_external_links (project_id);
CREATE INDEX entity_external_links_initiative ON entity_external_links (initiative_id);

CREATE FUNCTION entity_external_link_doc(l entity_external_links) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', l.id, 'url', l.url, 'label', l.label, 'sortOrder', l.sort_order,
    'creator', ref(l.creator_id), 'project', ref(l.project_id),
    'initiative', ref(l.initiative_id), 'createdAt', iso(l.created_at),
    'updatedAt', iso(l.updated_at), 'archivedAt', iso(l.archived_at))
$$;
