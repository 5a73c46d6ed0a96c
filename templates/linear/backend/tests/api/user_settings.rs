//! User settings: every user has them (Linear's defaults until written), `userSettings` is
//! the viewer's, `userSettingsUpdate` merges its input over what was written and is the
//! viewer's own.

use serde_json::{Value, json};

use crate::{ADA, ask, client, missing, mutate, oauth_client, refused};

const FIELDS: &str = "id user { id } createdAt updatedAt calendarHash unsubscribedFrom
    feedLastSeenTime feedSummarySchedule subscribedToChangelog subscribedToDPA
    subscribedToInviteAccepted subscribedToPrivacyLegalUpdates autoAssignToSelf
    showFullUserNames theme { preset }
    notificationChannelPreferences { desktop email mobile slack }
    notificationCategoryPreferences { assignments { desktop email mobile slack }
        mentions { desktop email mobile slack } }
    notificationDeliveryPreferences { mobile { notificationsDisabled schedule { disabled
        monday { start end } sunday { start end } } } }";

const UPDATE: &str = "mutation($id: String!, $input: UserSettingsUpdateInput!) {
    userSettingsUpdate(id: $id, input: $input) { success lastSyncId userSettings { id
        feedLastSeenTime feedSummarySchedule subscribedToChangelog
        notificationChannelPreferences { desktop email mobile slack }
        notificationCategoryPreferences { assignments { desktop email mobile slack }
            mentions { desktop email mobile slack } }
        notificationDeliveryPreferences { mobile { schedule { disabled
            monday { start end } sunday { start end } } } } } } }";

/// The viewer's settings.
async fn settings(api: &asym_kit::testing::Api) -> Value {
    ask(api, &format!("query {{ userSettings {{ {FIELDS} }} }}")).await["userSettings"].clone()
}

/// `userSettingsUpdate` of settings `id` with `input`: its settings.
async fn update(api: &asym_kit::testing::Api, id: &Value, input: Value) -> Value {
    mutate(api, UPDATE, json!({"id": id, "input": input})).await["userSettings"].clone()
}

fn channels(desktop: bool, email: bool, mobile: bool, slack: bool) -> Value {
    json!({"desktop": desktop, "email": email, "mobile": mobile, "slack": slack})
}

#[asym::clone("linear", seed = "basic")]
async fn every_user_has_settings_with_linears_defaults(linear: asym::Linear) {
    let api = client(&linear);
    let got = settings(&api).await;
    assert_eq!(got["user"]["id"], ADA, "{got}");
    let id = got["id"].as_str().unwrap();
    assert_eq!(
        (id.len(), &id[14..15], &id[19..20]),
        (36, "4", "8"),
        "a UUID v4: {id}"
    );
    assert_eq!(got["unsubscribedFrom"], json!([]));
    assert!(got["calendarHash"].is_string(), "{got}");
    assert_eq!(got["feedSummarySchedule"], Value::Null);
    assert_eq!(got["theme"], Value::Null, "no theme preset configured");
    assert_eq!(
        (
            got["subscribedToChangelog"].clone(),
            got["subscribedToDPA"].clone()
        ),
        (json!(true), json!(false))
    );
    assert_eq!(got["autoAssignToSelf"], false);
    let on = channels(true, true, true, false);
    assert_eq!(got["notificationChannelPreferences"], on);
    assert_eq!(got["notificationCategoryPreferences"]["assignments"], on);
    assert_eq!(
        got["notificationDeliveryPreferences"],
        json!({"mobile": null})
    );
    assert_eq!(got, settings(&api).await, "the same settings each time");

    let ben = settings(&oauth_client(&linear)).await;
    assert_ne!(ben["id"], got["id"], "each user has their own");
    assert_ne!(ben["user"]["id"], ADA);
}

