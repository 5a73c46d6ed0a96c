-- Sub-issues (GitHub's sub-issues API): an issue has at most one parent, in a repository of
-- the same owner; a parent's sub-issues are in `position` order (`…/sub_issues/priority`).
CREATE TABLE sub_issues (
    child_id   bigint      PRIMARY KEY REFERENCES issues (id) ON DELETE CASCADE,
    parent_id  bigint      NOT NULL REFERENCES issues (id) ON DELETE CASCADE,
    position   integer     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sub_issues_parent ON sub_issues (parent_id, position);

-- An issue shows its sub-issues' summary and its parent's URL: the rendering of 0002 with them.
ALTER FUNCTION gh_issue(issues, text) RENAME TO gh_issue_without_sub_issues;
CREATE FUNCTION gh_issue(i issues, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_issue_without_sub_issues(i, b)::jsonb
            || jsonb_build_object('sub_issues_summary', (
                   SELECT jsonb_build_object(
                       'total', count(*),
                       'completed', count(*) FILTER (WHERE c.state = 'closed'),
                       'percent_completed', CASE WHEN count(*) = 0 THEN 0
                           ELSE (100 * count(*) FILTER (WHERE c.state = 'closed')) / count(*) END)
                   FROM sub_issues s JOIN issues c ON c.id = s.child_id WHERE s.parent_id = i.id))
            || coalesce((SELECT jsonb_build_object('parent_issue_url',
                                    b || '/repos/' || r.full_name || '/issues/' || p.number)
                         FROM sub_issues s JOIN issues p ON p.id = s.parent_id
                              JOIN repos r ON r.id = p.repo_id
                         WHERE s.child_id = i.id), '{}'::jsonb))::json
$$;

-- A link made or undone changes what the parent (its summary) and the child (its parent's
-- URL) show; a sub-issue closed or reopened changes its parent's summary.
CREATE FUNCTION gh_sub_issue_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM gh_issue_clear(ARRAY[OLD.parent_id, OLD.child_id]);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM gh_issue_clear(ARRAY[NEW.parent_id, NEW.child_id]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER sub_issues_linked AFTER INSERT OR DELETE OR UPDATE OF parent_id, child_id ON sub_issues
    FOR EACH ROW EXECUTE FUNCTION gh_sub_issue_linked();

CREATE FUNCTION gh_sub_issue_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT parent_id FROM sub_issues WHERE child_id = NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER issues_sub_issue_state AFTER UPDATE OF state ON issues FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION gh_sub_issue_state();
