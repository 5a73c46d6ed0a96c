-- An organization's Actions secrets and variables, kept as a repository's are
-- (0018_actions_secrets.sql) with the organization in place of the repository, and which of
-- the organization's repositories may use each: `visibility` `all`, `private` (its private
-- repositories) or `selected` (those of the `…_repos` table; a rename of a variable carries
-- them, deleting the secret, the variable or the repository deletes them).

CREATE TABLE org_secrets (LIKE action_secrets INCLUDING ALL);
ALTER TABLE org_secrets RENAME COLUMN repo_id TO org_id;
ALTER TABLE org_secrets
    ADD FOREIGN KEY (org_id) REFERENCES users (id) ON DELETE CASCADE,
    ADD COLUMN visibility text NOT NULL DEFAULT 'all'
        CHECK (visibility IN ('all', 'private', 'selected'));

CREATE TABLE org_variables (LIKE action_variables INCLUDING ALL);
ALTER TABLE org_variables RENAME COLUMN repo_id TO org_id;
ALTER TABLE org_variables
    ADD FOREIGN KEY (org_id) REFERENCES users (id) ON DELETE CASCADE,
    ADD COLUMN visibility text NOT NULL DEFAULT 'all'
        CHECK (visibility IN ('all', 'private', 'selected'));

CREATE TABLE org_secret_repos (
    org_id  bigint NOT NULL,
    name    text   NOT NULL,
    repo_id bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    PRIMARY KEY (org_id, name, repo_id),
    FOREIGN KEY (org_id, name) REFERENCES org_secrets (org_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE org_variable_repos (LIKE org_secret_repos INCLUDING ALL);
ALTER TABLE org_variable_repos
    ADD FOREIGN KEY (repo_id) REFERENCES repos (id) ON DELETE CASCADE,
    ADD FOREIGN KEY (org_id, name) REFERENCES org_variables (org_id, name)
        ON DELETE CASCADE ON UPDATE CASCADE;
