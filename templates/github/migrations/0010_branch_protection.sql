-- Branch protection: one row per protected branch (`PUT …/branches/{branch}/protection`).
-- A NULL `strict` means no required status checks, a NULL `reviews` no required reviews, a
-- NULL `push_users` no push restrictions; the flags are GitHub's booleans of the same names.
CREATE TABLE branch_protections (
    repo_id                          bigint  NOT NULL REFERENCES repos (id) ON DELETE CASCADE,
    branch                           text    NOT NULL,
    strict                           boolean,
    -- The required checks: [{context, app_id}].
    checks                           jsonb   NOT NULL DEFAULT '[]',
    enforce_admins                   boolean NOT NULL DEFAULT false,
    -- {dismiss_stale_reviews, require_code_owner_reviews, required_approving_review_count,
    --  require_last_push_approval}
    reviews                          jsonb,
    -- Who may push when pushes are restricted: user ids and app slugs.
    push_users                       bigint[],
    push_apps                        text[],
    required_linear_history          boolean NOT NULL DEFAULT false,
    allow_force_pushes               boolean NOT NULL DEFAULT false,
    allow_deletions                  boolean NOT NULL DEFAULT false,
    block_creations                  boolean NOT NULL DEFAULT false,
    required_conversation_resolution boolean NOT NULL DEFAULT false,
    lock_branch                      boolean NOT NULL DEFAULT false,
    allow_fork_syncing               boolean NOT NULL DEFAULT false,
    required_signatures              boolean NOT NULL DEFAULT false,
    PRIMARY KEY (repo_id, branch)
);

-- A protection's users and apps allowed to push, as `restrictions.users` and `.apps` show them.
CREATE FUNCTION gh_push_allowances(p branch_protections, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'users', (SELECT coalesce(json_agg(gh_user(u, b) ORDER BY a.ord), '[]')
                  FROM unnest(p.push_users) WITH ORDINALITY AS a(uid, ord) JOIN users u ON u.id = a.uid),
        'apps', (SELECT coalesce(json_agg(gh_app(x, b) ORDER BY a.ord), '[]')
                 FROM unnest(p.push_apps) WITH ORDINALITY AS a(slug, ord) JOIN apps x ON x.slug = a.slug))
$$;
