-- `Project.members`: the users `memberIds` names (`projectCreate`/`projectUpdate`), in a
-- list as `label_ids` is; each exists (as a foreign key would hold it: `Entity not found:
-- User`).
ALTER TABLE projects ADD COLUMN member_ids text[] NOT NULL DEFAULT '{}';

-- Every id a row's list column `TG_ARGV[2]` holds is a row of table `TG_ARGV[0]` (as a
-- foreign key would hold it; the violation names the constraint `TG_ARGV[1]`): a project's
-- members, and (in place of `labels_exist`, which read `label_ids` only) the labels of
-- projects and initiatives.
CREATE FUNCTION ids_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing boolean;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM unnest($1.%I) l(id)
                    WHERE NOT EXISTS (SELECT 1 FROM %I t WHERE t.id = l.id))',
                   TG_ARGV[2], TG_ARGV[0])
        INTO missing USING NEW;
    IF missing THEN
        RAISE foreign_key_violation USING MESSAGE = 'a referenced row does not exist',
            CONSTRAINT = TG_ARGV[1];
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER projects_members_exist BEFORE INSERT OR UPDATE OF member_ids ON projects
    FOR EACH ROW WHEN (cardinality(NEW.member_ids) > 0)
    EXECUTE FUNCTION ids_exist('users', 'projects_member_user_id_fkey', 'member_ids');
DROP TRIGGER projects_labels_exist ON projects;
DROP TRIGGER initiatives_labels_exist ON initiatives;
DROP FUNCTION labels_exist();
CREATE TRIGGER projects_labels_exist BEFORE INSERT OR UPDATE OF label_ids ON projects
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION ids_exist('project_labels', 'projects_project_label_fkey', 'label_ids');
CREATE TRIGGER initiatives_labels_exist BEFORE INSERT OR UPDATE OF label_ids ON initiatives
    FOR EACH ROW WHEN (cardinality(NEW.label_ids) > 0)
    EXECUTE FUNCTION ids_exist('initiative_labels', 'initiatives_initiative_label_fkey', 'label_ids');

-- A user's settings flags (`userFlagUpdate`, `userSettingsFlagsReset`): a counter per flag
-- (`UserFlagType`), which `lock` fixes until the flag is reset. A flag never written has no
-- row; a reset removes the rows.
CREATE TABLE user_flags (
    user_id    text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    flag       text NOT NULL,
    value      integer NOT NULL DEFAULT 0,
    locked     boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, flag)
);
