-- External users (`ExternalUser`): people who act in Linear through an integration (Slack,
-- Jira, GitHub, …) without an account. The clone has no integrations, so none is ever made:
-- `externalUsers` is empty and `externalUser` finds none, as Linear answers a workspace
-- without them.
CREATE TABLE external_users (
    id            text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name          text NOT NULL,
    display_name  text NOT NULL,
    email         text,
    avatar_url    text,
    last_seen     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz
);
CREATE INDEX external_users_created ON external_users (created_at DESC, id DESC);

CREATE FUNCTION external_user_doc(u external_users) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', u.id, 'name', u.name, 'displayName', u.display_name, 'email', u.email,
    'avatarUrl', u.avatar_url, 'lastSeen', iso(coalesce(u.last_seen, u.created_at)),
    'createdAt', iso(u.created_at), 'updatedAt', iso(u.updated_at), 'archivedAt', iso(u.archived_at))
$$;
