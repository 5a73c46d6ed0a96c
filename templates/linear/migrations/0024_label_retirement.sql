-- `issueLabelRetire`/`issueLabelRestore`: a retired label stays visible (and on the issues
-- that have it) but cannot be applied to a new issue; `retiredBy` is who retired it.
ALTER TABLE issue_labels
    ADD COLUMN retired_at    timestamptz,
    ADD COLUMN retired_by_id text REFERENCES users(id);

ALTER FUNCTION label_doc(issue_labels) RENAME TO label_doc_base;
CREATE FUNCTION label_doc(l issue_labels) RETURNS json LANGUAGE sql STABLE AS $$
SELECT (label_doc_base(l)::jsonb || jsonb_build_object('retiredBy', ref(l.retired_by_id)))::json
$$;
