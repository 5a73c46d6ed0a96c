-- `reactionData`, Linear's per-emoji summary of an issue's, comment's, project update's or
-- initiative update's reactions ("grouped by emoji type. Each entry contains the emoji name,
-- count, and the IDs of users who reacted", as Linear's schema describes it): one
-- `{emoji, count, userIds}` per emoji, in the order each emoji was first used: `count` its
-- reactions, `userIds` each user who reacted with it once, in the order they first did.
-- Merged into the documents with `reactions` by `with_reactions`, so an object without
-- reactions keeps its `reactionData: []`.
CREATE OR REPLACE FUNCTION reactions_of(kind text, target text) RETURNS jsonb LANGUAGE sql STABLE AS $$
WITH mine AS (
    SELECT r, r.emoji, r.user_id, r.created_at, r.id FROM reactions r
    -- One arm per kind, so that each can use its column's index.
    WHERE (kind = 'issue' AND r.issue_id = target)
       OR (kind = 'comment' AND r.comment_id = target)
       OR (kind = 'projectUpdate' AND r.project_update_id = target)
       OR (kind = 'initiativeUpdate' AND r.initiative_update_id = target)
), users AS (
    SELECT m.emoji, m.user_id, count(*) AS n, min(m.created_at) AS first_at
    FROM mine m GROUP BY m.emoji, m.user_id
), emojis AS (
    SELECT u.emoji, sum(u.n) AS n, min(u.first_at) AS first_at,
           coalesce(jsonb_agg(u.user_id ORDER BY u.first_at, u.user_id)
                        FILTER (WHERE u.user_id IS NOT NULL), '[]'::jsonb) AS users
    FROM users u GROUP BY u.emoji
)
SELECT jsonb_build_object(
    'reactions', (SELECT jsonb_agg(reaction_doc(m.r)::jsonb ORDER BY m.created_at, m.id) FROM mine m),
    'reactionData', (SELECT jsonb_agg(jsonb_build_object('emoji', e.emoji, 'count', e.n,
                                                         'userIds', e.users)
                                      ORDER BY e.first_at, e.emoji)
                     FROM emojis e))
WHERE EXISTS (SELECT 1 FROM mine)
$$;
