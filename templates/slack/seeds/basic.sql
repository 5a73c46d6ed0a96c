-- Seed `basic`: the Acme workspace, three colleagues, #general and #random, and a short
-- conversation in #general. Deterministic: fixed ids, fixed times, fixed `ts` values.
--
--   team  T0000000001  Acme (acme)
--   users U0000000001  admin  (admin@acme.test, installed the app)
--         U0000000002  asym   (the app's bot user; bot B0000000001, app A0000000001)
--         U0000000003  alice  U0000000004 bob  U0000000005 carol   (@acme.test)
--   #general C0000000001  everyone, the bot included
--   #random  C0000000002  every person, not the bot
--   messages in #general (newest last):
--     1700000100.000100 alice  "Welcome to Acme!"
--     1700000200.000200 bob    "Morning all, standup in 10." (a thread of one reply)
--     1700000250.000100 alice    ↳ reply "On my way."
--     1700000300.000300 carol  "Deploy went out, all green."
--     1700000400.000400 admin  "Thanks everyone!"

UPDATE teams SET name = 'Acme', domain = 'acme' WHERE id = 'T0000000001';

UPDATE users SET email = 'admin@acme.test', real_name = 'Acme Admin' WHERE id = 'U0000000001';

INSERT INTO users (id, team_id, name, real_name, display_name, email, title, updated) VALUES
    ('U0000000003', 'T0000000001', 'alice', 'Alice Archer', 'alice', 'alice@acme.test',
     'Engineering Manager', 1700000000),
    ('U0000000004', 'T0000000001', 'bob', 'Bob Baker', 'bob', 'bob@acme.test',
     'Site Reliability Engineer', 1700000000),
    ('U0000000005', 'T0000000001', 'carol', 'Carol Chen', 'carol', 'carol@acme.test',
     'Product Designer', 1700000000);

INSERT INTO conversations (id, team_id, kind, name, is_general, creator, created, updated,
                           topic, topic_creator, topic_last_set,
                           purpose, purpose_creator, purpose_last_set) VALUES
    ('C0000000001', 'T0000000001', 'public_channel', 'general', true, 'U0000000001',
     1700000000, 1700000000000,
     'Company-wide announcements', 'U0000000001', 1700000000,
     'This channel is for workspace-wide communication and announcements.', 'U0000000001',
     1700000000),
    ('C0000000002', 'T0000000001', 'public_channel', 'random', false, 'U0000000001',
     1700000000, 1700000000000,
     '', '', 0,
     'A place for non-work banter, links, articles of interest, humor or anything else.',
     'U0000000001', 1700000000);

INSERT INTO conversation_members (conversation_id, user_id, joined) VALUES
    ('C0000000001', 'U0000000001', 1700000000),
    ('C0000000001', 'U0000000002', 1700000000),
    ('C0000000001', 'U0000000003', 1700000000),
    ('C0000000001', 'U0000000004', 1700000000),
    ('C0000000001', 'U0000000005', 1700000000),
    ('C0000000002', 'U0000000001', 1700000000),
    ('C0000000002', 'U0000000003', 1700000000),
    ('C0000000002', 'U0000000004', 1700000000),
    ('C0000000002', 'U0000000005', 1700000000);

INSERT INTO messages (channel_id, ts, user_id, team_id, text, thread_ts) VALUES
    ('C0000000001', 1700000100.000100, 'U0000000003', 'T0000000001', 'Welcome to Acme!', NULL),
    ('C0000000001', 1700000200.000200, 'U0000000004', 'T0000000001',
     'Morning all, standup in 10.', 1700000200.000200),
    ('C0000000001', 1700000250.000100, 'U0000000003', 'T0000000001', 'On my way.',
     1700000200.000200),
    ('C0000000001', 1700000300.000300, 'U0000000005', 'T0000000001',
     'Deploy went out, all green.', NULL),
    ('C0000000001', 1700000400.000400, 'U0000000001', 'T0000000001', 'Thanks everyone!', NULL);
