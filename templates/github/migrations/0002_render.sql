-- How rows read as GitHub's JSON. Every renderer takes the clone's base URL `b` (its
-- public address) so that every `url`, `html_url` and `*_url` field points back at the
-- clone. Reads are one statement: `SELECT gh_issue(i, $1) FROM issues i WHERE …`.
--
-- SQL helpers are declared as volatile as their bodies are (to_char and json_build_object
-- are STABLE): a helper declared IMMUTABLE over a STABLE body is not inlined, and is then
-- planned anew inside every render that calls it.

CREATE FUNCTION gh_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

-- A GraphQL-style global id: `<kind>_kgDO<hex id>`.
CREATE FUNCTION gh_node(kind text, id bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT kind || '_kgDO' || upper(to_hex(id))
$$;

-- Percent-encodes a path segment (RFC 3986 unreserved characters stay).
CREATE FUNCTION gh_uri(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(string_agg(
        CASE WHEN ch ~ '^[A-Za-z0-9._~-]$' THEN ch
             ELSE regexp_replace(upper(encode(convert_to(ch, 'UTF8'), 'hex')), '(..)', '%\1', 'g')
        END, '' ORDER BY ord), '')
    FROM regexp_split_to_table(s, '') WITH ORDINALITY AS t(ch, ord)
$$;

CREATE FUNCTION gh_user(u users, b text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'login', u.login,
        'id', u.id,
        'node_id', gh_node(CASE u.type WHEN 'Organization' THEN 'O' WHEN 'Bot' THEN 'BOT' ELSE 'U' END, u.id),
        'avatar_url', b || '/avatars/u/' || u.id || '?v=4',
        'gravatar_id', '',
        'url', b || '/users/' || u.login,
        'html_url', b || '/' || u.login,
        'followers_url', b || '/users/' || u.login || '/followers',
        'following_url', b || '/users/' || u.login || '/following{/other_user}',
        'gists_url', b || '/users/' || u.login || '/gists{/gist_id}',
        'starred_url', b || '/users/' || u.login || '/starred{/owner}{/repo}',
        'subscriptions_url', b || '/users/' || u.login || '/subscriptions',
        'organizations_url', b || '/users/' || u.login || '/orgs',
        'repos_url', b || '/users/' || u.login || '/repos',
        'events_url', b || '/users/' || u.login || '/events{/privacy}',
        'received_events_url', b || '/users/' || u.login || '/received_events',
        'type', u.type,
        'user_view_type', 'public',
        'site_admin', u.site_admin)
$$;

-- STRICT: a missing user (no assignee, not closed) is null without running the lookup.
CREATE FUNCTION gh_user_id(uid bigint, b text) RETURNS json LANGUAGE plpgsql STABLE STRICT AS $$
BEGIN
    RETURN (SELECT gh_user(u, b) FROM users u WHERE u.id = uid
    );
END $$;

-- `GET /users/{u}` and `GET /user` (private adds the viewer-only fields).
CREATE FUNCTION gh_user_full(u users, b text, private boolean) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (gh_user(u, b)::jsonb || jsonb_build_object(
            'name', u.name,
            'company', u.company,
            'blog', u.blog,
            'location', u.location,
            'email', u.email,
            'hireable', NULL,
            'bio', u.bio,
            'twitter_username', NULL,
            'notification_email', CASE WHEN private THEN u.email END,
            'public_repos', (SELECT count(*) FROM repos r WHERE r.owner_id = u.id AND NOT r.private),
            'public_gists', 0,
            'followers', 0,
            'following', 0,
            'created_at', gh_ts(u.created_at),
            'updated_at', gh_ts(u.updated_at))
          || CASE WHEN private THEN jsonb_build_object(
            'private_gists', 0,
            'total_private_repos', (SELECT count(*) FROM repos r WHERE r.owner_id = u.id AND r.private),
            'owned_private_repos', (SELECT count(*) FROM repos r WHERE r.owner_id = u.id AND r.private),
            'disk_usage', 0,
            'collaborators', 0,
            'two_factor_authentication', true,
            'plan', jsonb_build_object('name', 'pro', 'space', 976562499, 'collaborators', 0,
                                       'private_repos', 9999))
          ELSE '{}'::jsonb END)::json
    );
END $$;

-- An organization as lists and webhook payloads show it; `u` its API URL.
CREATE FUNCTION gh_org(o users, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
    u text := b || '/orgs/' || o.login;
BEGIN
    RETURN json_build_object(
        'login', o.login,
        'id', o.id,
        'node_id', gh_node('O', o.id),
        'url', u,
        'repos_url', u || '/repos',
        'events_url', u || '/events',
        'hooks_url', u || '/hooks',
        'issues_url', u || '/issues',
        'members_url', u || '/members{/member}',
        'public_members_url', u || '/public_members{/member}',
        'avatar_url', b || '/avatars/u/' || o.id || '?v=4',
        'description', o.description);
END $$;

CREATE FUNCTION gh_org_full(o users, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (gh_org(o, b)::jsonb || jsonb_build_object(
            'name', o.name,
            'company', o.company,
            'blog', o.blog,
            'location', o.location,
            'email', o.email,
            'twitter_username', NULL,
            'is_verified', false,
            'has_organization_projects', true,
            'has_repository_projects', true,
            'public_repos', (SELECT count(*) FROM repos r WHERE r.owner_id = o.id AND NOT r.private),
            'public_gists', 0,
            'followers', 0,
            'following', 0,
            'html_url', b || '/' || o.login,
            'created_at', gh_ts(o.created_at),
            'updated_at', gh_ts(o.updated_at),
            'archived_at', NULL,
            'type', 'Organization'))::json
    );
END $$;

-- What `uid` may do in a repository: admin, maintain, write, triage, read, or NULL (it
-- cannot see it). Org admins administer the org's repositories; an app installed on the
-- owner writes; org members and everyone (public repositories) read.
CREATE FUNCTION gh_permission(repo bigint, uid bigint) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT CASE
            WHEN r.owner_id = uid THEN 'admin'
            WHEN EXISTS (SELECT 1 FROM org_members m
                         WHERE m.org_id = r.owner_id AND m.user_id = uid AND m.role = 'admin') THEN 'admin'
            WHEN c.permission IS NOT NULL THEN c.permission
            WHEN EXISTS (SELECT 1 FROM installations i JOIN apps a ON a.id = i.app_id
                         WHERE a.bot_user_id = uid AND i.account_id = r.owner_id) THEN 'write'
            WHEN EXISTS (SELECT 1 FROM org_members m
                         WHERE m.org_id = r.owner_id AND m.user_id = uid) THEN 'read'
            WHEN NOT r.private THEN 'read'
        END
        FROM repos r LEFT JOIN collaborators c ON c.repo_id = r.id AND c.user_id = uid
        WHERE r.id = repo
    );
END $$;

CREATE FUNCTION gh_association(repo bigint, uid bigint) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT CASE
            WHEN r.owner_id = uid THEN 'OWNER'
            WHEN EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = r.owner_id AND m.user_id = uid) THEN 'MEMBER'
            WHEN EXISTS (SELECT 1 FROM collaborators c WHERE c.repo_id = r.id AND c.user_id = uid) THEN 'COLLABORATOR'
            ELSE 'NONE'
        END
        FROM repos r WHERE r.id = repo
    );
