-- Goals (0-74, `/crm/v3/objects/goal_targets`, the path both SDKs' `goals` clients call): the
-- goal target properties HubSpot's goals guide names. The API reads and searches goal targets
-- and writes none (the guide: "retrieve goals data"); a portal's goals come from its fixtures.
INSERT INTO property_groups (object_type, name, label, display_order) VALUES
    ('goal_targets', 'goalinformation', 'Goal information', 0);

INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
    display_order, has_unique_value, calculated, read_only_value, form_field) VALUES
    ('goal_targets', 'hs_object_id', 'Record ID', 'number', 'number', 'goalinformation', '[]', 0, false, true, true, false),
    ('goal_targets', 'createdate', 'Create Date', 'datetime', 'date', 'goalinformation', '[]', 1, false, true, true, false),
    ('goal_targets', 'lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'goalinformation', '[]', 2, false, true, true, false),
    ('goal_targets', 'hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'goalinformation', '[]', 3, false, true, true, false),
    ('goal_targets', 'hs_goal_name', 'Goal name', 'string', 'text', 'goalinformation', '[]', 4, false, false, true, false),
    ('goal_targets', 'hs_target_amount', 'Target amount', 'number', 'number', 'goalinformation', '[]', 5, false, false, true, false),
    ('goal_targets', 'hs_start_datetime', 'Start date', 'datetime', 'date', 'goalinformation', '[]', 6, false, false, true, false),
    ('goal_targets', 'hs_end_datetime', 'End date', 'datetime', 'date', 'goalinformation', '[]', 7, false, false, true, false),
    ('goal_targets', 'hs_group_correlation_uuid', 'Goal', 'string', 'text', 'goalinformation', '[]', 8, false, false, true, false),
    ('goal_targets', 'hs_goal_target_group_id', 'Goal target group', 'string', 'text', 'goalinformation', '[]', 9, false, false, true, false),
    ('goal_targets', 'hs_assignee_team_id', 'Assigned team', 'string', 'text', 'goalinformation', '[]', 10, false, false, true, false),
    ('goal_targets', 'hubspot_owner_id', 'Assigned user', 'enumeration', 'select', 'goalinformation', '[]', 11, false, false, true, false);
