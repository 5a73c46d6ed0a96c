-- Linear's Agents API: an OAuth app's own user (`app: true`), installed in every workspace,
-- its agent sessions (`AgentSession`: a run of the agent on an issue or a comment thread)
-- and their activities (`AgentActivity`: a thought, action, elicitation, response or error of
-- the agent, or a user's prompt). A session's `status` follows its last activity (see
-- `agent_activity_status`), as Linear tracks it.
ALTER TABLE users ADD COLUMN app boolean NOT NULL DEFAULT false;

-- The app installed in the workspace (`appToken`'s user): assignable and mentionable as
-- `@agent`, created before the seeded people so lists of users end with it.
INSERT INTO users (id, name, display_name, email, app, created_at, updated_at) VALUES
  ('b0000000-0000-4000-8000-0000000000a1', 'Acme Agent', 'agent',
   'b0000000-0000-4000-8000-0000000000a1@oauthapp.linear.app', true,
   '2024-01-01T09:00:00Z', '2024-01-01T09:00:00Z');

ALTER FUNCTION user_doc(users, text, text) RENAME TO user_doc_without_app;
CREATE FUNCTION user_doc(u users, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (user_doc_without_app(u, base, viewer)::jsonb
        || jsonb_build_object('app', u.app, 'supportsAgentSessions', u.app))::json
$$;

-- An app is not one of the workspace's people: `userCount` counts the active people only.
ALTER FUNCTION organization_doc(organization, text) RENAME TO organization_doc_with_apps;
CREATE FUNCTION organization_doc(o organization, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (organization_doc_with_apps(o, base)::jsonb || jsonb_build_object(
    'userCount', (SELECT count(*) FROM users WHERE active AND NOT app)))::json
$$;

CREATE TABLE agent_sessions (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    slug_id           text NOT NULL UNIQUE DEFAULT substr(md5(random()::text), 1, 12),
    app_user_id       text NOT NULL REFERENCES users(id),
    creator_id        text REFERENCES users(id),
    issue_id          text REFERENCES issues(id) ON DELETE CASCADE,
    comment_id        text REFERENCES comments(id) ON DELETE SET NULL,
    source_comment_id text REFERENCES comments(id) ON DELETE SET NULL,
    status            text NOT NULL DEFAULT 'pending',
    started_at        timestamptz,
    ended_at          timestamptz,
    summary           text,
    plan              jsonb,
    external_link     text,
    external_urls     jsonb NOT NULL DEFAULT '[]',
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz
);
CREATE INDEX agent_sessions_created ON agent_sessions (created_at DESC, id DESC);
CREATE INDEX agent_sessions_issue ON agent_sessions (issue_id);
CREATE INDEX agent_sessions_comment ON agent_sessions (comment_id);

CREATE TABLE agent_activities (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    agent_session_id  text NOT NULL REFERENCES agent_sessions(id) ON DELETE CASCADE,
    user_id           text NOT NULL REFERENCES users(id),
    content           jsonb NOT NULL,
    -- The content's type (`thought`, …), for `AgentActivityFilter.type`.
    type              text GENERATED ALWAYS AS (content ->> 'type') STORED,
    ephemeral         boolean NOT NULL DEFAULT false,
    signal            text,
    signal_metadata   jsonb,
    source_comment_id text REFERENCES comments(id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz
);
CREATE INDEX agent_activities_created ON agent_activities (created_at DESC, id DESC);
CREATE INDEX agent_activities_session ON agent_activities (agent_session_id, created_at DESC);

-- The status an activity of `kind` leaves its session in (null: unchanged).
CREATE FUNCTION agent_activity_status(kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT CASE kind
    WHEN 'thought' THEN 'active' WHEN 'action' THEN 'active'
    WHEN 'elicitation' THEN 'awaitingInput' WHEN 'response' THEN 'complete'
    WHEN 'error' THEN 'error' WHEN 'prompt' THEN 'pending' END
$$;

-- Each new activity moves its session: its status, when it started (the first activity
-- making it active) and ended (a response); an ephemeral activity is gone once the next
-- one is made.
CREATE FUNCTION agent_activity_moves_session() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE next_status text := agent_activity_status(NEW.content ->> 'type');
BEGIN
    DELETE FROM agent_activities
    WHERE agent_session_id = NEW.agent_session_id AND ephemeral AND id <> NEW.id;
    UPDATE agent_sessions s SET
        status = coalesce(next_status, s.status),
        started_at = CASE WHEN next_status = 'active' THEN coalesce(s.started_at, now())
                          ELSE s.started_at END,
        ended_at = CASE WHEN next_status = 'complete' THEN now()
                        WHEN next_status IS NULL THEN s.ended_at END,
        updated_at = now()
    WHERE s.id = NEW.agent_session_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER agent_activity_moves_session AFTER INSERT ON agent_activities
    FOR EACH ROW EXECUTE FUNCTION agent_activity_moves_session();

CREATE FUNCTION agent_session_doc(s agent_sessions, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'slugId', s.slug_id, 'appUser', ref(s.app_user_id), 'creator', ref(s.creator_id),
    'issue', ref(s.issue_id), 'comment', ref(s.comment_id),
    'sourceComment', ref(s.source_comment_id), 'status', s.status, 'plan', s.plan::text,
    'externalLink', s.external_link, 'externalLinks', s.external_urls,
    'externalUrls', s.external_urls::text, 'summary', s.summary, 'context', '{}',
    'sourceMetadata', NULL, 'type', 'commentThread',
    'url', (SELECT base || '/issue/' || i.identifier || '/' || i.slug || '#agent-session-' || s.slug_id
            FROM issues i WHERE i.id = s.issue_id),
    'dismissedAt', NULL, 'dismissedBy', NULL, 'startedAt', iso(s.started_at),
    'endedAt', iso(s.ended_at), 'createdAt', iso(s.created_at),
    'updatedAt', iso(s.updated_at), 'archivedAt', iso(s.archived_at))
$$;

-- An activity's content as its union member (`AgentActivityThoughtContent`, …). Values of
-- Linear's `JSON` scalar (a session's `plan`, `context`, `externalUrls`, an activity's
-- `signalMetadata`) are answered JSON-encoded, as Linear answers them (@linear/sdk parses
-- each with `JSON.parse`).
CREATE FUNCTION agent_activity_doc(a agent_activities) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', a.id, 'agentSession', ref(a.agent_session_id), 'user', ref(a.user_id),
    'content', a.content || jsonb_build_object('__typename',
        'AgentActivity' || initcap(a.content ->> 'type') || 'Content'),
    'ephemeral', a.ephemeral, 'signal', a.signal, 'signalMetadata', a.signal_metadata::text,
    'sourceMetadata', NULL, 'sourceComment', ref(a.source_comment_id),
    'createdAt', iso(a.created_at), 'updatedAt', iso(a.updated_at),
    'archivedAt', iso(a.archived_at))
$$;

-- Text as XML character data or an attribute value (`&`, `<`, `>`, `"` escaped).
CREATE FUNCTION xml_text(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT replace(replace(replace(replace(coalesce(t, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;')
$$;

-- A comment as an agent's webhook carries it (`CommentChildWebhookPayload`).
CREATE FUNCTION agent_comment_hook(c comments) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT jsonb_build_object('id', c.id, 'body', c.body, 'userId', c.user_id, 'issueId', c.issue_id)
$$;

-- What a new session asks of its agent, as the `promptContext` of Linear's `created` event
-- gives it: the issue (identifier, title, description, team) and the session's comment
-- thread, each comment with its author and time.
CREATE FUNCTION agent_prompt_context(s agent_sessions) RETURNS text LANGUAGE sql STABLE AS $$
SELECT concat_ws(E'\n',
    (SELECT concat_ws(E'\n', format('<issue identifier="%s">', i.identifier),
                '<title>' || xml_text(i.title) || '</title>',
                '<description>' || xml_text(i.description) || '</description>',
                format('<team name="%s"/>', xml_text(t.name)), '</issue>')
     FROM issues i JOIN teams t ON t.id = i.team_id WHERE i.id = s.issue_id),
    (SELECT format('<primary-directive-thread comment-id="%s">', s.comment_id) || E'\n'
            || string_agg(format('<comment author="%s" created-at="%s">%s</comment>',
                                 xml_text(u.name), iso(c.created_at), xml_text(c.body)),
                          E'\n' ORDER BY c.created_at, c.id)
            || E'\n</primary-directive-thread>'
     FROM comments c LEFT JOIN users u ON u.id = c.user_id
     WHERE c.id = s.comment_id OR c.parent_id = s.comment_id))
$$;

-- The members of an `AgentSessionEvent` webhook for session `s`: `appUserId`, the session
-- (`AgentSessionWebhookPayload`, with its creator, issue and comment), and either the
-- activity `activity` (`prompted`) or, for a new session (`created`, `activity` null),
-- `previousComments` (the thread's comments before the one the session started from) and
-- `promptContext`.
CREATE FUNCTION agent_session_event(s agent_sessions, base text, activity text) RETURNS json
LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'appUserId', s.app_user_id,
    'agentSession', jsonb_build_object(
        'id', s.id, 'appUserId', s.app_user_id,
        'organizationId', (SELECT id FROM organization LIMIT 1),
        'creatorId', s.creator_id,
        'creator', (SELECT jsonb_build_object('id', u.id, 'name', u.name, 'email', u.email,
                        'avatarUrl', u.avatar_url, 'url', base || '/profiles/' || u.display_name)
                    FROM users u WHERE u.id = s.creator_id),
        'issueId', s.issue_id,
        'issue', (SELECT jsonb_build_object('id', i.id, 'title', i.title,
                      'identifier', i.identifier, 'description', i.description,
                      'teamId', i.team_id,
                      'url', base || '/issue/' || i.identifier || '/' || i.slug)
                  FROM issues i WHERE i.id = s.issue_id),
        'commentId', s.comment_id,
        'comment', (SELECT agent_comment_hook(c) FROM comments c WHERE c.id = s.comment_id),
        'sourceCommentId', s.source_comment_id, 'status', s.status, 'type', 'commentThread',
        'summary', s.summary, 'sourceMetadata', NULL,
        'url', (agent_session_doc(s, base)::jsonb ->> 'url'),
        'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at),
        'startedAt', iso(s.started_at), 'endedAt', iso(s.ended_at),
        'archivedAt', iso(s.archived_at)),
    'agentActivity', (SELECT jsonb_build_object('id', a.id,
                          'agentSessionId', a.agent_session_id, 'userId', a.user_id,
                          'content', a.content, 'signal', a.signal,
                          'signalMetadata', a.signal_metadata,
                          'sourceCommentId', a.source_comment_id,
                          'createdAt', iso(a.created_at), 'updatedAt', iso(a.updated_at),
                          'archivedAt', iso(a.archived_at))
                      FROM agent_activities a WHERE a.id = activity),
    'previousComments', CASE WHEN activity IS NULL THEN
        (SELECT coalesce(jsonb_agg(agent_comment_hook(c) ORDER BY c.created_at, c.id), '[]')
         FROM comments c, comments started
         WHERE started.id = coalesce(s.source_comment_id, s.comment_id)
           AND (c.id = s.comment_id OR c.parent_id = s.comment_id)
           AND c.id <> started.id AND c.created_at <= started.created_at) END,
    'promptContext', CASE WHEN activity IS NULL THEN agent_prompt_context(s) END,
    'guidance', NULL)
$$;
