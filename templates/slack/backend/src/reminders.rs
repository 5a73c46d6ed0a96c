//! Reminders: `reminders.add`, `reminders.info`, `reminders.list`, `reminders.complete`,
//! `reminders.delete` (user tokens). A person sets reminders for themselves; `time` takes a
//! Unix time, a number of seconds, or the natural-language "in <n> <unit>", and refuses any
//! other phrasing with Slack's `cannot_parse`. Slackbot posts each when due (see
//! [`crate::model::reminder`]).

use asym_kit::tokio_postgres::Row;
use serde_json::{Map, Value, json};

use crate::auth::{Caller, person};
use crate::error::{ApiError, ApiResult};
use crate::{AppState, Call};

/// A number of seconds up to this is "the number of seconds until the reminder (if within 24
/// hours)"; a larger number is a Unix time.
const MAX_RELATIVE_SECONDS: i64 = 24 * 60 * 60;

/// How far ahead a reminder may be set: "up to five years from now".
const MAX_AHEAD_SECONDS: i64 = 5 * 365 * 24 * 60 * 60;

/// The units "in <n> <unit>" takes, each with its length in seconds.
const UNITS: &[(&[&str], i64)] = &[
    (&["second", "seconds", "sec", "secs"], 1),
    (&["minute", "minutes", "min", "mins"], 60),
    (&["hour", "hours", "hr", "hrs"], 60 * 60),
    (&["day", "days"], 24 * 60 * 60),
    (&["week", "weeks"], 7 * 24 * 60 * 60),
];

/// The days a weekly recurrence may name.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// The columns [`reminder_json`] reads.
const COLUMNS: &str = "id, creator, user_id, text, time, recurrence::text, complete_ts";

/// When a reminder set at `now` with `time` is due (Unix seconds); `None` for a phrasing the
/// clone cannot parse exactly, or a time past or more than five years ahead.
fn due(time: &str, now: i64) -> Option<i64> {
    let time = time.trim().to_ascii_lowercase();
    let at = if let Ok(number) = time.parse::<i64>() {
        match number {
            1..=MAX_RELATIVE_SECONDS => now + number,
            _ => number,
        }
    } else {
        let rest = time.strip_prefix("in ")?;
        let mut words = rest.split_whitespace();
        let count = match words.next()? {
            "a" | "an" | "one" => 1,
            digits => digits.parse::<i64>().ok().filter(|n| *n > 0)?,
        };
        let unit = words.next()?;
        if words.next().is_some() {
            return None;
        }
        let (_, seconds) = UNITS.iter().find(|(names, _)| names.contains(&unit))?;
        now.checked_add(count.checked_mul(*seconds)?)?
    };
    (at > now && at <= now + MAX_AHEAD_SECONDS).then_some(at)
}

/// The `recurrence` argument checked as Slack describes it: `{"frequency": "daily" |
/// "weekly" | "monthly" | "yearly", "weekdays": [...]}`, weekdays required for (and only
/// for) `weekly`.
fn recurrence(call: &Call) -> Result<Option<Value>, ApiError> {
    let invalid = |message: &str| ApiError::invalid_arguments(format!("recurrence: {message}"));
    let Some(value) = call.args.json("recurrence", "invalid_arguments")? else {
        return Ok(None);
    };
    let Some(object) = value.as_object() else {
        return Err(invalid("must be an object"));
    };
    let frequency = object.get("frequency").and_then(Value::as_str);
    let weekdays = object.get("weekdays");
    match (frequency, weekdays) {
        (Some("daily" | "monthly" | "yearly"), None) => {}
        (Some("weekly"), Some(Value::Array(days)))
            if !days.is_empty()
                && days
                    .iter()
                    .all(|day| day.as_str().is_some_and(|day| WEEKDAYS.contains(&day))) => {}
        (Some("weekly"), _) => return Err(invalid("weekly needs weekdays, named in lower case")),
        (Some("daily" | "monthly" | "yearly"), Some(_)) => {
            return Err(invalid("weekdays are taken only with weekly"));
        }
        _ => {
            return Err(invalid(
                "frequency must be daily, weekly, monthly or yearly",
            ));
        }
    }
    Ok(Some(value))
}

/// Refuses a `user` other than the caller, with the error Slack gives for who it names.
async fn check_user(
    state: &AppState,
    caller: &Caller,
    call: &Call,
    recurring: bool,
) -> Result<(), ApiError> {
    let user = caller.user_arg(call);
    if user == caller.user_id {
        return Ok(());
    }
    if user == "USLACKBOT" {
        return Err(ApiError::new("cannot_add_slackbot"));
    }
    let row = crate::model::user::find(state, caller, &user).await?;
    Err(ApiError::new(
        match (row.get::<_, bool>("is_bot"), recurring) {
            (true, _) => "cannot_add_bot",
            (false, true) => "cannot_add_others_recurring",
            (false, false) => "cannot_add_others",
        },
    ))
}

/// A reminder row of [`COLUMNS`] as Slack's reminder object: a one-off reminder has its
/// `time` and `complete_ts`, a recurring one its `recurrence`.
fn reminder_json(row: &Row) -> Value {
    let user: String = row.get(2);
    let mut reminder = json!({
        "id": row.get::<_, String>(0),
        "creator": row.get::<_, String>(1),
        "user": user,
        "text": row.get::<_, String>(3),
    });
    let recurrence: Option<String> = row.get(5);
    match recurrence.and_then(|text| serde_json::from_str::<Value>(&text).ok()) {
        Some(recurrence) => {
            reminder["recurring"] = json!(true);
            reminder["recurrence"] = recurrence;
        }
        None => {
            reminder["recurring"] = json!(false);
            reminder["time"] = json!(row.get::<_, i64>(4));
            reminder["complete_ts"] = json!(row.get::<_, i64>(6));
        }
    }
    reminder
}

