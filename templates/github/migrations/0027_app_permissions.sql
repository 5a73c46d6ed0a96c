-- The app's permissions in one place: `gh_app_permissions()` (0026), which provisioning and
-- minting copy into the installation tokens they make and `GET /app/installations` renders.
-- An app (`GET /app`, a check run's `app`) rendered its own copy (0003); it now renders the
-- function's.
CREATE OR REPLACE FUNCTION gh_app(a apps, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_app_fixed(a, b)::jsonb
            || jsonb_build_object('permissions', gh_app_permissions())
            || coalesce((SELECT jsonb_build_object('client_id', k.client_id)
                         FROM app_keys k WHERE k.app_id = a.id), '{}'))::json
$$;
