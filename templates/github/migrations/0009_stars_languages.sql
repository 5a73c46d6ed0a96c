-- Stars and the repository's language. A star is a user's, with when it was given
-- (`starred_at`, what `application/vnd.github.star+json` lists show). `repos.language` is the
-- language with the most bytes on the default branch (`crate::linguist`), kept by the backend
-- whenever the default branch's ref moves or the default branch changes; NULL when no file
-- maps to a counted language.
CREATE TABLE stars (
    repo_id    bigint      NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    starred_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (repo_id, user_id)
);
CREATE INDEX stars_user ON stars (user_id, starred_at);

ALTER TABLE repos ADD COLUMN language text;

-- Every repository rendering (lists, searches, payloads, `GET /repos/{o}/{r}`) goes through
-- `gh_repo`: the 0002 rendering, with the star counts (`stargazers_count`, and `watchers_count`
-- and `watchers`, which GitHub keeps equal to it) and the language.
ALTER FUNCTION gh_repo(repos, text, text) RENAME TO gh_repo_plain;
CREATE FUNCTION gh_repo(r repos, b text, perm text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_repo_plain(r, b, perm)::jsonb || jsonb_build_object(
                'stargazers_count', n, 'watchers_count', n, 'watchers', n,
                'language', r.language))::json
    FROM (SELECT count(*) AS n FROM stars s WHERE s.repo_id = r.id) c
$$;
