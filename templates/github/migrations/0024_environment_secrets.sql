-- An environment's Actions secrets and variables, kept as a repository's are
-- (0018_actions_secrets.sql), with the environment in place of the repository: deleting the
-- environment deletes them.

CREATE TABLE environment_secrets (LIKE action_secrets INCLUDING ALL);
ALTER TABLE environment_secrets RENAME COLUMN repo_id TO environment_id;
ALTER TABLE environment_secrets
    ADD FOREIGN KEY (environment_id) REFERENCES environments (id) ON DELETE CASCADE;

CREATE TABLE environment_variables (LIKE action_variables INCLUDING ALL);
ALTER TABLE environment_variables RENAME COLUMN repo_id TO environment_id;
ALTER TABLE environment_variables
    ADD FOREIGN KEY (environment_id) REFERENCES environments (id) ON DELETE CASCADE;
