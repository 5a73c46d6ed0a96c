-- The `acme-corp` portal: a richer sales team — four owners, a custom property group and an
-- enumeration property (`customer_tier`), a second deal pipeline (Enterprise), 12 companies,
-- 60 contacts (five per company), 24 deals across both pipelines, 8 tickets, 5 products with
-- line items on the won deals, and notes and tasks on the first contacts. Deterministic:
-- fixed ids (below the object sequence's start) and timestamps derived from them.

INSERT INTO owners (id, email, first_name, last_name, user_id, teams, created_at, updated_at)
SELECT 100 + n, 'owner' || n || '@acme-corp.example',
       (ARRAY['Alice', 'Bob', 'Carmen', 'Dev'])[n], 'Owner', 9000 + n,
       '[{"id": "11", "name": "Sales", "primary": true}]',
       '2024-01-01T09:00:00Z', '2024-01-01T09:00:00Z'
FROM generate_series(1, 4) AS n;

-- The account's teams and roles (the settings API's `/settings/v3/users/teams`, `/roles`);
-- every owner is on Sales, and Alice (user 9001) is the account's super admin.
INSERT INTO teams (id, name) VALUES ('11', 'Sales'), ('12', 'Support');
INSERT INTO roles (id, name, requires_billing_write) VALUES
    ('3001', 'Sales Rep', false), ('3002', 'Sales Manager', false), ('3003', 'Billing Admin', true);
UPDATE owners SET super_admin = true WHERE id = 101;

INSERT INTO property_groups (object_type, name, label, display_order)
VALUES ('contacts', 'acme', 'Acme Corp', 5), ('companies', 'acme', 'Acme Corp', 5);
INSERT INTO properties (object_type, name, label, type, field_type, group_name, options,
                        hubspot_defined, created_at, updated_at)
SELECT t, 'customer_tier', 'Customer tier', 'enumeration', 'select', 'acme',
       '[{"label": "Gold", "value": "gold", "displayOrder": 0, "hidden": false, "description": ""},
         {"label": "Silver", "value": "silver", "displayOrder": 1, "hidden": false, "description": ""},
         {"label": "Bronze", "value": "bronze", "displayOrder": 2, "hidden": false, "description": ""}]',
       false, '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z'
FROM unnest(ARRAY['contacts', 'companies']) AS t;

INSERT INTO pipelines (object_type, id, label, display_order, created_at, updated_at)
VALUES ('deals', '5000', 'Enterprise', 1, '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z');
INSERT INTO pipeline_stages (object_type, pipeline_id, id, label, display_order, metadata, created_at, updated_at)
SELECT 'deals', '5000', s.id, s.label, s.n, s.metadata::jsonb, '2024-01-02T00:00:00Z', '2024-01-02T00:00:00Z'
FROM (VALUES ('5001', 'Discovery', 0, '{"isClosed":"false","probability":"0.1"}'),
             ('5002', 'Security review', 1, '{"isClosed":"false","probability":"0.5"}'),
             ('5003', 'Signed', 2, '{"isClosed":"true","probability":"1.0"}'),
             ('5004', 'Lost', 3, '{"isClosed":"true","probability":"0.0"}')) AS s (id, label, n, metadata);

