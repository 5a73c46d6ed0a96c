-- Issue dependencies (GitHub's issue dependencies API): `issue_id` is blocked by `blocker_id`,
-- which may be in any repository the caller can see.
CREATE TABLE issue_dependencies (
    issue_id   bigint      NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    blocker_id bigint      NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, blocker_id)
);
CREATE INDEX issue_dependencies_blocker ON issue_dependencies (blocker_id, created_at);

-- An issue shows how many issues block it and it blocks (open ones, and all).
ALTER FUNCTION gh_issue(issues, text) RENAME TO gh_issue_without_dependencies;
CREATE FUNCTION gh_issue(i issues, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_issue_without_dependencies(i, b)::jsonb
            || jsonb_build_object('issue_dependencies_summary', jsonb_build_object(
                   'blocked_by', (SELECT count(*) FROM issue_dependencies d JOIN issues o ON o.id = d.blocker_id
                                  WHERE d.issue_id = i.id AND o.state = 'open'),
                   'blocking', (SELECT count(*) FROM issue_dependencies d JOIN issues o ON o.id = d.issue_id
                                WHERE d.blocker_id = i.id AND o.state = 'open'),
                   'total_blocked_by', (SELECT count(*) FROM issue_dependencies d WHERE d.issue_id = i.id),
                   'total_blocking', (SELECT count(*) FROM issue_dependencies d WHERE d.blocker_id = i.id))))::json
$$;

-- A dependency made or undone changes both issues' summaries; an issue closed or reopened
-- changes the summaries of the issues on either side of its dependencies.
CREATE FUNCTION gh_issue_dependency_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM gh_issue_clear(ARRAY[OLD.issue_id, OLD.blocker_id]);
    ELSE
        PERFORM gh_issue_clear(ARRAY[NEW.issue_id, NEW.blocker_id]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER issue_dependencies_linked AFTER INSERT OR DELETE ON issue_dependencies
    FOR EACH ROW EXECUTE FUNCTION gh_issue_dependency_linked();

CREATE FUNCTION gh_issue_dependency_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT issue_id FROM issue_dependencies WHERE blocker_id = NEW.id
                                 UNION SELECT blocker_id FROM issue_dependencies WHERE issue_id = NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER issues_dependency_state AFTER UPDATE OF state ON issues FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION gh_issue_dependency_state();
