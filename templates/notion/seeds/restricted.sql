-- asym:extends basic
-- Fixture `restricted`: `basic`, with an integration that may read content and comments and
-- nothing more (no inserting or updating content, no inserting comments, no user
-- information), to test how a service meets 403 `restricted_resource`. Capabilities are the
-- scopes of the integration's credential (README, "Capabilities").
UPDATE asym_credentials SET scopes = ARRAY['read_content', 'read_comments']
WHERE provisioned AND revoked_at IS NULL AND kind = 'integration';
