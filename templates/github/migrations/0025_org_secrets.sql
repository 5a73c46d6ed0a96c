-- An organization's Actions secrets and variables (`org_secrets`, `org_variables`), kept as a
-- repository's are (0018_actions_secrets.sql) with the organization in place of the
-- repository, and which of the organization's repositories may use each: `visibility` `all`,
-- `private` (its private repositories) or `selected` (those of `org_secret_repos`,
-- `org_variable_repos`; a rename of a variable carries them, deleting the secret, the
-- variable or the repository deletes them). Both kinds are made alike, one pass each.

DO $$
DECLARE
    kind text;
BEGIN
    FOREACH kind IN ARRAY ARRAY['secret', 'variable'] LOOP
        EXECUTE format('CREATE TABLE org_%1$ss (LIKE action_%1$ss INCLUDING ALL)', kind);
        EXECUTE format('ALTER TABLE org_%1$ss RENAME COLUMN repo_id TO org_id', kind);
        EXECUTE format(
            'ALTER TABLE org_%1$ss
                 ADD FOREIGN KEY (org_id) REFERENCES users (id) ON DELETE CASCADE,
                 ADD COLUMN visibility text NOT NULL DEFAULT %2$L
                     CHECK (visibility IN (%2$L, %3$L, %4$L))',
            kind, 'all', 'private', 'selected');
        EXECUTE format(
            'CREATE TABLE org_%1$s_repos (
                 org_id  bigint NOT NULL,
                 name    text   NOT NULL,
                 repo_id bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
                 PRIMARY KEY (org_id, name, repo_id),
                 FOREIGN KEY (org_id, name) REFERENCES org_%1$ss (org_id, name)
                     ON DELETE CASCADE ON UPDATE CASCADE
             )',
            kind);
    END LOOP;
END $$;
