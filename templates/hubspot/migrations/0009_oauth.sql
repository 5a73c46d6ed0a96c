-- The OAuth app's client id, in plain text: the refresh-token metadata
-- (`GET /oauth/v1/refresh-tokens/{token}`) answers it. (The credential store keeps only its
-- hash, which `POST /oauth/v1/token` checks.) One row, written by provisioning.
CREATE TABLE oauth_app (
    client_id text PRIMARY KEY
);
