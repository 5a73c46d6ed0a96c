-- Slack clone: OAuth v2 authorization codes, minted through the admin surface (the person's
-- consent) and exchanged once, within ten minutes, by oauth.v2.access for the app's tokens.
-- Only the code's hash is kept. The app's client id and secret are in `settings`.

CREATE TABLE oauth_codes (
    code_hash    text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES users (id),
    team_id      text NOT NULL REFERENCES teams (id),
    scopes       text[] NOT NULL,
    user_scopes  text[] NOT NULL,
    redirect_uri text,
    used         boolean NOT NULL DEFAULT false,
    created      timestamptz NOT NULL DEFAULT now()
);
