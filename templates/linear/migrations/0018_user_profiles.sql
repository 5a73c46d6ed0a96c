-- Profiles written by `userUpdate`: avatar, description, job title and a status (emoji and
-- label) that lapses at `statusUntilAt`, as Linear's schema describes them.
ALTER TABLE users
    ADD COLUMN avatar_url      text,
    ADD COLUMN description     text,
    ADD COLUMN title           text,
    ADD COLUMN status_emoji    text,
    ADD COLUMN status_label    text,
    ADD COLUMN status_until_at timestamptz;

ALTER FUNCTION user_doc(users, text, text) RENAME TO user_doc_base;
CREATE FUNCTION user_doc(u users, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (user_doc_base(u, base, viewer)::jsonb || jsonb_build_object(
    'avatarUrl', u.avatar_url, 'description', u.description, 'title', u.title,
    'statusEmoji', CASE WHEN lapsed THEN NULL ELSE u.status_emoji END,
    'statusLabel', CASE WHEN lapsed THEN NULL ELSE u.status_label END,
    'statusUntilAt', CASE WHEN lapsed THEN NULL ELSE iso(u.status_until_at) END))::json
FROM (SELECT u.status_until_at IS NOT NULL AND u.status_until_at <= now() AS lapsed) s
$$;
