-- Triage (`teamCreate`/`teamUpdate` with `triageEnabled`): a team with triage on has a
-- "Triage" workflow state (type `triage`), made when triage is first switched on and kept
-- after (Linear's schema: "The workflow state into which issues are set when they are
-- opened by non-team members or integrations if triage is enabled"); `triageIssueState` is
-- that state while triage is on.
ALTER TABLE teams ADD COLUMN triage_enabled boolean NOT NULL DEFAULT false;

CREATE FUNCTION team_triage_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.triage_enabled AND first_state(NEW.id, ARRAY['triage']) IS NULL THEN
        INSERT INTO workflow_states (team_id, name, type, color, position)
        VALUES (NEW.id, 'Triage', 'triage', '#fc7840',
                coalesce((SELECT min(position) FROM workflow_states WHERE team_id = NEW.id), 0) - 1);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER teams_triage_state AFTER INSERT OR UPDATE OF triage_enabled ON teams
    FOR EACH ROW WHEN (NEW.triage_enabled) EXECUTE FUNCTION team_triage_state();

ALTER FUNCTION team_doc(teams, text, text) RENAME TO team_doc_base;
CREATE FUNCTION team_doc(t teams, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (team_doc_base(t, base, viewer)::jsonb || jsonb_build_object(
    'triageEnabled', t.triage_enabled,
    'triageIssueState', CASE WHEN t.triage_enabled THEN ref(first_state(t.id, ARRAY['triage'])) END
))::json
$$;
