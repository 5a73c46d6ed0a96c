-- `Issue.triagedAt`: when the issue last left a triage state for another (Linear's schema:
-- "The time at which the issue left triage"), set by the statement that moves it.
ALTER TABLE issues ADD COLUMN triaged_at timestamptz;

CREATE FUNCTION issue_triaged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT type FROM workflow_states WHERE id = OLD.state_id) = 'triage'
       AND (SELECT type FROM workflow_states WHERE id = NEW.state_id) IS DISTINCT FROM 'triage' THEN
        NEW.triaged_at := now();
    END IF;
    RETURN NEW;
END $$;
-- BEFORE triggers fire in name order: before `issues_written`, which renders it.
CREATE TRIGGER issues_triaged BEFORE UPDATE OF state_id ON issues
    FOR EACH ROW WHEN (NEW.state_id IS DISTINCT FROM OLD.state_id)
    EXECUTE FUNCTION issue_triaged();

-- Only an issue that left triage pays for the merge.
ALTER FUNCTION issue_body(issues) RENAME TO issue_body_untriaged;
CREATE FUNCTION issue_body(i issues) RETURNS text LANGUAGE sql STABLE AS $$
SELECT CASE WHEN i.triaged_at IS NULL THEN issue_body_untriaged(i)
            ELSE (issue_body_untriaged(i)::jsonb
                  || jsonb_build_object('triagedAt', iso(i.triaged_at)))::text END
$$;
