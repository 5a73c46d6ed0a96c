-- Slack clone: executions of the app's custom functions (`Fx…`), started through the admin
-- surface and completed once, with functions.completeSuccess (`completed`, its `outputs`) or
-- functions.completeError (`failed`, its `error`). `required_outputs` names the outputs a
-- success must carry (the function's output parameters marked required).

CREATE SEQUENCE function_execution_id_seq START 203119913336832;

CREATE TABLE function_executions (
    id               text PRIMARY KEY
                     DEFAULT slack_id('Fx', nextval('function_execution_id_seq')),
    callback_id      text NOT NULL,
    inputs           jsonb NOT NULL DEFAULT '{}',
    required_outputs text[] NOT NULL DEFAULT '{}',
    state            text NOT NULL DEFAULT 'running'
                     CHECK (state IN ('running', 'completed', 'failed')),
    outputs          jsonb,
    error            text,
    created          bigint NOT NULL
);
