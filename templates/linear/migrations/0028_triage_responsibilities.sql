-- Triage responsibility (`TriageResponsibility`): how a team's triage is handled. A team has
-- one (@linear/sdk's documents: "Each team can have one triage responsibility"), which
-- `assign`s an issue entering triage or `notify`s; the responsible users are a manual
-- selection (`userIds`, `assignmentIndex` the one whose turn it is). The clone has no time
-- schedules, so none is ever linked (`timeSchedule` null).
CREATE TABLE triage_responsibilities (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id           text NOT NULL UNIQUE REFERENCES teams(id),
    action            text NOT NULL CHECK (action IN ('assign', 'notify')),
    manual_selection  jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz
);
CREATE INDEX triage_responsibilities_created ON triage_responsibilities (created_at DESC, id DESC);

-- Every user of a manual selection exists (as a foreign key would hold it).
CREATE FUNCTION triage_responsibility_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(NEW.manual_selection->'userIds', '[]')) u(id)
               WHERE NOT EXISTS (SELECT 1 FROM users WHERE users.id = u.id)) THEN
        RAISE foreign_key_violation USING MESSAGE = 'a selected user does not exist',
            CONSTRAINT = 'triage_responsibilities_user_id_fkey';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER triage_responsibilities_users BEFORE INSERT OR UPDATE OF manual_selection
    ON triage_responsibilities FOR EACH ROW EXECUTE FUNCTION triage_responsibility_users();

-- `currentUser` is the selected user whose turn it is: `userIds[assignmentIndex]` (the first
-- without an index; the index wraps around the selection).
CREATE FUNCTION triage_responsibility_doc(r triage_responsibilities) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'action', r.action, 'team', ref(r.team_id),
    'manualSelection', CASE WHEN r.manual_selection IS NOT NULL THEN json_build_object(
        'userIds', coalesce(r.manual_selection->'userIds', '[]'::jsonb),
        'assignmentIndex', r.manual_selection->'assignmentIndex') END,
    'currentUser', ref(r.manual_selection->'userIds'->>(
        coalesce((r.manual_selection->>'assignmentIndex')::int, 0)
        % greatest(jsonb_array_length(coalesce(r.manual_selection->'userIds', '[]')), 1))),
    'timeSchedule', NULL,
    'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at), 'archivedAt', iso(r.archived_at))
$$;

-- A team's document as in `0023`, with its triage responsibility.
CREATE OR REPLACE FUNCTION team_doc(t teams, base text, viewer text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (team_doc_base(t, base, viewer)::jsonb || jsonb_build_object(
    'triageEnabled', t.triage_enabled,
    'triageIssueState', CASE WHEN t.triage_enabled THEN ref(first_state(t.id, ARRAY['triage'])) END,
    'triageResponsibility', (SELECT ref(r.id) FROM triage_responsibilities r
                             WHERE r.team_id = t.id AND r.archived_at IS NULL)
))::json
$$;
