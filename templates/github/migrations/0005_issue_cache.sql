-- A rendered copy of each issue's JSON, so a page of 100 issues is a string_agg of stored
-- text rather than 100 renders. `issues.rendered` is written by the backend when it renders
-- an issue after a write, and cleared (NULL: render on read) by the triggers below whenever
-- anything `gh_issue` shows changes; readers use coalesce(rendered, gh_issue(i, base)).

ALTER TABLE issues ADD COLUMN rendered text;

-- Any change to the row itself clears it, unless the change is the backend storing it.
CREATE FUNCTION gh_issue_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.rendered IS NOT DISTINCT FROM OLD.rendered THEN
        NEW.rendered := NULL;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER issues_touched BEFORE UPDATE ON issues FOR EACH ROW EXECUTE FUNCTION gh_issue_touched();

CREATE FUNCTION gh_issue_clear(ids bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE issues SET rendered = NULL WHERE id = ANY(ids) AND rendered IS NOT NULL
$$;

-- Every issue of repository `repo`.
CREATE FUNCTION gh_issue_clear_repo(repo bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE issues SET rendered = NULL WHERE repo_id = repo AND rendered IS NOT NULL
$$;

-- A milestone's open/closed counts appear in every issue of it.
CREATE FUNCTION gh_issue_milestone_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT id FROM issues
        WHERE milestone_id IN (OLD.milestone_id, NEW.milestone_id) AND id <> NEW.id));
    RETURN NULL;
END $$;
CREATE TRIGGER issues_milestone_moved AFTER UPDATE OF state, milestone_id ON issues FOR EACH ROW
    WHEN (OLD.milestone_id IS NOT NULL OR NEW.milestone_id IS NOT NULL)
    EXECUTE FUNCTION gh_issue_milestone_moved();

CREATE FUNCTION gh_issue_labels_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY[CASE WHEN TG_OP = 'DELETE' THEN OLD.issue_id ELSE NEW.issue_id END]);
    RETURN NULL;
END $$;
CREATE TRIGGER issue_labels_changed AFTER INSERT OR DELETE ON issue_labels FOR EACH ROW
    EXECUTE FUNCTION gh_issue_labels_changed();

CREATE FUNCTION gh_label_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT issue_id FROM issue_labels WHERE label_id = OLD.id));
    RETURN NULL;
END $$;
CREATE TRIGGER labels_changed AFTER UPDATE OR DELETE ON labels FOR EACH ROW EXECUTE FUNCTION gh_label_changed();

CREATE FUNCTION gh_milestone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT id FROM issues WHERE milestone_id = OLD.id));
    RETURN NULL;
END $$;
CREATE TRIGGER milestones_changed AFTER UPDATE ON milestones FOR EACH ROW EXECUTE FUNCTION gh_milestone_changed();

CREATE FUNCTION gh_reaction_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r reactions;
BEGIN
    r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    IF r.subject = 'issue' THEN
        PERFORM gh_issue_clear(ARRAY[r.subject_id]);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reactions_changed AFTER INSERT OR DELETE ON reactions FOR EACH ROW EXECUTE FUNCTION gh_reaction_changed();

CREATE FUNCTION gh_pull_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY[NEW.issue_id]);
    RETURN NULL;
END $$;
CREATE TRIGGER pulls_changed AFTER UPDATE ON pulls FOR EACH ROW EXECUTE FUNCTION gh_pull_changed();

-- A rename changes every URL; collaborators and members change author_association.
CREATE FUNCTION gh_repo_issues_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear_repo(CASE WHEN TG_OP = 'DELETE' THEN OLD.repo_id ELSE NEW.repo_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER collaborators_changed AFTER INSERT OR UPDATE OR DELETE ON collaborators FOR EACH ROW
    EXECUTE FUNCTION gh_repo_issues_changed();

CREATE FUNCTION gh_repo_renamed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear_repo(NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER repos_renamed AFTER UPDATE OF full_name ON repos FOR EACH ROW
    WHEN (OLD.full_name IS DISTINCT FROM NEW.full_name) EXECUTE FUNCTION gh_repo_renamed();

CREATE FUNCTION gh_members_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM gh_issue_clear(ARRAY(SELECT i.id FROM issues i JOIN repos r ON r.id = i.repo_id
        WHERE r.owner_id = CASE WHEN TG_OP = 'DELETE' THEN OLD.org_id ELSE NEW.org_id END));
    RETURN NULL;
END $$;
CREATE TRIGGER org_members_changed AFTER INSERT OR UPDATE OR DELETE ON org_members FOR EACH ROW
    EXECUTE FUNCTION gh_members_changed();
