-- Re-requested check suites (`POST …/check-suites/{id}/rerequest`, or one of its runs'
-- `…/check-runs/{id}/rerequest`): GitHub resets the suite to `queued` and clears its
-- conclusion (the runs themselves are not touched) until its app creates or updates a run of
-- it again.
ALTER TABLE check_suites ADD COLUMN rerequested boolean NOT NULL DEFAULT false;

ALTER FUNCTION gh_check_suite(check_suites, text) RENAME TO gh_check_suite_from_runs;
CREATE FUNCTION gh_check_suite(s check_suites, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN s.rerequested
                THEN (gh_check_suite_from_runs(s, b)::jsonb || '{"status": "queued", "conclusion": null}')::json
                ELSE gh_check_suite_from_runs(s, b) END
$$;

-- `PATCH …/check-suites/preferences`: whether each app's suites are made on a push
-- (`auto_trigger_checks`), per repository. Kept and answered; the clone makes no suite on a
-- push either way.
CREATE TABLE check_suite_preferences (
    repo_id bigint  NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    app_id  bigint  NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    setting boolean NOT NULL,
    PRIMARY KEY (repo_id, app_id)
);
