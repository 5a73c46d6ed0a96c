-- GitHub App authentication: the seeded app's public key and client id, made at provisioning
-- (which runs before the seed, so no foreign key to `apps`), and the renderings of an app and
-- of an installation as `GET /app` and `GET /app/installations` answer them.

CREATE TABLE app_keys (
    app_id     bigint PRIMARY KEY,
    client_id  text   NOT NULL UNIQUE,
    public_key text   NOT NULL
);

-- The permissions every app of the clone is granted (one app is seeded), as `gh_app` renders
-- them.
CREATE FUNCTION gh_app_permissions() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('checks', 'write', 'contents', 'write', 'issues', 'write',
                              'metadata', 'read', 'pull_requests', 'write', 'statuses', 'write')
$$;

-- An app as before, with the client id provisioning made (the renderer of 0003 wrapped, so
-- that check runs and `GET /app` name the same one).
ALTER FUNCTION gh_app(apps, text) RENAME TO gh_app_fixed;
CREATE FUNCTION gh_app(a apps, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_app_fixed(a, b)::jsonb
            || coalesce((SELECT jsonb_build_object('client_id', k.client_id)
                         FROM app_keys k WHERE k.app_id = a.id), '{}'))::json
$$;

-- An installation as GitHub's `installation` schema has it.
CREATE FUNCTION gh_installation(i installations, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id,
        'client_id', (SELECT k.client_id FROM app_keys k WHERE k.app_id = a.id),
        'account', gh_user(u, b),
        'repository_selection', 'all',
        'access_tokens_url', b || '/app/installations/' || i.id || '/access_tokens',
        'repositories_url', b || '/installation/repositories',
        'html_url', b || CASE WHEN u.type = 'Organization'
                              THEN '/organizations/' || u.login || '/settings/installations/' || i.id
                              ELSE '/settings/installations/' || i.id END,
        'app_id', a.id,
        'app_slug', a.slug,
        'target_id', u.id,
        'target_type', u.type,
        'permissions', gh_app_permissions(),
        'events', json_build_array('check_run', 'check_suite', 'issues', 'pull_request', 'push'),
        'created_at', '2023-11-14T22:13:20Z',
        'updated_at', '2023-11-14T22:13:20Z',
        'single_file_name', NULL,
        'has_multiple_single_files', false,
        'single_file_paths', json_build_array(),
        'suspended_by', NULL,
        'suspended_at', NULL)
    FROM apps a, users u WHERE a.id = i.app_id AND u.id = i.account_id
$$;
