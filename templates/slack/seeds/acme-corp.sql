-- asym:extends basic
-- Seed `acme-corp`: everything in `basic`, grown into a livelier Acme Corp. Deterministic:
-- fixed ids, fixed times, fixed `ts`.
--
--   team  T0000000001  Acme Corp (acme-corp)
--   users as in basic, alice with a status and a phone, plus
--         U0000000006 dave (Backend, Europe/Berlin)  U0000000007 erin (Support, away)
--         U0000000008 frank (Sales, America/New_York)  U0000000009 grace (deactivated)
--   #general     C0000000001  everyone, the bot included; its own two messages instead of
--                             basic's conversation
--   #random      C0000000002  every person, not the bot
--   #engineering C0000000003  alice, bob, dave, the bot; a thread, reactions, a pin, a file
--   #leadership  C0000000004  private: admin, alice, frank
--   #old-project C0000000005  archived
--   DM alice↔bob D0000000001

UPDATE teams SET name = 'Acme Corp', domain = 'acme-corp' WHERE id = 'T0000000001';

UPDATE users
SET status_text = 'In a meeting', status_emoji = ':calendar:', phone = '+1 555 0100'
WHERE id = 'U0000000003';

INSERT INTO users (id, team_id, name, real_name, display_name, email, title, tz, presence,
                   status_text, status_emoji, deleted, updated) VALUES
    ('U0000000006', 'T0000000001', 'dave', 'Dave Dietrich', 'dave', 'dave@acme.test',
     'Backend Engineer', 'Europe/Berlin', 'active', 'Focus time', ':headphones:', false,
     1700000000),
    ('U0000000007', 'T0000000001', 'erin', 'Erin Evans', 'erin', 'erin@acme.test',
     'Support Lead', 'America/Chicago', 'away', 'On vacation', ':palm_tree:', false,
     1700000000),
    ('U0000000008', 'T0000000001', 'frank', 'Frank Fischer', 'frank', 'frank@acme.test',
     'Head of Sales', 'America/New_York', 'active', '', '', false, 1700000000),
    ('U0000000009', 'T0000000001', 'grace', 'Grace Gray', 'grace', 'grace@acme.test',
     'Former Contractor', 'America/Los_Angeles', 'away', '', '', true, 1700000000);

INSERT INTO conversations (id, team_id, kind, name, is_archived, creator, created, updated,
                           topic, topic_creator, topic_last_set,
                           purpose, purpose_creator, purpose_last_set) VALUES
    ('C0000000003', 'T0000000001', 'public_channel', 'engineering', false, 'U0000000003',
     1700000000, 1700000000000, 'Deploys, incidents, code review', 'U0000000003', 1700000000,
     'Where the engineers talk shop.', 'U0000000003', 1700000000),
    ('C0000000004', 'T0000000001', 'private_channel', 'leadership', false, 'U0000000001',
     1700000000, 1700000000000, '', '', 0, 'Leadership sync', 'U0000000001', 1700000000),
    ('C0000000005', 'T0000000001', 'public_channel', 'old-project', true, 'U0000000004',
     1690000000, 1690000000000, '', '', 0, 'Project Phoenix (done)', 'U0000000004', 1690000000);
INSERT INTO conversations (id, team_id, kind, name, creator, created, updated, member_key)
VALUES ('D0000000001', 'T0000000001', 'im', NULL, 'U0000000003', 1700000000, 1700000000000,
        'U0000000003,U0000000004');

-- dave, erin and frank join #general and #random; then the new channels' members.
INSERT INTO conversation_members (conversation_id, user_id, joined)
SELECT channel, person, 1700000000
FROM unnest(ARRAY['C0000000001', 'C0000000002']) AS channel,
     unnest(ARRAY['U0000000006', 'U0000000007', 'U0000000008']) AS person;
INSERT INTO conversation_members (conversation_id, user_id, joined) VALUES
    ('C0000000003', 'U0000000002', 1700000000),
    ('C0000000003', 'U0000000003', 1700000000),
    ('C0000000003', 'U0000000004', 1700000000),
    ('C0000000003', 'U0000000006', 1700000000),
    ('C0000000004', 'U0000000001', 1700000000),
    ('C0000000004', 'U0000000003', 1700000000),
    ('C0000000004', 'U0000000008', 1700000000),
    ('C0000000005', 'U0000000004', 1690000000),
    ('D0000000001', 'U0000000003', 1700000000),
    ('D0000000001', 'U0000000004', 1700000000);

