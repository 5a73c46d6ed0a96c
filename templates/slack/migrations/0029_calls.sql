-- Slack clone: calls registered through the Calls API (`R…`, calls.add). `users` is the
-- participants as Slack answers them (`[{"slack_id"} | {"external_id", "display_name",
-- "avatar_url"?}]`), `date_end` is set once the call ended (calls.end).

CREATE SEQUENCE call_id_seq START 101559956668416;

CREATE TABLE calls (
    id                   text PRIMARY KEY DEFAULT slack_id('R', nextval('call_id_seq')),
    team_id              text NOT NULL REFERENCES teams (id),
    external_unique_id   text NOT NULL,
    external_display_id  text,
    join_url             text NOT NULL,
    desktop_app_join_url text,
    title                text,
    date_start           bigint NOT NULL,
    date_end             bigint,
    created_by           text NOT NULL REFERENCES users (id),
    users                jsonb NOT NULL DEFAULT '[]'
);
