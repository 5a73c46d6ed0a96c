-- Slack clone: Do Not Disturb snoozes (dnd.setSnooze): when a person's snooze ends, Unix
-- seconds; 0 or a past time for none. Scheduled DND hours are not kept (nobody can set them
-- through the API).

ALTER TABLE users ADD COLUMN snooze_endtime bigint NOT NULL DEFAULT 0;
