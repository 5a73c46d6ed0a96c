-- asym:extends basic
-- acme-corp: `basic` grown into Acme Corp (`acme-corp`): three more users (one deactivated)
-- and two more teams, DES (Design) and OPS (Operations, private, no cycles), each with
-- Linear's standard workflow states and a label of its own; basic's labels become workspace
-- labels and ENG gains one; project Redesign (DES and ENG) beside Launch (which OPS joins);
-- an active cycle for DES (the current fortnight: the only clock-derived timestamps); and 12
-- issues per new team with children, comments and fixed timestamps (each new team's first
-- issue blocks its second), beside ENG's six.

UPDATE organization SET name = 'Acme Corp', url_key = 'acme-corp';

INSERT INTO users (id, name, display_name, email, admin, active, created_at, updated_at) VALUES
  ('b0000000-0000-4000-8000-000000000003', 'Cleo Designer', 'cleo', 'cleo@acme.test', false, true, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('b0000000-0000-4000-8000-000000000004', 'Dev Ops', 'dev', 'dev@acme.test', false, true, '2024-01-02T09:15:00Z', '2024-01-02T09:15:00Z'),
  ('b0000000-0000-4000-8000-000000000005', 'Eve Former', 'eve', 'eve@acme.test', false, false, '2024-01-02T09:20:00Z', '2024-01-03T09:00:00Z');

INSERT INTO teams (id, key, name, description, color, icon, private, cycles_enabled, created_at, updated_at) VALUES
  ('c0000000-0000-4000-8000-000000000002', 'DES', 'Design', 'Designs the product', '#bb87fc', 'Palette', false, true, '2024-01-02T10:05:00Z', '2024-01-02T10:05:00Z'),
  ('c0000000-0000-4000-8000-000000000003', 'OPS', 'Operations', 'Keeps it running', '#f2994a', 'Server', true, false, '2024-01-02T10:10:00Z', '2024-01-02T10:10:00Z');

INSERT INTO team_members (id, team_id, user_id, created_at) VALUES
  ('c1000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', '2024-01-02T10:15:00Z'),
  ('c1000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003', '2024-01-02T10:15:00Z'),
  ('c1000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000004', '2024-01-02T10:15:00Z'),
  ('c1000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000002', '2024-01-02T10:15:00Z');

-- The standard states of the new teams: ids d0000000-…-<team><n>.
INSERT INTO workflow_states (id, team_id, name, type, color, position, created_at, updated_at)
SELECT format('d0000000-0000-4000-8000-0000000000%s%s', t.n, s.n), format('c0000000-0000-4000-8000-00000000000%s', t.n),
       s.name, s.type, s.color, s.n - 1, '2024-01-02T10:15:00Z', '2024-01-02T10:15:00Z'
FROM (VALUES (2), (3)) AS t(n),
     (VALUES (1, 'Backlog', 'backlog', '#bec2c8'), (2, 'Todo', 'unstarted', '#e2e2e2'),
             (3, 'In Progress', 'started', '#f2c94c'), (4, 'In Review', 'started', '#0f783c'),
             (5, 'Done', 'completed', '#5e6ad2'), (6, 'Canceled', 'canceled', '#95a2b3'),
             (7, 'Duplicate', 'canceled', '#95a2b3')) AS s(n, name, type, color);

-- basic's labels are the workspace's; each team has one of its own.
UPDATE issue_labels SET team_id = NULL;
INSERT INTO issue_labels (id, team_id, name, color, description, created_at, updated_at) VALUES
  ('e0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'Backend', '#26b5ce', NULL, '2024-01-02T10:20:00Z', '2024-01-02T10:20:00Z'),
  ('e0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000002', 'Research', '#f7c8c1', NULL, '2024-01-02T10:20:00Z', '2024-01-02T10:20:00Z'),
  ('e0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000003', 'Incident', '#ff0000', NULL, '2024-01-02T10:20:00Z', '2024-01-02T10:20:00Z');

INSERT INTO projects (id, name, description, slug_id, color, status_id, priority, lead_id, creator_id, start_date, target_date, started_at, created_at, updated_at) VALUES
  ('f0000000-0000-4000-8000-000000000002', 'Redesign', 'A fresh look', '9b2e3d4f5a6b', '#bb87fc', '40000000-0000-4000-8000-000000000002', 3, 'b0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000003', '2024-04-01', '2024-06-28', NULL, '2024-01-03T09:30:00Z', '2024-01-03T09:30:00Z');

INSERT INTO project_teams (project_id, team_id) VALUES
  ('f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000003'),
  ('f0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002'),
  ('f0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001');

INSERT INTO cycles (id, team_id, number, name, starts_at, ends_at, created_at, updated_at) VALUES
  ('10000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000002', 1, 'Cycle 1', date_trunc('week', now()), date_trunc('week', now()) + interval '14 days', '2024-01-03T09:30:00Z', '2024-01-03T09:30:00Z');

-- Twelve issues per new team, numbered 1–12: states, priorities, assignees and labels cycle
-- through the team's; every fourth issue is a child of the first.
INSERT INTO issues (id, team_id, number, identifier, title, description, priority, estimate, state_id, assignee_id, creator_id, parent_id, project_id, cycle_id, label_ids, sort_order, started_at, completed_at, canceled_at, added_to_team_at, created_at, updated_at)
SELECT format('20000000-0000-4000-8000-0000000%s%s', t.n, lpad(i::text, 4, '0')),
       format('c0000000-0000-4000-8000-00000000000%s', t.n), i, t.key || '-' || i,
       (ARRAY['Investigate slow dashboard', 'Add SSO login', 'Fix crash on export', 'Upgrade dependencies',
              'Write onboarding guide', 'Audit access logs', 'Polish empty states', 'Rotate credentials',
              'Support dark mode', 'Reduce bundle size', 'Archive old projects', 'Alert on failed backups'])[i],
       CASE WHEN i % 3 = 0 THEN NULL ELSE 'Details for ' || t.key || '-' || i END,
       i % 5, CASE WHEN i % 2 = 0 THEN i % 4 + 1 END,
       format('d0000000-0000-4000-8000-0000000000%s%s', t.n, (ARRAY[1, 2, 2, 3, 4, 5, 6, 2, 3, 1, 5, 2])[i]),
       CASE WHEN i % 3 = 1 THEN NULL ELSE t.member END, 'b0000000-0000-4000-8000-000000000001',
       CASE WHEN i % 4 = 0 THEN format('20000000-0000-4000-8000-0000000%s0001', t.n) END,
       CASE WHEN t.n <> 3 AND i <= 4 THEN (ARRAY['f0000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000002'])[t.n] END,
       CASE WHEN t.n <> 3 AND i % 2 = 1 THEN format('10000000-0000-4000-8000-00000000000%s', t.n) END,
       CASE i % 3 WHEN 0 THEN ARRAY['e0000000-0000-4000-8000-000000000001']
                  WHEN 1 THEN ARRAY['e0000000-0000-4000-8000-000000000002', t.label]
                  ELSE ARRAY[]::text[] END,
       -i, NULL, NULL, NULL,
       '2024-01-10T09:00:00Z'::timestamptz + (t.n * 100 + i) * interval '1 hour',
       '2024-01-10T09:00:00Z'::timestamptz + (t.n * 100 + i) * interval '1 hour',
       '2024-01-10T09:00:00Z'::timestamptz + (t.n * 100 + i) * interval '1 hour' + interval '30 minutes'
FROM (VALUES (2, 'DES', 'b0000000-0000-4000-8000-000000000003', 'e0000000-0000-4000-8000-000000000005'),
             (3, 'OPS', 'b0000000-0000-4000-8000-000000000004', 'e0000000-0000-4000-8000-000000000006')) AS t(n, key, member, label),
     generate_series(1, 12) AS i
ORDER BY t.n, i;

-- The state trigger stamps started/completed/canceled with the clock on insert when the
-- seed gives none: pin the new teams' to the fixed timeline instead.
UPDATE issues SET
  started_at = CASE WHEN started_at IS NOT NULL THEN created_at + interval '1 hour' END,
  completed_at = CASE WHEN completed_at IS NOT NULL THEN created_at + interval '2 hours' END,
  canceled_at = CASE WHEN canceled_at IS NOT NULL THEN created_at + interval '2 hours' END
WHERE team_id <> 'c0000000-0000-4000-8000-000000000001';

UPDATE teams SET issue_seq = 12 WHERE key IN ('DES', 'OPS');

INSERT INTO comments (id, issue_id, user_id, body, created_at, updated_at)
SELECT format('30000000-0000-4000-8000-0000000%s%s', t, lpad(i::text, 4, '0')),
       format('20000000-0000-4000-8000-0000000%s%s', t, lpad(i::text, 4, '0')),
       (ARRAY['b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000003'])[t - 1],
       'Looking into this (' || t || '-' || i || ').',
       '2024-02-01T09:00:00Z'::timestamptz + (t * 10 + i) * interval '1 hour',
       '2024-02-01T09:00:00Z'::timestamptz + (t * 10 + i) * interval '1 hour'
FROM generate_series(2, 3) AS t, generate_series(1, 12, 3) AS i;

-- Each new team's first issue blocks its second.
INSERT INTO issue_relations (id, issue_id, related_issue_id, type, created_at, updated_at)
SELECT format('60000000-0000-4000-8000-0000000000%s1', t),
       format('20000000-0000-4000-8000-0000000%s0001', t),
       format('20000000-0000-4000-8000-0000000%s0002', t),
       'blocks', '2024-02-02T09:00:00Z', '2024-02-02T09:00:00Z'
FROM generate_series(2, 3) AS t;

-- The writes above notify no one: a fixture starts with every inbox empty.
DELETE FROM notifications;
