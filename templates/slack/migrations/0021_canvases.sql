-- Slack clone: canvases. A canvas is a file (`F…` id, from the files' sequence) holding
-- ordered markdown sections (a header line or a paragraph each); a channel canvas names its
-- channel. Access grants are recorded per user or channel.

CREATE TABLE canvases (
    id         text PRIMARY KEY DEFAULT slack_id('F', nextval('file_id_seq')),
    team_id    text NOT NULL REFERENCES teams (id),
    owner      text NOT NULL REFERENCES users (id),
    title      text NOT NULL DEFAULT '',
    channel_id text UNIQUE REFERENCES conversations (id),
    created    bigint NOT NULL
);

CREATE TABLE canvas_sections (
    canvas_id text NOT NULL REFERENCES canvases (id) ON DELETE CASCADE,
    id        text NOT NULL,
    position  integer NOT NULL,
    kind      text NOT NULL,
    markdown  text NOT NULL,
    PRIMARY KEY (canvas_id, id)
);

CREATE TABLE canvas_access (
    canvas_id text NOT NULL REFERENCES canvases (id) ON DELETE CASCADE,
    principal text NOT NULL,
    level     text NOT NULL,
    PRIMARY KEY (canvas_id, principal)
);
