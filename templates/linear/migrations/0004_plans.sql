-- Plans made once per connection. The backend prepares every statement once per connection,
-- but Postgres would still plan a list anew on each call: its generic plan for `LIMIT $n`
-- looks dearer than a custom one (it guesses a tenth of the table for the limit), though the
-- two are the same index scan, and each custom plan parses and inlines the document
-- functions (`issue_doc`, `iso`, `ref`) again — a quarter of a millisecond per page of
-- issues. The clone's tables are small and uniform, so one generic plan per statement serves
-- every argument.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
END $$;
