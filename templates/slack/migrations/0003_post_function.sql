-- One round trip per post: lock the channel, map a reply to its thread's parent, compute a
-- `ts` strictly after the channel's latest, insert — inside one function call, where each
-- statement sees what committed before it (so `max(ts)` is read after the lock is held).

CREATE FUNCTION slack_post_message(
    p_channel text, p_user text, p_bot text, p_team text, p_text text,
    p_blocks json, p_attachments json, p_metadata json, p_thread_ts numeric,
    p_broadcast boolean, p_mrkdwn boolean, p_username text, p_icon_emoji text,
    p_icon_url text, p_files json
) RETURNS SETOF messages LANGUAGE plpgsql
-- Index walks only: with stale statistics a growing channel looks tiny, and the planner
-- would otherwise read all of it to find its latest `ts`.
SET enable_sort = off SET enable_bitmapscan = off SET enable_seqscan = off AS $$
DECLARE
    parent numeric(16, 6);
    latest numeric(16, 6);
    new_ts numeric(16, 6);
BEGIN
    PERFORM 1 FROM conversations WHERE id = p_channel FOR UPDATE;
    IF p_thread_ts IS NOT NULL THEN
        SELECT COALESCE(thread_ts, ts) INTO parent FROM messages
        WHERE channel_id = p_channel AND ts = p_thread_ts;
        parent := COALESCE(parent, p_thread_ts);
        UPDATE messages SET thread_ts = ts
        WHERE channel_id = p_channel AND ts = parent AND thread_ts IS NULL;
    END IF;
    SELECT ts INTO latest FROM messages WHERE channel_id = p_channel
    ORDER BY channel_id DESC, ts DESC LIMIT 1;
    new_ts := GREATEST(round(extract(epoch FROM clock_timestamp()), 6),
                       COALESCE(latest, 0) + 0.000001);
    RETURN QUERY
    INSERT INTO messages (channel_id, ts, user_id, bot_id, team_id, subtype, text, blocks,
                          attachments, metadata, thread_ts, reply_broadcast, mrkdwn, username,
                          icon_emoji, icon_url, files, upload)
    VALUES (p_channel, new_ts, p_user, p_bot, p_team,
            CASE WHEN parent IS NOT NULL AND p_broadcast THEN 'thread_broadcast' END,
            p_text, p_blocks, p_attachments, p_metadata, parent,
            parent IS NOT NULL AND p_broadcast, p_mrkdwn, p_username, p_icon_emoji,
            p_icon_url, p_files, p_files IS NOT NULL)
    RETURNING *;
END
$$;

-- A page of a channel's top-level messages (and thread broadcasts), walking the primary key
-- in `ts` order. Sorting is switched off inside so the plan is an index walk that stops after
-- `p_limit` rows even when statistics are stale (a channel that just grew by thousands of
-- posts still looks empty to the planner until the next ANALYZE).
CREATE FUNCTION slack_history(
    p_channel text, p_oldest numeric, p_latest numeric, p_inclusive boolean,
    p_cursor numeric, p_forward boolean, p_limit int
) RETURNS SETOF messages LANGUAGE plpgsql STABLE ROWS 100
SET enable_sort = off SET enable_bitmapscan = off SET enable_seqscan = off AS $$
BEGIN
    IF p_forward THEN
        RETURN QUERY
        SELECT * FROM messages
        WHERE channel_id = p_channel
          AND (thread_ts IS NULL OR thread_ts = ts OR subtype = 'thread_broadcast')
          AND (p_oldest IS NULL OR ts > p_oldest OR (p_inclusive AND ts = p_oldest))
          AND (p_latest IS NULL OR ts < p_latest OR (p_inclusive AND ts = p_latest))
          AND (p_cursor IS NULL OR ts >= p_cursor)
        ORDER BY channel_id, ts
        LIMIT p_limit;
    ELSE
        RETURN QUERY
        SELECT * FROM messages
        WHERE channel_id = p_channel
          AND (thread_ts IS NULL OR thread_ts = ts OR subtype = 'thread_broadcast')
          AND (p_oldest IS NULL OR ts > p_oldest OR (p_inclusive AND ts = p_oldest))
          AND (p_latest IS NULL OR ts < p_latest OR (p_inclusive AND ts = p_latest))
          AND (p_cursor IS NULL OR ts <= p_cursor)
        ORDER BY channel_id DESC, ts DESC
        LIMIT p_limit;
    END IF;
END
$$;
