-- The CRM's users object (0-115, `/crm/v3/objects/users`): a record per user of the account,
-- made, renamed and archived with its user (a row of `owners`, the settings API's user) by the
-- triggers below, as HubSpot makes them: the API reads, searches and updates them but does not
-- create or delete them. A record's id is its own (HubSpot's users guide: not the user id,
-- `hs_internal_user_id`, nor the owner id); the clone numbers it 200000000000 + the user id,
-- outside the object id sequence, so seeds' users leave that sequence where it was.
INSERT INTO property_groups (object_type, name, label, display_order) VALUES
    ('users', 'userinformation', 'User information', 0);

INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
    display_order, has_unique_value, calculated, read_only_value, form_field) VALUES
    ('users', 'hs_object_id', 'Record ID', 'number', 'number', 'userinformation', '[]', 0, false, true, true, false),
    ('users', 'createdate', 'Create Date', 'datetime', 'date', 'userinformation', '[]', 1, false, true, true, false),
    ('users', 'hs_createdate', 'Create Date', 'datetime', 'date', 'userinformation', '[]', 2, false, true, true, false),
    ('users', 'lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'userinformation', '[]', 3, false, true, true, false),
    ('users', 'hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'userinformation', '[]', 4, false, true, true, false),
    ('users', 'hs_internal_user_id', 'User ID', 'number', 'number', 'userinformation', '[]', 5, true, true, true, false),
    ('users', 'hs_email', 'Email', 'string', 'text', 'userinformation', '[]', 6, false, true, true, false),
    ('users', 'hs_given_name', 'First name', 'string', 'text', 'userinformation', '[]', 7, false, true, true, false),
    ('users', 'hs_family_name', 'Last name', 'string', 'text', 'userinformation', '[]', 8, false, true, true, false),
    ('users', 'hs_additional_phone', 'Additional phone number', 'string', 'phonenumber', 'userinformation', '[]', 9, false, false, false, true),
    ('users', 'hs_availability_status', 'Availability status', 'enumeration', 'select', 'userinformation', '[{"label": "Available", "value": "available", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "Away", "value": "away", "displayOrder": 1, "hidden": false, "description": ""}]', 10, false, false, false, true),
    ('users', 'hs_job_title', 'Job title', 'string', 'text', 'userinformation', '[]', 11, false, false, false, true),
    ('users', 'hs_main_user_language_skill', 'Main language skill', 'string', 'text', 'userinformation', '[]', 12, false, false, false, true),
    ('users', 'hs_secondary_user_language_skills', 'Secondary language skills', 'string', 'text', 'userinformation', '[]', 13, false, false, false, true),
    ('users', 'hs_uncategorized_skills', 'Skills', 'string', 'text', 'userinformation', '[]', 14, false, false, false, true),
    ('users', 'hs_standard_time_zone', 'Time zone', 'string', 'text', 'userinformation', '[]', 15, false, false, false, true),
    ('users', 'hs_working_hours', 'Working hours', 'string', 'textarea', 'userinformation', '[]', 16, false, false, false, true),
    ('users', 'hs_out_of_office_hours', 'Out of office hours', 'string', 'textarea', 'userinformation', '[]', 17, false, false, false, true);

-- A user's record: its identity from the user, the calculated properties the engine writes on
-- create, and each value's first history entry.
CREATE FUNCTION crm_user_created() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    record_id bigint := 200000000000 + NEW.user_id;
    at text := to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    given jsonb := jsonb_build_object('hs_internal_user_id', NEW.user_id::text,
        'hs_email', NEW.email, 'hs_given_name', NEW.first_name, 'hs_family_name', NEW.last_name,
        'hs_createdate', at);
BEGIN
    INSERT INTO objects (id, type, properties, history, created_at, updated_at)
    SELECT record_id, 'users',
           given || jsonb_build_object('hs_object_id', record_id::text, 'createdate', at,
                                       'lastmodifieddate', at, 'hs_lastmodifieddate', at),
           (SELECT jsonb_object_agg(key, jsonb_build_array(jsonb_build_object(
                'value', value, 'timestamp', at, 'sourceType', 'CRM_UI')))
            FROM jsonb_each_text(given)),
           NEW.created_at, NEW.created_at;
    RETURN NEW;
END $$;

-- A user renamed, or removed (its owner archived): its record follows.
CREATE FUNCTION crm_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    at text := to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
BEGIN
    UPDATE objects SET
        properties = properties || jsonb_build_object('hs_email', NEW.email,
            'hs_given_name', NEW.first_name, 'hs_family_name', NEW.last_name,
            'lastmodifieddate', at, 'hs_lastmodifieddate', at),
        archived = NEW.archived,
        archived_at = CASE WHEN NEW.archived THEN now() END,
        updated_at = now()
    WHERE id = 200000000000 + OLD.user_id AND type = 'users';
    RETURN NEW;
END $$;

CREATE TRIGGER owners_crm_user_created AFTER INSERT ON owners
    FOR EACH ROW EXECUTE FUNCTION crm_user_created();
CREATE TRIGGER owners_crm_user_changed AFTER UPDATE OF email, first_name, last_name, archived ON owners
    FOR EACH ROW
    WHEN (ROW(OLD.email, OLD.first_name, OLD.last_name, OLD.archived)
          IS DISTINCT FROM ROW(NEW.email, NEW.first_name, NEW.last_name, NEW.archived))
    EXECUTE FUNCTION crm_user_changed();
