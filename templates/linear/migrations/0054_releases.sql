-- Releases: a workspace's release pipelines (`ReleasePipeline`, of some teams), each with its
-- stages (`ReleaseStage`: planned, started, completed, canceled), the releases that move
-- through them (`Release`) and the issues each release ships (`IssueToRelease`).

CREATE TABLE release_pipelines (
    id                 text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name               text NOT NULL,
    slug_id            text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    type               text NOT NULL DEFAULT 'continuous',
    is_production      boolean NOT NULL DEFAULT true,
    auto_generate_release_notes_on_completion boolean NOT NULL DEFAULT false,
    rollover_issues_on_completion boolean NOT NULL DEFAULT true,
    include_path_patterns text[] NOT NULL DEFAULT '{}',
    team_ids           text[] NOT NULL DEFAULT '{}',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    archived_at        timestamptz,
    trashed            boolean,
    CONSTRAINT release_pipelines_slug_id_key UNIQUE (slug_id),
    CONSTRAINT release_pipelines_type_check CHECK (type IN ('continuous', 'scheduled')),
    CONSTRAINT release_pipelines_slug_check CHECK (slug_id ~ '^[a-z0-9-]+$')
);
CREATE INDEX release_pipelines_created ON release_pipelines (created_at DESC, id DESC);

-- Every team a pipeline names exists (as a foreign key would hold it).
CREATE FUNCTION release_pipeline_teams_exist() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 WHERE (SELECT count(*) FROM teams x WHERE x.id = ANY(NEW.team_ids))
        = (SELECT count(DISTINCT t) FROM unnest(NEW.team_ids) t);
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING CONSTRAINT = 'release_pipelines_team_id_fkey', MESSAGE = 'a team does not exist';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER release_pipelines_teams_exist BEFORE INSERT OR UPDATE OF team_ids ON release_pipelines
    FOR EACH ROW EXECUTE FUNCTION release_pipeline_teams_exist();

CREATE TABLE release_stages (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    pipeline_id text NOT NULL REFERENCES release_pipelines(id) ON DELETE CASCADE,
    name        text NOT NULL,
    color       text NOT NULL,
    type        text NOT NULL,
    position    double precision NOT NULL,
    frozen      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT release_stages_type_check CHECK (type IN ('planned', 'started', 'completed', 'canceled')),
    CONSTRAINT release_stages_frozen_check CHECK (NOT frozen OR type = 'started')
);
CREATE INDEX release_stages_created ON release_stages (created_at DESC, id DESC);
CREATE INDEX release_stages_pipeline ON release_stages (pipeline_id, position);

-- A new pipeline has the default stages, one of each type (the names of Linear's schema's
-- examples; the colours are the clone's), made a microsecond apart in position order so a
-- list of them has one order.
CREATE FUNCTION release_pipeline_stages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO release_stages (pipeline_id, name, color, type, position, created_at, updated_at)
    SELECT NEW.id, s.name, s.color, s.type, s.position,
           now() + s.position * interval '1 microsecond', now() + s.position * interval '1 microsecond'
    FROM (VALUES ('Planned', '#bec2c8', 'planned', 1),
                 ('In Progress', '#f2c94c', 'started', 2),
                 ('Completed', '#5e6ad2', 'completed', 3),
                 ('Canceled', '#95a2b3', 'canceled', 4)) s(name, color, type, position);
    RETURN NULL;
END $$;
CREATE TRIGGER release_pipelines_stages AFTER INSERT ON release_pipelines
    FOR EACH ROW EXECUTE FUNCTION release_pipeline_stages();

CREATE TABLE releases (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    pipeline_id  text NOT NULL REFERENCES release_pipelines(id) ON DELETE CASCADE,
    stage_id     text NOT NULL REFERENCES release_stages(id),
    name         text NOT NULL,
    description  text,
    version      text,
    commit_sha   text,
    slug_id      text NOT NULL DEFAULT substr(md5(random()::text), 1, 12),
    start_date   date,
    target_date  date,
    started_at   timestamptz,
    completed_at timestamptz,
    canceled_at  timestamptz,
    creator_id   text REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    trashed      boolean,
    CONSTRAINT releases_slug_id_key UNIQUE (slug_id),
    CONSTRAINT releases_version_key UNIQUE (pipeline_id, version)
);
CREATE INDEX releases_created ON releases (created_at DESC, id DESC);
CREATE INDEX releases_pipeline ON releases (pipeline_id);
CREATE INDEX releases_stage ON releases (stage_id);

-- A release's stage is of its pipeline (without one: the first completed stage of a
-- continuous pipeline, the first started stage of a scheduled one); moving it stamps its
-- lifecycle as Linear's schema describes: a started stage sets `startedAt` (and `startDate`,
-- today, when unset), a completed one `completedAt`, a canceled one `canceledAt`; leaving a
-- completed or canceled stage clears that stamp.
CREATE FUNCTION release_stage_moves() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kind text;
BEGIN
    IF NEW.stage_id IS NULL THEN
        SELECT s.id INTO NEW.stage_id FROM release_stages s JOIN release_pipelines p ON p.id = s.pipeline_id
        WHERE s.pipeline_id = NEW.pipeline_id AND s.archived_at IS NULL
          AND s.type = CASE p.type WHEN 'scheduled' THEN 'started' ELSE 'completed' END
        ORDER BY s.position, s.created_at LIMIT 1;
    END IF;
    SELECT s.type INTO kind FROM release_stages s
    WHERE s.id = NEW.stage_id AND s.pipeline_id = NEW.pipeline_id;
    IF kind IS NULL THEN
        RAISE check_violation USING MESSAGE = 'the stage is not of the pipeline',
            CONSTRAINT = 'releases_stage_pipeline_check';
    END IF;
    IF TG_OP = 'INSERT' OR NEW.stage_id IS DISTINCT FROM OLD.stage_id THEN
        IF kind = 'started' THEN
            NEW.started_at := coalesce(NEW.started_at, now());
            NEW.start_date := coalesce(NEW.start_date, current_date);
        END IF;
        NEW.completed_at := CASE WHEN kind = 'completed' THEN coalesce(NEW.completed_at, now()) END;
        NEW.canceled_at := CASE WHEN kind = 'canceled' THEN coalesce(NEW.canceled_at, now()) END;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER releases_stage_moves BEFORE INSERT OR UPDATE ON releases
    FOR EACH ROW EXECUTE FUNCTION release_stage_moves();

