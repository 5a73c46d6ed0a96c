-- Release notes (`ReleaseNote`): a pipeline's notes, each covering some of its releases
-- (`releases`, oldest first; `firstRelease`, `lastRelease`), its Markdown `content` as a
-- `DocumentContent` of its own (the id derived from the note's, as a project's is).
CREATE TABLE release_notes (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    pipeline_id text NOT NULL REFERENCES release_pipelines(id) ON DELETE CASCADE,
    title       text,
    content     text,
    release_ids text[] NOT NULL DEFAULT '{}',
    slug_id     text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT release_notes_slug_id_key UNIQUE (slug_id)
);
CREATE INDEX release_notes_created ON release_notes (created_at DESC, id DESC);
CREATE INDEX release_notes_releases ON release_notes USING gin (release_ids);

CREATE FUNCTION release_note_doc(n release_notes, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', n.id, 'title', n.title, 'slugId', n.slug_id, 'pipeline', ref(n.pipeline_id),
    'pipelineId', n.pipeline_id, 'releaseIds', to_json(n.release_ids), 'content', n.content,
    'url', base || '/release-notes/' || n.slug_id, 'generationStatus', NULL,
    'releaseCount', cardinality(n.release_ids),
    'firstRelease', (SELECT ref(r.id) FROM releases r WHERE r.id = ANY(n.release_ids)
                     ORDER BY r.created_at, r.id LIMIT 1),
    'lastRelease', (SELECT ref(r.id) FROM releases r WHERE r.id = ANY(n.release_ids)
                    ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
    'lastReleaseId', (SELECT r.id FROM releases r WHERE r.id = ANY(n.release_ids)
                      ORDER BY r.created_at DESC, r.id DESC LIMIT 1),
    'documentContent', content_doc(content_id(n.id), n.content, n.created_at, n.updated_at,
                                   'releaseNote', n.id),
    'createdAt', iso(n.created_at), 'updatedAt', iso(n.updated_at), 'archivedAt', iso(n.archived_at))
$$;
