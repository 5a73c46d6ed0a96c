-- HubSpot's defined association types (v4 type ids) and every portal's default pipelines.

-- One row a pair: the type from `a` to `b` and its inverse from `b` to `a`, which share a
-- label and whether a default association writes them. The engagements' are the SDKs'
-- AssociationTypes.
INSERT INTO association_types (type_id, from_type, to_type, category, label, name, inverse_id, is_default)
SELECT t.type_id, t.from_type, t.to_type, 'HUBSPOT_DEFINED', p.label, t.name, t.inverse_id, p.is_default
FROM (VALUES
    (279, 'contacts', 'contact_to_company_unlabeled', 280, 'companies', 'company_to_contact_unlabeled', NULL, true),
    (1, 'contacts', 'contact_to_company', 2, 'companies', 'company_to_contact', 'Primary', false),
    (3, 'deals', 'deal_to_contact', 4, 'contacts', 'contact_to_deal', NULL, true),
    (341, 'deals', 'deal_to_company_unlabeled', 342, 'companies', 'company_to_deal_unlabeled', NULL, true),
    (5, 'deals', 'deal_to_company', 6, 'companies', 'company_to_deal', 'Primary', false),
    (16, 'tickets', 'ticket_to_contact', 15, 'contacts', 'contact_to_ticket', NULL, true),
    (339, 'tickets', 'ticket_to_company_unlabeled', 340, 'companies', 'company_to_ticket_unlabeled', NULL, true),
    (26, 'tickets', 'ticket_to_company', 25, 'companies', 'company_to_ticket', 'Primary', false),
    (27, 'deals', 'deal_to_ticket', 28, 'tickets', 'ticket_to_deal', NULL, true),
    (20, 'line_items', 'line_item_to_deal', 19, 'deals', 'deal_to_line_item', NULL, true),
    (202, 'notes', 'note_to_contact', 201, 'contacts', 'contact_to_note', NULL, true),
    (190, 'notes', 'note_to_company', 189, 'companies', 'company_to_note', NULL, true),
    (214, 'notes', 'note_to_deal', 213, 'deals', 'deal_to_note', NULL, true),
    (228, 'notes', 'note_to_ticket', 227, 'tickets', 'ticket_to_note', NULL, true),
    (204, 'tasks', 'task_to_contact', 203, 'contacts', 'contact_to_task', NULL, true),
    (192, 'tasks', 'task_to_company', 191, 'companies', 'company_to_task', NULL, true),
    (216, 'tasks', 'task_to_deal', 215, 'deals', 'deal_to_task', NULL, true),
    (230, 'tasks', 'task_to_ticket', 229, 'tickets', 'ticket_to_task', NULL, true),
    (194, 'calls', 'call_to_contact', 193, 'contacts', 'contact_to_call', NULL, true),
    (182, 'calls', 'call_to_company', 181, 'companies', 'company_to_call', NULL, true),
    (206, 'calls', 'call_to_deal', 205, 'deals', 'deal_to_call', NULL, true),
    (220, 'calls', 'call_to_ticket', 219, 'tickets', 'ticket_to_call', NULL, true),
    (198, 'emails', 'email_to_contact', 197, 'contacts', 'contact_to_email', NULL, true),
    (186, 'emails', 'email_to_company', 185, 'companies', 'company_to_email', NULL, true),
    (210, 'emails', 'email_to_deal', 209, 'deals', 'deal_to_email', NULL, true),
    (224, 'emails', 'email_to_ticket', 223, 'tickets', 'ticket_to_email', NULL, true),
    (200, 'meetings', 'meeting_to_contact', 199, 'contacts', 'contact_to_meeting', NULL, true),
    (188, 'meetings', 'meeting_to_company', 187, 'companies', 'company_to_meeting', NULL, true),
    (212, 'meetings', 'meeting_to_deal', 211, 'deals', 'deal_to_meeting', NULL, true),
    (226, 'meetings', 'meeting_to_ticket', 225, 'tickets', 'ticket_to_meeting', NULL, true),
    (400, 'meetings', 'meeting_to_call', 399, 'calls', 'call_to_meeting', NULL, true),
    (81, 'communications', 'communication_to_contact', 82, 'contacts', 'contact_to_communication', NULL, true),
    (87, 'communications', 'communication_to_company', 88, 'companies', 'company_to_communication', NULL, true),
    (85, 'communications', 'communication_to_deal', 86, 'deals', 'deal_to_communication', NULL, true),
    (83, 'communications', 'communication_to_ticket', 84, 'tickets', 'ticket_to_communication', NULL, true),
    (453, 'postal_mail', 'postal_mail_to_contact', 454, 'contacts', 'contact_to_postal_mail', NULL, true),
    (459, 'postal_mail', 'postal_mail_to_company', 460, 'companies', 'company_to_postal_mail', NULL, true),
    (457, 'postal_mail', 'postal_mail_to_deal', 458, 'deals', 'deal_to_postal_mail', NULL, true),
    (455, 'postal_mail', 'postal_mail_to_ticket', 456, 'tickets', 'ticket_to_postal_mail', NULL, true)
) AS p (a_id, a_type, a_name, b_id, b_type, b_name, label, is_default)
CROSS JOIN LATERAL (VALUES
    (p.a_id, p.a_type, p.b_type, p.a_name, p.b_id),
    (p.b_id, p.b_type, p.a_type, p.b_name, p.a_id)
) AS t (type_id, from_type, to_type, name, inverse_id);

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
