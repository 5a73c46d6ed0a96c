-- Posting: one round trip per message, posts and system messages alike.
--
-- System messages are what Slack posts into a channel when people join or leave it, or when
-- it is renamed, re-topiced, re-purposed, archived or unarchived (`channel_join`,
-- `channel_leave`, `channel_name`, `channel_topic`, `channel_purpose`, `channel_archive`,
-- `channel_unarchive`). They are ordinary rows of `messages` with a `subtype`; the top-level
-- fields some of them add (`inviter`, `old_name` and `name`, `topic`, `purpose`) are kept in
-- `extras`, an object whose members the message object shows after `team`.

ALTER TABLE messages ADD COLUMN extras json;

-- Lock the channel, map a reply to its thread's parent, compute a `ts` strictly after the
-- channel's latest, insert — inside one function call, where each statement sees what
-- committed before it (so `max(ts)` is read after the lock is held). A post passes NULL for
-- `p_subtype` and `p_extras` and gets `thread_broadcast` for a broadcast reply; a system
-- message passes its subtype and extras.
CREATE FUNCTION slack_post_message(
    p_channel text, p_user text, p_bot text, p_team text, p_text text,
    p_blocks json, p_attachments json, p_metadata json, p_thread_ts numeric,
    p_broadcast boolean, p_mrkdwn boolean, p_username text, p_icon_emoji text,
    p_icon_url text, p_files json, p_subtype text, p_extras json
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
                          icon_emoji, icon_url, files, upload, extras)
    VALUES (p_channel, new_ts, p_user, p_bot, p_team,
            COALESCE(p_subtype,
                     CASE WHEN parent IS NOT NULL AND p_broadcast THEN 'thread_broadcast' END),
            p_text, p_blocks, p_attachments, p_metadata, parent,
            parent IS NOT NULL AND p_broadcast, p_mrkdwn, p_username, p_icon_emoji,
            p_icon_url, p_files, p_files IS NOT NULL, p_extras)
    RETURNING *;
END
$$;
