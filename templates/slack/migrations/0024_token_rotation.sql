-- Slack clone: token rotation. With rotation on (`settings` key `token_rotation`), installs
-- issue expiring access tokens (`xoxe.xoxb-`, `xoxe.xoxp-`: `expires_at` on the token) and a
-- refresh token each, kept hashed here with what a refresh mints.

ALTER TABLE tokens ADD COLUMN expires_at timestamptz;

CREATE TABLE refresh_tokens (
    token_hash text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('bot', 'user')),
    user_id    text NOT NULL REFERENCES users (id),
    team_id    text NOT NULL REFERENCES teams (id),
    scopes     text[] NOT NULL,
    created    timestamptz NOT NULL DEFAULT now()
);