#[asym::clone("linear", seed = "basic")]
async fn an_update_merges_over_what_was_written(linear: asym::Linear) {
    let api = client(&linear);
    let before = settings(&api).await;
    let id = before["id"].clone();
    let first = update(
        &api,
        &id,
        json!({
            "notificationChannelPreferences": {"slack": true},
            "notificationCategoryPreferences": {"assignments": {"email": false}},
            "feedSummarySchedule": "weekly",
            "feedLastSeenTime": "2026-01-02T03:04:05Z",
        }),
    )
    .await;
    assert_eq!(first["id"], id);
    assert_eq!(
        first["notificationChannelPreferences"],
        channels(true, true, true, true)
    );
    assert_eq!(
        first["notificationCategoryPreferences"]["assignments"],
        channels(true, false, true, false)
    );
    assert_eq!(first["feedSummarySchedule"], "weekly");
    assert_eq!(first["feedLastSeenTime"], "2026-01-02T03:04:05.000Z");

    let day = json!({"start": "09:00", "end": "18:00"});
    let schedule = json!({"disabled": false, "monday": day, "tuesday": day, "wednesday": day,
        "thursday": day, "friday": day, "saturday": {}, "sunday": {}});
    let second = update(
        &api,
        &id,
        json!({
            "notificationCategoryPreferences": {"assignments": {"mobile": false},
                "mentions": {"slack": true}},
            "notificationDeliveryPreferences": {"mobile": {"schedule": schedule}},
            "subscribedToChangelog": false,
        }),
    )
    .await;
    let categories = &second["notificationCategoryPreferences"];
    assert_eq!(
        categories["assignments"],
        channels(true, false, false, false),
        "the earlier email: false stays: {second}"
    );
    assert_eq!(categories["mentions"], channels(true, true, true, true));
    assert_eq!(
        second["notificationChannelPreferences"]["slack"], true,
        "untouched by the second update"
    );
    assert_eq!(second["feedSummarySchedule"], "weekly");
    assert_eq!(second["subscribedToChangelog"], false);
    let mobile = &second["notificationDeliveryPreferences"]["mobile"]["schedule"];
    assert_eq!(
        (&mobile["disabled"], &mobile["monday"], &mobile["sunday"]),
        (&json!(false), &day, &json!({"start": null, "end": null}))
    );
    let read = settings(&api).await;
    assert_eq!(
        read["createdAt"], before["createdAt"],
        "made when the user was"
    );
    assert_eq!(read["notificationCategoryPreferences"], *categories);
    assert!(
        read["updatedAt"].as_str() > read["createdAt"].as_str(),
        "updated after it was made: {read}"
    );
}

#[asym::clone("linear", seed = "basic")]
async fn only_the_viewers_own_settings_are_written(linear: asym::Linear) {
    let api = client(&linear);
    let ben = settings(&oauth_client(&linear)).await["id"].clone();
    let input = json!({"subscribedToChangelog": false});
    for id in [ben, json!("00000000-0000-4000-8000-000000000000")] {
        missing(
            &api,
            UPDATE,
            json!({"id": id, "input": input}),
            "UserSettings",
        )
        .await;
    }
    let bad_time = json!({"feedLastSeenTime": "not a time"});
    let id = settings(&api).await["id"].clone();
    refused(&api, UPDATE, json!({"id": id, "input": bad_time})).await;
    assert_eq!(settings(&api).await["subscribedToChangelog"], true);
}

/// Runs each `(flag, operation, value)` in turn with `userFlagUpdate` on the viewer's flag,
/// checking that it answers the flag with `value`.
async fn counts(api: &asym_kit::testing::Api, steps: &[(&str, &str, i64)]) {
    let text = "mutation($flag: UserFlagType!, $operation: UserFlagUpdateOperation!) {
        userFlagUpdate(flag: $flag, operation: $operation) { success lastSyncId flag value } }";
    for &(flag, operation, value) in steps {
        let got = mutate(api, text, json!({"flag": flag, "operation": operation})).await;
        assert_eq!(
            json!({"flag": got["flag"], "value": got["value"]}),
            json!({"flag": flag, "value": value}),
            "{flag} after {operation}"
        );
    }
}

/// `userSettingsFlagsReset(flags)`: `lastSyncId` of the reset, which must succeed.
async fn reset(api: &asym_kit::testing::Api, flags: Value) -> Value {
    let text = "mutation($flags: [UserFlagType!]) {
        userSettingsFlagsReset(flags: $flags) { success lastSyncId } }";
    mutate(api, text, json!({ "flags": flags })).await["lastSyncId"].clone()
}

