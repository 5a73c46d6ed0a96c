-- Documents (`Document`): markdown pages attached to exactly one project, initiative, issue or
-- team (the parents the clone has; Linear also takes cycles and releases). `documentDelete`
-- trashes one (archived and `trashed`), `documentUnarchive` restores it. A document is read
-- by id or by its `slugId`, the hex suffix of its URL.
CREATE TABLE documents (
    id                        text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    title                     text NOT NULL,
    content                   text,
    slug_id                   text NOT NULL UNIQUE DEFAULT substr(md5(random()::text), 1, 12),
    color                     text,
    icon                      text,
    project_id                text REFERENCES projects(id),
    initiative_id             text REFERENCES initiatives(id),
    -- A permanently deleted issue takes its documents with it.
    issue_id                  text REFERENCES issues(id) ON DELETE CASCADE,
    team_id                   text REFERENCES teams(id),
    owner_id                  text REFERENCES users(id),
    last_applied_template_id  text REFERENCES templates(id) ON DELETE SET NULL,
    sort_order                double precision NOT NULL DEFAULT 0,
    creator_id                text REFERENCES users(id),
    updated_by_id             text REFERENCES users(id),
    hidden_at                 timestamptz,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    archived_at               timestamptz,
    trashed                   boolean,
    CONSTRAINT documents_one_parent CHECK (num_nonnulls(project_id, initiative_id, issue_id, team_id) = 1)
);
CREATE INDEX documents_created ON documents (created_at DESC, id DESC);
CREATE INDEX documents_updated ON documents (updated_at DESC, id DESC);
CREATE INDEX documents_project ON documents (project_id, created_at DESC);
CREATE INDEX documents_issue ON documents (issue_id, created_at DESC);
CREATE INDEX documents_initiative ON documents (initiative_id, created_at DESC);

-- The document as Linear's `Document`, plus the `…Id` members of Linear's
-- `DocumentWebhookPayload` (webhook bodies carry this object as `data`). `url` is
-- `<workspace>/document/<title slug>-<slugId>`.
CREATE FUNCTION document_doc(d documents, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', d.id, 'title', d.title, 'content', d.content, 'slugId', d.slug_id,
    'url', base || '/document/' || concat_ws('-', nullif(slug(d.title), ''), d.slug_id),
    'color', d.color, 'icon', d.icon, 'sortOrder', d.sort_order,
    'documentContentId', NULL, 'hiddenAt', iso(d.hidden_at),
    'createdAt', iso(d.created_at), 'updatedAt', iso(d.updated_at),
    'archivedAt', iso(d.archived_at), 'trashed', d.trashed,
    'project', ref(d.project_id), 'issue', ref(d.issue_id), 'team', ref(d.team_id),
    'owner', ref(d.owner_id), 'creator', ref(d.creator_id), 'updatedBy', ref(d.updated_by_id),
    'lastAppliedTemplate', ref(d.last_applied_template_id),
    'initiative', ref(d.initiative_id), 'release', NULL, 'cycle', NULL,
    'projectId', d.project_id, 'issueId', d.issue_id, 'teamId', d.team_id,
    'creatorId', d.creator_id, 'updatedById', d.updated_by_id, 'ownerId', d.owner_id,
    'lastAppliedTemplateId', d.last_applied_template_id, 'initiativeId', d.initiative_id,
    'subscriberIds', '[]'::json)
$$;

-- The team a document's webhooks are routed by: its own, its issue's, its project's first, or
-- its initiative's lead team.
CREATE FUNCTION document_team(id text) RETURNS text LANGUAGE sql STABLE AS $$
SELECT coalesce(d.team_id, i.team_id,
                (SELECT team_id FROM project_teams WHERE project_id = d.project_id
                 ORDER BY team_id LIMIT 1),
                (SELECT lead_team_id FROM initiatives WHERE id = d.initiative_id))
FROM documents d LEFT JOIN issues i ON i.id = d.issue_id WHERE d.id = $1
$$;
