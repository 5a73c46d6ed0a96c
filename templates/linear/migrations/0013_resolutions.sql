-- Resolved comment threads (`commentResolve`, `commentUnresolve`): a top-level comment is
-- resolved at `resolved_at` by `resolving_user_id`, optionally by one of its replies
-- (`resolving_comment_id`).
ALTER TABLE comments
    ADD COLUMN resolved_at          timestamptz,
    ADD COLUMN resolving_user_id    text REFERENCES users(id),
    ADD COLUMN resolving_comment_id text REFERENCES comments(id);

-- A comment's document as in `0002`, with its resolution, and the `…Id` members of Linear's
-- `CommentWebhookPayload` (`userId`, `resolvingUserId`) for its webhooks.
ALTER FUNCTION comment_doc(comments, text) RENAME TO comment_doc_base;
CREATE FUNCTION comment_doc(c comments, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (comment_doc_base(c, base)::jsonb || jsonb_build_object(
    'userId', c.user_id, 'resolvedAt', iso(c.resolved_at),
    'resolvingUser', ref(c.resolving_user_id), 'resolvingUserId', c.resolving_user_id,
    'resolvingComment', ref(c.resolving_comment_id),
    'resolvingCommentId', c.resolving_comment_id))::json
$$;

-- An attachment's document as in `0002`, with the `…Id` members of Linear's
-- `AttachmentWebhookPayload` (`issueId`, `creatorId`) for its webhooks.
ALTER FUNCTION attachment_doc(attachments) RENAME TO attachment_doc_base;
CREATE FUNCTION attachment_doc(a attachments) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (attachment_doc_base(a)::jsonb
    || jsonb_build_object('issueId', a.issue_id, 'creatorId', a.creator_id))::json
$$;
