-- 10,000 contacts, a quarter of them leads, created a minute apart: the baseline of the
-- search and reset benchmarks (bench.sh, backend/benches/reset.rs).
INSERT INTO objects (id, type, properties, created_at, updated_at)
SELECT nextval('object_ids'), 'contacts',
       jsonb_build_object('email', 'bench' || n || '@search.example', 'firstname', 'Bench',
           'lastname', 'N' || n,
           'lifecyclestage', (ARRAY['subscriber', 'lead', 'customer', 'opportunity'])[1 + n % 4]),
       timestamptz '2024-01-01T00:00:00Z' + n * interval '1 minute',
       timestamptz '2024-01-01T00:00:00Z' + n * interval '1 minute'
FROM generate_series(1, 10000) AS n;
UPDATE objects SET properties = properties || jsonb_build_object(
    'hs_object_id', id::text,
    'createdate', to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'lastmodifieddate', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'hs_lastmodifieddate', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
WHERE properties->>'email' LIKE 'bench%@search.example';
ANALYZE objects;
