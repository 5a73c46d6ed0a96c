-- Plans made once per connection. The backend prepares every statement once per connection,
-- but Postgres would still plan a list anew on each call: its generic plan for `LIMIT $n`
-- looks dearer than a custom one (it guesses a tenth of the table for the limit), though the
-- two are the same index scan, and each custom plan parses and inlines the document
-- functions (`issue_doc`, `iso`, `ref`) again — a quarter of a millisecond per page of
-- issues. So one generic plan per statement serves every argument.
--
-- That plan is made on a connection's first call, often while a table holds only its seeded
-- rows, where reading the whole table and sorting it looks cheaper than walking the index
-- that gives the list's order; the connection then keeps that plan as the table grows (a
-- page of issues after a 6,000-issue create run took 1.2 ms instead of 0.3). With sorts
-- priced out, a list walks the index that orders it whatever the table's size when it was
-- planned; a statement that no index orders still sorts.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
    EXECUTE format('ALTER DATABASE %I SET enable_sort = off', current_database());
END $$;
