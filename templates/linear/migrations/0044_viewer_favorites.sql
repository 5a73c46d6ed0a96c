-- `Issue.favorite` and `Project.favorite`: the viewer's favorite of it (the first made, if
-- several), else null. Favorites are personal, so the documents the clone reads for a
-- viewer (`entity::ISSUE_DOC`, `entity::PROJECT_DOC`) look it up in the row's own statement
-- and pass its id here: a list of issues stays one statement (the projection's). These
-- functions take no subquery themselves, so Postgres inlines them into that statement as it
-- does the two-argument documents (the stored issue body, webhooks), which carry none.
CREATE INDEX favorites_viewer_issue ON favorites (owner_id, issue_id, created_at, id)
    WHERE issue_id IS NOT NULL;
CREATE INDEX favorites_viewer_project ON favorites (owner_id, project_id, created_at, id)
    WHERE project_id IS NOT NULL;

-- Written out rather than over `issue_doc(i, base)`: the stored body is copied once.
CREATE FUNCTION issue_doc(i issues, base text, favorite text) RETURNS text LANGUAGE sql STABLE AS $$
SELECT '{"favorite" : ' || coalesce('{"id" : ' || to_json(favorite)::text || '}', 'null')
    || ', "url" : ' || to_json(base || '/issue/' || i.identifier || '/' || i.slug)::text || ', '
    || substr(coalesce(i.body, issue_body(i)), 2)
$$;

CREATE FUNCTION project_doc(p projects, base text, favorite text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_doc(p, base)::jsonb || jsonb_build_object('favorite', ref(favorite)))::json
$$;
