-- Project and initiative comment threads: `commentCreate` with `projectId` or `initiativeId`
-- puts a comment on the project (its overview's thread, `project.comments`) or the
-- initiative itself, linked at its URL.
ALTER TABLE comments
    ADD COLUMN project_id text REFERENCES projects(id) ON DELETE CASCADE,
    ADD COLUMN initiative_id text REFERENCES initiatives(id) ON DELETE CASCADE,
    DROP CONSTRAINT comments_one_parent,
    ADD CONSTRAINT comments_one_parent
        CHECK (num_nonnulls(issue_id, project_update_id, initiative_update_id,
                            document_content_id, project_id, initiative_id) = 1);
CREATE INDEX comments_project ON comments (project_id, created_at DESC);
CREATE INDEX comments_initiative ON comments (initiative_id, created_at DESC);

ALTER FUNCTION comment_doc(comments, text) RENAME TO comment_doc_on_updates;
CREATE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (d || jsonb_build_object(
    'project', ref(c.project_id), 'projectId', c.project_id,
    'initiative', ref(c.initiative_id), 'initiativeId', c.initiative_id,
    'url', coalesce(d->>'url',
        coalesce((SELECT project_doc(p, base)->>'url' FROM projects p WHERE p.id = c.project_id),
                 (SELECT initiative_doc(i, base)->>'url' FROM initiatives i WHERE i.id = c.initiative_id))
        || '#comment-' || left(c.id, 8))))::json
FROM (SELECT comment_doc_on_updates(c, base)::jsonb AS d) AS rendered
$$;
