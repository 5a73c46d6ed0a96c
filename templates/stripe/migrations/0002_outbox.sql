-- Webhook deliveries moved to the kit's durable outbox (asym_outbox): signed at send time,
-- retried with back-off, resumed after a backend restart, listed under /api/admin/outbox.
DROP TABLE webhook_deliveries;