END $$;

CREATE FUNCTION gh_permissions(perm text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'admin', perm = 'admin',
        'maintain', perm IN ('admin', 'maintain'),
        'push', perm IN ('admin', 'maintain', 'write'),
        'triage', perm IN ('admin', 'maintain', 'write', 'triage'),
        'pull', perm IS NOT NULL)
$$;

-- `, "k" : v`, to append to an object's text; nothing when `v` is NULL.
CREATE FUNCTION gh_json_member(k text, v json) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(', ' || to_json(k)::text || ' : ' || v::text, '')
$$;

-- A repository as lists, searches and pull requests show it (`gh_repo`), and as
-- `GET /repos/{o}/{r}` does (`gh_repo_full`: the merge settings, the owning organization, a
-- fork's `parent` and `source`, and the counts after the permissions; `network_count` counts
-- the forks in the repository's network). Without a permission there is no `permissions`. Both are
-- built as text in GitHub's key order: json_build_object takes at most 100 arguments, and
-- joining objects through jsonb would sort the keys and cost a round trip. `gh_repo_fields`
-- answers the keys both share, `id` to `default_branch`, as an object's text without its
-- closing brace.
CREATE FUNCTION gh_repo_fields(r repos, b text) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT left(json_build_object(
            'id', r.id,
            'node_id', gh_node('R', r.id),
            'name', r.name,
            'full_name', r.full_name,
            'private', r.private,
            'owner', gh_user_id(r.owner_id, b),
            'html_url', b || '/' || r.full_name,
            'description', r.description,
            'fork', r.parent_id IS NOT NULL,
            'url', u,
            'forks_url', u || '/forks',
            'keys_url', u || '/keys{/key_id}',
            'collaborators_url', u || '/collaborators{/collaborator}',
            'teams_url', u || '/teams',
            'hooks_url', u || '/hooks',
            'issue_events_url', u || '/issues/events{/number}',
            'events_url', u || '/events',
            'assignees_url', u || '/assignees{/user}',
            'branches_url', u || '/branches{/branch}',
            'tags_url', u || '/tags',
            'blobs_url', u || '/git/blobs{/sha}',
            'git_tags_url', u || '/git/tags{/sha}',
            'git_refs_url', u || '/git/refs{/sha}',
            'trees_url', u || '/git/trees{/sha}',
            'statuses_url', u || '/statuses/{sha}',
            'languages_url', u || '/languages',
            'stargazers_url', u || '/stargazers',
            'contributors_url', u || '/contributors',
            'subscribers_url', u || '/subscribers',
            'subscription_url', u || '/subscription',
            'commits_url', u || '/commits{/sha}',
            'git_commits_url', u || '/git/commits{/sha}',
            'comments_url', u || '/comments{/number}',
            'issue_comment_url', u || '/issues/comments{/number}',
            'contents_url', u || '/contents/{+path}',
            'compare_url', u || '/compare/{base}...{head}',
            'merges_url', u || '/merges',
            'archive_url', u || '/{archive_format}{/ref}',
            'downloads_url', u || '/downloads')::text, -1)
        || ', ' || substr(left(json_build_object(
            'issues_url', u || '/issues{/number}',
            'pulls_url', u || '/pulls{/number}',
            'milestones_url', u || '/milestones{/number}',
            'notifications_url', u || '/notifications{?since,all,participating}',
            'labels_url', u || '/labels{/name}',
            'releases_url', u || '/releases{/id}',
            'deployments_url', u || '/deployments',
            'created_at', gh_ts(r.created_at),
            'updated_at', gh_ts(r.updated_at),
            'pushed_at', gh_ts(coalesce(r.pushed_at, r.created_at)),
            'git_url', replace(b, 'http', 'git') || '/' || r.full_name || '.git',
            'ssh_url', 'git@' || split_part(b, '://', 2) || ':' || r.full_name || '.git',
            'clone_url', b || '/' || r.full_name || '.git',
            'svn_url', b || '/' || r.full_name,
            'homepage', r.homepage,
            'size', 0,
            'stargazers_count', stars,
            'watchers_count', stars,
            'language', r.language,
            'has_issues', r.has_issues,
            'has_projects', r.has_projects,
            'has_downloads', true,
            'has_wiki', r.has_wiki,
            'has_pages', false,
            'has_discussions', r.has_discussions,
            'forks_count', forks,
            'mirror_url', NULL,
            'archived', r.archived,
            'disabled', false,
            'open_issues_count', oi,
            'license', NULL,
            'allow_forking', true,
            'is_template', r.is_template,
            'web_commit_signoff_required', false,
            'topics', to_json(r.topics),
            'visibility', CASE WHEN r.private THEN 'private' ELSE 'public' END,
            'forks', forks,
            'open_issues', oi,
            'watchers', stars,
            'default_branch', r.default_branch)::text, -1), 2)
        FROM (SELECT b || '/repos/' || r.full_name AS u,
                     (SELECT count(*) FROM issues i WHERE i.repo_id = r.id AND i.state = 'open') AS oi,
                     (SELECT count(*) FROM stars s WHERE s.repo_id = r.id) AS stars,
                     (SELECT count(*) FROM repos f WHERE f.parent_id = r.id) AS forks) x
    );
