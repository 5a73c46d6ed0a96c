-- Marketing forms (HubSpot's Forms v3 API, `/marketing/v3/forms/`) and their submissions
-- (`/submissions/v3/integration/submit/{portalId}/{formGuid}`, read back through
-- `/form-integrations/v1/submissions/forms/{formGuid}`). A form's definition (`fieldGroups`,
-- `configuration`, `displayOptions`, `legalConsentOptions`) is kept whole, as HubSpot answers
-- it; `position` orders the list and is its paging cursor.
CREATE SEQUENCE form_positions START 1;
CREATE TABLE forms (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    position    bigint      NOT NULL UNIQUE DEFAULT nextval('form_positions'),
    name        text        NOT NULL,
    form_type   text        NOT NULL DEFAULT 'hubspot',
    definition  jsonb       NOT NULL,
    archived    boolean     NOT NULL DEFAULT false,
    archived_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One submission: the values as submitted (`[{objectTypeId, name, value}]`), the page it came
-- from, the consent it gave and the contact it wrote (none without an email).
CREATE SEQUENCE form_submission_ids START 1;
CREATE TABLE form_submissions (
    id            bigint      PRIMARY KEY DEFAULT nextval('form_submission_ids'),
    conversion_id uuid        NOT NULL DEFAULT gen_random_uuid(),
    form_id       uuid        NOT NULL REFERENCES forms ON DELETE CASCADE,
    submitted_at  timestamptz NOT NULL DEFAULT now(),
    field_values  jsonb       NOT NULL,
    page_url      text,
    consent       jsonb,
    contact_id    bigint
);
CREATE INDEX form_submissions_form ON form_submissions (form_id, id);
