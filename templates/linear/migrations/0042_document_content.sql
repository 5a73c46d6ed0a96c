-- `DocumentContent`: the content of a project, an initiative or a document as its own object
-- (`project.documentContent`, `initiative.documentContent`, and a comment's on a document,
-- `comment.documentContent`): its Markdown `content` and the one parent it belongs to. A
-- document's content has the id comments name (`documentContentId`); a project's or an
-- initiative's one derived from the parent's id. No Yjs state (`contentState` null), no
-- history (`restoredAt` null).
CREATE FUNCTION content_doc(id text, content text, created timestamptz, updated timestamptz,
                            parent text, parent_id text) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object(
    'id', id, 'content', content, 'contentState', NULL, 'document', NULL,
    'initiative', NULL, 'issue', NULL, 'project', NULL, 'projectMilestone', NULL,
    'aiPromptRules', NULL, 'welcomeMessage', NULL, 'createdAt', iso(created),
    'updatedAt', iso(updated), 'archivedAt', NULL, 'restoredAt', NULL)
    || jsonb_build_object(parent, ref(parent_id))
$$;

-- The id of the content of `parent` (a project's or an initiative's), stable for its life.
CREATE FUNCTION content_id(parent text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT md5('content:' || parent)::uuid::text
$$;

ALTER FUNCTION project_doc(projects, text) RENAME TO project_doc_without_content;
CREATE FUNCTION project_doc(p projects, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (project_doc_without_content(p, base)::jsonb || jsonb_build_object('documentContent',
    content_doc(content_id(p.id), p.content, p.created_at, p.updated_at, 'project', p.id)))::json
$$;

ALTER FUNCTION initiative_doc(initiatives, text) RENAME TO initiative_doc_without_content;
CREATE FUNCTION initiative_doc(i initiatives, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (initiative_doc_without_content(i, base)::jsonb || jsonb_build_object('documentContent',
    content_doc(content_id(i.id), i.content, i.created_at, i.updated_at, 'initiative', i.id)))::json
$$;

ALTER FUNCTION comment_doc(comments, text) RENAME TO comment_doc_without_content;
CREATE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (comment_doc_without_content(c, base)::jsonb || jsonb_build_object('documentContent',
    (SELECT content_doc(d.content_id, d.content, d.created_at, d.updated_at, 'document', d.id)
     FROM documents d WHERE d.content_id = c.document_content_id)))::json
$$;
