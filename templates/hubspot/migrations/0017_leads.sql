-- Leads (0-136, `/crm/v3/objects/leads`): their stock properties, HubSpot's association type ids
-- and every portal's lead pipeline. A create must set `hs_lead_name` and be associated with a
-- contact or a company (HubSpot's leads guide); the engine checks both.
--
-- Type ids HubSpot publishes (its SDKs' AssociationTypes enums): lead to primary contact 578,
-- to contact 608, to company 610, to call 596, email 598, meeting 600, communication 602,
-- task 646, note 854. Their inverses are published nowhere read here; they are the next id,
-- as every pair HubSpot does publish both ids of (cart 586/587, service 792/793, …) numbers
-- them.
INSERT INTO property_groups (object_type, name, label, display_order) VALUES
    ('leads', 'leadinformation', 'Lead information', 0);

INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
    display_order, has_unique_value, calculated, read_only_value, form_field) VALUES
    ('leads', 'hs_object_id', 'Record ID', 'number', 'number', 'leadinformation', '[]', 0, false, true, true, false),
    ('leads', 'createdate', 'Create Date', 'datetime', 'date', 'leadinformation', '[]', 1, false, false, false, true),
    ('leads', 'lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'leadinformation', '[]', 2, false, true, true, false),
    ('leads', 'hs_lastmodifieddate', 'Last Modified Date', 'datetime', 'date', 'leadinformation', '[]', 3, false, true, true, false),
    ('leads', 'hs_lead_name', 'Lead name', 'string', 'text', 'leadinformation', '[]', 4, false, false, false, true),
    ('leads', 'hs_lead_type', 'Lead type', 'enumeration', 'select', 'leadinformation', '[{"label": "New Business", "value": "NEW BUSINESS", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "New Business", "value": "NEW_BUSINESS", "displayOrder": 1, "hidden": false, "description": ""}, {"label": "Upsell", "value": "UPSELL", "displayOrder": 2, "hidden": false, "description": ""}, {"label": "Re-attempting", "value": "RE_ATTEMPTING", "displayOrder": 3, "hidden": false, "description": ""}]', 5, false, false, false, true),
    ('leads', 'hs_lead_label', 'Lead label', 'enumeration', 'select', 'leadinformation', '[{"label": "Cold", "value": "COLD", "displayOrder": 0, "hidden": false, "description": ""}, {"label": "Warm", "value": "WARM", "displayOrder": 1, "hidden": false, "description": ""}, {"label": "Hot", "value": "HOT", "displayOrder": 2, "hidden": false, "description": ""}]', 6, false, false, false, true),
    ('leads', 'hs_pipeline', 'Pipeline', 'enumeration', 'select', 'leadinformation', '[]', 7, false, false, false, true),
    ('leads', 'hs_pipeline_stage', 'Lead stage', 'enumeration', 'select', 'leadinformation', '[]', 8, false, false, false, true),
    ('leads', 'hubspot_owner_id', 'Lead owner', 'enumeration', 'select', 'leadinformation', '[]', 9, false, false, false, true);

-- Each type beside its inverse, the other direction of the same association.
INSERT INTO association_types (type_id, from_type, to_type, category, label, name, inverse_id, is_default) VALUES
    (608, 'leads', 'contacts', 'HUBSPOT_DEFINED', NULL, 'lead_to_contact', 609, true),
    (609, 'contacts', 'leads', 'HUBSPOT_DEFINED', NULL, 'contact_to_lead', 608, true),
    (578, 'leads', 'contacts', 'HUBSPOT_DEFINED', 'Primary', 'lead_to_primary_contact', 579, false),
    (579, 'contacts', 'leads', 'HUBSPOT_DEFINED', 'Primary', 'primary_contact_to_lead', 578, false),
    (610, 'leads', 'companies', 'HUBSPOT_DEFINED', NULL, 'lead_to_company', 611, true),
    (611, 'companies', 'leads', 'HUBSPOT_DEFINED', NULL, 'company_to_lead', 610, true),
    (596, 'leads', 'calls', 'HUBSPOT_DEFINED', NULL, 'lead_to_call', 597, true),
    (597, 'calls', 'leads', 'HUBSPOT_DEFINED', NULL, 'call_to_lead', 596, true),
    (598, 'leads', 'emails', 'HUBSPOT_DEFINED', NULL, 'lead_to_email', 599, true),
    (599, 'emails', 'leads', 'HUBSPOT_DEFINED', NULL, 'email_to_lead', 598, true),
    (600, 'leads', 'meetings', 'HUBSPOT_DEFINED', NULL, 'lead_to_meeting', 601, true),
    (601, 'meetings', 'leads', 'HUBSPOT_DEFINED', NULL, 'meeting_to_lead', 600, true),
    (602, 'leads', 'communications', 'HUBSPOT_DEFINED', NULL, 'lead_to_communication', 603, true),
    (603, 'communications', 'leads', 'HUBSPOT_DEFINED', NULL, 'communication_to_lead', 602, true),
    (646, 'leads', 'tasks', 'HUBSPOT_DEFINED', NULL, 'lead_to_task', 647, true),
    (647, 'tasks', 'leads', 'HUBSPOT_DEFINED', NULL, 'task_to_lead', 646, true),
    (854, 'leads', 'notes', 'HUBSPOT_DEFINED', NULL, 'lead_to_note', 855, true),
    (855, 'notes', 'leads', 'HUBSPOT_DEFINED', NULL, 'note_to_lead', 854, true);

-- The lead pipeline as HubSpot seeds it: its ids are words, not numbers.
INSERT INTO pipelines (object_type, id, label, display_order, created_at, updated_at) VALUES
    ('leads', 'lead-pipeline-id', 'Lead pipeline', 0, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z');

INSERT INTO pipeline_stages (object_type, pipeline_id, id, label, display_order, metadata, created_at, updated_at)
SELECT 'leads', 'lead-pipeline-id', id, label, display_order, '{}'::jsonb,
       '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
FROM (VALUES
    ('new-stage-id', 'New', 0),
    ('attempting-stage-id', 'Attempting', 1),
    ('connected-stage-id', 'Connected', 2),
    ('qualified-stage-id', 'Qualified', 3),
    ('unqualified-stage-id', 'Disqualified', 4)
) AS s (id, label, display_order);
