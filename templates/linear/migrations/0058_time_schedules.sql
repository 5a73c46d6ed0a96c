-- Time schedules (`TimeSchedule`): named on-call rotations, each a list of entries (a user, by
-- id or email, from `startsAt` to `endsAt`), as an integration (PagerDuty, Opsgenie) keeps
-- them; made through the API here (no integration: `integration` null), an external one found
-- by its `externalId`.
CREATE FUNCTION time_schedule_entries_ordered(entries jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
SELECT coalesce(bool_and((e ->> 'endsAt')::timestamptz > (e ->> 'startsAt')::timestamptz), true)
FROM jsonb_array_elements(entries) e
$$;

CREATE TABLE time_schedules (
    id           text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    name         text NOT NULL,
    entries      jsonb NOT NULL DEFAULT '[]',
    external_id  text,
    external_url text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    archived_at  timestamptz,
    CONSTRAINT time_schedules_external_id_key UNIQUE (external_id),
    CONSTRAINT time_schedules_entries_check CHECK (time_schedule_entries_ordered(entries))
);
CREATE INDEX time_schedules_created ON time_schedules (created_at DESC, id DESC);

CREATE FUNCTION time_schedule_doc(s time_schedules) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', s.id, 'name', s.name, 'externalId', s.external_id, 'externalUrl', s.external_url,
    'entries', (SELECT coalesce(json_agg(json_build_object(
                    'startsAt', iso((e ->> 'startsAt')::timestamptz),
                    'endsAt', iso((e ->> 'endsAt')::timestamptz),
                    'userId', e ->> 'userId', 'userEmail', e ->> 'userEmail') ORDER BY n), '[]'::json)
                FROM jsonb_array_elements(s.entries) WITH ORDINALITY x(e, n)),
    'integration', NULL, 'organization', (SELECT ref(o.id) FROM organization o LIMIT 1),
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at), 'archivedAt', iso(s.archived_at))
$$;
