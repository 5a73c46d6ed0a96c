-- Sub-initiatives (`InitiativeRelation`): initiative `related_initiative_id` is a child of
-- `initiative_id`. An initiative has one parent (`parentInitiative`) and is not its own.
CREATE TABLE initiative_relations (
    id                     text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    initiative_id          text NOT NULL REFERENCES initiatives(id),
    related_initiative_id  text NOT NULL UNIQUE REFERENCES initiatives(id),
    sort_order             double precision NOT NULL DEFAULT 0,
    user_id                text REFERENCES users(id),
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    archived_at            timestamptz,
    CHECK (initiative_id <> related_initiative_id)
);
CREATE INDEX initiative_relations_created ON initiative_relations (created_at DESC, id DESC);
CREATE INDEX initiative_relations_parent ON initiative_relations (initiative_id);

CREATE FUNCTION initiative_relation_doc(r initiative_relations) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'initiative', ref(r.initiative_id),
    'relatedInitiative', ref(r.related_initiative_id), 'sortOrder', r.sort_order,
    'user', ref(r.user_id), 'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at),
    'archivedAt', iso(r.archived_at))
$$;

-- An initiative's document as in `0011`, with its parent.
CREATE OR REPLACE FUNCTION initiative_doc(i initiatives, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (initiative_doc_base(i, base)::jsonb || latest_update(i.id) || jsonb_build_object(
    'parentInitiative', (SELECT ref(r.initiative_id) FROM initiative_relations r
                         WHERE r.related_initiative_id = i.id)))::json
$$;
