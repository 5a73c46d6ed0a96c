-- Sorts priced out. A list's generic plan (0006) is made on a connection's first call, often
-- before Postgres has analysed a table grown from its seeded rows, and reading the whole
-- table and sorting it can then look cheaper than walking `issues_repo_list`, which gives the
-- list's order; the connection keeps that plan (a page of 100 issues after a 10,000-issue
-- create run: 368 req/s with it, 2,487 with the index, on the same image). With sorts priced
-- out a list walks the index that orders it; a statement that no index orders still sorts.
-- The Linear clone does the same (its 0004).
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET enable_sort = off', current_database());
END $$;
