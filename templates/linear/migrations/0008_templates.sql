-- Templates (`Template`): pre-filled attributes of an issue, project or document, for one team
-- or (team null) the whole workspace. `template_data` holds the JSON the API answers as a
-- JSON-encoded string; an issue template's keys are `IssueCreateInput` fields, which
-- `issueCreate(input: {templateId})` applies under the input's own values.
CREATE TABLE templates (
    id                  text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id             text REFERENCES teams(id),
    type                text NOT NULL,
    name                text NOT NULL,
    description         text,
    color               text,
    icon                text,
    template_data       jsonb NOT NULL,
    sort_order          double precision NOT NULL DEFAULT 0,
    creator_id          text REFERENCES users(id),
    last_updated_by_id  text REFERENCES users(id),
    inherited_from_id   text REFERENCES templates(id),
    last_applied_at     timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    archived_at         timestamptz
);
CREATE INDEX templates_team ON templates (team_id, created_at);

-- `content` is the markdown body the template pre-fills: an issue template's description.
CREATE FUNCTION template_doc(t templates) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', t.id, 'name', t.name, 'description', t.description, 'type', t.type,
    'color', t.color, 'icon', t.icon, 'templateData', t.template_data::text,
    'content', CASE WHEN jsonb_typeof(t.template_data -> 'description') = 'string'
                    THEN t.template_data ->> 'description' END,
    'sortOrder', t.sort_order, 'createdAt', iso(t.created_at), 'updatedAt', iso(t.updated_at),
    'archivedAt', iso(t.archived_at), 'lastAppliedAt', iso(t.last_applied_at),
    'team', ref(t.team_id), 'creator', ref(t.creator_id),
    'lastUpdatedBy', ref(t.last_updated_by_id), 'inheritedFrom', ref(t.inherited_from_id),
    'pipeline', NULL)
$$;
