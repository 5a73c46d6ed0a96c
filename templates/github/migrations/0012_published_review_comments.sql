-- A pull request's `review_comments` counts the published ones: a pending review's comments
-- are its author's alone, so no one's count shows them (0004 counted every comment).
ALTER FUNCTION gh_pull(issues, pulls, text) RENAME TO gh_pull_all_counted;
CREATE FUNCTION gh_pull(i issues, p pulls, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_pull_all_counted(i, p, b)::jsonb || jsonb_build_object('review_comments',
        (SELECT count(*) FROM review_comments c WHERE c.issue_id = i.id AND NOT EXISTS (
             SELECT 1 FROM reviews v WHERE v.id = c.review_id AND v.state = 'PENDING'))))::json
$$;
-- The simple shape has no count: it renders without counting twice.
CREATE OR REPLACE FUNCTION gh_pull_simple(i issues, p pulls, b text) RETURNS jsonb LANGUAGE sql STABLE AS $$
    SELECT gh_pull_all_counted(i, p, b)::jsonb - '{merged,merged_by,comments,review_comments,maintainer_can_modify}'::text[]
$$;
