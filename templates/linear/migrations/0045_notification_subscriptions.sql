-- Notification subscriptions (`NotificationSubscription`): a user's subscription to the
-- notifications of exactly one custom view, cycle, initiative, issue label, project, team or
-- user (customers the clone does not store), of the types it names; `active` false pauses
-- it. Its `__typename` is the object type of what it is on
-- (`ProjectNotificationSubscription`, …). The clone notifies by its own rules (README), not
-- by these.
CREATE TABLE notification_subscriptions (
    id                  text PRIMARY KEY DEFAULT gen_random_uuid()::text,
    subscriber_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    custom_view_id      text REFERENCES custom_views(id) ON DELETE CASCADE,
    cycle_id            text REFERENCES cycles(id) ON DELETE CASCADE,
    initiative_id       text REFERENCES initiatives(id) ON DELETE CASCADE,
    label_id            text REFERENCES issue_labels(id) ON DELETE CASCADE,
    project_id          text REFERENCES projects(id) ON DELETE CASCADE,
    team_id             text REFERENCES teams(id) ON DELETE CASCADE,
    user_id             text REFERENCES users(id) ON DELETE CASCADE,
    context_view_type   text,
    user_context_view_type text,
    notification_subscription_types text[] NOT NULL DEFAULT '{}',
    active              boolean NOT NULL DEFAULT true,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    archived_at         timestamptz,
    CONSTRAINT notification_subscriptions_one_target CHECK (num_nonnulls(custom_view_id,
        cycle_id, initiative_id, label_id, project_id, team_id, user_id) = 1)
);
CREATE INDEX notification_subscriptions_created ON notification_subscriptions (created_at DESC, id DESC);
CREATE INDEX notification_subscriptions_subscriber ON notification_subscriptions (subscriber_id);

CREATE FUNCTION notification_subscription_doc(s notification_subscriptions) RETURNS json
LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    '__typename', CASE
        WHEN s.custom_view_id IS NOT NULL THEN 'CustomViewNotificationSubscription'
        WHEN s.cycle_id IS NOT NULL THEN 'CycleNotificationSubscription'
        WHEN s.initiative_id IS NOT NULL THEN 'InitiativeNotificationSubscription'
        WHEN s.label_id IS NOT NULL THEN 'LabelNotificationSubscription'
        WHEN s.project_id IS NOT NULL THEN 'ProjectNotificationSubscription'
        WHEN s.team_id IS NOT NULL THEN 'TeamNotificationSubscription'
        ELSE 'UserNotificationSubscription' END,
    'id', s.id, 'subscriber', ref(s.subscriber_id), 'active', s.active,
    'customView', ref(s.custom_view_id), 'customer', NULL, 'cycle', ref(s.cycle_id),
    'initiative', ref(s.initiative_id), 'label', ref(s.label_id),
    'project', ref(s.project_id), 'team', ref(s.team_id), 'user', ref(s.user_id),
    'contextViewType', s.context_view_type, 'userContextViewType', s.user_context_view_type,
    'notificationSubscriptionTypes', to_json(s.notification_subscription_types),
    'includeSubInitiativeUpdates', false,
    'createdAt', iso(s.created_at), 'updatedAt', iso(s.updated_at),
    'archivedAt', iso(s.archived_at))
$$;
