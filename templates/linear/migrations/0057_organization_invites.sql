-- Workspace invites (`OrganizationInvite`): an email invited by a user, as a member (`user`)
-- or an admin, to join some teams; pending until accepted (the clone accepts none: no one
-- signs up), archived when deleted. One pending invite an address.
CREATE TABLE organization_invites (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    email       text NOT NULL,
    role        text NOT NULL DEFAULT 'user',
    team_ids    text[] NOT NULL DEFAULT '{}',
    metadata    jsonb,
    inviter_id  text NOT NULL REFERENCES users(id),
    invitee_id  text REFERENCES users(id),
    accepted_at timestamptz,
    expires_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz
);
CREATE UNIQUE INDEX organization_invites_email_key ON organization_invites (lower(email))
    WHERE archived_at IS NULL;
CREATE INDEX organization_invites_created ON organization_invites (created_at DESC, id DESC);

CREATE FUNCTION organization_invite_doc(i organization_invites) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', i.id, 'email', i.email, 'role', i.role, 'external', false, 'metadata', i.metadata,
    'teamIds', to_json(i.team_ids), 'inviter', ref(i.inviter_id), 'invitee', ref(i.invitee_id),
    'organization', (SELECT ref(o.id) FROM organization o LIMIT 1),
    'acceptedAt', iso(i.accepted_at), 'expiresAt', iso(i.expires_at),
    'createdAt', iso(i.created_at), 'updatedAt', iso(i.updated_at), 'archivedAt', iso(i.archived_at))
$$;
