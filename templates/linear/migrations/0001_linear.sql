-- Linear's workspace model: one organization, its users and teams, each team's workflow
-- states, labels, cycles and issues (numbered per team), projects, comments, attachments,
-- issue history and webhooks. Ids are UUID strings, as Linear's are.

CREATE TABLE organization (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    url_key     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Switches an admin route flips: rate-limit enforcement is off by default.
CREATE TABLE settings (
    id                   boolean PRIMARY KEY DEFAULT true CHECK (id),
    enforce_rate_limit   boolean NOT NULL DEFAULT false,
    requests_limit       integer NOT NULL DEFAULT 5000,
    complexity_limit     integer NOT NULL DEFAULT 3000000
);
INSERT INTO settings DEFAULT VALUES;

-- Requests counted per credential per hour window (only when enforcement is on).
CREATE TABLE rate_windows (
    subject     text NOT NULL,
    window_at   timestamptz NOT NULL,
    requests    integer NOT NULL DEFAULT 0,
    complexity  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, window_at)
);

-- lastSyncId: one increasing number per committed mutation.
CREATE SEQUENCE sync_id_seq START 1000;

CREATE TABLE users (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    display_name  text NOT NULL,
    email         text NOT NULL UNIQUE,
    admin         boolean NOT NULL DEFAULT false,
    active        boolean NOT NULL DEFAULT true,
    timezone      text NOT NULL DEFAULT 'Etc/UTC',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    archived_at   timestamptz
);

CREATE TABLE teams (
    id              text PRIMARY KEY,
    key             text NOT NULL UNIQUE,
    name            text NOT NULL,
    description     text,
    color           text,
    icon            text,
    private         boolean NOT NULL DEFAULT false,
    cycles_enabled  boolean NOT NULL DEFAULT true,
    timezone        text NOT NULL DEFAULT 'Etc/UTC',
    issue_seq       integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    archived_at     timestamptz
);

