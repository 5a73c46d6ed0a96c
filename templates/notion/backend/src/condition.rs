//! Filter conditions (`{"contains": "x"}`, `{"greater_than": 3}`, …): the operators each type
//! of value takes, and — for values computed when a page is answered, which no SQL can
//! reach (formulas, rollups: [`crate::computed`]) — a condition parsed once and tested
//! against a page's plain value the way [`crate::filter`]'s SQL tests a stored one.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use crate::dates::is_date;
use crate::error::{ApiError, ApiResult};
use crate::request::body_uuid;

/// Operators of text conditions.
pub(crate) const TEXT_OPS: [&str; 8] = [
    "equals",
    "does_not_equal",
    "contains",
    "does_not_contain",
    "starts_with",
    "ends_with",
    "is_empty",
    "is_not_empty",
];

/// Operators of number conditions.
pub(crate) const NUMBER_OPS: [&str; 8] = [
    "equals",
    "does_not_equal",
    "greater_than",
    "less_than",
    "greater_than_or_equal_to",
    "less_than_or_equal_to",
    "is_empty",
    "is_not_empty",
];

/// Operators of date conditions that compare with a given date (or test emptiness).
pub(crate) const DATE_OPS: [&str; 7] = [
    "equals",
    "before",
    "after",
    "on_or_before",
    "on_or_after",
    "is_empty",
    "is_not_empty",
];

/// Date operators naming a period around now (their value is `{}`).
pub(crate) const DATE_RANGES: [&str; 7] = [
    "past_week",
    "past_month",
    "past_year",
    "next_week",
    "next_month",
    "next_year",
    "this_week",
];

/// Operators of select and status conditions.
const OPTION_OPS: [&str; 4] = ["equals", "does_not_equal", "is_empty", "is_not_empty"];
/// Operators of conditions on lists (multi-select names, people and relation ids).
const LIST_OPS: [&str; 4] = ["contains", "does_not_contain", "is_empty", "is_not_empty"];
/// Operators of files conditions (Notion's existence filter).
const EXISTENCE_OPS: [&str; 2] = ["is_empty", "is_not_empty"];

fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// The one operator of a condition object (the body value at `path`), among `ops`.
///
/// # Errors
///
/// 400 `validation_error` when it is not an object holding exactly one of `ops`.
pub(crate) fn single<'v>(
    condition: &'v Value,
    path: &str,
    ops: &[&str],
) -> ApiResult<(&'v str, &'v Value)> {
    let object = condition.as_object().ok_or_else(|| {
        invalid(format!(
            "body failed validation: {path} should be an object, instead was `{condition}`."
        ))
    })?;
    let mut entries = object.iter();
    match (entries.next(), entries.next()) {
        (Some((op, value)), None) if ops.contains(&op.as_str()) => Ok((op.as_str(), value)),
        (Some((op, _)), None) => Err(invalid(format!(
            "body failed validation: {path}.{op} should be not present; {path} should define one of {}.",
            ops.join(", ")
        ))),
        _ => Err(invalid(format!(
            "body failed validation: {path} should define exactly one of {}.",
            ops.join(", ")
        ))),
    }
}

/// What kind of plain value a condition tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Text (`""` when empty).
    Text,
    /// A number, or `null`.
    Number,
    /// A boolean (`false` when empty).
    Checkbox,
    /// An option's name, or `null`.
    Choice,
    /// A list of names or ids.
    List,
    /// An ISO 8601 date, or `null`.
    Date,
}

/// One condition on a plain value (a page's value reduced as `pages.fv` holds it: text, a
/// number, a boolean, a name, a list of names or ids, a date's start), checked when parsed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    family: Family,
    op: String,
    operand: Value,
}

