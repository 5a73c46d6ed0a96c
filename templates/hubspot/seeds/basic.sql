-- The `basic` portal: two owners, three contacts, two companies, two deals, a ticket and a goal's two targets,
-- associated as a small sales team would have them. HubSpot's stock properties, groups,
-- association types and default pipelines come from the migrations. Ids are fixed and below
-- the object sequence's start (1000001); timestamps are fixed.

INSERT INTO owners (id, email, first_name, last_name, user_id, teams, created_at, updated_at) VALUES
    (101, 'alice@acme-sales.example', 'Alice', 'Owner', 9001,
     '[{"id": "11", "name": "Sales", "primary": true}]', '2024-01-01T09:00:00Z', '2024-01-01T09:00:00Z'),
    (102, 'bob@acme-sales.example', 'Bob', 'Owner', 9002,
     '[{"id": "11", "name": "Sales", "primary": true}]', '2024-01-01T09:00:00Z', '2024-01-01T09:00:00Z');

-- The account's teams and roles (the settings API's `/settings/v3/users/teams`, `/roles`);
-- every owner is on Sales, and Alice (user 9001) is the account's super admin.
INSERT INTO teams (id, name) VALUES ('11', 'Sales'), ('12', 'Support');
INSERT INTO roles (id, name, requires_billing_write) VALUES
    ('3001', 'Sales Rep', false), ('3002', 'Sales Manager', false), ('3003', 'Billing Admin', true);
UPDATE owners SET super_admin = true WHERE id = 101;

INSERT INTO objects (id, type, properties, created_at, updated_at) VALUES
    (201, 'contacts', '{"email": "jane.doe@example.com", "firstname": "Jane", "lastname": "Doe",
        "phone": "+1 555 0100", "company": "Acme Inc", "lifecyclestage": "customer",
        "hubspot_owner_id": "101"}', '2024-01-15T10:00:00Z', '2024-01-15T10:00:00Z'),
    (202, 'contacts', '{"email": "john.smith@example.com", "firstname": "John", "lastname": "Smith",
        "company": "Globex", "lifecyclestage": "lead", "hs_lead_status": "OPEN",
        "hubspot_owner_id": "102"}', '2024-01-16T10:00:00Z', '2024-01-16T10:00:00Z'),
    (203, 'contacts', '{"email": "ada@lovelace.example", "firstname": "Ada", "lastname": "Lovelace",
        "lifecyclestage": "subscriber"}', '2024-01-17T10:00:00Z', '2024-01-17T10:00:00Z'),
    (301, 'companies', '{"name": "Acme Inc", "domain": "acme.example", "industry": "Manufacturing",
        "city": "Springfield", "numberofemployees": "250", "lifecyclestage": "customer",
        "hubspot_owner_id": "101"}', '2024-01-10T10:00:00Z', '2024-01-10T10:00:00Z'),
    (302, 'companies', '{"name": "Globex", "domain": "globex.example", "city": "Cypress Creek",
        "numberofemployees": "1200", "lifecyclestage": "lead"}', '2024-01-11T10:00:00Z', '2024-01-11T10:00:00Z'),
    (401, 'deals', '{"dealname": "Acme renewal", "amount": "12000", "pipeline": "default",
        "dealstage": "contractsent", "closedate": "2024-03-31T00:00:00.000Z", "dealtype": "existingbusiness",
        "hubspot_owner_id": "101"}', '2024-02-01T10:00:00Z', '2024-02-01T10:00:00Z'),
    (402, 'deals', '{"dealname": "Globex pilot", "amount": "5000", "pipeline": "default",
        "dealstage": "qualifiedtobuy", "dealtype": "newbusiness", "hubspot_owner_id": "102"}',
        '2024-02-02T10:00:00Z', '2024-02-02T10:00:00Z'),
    (501, 'tickets', '{"subject": "Cannot log in", "content": "Password reset mail never arrives",
        "hs_pipeline": "0", "hs_pipeline_stage": "1", "hs_ticket_priority": "HIGH"}',
        '2024-02-03T10:00:00Z', '2024-02-03T10:00:00Z'),
    -- Alice's monthly revenue goal, January and February 2024: two targets of one goal.
    (601, 'goal_targets', '{"hs_goal_name": "Revenue 2024", "hs_target_amount": "10000",
        "hs_start_datetime": "2024-01-01T00:00:00.000Z", "hs_end_datetime": "2024-01-31T23:59:59.999Z",
        "hs_group_correlation_uuid": "6f1c2a4e-0b7d-4c7e-9a51-2b8f0d3c1e01", "hs_goal_target_group_id": "7001",
        "hubspot_owner_id": "101"}', '2023-12-15T10:00:00Z', '2023-12-15T10:00:00Z'),
    (602, 'goal_targets', '{"hs_goal_name": "Revenue 2024", "hs_target_amount": "12000",
        "hs_start_datetime": "2024-02-01T00:00:00.000Z", "hs_end_datetime": "2024-02-29T23:59:59.999Z",
        "hs_group_correlation_uuid": "6f1c2a4e-0b7d-4c7e-9a51-2b8f0d3c1e01", "hs_goal_target_group_id": "7001",
        "hubspot_owner_id": "101"}', '2023-12-15T10:00:00Z', '2023-12-15T10:00:00Z');

-- The calculated properties and each value's first history entry, as the engine writes them.
SELECT seed_calculated();

-- Both directions of each association (unlabelled, plus primary company for contacts).
WITH pairs (from_type, from_id, to_type, to_id, primary_too) AS (VALUES
    ('contacts', 201, 'companies', 301, true),
    ('contacts', 202, 'companies', 302, true),
    ('deals', 401, 'companies', 301, false),
    ('deals', 401, 'contacts', 201, false),
    ('deals', 402, 'companies', 302, false),
    ('deals', 402, 'contacts', 202, false),
    ('tickets', 501, 'contacts', 201, false)
),
kinds AS (
    SELECT a.from_type, a.from_id, a.to_type, a.to_id, t.type_id, t.inverse_id
    FROM pairs a
    JOIN association_types t ON t.from_type = a.from_type AND t.to_type = a.to_type
        AND (t.is_default OR (a.primary_too AND t.label = 'Primary'))
)
INSERT INTO associations (from_type, from_id, to_type, to_id, category, type_id, created_at)
SELECT from_type, from_id, to_type, to_id, 'HUBSPOT_DEFINED', type_id, '2024-02-01T10:00:00Z'::timestamptz
FROM kinds
UNION ALL
SELECT to_type, to_id, from_type, from_id, 'HUBSPOT_DEFINED', inverse_id, '2024-02-01T10:00:00Z'::timestamptz
FROM kinds;
