-- Slack clone: what an AI app sets on its assistant threads (assistant.threads.*): the
-- status line, the title and the suggested prompts Slack's clients show. `thread_ts` is 0 for
-- prompts set on the conversation rather than a thread.

CREATE TABLE assistant_threads (
    channel_id    text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    thread_ts     numeric(16, 6) NOT NULL,
    status        text NOT NULL DEFAULT '',
    title         text,
    prompts       json,
    prompts_title text,
    updated       bigint NOT NULL,
    PRIMARY KEY (channel_id, thread_ts)
);