impl Condition {
    /// The condition of type `kind` (`rich_text`/`title`/`string`, `number`, `checkbox`,
    /// `select`, `status`, `multi_select`, `people`, `relation`, `files`, `date`) at `path`.
    ///
    /// # Errors
    ///
    /// 400 `validation_error` naming the operator or operand that does not fit.
    pub(crate) fn parse(kind: &str, condition: &Value, path: &str) -> ApiResult<Self> {
        let date_ops = [DATE_OPS, DATE_RANGES].concat();
        let (family, ops): (Family, &[&str]) = match kind {
            "rich_text" | "title" | "string" => (Family::Text, &TEXT_OPS[..]),
            "number" => (Family::Number, &NUMBER_OPS[..]),
            "checkbox" => (Family::Checkbox, &["equals", "does_not_equal"][..]),
            "select" | "status" => (Family::Choice, &OPTION_OPS[..]),
            "multi_select" | "people" | "relation" => (Family::List, &LIST_OPS[..]),
            "files" => (Family::List, &EXISTENCE_OPS[..]),
            "date" => (Family::Date, &date_ops[..]),
            other => {
                return Err(invalid(format!(
                    "body failed validation: {path} uses `{other}`, which is not a filter type."
                )));
            }
        };
        let (op, operand) = single(condition, path, ops)?;
        let here = format!("{path}.{op}");
        let should = |what: &str| {
            invalid(format!(
                "body failed validation: {here} should be {what}, instead was `{operand}`."
            ))
        };
        let operand = match (family, op) {
            (_, "is_empty" | "is_not_empty") => Value::Null,
            (Family::Date, op) if DATE_RANGES.contains(&op) => Value::Null,
            (Family::Number, _) => Value::from(operand.as_f64().ok_or_else(|| should("a number"))?),
            (Family::Checkbox, _) => {
                Value::Bool(operand.as_bool().ok_or_else(|| should("a boolean"))?)
            }
            (Family::Date, _) => operand
                .as_str()
                .filter(|text| is_date(text))
                .map(Value::from)
                .ok_or_else(|| should("an ISO 8601 date"))?,
            (Family::List, _) if matches!(kind, "people" | "relation") => {
                let text = operand.as_str().ok_or_else(|| should("a string"))?;
                Value::String(body_uuid(&here, text)?)
            }
            _ => Value::from(operand.as_str().ok_or_else(|| should("a string"))?),
        };
        Ok(Self {
            family,
            op: op.to_owned(),
            operand,
        })
    }

    /// Whether the plain `value` (`null` when empty) meets the condition at `now`.
    pub(crate) fn holds(&self, value: &Value, now: DateTime<Utc>) -> bool {
        let op = self.op.as_str();
        match op {
            "is_empty" => return is_empty(value),
            "is_not_empty" => return !is_empty(value),
            _ => {}
        }
        match self.family {
            Family::Text => {
                let text = value.as_str().unwrap_or_default();
                let given = self.operand.as_str().unwrap_or_default();
                let (lower, given_lower) = (text.to_lowercase(), given.to_lowercase());
                match op {
                    "equals" => text == given,
                    "does_not_equal" => text != given,
                    "contains" => lower.contains(&given_lower),
                    "does_not_contain" => !lower.contains(&given_lower),
                    "starts_with" => lower.starts_with(&given_lower),
                    _ => lower.ends_with(&given_lower),
                }
            }
            Family::Number => {
                let given = self.operand.as_f64().unwrap_or(f64::NAN);
                match (value.as_f64(), op) {
                    (n, "does_not_equal") => n != Some(given),
                    (None, _) => false,
                    (Some(n), "equals") => n == given,
                    (Some(n), "greater_than") => n > given,
                    (Some(n), "less_than") => n < given,
                    (Some(n), "greater_than_or_equal_to") => n >= given,
                    (Some(n), _) => n <= given,
                }
            }
            Family::Checkbox => {
                (value.as_bool().unwrap_or(false) == self.operand.as_bool().unwrap_or(false))
                    == (op == "equals")
            }
            Family::Choice => (value.as_str() == self.operand.as_str()) == (op == "equals"),
            Family::List => {
                let found = value
                    .as_array()
                    .is_some_and(|items| items.contains(&self.operand));
                found == (op == "contains")
            }
            Family::Date => self.date_holds(value, now),
        }
    }

    fn date_holds(&self, value: &Value, now: DateTime<Utc>) -> bool {
        let Some(at) = value.as_str().and_then(instant) else {
            return false;
        };
        if let Some((from, to)) = period(&self.op, now) {
            return from <= at && at <= to;
        }
        let given = self.operand.as_str().unwrap_or_default();
        let order = if given.len() == 10 {
            NaiveDate::parse_from_str(given, "%Y-%m-%d").map(|day| at.date_naive().cmp(&day))
        } else {
            Ok(instant(given).map_or(std::cmp::Ordering::Less, |g| at.cmp(&g)))
        };
        order.is_ok_and(|order| match self.op.as_str() {
            "equals" => order.is_eq(),
            "before" => order.is_lt(),
            "after" => order.is_gt(),
            "on_or_before" => order.is_le(),
            _ => order.is_ge(),
        })
    }
}

