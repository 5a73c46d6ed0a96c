-- Async tasks (`async_tasks.rs`): a request sent with `allow_async: true` (`POST /v1/pages`
-- with `markdown`, `PATCH /v1/pages/{id}/markdown`) is carried out at once and answered 202
-- with an `async_task`; the task keeps the operation's answer (`result`, as the synchronous
-- request would have answered it) for `GET /v1/async_tasks/{id}` until `expires_at`.
CREATE TABLE async_tasks (
    id            text PRIMARY KEY,
    bot_id        text NOT NULL,
    operation     text NOT NULL,
    result        jsonb NOT NULL,
    created_time  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
