-- HubSpot's defined association types (v4 type ids) and every portal's default pipelines.

INSERT INTO association_types (type_id, from_type, to_type, category, label, name, inverse_id, is_default) VALUES
    (279, 'contacts', 'companies', 'HUBSPOT_DEFINED', NULL, 'contact_to_company_unlabeled', 280, true),
    (280, 'companies', 'contacts', 'HUBSPOT_DEFINED', NULL, 'company_to_contact_unlabeled', 279, true),
    (1, 'contacts', 'companies', 'HUBSPOT_DEFINED', 'Primary', 'contact_to_company', 2, false),
    (2, 'companies', 'contacts', 'HUBSPOT_DEFINED', 'Primary', 'company_to_contact', 1, false),
    (3, 'deals', 'contacts', 'HUBSPOT_DEFINED', NULL, 'deal_to_contact', 4, true),
    (4, 'contacts', 'deals', 'HUBSPOT_DEFINED', NULL, 'contact_to_deal', 3, true),
    (341, 'deals', 'companies', 'HUBSPOT_DEFINED', NULL, 'deal_to_company_unlabeled', 342, true),
    (342, 'companies', 'deals', 'HUBSPOT_DEFINED', NULL, 'company_to_deal_unlabeled', 341, true),
    (5, 'deals', 'companies', 'HUBSPOT_DEFINED', 'Primary', 'deal_to_company', 6, false),
    (6, 'companies', 'deals', 'HUBSPOT_DEFINED', 'Primary', 'company_to_deal', 5, false),
    (16, 'tickets', 'contacts', 'HUBSPOT_DEFINED', NULL, 'ticket_to_contact', 15, true),
    (15, 'contacts', 'tickets', 'HUBSPOT_DEFINED', NULL, 'contact_to_ticket', 16, true),
    (339, 'tickets', 'companies', 'HUBSPOT_DEFINED', NULL, 'ticket_to_company_unlabeled', 340, true),
    (340, 'companies', 'tickets', 'HUBSPOT_DEFINED', NULL, 'company_to_ticket_unlabeled', 339, true),
    (26, 'tickets', 'companies', 'HUBSPOT_DEFINED', 'Primary', 'ticket_to_company', 25, false),
    (25, 'companies', 'tickets', 'HUBSPOT_DEFINED', 'Primary', 'company_to_ticket', 26, false),
    (27, 'deals', 'tickets', 'HUBSPOT_DEFINED', NULL, 'deal_to_ticket', 28, true),
    (28, 'tickets', 'deals', 'HUBSPOT_DEFINED', NULL, 'ticket_to_deal', 27, true),
    (20, 'line_items', 'deals', 'HUBSPOT_DEFINED', NULL, 'line_item_to_deal', 19, true),
    (19, 'deals', 'line_items', 'HUBSPOT_DEFINED', NULL, 'deal_to_line_item', 20, true),
    (202, 'notes', 'contacts', 'HUBSPOT_DEFINED', NULL, 'note_to_contact', 201, true),
    (201, 'contacts', 'notes', 'HUBSPOT_DEFINED', NULL, 'contact_to_note', 202, true),
    (190, 'notes', 'companies', 'HUBSPOT_DEFINED', NULL, 'note_to_company', 189, true),
    (189, 'companies', 'notes', 'HUBSPOT_DEFINED', NULL, 'company_to_note', 190, true),
    (214, 'notes', 'deals', 'HUBSPOT_DEFINED', NULL, 'note_to_deal', 213, true),
    (213, 'deals', 'notes', 'HUBSPOT_DEFINED', NULL, 'deal_to_note', 214, true),
    (228, 'notes', 'tickets', 'HUBSPOT_DEFINED', NULL, 'note_to_ticket', 227, true),
    (227, 'tickets', 'notes', 'HUBSPOT_DEFINED', NULL, 'ticket_to_note', 228, true),
    (204, 'tasks', 'contacts', 'HUBSPOT_DEFINED', NULL, 'task_to_contact', 203, true),
    (203, 'contacts', 'tasks', 'HUBSPOT_DEFINED', NULL, 'contact_to_task', 204, true),
    (192, 'tasks', 'companies', 'HUBSPOT_DEFINED', NULL, 'task_to_company', 191, true),
    (191, 'companies', 'tasks', 'HUBSPOT_DEFINED', NULL, 'company_to_task', 192, true),
    (216, 'tasks', 'deals', 'HUBSPOT_DEFINED', NULL, 'task_to_deal', 215, true),
    (215, 'deals', 'tasks', 'HUBSPOT_DEFINED', NULL, 'deal_to_task', 216, true),
    (230, 'tasks', 'tickets', 'HUBSPOT_DEFINED', NULL, 'task_to_ticket', 229, true),
    (229, 'tickets', 'tasks', 'HUBSPOT_DEFINED', NULL, 'ticket_to_task', 230, true);

INSERT INTO pipelines (object_type, id, label, display_order, created_at, updated_at) VALUES
    ('deals', 'default', 'Sales Pipeline', 0, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'),
    ('tickets', '0', 'Support Pipeline', 0, '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z');

INSERT INTO pipeline_stages (object_type, pipeline_id, id, label, display_order, metadata, created_at, updated_at)
SELECT object_type, pipeline_id, id, label, display_order, metadata::jsonb,
       '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'
FROM (VALUES
    ('deals', 'default', 'appointmentscheduled', 'Appointment Scheduled', 0, '{"isClosed":"false","probability":"0.2"}'),
    ('deals', 'default', 'qualifiedtobuy', 'Qualified To Buy', 1, '{"isClosed":"false","probability":"0.4"}'),
    ('deals', 'default', 'presentationscheduled', 'Presentation Scheduled', 2, '{"isClosed":"false","probability":"0.6"}'),
    ('deals', 'default', 'decisionmakerboughtin', 'Decision Maker Bought-In', 3, '{"isClosed":"false","probability":"0.8"}'),
    ('deals', 'default', 'contractsent', 'Contract Sent', 4, '{"isClosed":"false","probability":"0.9"}'),
    ('deals', 'default', 'closedwon', 'Closed Won', 5, '{"isClosed":"true","probability":"1.0"}'),
    ('deals', 'default', 'closedlost', 'Closed Lost', 6, '{"isClosed":"true","probability":"0.0"}'),
    ('tickets', '0', '1', 'New', 0, '{"ticketState":"OPEN"}'),
    ('tickets', '0', '2', 'Waiting on contact', 1, '{"ticketState":"OPEN"}'),
    ('tickets', '0', '3', 'Waiting on us', 2, '{"ticketState":"OPEN"}'),
    ('tickets', '0', '4', 'Closed', 3, '{"ticketState":"CLOSED"}')
) AS s (object_type, pipeline_id, id, label, display_order, metadata);