END $$;

CREATE FUNCTION gh_repo(r repos, b text, perm text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_repo_fields(r, b)
            || ', "delete_branch_on_merge" : ' || r.delete_branch_on_merge
            || gh_json_member('permissions', CASE WHEN perm IS NOT NULL THEN gh_permissions(perm) END)
            || '}')::json
$$;

CREATE FUNCTION gh_repo_full(r repos, b text, perm text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT (gh_repo_fields(r, b)
            || gh_json_member('permissions', CASE WHEN perm IS NOT NULL THEN gh_permissions(perm) END)
            || ', ' || substr(left(json_build_object(
                'allow_squash_merge', r.allow_squash_merge,
                'allow_merge_commit', r.allow_merge_commit,
                'allow_rebase_merge', r.allow_rebase_merge,
                'allow_auto_merge', false,
                'delete_branch_on_merge', r.delete_branch_on_merge,
                'allow_update_branch', false)::text, -1), 2)
            || gh_json_member('organization',
                   (SELECT gh_user(o, b) FROM users o WHERE o.id = r.owner_id AND o.type = 'Organization'))
            || gh_json_member('parent', (SELECT gh_repo(p, b, NULL) FROM repos p WHERE p.id = r.parent_id))
            || gh_json_member('source', (SELECT gh_repo(s, b, NULL) FROM repos s
                                         WHERE s.id = coalesce(r.source_id, r.parent_id)))
            || ', "network_count" : ' || (SELECT count(*) FROM repos n WHERE n.source_id = coalesce(r.source_id, r.id))
            || ', "subscribers_count" : 0}')::json
$$;

CREATE FUNCTION gh_label(l labels, ru text) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', l.id,
        'node_id', gh_node('LA', l.id),
        'url', ru || '/labels/' || gh_uri(l.name),
        'name', l.name,
        'color', l.color,
        'default', l.is_default,
        'description', l.description)
