-- Initiatives (`Initiative`): workspace-level goals that group projects
-- (`initiative_to_projects`, Linear's `InitiativeToProject`). `status` is one of Linear's
-- `InitiativeStatus` values; moving to Active stamps `startedAt`, to Completed `completedAt`,
-- to Canceled `canceledAt` (a trigger's work). `initiativeDelete` trashes one.
CREATE TABLE initiatives (
    id                                  text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name                                text NOT NULL,
    description                         text,
    content                             text,
    slug_id                             text NOT NULL UNIQUE DEFAULT substr(md5(random()::text), 1, 12),
    icon                                text,
    color                               text,
    status                              text NOT NULL DEFAULT 'Planned'
        CHECK (status IN ('Proposed', 'Planned', 'Active', 'Completed', 'Canceled')),
    priority                            integer NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 4),
    sort_order                          double precision NOT NULL DEFAULT 0,
    priority_sort_order                 double precision NOT NULL DEFAULT 0,
    target_date                         date,
    target_date_resolution              text,
    owner_id                            text REFERENCES users(id),
    creator_id                          text REFERENCES users(id),
    lead_team_id                        text REFERENCES teams(id),
    frequency_resolution                text NOT NULL DEFAULT 'weekly',
    update_reminder_frequency           double precision,
    update_reminder_frequency_in_weeks  double precision,
    update_reminders_day                text,
    update_reminders_hour               double precision,
    started_at                          timestamptz,
    completed_at                        timestamptz,
    canceled_at                         timestamptz,
    created_at                          timestamptz NOT NULL DEFAULT now(),
    updated_at                          timestamptz NOT NULL DEFAULT now(),
    archived_at                         timestamptz,
    trashed                             boolean
);
CREATE INDEX initiatives_created ON initiatives (created_at DESC, id DESC);

CREATE TABLE initiative_to_projects (
    id             text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    initiative_id  text NOT NULL REFERENCES initiatives(id),
    project_id     text NOT NULL REFERENCES projects(id),
    sort_order     double precision NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    archived_at    timestamptz,
    UNIQUE (initiative_id, project_id)
);
CREATE INDEX initiative_to_projects_project ON initiative_to_projects (project_id);

CREATE FUNCTION initiative_status_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        IF NEW.status = 'Active' THEN
            NEW.started_at := coalesce(NEW.started_at, now());
        END IF;
        NEW.completed_at := CASE WHEN NEW.status = 'Completed' THEN now() END;
        NEW.canceled_at := CASE WHEN NEW.status = 'Canceled' THEN now() END;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER initiatives_status_times BEFORE INSERT OR UPDATE OF status ON initiatives
    FOR EACH ROW EXECUTE FUNCTION initiative_status_times();

-- `visibility` follows the lead team: public without one, private when it is private.
-- Health, updates, labels, integrations and the document content are not modelled: null
-- or empty, as Linear answers for an initiative without them.
CREATE FUNCTION initiative_doc(i initiatives, base text) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', i.id, 'name', i.name, 'description', i.description, 'content', i.content,
    'slugId', i.slug_id,
    'url', base || '/initiative/' || concat_ws('-', nullif(slug(i.name), ''), i.slug_id),
    'icon', i.icon, 'color', i.color, 'status', i.status, 'priority', i.priority,
    'sortOrder', i.sort_order, 'prioritySortOrder', i.priority_sort_order,
    'targetDate', to_char(i.target_date, 'YYYY-MM-DD'),
    'targetDateResolution', i.target_date_resolution,
    'frequencyResolution', i.frequency_resolution,
    'updateReminderFrequency', i.update_reminder_frequency,
    'updateReminderFrequencyInWeeks', i.update_reminder_frequency_in_weeks,
    'updateRemindersDay', i.update_reminders_day, 'updateRemindersHour', i.update_reminders_hour,
    'startedAt', iso(i.started_at), 'completedAt', iso(i.completed_at),
    'createdAt', iso(i.created_at), 'updatedAt', iso(i.updated_at),
    'archivedAt', iso(i.archived_at), 'trashed', i.trashed,
    'health', NULL, 'healthUpdatedAt', NULL, 'labelIds', '[]'::json,
    'visibility', CASE WHEN (SELECT private FROM teams WHERE id = i.lead_team_id)
                       THEN 'private' ELSE 'public' END,
    'owner', ref(i.owner_id), 'creator', ref(i.creator_id), 'leadTeam', ref(i.lead_team_id),
    'parentInitiative', NULL, 'lastUpdate', NULL, 'integrationsSettings', NULL,
    'documentContent', NULL,
    'ownerId', i.owner_id, 'creatorId', i.creator_id, 'leadTeamId', i.lead_team_id)
$$;

-- `sortOrder` is a String in Linear's `InitiativeToProject`.
CREATE FUNCTION initiative_to_project_doc(l initiative_to_projects) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', l.id, 'initiative', ref(l.initiative_id), 'project', ref(l.project_id),
    'sortOrder', l.sort_order::text, 'createdAt', iso(l.created_at),
    'updatedAt', iso(l.updated_at), 'archivedAt', iso(l.archived_at))
$$;
