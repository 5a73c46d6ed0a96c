//! The values a formula computes with, read from a page's stored values and answered as
//! Notion answers a formula: `{type: "string" | "number" | "boolean" | "date", …}`.

use std::cmp::Ordering;

use chrono::NaiveDateTime;
use serde_json::{Value, json};

use super::dates;

/// A value while evaluating.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Empty,
    Number(f64),
    Text(String),
    Bool(bool),
    /// A date: its start, its end for a range, and whether it has a time.
    Date(NaiveDateTime, Option<NaiveDateTime>, bool),
    List(Vec<Val>),
}

/// `n` as Notion answers a number: whole numbers without a fraction, `null` if not finite.
pub(crate) fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "a whole number below 2^53 converts exactly"
        )]
        return json!(n as i64);
    }
    serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
}

/// `value` as the formula property answers it.
pub(super) fn answer(value: Val) -> Value {
    match value {
        Val::Number(n) if n.is_finite() => json!({ "type": "number", "number": number(n) }),
        Val::Number(_) => json!({ "type": "number", "number": null }),
        Val::Bool(b) => json!({ "type": "boolean", "boolean": b }),
        Val::Date(start, end, time) => json!({ "type": "date", "date": {
            "start": dates::iso(start, time),
            "end": end.map(|end| dates::iso(end, time)),
            "time_zone": null
        } }),
        Val::Empty => json!({ "type": "string", "string": null }),
        other => json!({ "type": "string", "string": other.text() }),
    }
}

impl Val {
    /// A single date (no range).
    pub(super) fn date(at: NaiveDateTime, time: bool) -> Self {
        Self::Date(at, None, time)
    }

    /// The value as text: a date as Notion shows it (`January 30, 2025 9:11 AM`), a list's
    /// items joined by commas.
    pub(super) fn text(&self) -> String {
        match self {
            Self::Empty => String::new(),
            Self::Number(n) if n.is_finite() => number(*n).to_string(),
            Self::Number(n) => n.to_string(),
            Self::Text(text) => text.clone(),
            Self::Bool(b) => b.to_string(),
            Self::Date(start, end, time) => {
                let shown = dates::shown(*start, *time);
                match end {
                    Some(end) => format!("{shown} → {}", dates::shown(*end, *time)),
                    None => shown,
                }
            }
            Self::List(items) => items.iter().map(Self::text).collect::<Vec<_>>().join(","),
        }
    }

    pub(super) fn number(&self) -> f64 {
        match self {
            Self::Number(n) => *n,
            Self::Bool(b) => f64::from(u8::from(*b)),
            Self::Text(text) => text.trim().parse().unwrap_or(f64::NAN),
            Self::Empty => 0.0,
            Self::Date(..) | Self::List(_) => f64::NAN,
        }
    }

    pub(super) fn truthy(&self) -> bool {
        match self {
            Self::Bool(b) => *b,
            Self::Number(n) => *n != 0.0,
            Self::Text(text) => !text.is_empty(),
            Self::List(items) => !items.is_empty(),
            Self::Date(..) => true,
            Self::Empty => false,
        }
    }

    /// Notion's `empty()`: `0`, `""`, `[]`, `false` and no value are empty.
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Self::Empty => true,
            Self::Text(text) => text.is_empty(),
            Self::List(items) => items.is_empty(),
            Self::Number(n) => *n == 0.0,
            Self::Bool(b) => !b,
            Self::Date(..) => false,
        }
    }

    /// The items of a list; a single value is a list of itself, no value an empty list.
    pub(super) fn items(&self) -> Vec<Self> {
        match self {
            Self::List(items) => items.clone(),
            Self::Empty => Vec::new(),
            other => vec![other.clone()],
        }
    }

    /// How two values sort: numbers by value, text by characters, dates by start, `false`
    /// before `true`; no value after everything.
    pub(super) fn order(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Empty, Self::Empty) => Ordering::Equal,
            (Self::Empty, _) => Ordering::Greater,
            (_, Self::Empty) => Ordering::Less,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            (Self::Date(a, ..), Self::Date(b, ..)) => a.cmp(b),
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (Self::List(a), Self::List(b)) => a
                .iter()
                .zip(b)
                .map(|(a, b)| a.order(b))
                .find(|o| o.is_ne())
                .unwrap_or_else(|| a.len().cmp(&b.len())),
            _ => self.number().total_cmp(&other.number()),
        }
    }

    /// Whether two values are equal as `==` has it (dates by their instants, no value
    /// equal to an empty one).
    pub(super) fn same(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Date(a, b, _), Self::Date(c, d, _)) => a == c && b == d,
            _ => self == other || (self.is_empty() && other.is_empty() && self.kindless(other)),
        }
    }

    /// Whether two empty values may be compared as equal: no value is equal to any empty
    /// value, otherwise both must be of one kind.
    fn kindless(&self, other: &Self) -> bool {
        matches!(self, Self::Empty)
            || matches!(other, Self::Empty)
            || std::mem::discriminant(self) == std::mem::discriminant(other)
    }

    /// A stored value of a property of type `kind`.
    pub(super) fn from_stored(kind: &str, value: &Value) -> Self {
        match kind {
            "title" | "rich_text" => Self::Text(crate::richtext::plain(value)),
            "number" => value.as_f64().map_or(Self::Empty, Self::Number),
            "checkbox" => Self::Bool(value.as_bool().unwrap_or(false)),
            "select" | "status" => value["name"]
                .as_str()
                .map_or(Self::Empty, |n| Self::Text(n.into())),
            "multi_select" | "files" | "people" | "relation" => {
                let key = if matches!(kind, "people" | "relation") {
                    "id"
                } else {
                    "name"
                };
                Self::List(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|item| Self::Text(item[key].as_str().unwrap_or_default().into()))
                        .collect(),
                )
            }
            "date" => match (
                value["start"].as_str().and_then(dates::parse_iso),
                value["end"].as_str().and_then(dates::parse_iso),
            ) {
                (Some(Self::Date(start, _, time)), Some(Self::Date(end, ..))) => {
                    Self::Date(start, Some(end), time)
                }
                (Some(start), _) => start,
                _ => Self::Empty,
            },
            "created_time" | "last_edited_time" => value
                .as_str()
                .and_then(dates::parse_iso)
                .unwrap_or(Self::Empty),
            "unique_id" => value["number"].as_f64().map_or(Self::Empty, Self::Number),
            "url" | "email" | "phone_number" | "created_by" | "last_edited_by" => value
                .as_str()
                .or_else(|| value["id"].as_str())
                .map_or(Self::Empty, |t| Self::Text(t.into())),
            _ => Self::Empty,
        }
    }
}