-- Companies 301..312, contacts 1001..1060 (five per company), deals 2001..2024,
-- tickets 3001..3008, products 4001..4005, line items 4101..4110, notes 5001..5010,
-- tasks 6001..6010; each last modified when it was created.
INSERT INTO objects (id, type, properties, created_at, updated_at)
SELECT id, type, properties, created_at, created_at FROM (
    SELECT 300 + n, 'companies',
           jsonb_build_object('name', 'Company ' || n, 'domain', 'company' || n || '.example',
               'industry', (ARRAY['Software', 'Retail', 'Manufacturing'])[1 + n % 3],
               'numberofemployees', (n * 37)::text, 'city', 'City ' || (1 + n % 4),
               'lifecyclestage', CASE WHEN n % 3 = 0 THEN 'customer' ELSE 'lead' END,
               'customer_tier', (ARRAY['gold', 'silver', 'bronze'])[1 + n % 3],
               'hubspot_owner_id', (101 + n % 4)::text),
           timestamptz '2024-01-01T10:00:00Z' + n * interval '1 day'
    FROM generate_series(1, 12) AS n
    UNION ALL
    SELECT 1000 + n, 'contacts',
           jsonb_build_object('email', 'person' || n || '@company' || (1 + (n - 1) / 5) || '.example',
               'firstname', 'Person', 'lastname', 'Number ' || n, 'jobtitle',
               (ARRAY['CEO', 'CTO', 'Buyer', 'Engineer', 'Analyst'])[1 + n % 5],
               'company', 'Company ' || (1 + (n - 1) / 5),
               'lifecyclestage', (ARRAY['subscriber', 'lead', 'marketingqualifiedlead', 'opportunity', 'customer'])[1 + n % 5],
               'hs_lead_status', (ARRAY['NEW', 'OPEN', 'IN_PROGRESS', 'CONNECTED'])[1 + n % 4],
               'hubspot_owner_id', (101 + n % 4)::text),
           timestamptz '2024-02-01T10:00:00Z' + n * interval '1 hour'
    FROM generate_series(1, 60) AS n
    UNION ALL
    SELECT 2000 + n, 'deals',
           jsonb_build_object('dealname', 'Deal ' || n, 'amount', (n * 1500)::text,
               'pipeline', CASE WHEN n % 4 = 0 THEN '5000' ELSE 'default' END,
               'dealstage', CASE WHEN n % 4 = 0 THEN (ARRAY['5001', '5002', '5003', '5004'])[1 + n / 4 % 4]
                                 ELSE (ARRAY['appointmentscheduled', 'qualifiedtobuy', 'presentationscheduled',
                                             'decisionmakerboughtin', 'contractsent', 'closedwon', 'closedlost'])[1 + n % 7] END,
               'closedate', to_char(date '2024-06-01' + n * 7, 'YYYY-MM-DD') || 'T00:00:00.000Z',
               'dealtype', CASE WHEN n % 2 = 0 THEN 'newbusiness' ELSE 'existingbusiness' END,
               'hubspot_owner_id', (101 + n % 4)::text),
           timestamptz '2024-03-01T10:00:00Z' + n * interval '1 day'
    FROM generate_series(1, 24) AS n
    UNION ALL
    SELECT 3000 + n, 'tickets',
           jsonb_build_object('subject', 'Ticket ' || n, 'content', 'Something broke (' || n || ')',
               'hs_pipeline', '0', 'hs_pipeline_stage', (1 + n % 4)::text,
               'hs_ticket_priority', (ARRAY['LOW', 'MEDIUM', 'HIGH', 'URGENT'])[1 + n % 4],
               'hs_ticket_category', 'PRODUCT_ISSUE'),
           timestamptz '2024-04-01T10:00:00Z' + n * interval '1 day'
    FROM generate_series(1, 8) AS n
    UNION ALL
    SELECT 4000 + n, 'products',
           jsonb_build_object('name', (ARRAY['Starter', 'Team', 'Business', 'Enterprise', 'Support'])[n],
               'price', (n * 250)::text, 'hs_sku', 'SKU-' || n, 'description', 'Plan ' || n),
           '2024-01-01T00:00:00Z'
    FROM generate_series(1, 5) AS n
    UNION ALL
    SELECT 4100 + n, 'line_items',
           jsonb_build_object('name', 'Line ' || n, 'hs_product_id', (4000 + 1 + n % 5)::text,
               'quantity', (1 + n % 3)::text, 'price', ((1 + n % 5) * 250)::text),
           '2024-05-01T00:00:00Z'
    FROM generate_series(1, 10) AS n
    UNION ALL
    SELECT 5000 + n, 'notes',
           jsonb_build_object('hs_note_body', 'Call notes ' || n,
               'hs_timestamp', to_char((timestamptz '2024-05-01T12:00:00Z' + n * interval '1 day') AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'hubspot_owner_id', '101'),
           '2024-05-01T12:00:00Z'
    FROM generate_series(1, 10) AS n
    UNION ALL
    SELECT 6000 + n, 'tasks',
           jsonb_build_object('hs_task_subject', 'Follow up ' || n, 'hs_task_status',
               (ARRAY['NOT_STARTED', 'IN_PROGRESS', 'COMPLETED'])[1 + n % 3], 'hs_task_priority', 'MEDIUM',
               'hs_task_type', 'CALL',
               'hs_timestamp', to_char((timestamptz '2024-06-01T09:00:00Z' + n * interval '1 day') AT TIME ZONE 'UTC',
                                       'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           '2024-05-01T12:00:00Z'
    FROM generate_series(1, 10) AS n
) AS o (id, type, properties, created_at);

SELECT seed_calculated();

-- Associations, both directions: contacts to their company (unlabelled + primary), deals to
-- a company and its first contact, tickets to a contact, line items to won deals, notes and
-- tasks to contacts.
WITH pairs (from_type, from_id, to_type, to_id, primary_too) AS (
    SELECT 'contacts', 1000 + n, 'companies', 301 + (n - 1) / 5, true FROM generate_series(1, 60) AS n
    UNION ALL SELECT 'deals', 2000 + n, 'companies', 301 + n % 12, false FROM generate_series(1, 24) AS n
    UNION ALL SELECT 'deals', 2000 + n, 'contacts', 1001 + (n % 12) * 5, false FROM generate_series(1, 24) AS n
    UNION ALL SELECT 'tickets', 3000 + n, 'contacts', 1000 + n, false FROM generate_series(1, 8) AS n
    UNION ALL SELECT 'line_items', 4100 + n, 'deals', 2000 + n, false FROM generate_series(1, 10) AS n
    UNION ALL SELECT 'notes', 5000 + n, 'contacts', 1000 + n, false FROM generate_series(1, 10) AS n
    UNION ALL SELECT 'tasks', 6000 + n, 'contacts', 1000 + n, false FROM generate_series(1, 10) AS n
), typed AS (
    SELECT p.*, t.type_id, t.inverse_id
    FROM pairs p JOIN association_types t ON t.from_type = p.from_type AND t.to_type = p.to_type
        AND (t.is_default OR (p.primary_too AND t.label = 'Primary'))
)
INSERT INTO associations (from_type, from_id, to_type, to_id, category, type_id, created_at)
SELECT from_type, from_id, to_type, to_id, 'HUBSPOT_DEFINED', type_id, timestamptz '2024-05-01T00:00:00Z' FROM typed
UNION ALL
SELECT to_type, to_id, from_type, from_id, 'HUBSPOT_DEFINED', inverse_id, timestamptz '2024-05-01T00:00:00Z' FROM typed;
