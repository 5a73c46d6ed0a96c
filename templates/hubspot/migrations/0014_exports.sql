-- CRM exports (`/crm/v3/exports/export/async`): each export's CSV, written when it is
-- started, and the secret its download URL carries (as HubSpot's signed file URLs do).
CREATE TABLE exports (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    object_type text NOT NULL,
    secret text NOT NULL,
    csv text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
