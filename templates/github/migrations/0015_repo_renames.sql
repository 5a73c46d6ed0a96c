-- A renamed repository keeps answering at its old name, as GitHub's redirects do: each rename
-- records the old name under its owner, pointing at the repository (gone with it). A new
-- repository that takes the old name wins over the record (it is found first).
CREATE TABLE repo_renames (
    owner_id bigint NOT NULL REFERENCES users (id),
    name     text   NOT NULL,
    repo_id  bigint NOT NULL REFERENCES repos (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX repo_renames_name ON repo_renames (owner_id, lower(name));

CREATE FUNCTION gh_repo_old_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO repo_renames (owner_id, name, repo_id) VALUES (OLD.owner_id, OLD.name, NEW.id)
    ON CONFLICT (owner_id, lower(name)) DO UPDATE SET repo_id = EXCLUDED.repo_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER repo_old_name AFTER UPDATE OF name ON repos
    FOR EACH ROW WHEN (lower(OLD.name) IS DISTINCT FROM lower(NEW.name))
    EXECUTE FUNCTION gh_repo_old_name();
