-- Slack clone: reminders come due. `next_at` is when Slackbot next posts a reminder (Unix
-- seconds): its `time` at first, then, for a recurring one, each next occurrence; NULL once a
-- one-off reminder has been posted or completed. `time` stays what `reminders.info` shows.

ALTER TABLE reminders ADD COLUMN next_at bigint;
UPDATE reminders SET next_at = time WHERE complete_ts = 0;
CREATE INDEX reminders_due ON reminders (next_at) WHERE next_at IS NOT NULL;

-- The first occurrence of a recurring reminder after `after` (Unix seconds): its first one,
-- `first`, stepped on by its `recurrence` frequency at the same local time of day in the
-- person's time zone `tz` (a month on from the 31st is the month's last day), on the named
-- weekdays only for a weekly one.
CREATE FUNCTION slack_next_occurrence(first bigint, recurrence jsonb, tz text, after bigint)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
DECLARE
    start timestamp := to_timestamp(first) AT TIME ZONE tz;
    step interval := CASE recurrence->>'frequency'
                         WHEN 'monthly' THEN interval '1 month'
                         WHEN 'yearly' THEN interval '1 year'
                         ELSE interval '1 day' END;
    days text[] := ARRAY(SELECT jsonb_array_elements_text(recurrence->'weekdays'));
    n integer := 1;
    at timestamp;
BEGIN
    LOOP
        at := start + step * n;
        IF extract(epoch FROM at AT TIME ZONE tz) > after
           AND (cardinality(days) = 0 OR lower(to_char(at, 'FMDay')) = ANY(days)) THEN
            RETURN extract(epoch FROM at AT TIME ZONE tz)::bigint;
        END IF;
        n := n + 1;
    END LOOP;
END
$$;
