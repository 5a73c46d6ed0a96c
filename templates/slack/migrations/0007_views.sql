-- Slack clone: app views (`V…`). views.publish keeps one Home tab per person; views.update
-- replaces a view by id or by the app's `external_id`. `view` is the view as the app sent
-- it (its blocks given their `block_id`s); `hash` changes on every write.

CREATE SEQUENCE view_id_seq START 101559956668416;

CREATE TABLE views (
    id          text PRIMARY KEY DEFAULT slack_id('V', nextval('view_id_seq')),
    team_id     text NOT NULL REFERENCES teams (id),
    user_id     text REFERENCES users (id),
    bot_id      text NOT NULL REFERENCES bots (id),
    type        text NOT NULL CHECK (type IN ('home', 'modal')),
    view        json NOT NULL,
    hash        text NOT NULL,
    external_id text,
    updated     bigint NOT NULL
);
CREATE UNIQUE INDEX views_home ON views (user_id) WHERE type = 'home';
CREATE UNIQUE INDEX views_external_id ON views (team_id, external_id) WHERE external_id IS NOT NULL;
