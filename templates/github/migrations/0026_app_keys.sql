-- GitHub App authentication: the seeded app's public key and client id, made at provisioning
-- (which runs before the seed, so no foreign key to `apps`), and the renderings of an app and
-- of an installation as `GET /app` and `GET /app/installations` answer them.

CREATE TABLE app_keys (
    app_id     bigint PRIMARY KEY,
    client_id  text   NOT NULL UNIQUE,
    public_key text   NOT NULL
);

-- The permissions every app of the clone is granted (one app is seeded).
CREATE FUNCTION gh_app_permissions() RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('checks', 'write', 'contents', 'write', 'issues', 'write',
                              'metadata', 'read', 'pull_requests', 'write', 'statuses', 'write')
$$;

CREATE OR REPLACE FUNCTION gh_app(a apps, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'id', a.id,
            'slug', a.slug,
            'node_id', gh_node('A', a.id),
            'client_id', coalesce((SELECT k.client_id FROM app_keys k WHERE k.app_id = a.id),
                                  'Iv1.' || lpad(to_hex(a.id), 16, '0')),
            'owner', gh_user_id(a.owner_id, b),
            'name', a.name,
            'description', '',
            'external_url', b || '/apps/' || a.slug,
            'html_url', b || '/apps/' || a.slug,
            'created_at', '2023-11-14T22:13:20Z',
            'updated_at', '2023-11-14T22:13:20Z',
            'permissions', gh_app_permissions(),
            'events', json_build_array('check_run', 'check_suite', 'issues', 'pull_request', 'push'))
    );
END $$;

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
