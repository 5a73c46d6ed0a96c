-- Roadmaps (`Roadmap`, deprecated by Linear for initiatives, still in its API): named groups
-- of projects (`RoadmapToProject`, a project on a roadmap once), owned by a user.
CREATE TABLE roadmaps (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name        text NOT NULL,
    description text,
    color       text,
    slug_id     text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    owner_id    text REFERENCES users(id),
    creator_id  text NOT NULL REFERENCES users(id),
    sort_order  double precision NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT roadmaps_slug_id_key UNIQUE (slug_id)
);
CREATE INDEX roadmaps_created ON roadmaps (created_at DESC, id DESC);

CREATE TABLE roadmap_to_projects (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    roadmap_id  text NOT NULL REFERENCES roadmaps(id) ON DELETE CASCADE,
    sort_order  double precision NOT NULL DEFAULT 0,
    project_id  text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX roadmap_to_projects_unique ON roadmap_to_projects (roadmap_id, project_id);
CREATE INDEX roadmap_to_projects_created ON roadmap_to_projects (created_at DESC, id DESC);
CREATE INDEX roadmap_to_projects_project ON roadmap_to_projects (project_id);

CREATE FUNCTION roadmap_doc(r roadmaps, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'name', r.name, 'description', r.description, 'color', r.color,
    'slugId', r.slug_id, 'sortOrder', r.sort_order, 'owner', ref(r.owner_id),
    'creator', ref(r.creator_id), 'organization', (SELECT ref(o.id) FROM organization o LIMIT 1),
    'url', base || '/roadmap/' || slug(r.name) || '-' || r.slug_id,
    'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at), 'archivedAt', iso(r.archived_at))
$$;

CREATE FUNCTION roadmap_to_project_doc(x roadmap_to_projects) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', x.id, 'roadmap', ref(x.roadmap_id), 'project', ref(x.project_id),
    'sortOrder', x.sort_order::text,
    'createdAt', iso(x.created_at), 'updatedAt', iso(x.updated_at), 'archivedAt', iso(x.archived_at))
$$;
