-- Reactions on releases (`…/releases/{id}/reactions`): a release shows its reactions' rollup
-- once it has one, and deleting a release deletes its reactions (as 0014 does for the others).
ALTER FUNCTION gh_release(releases, text) RENAME TO gh_release_without_reactions;
CREATE FUNCTION gh_release(rl releases, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_release_without_reactions(rl, b)::jsonb
            || CASE WHEN EXISTS (SELECT 1 FROM reactions WHERE subject = 'release' AND subject_id = rl.id)
                    THEN jsonb_build_object('reactions', gh_reactions('release', rl.id,
                             b || '/repos/' || (SELECT full_name FROM repos WHERE id = rl.repo_id)
                               || '/releases/' || rl.id || '/reactions'))
                    ELSE '{}'::jsonb END)::json
$$;

CREATE TRIGGER reactions_gone AFTER DELETE ON releases
    REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION gh_reactions_gone('release');
