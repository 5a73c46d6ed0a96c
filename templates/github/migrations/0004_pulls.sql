-- Renderers for pull requests, reviews and review comments. A pull request's head and base
-- shas follow their branches while it is open.

-- The repository pull request p of repository repo takes its head from: repo itself, or the fork
-- (NULL once the fork is deleted).
CREATE FUNCTION gh_pull_head_repo(p pulls, repo bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p.head_user_id IS NULL THEN repo ELSE p.head_repo_id END
$$;

CREATE FUNCTION gh_pull(i issues, p pulls, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (jsonb_build_object(
            'url', ru || '/pulls/' || i.number,
            'id', i.id,
            'node_id', gh_node('PR', i.id),
            'html_url', hu || '/pull/' || i.number,
            'diff_url', hu || '/pull/' || i.number || '.diff',
            'patch_url', hu || '/pull/' || i.number || '.patch',
            'issue_url', ru || '/issues/' || i.number,
            'commits_url', ru || '/pulls/' || i.number || '/commits',
            'review_comments_url', ru || '/pulls/' || i.number || '/comments',
            'review_comment_url', ru || '/pulls/comments{/number}',
            'comments_url', ru || '/issues/' || i.number || '/comments',
            'statuses_url', ru || '/statuses/' || hs,
            'number', i.number,
            'state', i.state,
            'locked', i.locked,
            'title', i.title,
            'user', j->'user',
            'body', i.body,
            'labels', j->'labels',
            'milestone', j->'milestone',
            'active_lock_reason', i.active_lock_reason,
            'created_at', gh_ts(i.created_at),
            'updated_at', gh_ts(i.updated_at),
            'closed_at', gh_ts(i.closed_at),
            'merged_at', gh_ts(p.merged_at),
            'merge_commit_sha', p.merge_commit_sha,
            'assignee', j->'assignee',
            'assignees', j->'assignees',
            'requested_reviewers', (SELECT coalesce(jsonb_agg(gh_user(u, b) ORDER BY a.ord), '[]')
                                    FROM unnest(p.requested_reviewer_ids) WITH ORDINALITY AS a(uid, ord)
                                    JOIN users u ON u.id = a.uid),
            'requested_teams', '[]'::jsonb,
            'head', jsonb_build_object('label', ho.login || ':' || p.head_ref, 'ref', p.head_ref, 'sha', hs,
                                       'user', gh_user(ho, b),
                                       'repo', CASE WHEN hr.id = r.id THEN rj WHEN hr.id IS NOT NULL THEN gh_repo(hr, b, NULL)::jsonb END),
            'base', jsonb_build_object('label', o.login || ':' || p.base_ref, 'ref', p.base_ref, 'sha', bs,
                                       'user', gh_user(o, b), 'repo', rj))
        || jsonb_build_object(
            '_links', jsonb_build_object(
                'self', jsonb_build_object('href', ru || '/pulls/' || i.number),
                'html', jsonb_build_object('href', hu || '/pull/' || i.number),
                'issue', jsonb_build_object('href', ru || '/issues/' || i.number),
                'comments', jsonb_build_object('href', ru || '/issues/' || i.number || '/comments'),
                'review_comments', jsonb_build_object('href', ru || '/pulls/' || i.number || '/comments'),
                'review_comment', jsonb_build_object('href', ru || '/pulls/comments{/number}'),
                'commits', jsonb_build_object('href', ru || '/pulls/' || i.number || '/commits'),
                'statuses', jsonb_build_object('href', ru || '/statuses/' || hs)),
            'author_association', j->'author_association',
            'auto_merge', NULL,
            'draft', p.draft,
            'merged', p.merged_at IS NOT NULL,
            'merged_by', gh_user_id(p.merged_by_id, b),
            'comments', i.comments,
            'review_comments', (SELECT count(*) FROM review_comments c WHERE c.issue_id = i.id),
            'maintainer_can_modify', p.maintainer_can_modify))::json
        FROM repos r JOIN users o ON o.id = r.owner_id
             JOIN users ho ON ho.id = coalesce(p.head_user_id, r.owner_id)
             LEFT JOIN repos hr ON hr.id = gh_pull_head_repo(p, r.id),
             LATERAL (SELECT b || '/repos/' || r.full_name AS ru, b || '/' || r.full_name AS hu,
                             gh_issue(i, b)::jsonb AS j, gh_repo(r, b, NULL)::jsonb AS rj,
                             coalesce((SELECT g.sha FROM git_refs g WHERE i.state = 'open' AND g.repo_id = hr.id
                                       AND g.ref = 'refs/heads/' || p.head_ref), p.head_sha) AS hs,
                             coalesce((SELECT g.sha FROM git_refs g WHERE i.state = 'open' AND g.repo_id = r.id
                                       AND g.ref = 'refs/heads/' || p.base_ref), p.base_sha) AS bs) x
        WHERE r.id = i.repo_id
    );
END $$;

-- A pull request as lists and reviewer requests show it: without the full one's merge and count fields.
CREATE FUNCTION gh_pull_simple(i issues, p pulls, b text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT gh_pull(i, p, b)::jsonb - '{merged,merged_by,comments,review_comments,maintainer_can_modify}'::text[]
$$;

CREATE FUNCTION gh_review(v reviews, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (json_build_object(
            'id', v.id,
            'node_id', gh_node('PRR', v.id),
            'user', gh_user_id(v.user_id, b),
            'body', v.body,
            'state', v.state,
            'html_url', b || '/' || r.full_name || '/pull/' || i.number || '#pullrequestreview-' || v.id,
            'pull_request_url', b || '/repos/' || r.full_name || '/pulls/' || i.number,
            'author_association', gh_association(r.id, v.user_id),
            '_links', json_build_object(
                'html', json_build_object('href', b || '/' || r.full_name || '/pull/' || i.number || '#pullrequestreview-' || v.id),
                'pull_request', json_build_object('href', b || '/repos/' || r.full_name || '/pulls/' || i.number)),
            'commit_id', v.commit_id)::jsonb
        -- A pending review has no submitted_at.
        || CASE WHEN v.submitted_at IS NULL THEN '{}'
           ELSE jsonb_build_object('submitted_at', gh_ts(v.submitted_at)) END)::json
        FROM issues i JOIN repos r ON r.id = i.repo_id WHERE i.id = v.issue_id
    );
END $$;

CREATE FUNCTION gh_review_comment(c review_comments, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (json_build_object(
            'url', ru || '/pulls/comments/' || c.id,
            'pull_request_review_id', c.review_id,
            'id', c.id,
            'node_id', gh_node('PRRC', c.id),
            'diff_hunk', '@@ -1 +1 @@',
            'path', c.path,
            'position', c.line,
            'original_position', c.line,
            'commit_id', c.commit_id,
            'original_commit_id', c.commit_id,
            'user', gh_user_id(c.user_id, b),
            'body', c.body,
            'created_at', gh_ts(c.created_at),
            'updated_at', gh_ts(c.updated_at),
            'html_url', b || '/' || r.full_name || '/pull/' || i.number || '#discussion_r' || c.id,
            'pull_request_url', ru || '/pulls/' || i.number,
            'author_association', gh_association(r.id, c.user_id),
            '_links', json_build_object(
                'self', json_build_object('href', ru || '/pulls/comments/' || c.id),
                'html', json_build_object('href', b || '/' || r.full_name || '/pull/' || i.number || '#discussion_r' || c.id),
                'pull_request', json_build_object('href', ru || '/pulls/' || i.number)),
            'reactions', gh_reactions('review_comment', c.id, ru || '/pulls/comments/' || c.id || '/reactions'),
            'start_line', NULL,
            'original_start_line', NULL,
            'start_side', NULL,
            'line', c.line,
            'original_line', c.line,
            'side', c.side,
            'subject_type', 'line')::jsonb
        -- Only a reply has in_reply_to_id.
        || CASE WHEN c.in_reply_to_id IS NULL THEN '{}'
           ELSE jsonb_build_object('in_reply_to_id', c.in_reply_to_id) END)::json
        FROM issues i JOIN repos r ON r.id = i.repo_id,
             LATERAL (SELECT b || '/repos/' || r.full_name AS ru) x
        WHERE i.id = c.issue_id
    );
END $$;
