-- For seeds, which insert objects as rows: fills in what the engine writes on create — the
-- calculated properties (hs_object_id, createdate, lastmodifieddate, hs_lastmodifieddate) and
-- each value's first history entry — on every object that has no history yet.
CREATE FUNCTION seed_calculated() RETURNS void LANGUAGE sql AS $$
UPDATE objects SET
    properties = properties || jsonb_build_object(
        'hs_object_id', id::text,
        'createdate', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'lastmodifieddate', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'hs_lastmodifieddate', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
    history = (SELECT jsonb_object_agg(key, jsonb_build_array(jsonb_build_object(
        'value', value,
        'timestamp', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
        'sourceType', 'CRM_UI')))
        FROM jsonb_each_text(properties))
WHERE history = '{}';
$$;
