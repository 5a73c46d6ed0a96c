-- A view query's result set, one row per page in the query's order (`ord` from 1), so a page
-- of it is read by a keyed seek (`seek.rs`: the cursor's row by `(query_id, page_id)`, then
-- the rows from its `ord`) instead of loading the whole set.
CREATE TABLE view_query_results (
    query_id  text NOT NULL REFERENCES view_queries (id) ON DELETE CASCADE,
    ord       int NOT NULL,
    page_id   text NOT NULL,
    PRIMARY KEY (query_id, ord)
);
CREATE UNIQUE INDEX view_query_results_page ON view_query_results (query_id, page_id);
ALTER TABLE view_queries DROP COLUMN page_ids;
