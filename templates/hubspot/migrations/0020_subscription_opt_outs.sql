-- Communication preferences v4's portal-wide opt-out (`unsubscribe-all`): an address here has
-- opted out of all email, HubSpot's `PORTAL_WIDE` wide status. Its per-type statuses are also
-- set to unsubscribed when it opts out, so the v3 and v4 status reads agree.
CREATE TABLE subscription_opt_outs (
    email      text        PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now()
);
