-- Email intake addresses (`EmailIntakeAddress`): the address (its local part, `address`)
-- whose emails become issues of a team (`type` `team`) or of a template (`template`), with
-- its reply settings. The clone receives no email: the rows are the settings as written.
-- A team has one team address, a template one template address.
CREATE TABLE email_intake_addresses (
    id                                 text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    address                            text NOT NULL UNIQUE,
    type                               text NOT NULL,
    team_id                            text REFERENCES teams(id),
    template_id                        text REFERENCES templates(id) ON DELETE CASCADE,
    creator_id                         text REFERENCES users(id) ON DELETE SET NULL,
    enabled                            boolean NOT NULL DEFAULT true,
    forwarding_email_address           text,
    sender_name                        text,
    replies_enabled                    boolean NOT NULL DEFAULT true,
    customer_requests_enabled          boolean NOT NULL DEFAULT false,
    reopen_on_reply                    boolean NOT NULL DEFAULT false,
    use_user_names_in_replies          boolean NOT NULL DEFAULT false,
    issue_created_auto_reply           text,
    issue_created_auto_reply_enabled   boolean NOT NULL DEFAULT false,
    issue_completed_auto_reply         text,
    issue_completed_auto_reply_enabled boolean NOT NULL DEFAULT false,
    issue_canceled_auto_reply          text,
    issue_canceled_auto_reply_enabled  boolean NOT NULL DEFAULT false,
    last_used_at                       timestamptz,
    created_at                         timestamptz NOT NULL DEFAULT now(),
    updated_at                         timestamptz NOT NULL DEFAULT now(),
    archived_at                        timestamptz,
    CONSTRAINT email_intake_addresses_owner CHECK (
        (type = 'team' AND team_id IS NOT NULL) OR (type = 'template' AND template_id IS NOT NULL))
);
CREATE INDEX email_intake_addresses_created ON email_intake_addresses (created_at DESC, id DESC);
CREATE UNIQUE INDEX email_intake_addresses_team_key ON email_intake_addresses (team_id)
    WHERE type = 'team';
CREATE UNIQUE INDEX email_intake_addresses_template_key ON email_intake_addresses (template_id)
    WHERE type = 'template';

-- A new local part: the team's key (else `template`) lower-cased, a dash and 12 hex digits.
CREATE FUNCTION email_intake_local_part(team text) RETURNS text LANGUAGE sql VOLATILE AS $$
SELECT coalesce((SELECT lower(key) FROM teams WHERE id = team), 'template') || '-'
       || left(md5(gen_random_uuid()::text), 12)
$$;

CREATE FUNCTION email_intake_address_doc(a email_intake_addresses) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', a.id, 'address', a.address, 'type', a.type, 'enabled', a.enabled,
    'team', ref(a.team_id), 'template', ref(a.template_id), 'creator', ref(a.creator_id),
    'forwardingEmailAddress', a.forwarding_email_address, 'senderName', a.sender_name,
    'repliesEnabled', a.replies_enabled, 'customerRequestsEnabled', a.customer_requests_enabled,
    'reopenOnReply', a.reopen_on_reply, 'useUserNamesInReplies', a.use_user_names_in_replies,
    'issueCreatedAutoReply', a.issue_created_auto_reply,
    'issueCreatedAutoReplyEnabled', a.issue_created_auto_reply_enabled,
    'issueCompletedAutoReply', a.issue_completed_auto_reply,
    'issueCompletedAutoReplyEnabled', a.issue_completed_auto_reply_enabled,
    'issueCanceledAutoReply', a.issue_canceled_auto_reply,
    'issueCanceledAutoReplyEnabled', a.issue_canceled_auto_reply_enabled,
    'sesDomainIdentity', NULL, 'lastUsedAt', iso(a.last_used_at),
    'createdAt', iso(a.created_at), 'updatedAt', iso(a.updated_at),
    'archivedAt', iso(a.archived_at))
$$;

-- A new address draws its local part (the create gives none).
CREATE FUNCTION email_intake_address_drawn() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.address := coalesce(NEW.address, email_intake_local_part(NEW.team_id));
    RETURN NEW;
END $$;
CREATE TRIGGER email_intake_addresses_drawn BEFORE INSERT ON email_intake_addresses
    FOR EACH ROW EXECUTE FUNCTION email_intake_address_drawn();
