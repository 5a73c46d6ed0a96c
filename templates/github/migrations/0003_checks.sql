-- Renderers for statuses, GitHub Apps, check runs and check suites.

CREATE FUNCTION gh_app(a apps, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'id', a.id,
            'slug', a.slug,
            'node_id', gh_node('A', a.id),
            'client_id', 'Iv1.' || lpad(to_hex(a.id), 16, '0'),
            'owner', gh_user_id(a.owner_id, b),
            'name', a.name,
            'description', '',
            'external_url', b || '/apps/' || a.slug,
            'html_url', b || '/apps/' || a.slug,
            'created_at', '2023-11-14T22:13:20Z',
            'updated_at', '2023-11-14T22:13:20Z',
            'permissions', json_build_object('checks', 'write', 'contents', 'write', 'issues', 'write',
                                             'metadata', 'read', 'pull_requests', 'write', 'statuses', 'write'),
            'events', json_build_array('check_run', 'check_suite', 'issues', 'pull_request', 'push'))
    );
END $$;

CREATE FUNCTION gh_status(s statuses, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'url', b || '/repos/' || r.full_name || '/statuses/' || s.sha,
            'avatar_url', b || '/avatars/u/' || s.creator_id || '?v=4',
            'id', s.id,
            'node_id', gh_node('SC', s.id),
            'state', s.state,
            'description', s.description,
            'target_url', s.target_url,
            'context', s.context,
            'created_at', gh_ts(s.created_at),
            'updated_at', gh_ts(s.updated_at),
            'creator', gh_user_id(s.creator_id, b))
        FROM repos r WHERE r.id = s.repo_id
    );
END $$;

CREATE FUNCTION gh_check_run(c check_runs, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'id', c.id,
            'head_sha', c.head_sha,
            'node_id', gh_node('CR', c.id),
            'external_id', coalesce(c.external_id, ''),
            'url', b || '/repos/' || r.full_name || '/check-runs/' || c.id,
            'html_url', b || '/' || r.full_name || '/runs/' || c.id,
            'details_url', coalesce(c.details_url, b || '/' || r.full_name || '/runs/' || c.id),
            'status', c.status,
            'conclusion', c.conclusion,
            'started_at', gh_ts(c.started_at),
            'completed_at', gh_ts(c.completed_at),
            'output', json_build_object(
                'title', c.output->'title',
                'summary', c.output->'summary',
                'text', c.output->'text',
                'annotations_count', 0,
                'annotations_url', b || '/repos/' || r.full_name || '/check-runs/' || c.id || '/annotations'),
            'name', c.name,
            'check_suite', json_build_object('id', c.suite_id),
            'app', (SELECT gh_app(a, b) FROM check_suites s JOIN apps a ON a.id = s.app_id WHERE s.id = c.suite_id),
            'pull_requests', '[]'::json)
        FROM repos r WHERE r.id = c.repo_id
    );
END $$;

-- A commit as check suites and workflow runs show it (`head_commit`).
CREATE FUNCTION gh_head_commit(repo bigint, sha text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
               'id', g.sha, 'tree_id', g.tree, 'message', g.message,
               'timestamp', gh_ts(g.committer_date),
               'author', json_build_object('name', g.author_name, 'email', g.author_email),
               'committer', json_build_object('name', g.committer_name, 'email', g.committer_email))
    FROM git_commits g WHERE g.repo_id = repo AND g.sha = gh_head_commit.sha
$$;

CREATE FUNCTION gh_check_suite(s check_suites, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'id', s.id,
            'node_id', gh_node('CS', s.id),
            'head_branch', s.head_branch,
            'head_sha', s.head_sha,
            'status', CASE WHEN bool_and(c.status = 'completed') THEN 'completed'
                           WHEN bool_or(c.status = 'in_progress') THEN 'in_progress' ELSE 'queued' END,
            'conclusion', CASE WHEN NOT bool_and(c.status = 'completed') OR count(c.id) = 0 THEN NULL
                               WHEN bool_or(c.conclusion IN ('failure', 'timed_out', 'action_required', 'cancelled')) THEN 'failure'
                               ELSE 'success' END,
            'url', b || '/repos/' || r.full_name || '/check-suites/' || s.id,
            'before', NULL,
            'after', s.head_sha,
            'pull_requests', '[]'::json,
            'app', (SELECT gh_app(a, b) FROM apps a WHERE a.id = s.app_id),
            'created_at', gh_ts(s.created_at),
            'updated_at', gh_ts(s.updated_at),
            'rerequestable', true,
            'runs_rerequestable', false,
            'latest_check_runs_count', count(c.id),
            'check_runs_url', b || '/repos/' || r.full_name || '/check-suites/' || s.id || '/check-runs',
            'head_commit', gh_head_commit(s.repo_id, s.head_sha),
            'repository', (SELECT gh_repo(o, b, NULL) FROM repos o WHERE o.id = s.repo_id))
        FROM repos r LEFT JOIN check_runs c ON c.suite_id = s.id
        WHERE r.id = s.repo_id
        GROUP BY r.full_name
    );
END $$;
