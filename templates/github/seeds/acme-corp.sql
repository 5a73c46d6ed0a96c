-- asym:extends basic
-- Seed `acme-corp`: everything in `basic`, plus a working repository: a feature branch with
-- an open pull request (#3, by hubot) approved by octocat, a green status and a completed
-- check run on its head, two milestones, a closed issue, and two more org repositories.
-- Deterministic: fixed ids and times, real git objects.
--
--   acme/hello-world  main = b76e68b; feature/greeting = 72f40f2 "Add a greeting"
--                     #1 open bug, #2 closed (completed, milestone v0.9), #3 open pull request
--                     milestones 1 v1.0 (open), 2 v0.9 (closed); labels bug, enhancement, docs
--   acme/website (public, 5fe966a), acme/infra (private, b8ebddf)
--   octocat/private-notes (private, empty)

UPDATE repos SET next_number = 4, updated_at = '2023-11-15 22:13:20+00', pushed_at = '2023-11-15 22:13:20+00'
 WHERE id = 1;
INSERT INTO repos (id, owner_id, name, full_name, description, private, next_number, created_at, updated_at, pushed_at) VALUES
    (3, 100, 'website', 'acme/website', 'acme.test', false, 1,
     '2023-11-14 22:15:00+00', '2023-11-14 22:15:00+00', '2023-11-14 22:15:00+00'),
    (4, 100, 'infra', 'acme/infra', 'Terraform for Acme', true, 1,
     '2023-11-14 22:16:40+00', '2023-11-14 22:16:40+00', '2023-11-14 22:16:40+00');

INSERT INTO git_objects (repo_id, sha, type, data) VALUES
    (1, 'af5626b4a114abcb82d63db7c8082c3c4756e51b', 'blob', '\x48656c6c6f2c20776f726c64210a'::bytea),
    (1, 'c1234b61c46c0d5a28bfa37c0d7cf550ff67c360', 'tree', '\x31303036343420524541444d452e6d6400e97975bd8bbb070102a3d5695dc0c18070a7c9aa313030363434206772656574696e672e74787400af5626b4a114abcb82d63db7c8082c3c4756e51b'::bytea),
    (1, '72f40f244146d6f505a54c988d4942bcae9673b9', 'commit', '\x7472656520633132333462363163343663306435613238626661333763306437636635353066663637633336300a706172656e7420623736653638623334643962353561373238623138336534343336626364656361376233303933370a617574686f72204875626f74203c6875626f744061636d652e746573743e2031373030303836343030202b303030300a636f6d6d6974746572204875626f74203c6875626f744061636d652e746573743e2031373030303836343030202b303030300a0a4164642061206772656574696e670a'::bytea),
    (3, 'dc3959e8a5141bf42569f618804f7c65244b4ca9', 'blob', '\x2320776562736974650a0a61636d652e746573742c206275696c742077697468206173796d2e0a'::bytea),
    (3, 'e6b55b16e8b829cbd74fd2950236822ff6767942', 'tree', '\x31303036343420524541444d452e6d6400dc3959e8a5141bf42569f618804f7c65244b4ca9'::bytea),
    (3, '5fe966a79fa2ba2a6254592ad0e4851ebb3e485b', 'commit', '\x7472656520653662353562313665386238323963626437346664323935303233363832326666363736373934320a617574686f7220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030313030202b303030300a636f6d6d697474657220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030313030202b303030300a0a496e697469616c20636f6d6d69740a'::bytea),
    (4, 'd91ced0d71ff4e8e531ba5c84baef9b22fc33972', 'blob', '\x2320696e6672610a0a5465727261666f726d20666f722041636d652e20507269766174652e0a'::bytea),
    (4, '14f871cfe4799429bfb552298a7bd9a65741770e', 'tree', '\x31303036343420524541444d452e6d6400d91ced0d71ff4e8e531ba5c84baef9b22fc33972'::bytea),
    (4, 'b8ebddf7db1d12da3f2f1aac732b5bf66dbbb2a4', 'commit', '\x7472656520313466383731636665343739393432396266623535323239386137626439613635373431373730650a617574686f7220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030323030202b303030300a636f6d6d697474657220546865204f63746f636174203c6f63746f6361744061636d652e746573743e2031373030303030323030202b303030300a0a496e697469616c20636f6d6d69740a'::bytea);
INSERT INTO git_commits (repo_id, sha, tree, parents, author_name, author_email, author_date,
                         committer_name, committer_email, committer_date, message) VALUES
    (1, '72f40f244146d6f505a54c988d4942bcae9673b9', 'c1234b61c46c0d5a28bfa37c0d7cf550ff67c360', '{b76e68b34d9b55a728b183e4436bcdeca7b30937}', 'Hubot', 'hubot@acme.test', to_timestamp(1700086400), 'Hubot', 'hubot@acme.test', to_timestamp(1700086400), 'Add a greeting' || chr(10)),
    (3, '5fe966a79fa2ba2a6254592ad0e4851ebb3e485b', 'e6b55b16e8b829cbd74fd2950236822ff6767942', '{}', 'The Octocat', 'octocat@acme.test', to_timestamp(1700000100), 'The Octocat', 'octocat@acme.test', to_timestamp(1700000100), 'Initial commit' || chr(10)),
    (4, 'b8ebddf7db1d12da3f2f1aac732b5bf66dbbb2a4', '14f871cfe4799429bfb552298a7bd9a65741770e', '{}', 'The Octocat', 'octocat@acme.test', to_timestamp(1700000200), 'The Octocat', 'octocat@acme.test', to_timestamp(1700000200), 'Initial commit' || chr(10));
INSERT INTO git_refs (repo_id, ref, sha) VALUES
    (1, 'refs/heads/feature/greeting', '72f40f244146d6f505a54c988d4942bcae9673b9'),
    (3, 'refs/heads/main', '5fe966a79fa2ba2a6254592ad0e4851ebb3e485b'),
    (4, 'refs/heads/main', 'b8ebddf7db1d12da3f2f1aac732b5bf66dbbb2a4');

INSERT INTO labels (id, repo_id, name, color, description, is_default) VALUES
    (3, 1, 'docs', '0075ca', 'Improvements or additions to documentation', true),
    (4, 3, 'bug', 'd73a4a', 'Something isn''t working', true);

INSERT INTO milestones (id, repo_id, number, title, description, state, due_on, creator_id, created_at, updated_at, closed_at) VALUES
    (1, 1, 1, 'v1.0', 'The first release', 'open', '2024-03-01 00:00:00+00', 1,
     '2023-11-14 22:13:20+00', '2023-11-14 22:13:20+00', NULL),
    (2, 1, 2, 'v0.9', 'The preview', 'closed', '2023-12-01 00:00:00+00', 1,
     '2023-11-14 22:13:20+00', '2023-11-16 22:13:20+00', '2023-11-16 22:13:20+00');

UPDATE issues SET assignee_ids = '{1}', milestone_id = 1, comments = 1, updated_at = '2023-11-15 10:00:00+00'
 WHERE id = 1;
INSERT INTO issues (id, repo_id, number, title, body, state, state_reason, user_id, assignee_ids, milestone_id,
                    comments, is_pull, closed_at, closed_by_id, created_at, updated_at) VALUES
    (2, 1, 2, 'Crash on startup', 'It crashes.', 'closed', 'completed', 1, '{}', 2,
     0, false, '2023-11-16 22:13:20+00', 1, '2023-11-14 23:00:00+00', '2023-11-16 22:13:20+00'),
    (3, 1, 3, 'Add a greeting', 'Says hello.', 'open', NULL, 2, '{}', 1,
     0, true, NULL, NULL, '2023-11-15 22:13:20+00', '2023-11-15 22:30:00+00');
INSERT INTO issue_labels (issue_id, label_id) VALUES (2, 1), (3, 2);
INSERT INTO comments (id, repo_id, issue_id, user_id, body, created_at, updated_at) VALUES
    (1, 1, 1, 1, 'Confirmed, fixing in #3.', '2023-11-15 10:00:00+00', '2023-11-15 10:00:00+00');
INSERT INTO issue_events (id, issue_id, actor_id, event, detail, created_at) VALUES
    (1, 2, 1, 'closed', NULL, '2023-11-16 22:13:20+00');

INSERT INTO pulls (issue_id, head_ref, head_sha, base_ref, base_sha) VALUES
    (3, 'feature/greeting', '72f40f244146d6f505a54c988d4942bcae9673b9', 'main', 'b76e68b34d9b55a728b183e4436bcdeca7b30937');
INSERT INTO reviews (id, issue_id, user_id, body, state, commit_id, submitted_at) VALUES
    (1, 3, 1, 'Looks good to me.', 'APPROVED', '72f40f244146d6f505a54c988d4942bcae9673b9', '2023-11-15 22:30:00+00');

INSERT INTO statuses (id, repo_id, sha, state, target_url, description, context, creator_id, created_at, updated_at) VALUES
    (1, 1, '72f40f244146d6f505a54c988d4942bcae9673b9', 'success', 'https://ci.acme.test/builds/1', 'Build passed', 'ci/build', 200,
     '2023-11-15 22:20:00+00', '2023-11-15 22:20:00+00');
INSERT INTO check_suites (id, repo_id, app_id, head_sha, head_branch, created_at, updated_at) VALUES
    (1, 1, 1, '72f40f244146d6f505a54c988d4942bcae9673b9', 'feature/greeting', '2023-11-15 22:20:00+00', '2023-11-15 22:25:00+00');
INSERT INTO check_runs (id, repo_id, suite_id, head_sha, name, status, conclusion, external_id, output,
                        started_at, completed_at) VALUES
    (1, 1, 1, '72f40f244146d6f505a54c988d4942bcae9673b9', 'tests', 'completed', 'success', 'build-1',
     '{"title":"All tests passed","summary":"42 passed","text":null}', '2023-11-15 22:20:00+00', '2023-11-15 22:25:00+00');