DELETE FROM messages WHERE channel_id = 'C0000000001';
INSERT INTO messages (channel_id, ts, user_id, team_id, text, thread_ts, reactions) VALUES
    ('C0000000001', 1700000100.000100, 'U0000000003', 'T0000000001', 'Welcome to Acme Corp!',
     NULL, '[{"name":"wave","users":["U0000000004","U0000000005"],"count":2}]'),
    ('C0000000001', 1700000200.000200, 'U0000000008', 'T0000000001',
     'Q4 kickoff is Monday at 10.', NULL, NULL),
    ('C0000000003', 1700001000.000100, 'U0000000004', 'T0000000001',
     'Deploying api v2.3 now.', 1700001000.000100,
     '[{"name":"rocket","users":["U0000000003"],"count":1},{"name":"eyes","users":["U0000000006"],"count":1}]'),
    ('C0000000003', 1700001060.000100, 'U0000000006', 'T0000000001',
     'Migrations look good on my side.', 1700001000.000100, NULL),
    ('C0000000003', 1700001120.000100, 'U0000000004', 'T0000000001',
     'Done, all green.', 1700001000.000100, NULL),
    ('C0000000003', 1700002000.000100, 'U0000000003', 'T0000000001',
     'Runbook for on-call is pinned here.', NULL, NULL),
    ('C0000000004', 1700003000.000100, 'U0000000001', 'T0000000001',
     'Board meeting moved to Thursday.', NULL, NULL),
    ('C0000000005', 1690000100.000100, 'U0000000004', 'T0000000001', 'Phoenix is live!', NULL,
     NULL),
    ('D0000000001', 1700004000.000100, 'U0000000003', 'T0000000001',
     'Can you cover on-call tonight?', NULL, NULL),
    ('D0000000001', 1700004060.000100, 'U0000000004', 'T0000000001', 'Sure thing.', NULL, NULL);

INSERT INTO pins (channel_id, ts, created_by, created)
VALUES ('C0000000003', 1700002000.000100, 'U0000000003', 1700002010);

INSERT INTO files (id, team_id, user_id, created, name, title, length, upload_key, content,
                   completed)
VALUES ('F0000000001', 'T0000000001', 'U0000000003', 1700002000, 'oncall-runbook.md',
        'On-call runbook', 58, 'seed-acme-corp-runbook',
        convert_to(E'# On-call runbook\n\n1. Check dashboards\n2. Page the owner\n', 'UTF8'),
        true);
UPDATE files SET length = octet_length(content) WHERE id = 'F0000000001';
INSERT INTO file_shares (file_id, channel_id, ts, shared_by)
VALUES ('F0000000001', 'C0000000003', 1700002000.000100, 'U0000000003');
UPDATE messages
SET files = '[{"id":"F0000000001","name":"oncall-runbook.md","title":"On-call runbook","mimetype":"text/plain","filetype":"markdown","user":"U0000000003","mode":"hosted"}]',
    upload = true
WHERE channel_id = 'C0000000003' AND ts = 1700002000.000100;

-- Custom emoji: an image and an alias of it.
INSERT INTO emoji (team_id, name, url, alias_for, user_id, created) VALUES
    ('T0000000001', 'shipit', 'https://emoji.slack-edge.com/T0000000001/shipit/5a1e9c0f3b.png',
     NULL, 'U0000000003', 1700000000),
    ('T0000000001', 'squirrel', NULL, 'shipit', 'U0000000003', 1700000001);

-- A user group: the on-call rota, with #engineering as its default channel.
INSERT INTO usergroups (id, team_id, name, handle, description, channels, date_create,
                        date_update, created_by, updated_by)
VALUES ('S0000000001', 'T0000000001', 'On-call', 'oncall', 'Whoever carries the pager',
        '{C0000000003}', 1700000000, 1700000000, 'U0000000001', 'U0000000001');
INSERT INTO usergroup_members (usergroup_id, user_id)
VALUES ('S0000000001', 'U0000000003'), ('S0000000001', 'U0000000004');
