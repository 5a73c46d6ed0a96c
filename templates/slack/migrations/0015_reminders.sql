-- Slack clone: reminders (`Rm…`, reminders.add). A person sets them for themselves: `time` is
-- when it is due (Unix seconds; for a recurring one, its first occurrence), `recurrence`
-- Slack's `{"frequency", "weekdays"?}` or NULL, `complete_ts` when it was marked complete
-- (0 while it is not).

CREATE SEQUENCE reminder_id_seq START 10488526976;

CREATE TABLE reminders (
    id          text PRIMARY KEY DEFAULT slack_id('Rm', nextval('reminder_id_seq')),
    team_id     text NOT NULL REFERENCES teams (id),
    creator     text NOT NULL REFERENCES users (id),
    user_id     text NOT NULL REFERENCES users (id),
    text        text NOT NULL,
    time        bigint NOT NULL,
    recurrence  jsonb,
    complete_ts bigint NOT NULL DEFAULT 0,
    created     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reminders_user ON reminders (user_id, time);
