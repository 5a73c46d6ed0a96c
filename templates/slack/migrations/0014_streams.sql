-- Slack clone: a message streamed with chat.startStream / appendStream / stopStream. The
-- message itself is in `messages` from the start; this row says it is still streaming
-- (`stopped` false, `created` within five minutes of the clone's clock).

CREATE TABLE streams (
    channel_id text NOT NULL,
    ts         numeric NOT NULL,
    created    timestamptz NOT NULL DEFAULT clock_timestamp(),
    stopped    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (channel_id, ts)
);
