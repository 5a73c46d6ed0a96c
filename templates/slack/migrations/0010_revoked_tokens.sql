-- Slack clone: tokens revoked by auth.revoke. The token's row leaves `tokens`; its hash stays
-- here so that a call with it answers `token_revoked` rather than `invalid_auth`.

CREATE TABLE revoked_tokens (
    token_hash text PRIMARY KEY,
    revoked    bigint NOT NULL
);
