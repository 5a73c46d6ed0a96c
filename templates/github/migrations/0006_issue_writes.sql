-- What makes creating and listing issues cheap: plans made once per connection, stored
-- renderings kept uncompressed, a count of each repository's open and closed issues kept by
-- trigger (a page's `Link: rel="last"` reads one row instead of counting every issue), and
-- opening an issue in one statement.

-- The backend prepares every statement once per connection. Postgres would otherwise plan a
-- list anew on each call (its generic plan for `LIMIT $n` looks dearer than a custom one,
-- though the two are the same index scan); the clone's tables are small and uniform, so one
-- generic plan per statement serves every argument.
DO $$ BEGIN
    EXECUTE format('ALTER DATABASE %I SET plan_cache_mode = force_generic_plan', current_database());
END $$;

-- A rendering is ~2 KB: left inline and uncompressed, a page of 100 is copied, not inflated.
ALTER TABLE issues SET (toast_tuple_target = 8160);

-- Open and closed issues (pull requests included, as the issue lists show them) per repository.
CREATE TABLE issue_counts (
    repo_id bigint PRIMARY KEY,
    open    bigint NOT NULL DEFAULT 0,
    closed  bigint NOT NULL DEFAULT 0
);

-- One upsert per change, so a close and a reopen in one repository lock the same single row.
CREATE FUNCTION gh_issue_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO issue_counts AS c (repo_id, open, closed)
    VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.repo_id ELSE NEW.repo_id END,
            coalesce(NEW.state = 'open', false)::int - coalesce(OLD.state = 'open', false)::int,
            coalesce(NEW.state = 'closed', false)::int - coalesce(OLD.state = 'closed', false)::int)
    ON CONFLICT (repo_id) DO UPDATE SET open = c.open + excluded.open, closed = c.closed + excluded.closed;
    RETURN NULL;
END $$;
CREATE TRIGGER issues_counted AFTER INSERT OR DELETE ON issues FOR EACH ROW
    EXECUTE FUNCTION gh_issue_counted();
CREATE TRIGGER issues_recounted AFTER UPDATE OF state ON issues FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION gh_issue_counted();

INSERT INTO issue_counts (repo_id, open, closed)
SELECT repo_id, count(*) FILTER (WHERE state = 'open'), count(*) FILTER (WHERE state = 'closed')
FROM issues GROUP BY repo_id;

-- Sets an issue's labels by name (replacing its labels when `replace`), creating the labels
-- that do not exist, as GitHub does.
CREATE FUNCTION gh_issue_label(repo bigint, issue bigint, names text[], replace boolean)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF replace THEN
        DELETE FROM issue_labels WHERE issue_id = issue;
    END IF;
    IF cardinality(names) > 0 THEN
        INSERT INTO labels (repo_id, name) SELECT repo, n FROM unnest(names) n ON CONFLICT DO NOTHING;
        INSERT INTO issue_labels (issue_id, label_id)
        SELECT issue, l.id FROM labels l
        WHERE l.repo_id = repo AND lower(l.name) = ANY(SELECT lower(n) FROM unnest(names) n)
        ON CONFLICT DO NOTHING;
    END IF;
END $$;

-- Opens issue `num` (allocated by the caller) of `repo` with its labels (NULL: none) and
-- stores its rendering; answers its id and that rendering. With `unhooked`, a repository
-- whose hooks listen to `issues` gets nothing written and no row: the caller opens it again
-- inside a transaction that also enqueues the deliveries.
CREATE FUNCTION gh_issue_open(repo bigint, num int, title text, body text, author bigint,
                              assignees bigint[], milestone bigint, names text[], b text,
                              unhooked boolean)
RETURNS TABLE (id bigint, rendered text) LANGUAGE plpgsql AS $$
DECLARE
    i issues;
BEGIN
    IF unhooked AND EXISTS (SELECT 1 FROM hooks h WHERE h.repo_id = repo AND h.active
                            AND ('issues' = ANY(h.events) OR '*' = ANY(h.events))) THEN
        RETURN;
    END IF;
    -- The row as the column defaults make it. Its id is drawn here, before the insert whose
    -- trigger would take the writers' lock, so the lock is taken first (asym_contract's
    -- WRITERS_LOCK, 0x6173796d): a reset restoring the baseline between this nextval and the
    -- insert would rewind the sequence under the kept row, and the next issue would collide.
    PERFORM pg_advisory_xact_lock_shared(1634957677);
    i.id := nextval('issues_id_seq');
    i.repo_id := repo; i.number := num; i.title := title; i.body := body; i.user_id := author;
    i.assignee_ids := assignees; i.milestone_id := milestone;
    i.state := 'open'; i.locked := false; i.comments := 0; i.is_pull := false;
    i.created_at := now(); i.updated_at := now();
    IF names IS NULL AND milestone IS NULL THEN
        -- Nothing the rendering reads changes with the insert: render first, write once.
        i.rendered := gh_issue(i, b)::text;
        INSERT INTO issues SELECT i.*;
    ELSE
        -- Its labels and its milestone's counts show in the rendering: render after.
        INSERT INTO issues SELECT i.*;
        PERFORM gh_issue_label(repo, i.id, coalesce(names, '{}'), false);
        UPDATE issues SET rendered = gh_issue(i, b)::text WHERE issues.id = i.id
        RETURNING issues.rendered INTO i.rendered;
    END IF;
    RETURN QUERY SELECT i.id, i.rendered;
END $$;