$$;

CREATE FUNCTION gh_milestone(m milestones, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'url', ru || '/milestones/' || m.number,
            'html_url', b || '/' || r.full_name || '/milestone/' || m.number,
            'labels_url', ru || '/milestones/' || m.number || '/labels',
            'id', m.id,
            'node_id', gh_node('MI', m.id),
            'number', m.number,
            'state', m.state,
            'title', m.title,
            'description', m.description,
            'creator', gh_user_id(m.creator_id, b),
            'open_issues', (SELECT count(*) FROM issues i WHERE i.milestone_id = m.id AND i.state = 'open'),
            'closed_issues', (SELECT count(*) FROM issues i WHERE i.milestone_id = m.id AND i.state = 'closed'),
            'created_at', gh_ts(m.created_at),
            'updated_at', gh_ts(m.updated_at),
            'closed_at', gh_ts(m.closed_at),
            'due_on', gh_ts(m.due_on))
        FROM repos r, LATERAL (SELECT b || '/repos/' || r.full_name AS ru) x
        WHERE r.id = m.repo_id
    );
END $$;

CREATE FUNCTION gh_reactions(subject text, sid bigint, url text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'url', url,
            'total_count', count(*),
            '+1', count(*) FILTER (WHERE content = '+1'),
            '-1', count(*) FILTER (WHERE content = '-1'),
            'laugh', count(*) FILTER (WHERE content = 'laugh'),
            'hooray', count(*) FILTER (WHERE content = 'hooray'),
            'confused', count(*) FILTER (WHERE content = 'confused'),
            'heart', count(*) FILTER (WHERE content = 'heart'),
            'rocket', count(*) FILTER (WHERE content = 'rocket'),
            'eyes', count(*) FILTER (WHERE content = 'eyes'))
        FROM reactions WHERE reactions.subject = gh_reactions.subject AND subject_id = sid
    );
