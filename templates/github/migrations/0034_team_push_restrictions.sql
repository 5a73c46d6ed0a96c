-- The teams (ids, of the repository's organization) who may push to a branch whose pushes are
-- restricted (`restrictions.teams`, `…/protection/restrictions/teams`): a member of one of
-- them, or of one of its child teams, may push, as GitHub's team restrictions include child
-- teams.
ALTER TABLE branch_protections ADD COLUMN push_teams bigint[];

-- Restrictions name the teams after the users, as GitHub's `restrictions` orders them.
CREATE OR REPLACE FUNCTION gh_push_allowances(p branch_protections, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'users', (SELECT coalesce(json_agg(gh_user(u, b) ORDER BY a.ord), '[]')
                  FROM unnest(p.push_users) WITH ORDINALITY AS a(uid, ord) JOIN users u ON u.id = a.uid),
        'teams', (SELECT coalesce(json_agg(gh_team(t, b, NULL) ORDER BY a.ord), '[]')
                  FROM unnest(p.push_teams) WITH ORDINALITY AS a(tid, ord) JOIN teams t ON t.id = a.tid),
        'apps', (SELECT coalesce(json_agg(gh_app(x, b) ORDER BY a.ord), '[]')
                 FROM unnest(p.push_apps) WITH ORDINALITY AS a(slug, ord) JOIN apps x ON x.slug = a.slug))
$$;
