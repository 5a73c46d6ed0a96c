-- When OAuth credentials stop working, by the hash of their plaintext (the kit's credential
-- store keeps no time): access tokens the token endpoint issues expire 1800 seconds
-- (`expires_in`) after they are issued, as HubSpot's do; authorization codes 600 seconds
-- after (HubSpot says only that a code is good for a short window). The provisioned and
-- admin-minted private app tokens have no row: they do not expire.
CREATE TABLE oauth_expiry (
    token_hash text PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
