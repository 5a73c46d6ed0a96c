-- GitHub Actions: a run's earlier attempts (what a rerun replaced) and its job. The clone
-- runs nothing: each attempt of a run has one job, which follows its attempt's status
-- (queued, in progress with its set-up step done, completed with the run's conclusion). A
-- job's id is its run's id times 100 plus its attempt.

CREATE TABLE workflow_run_attempts (
    run_id         bigint      NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
    attempt        bigint      NOT NULL,
    status         text        NOT NULL,
    conclusion     text,
    run_started_at timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (run_id, attempt)
);

-- Run `w` as it was at attempt `a` (its current state when `a` is the current attempt).
CREATE FUNCTION gh_workflow_run_at(w workflow_runs, a bigint) RETURNS workflow_runs
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a = w.run_attempt THEN w ELSE (
        SELECT ROW(w.id, w.repo_id, w.workflow_id, w.name, w.path, w.head_branch, w.head_sha,
                   w.event, p.status, p.conclusion, w.run_number, p.attempt, w.actor_id,
                   w.inputs, w.created_at, p.updated_at, p.run_started_at)::workflow_runs
        FROM workflow_run_attempts p WHERE p.run_id = w.id AND p.attempt = a) END
$$;

-- The job of run `w` (as `gh_workflow_run_at` gives it for one attempt), as GitHub renders one.
CREATE FUNCTION gh_workflow_job(w workflow_runs, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', w.id * 100 + w.run_attempt,
        'run_id', w.id,
        'workflow_name', w.name,
        'head_branch', w.head_branch,
        'run_url', b || '/repos/' || r.full_name || '/actions/runs/' || w.id,
        'run_attempt', w.run_attempt,
        'node_id', gh_node('CR', w.id * 100 + w.run_attempt),
        'head_sha', w.head_sha,
        'url', b || '/repos/' || r.full_name || '/actions/jobs/' || (w.id * 100 + w.run_attempt),
        'html_url', b || '/' || r.full_name || '/actions/runs/' || w.id || '/job/' || (w.id * 100 + w.run_attempt),
        'status', w.status,
        'conclusion', w.conclusion,
        'created_at', gh_ts(w.run_started_at),
        'started_at', gh_ts(w.run_started_at),
        'completed_at', CASE WHEN w.status = 'completed' THEN gh_ts(w.updated_at) END,
        'name', w.name,
        'steps', CASE w.status
            WHEN 'queued' THEN '[]'::json
            WHEN 'in_progress' THEN json_build_array(
                json_build_object('name', 'Set up job', 'status', 'completed', 'conclusion', 'success',
                                  'number', 1, 'started_at', gh_ts(w.run_started_at),
                                  'completed_at', gh_ts(w.updated_at)),
                json_build_object('name', 'Run ' || w.name, 'status', 'in_progress', 'conclusion', NULL,
                                  'number', 2, 'started_at', gh_ts(w.updated_at), 'completed_at', NULL))
            ELSE json_build_array(
                json_build_object('name', 'Set up job', 'status', 'completed', 'conclusion', 'success',
                                  'number', 1, 'started_at', gh_ts(w.run_started_at),
                                  'completed_at', gh_ts(w.run_started_at)),
                json_build_object('name', 'Run ' || w.name, 'status', 'completed', 'conclusion', w.conclusion,
                                  'number', 2, 'started_at', gh_ts(w.run_started_at),
                                  'completed_at', gh_ts(w.updated_at))) END,
        'check_run_url', b || '/repos/' || r.full_name || '/check-runs/' || (w.id * 100 + w.run_attempt),
        'labels', json_build_array('ubuntu-latest'),
        'runner_id', CASE WHEN w.status <> 'queued' THEN 1 END,
        'runner_name', CASE WHEN w.status <> 'queued' THEN 'GitHub Actions 1' END,
        'runner_group_id', CASE WHEN w.status <> 'queued' THEN 1 END,
        'runner_group_name', CASE WHEN w.status <> 'queued' THEN 'GitHub Actions' END)
    FROM repos r WHERE r.id = w.repo_id
$$;
