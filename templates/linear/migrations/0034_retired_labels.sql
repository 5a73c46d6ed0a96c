-- A retired project or initiative label stays on the rows that have it but cannot be applied
-- to another (Linear's schema: "Retired labels cannot be applied to new projects but remain on
-- existing ones"): a label a row is newly given (every one on insert; on update, those it did
-- not have) must not be retired in the label table `TG_ARGV[0]`; the violation names the
-- check `TG_ARGV[1]`. (Triggers fire in name order: `…_labels_exist` has found each label.)
CREATE FUNCTION labels_not_retired() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    retired boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I t WHERE t.id = ANY($1)
                    AND t.retired_at IS NOT NULL AND NOT t.id = ANY($2))', TG_ARGV[0])
        INTO retired
        USING NEW.label_ids,
              CASE WHEN TG_OP = 'UPDATE' THEN OLD.label_ids ELSE '{}'::text[] END;
    IF retired THEN
        RAISE check_violation USING MESSAGE = 'a retired label cannot be applied',
            CONSTRAINT = TG_ARGV[1];
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER projects_labels_not_retired BEFORE INSERT OR UPDATE OF label_ids ON projects
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION labels_not_retired('project_labels', 'projects_retired_label_check');
CREATE TRIGGER initiatives_labels_not_retired BEFORE INSERT OR UPDATE OF label_ids ON initiatives
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION labels_not_retired('initiative_labels', 'initiatives_retired_label_check');
