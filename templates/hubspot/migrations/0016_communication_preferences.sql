-- Communication preferences (`/communication-preferences/v3`): the portal's email subscription
-- types and each address's status in them. An address with no row for a type has never opted
-- in or out (NOT_SUBSCRIBED, HubSpot's "not opted in or out"); `opted_out` marks an explicit
-- unsubscribe, which the API cannot undo (HubSpot refuses to subscribe such an address again).
CREATE TABLE subscription_definitions (
    id                   bigint      PRIMARY KEY,
    name                 text        NOT NULL,
    description          text        NOT NULL,
    purpose              text        NOT NULL,
    communication_method text        NOT NULL,
    is_active            boolean     NOT NULL DEFAULT true,
    is_default           boolean     NOT NULL DEFAULT false,
    is_internal          boolean     NOT NULL DEFAULT false,
    created_at           timestamptz NOT NULL DEFAULT '2024-01-01T09:00:00Z',
    updated_at           timestamptz NOT NULL DEFAULT '2024-01-01T09:00:00Z'
);

-- The subscription types every HubSpot portal starts with (their ids are the clone's).
INSERT INTO subscription_definitions (id, name, description, purpose, communication_method,
                                      is_default, is_internal) VALUES
    (7001, 'Marketing Information', 'Marketing offers and updates.', 'Marketing', 'Email',
     true, false),
    (7002, 'One to One', 'One to one emails', 'Sales', 'Email', false, true),
    (7003, 'Customer Service Communication', 'Feedback requests and service updates.',
     'Customer Service', 'Email', false, false);

CREATE TABLE subscription_statuses (
    email                   text        NOT NULL,
    subscription_id         bigint      NOT NULL REFERENCES subscription_definitions (id),
    subscribed              boolean     NOT NULL,
    legal_basis             text,
    legal_basis_explanation text,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (email, subscription_id)
);
