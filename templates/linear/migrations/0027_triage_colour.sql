-- The Triage state a team gets when triage is switched on, as Linear's own reads it (a team's
-- exported workflow states, recorded from Linear): colour `#FC7840`, upper-case, and the
-- description "Issue needs to be triaged".
CREATE OR REPLACE FUNCTION team_triage_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.triage_enabled AND first_state(NEW.id, ARRAY['triage']) IS NULL THEN
        INSERT INTO workflow_states (team_id, name, type, color, description, position)
        VALUES (NEW.id, 'Triage', 'triage', '#FC7840', 'Issue needs to be triaged',
                coalesce((SELECT min(position) FROM workflow_states WHERE team_id = NEW.id), 0) - 1);
    END IF;
    RETURN NULL;
END
$$;
