-- Inbox notifications (`Notification`, of which the clone makes `IssueNotification`s): what
-- the clone's own writes tell the other people of an issue, as Linear's inbox does, never
-- the actor themself:
--   issueAssignedToYou / issueUnassignedFromYou (`assignments`): the new and the former
--     assignee of an issue;
--   issueNewComment (`commentsAndReplies`): each subscriber of an issue, of a comment on it;
--   issueCommentMention (`mentions`): a user a comment mentions (instead of the above);
--   issueMention (`mentions`): a user an issue's description comes to mention;
--   issueStatusChanged (`statusChanges`): each subscriber, of a move to another state.
-- A mention is `@<displayName>` or a link to `…/profiles/<displayName>`.
CREATE TABLE notifications (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    user_id           text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    actor_id          text REFERENCES users(id) ON DELETE SET NULL,
    type              text NOT NULL,
    category          text NOT NULL,
    issue_id          text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    comment_id        text REFERENCES comments(id) ON DELETE CASCADE,
    read_at           timestamptz,
    snoozed_until_at  timestamptz,
    unsnoozed_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz
);
CREATE INDEX notifications_created ON notifications (created_at DESC, id DESC);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
CREATE INDEX notifications_issue ON notifications (issue_id);

-- Ending a snooze (`snoozedUntilAt` cleared) stamps `unsnoozedAt`.
CREATE FUNCTION notification_unsnoozed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.snoozed_until_at IS NOT NULL AND NEW.snoozed_until_at IS NULL THEN
        NEW.unsnoozed_at := coalesce(NEW.unsnoozed_at, now());
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER notifications_unsnoozed BEFORE UPDATE OF snoozed_until_at ON notifications
    FOR EACH ROW EXECUTE FUNCTION notification_unsnoozed();

CREATE FUNCTION notification_doc(n notifications) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    '__typename', 'IssueNotification', 'id', n.id, 'type', n.type, 'category', n.category,
    'user', ref(n.user_id), 'actor', ref(n.actor_id), 'botActor', NULL,
    'externalUserActor', NULL, 'issue', ref(n.issue_id), 'issueId', n.issue_id,
    'team', ref((SELECT i.team_id FROM issues i WHERE i.id = n.issue_id)),
    'comment', ref(n.comment_id), 'commentId', n.comment_id,
    'parentComment', ref(c.parent_id), 'parentCommentId', c.parent_id,
    'reactionEmoji', NULL, 'subscriptions', NULL,
    'readAt', iso(n.read_at), 'snoozedUntilAt', iso(n.snoozed_until_at),
    'unsnoozedAt', iso(n.unsnoozed_at), 'emailedAt', NULL,
    'createdAt', iso(n.created_at), 'updatedAt', iso(n.updated_at),
    'archivedAt', iso(n.archived_at))
FROM (SELECT (SELECT parent_id FROM comments WHERE id = n.comment_id) AS parent_id) c
$$;

-- The users `text` mentions (`@displayName` or a `/profiles/displayName` link).
CREATE FUNCTION mentioned_users(text text) RETURNS SETOF text LANGUAGE sql STABLE AS $$
SELECT u.id FROM users u
WHERE text IS NOT NULL
  AND text ~* ('((^|[^[:alnum:]_])@|/profiles/)'
                || regexp_replace(u.display_name, '([^[:alnum:]])', '\\\1', 'g')
                || '($|[^[:alnum:]_.-]|\.($|[^[:alnum:]]))')
$$;

-- Queues `kind` (of `category`) on `issue` for each of `people` but the actor.
CREATE FUNCTION notify(people text[], actor text, kind text, category text, issue text,
                       comment text DEFAULT NULL) RETURNS void LANGUAGE sql AS $$
INSERT INTO notifications (user_id, actor_id, type, category, issue_id, comment_id)
SELECT DISTINCT p, actor, kind, category, issue, comment
FROM unnest(people) p
WHERE p IS NOT NULL AND p IS DISTINCT FROM actor
$$;

CREATE FUNCTION issue_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE actor text := coalesce(NEW.updated_by, NEW.creator_id);
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM notify(ARRAY[NEW.assignee_id], actor, 'issueAssignedToYou', 'assignments', NEW.id);
        PERFORM notify(ARRAY(SELECT mentioned_users(NEW.description)), actor, 'issueMention', 'mentions', NEW.id);
        RETURN NULL;
    END IF;
    IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
        PERFORM notify(ARRAY[NEW.assignee_id], actor, 'issueAssignedToYou', 'assignments', NEW.id);
        PERFORM notify(ARRAY[OLD.assignee_id], actor, 'issueUnassignedFromYou', 'assignments', NEW.id);
    END IF;
    IF NEW.state_id IS DISTINCT FROM OLD.state_id THEN
        PERFORM notify(ARRAY(SELECT issue_subscriber_ids(NEW.id)), actor, 'issueStatusChanged', 'statusChanges', NEW.id);
    END IF;
    IF NEW.description IS DISTINCT FROM OLD.description THEN
        PERFORM notify(ARRAY(SELECT mentioned_users(NEW.description)
                             EXCEPT SELECT mentioned_users(OLD.description)),
                       actor, 'issueMention', 'mentions', NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER issues_notify_created AFTER INSERT ON issues FOR EACH ROW
    WHEN (NEW.assignee_id IS NOT NULL OR NEW.description LIKE '%@%' OR NEW.description LIKE '%/profiles/%')
    EXECUTE FUNCTION issue_notifications();
CREATE TRIGGER issues_notify_updated AFTER UPDATE ON issues FOR EACH ROW
    WHEN (NEW.assignee_id IS DISTINCT FROM OLD.assignee_id OR NEW.state_id IS DISTINCT FROM OLD.state_id
          OR NEW.description IS DISTINCT FROM OLD.description)
    EXECUTE FUNCTION issue_notifications();

CREATE FUNCTION comment_notifications() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE mentioned text[] := ARRAY(SELECT mentioned_users(NEW.body));
BEGIN
    PERFORM notify(mentioned, NEW.user_id, 'issueCommentMention', 'mentions', NEW.issue_id, NEW.id);
    PERFORM notify(ARRAY(SELECT issue_subscriber_ids(NEW.issue_id) EXCEPT SELECT unnest(mentioned)),
                   NEW.user_id, 'issueNewComment', 'commentsAndReplies', NEW.issue_id, NEW.id);
    RETURN NULL;
END $$;

CREATE TRIGGER comments_notify AFTER INSERT ON comments FOR EACH ROW
    WHEN (NEW.issue_id IS NOT NULL) EXECUTE FUNCTION comment_notifications();
