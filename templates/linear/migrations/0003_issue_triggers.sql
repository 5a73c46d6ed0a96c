-- Issue bookkeeping done by Postgres in the same statement as the write:
-- the URL slug follows the title, startedAt/completedAt/canceledAt follow the state's type, and every update records an
-- IssueHistory row of what changed (actor: the row's updated_by).

CREATE FUNCTION issue_state_times() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE kind text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state_id IS NOT DISTINCT FROM OLD.state_id THEN
        RETURN NEW;
    END IF;
    SELECT type INTO kind FROM workflow_states WHERE id = NEW.state_id;
    IF kind IN ('backlog', 'unstarted', 'triage') THEN
        NEW.started_at := NULL; NEW.completed_at := NULL; NEW.canceled_at := NULL;
    ELSIF kind = 'started' THEN
        NEW.started_at := coalesce(NEW.started_at, now());
        NEW.completed_at := NULL; NEW.canceled_at := NULL;
    ELSIF kind = 'completed' THEN
        NEW.completed_at := CASE WHEN TG_OP = 'INSERT' THEN coalesce(NEW.completed_at, now()) ELSE now() END;
        NEW.canceled_at := NULL;
    ELSIF kind = 'canceled' THEN
        NEW.canceled_at := CASE WHEN TG_OP = 'INSERT' THEN coalesce(NEW.canceled_at, now()) ELSE now() END;
        NEW.completed_at := NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION issue_slug() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.slug := slug(NEW.title);
    RETURN NEW;
END $$;

CREATE TRIGGER issues_slug BEFORE INSERT OR UPDATE OF title ON issues
    FOR EACH ROW EXECUTE FUNCTION issue_slug();

CREATE TRIGGER issues_state_times BEFORE INSERT OR UPDATE OF state_id ON issues
    FOR EACH ROW EXECUTE FUNCTION issue_state_times();

CREATE FUNCTION issue_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c jsonb := '{}';
BEGIN
    IF NEW.state_id IS DISTINCT FROM OLD.state_id THEN
        c := c || jsonb_build_object('fromStateId', OLD.state_id, 'toStateId', NEW.state_id,
            'fromState', ref(OLD.state_id), 'toState', ref(NEW.state_id));
    END IF;
    IF NEW.assignee_id IS DISTINCT FROM OLD.assignee_id THEN
        c := c || jsonb_build_object('fromAssigneeId', OLD.assignee_id, 'toAssigneeId', NEW.assignee_id,
            'fromAssignee', ref(OLD.assignee_id), 'toAssignee', ref(NEW.assignee_id));
    END IF;
    IF NEW.priority IS DISTINCT FROM OLD.priority THEN
        c := c || jsonb_build_object('fromPriority', OLD.priority, 'toPriority', NEW.priority);
    END IF;
    IF NEW.title IS DISTINCT FROM OLD.title THEN
        c := c || jsonb_build_object('fromTitle', OLD.title, 'toTitle', NEW.title);
    END IF;
    IF NEW.description IS DISTINCT FROM OLD.description THEN
        c := c || jsonb_build_object('updatedDescription', true);
    END IF;
    IF NEW.estimate IS DISTINCT FROM OLD.estimate THEN
        c := c || jsonb_build_object('fromEstimate', OLD.estimate, 'toEstimate', NEW.estimate);
    END IF;
    IF NEW.due_date IS DISTINCT FROM OLD.due_date THEN
        c := c || jsonb_build_object('fromDueDate', OLD.due_date, 'toDueDate', NEW.due_date);
    END IF;
    IF NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
        c := c || jsonb_build_object('fromParentId', OLD.parent_id, 'toParentId', NEW.parent_id,
            'fromParent', ref(OLD.parent_id), 'toParent', ref(NEW.parent_id));
    END IF;
    IF NEW.project_id IS DISTINCT FROM OLD.project_id THEN
        c := c || jsonb_build_object('fromProjectId', OLD.project_id, 'toProjectId', NEW.project_id,
            'fromProject', ref(OLD.project_id), 'toProject', ref(NEW.project_id));
    END IF;
    IF NEW.cycle_id IS DISTINCT FROM OLD.cycle_id THEN
        c := c || jsonb_build_object('fromCycleId', OLD.cycle_id, 'toCycleId', NEW.cycle_id,
            'fromCycle', ref(OLD.cycle_id), 'toCycle', ref(NEW.cycle_id));
    END IF;
    IF NEW.label_ids IS DISTINCT FROM OLD.label_ids THEN
        c := c || jsonb_build_object(
            'addedLabelIds', (SELECT coalesce(jsonb_agg(x), '[]') FROM unnest(NEW.label_ids) x WHERE x <> ALL(OLD.label_ids)),
            'removedLabelIds', (SELECT coalesce(jsonb_agg(x), '[]') FROM unnest(OLD.label_ids) x WHERE x <> ALL(NEW.label_ids)),
            'addedLabels', (SELECT coalesce(jsonb_agg(ref(x)), '[]') FROM unnest(NEW.label_ids) x WHERE x <> ALL(OLD.label_ids)),
            'removedLabels', (SELECT coalesce(jsonb_agg(ref(x)), '[]') FROM unnest(OLD.label_ids) x WHERE x <> ALL(NEW.label_ids)));
    END IF;
    IF NEW.archived_at IS DISTINCT FROM OLD.archived_at THEN
        c := c || jsonb_build_object('archived', NEW.archived_at IS NOT NULL);
    END IF;
    IF NEW.trashed IS DISTINCT FROM OLD.trashed THEN
        c := c || jsonb_build_object('trashed', coalesce(NEW.trashed, false));
    END IF;
    IF c <> '{}' THEN
        INSERT INTO issue_history (issue_id, actor_id, changes) VALUES (NEW.id, NEW.updated_by, c);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER issues_history AFTER UPDATE ON issues
    FOR EACH ROW EXECUTE FUNCTION issue_history_record();