/// A user's settings flags count (`incr`, `decr`, `clear`), `lock` fixes one, and
/// `userSettingsFlagsReset` puts the flags it names (all, without `flags` or with `all`)
/// back to never written: unlocked, counting from 0. Flags are the viewer's own.
#[asym::clone("linear", seed = "basic")]
async fn settings_flags_count_lock_and_reset(linear: asym::Linear) {
    let api = client(&linear);
    counts(
        &api,
        &[
            ("completedOnboarding", "incr", 1),
            ("completedOnboarding", "incr", 2),
            ("completedOnboarding", "decr", 1),
            ("listSelectionTip", "incr", 1),
            ("listSelectionTip", "clear", 0),
            ("tryTriageDismissed", "incr", 1),
            ("tryTriageDismissed", "lock", 1),
            // A locked flag keeps its value.
            ("tryTriageDismissed", "incr", 1),
            ("tryTriageDismissed", "decr", 1),
            ("tryTriageDismissed", "clear", 1),
        ],
    )
    .await;
    // Ben's flags are his own: Ada's count does not reach them.
    let ben = oauth_client(&linear);
    counts(&ben, &[("completedOnboarding", "incr", 1)]).await;

    // One flag reset: it counts from 0 again; the others keep theirs.
    let first = reset(&api, json!(["completedOnboarding"])).await;
    assert!(first.as_f64().unwrap() > 0.0, "{first}");
    counts(
        &api,
        &[
            ("completedOnboarding", "incr", 1),
            ("tryTriageDismissed", "incr", 1),
        ],
    )
    .await;
    // `all` resets every flag (unlocking them); so does a reset without `flags`.
    let second = reset(&api, json!(["all"])).await;
    assert!(second.as_f64() > first.as_f64(), "{first} then {second}");
    counts(
        &api,
        &[
            ("tryTriageDismissed", "incr", 1),
            ("completedOnboarding", "incr", 1),
        ],
    )
    .await;
    reset(&api, Value::Null).await;
    counts(&api, &[("completedOnboarding", "decr", -1)]).await;
    // Ben's flag was not Ada's to reset.
    counts(&ben, &[("completedOnboarding", "incr", 2)]).await;

    // `all` is no flag of its own to update; an unknown flag is GraphQL's refusal.
    let text = "mutation { userFlagUpdate(flag: all, operation: incr) { success } }";
    let message = refused(&api, text, json!({})).await;
    assert_eq!(message, "Argument Validation Error");
    let text = "mutation { userSettingsFlagsReset(flags: [noSuchFlag]) { success } }";
    let reply = crate::gql(&api, text, json!({})).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
}

#[asym::clone("linear", seed = "basic")]
async fn one_category_is_switched_on_one_channel(linear: asym::Linear) {
    let (ada, ben) = (client(&linear), oauth_client(&linear));
    let text = "mutation($category: NotificationCategory!, $channel: NotificationChannel!, $on: Boolean!) {
        notificationCategoryChannelSubscriptionUpdate(category: $category, channel: $channel, subscribe: $on) {
          success lastSyncId userSettings { user { id } notificationCategoryPreferences {
            assignments { desktop email mobile slack } mentions { desktop email mobile slack } } } } }";
    let switch = |category: &str, channel: &str, on: bool| json!({"category": category, "channel": channel, "on": on});
    mutate(&ada, text, switch("assignments", "email", false)).await;
    let got = mutate(&ada, text, switch("mentions", "slack", true)).await["userSettings"].clone();
    assert_eq!(got["user"]["id"], ADA);
    let categories = &got["notificationCategoryPreferences"];
    assert_eq!(
        categories["assignments"],
        channels(true, false, true, false)
    );
    assert_eq!(categories["mentions"], channels(true, true, true, true));
    let read = settings(&ada).await;
    assert_eq!(
        &read["notificationCategoryPreferences"], categories,
        "as read back"
    );
    let others = settings(&ben).await;
    assert_eq!(
        others["notificationCategoryPreferences"]["assignments"],
        channels(true, true, true, false),
        "Ben's untouched"
    );
    let reply = crate::gql(&ada, text, switch("assignments", "pigeon", true)).await;
    let message = crate::error(&reply, 400, "GRAPHQL_VALIDATION_FAILED");
    assert!(message.contains("\"pigeon\""), "{message}");
}