END $$;

CREATE FUNCTION gh_issue(i issues, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT (jsonb_build_object(
            'url', iu,
            'repository_url', ru,
            'labels_url', iu || '/labels{/name}',
            'comments_url', iu || '/comments',
            'events_url', iu || '/events',
            'html_url', hu || CASE WHEN i.is_pull THEN '/pull/' ELSE '/issues/' END || i.number,
            'id', i.id,
            'node_id', gh_node(CASE WHEN i.is_pull THEN 'PR' ELSE 'I' END, i.id),
            'number', i.number,
            'title', i.title,
            'user', gh_user_id(i.user_id, b),
            'labels', (SELECT coalesce(json_agg(gh_label(l, ru) ORDER BY l.name), '[]')
                       FROM issue_labels il JOIN labels l ON l.id = il.label_id
                       WHERE il.issue_id = i.id),
            'state', i.state,
            'locked', i.locked,
            'assignee', gh_user_id(i.assignee_ids[1], b),
            'assignees', (SELECT coalesce(json_agg(gh_user(u, b) ORDER BY a.ord), '[]')
                          FROM unnest(i.assignee_ids) WITH ORDINALITY AS a(uid, ord)
                          JOIN users u ON u.id = a.uid),
            'milestone', (SELECT gh_milestone(m, b) FROM milestones m WHERE m.id = i.milestone_id),
            'comments', i.comments,
            'created_at', gh_ts(i.created_at),
            'updated_at', gh_ts(i.updated_at),
            'closed_at', gh_ts(i.closed_at),
            'author_association', gh_association(i.repo_id, i.user_id),
            'active_lock_reason', i.active_lock_reason,
            'body', i.body,
            'closed_by', gh_user_id(i.closed_by_id, b),
            'reactions', gh_reactions('issue', i.id, iu || '/reactions'),
            'timeline_url', iu || '/timeline',
            'performed_via_github_app', NULL,
            'state_reason', i.state_reason)
        || CASE WHEN i.is_pull THEN jsonb_build_object(
            'draft', (SELECT p.draft FROM pulls p WHERE p.issue_id = i.id),
            'pull_request', jsonb_build_object(
                'url', ru || '/pulls/' || i.number,
                'html_url', hu || '/pull/' || i.number,
                'diff_url', hu || '/pull/' || i.number || '.diff',
                'patch_url', hu || '/pull/' || i.number || '.patch',
                'merged_at', (SELECT gh_ts(p.merged_at) FROM pulls p WHERE p.issue_id = i.id)))
           ELSE '{}'::jsonb END)::json
        FROM repos r,
             LATERAL (SELECT b || '/repos/' || r.full_name AS ru, b || '/' || r.full_name AS hu) x,
             LATERAL (SELECT x.ru || '/issues/' || i.number AS iu) y
        WHERE r.id = i.repo_id
    );
END $$;

CREATE FUNCTION gh_comment(c comments, b text) RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT json_build_object(
            'url', ru || '/issues/comments/' || c.id,
            'html_url', b || '/' || r.full_name || '/issues/' || i.number || '#issuecomment-' || c.id,
            'issue_url', ru || '/issues/' || i.number,
            'id', c.id,
            'node_id', gh_node('IC', c.id),
            'user', gh_user_id(c.user_id, b),
            'created_at', gh_ts(c.created_at),
            'updated_at', gh_ts(c.updated_at),
            'author_association', gh_association(c.repo_id, c.user_id),
            'body', c.body,
            'reactions', gh_reactions('comment', c.id, ru || '/issues/comments/' || c.id || '/reactions'),
            'performed_via_github_app', NULL)
        FROM issues i JOIN repos r ON r.id = i.repo_id,
             LATERAL (SELECT b || '/repos/' || r.full_name AS ru) x
        WHERE i.id = c.issue_id
    );
END $$;
