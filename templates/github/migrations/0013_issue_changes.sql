-- What a write changes of an issue's labels, assignees and milestone is recorded as issue
-- events (`labeled`, `unassigned`, `milestoned`, …) and answered to the backend, which
-- announces each change to the repository's hooks. Opening an issue with labels, assignees
-- or a milestone records them too, as GitHub does.

-- Records the events of changes to issue `issue` by `actor`: each `events[n]` of `ids[n]` (a
-- label, a user or a milestone, by the event's name), in the order given, with what the
-- events list renders: the label's name, the assignee's id, the milestone's title.
CREATE FUNCTION gh_issue_changed(issue bigint, actor bigint, events text[], ids bigint[])
RETURNS void LANGUAGE sql AS $$
    INSERT INTO issue_events (issue_id, actor_id, event, detail)
    SELECT issue, actor, c.event, CASE
        WHEN c.event IN ('labeled', 'unlabeled') THEN
            json_build_object('label', (SELECT l.name FROM labels l WHERE l.id = c.id))
        WHEN c.event IN ('assigned', 'unassigned') THEN json_build_object('assignee', c.id)
        ELSE json_build_object('milestone',
            json_build_object('title', (SELECT m.title FROM milestones m WHERE m.id = c.id))) END
    FROM unnest(events, ids) WITH ORDINALITY AS c(event, id, ord) ORDER BY c.ord
$$;

-- Sets an issue's labels by name, creating the labels that do not exist, as GitHub does:
-- adds them, or with `replace` makes them the issue's only labels. Answers what changed:
-- `unlabeled` for each label taken off (by name), then `labeled` for each put on (in the
-- order named); a label the issue already has is no change.
DROP FUNCTION gh_issue_label(bigint, bigint, text[], boolean);
CREATE FUNCTION gh_issue_label(repo bigint, issue bigint, names text[], replace boolean)
RETURNS TABLE (event text, label bigint) LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(names) > 0 THEN
        INSERT INTO labels (repo_id, name) SELECT repo, n FROM unnest(names) n ON CONFLICT DO NOTHING;
    END IF;
    RETURN QUERY
    WITH wanted AS (
        SELECT l.id, min(n.ord) AS ord FROM labels l
        JOIN unnest(names) WITH ORDINALITY AS n(name, ord) ON lower(n.name) = lower(l.name)
        WHERE l.repo_id = repo GROUP BY l.id
    ), gone AS (
        DELETE FROM issue_labels il WHERE replace AND il.issue_id = issue
            AND il.label_id NOT IN (SELECT w.id FROM wanted w)
        RETURNING il.label_id
    ), added AS (
        INSERT INTO issue_labels (issue_id, label_id) SELECT issue, w.id FROM wanted w
        ON CONFLICT DO NOTHING RETURNING label_id
    )
    SELECT c.event, c.label FROM (
        SELECT 'unlabeled' AS event, g.label_id AS label, 0 AS part, lower(l.name) AS key, 0::bigint AS ord
        FROM gone g JOIN labels l ON l.id = g.label_id
        UNION ALL
        SELECT 'labeled', a.label_id, 1, '', w.ord FROM added a JOIN wanted w ON w.id = a.label_id
    ) c ORDER BY c.part, c.key, c.ord;
END $$;

-- Opens issue `num` as `gh_issue_open` did (0006: labels, rendering, the writers' lock) and
-- records what it was opened with as its events: `labeled` for each label (in the order
-- named), `assigned` for each assignee, `milestoned`. Answers those changes beside its id and
-- rendering, for the caller to announce after `opened` (GitHub sends one delivery for each);
-- no row when `unhooked` and the repository's hooks listen to `issues`, as before.
ALTER FUNCTION gh_issue_open(bigint, int, text, text, bigint, bigint[], bigint, text[], text, boolean)
    RENAME TO gh_issue_opened;
CREATE FUNCTION gh_issue_open(repo bigint, num int, title text, body text, author bigint,
                              assignees bigint[], milestone bigint, names text[], b text,
                              unhooked boolean)
RETURNS TABLE (id bigint, rendered text, events text[], ids bigint[]) LANGUAGE plpgsql AS $$
DECLARE
    opened record;
BEGIN
    SELECT o.id, o.rendered INTO opened
    FROM gh_issue_opened(repo, num, title, body, author, assignees, milestone, names, b, unhooked) o;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    events := '{}';
    ids := '{}';
    IF cardinality(names) > 0 THEN
        SELECT array_agg('labeled'::text ORDER BY n.ord), array_agg(il.label_id ORDER BY n.ord)
        INTO events, ids
        FROM issue_labels il JOIN labels l ON l.id = il.label_id
        JOIN LATERAL (SELECT min(x.ord) AS ord FROM unnest(names) WITH ORDINALITY AS x(name, ord)
                      WHERE lower(x.name) = lower(l.name)) n ON true
        WHERE il.issue_id = opened.id;
        events := coalesce(events, '{}');
        ids := coalesce(ids, '{}');
    END IF;
    events := events || array_fill('assigned'::text, ARRAY[cardinality(assignees)]);
    ids := ids || assignees;
    IF milestone IS NOT NULL THEN
        events := events || 'milestoned'::text;
        ids := ids || milestone;
    END IF;
    IF cardinality(events) > 0 THEN
        PERFORM gh_issue_changed(opened.id, author, events, ids);
    END IF;
    RETURN QUERY SELECT opened.id, opened.rendered, events, ids;
END $$;
