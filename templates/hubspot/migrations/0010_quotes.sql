-- Quotes (0-14, `/crm/v3/objects/quotes`): their stock properties and HubSpot's association
-- type ids to and from deals (64/63), line items (67/68), contacts (69/70) and companies
-- (71/72). `hs_title` and `hs_expiration_date` are required on create, as HubSpot's quotes
-- guide says. HubSpot's calculated quote properties (`hs_quote_amount`, `hs_quote_number`,
-- the public URL and PDF fields) are not stored: the clone renders no quote.
INSERT INTO property_groups (object_type, name, label, display_order) VALUES
    ('quotes', 'quoteinformation', 'Quote information', 0);

INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
    display_order, has_unique_value, calculated, read_only_value, form_field) VALUES
    ('quotes', 'hs_object_id', 'Record ID', 'number', 'number', 'quoteinformation', '[]', 0, false, true, true, false),
    ('quotes', 'createdate', 'Create Date', 'datetime', 'date', 'quoteinformation', '[]', 1, false, false, false, true),
    ('quotes', 'lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'quoteinformation', '[]', 2, false, true, true, false),
    ('quotes', 'hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'quoteinformation', '[]', 3, false, true, true, false),
    ('quotes', 'hs_title', 'Quote name', 'string', 'text', 'quoteinformation', '[]', 4, false, false, false, true),
    ('quotes', 'hs_expiration_date', 'Expiration date', 'datetime', 'date', 'quoteinformation', '[]', 5, false, false, false, true),
    ('quotes', 'hs_status', 'Quote approval status', 'enumeration', 'select', 'quoteinformation', '[{"label": "Draft", "value": "DRAFT", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "Approval not needed", "value": "APPROVAL_NOT_NEEDED", "displayOrder": 1, "hidden": false, "description": ""}, {"label": "Pending approval", "value": "PENDING_APPROVAL", "displayOrder": 2, "hidden": false, "description": ""}, {"label": "Approved", "value": "APPROVED", "displayOrder": 3, "hidden": false, "description": ""}, {"label": "Rejected", "value": "REJECTED", "displayOrder": 4, "hidden": false, "description": ""}]', 6, false, false, false, true),
    ('quotes', 'hs_language', 'Language', 'string', 'text', 'quoteinformation', '[]', 7, false, false, false, true),
    ('quotes', 'hs_locale', 'Locale', 'string', 'text', 'quoteinformation', '[]', 8, false, false, false, true),
    ('quotes', 'hs_currency', 'Currency', 'string', 'text', 'quoteinformation', '[]', 9, false, false, false, true),
    ('quotes', 'hs_terms', 'Terms', 'string', 'textarea', 'quoteinformation', '[]', 10, false, false, false, true),
    ('quotes', 'hs_comments', 'Comments', 'string', 'textarea', 'quoteinformation', '[]', 11, false, false, false, true),
    ('quotes', 'hs_sender_firstname', 'Sender first name', 'string', 'text', 'quoteinformation', '[]', 12, false, false, false, true),
    ('quotes', 'hs_sender_lastname', 'Sender last name', 'string', 'text', 'quoteinformation', '[]', 13, false, false, false, true),
    ('quotes', 'hs_sender_email', 'Sender email', 'string', 'text', 'quoteinformation', '[]', 14, false, false, false, true),
    ('quotes', 'hs_sender_company_name', 'Sender company name', 'string', 'text', 'quoteinformation', '[]', 15, false, false, false, true),
    ('quotes', 'hs_esign_enabled', 'E-signature enabled', 'bool', 'booleancheckbox', 'quoteinformation', '[{"label": "Yes", "value": "true", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "No", "value": "false", "displayOrder": 1, "hidden": false, "description": ""}]', 16, false, false, false, true),
    ('quotes', 'hs_payment_enabled', 'Payment enabled', 'bool', 'booleancheckbox', 'quoteinformation', '[{"label": "Yes", "value": "true", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "No", "value": "false", "displayOrder": 1, "hidden": false, "description": ""}]', 17, false, false, false, true),
    ('quotes', 'hubspot_owner_id', 'Quote owner', 'enumeration', 'select', 'quoteinformation', '[]', 18, false, false, false, true);

INSERT INTO association_types (type_id, from_type, to_type, category, label, name, inverse_id, is_default)
SELECT t.type_id, t.from_type, t.to_type, 'HUBSPOT_DEFINED', NULL, t.name, t.inverse_id, true
FROM (VALUES
    (64, 'quotes', 'quote_to_deal', 63, 'deals', 'deal_to_quote'),
    (67, 'quotes', 'quote_to_line_item', 68, 'line_items', 'line_item_to_quote'),
    (69, 'quotes', 'quote_to_contact', 70, 'contacts', 'contact_to_quote'),
    (71, 'quotes', 'quote_to_company', 72, 'companies', 'company_to_quote')
) AS p (a_id, a_type, a_name, b_id, b_type, b_name)
CROSS JOIN LATERAL (VALUES
    (p.a_id, p.a_type, p.b_type, p.a_name, p.b_id),
    (p.b_id, p.b_type, p.a_type, p.b_name, p.a_id)
) AS t (type_id, from_type, to_type, name, inverse_id);
