-- HubSpot's generic webhook subscriptions (`object.creation`, …): the object type id each
-- listens to (`0-1`, `2-1001`); NULL for the legacy per-type ones (`contact.creation`).
ALTER TABLE webhook_subscriptions ADD COLUMN object_type_id text;