CREATE TABLE issue_to_releases (
    id          text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    issue_id    text NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    release_id  text NOT NULL REFERENCES releases(id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    archived_at timestamptz,
    CONSTRAINT issue_to_releases_unique UNIQUE (issue_id, release_id)
);
CREATE INDEX issue_to_releases_created ON issue_to_releases (created_at DESC, id DESC);
CREATE INDEX issue_to_releases_release ON issue_to_releases (release_id);

CREATE FUNCTION release_pipeline_doc(p release_pipelines, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', p.id, 'name', p.name, 'slugId', p.slug_id, 'type', p.type,
    'isProduction', p.is_production,
    'autoGenerateReleaseNotesOnCompletion', p.auto_generate_release_notes_on_completion,
    'rolloverIssuesOnCompletion', p.rollover_issues_on_completion,
    'includePathPatterns', to_json(p.include_path_patterns), 'teamIds', to_json(p.team_ids),
    'approximateReleaseCount',
        (SELECT count(*) FROM releases r WHERE r.pipeline_id = p.id AND r.archived_at IS NULL),
    'latestReleaseNote', NULL, 'releaseNoteTemplate', NULL,
    'url', base || '/releases/' || p.slug_id, 'trashed', p.trashed,
    'createdAt', iso(p.created_at), 'updatedAt', iso(p.updated_at), 'archivedAt', iso(p.archived_at))
$$;

CREATE FUNCTION release_stage_doc(s release_stages) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'color', s.color, 'type', s.type, 'position', s.position,
    'frozen', s.frozen, 'pipeline', ref(s.pipeline_id), 'pipelineId', s.pipeline_id,
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at), 'archivedAt', iso(s.archived_at))
$$;

-- A release's issues by their state's type (`currentProgress`: the clone's layout of
-- Linear's "counts of issues by workflow state type").
CREATE FUNCTION release_progress(release text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT coalesce(json_object_agg(k.type, k.n), '{}'::json)
FROM (SELECT s.type, count(*) AS n FROM issue_to_releases x
      JOIN issues i ON i.id = x.issue_id AND i.archived_at IS NULL
      JOIN workflow_states s ON s.id = i.state_id
      WHERE x.release_id = release GROUP BY s.type) k
$$;

CREATE FUNCTION release_doc(r releases, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', r.id, 'name', r.name, 'description', r.description, 'version', r.version,
    'commitSha', r.commit_sha, 'slugId', r.slug_id,
    'startDate', to_char(r.start_date, 'YYYY-MM-DD'), 'targetDate', to_char(r.target_date, 'YYYY-MM-DD'),
    'startedAt', iso(r.started_at), 'completedAt', iso(r.completed_at),
    'canceledAt', iso(r.canceled_at), 'autoArchivedAt', NULL,
    'pipeline', ref(r.pipeline_id), 'pipelineId', r.pipeline_id,
    'stage', ref(r.stage_id), 'stageId', r.stage_id,
    'creator', ref(r.creator_id), 'creatorId', r.creator_id,
    'issueCount', (SELECT count(*) FROM issue_to_releases x JOIN issues i ON i.id = x.issue_id
                   WHERE x.release_id = r.id AND i.archived_at IS NULL),
    'currentProgress', release_progress(r.id), 'progressHistory', '{}'::json,
    'releaseNote', NULL, 'releaseNotes', '[]'::json,
    'url', base || '/release/' || r.slug_id, 'trashed', r.trashed,
    'createdAt', iso(r.created_at), 'updatedAt', iso(r.updated_at), 'archivedAt', iso(r.archived_at))
$$;

CREATE FUNCTION issue_to_release_doc(x issue_to_releases) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', x.id, 'issue', ref(x.issue_id), 'release', ref(x.release_id),
    'createdAt', iso(x.created_at), 'updatedAt', iso(x.updated_at), 'archivedAt', iso(x.archived_at))
$$;
