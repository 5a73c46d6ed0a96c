-- Reactions go with what they are on: deleting an issue comment, a review comment or a commit
-- comment (or an issue, or a repository, whose deletion cascades to them) deletes their
-- reactions, as GitHub does, leaving no rows that name a subject gone. The reactions table
-- names its subject by kind and id (one table for four kinds), so no foreign key can cascade.

-- Deletes the reactions on the rows the statement deleted, of the kind named by the trigger's
-- argument (`reactions.subject`).
CREATE FUNCTION gh_reactions_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM reactions r USING gone
    WHERE r.subject = TG_ARGV[0] AND r.subject_id = gone.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER reactions_gone AFTER DELETE ON issues
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION gh_reactions_gone('issue');
CREATE TRIGGER reactions_gone AFTER DELETE ON comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION gh_reactions_gone('comment');
CREATE TRIGGER reactions_gone AFTER DELETE ON review_comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION gh_reactions_gone('review_comment');
CREATE TRIGGER reactions_gone AFTER DELETE ON commit_comments
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION gh_reactions_gone('commit_comment');
