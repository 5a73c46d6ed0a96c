-- `Issue.stateHistory`: the spans of time an issue spent in each workflow state, derived from
-- its history rather than stored: the state it was created in (its first state change's
-- `fromStateId`, else its state now) from its creation, then each state it moved to from the
-- change that moved it; a span ends when the next begins (the last is open). A span's id is
-- derived from what began it (the issue's creation, or the change).
CREATE VIEW issue_state_spans AS
SELECT s.id, s.issue_id, s.state_id, s.started_at,
       lead(s.started_at) OVER (PARTITION BY s.issue_id ORDER BY s.started_at, s.seq, s.id)
           AS ended_at,
       s.started_at AS created_at, s.started_at AS updated_at, NULL::timestamptz AS archived_at
FROM (
    SELECT md5(i.id || ':created')::uuid::text AS id, i.id AS issue_id,
           coalesce((SELECT h.changes ->> 'fromStateId' FROM issue_history h
                     WHERE h.issue_id = i.id AND h.changes ? 'toStateId'
                     ORDER BY h.created_at, h.id LIMIT 1), i.state_id) AS state_id,
           i.created_at AS started_at, 0 AS seq
    FROM issues i
    UNION ALL
    SELECT md5(h.id)::uuid::text, h.issue_id, h.changes ->> 'toStateId', h.created_at, 1
    FROM issue_history h
    WHERE h.changes ? 'toStateId'
) s;

CREATE FUNCTION state_span_doc(s issue_state_spans) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object('id', s.id, 'stateId', s.state_id, 'state', ref(s.state_id),
    'startedAt', iso(s.started_at), 'endedAt', iso(s.ended_at))
$$;