/// Whether a plain value is empty, as the SQL filters test it.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The instant an ISO 8601 date names (a date alone, or without an offset, is in UTC, as
/// Postgres casts it here).
pub(crate) fn instant(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(at) = DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M%:z") {
        return Some(at.with_timezone(&Utc));
    }
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .and_then(|day| day.and_hms_opt(0, 0, 0))
        })
        .map(|at| at.and_utc())
}

/// The period a relative date operator names, both ends included (as SQL's `BETWEEN`).
fn period(op: &str, now: DateTime<Utc>) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let month = Months::new(1);
    let year = Months::new(12);
    Some(match op {
        "past_week" => (now - Duration::days(7), now),
        "past_month" => (now.checked_sub_months(month)?, now),
        "past_year" => (now.checked_sub_months(year)?, now),
        "next_week" => (now, now + Duration::days(7)),
        "next_month" => (now, now.checked_add_months(month)?),
        "next_year" => (now, now.checked_add_months(year)?),
        "this_week" => {
            let monday =
                now.date_naive() - Duration::days(i64::from(now.weekday().num_days_from_monday()));
            let start = monday.and_hms_opt(0, 0, 0)?.and_utc();
            (start, start + Duration::days(7))
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn holds(kind: &str, condition: Value, value: Value) -> bool {
        let now = instant("2025-03-12T12:00:00Z").unwrap();
        Condition::parse(kind, &condition, "body.filter")
            .unwrap()
            .holds(&value, now)
    }

    #[test]
    fn conditions_test_plain_values_as_the_sql_does() {
        let ada = "a0000000-0000-4000-8000-000000000001";
        let cases = [
            (
                "string",
                json!({ "contains": "SHIP" }),
                json!("Ship it"),
                true,
            ),
            (
                "string",
                json!({ "equals": "ship it" }),
                json!("Ship it"),
                false,
            ),
            (
                "string",
                json!({ "ends_with": "IT" }),
                json!("Ship it"),
                true,
            ),
            ("string", json!({ "is_empty": true }), Value::Null, true),
            (
                "string",
                json!({ "does_not_contain": "x" }),
                Value::Null,
                true,
            ),
            ("number", json!({ "greater_than": 2 }), json!(3), true),
            ("number", json!({ "less_than": 2 }), Value::Null, false),
            ("number", json!({ "does_not_equal": 2 }), Value::Null, true),
            ("checkbox", json!({ "equals": false }), Value::Null, true),
            (
                "checkbox",
                json!({ "does_not_equal": true }),
                json!(true),
                false,
            ),
            ("select", json!({ "equals": "High" }), json!("High"), true),
            (
                "status",
                json!({ "does_not_equal": "Done" }),
                Value::Null,
                true,
            ),
            (
                "multi_select",
                json!({ "contains": "a" }),
                json!(["a", "b"]),
                true,
            ),
            (
                "people",
                json!({ "does_not_contain": ada }),
                json!([ada]),
                false,
            ),
            ("files", json!({ "is_not_empty": true }), json!([]), false),
            (
                "date",
                json!({ "on_or_after": "2025-03-12" }),
                json!("2025-03-12T23:00:00Z"),
                true,
            ),
            (
                "date",
                json!({ "before": "2025-03-12T10:00:00Z" }),
                json!("2025-03-12"),
                true,
            ),
            (
                "date",
                json!({ "past_week": {} }),
                json!("2025-03-10"),
                true,
            ),
            (
                "date",
                json!({ "next_month": {} }),
                json!("2025-03-10"),
                false,
            ),
            (
                "date",
                json!({ "this_week": {} }),
                json!("2025-03-10T08:00:00Z"),
                true,
            ),
            (
                "date",
                json!({ "equals": "2025-01-20" }),
                Value::Null,
                false,
            ),
        ];
        for (kind, condition, value, expected) in cases {
            assert_eq!(
                holds(kind, condition.clone(), value.clone()),
                expected,
                "{kind} {condition} on {value}"
            );
        }
    }

    #[test]
    fn wrong_conditions_are_named() {
        for (kind, condition) in [
            ("number", json!({ "greater_than": "3" })),
            ("checkbox", json!({ "contains": true })),
            ("date", json!({ "after": "tomorrow" })),
            ("people", json!({ "contains": "ada" })),
            ("files", json!({ "contains": "x" })),
            ("string", json!({ "equals": "a", "contains": "b" })),
            ("button", json!({ "equals": "x" })),
        ] {
            assert!(
                Condition::parse(kind, &condition, "body.filter").is_err(),
                "{kind} {condition}"
            );
        }
    }
}
