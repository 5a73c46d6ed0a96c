-- Teams written through the API (`teamCreate`, `teamUpdate`, `teamDelete`). A new team gets
-- Linear's default workflow states (those every seeded team has, with their colours) and its
-- creator as a member and owner, as Linear's schema says of `teamCreate`.
ALTER TABLE teams ALTER COLUMN id SET DEFAULT gen_random_uuid()::text;

CREATE FUNCTION team_created(team text, creator text) RETURNS void LANGUAGE sql AS $$
INSERT INTO workflow_states (team_id, name, type, color, position) VALUES
    (team, 'Backlog', 'backlog', '#bec2c8', 0),
    (team, 'Todo', 'unstarted', '#e2e2e2', 1),
    (team, 'In Progress', 'started', '#f2c94c', 2),
    (team, 'In Review', 'started', '#0f783c', 3),
    (team, 'Done', 'completed', '#5e6ad2', 4),
    (team, 'Canceled', 'canceled', '#95a2b3', 5),
    (team, 'Duplicate', 'canceled', '#95a2b3', 6);
INSERT INTO team_members (team_id, user_id, owner) VALUES (team, creator, true);
$$;
