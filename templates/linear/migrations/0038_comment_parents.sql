-- Comments with no issue: a comment is on exactly one of an issue, a project update, an
-- initiative update or a document's content (`commentCreate` with `issueId`,
-- `projectUpdateId`, `initiativeUpdateId` or `documentContentId`), listed by that parent's
-- `comments`. A document's content has an id of its own (`Document.documentContentId`).
ALTER TABLE documents
    ADD COLUMN content_id text NOT NULL DEFAULT gen_random_uuid()::text UNIQUE;

ALTER TABLE comments
    ALTER COLUMN issue_id DROP NOT NULL,
    ADD COLUMN project_update_id text REFERENCES project_updates(id) ON DELETE CASCADE,
    ADD COLUMN initiative_update_id text REFERENCES initiative_updates(id) ON DELETE CASCADE,
    ADD COLUMN document_content_id text REFERENCES documents(content_id) ON DELETE CASCADE,
    ADD CONSTRAINT comments_one_parent
        CHECK (num_nonnulls(issue_id, project_update_id, initiative_update_id, document_content_id) = 1);
CREATE INDEX comments_project_update ON comments (project_update_id, created_at DESC);
CREATE INDEX comments_initiative_update ON comments (initiative_update_id, created_at DESC);
CREATE INDEX comments_document_content ON comments (document_content_id, created_at DESC);

-- A comment's document names its parent (`…Id` and the object); one not on an issue is
-- linked at its parent's URL.
ALTER FUNCTION comment_doc(comments, text) RENAME TO comment_doc_on_issue;
CREATE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (comment_doc_on_issue(c, base)::jsonb || jsonb_build_object(
    'projectUpdate', ref(c.project_update_id), 'projectUpdateId', c.project_update_id,
    'initiativeUpdate', ref(c.initiative_update_id),
    'initiativeUpdateId', c.initiative_update_id,
    'documentContentId', c.document_content_id,
    'url', coalesce(
        comment_doc_on_issue(c, base)->>'url',
        coalesce(
            (SELECT project_update_doc(u, base)->>'url' FROM project_updates u
                WHERE u.id = c.project_update_id),
            (SELECT initiative_update_doc(u, base)->>'url' FROM initiative_updates u
                WHERE u.id = c.initiative_update_id),
            (SELECT document_doc(d, base)->>'url' FROM documents d
                WHERE d.content_id = c.document_content_id)
        ) || '#comment-' || left(c.id, 8))))::json
$$;

ALTER FUNCTION document_doc(documents, text) RENAME TO document_doc_base;
CREATE FUNCTION document_doc(d documents, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (document_doc_base(d, base)::jsonb
    || jsonb_build_object('documentContentId', d.content_id))::json
$$;

-- A project or initiative update counts its comments (archived ones left out).
CREATE FUNCTION live_comments(project_update text, initiative_update text) RETURNS bigint
LANGUAGE sql STABLE AS $$
SELECT count(*) FROM comments c WHERE c.archived_at IS NULL
    AND (c.project_update_id = project_update OR c.initiative_update_id = initiative_update)
$$;

ALTER FUNCTION project_update_doc(project_updates, text) RENAME TO project_update_doc_uncounted;
CREATE FUNCTION project_update_doc(u project_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_update_doc_uncounted(u, base)::jsonb
    || jsonb_build_object('commentCount', live_comments(u.id, NULL)))::json
$$;

ALTER FUNCTION initiative_update_doc(initiative_updates, text) RENAME TO initiative_update_doc_uncounted;
CREATE FUNCTION initiative_update_doc(u initiative_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (initiative_update_doc_uncounted(u, base)::jsonb
    || jsonb_build_object('commentCount', live_comments(NULL, u.id)))::json
$$;