/// `{"reminder": …}`.
fn one(row: &Row) -> Map<String, Value> {
    Map::from_iter([("reminder".to_owned(), reminder_json(row))])
}

/// `reminders.add`: a reminder of `text` for the caller at `time`, maybe recurring.
pub(crate) async fn add(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "reminders:write").await?;
    let text = call.args.required("text")?;
    let time = call.args.required("time")?;
    let at = due(&time, crate::ts::now_seconds()).ok_or_else(|| ApiError::new("cannot_parse"))?;
    let recurrence = recurrence(call)?;
    check_user(state, &caller, call, recurrence.is_some()).await?;
    let recurrence = recurrence.map(|value| value.to_string());
    let client = state.kit.db().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO reminders (team_id, creator, user_id, text, time, recurrence, next_at)
                 VALUES ($1, $2, $2, $3, $4, $5::text::jsonb, $4) RETURNING {COLUMNS}"
            ),
            &[&caller.team_id, &caller.user_id, &text, &at, &recurrence],
        )
        .await?;
    Ok(one(&row))
}

/// What a call on one reminder names: the `reminder` argument and the caller, a person
/// holding `scope`, whose reminder it must be.
async fn target(state: &AppState, call: &Call, scope: &str) -> Result<(String, String), ApiError> {
    let caller = person(state, call, scope).await?;
    Ok((call.args.required("reminder")?, caller.user_id))
}

/// `reminders.info`: one of the caller's reminders.
pub(crate) async fn info(state: &AppState, call: &Call) -> ApiResult {
    let (id, user) = target(state, call, "reminders:read").await?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            &format!("SELECT {COLUMNS} FROM reminders WHERE id = $1 AND user_id = $2"),
            &[&id, &user],
        )
        .await?
        .ok_or_else(|| ApiError::new("not_found"))?;
    Ok(one(&row))
}

/// `reminders.list`: the caller's reminders, completed ones included, soonest first.
pub(crate) async fn list(state: &AppState, call: &Call) -> ApiResult {
    let caller = person(state, call, "reminders:read").await?;
    let client = state.kit.db().await?;
    let rows = client
        .query(
            &format!("SELECT {COLUMNS} FROM reminders WHERE user_id = $1 ORDER BY time, id"),
            &[&caller.user_id],
        )
        .await?;
    let reminders: Vec<Value> = rows.iter().map(reminder_json).collect();
    Ok(Map::from_iter([("reminders".to_owned(), json!(reminders))]))
}

/// `reminders.complete`: marks one of the caller's one-off reminders complete (a second
/// call keeps the first `complete_ts`); Slackbot no longer posts it.
pub(crate) async fn complete(state: &AppState, call: &Call) -> ApiResult {
    let (id, user) = target(state, call, "reminders:write").await?;
    let client = state.kit.db().await?;
    let row = client
        .query_opt(
            "WITH r AS (SELECT id, recurrence IS NOT NULL AS recurring FROM reminders
                        WHERE id = $1 AND user_id = $2),
                  done AS (UPDATE reminders m
                           SET complete_ts = CASE WHEN m.complete_ts = 0 THEN $3
                                                  ELSE m.complete_ts END,
                               next_at = NULL
                           FROM r WHERE m.id = r.id AND NOT r.recurring)
             SELECT recurring FROM r",
            &[&id, &user, &crate::ts::now_seconds()],
        )
        .await?
        .ok_or_else(|| ApiError::new("not_found"))?;
    if row.get::<_, bool>(0) {
        return Err(ApiError::new("cannot_complete_recurring"));
    }
    Ok(Map::new())
}

/// `reminders.delete`: deletes one of the caller's reminders.
pub(crate) async fn delete(state: &AppState, call: &Call) -> ApiResult {
    let (id, user) = target(state, call, "reminders:write").await?;
    let client = state.kit.db().await?;
    let deleted = client
        .execute(
            "DELETE FROM reminders WHERE id = $1 AND user_id = $2",
            &[&id, &user],
        )
        .await?;
    if deleted == 0 {
        return Err(ApiError::new("not_found"));
    }
    Ok(Map::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn times_slack_documents_are_parsed_exactly() {
        for (time, at) in [
            ("1800000600", Some(NOW + 600)),
            ("20", Some(NOW + 20)),
            ("86400", Some(NOW + 86_400)),
            ("in 5 minutes", Some(NOW + 300)),
            ("In 15 Minutes", Some(NOW + 900)),
            ("in a minute", Some(NOW + 60)),
            ("in an hour", Some(NOW + 3_600)),
            ("in 2 days", Some(NOW + 172_800)),
            ("in 1 week", Some(NOW + 604_800)),
            ("in 30 secs", Some(NOW + 30)),
        ] {
            assert_eq!(due(time, NOW), at, "{time}");
        }
    }

    #[test]
    fn other_phrasings_and_times_out_of_range_are_not() {
        for time in [
            "tomorrow",
            "at 3:30pm",
            "every Thursday",
            "next week",
            "in five minutes",
            "in 5 fortnights",
            "in 5 minutes please",
            "in -5 minutes",
            "in 0 minutes",
            "0",
            "-20",
            "1700000000",
            "1990000000",
            "",
        ] {
            assert_eq!(due(time, NOW), None, "{time}");
        }
    }
}
