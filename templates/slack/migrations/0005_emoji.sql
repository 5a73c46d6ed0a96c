-- Slack clone: the workspace's custom emoji (emoji.list). An emoji is an image (`url`) or an
-- alias of another emoji (`alias_for`), never both.

CREATE TABLE emoji (
    team_id   text NOT NULL REFERENCES teams (id),
    name      text NOT NULL,
    url       text,
    alias_for text,
    user_id   text REFERENCES users (id),
    created   bigint NOT NULL,
    PRIMARY KEY (team_id, name),
    CHECK ((url IS NULL) <> (alias_for IS NULL))
);
