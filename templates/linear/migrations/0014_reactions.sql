-- Emoji reactions (`reactionCreate`, `reactionDelete`) on exactly one issue, comment, project
-- update or initiative update, answered in that object's `reactions` (oldest first). A
-- reaction goes with what it is on.
CREATE TABLE reactions (
    id                    text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    emoji                 text NOT NULL,
    user_id               text REFERENCES users(id),
    issue_id              text REFERENCES issues(id) ON DELETE CASCADE,
    comment_id            text REFERENCES comments(id) ON DELETE CASCADE,
    project_update_id     text REFERENCES project_updates(id) ON DELETE CASCADE,
    initiative_update_id  text REFERENCES initiative_updates(id) ON DELETE CASCADE,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    archived_at           timestamptz,
    CHECK (num_nonnulls(issue_id, comment_id, project_update_id, initiative_update_id) = 1)
);
CREATE INDEX reactions_issue ON reactions (issue_id);
CREATE INDEX reactions_comment ON reactions (comment_id);
CREATE INDEX reactions_project_update ON reactions (project_update_id);
CREATE INDEX reactions_initiative_update ON reactions (initiative_update_id);

-- A reaction, with the `…Id` members of Linear's `ReactionWebhookPayload` for its webhooks.
CREATE FUNCTION reaction_doc(r reactions) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'emoji', r.emoji, 'user', ref(r.user_id), 'userId', r.user_id,
    'issue', ref(r.issue_id), 'issueId', r.issue_id, 'comment', ref(r.comment_id),
    'commentId', r.comment_id, 'projectUpdate', ref(r.project_update_id),
    'projectUpdateId', r.project_update_id, 'initiativeUpdate', ref(r.initiative_update_id),
    'initiativeUpdateId', r.initiative_update_id, 'externalUser', NULL,
    'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at),
    'archivedAt', iso(r.archived_at))
$$;

-- `{reactions}`: the reactions on the `kind` (`issue`, `comment`, `projectUpdate`,
-- `initiativeUpdate`) `target`, oldest first, to merge into its document; NULL when it has
-- none (its document's own `reactions: []` then stands).
CREATE FUNCTION reactions_of(kind text, target text) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object('reactions', jsonb_agg(reaction_doc(r)::jsonb ORDER BY r.created_at, r.id))
FROM reactions r
-- One arm per kind, so that each can use its column's index.
WHERE (kind = 'issue' AND r.issue_id = target)
   OR (kind = 'comment' AND r.comment_id = target)
   OR (kind = 'projectUpdate' AND r.project_update_id = target)
   OR (kind = 'initiativeUpdate' AND r.initiative_update_id = target)
HAVING count(*) > 0
$$;

-- `doc` with `reactions` (from `reactions_of`) merged in; `doc` as it is, text, key order and
-- all, when there are none (most objects: no `jsonb` round trip on their writes and reads).
CREATE FUNCTION with_reactions(doc text, reactions jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE WHEN reactions IS NULL THEN doc ELSE (doc::jsonb || reactions)::text END
$$;

-- The documents as before, with their reactions. An issue's is stored (`issues.body`), so a
-- reaction on one renders it again.
-- `reacted` says whether it has any (kept by `reaction_on_issue`), so that rendering an
-- issue without reactions (every insert: the render runs while the issue's team row is
-- locked for its number) neither runs nor plans `reactions_of`.
ALTER TABLE issues ADD COLUMN reacted boolean NOT NULL DEFAULT false;
ALTER FUNCTION issue_body(issues) RENAME TO issue_body_base;
CREATE FUNCTION issue_body(i issues) RETURNS text LANGUAGE sql STABLE AS $$
SELECT CASE WHEN i.reacted THEN with_reactions(issue_body_base(i), reactions_of('issue', i.id))
            ELSE issue_body_base(i) END
$$;

ALTER FUNCTION comment_doc(comments, text) RENAME TO comment_doc_resolved;
CREATE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT with_reactions(comment_doc_resolved(c, base)::text, reactions_of('comment', c.id))::json
$$;

ALTER FUNCTION project_update_doc(project_updates, text) RENAME TO project_update_doc_base;
CREATE FUNCTION project_update_doc(u project_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT with_reactions(project_update_doc_base(u, base)::text, reactions_of('projectUpdate', u.id))::json
$$;

ALTER FUNCTION initiative_update_doc(initiative_updates, text) RENAME TO initiative_update_doc_base;
CREATE FUNCTION initiative_update_doc(u initiative_updates, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT with_reactions(initiative_update_doc_base(u, base)::text, reactions_of('initiativeUpdate', u.id))::json
$$;

-- An issue's stored document follows its reactions (`issues_written` renders it on any
-- update; nothing else of the issue changes, so no history is recorded).
CREATE FUNCTION reaction_on_issue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE issues SET body = NULL,
        reacted = EXISTS (SELECT 1 FROM reactions r WHERE r.issue_id = issues.id)
    WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.issue_id ELSE NEW.issue_id END;
    RETURN NULL;
END $$;

CREATE TRIGGER reactions_rendered AFTER INSERT OR DELETE ON reactions
    FOR EACH ROW EXECUTE FUNCTION reaction_on_issue();
