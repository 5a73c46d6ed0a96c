-- Team memberships as objects, issue subscribers and issue relations.
--
-- A membership (`TeamMembership`) has Linear's timestamps, `owner` (the clone has no team
-- owners' permissions, so nobody is one unless set) and `sortOrder` (the team's place in the
-- member's own team list).
ALTER TABLE team_members
    ADD COLUMN updated_at  timestamptz,
    ADD COLUMN archived_at timestamptz,
    ADD COLUMN owner       boolean NOT NULL DEFAULT false,
    ADD COLUMN sort_order  double precision NOT NULL DEFAULT 0;
UPDATE team_members SET updated_at = created_at;
ALTER TABLE team_members ALTER COLUMN updated_at SET DEFAULT now(),
                         ALTER COLUMN updated_at SET NOT NULL;

-- A membership made without an update time was last changed when it was made.
CREATE FUNCTION team_member_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.updated_at := NEW.created_at;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER team_members_times BEFORE INSERT ON team_members
    FOR EACH ROW EXECUTE FUNCTION team_member_times();

CREATE OR REPLACE FUNCTION membership_doc(m team_members) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', m.id, 'owner', m.owner, 'sortOrder', m.sort_order, 'createdAt', iso(m.created_at),
    'updatedAt', iso(m.updated_at), 'archivedAt', iso(m.archived_at),
    'team', ref(m.team_id), 'user', ref(m.user_id))
$$;

-- Who is subscribed to an issue (`Issue.subscribers`). As in Linear, an issue's creator and
-- its assignee are subscribed when they become so; `issueSubscribe`/`issueUnsubscribe` add
-- and remove others.
CREATE TABLE issue_subscribers (
    issue_id    text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    user_id     text NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (issue_id, user_id)
);
CREATE INDEX issue_subscribers_user ON issue_subscribers (user_id);

CREATE FUNCTION issue_subscribe_people() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO issue_subscribers (issue_id, user_id, created_at)
    SELECT NEW.id, person, CASE WHEN TG_OP = 'INSERT' THEN NEW.created_at ELSE now() END
    FROM unnest(CASE WHEN TG_OP = 'INSERT' THEN ARRAY[NEW.creator_id, NEW.assignee_id]
                     ELSE ARRAY[NEW.assignee_id] END) person
    WHERE person IS NOT NULL
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE TRIGGER issues_subscribe_created AFTER INSERT ON issues
    FOR EACH ROW EXECUTE FUNCTION issue_subscribe_people();
CREATE TRIGGER issues_subscribe_assigned AFTER UPDATE OF assignee_id ON issues
    FOR EACH ROW WHEN (NEW.assignee_id IS DISTINCT FROM OLD.assignee_id)
    EXECUTE FUNCTION issue_subscribe_people();

-- `IssueRelation`: `issue` blocks, duplicates, relates to or resembles `relatedIssue`.
CREATE TABLE issue_relations (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    issue_id          text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    related_issue_id  text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    type              text NOT NULL CHECK (type IN ('blocks', 'duplicate', 'related', 'similar')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz,
    CHECK (issue_id <> related_issue_id)
);
CREATE INDEX issue_relations_issue ON issue_relations (issue_id);
CREATE INDEX issue_relations_related ON issue_relations (related_issue_id);

CREATE OR REPLACE FUNCTION relation_doc(r issue_relations) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'type', r.type, 'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at),
    'archivedAt', iso(r.archived_at), 'issue', ref(r.issue_id),
    'relatedIssue', ref(r.related_issue_id))
$$;
