-- basic: organization Acme, two users, team ENG with Linear's standard workflow states and
-- three labels, one project, an active cycle (the current week: the only timestamps taken
-- from the clock, so the cycle is active whenever the clone is spun) and six issues — ENG-1
-- has two children, ENG-1 and ENG-4 have comments, ENG-5 blocks ENG-4 and ENG-6 relates to ENG-1;
-- Launch has milestones Beta (ENG-1, ENG-2) and GA; issue templates Bug report (ENG) and
-- Feature request (the workspace's); Launch's document "Launch plan"; initiative "Ship v1"
-- (active, owned by Ada, led by ENG) grouping Launch.

INSERT INTO organization (id, name, url_key, created_at, updated_at) VALUES
  ('a0000000-0000-4000-8000-000000000001', 'Acme', 'acme', '2024-01-02T09:00:00Z', '2024-01-02T09:00:00Z');

INSERT INTO users (id, name, display_name, email, admin, created_at, updated_at) VALUES
  ('b0000000-0000-4000-8000-000000000001', 'Ada Admin', 'ada', 'ada@acme.test', true, '2024-01-02T09:00:00Z', '2024-01-02T09:00:00Z'),
  ('b0000000-0000-4000-8000-000000000002', 'Ben Builder', 'ben', 'ben@acme.test', false, '2024-01-02T09:05:00Z', '2024-01-02T09:05:00Z');

INSERT INTO teams (id, key, name, description, color, icon, issue_seq, created_at, updated_at) VALUES
  ('c0000000-0000-4000-8000-000000000001', 'ENG', 'Engineering', 'Builds the product', '#5e6ad2', 'Code', 6, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z');

INSERT INTO team_members (id, team_id, user_id, created_at) VALUES
  ('c1000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', '2024-01-02T09:10:00Z'),
  ('c1000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', '2024-01-02T09:10:00Z');

INSERT INTO workflow_states (id, team_id, name, type, color, position, created_at, updated_at) VALUES
  ('d0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'Backlog', 'backlog', '#bec2c8', 0, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'Todo', 'unstarted', '#e2e2e2', 1, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'In Progress', 'started', '#f2c94c', 2, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 'In Review', 'started', '#0f783c', 3, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000001', 'Done', 'completed', '#5e6ad2', 4, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000001', 'Canceled', 'canceled', '#95a2b3', 5, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z'),
  ('d0000000-0000-4000-8000-000000000007', 'c0000000-0000-4000-8000-000000000001', 'Duplicate', 'canceled', '#95a2b3', 6, '2024-01-02T09:10:00Z', '2024-01-02T09:10:00Z');

INSERT INTO issue_labels (id, team_id, name, color, description, created_at, updated_at) VALUES
  ('e0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'Bug', '#eb5757', 'Something is broken', '2024-01-02T09:15:00Z', '2024-01-02T09:15:00Z'),
  ('e0000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 'Feature', '#bb87fc', 'New functionality', '2024-01-02T09:15:00Z', '2024-01-02T09:15:00Z'),
  ('e0000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 'Improvement', '#4ea7fc', NULL, '2024-01-02T09:15:00Z', '2024-01-02T09:15:00Z');

INSERT INTO project_statuses (id, name, type, color, position, created_at) VALUES
  ('40000000-0000-4000-8000-000000000001', 'Backlog', 'backlog', '#bec2c8', 0, '2024-01-02T09:00:00Z'),
  ('40000000-0000-4000-8000-000000000002', 'Planned', 'planned', '#e2e2e2', 1, '2024-01-02T09:00:00Z'),
  ('40000000-0000-4000-8000-000000000003', 'In Progress', 'started', '#f2c94c', 2, '2024-01-02T09:00:00Z'),
  ('40000000-0000-4000-8000-000000000004', 'Paused', 'paused', '#95a2b3', 3, '2024-01-02T09:00:00Z'),
  ('40000000-0000-4000-8000-000000000005', 'Completed', 'completed', '#5e6ad2', 4, '2024-01-02T09:00:00Z'),
  ('40000000-0000-4000-8000-000000000006', 'Canceled', 'canceled', '#95a2b3', 5, '2024-01-02T09:00:00Z');
UPDATE project_statuses SET updated_at = created_at;

INSERT INTO projects (id, name, description, slug_id, color, status_id, priority, lead_id, creator_id, start_date, target_date, started_at, created_at, updated_at) VALUES
  ('f0000000-0000-4000-8000-000000000001', 'Launch', 'Ship the first release', '8a1f2c3d4e5f', '#5e6ad2', '40000000-0000-4000-8000-000000000003', 2, 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', '2024-01-08', '2024-03-29', '2024-01-08T09:00:00Z', '2024-01-03T09:00:00Z', '2024-01-03T09:00:00Z');

INSERT INTO project_teams (project_id, team_id) VALUES
  ('f0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001');

INSERT INTO cycles (id, team_id, number, name, starts_at, ends_at, created_at, updated_at) VALUES
  ('10000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 1, 'Cycle 1', date_trunc('week', now()), date_trunc('week', now()) + interval '14 days', '2024-01-03T09:00:00Z', '2024-01-03T09:00:00Z');

INSERT INTO issues (id, team_id, number, identifier, title, description, priority, estimate, state_id, assignee_id, creator_id, parent_id, project_id, cycle_id, label_ids, due_date, sort_order, started_at, completed_at, canceled_at, added_to_cycle_at, added_to_project_at, added_to_team_at, created_at, updated_at) VALUES
  ('20000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 1, 'ENG-1', 'Build the login page', 'Email and password, with a reset link.', 2, 3, 'd0000000-0000-4000-8000-000000000003', 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', NULL, 'f0000000-0000-4000-8000-000000000001', '10000000-0000-4000-8000-000000000001', '{e0000000-0000-4000-8000-000000000002}', '2024-02-01', -100, '2024-01-05T10:00:00Z', NULL, NULL, '2024-01-04T10:00:00Z', '2024-01-04T10:00:00Z', '2024-01-04T10:00:00Z', '2024-01-04T10:00:00Z', '2024-01-05T10:00:00Z'),
  ('20000000-0000-4000-8000-000000000002', 'c0000000-0000-4000-8000-000000000001', 2, 'ENG-2', 'Design the login form', NULL, 3, 1, 'd0000000-0000-4000-8000-000000000005', 'b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', NULL, '{}', NULL, -90, '2024-01-05T11:00:00Z', '2024-01-06T11:00:00Z', NULL, NULL, '2024-01-04T11:00:00Z', '2024-01-04T11:00:00Z', '2024-01-04T11:00:00Z', '2024-01-06T11:00:00Z'),
  ('20000000-0000-4000-8000-000000000003', 'c0000000-0000-4000-8000-000000000001', 3, 'ENG-3', 'Password reset email', 'Send a signed link.', 3, 2, 'd0000000-0000-4000-8000-000000000002', NULL, 'b0000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', NULL, NULL, '{e0000000-0000-4000-8000-000000000002}', NULL, -80, NULL, NULL, NULL, NULL, NULL, '2024-01-04T12:00:00Z', '2024-01-04T12:00:00Z', '2024-01-04T12:00:00Z'),
  ('20000000-0000-4000-8000-000000000004', 'c0000000-0000-4000-8000-000000000001', 4, 'ENG-4', 'Crash when saving an empty profile', 'Stack trace attached in the comments.', 1, NULL, 'd0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', NULL, NULL, '10000000-0000-4000-8000-000000000001', '{e0000000-0000-4000-8000-000000000001}', NULL, -70, NULL, NULL, NULL, '2024-01-04T13:00:00Z', NULL, '2024-01-04T13:00:00Z', '2024-01-04T13:00:00Z', '2024-01-04T13:00:00Z'),
  ('20000000-0000-4000-8000-000000000005', 'c0000000-0000-4000-8000-000000000001', 5, 'ENG-5', 'Upgrade the database driver', NULL, 4, NULL, 'd0000000-0000-4000-8000-000000000001', NULL, 'b0000000-0000-4000-8000-000000000001', NULL, NULL, NULL, '{e0000000-0000-4000-8000-000000000003}', NULL, -60, NULL, NULL, NULL, NULL, NULL, '2024-01-04T14:00:00Z', '2024-01-04T14:00:00Z', '2024-01-04T14:00:00Z'),
  ('20000000-0000-4000-8000-000000000006', 'c0000000-0000-4000-8000-000000000001', 6, 'ENG-6', 'Remove the legacy export', NULL, 0, NULL, 'd0000000-0000-4000-8000-000000000006', NULL, 'b0000000-0000-4000-8000-000000000002', NULL, NULL, NULL, '{}', NULL, -50, NULL, NULL, '2024-01-05T15:00:00Z', NULL, NULL, '2024-01-04T15:00:00Z', '2024-01-04T15:00:00Z', '2024-01-04T15:00:00Z');

INSERT INTO comments (id, issue_id, user_id, body, created_at, updated_at) VALUES
  ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 'Should we support SSO too?', '2024-01-05T12:00:00Z', '2024-01-05T12:00:00Z'),
  ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Later: this is email first.', '2024-01-05T13:00:00Z', '2024-01-05T13:00:00Z'),
  ('30000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000004', 'b0000000-0000-4000-8000-000000000002', 'TypeError: cannot read properties of undefined', '2024-01-05T14:00:00Z', '2024-01-05T14:00:00Z');

INSERT INTO attachments (id, issue_id, creator_id, title, subtitle, url, created_at, updated_at) VALUES
  ('50000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'Login mockups', 'Figma', 'https://example.com/mockups/login', '2024-01-05T09:00:00Z', '2024-01-05T09:00:00Z');


-- ENG-5 (the driver upgrade) blocks ENG-4 (the crash); ENG-6 is related to ENG-1.
INSERT INTO issue_relations (id, issue_id, related_issue_id, type, created_at, updated_at) VALUES
  ('60000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000005', '20000000-0000-4000-8000-000000000004', 'blocks', '2024-01-05T10:00:00Z', '2024-01-05T10:00:00Z'),
  ('60000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000006', '20000000-0000-4000-8000-000000000001', 'related', '2024-01-05T11:00:00Z', '2024-01-05T11:00:00Z');

-- Launch's milestones: Beta (ENG-1 and ENG-2, past its target date) and GA.
INSERT INTO project_milestones (id, project_id, name, description, sort_order, target_date, created_at, updated_at) VALUES
  ('70000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 'Beta', 'Invited users sign in', 1, '2024-02-01', '2024-01-03T09:00:00Z', '2024-01-03T09:00:00Z'),
  ('70000000-0000-4000-8000-000000000002', 'f0000000-0000-4000-8000-000000000001', 'GA', NULL, 2, NULL, '2024-01-03T09:05:00Z', '2024-01-03T09:05:00Z');
UPDATE issues SET project_milestone_id = '70000000-0000-4000-8000-000000000001'
WHERE identifier IN ('ENG-1', 'ENG-2');

-- Issue templates: ENG's Bug report (title prefix, description, High, label Bug) and the
-- workspace's Feature request.
INSERT INTO templates (id, team_id, type, name, description, template_data, sort_order, creator_id, last_updated_by_id, created_at, updated_at) VALUES
  ('80000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', 'issue', 'Bug report', 'For something that is broken', '{"title": "Bug: ", "description": "## Steps to reproduce\n\n## Expected\n\n## Actual", "priority": 2, "labelIds": ["e0000000-0000-4000-8000-000000000001"]}', 1, 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', '2024-01-03T10:00:00Z', '2024-01-03T10:00:00Z'),
  ('80000000-0000-4000-8000-000000000002', NULL, 'issue', 'Feature request', NULL, '{"description": "## Problem\n\n## Proposal", "priority": 3}', 2, 'b0000000-0000-4000-8000-000000000002', 'b0000000-0000-4000-8000-000000000002', '2024-01-03T10:05:00Z', '2024-01-03T10:05:00Z');

-- Launch's document "Launch plan", written by Ada, last edited by Ben.
INSERT INTO documents (id, title, content, slug_id, icon, project_id, owner_id, creator_id, updated_by_id, sort_order, created_at, updated_at) VALUES
  ('90000000-0000-4000-8000-000000000001', 'Launch plan', E'# Launch plan\n\n- [ ] Beta\n- [ ] GA', '5f1a2b3c4d5e', ':rocket:', 'f0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002', 1, '2024-01-03T11:00:00Z', '2024-01-04T11:00:00Z');

-- Initiative "Ship v1", active since the day after it was created, grouping Launch.
INSERT INTO initiatives (id, name, description, slug_id, status, priority, owner_id, creator_id, lead_team_id, target_date, started_at, created_at, updated_at) VALUES
  ('91000000-0000-4000-8000-000000000001', 'Ship v1', 'Everything version 1 needs', '8c2d4e6f8a0b', 'Active', 2, 'b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000001', 'c0000000-0000-4000-8000-000000000001', '2024-06-30', '2024-01-04T09:00:00Z', '2024-01-03T12:00:00Z', '2024-01-04T09:00:00Z');
INSERT INTO initiative_to_projects (id, initiative_id, project_id, sort_order, created_at, updated_at) VALUES
  ('92000000-0000-4000-8000-000000000001', '91000000-0000-4000-8000-000000000001', 'f0000000-0000-4000-8000-000000000001', 0, '2024-01-03T12:00:00Z', '2024-01-03T12:00:00Z');

-- The writes above notify no one: a fixture starts with every inbox empty.
DELETE FROM notifications;
