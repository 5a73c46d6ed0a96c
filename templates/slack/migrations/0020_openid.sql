-- Slack clone: Sign in with Slack. An authorization code may carry the `nonce` of the
-- authorize request, which openid.connect.token repeats in the id_token it signs.

ALTER TABLE oauth_codes ADD COLUMN nonce text;
