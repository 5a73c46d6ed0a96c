-- Imports (`/crm/v3/imports`): each import as HubSpot's `PublicImportResponse` reports it (its
-- request as sent, the types it mapped, its counters), and the rows it refused
-- (`/crm/v3/imports/{importId}/errors`). An import is processed when it is created, in the
-- transaction that writes its records, so it is `DONE` when first read.
CREATE TABLE imports (
    id bigserial PRIMARY KEY,
    name text NOT NULL,
    state text NOT NULL,
    request jsonb NOT NULL,
    mapped_object_type_ids text[] NOT NULL,
    counters jsonb NOT NULL,
    file_ids text[] NOT NULL,
    opt_out boolean NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_errors (
    id bigserial PRIMARY KEY,
    import_id bigint NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    error_type text NOT NULL,
    object_type_id text,
    object_type text,
    message text NOT NULL,
    invalid_value text,
    column_number integer,
    row_data jsonb NOT NULL,
    line_number integer NOT NULL,
    file_id bigint NOT NULL,
    created_at bigint NOT NULL
);

CREATE INDEX import_errors_by_import ON import_errors (import_id, id);
