-- Seed `basic`: org `acme` with the two token users, the GitHub App installed on it, and
-- `acme/hello-world` initialised on `main` with a README commit, two labels and one open
-- issue. Deterministic: fixed ids, fixed times (2023-11-14T22:13:20Z), real git objects.
--
--   users   1 octocat  (token `token`: owner, acme admin)     2 hubot (token `reviewer`:
--                      acme member, write collaborator on hello-world)
--           100 acme (organization)   200 acme-bot[bot] (the app's bot: token `app`)
--   app     1 acme-bot, installation 1 on acme
--   repos   1 acme/hello-world (public, main = b76e68b "Initial commit")
--           2 octocat/private-notes (private, empty: hidden from hubot)
--   labels  1 bug, 2 enhancement      issue #1 "Found a bug" by hubot, labelled bug

INSERT INTO users (id, login, type, name, email, company, location, bio, description, created_at, updated_at) VALUES
    (1, 'octocat', 'User', 'The Octocat', 'octocat@acme.test', '@acme', 'San Francisco', 'Acme''s owner.', NULL,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00'),
    (2, 'hubot', 'User', 'Hubot', 'hubot@acme.test', '@acme', NULL, 'Reviews everything.', NULL,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00'),
    (100, 'acme', 'Organization', 'Acme Corp', 'hello@acme.test', NULL, 'San Francisco', NULL,
     'Where the fixtures live.', '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00'),
    (200, 'acme-bot[bot]', 'Bot', NULL, NULL, NULL, NULL, NULL, NULL,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00');

INSERT INTO org_members (org_id, user_id, role) VALUES (100, 1, 'admin'), (100, 2, 'member');

INSERT INTO apps (id, slug, name, owner_id, bot_user_id) VALUES (1, 'acme-bot', 'Acme Bot', 100, 200);
INSERT INTO installations (id, app_id, account_id) VALUES (1, 1, 100);

INSERT INTO repos (id, owner_id, name, full_name, description, private, next_number, created_at, updated_at, pushed_at) VALUES
    (1, 100, 'hello-world', 'acme/hello-world', 'My first repository on asym', false, 2,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00'),
    (2, 1, 'private-notes', 'octocat/private-notes', 'Notes only octocat can see', true, 1,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00', NULL);

INSERT INTO collaborators (repo_id, user_id, permission) VALUES (1, 2, 'write');

INSERT INTO git_objects (repo_id, sha, type, data) VALUES
    (1, 'e97975bd8bbb070102a3d5695dc0c18070a7c9aa', 'blob', '\x232068656c6c6f2d776f726c640a0a412066697874757265207265706f7369746f727920666f72206173796d27732047697448756220636c6f6e652e0a'::bytea),
    (1, '9b1b3f3c41df8f9dde7be85e79caedcddb4f8525', 'tree', '\x31303036343420524541444d452e6d6400e97975bd8bbb070102a3d5695dc0c18070a7c9aa'::bytea),
    (1, 'b76e68b34d9b55a728b183e4436bcdeca7b30937', 'commit', '\x7472656520396231623366336334316466386639646465376265383565373963616564636464623466383532350a617574686f7220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030303030202b303030300a636f6d6d697474657220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030303030202b303030300a0a496e697469616c20636f6d6d69740a'::bytea);
INSERT INTO git_commits (repo_id, sha, tree, parents, author_name, author_email, author_date,
                         committer_name, committer_email, committer_date, message) VALUES
    (1, 'b76e68b34d9b55a728b183e4436bcdeca7b30937', '9b1b3f3c41df8f9dde7be85e79caedcddb4f8525', '{}', 'The Octocat', 'octocat@acme.test', '2023-11-14 22:13:20+00',
     'The Octocat', 'octocat@acme.test', '2023-11-14 22:13:20+00', 'Initial commit' || chr(10));
INSERT INTO git_refs (repo_id, ref, sha) VALUES (1, 'refs/heads/main', 'b76e68b34d9b55a728b183e4436bcdeca7b30937');

INSERT INTO labels (id, repo_id, name, color, description, is_default) VALUES
    (1, 1, 'bug', 'd73a4a', 'Something isn''t working', true),
    (2, 1, 'enhancement', 'a2eeef', 'New feature or request', true);

INSERT INTO issues (id, repo_id, number, title, body, user_id, created_at, updated_at) VALUES
    (1, 1, 1, 'Found a bug', 'The greeting is missing a comma. cc @octocat', 2,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00');
INSERT INTO issue_labels (issue_id, label_id) VALUES (1, 1);
