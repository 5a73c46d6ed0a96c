-- User settings (`UserSettings`): each user's one record of notification preferences, email
-- subscriptions and UI preferences. A user has settings from the start: `user_settings_all`
-- answers every user's, Linear's defaults where nothing was written; `user_settings` keeps
-- what `userSettingsUpdate` wrote (`prefs`, the inputs merged, a later one over an earlier).
CREATE TABLE user_settings (
    user_id    text PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    prefs      jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- A user's settings id (a version-4 UUID, as Linear's ids are), the same for as long as the
-- user exists.
CREATE FUNCTION user_settings_id(user_id text) RETURNS text LANGUAGE sql IMMUTABLE AS
$$ SELECT overlay(overlay(md5('userSettings:' || user_id) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid::text $$;

CREATE VIEW user_settings_all AS
SELECT user_settings_id(u.id) AS id, u.id AS user_id, coalesce(s.prefs, '{}') AS prefs,
       coalesce(s.created_at, u.created_at) AS created_at,
       coalesce(s.updated_at, u.created_at) AS updated_at
FROM users u LEFT JOIN user_settings s ON s.user_id = u.id;

-- `b` over `a`, objects merged key by key at every depth (a null in `b` clears).
CREATE FUNCTION jsonb_merge_deep(a jsonb, b jsonb) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF jsonb_typeof(a) IS DISTINCT FROM 'object' OR jsonb_typeof(b) IS DISTINCT FROM 'object' THEN
        RETURN coalesce(b, a);
    END IF;
    RETURN (SELECT coalesce(jsonb_object_agg(k, CASE WHEN b ? k THEN jsonb_merge_deep(a -> k, b -> k)
                                                     ELSE a -> k END), '{}')
            FROM (SELECT jsonb_object_keys(a) UNION SELECT jsonb_object_keys(b)) keys(k));
END $$;

-- The channels of a notification category (or of every notification): desktop, email and
-- mobile on, Slack off, unless written otherwise.
CREATE FUNCTION notification_channels(written jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
SELECT '{"desktop": true, "email": true, "mobile": true, "slack": false}'::jsonb
       || jsonb_strip_nulls(coalesce(written, '{}'))
$$;

CREATE FUNCTION user_settings_doc(t user_settings_all) RETURNS json LANGUAGE sql STABLE AS $$
SELECT json_build_object(
    'id', t.id, 'user', ref(t.user_id),
    'createdAt', iso(t.created_at), 'updatedAt', iso(t.updated_at), 'archivedAt', NULL,
    'calendarHash', md5('calendar:' || t.user_id),
    'unsubscribedFrom', '[]'::json,
    'feedLastSeenTime', p ->> 'feedLastSeenTime',
    'feedSummarySchedule', p ->> 'feedSummarySchedule',
    'subscribedToChangelog', coalesce((p ->> 'subscribedToChangelog')::bool, true),
    'subscribedToDPA', coalesce((p ->> 'subscribedToDPA')::bool, false),
    'subscribedToInviteAccepted', coalesce((p ->> 'subscribedToInviteAccepted')::bool, true),
    'subscribedToPrivacyLegalUpdates',
        coalesce((p ->> 'subscribedToPrivacyLegalUpdates')::bool, true),
    'autoAssignToSelf', false, 'showFullUserNames', false, 'showCodeBlockLineNumbers', false,
    'theme', NULL,
    'notificationChannelPreferences', notification_channels(p -> 'notificationChannelPreferences'),
    'notificationCategoryPreferences', (
        SELECT json_object_agg(c, notification_channels(p -> 'notificationCategoryPreferences' -> c))
        FROM unnest(ARRAY['appsAndIntegrations', 'assignments', 'billing', 'commentsAndReplies',
            'customers', 'documentChanges', 'feed', 'loops', 'mentions', 'postsAndUpdates',
            'reactions', 'reminders', 'reviews', 'statusChanges', 'subscriptions', 'system',
            'triage']) c),
    'notificationDeliveryPreferences', json_build_object('mobile', CASE
        WHEN p -> 'notificationDeliveryPreferences' -> 'mobile' IS NULL
          OR jsonb_typeof(p -> 'notificationDeliveryPreferences' -> 'mobile') = 'null' THEN NULL
        ELSE json_build_object('notificationsDisabled', NULL,
            'schedule', p -> 'notificationDeliveryPreferences' -> 'mobile' -> 'schedule') END))
FROM (SELECT t.prefs AS p) prefs
$$;
