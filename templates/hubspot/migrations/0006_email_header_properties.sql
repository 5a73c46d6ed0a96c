-- The email engagement's read-only sender and recipient properties, which HubSpot fills in
-- from `hs_email_headers` (the engine derives them on every write of the headers).
INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
    display_order, has_unique_value, calculated, read_only_value, form_field) VALUES
    ('emails', 'hs_email_from_email', 'From', 'string', 'text', 'email', '[]', 20, false, true, true, false),
    ('emails', 'hs_email_from_firstname', 'From first name', 'string', 'text', 'email', '[]', 21, false, true, true, false),
    ('emails', 'hs_email_from_lastname', 'From last name', 'string', 'text', 'email', '[]', 22, false, true, true, false),
    ('emails', 'hs_email_to_email', 'To', 'string', 'text', 'email', '[]', 23, false, true, true, false),
    ('emails', 'hs_email_to_firstname', 'To first name', 'string', 'text', 'email', '[]', 24, false, true, true, false),
    ('emails', 'hs_email_to_lastname', 'To last name', 'string', 'text', 'email', '[]', 25, false, true, true, false);