CREATE TABLE team_members (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id     text NOT NULL REFERENCES teams(id),
    user_id     text NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE workflow_states (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id      text NOT NULL REFERENCES teams(id),
    name         text NOT NULL,
    type         text NOT NULL CHECK (type IN ('triage', 'backlog', 'unstarted', 'started', 'completed', 'canceled')),
    color        text NOT NULL,
    position     double precision NOT NULL,
    description  text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);
CREATE INDEX workflow_states_team ON workflow_states (team_id, position);

CREATE TABLE issue_labels (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id      text REFERENCES teams(id),
    parent_id    text REFERENCES issue_labels(id),
    creator_id   text REFERENCES users(id),
    name         text NOT NULL,
    color        text NOT NULL DEFAULT '#bec2c8',
    description  text,
    is_group     boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);

CREATE TABLE project_statuses (
    id        text PRIMARY KEY,
    name      text NOT NULL,
    type      text NOT NULL,
    color     text NOT NULL,
    position  double precision NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE projects (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name         text NOT NULL,
    description  text NOT NULL DEFAULT '',
    content      text,
    slug_id      text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    color        text NOT NULL DEFAULT '#bec2c8',
    icon         text,
    status_id    text NOT NULL REFERENCES project_statuses(id),
    priority     integer NOT NULL DEFAULT 0,
    sort_order   double precision NOT NULL DEFAULT 0,
    lead_id      text REFERENCES users(id),
    creator_id   text REFERENCES users(id),
    start_date   date,
    target_date  date,
    started_at   timestamptz,
    completed_at timestamptz,
    canceled_at  timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    trashed      boolean
);

CREATE TABLE project_teams (
    project_id  text NOT NULL REFERENCES projects(id),
    team_id     text NOT NULL REFERENCES teams(id),
    PRIMARY KEY (project_id, team_id)
);

CREATE TABLE cycles (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id      text NOT NULL REFERENCES teams(id),
    number       integer NOT NULL,
    name         text,
    description  text,
    starts_at    timestamptz NOT NULL,
    ends_at      timestamptz NOT NULL,
    completed_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    UNIQUE (team_id, number),
    CHECK (ends_at > starts_at)
);

-- A cycle created without a number takes the team's next one.
CREATE FUNCTION cycle_number() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number IS NULL THEN
        SELECT coalesce(max(number), 0) + 1 INTO NEW.number FROM cycles WHERE team_id = NEW.team_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER cycles_number BEFORE INSERT ON cycles FOR EACH ROW EXECUTE FUNCTION cycle_number();

-- Project milestones (`ProjectMilestone`): named, ordered stages of a project with an
-- optional target date; issues belong to at most one (`Issue.projectMilestone`).
CREATE TABLE project_milestones (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    project_id   text NOT NULL REFERENCES projects(id),
    name         text NOT NULL,
    description  text,
    sort_order   double precision NOT NULL DEFAULT 0,
    target_date  date,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);
CREATE INDEX project_milestones_project ON project_milestones (project_id, sort_order);

CREATE TABLE issues (
    id                   text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id              text NOT NULL REFERENCES teams(id),
    number               integer NOT NULL,
    identifier           text NOT NULL UNIQUE,
    title                text NOT NULL,
    -- The title as it appears in URLs and branch names (kept by a trigger).
    slug                 text NOT NULL DEFAULT '',
    description          text,
    priority             integer NOT NULL DEFAULT 0,
    estimate             double precision,
    state_id             text NOT NULL REFERENCES workflow_states(id),
    assignee_id          text REFERENCES users(id),
    creator_id           text REFERENCES users(id),
    parent_id            text REFERENCES issues(id),
    project_id           text REFERENCES projects(id),
    cycle_id             text REFERENCES cycles(id),
    project_milestone_id text REFERENCES project_milestones(id),
    label_ids            text[] NOT NULL DEFAULT '{}',
    due_date             date,
    sort_order           double precision NOT NULL DEFAULT 0,
    sub_issue_sort_order double precision,
    started_at           timestamptz,
    completed_at         timestamptz,
    canceled_at          timestamptz,
    added_to_cycle_at    timestamptz,
    added_to_project_at  timestamptz,
    added_to_team_at     timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    archived_at          timestamptz,
    trashed              boolean,
    -- Who made the last change (the history trigger's actor).
    updated_by           text,
    -- The issue's JSON document less its `url`, rendered by a trigger on every write
    -- (`issue_body`, `issue_doc`).
    body                 text,
    UNIQUE (team_id, number)
);
CREATE INDEX issues_created ON issues (created_at DESC, id DESC);
CREATE INDEX issues_updated ON issues (updated_at DESC, id DESC);
CREATE INDEX issues_team ON issues (team_id, created_at DESC);
CREATE INDEX issues_state ON issues (state_id);
CREATE INDEX issues_assignee ON issues (assignee_id);
CREATE INDEX issues_parent ON issues (parent_id);
CREATE INDEX issues_project ON issues (project_id);
CREATE INDEX issues_cycle ON issues (cycle_id);
CREATE INDEX issues_project_milestone ON issues (project_milestone_id);
CREATE INDEX issues_labels ON issues USING gin (label_ids);

CREATE TABLE comments (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    issue_id     text NOT NULL REFERENCES issues(id),
    user_id      text REFERENCES users(id),
    parent_id    text REFERENCES comments(id),
    body         text NOT NULL,
    edited_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz
);
CREATE INDEX comments_issue ON comments (issue_id, created_at DESC);

CREATE TABLE attachments (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    issue_id     text NOT NULL REFERENCES issues(id),
    creator_id   text REFERENCES users(id),
    title        text NOT NULL,
    subtitle     text,
    url          text NOT NULL,
    metadata     jsonb NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    UNIQUE (issue_id, url)
);

-- One row per change to an issue: `changes` holds IssueHistory's from*/to* fields.
CREATE TABLE issue_history (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    issue_id    text NOT NULL REFERENCES issues(id),
    actor_id    text REFERENCES users(id),
    changes     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz
);
CREATE INDEX issue_history_issue ON issue_history (issue_id, created_at DESC);

CREATE TABLE webhooks (
    id                text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    team_id           text REFERENCES teams(id),
    all_public_teams  boolean NOT NULL DEFAULT false,
    label             text,
    url               text NOT NULL,
    secret            text NOT NULL,
    enabled           boolean NOT NULL DEFAULT true,
    resource_types    text[] NOT NULL,
    creator_id        text REFERENCES users(id),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    archived_at       timestamptz
);
