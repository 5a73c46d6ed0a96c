-- Issue bookkeeping done by Postgres in the same statement as the write:
-- the URL slug follows the title, startedAt/completedAt/canceledAt follow the state's type, the
-- stored document (`body`) follows everything, and every update records an
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

CREATE FUNCTION issue_rendered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.body := issue_body(NEW);
    RETURN NEW;
END $$;

-- BEFORE triggers fire in name order: this one after `issues_slug` and `issues_state_times`,
-- whose values it renders.
CREATE TRIGGER issues_written BEFORE INSERT OR UPDATE ON issues
    FOR EACH ROW EXECUTE FUNCTION issue_rendered();

-- A relation's change as IssueHistory reports it (`fromStateId`, `toStateId`, `fromState`,
-- `toState` for 'State'), or nothing when it did not change.
CREATE FUNCTION ref_change(name text, before text, after text) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT CASE WHEN before IS DISTINCT FROM after
    THEN jsonb_build_object('from' || name || 'Id', before, 'to' || name || 'Id', after,
                            'from' || name, ref(before), 'to' || name, ref(after))
    ELSE '{}' END
$$;

-- A value's change (`fromPriority`, `toPriority` for 'Priority'), or nothing.
CREATE FUNCTION value_change(name text, before anyelement, after anyelement) RETURNS jsonb LANGUAGE sql STABLE AS $$
SELECT CASE WHEN before IS DISTINCT FROM after
    THEN jsonb_build_object('from' || name, before, 'to' || name, after)
    ELSE '{}' END
$$;

CREATE FUNCTION issue_history_record() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE c jsonb;
BEGIN
    c := ref_change('State', OLD.state_id, NEW.state_id)
        || ref_change('Assignee', OLD.assignee_id, NEW.assignee_id)
        || value_change('Priority', OLD.priority, NEW.priority)
        || value_change('Title', OLD.title, NEW.title)
        || value_change('Estimate', OLD.estimate, NEW.estimate)
        || value_change('DueDate', OLD.due_date, NEW.due_date)
        || ref_change('Parent', OLD.parent_id, NEW.parent_id)
        || ref_change('Project', OLD.project_id, NEW.project_id)
        || ref_change('Cycle', OLD.cycle_id, NEW.cycle_id);
    IF NEW.description IS DISTINCT FROM OLD.description THEN
        c := c || jsonb_build_object('updatedDescription', true);
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
