//! Reminders coming due: Slackbot posts each in its person's direct message with Slackbot
//! (the background worker, or the admin surface on a test's behalf, calls [`post_due`]).

use serde_json::json;

use crate::AppState;
use crate::error::ApiError;
use crate::model::conversation::{SLACKBOT, slackbot_dm};
use crate::model::message::{NewMessage, SystemFields, insert_message};

/// The bot id Slackbot's messages carry (not a bot `bots.info` knows, as in Slack).
const SLACKBOT_BOT_ID: &str = "B01";

/// Due reminders posted per pass.
const BATCH: i64 = 20;

/// What Slackbot posts when a reminder of `text` comes due.
fn reminder_text(text: &str) -> String {
    format!("Reminder: {text}.")
}

/// Posts every reminder that is due, and `now` (a reminder's id) as if it were: Slackbot's
/// message `Reminder: <text>.` in the person's DM with Slackbot, with its `message` event
/// (delivered, like any DM's, only to an app whose bot is in it: none is). A one-off reminder
/// is then done (`complete_ts` stays 0 until the person completes it); a recurring one waits
/// for its next occurrence. Rows are locked, not skipped, so a pass that answers has seen
/// every due reminder posted, by itself or by a concurrent pass. Returns the ids posted.
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn post_due(state: &AppState, now: Option<&str>) -> Result<Vec<String>, ApiError> {
    let mut client = state.kit.db().await?;
    let tx = client.transaction().await?;
    let due = tx
        .query(
            "SELECT r.id, r.team_id, r.user_id, r.text, u.deleted
             FROM reminders r JOIN users u ON u.id = r.user_id
             WHERE r.next_at <= extract(epoch FROM now())
                OR (r.id = $1 AND r.next_at IS NOT NULL)
             ORDER BY r.id = $1 DESC NULLS LAST, r.next_at, r.id LIMIT $2 FOR UPDATE OF r",
            &[&now, &BATCH],
        )
        .await?;
    let mut posted = Vec::with_capacity(due.len());
    for row in &due {
        let (team_id, user, deleted): (String, String, bool) = (row.get(1), row.get(2), row.get(4));
        posted.push(row.get::<_, String>(0));
        if deleted {
            continue;
        }
        let channel = slackbot_dm(&tx, &team_id, &user).await?;
        let message = NewMessage {
            user_id: SLACKBOT.to_owned(),
            team_id,
            text: reminder_text(row.get(3)),
            mrkdwn: true,
            system: Some(SystemFields {
                subtype: None,
                extras: Some(json!({ "bot_id": SLACKBOT_BOT_ID }).to_string()),
            }),
            ..NewMessage::default()
        };
        insert_message(&tx, &channel, "im", &message).await?;
    }
    tx.execute(
        "UPDATE reminders r
         SET next_at = CASE WHEN r.recurrence IS NULL THEN NULL
                            ELSE slack_next_occurrence(r.time, r.recurrence, u.tz,
                                     GREATEST(r.next_at, extract(epoch FROM now())::bigint))
                       END
         FROM users u WHERE u.id = r.user_id AND r.id = ANY($1)",
        &[&posted],
    )
    .await?;
    tx.commit().await?;
    if !posted.is_empty() {
        state.kit.wake_outbox();
    }
    Ok(posted)
}

/// Whether `id` names a reminder, and if so whether Slackbot will still post it (`None`: no
/// such reminder).
///
/// # Errors
///
/// `internal_error` when Postgres fails.
pub(crate) async fn pending(state: &AppState, id: &str) -> Result<Option<bool>, ApiError> {
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "SELECT next_at IS NOT NULL FROM reminders WHERE id = $1",
            &[&id],
        )
        .await?;
    Ok(row.map(|row| row.get(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slackbot_says_reminder_and_ends_with_a_full_stop() {
        assert_eq!(reminder_text("eat a banana"), "Reminder: eat a banana.");
    }
}
