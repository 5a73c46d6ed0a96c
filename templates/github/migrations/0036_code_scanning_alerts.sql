-- Code scanning alerts, made from the results of SARIF uploads: one a repository for each
-- result of a tool's category, rule and location (`fingerprint`), numbered per repository; and
-- their instances, one an alert for each ref an analysis found it on (`fixed_at` set once a
-- later analysis of the same tool, category and ref no longer has it).
CREATE TABLE code_scanning_alerts (
    repo_id           bigint      NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    number            integer     NOT NULL,
    fingerprint       text        NOT NULL,
    tool_name         text        NOT NULL,
    tool_version      text,
    tool_guid         text,
    category          text        NOT NULL,
    rule              jsonb       NOT NULL,
    severity          text        NOT NULL,
    dismissed_by      bigint      REFERENCES users (id) ON DELETE SET NULL,
    dismissed_at      timestamptz,
    dismissed_reason  text,
    dismissed_comment text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo_id, number),
    UNIQUE (repo_id, fingerprint)
);

CREATE TABLE code_scanning_instances (
    repo_id      bigint      NOT NULL,
    number       integer     NOT NULL,
    ref          text        NOT NULL,
    analysis_id  bigint      NOT NULL,
    commit_sha   text        NOT NULL,
    message      text        NOT NULL,
    location     jsonb       NOT NULL,
    fixed_at     timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo_id, number, ref),
    FOREIGN KEY (repo_id, number) REFERENCES code_scanning_alerts (repo_id, number) ON DELETE CASCADE
);

-- An instance as GitHub answers it (`state` the alert's when it is dismissed).
CREATE FUNCTION gh_code_scanning_instance(i code_scanning_instances, a code_scanning_alerts) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'ref', i.ref, 'analysis_key', a.category, 'environment', '{}', 'category', a.category,
        'state', CASE WHEN a.dismissed_at IS NOT NULL THEN 'dismissed'
                      WHEN i.fixed_at IS NOT NULL THEN 'fixed' ELSE 'open' END,
        'commit_sha', i.commit_sha, 'message', json_build_object('text', i.message),
        'location', i.location, 'classifications', '[]'::json)
$$;

-- An alert's state: dismissed, open while any ref has it, fixed otherwise.
CREATE FUNCTION gh_code_scanning_state(a code_scanning_alerts) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN a.dismissed_at IS NOT NULL THEN 'dismissed'
                WHEN EXISTS (SELECT 1 FROM code_scanning_instances i WHERE i.repo_id = a.repo_id
                             AND i.number = a.number AND i.fixed_at IS NULL) THEN 'open'
                ELSE 'fixed' END
$$;

-- An alert as GitHub answers it; `r` is the repository's API URL, `h` its page, `b` the
-- clone's base. `most_recent_instance` is the instance of `ref` when given, else the latest.
CREATE FUNCTION gh_code_scanning_alert(a code_scanning_alerts, r text, h text, b text, on_ref text)
RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'number', a.number, 'created_at', gh_ts(a.created_at), 'updated_at', gh_ts(a.updated_at),
        'url', r || '/code-scanning/alerts/' || a.number,
        'html_url', h || '/security/code-scanning/' || a.number,
        'instances_url', r || '/code-scanning/alerts/' || a.number || '/instances',
        'state', gh_code_scanning_state(a),
        'fixed_at', CASE WHEN gh_code_scanning_state(a) = 'fixed'
                         THEN (SELECT gh_ts(max(i.fixed_at)) FROM code_scanning_instances i
                               WHERE i.repo_id = a.repo_id AND i.number = a.number) END,
        'dismissed_by', gh_user_id(a.dismissed_by, b), 'dismissed_at', gh_ts(a.dismissed_at),
        'dismissed_reason', a.dismissed_reason, 'dismissed_comment', a.dismissed_comment,
        'rule', a.rule,
        'tool', json_build_object('name', a.tool_name, 'guid', a.tool_guid, 'version', a.tool_version),
        'most_recent_instance', (SELECT gh_code_scanning_instance(i, a) FROM code_scanning_instances i
                                 WHERE i.repo_id = a.repo_id AND i.number = a.number
                                   AND (on_ref IS NULL OR i.ref = on_ref)
                                 ORDER BY i.updated_at DESC, i.ref LIMIT 1))
$$;
