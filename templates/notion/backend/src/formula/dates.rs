//! Dates in formulas: moving and measuring them in Notion's units, reading ISO 8601 text
//! (`parseDate`, stored values) and writing it (`formatDate`'s tokens, as Notion's are
//! Moment.js's, and the way Notion shows a date as text).

use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Timelike};

use super::value::Val;

/// The units of `dateAdd`, `dateSubtract` and `dateBetween`.
pub(super) const UNITS: [&str; 7] = [
    "years", "quarters", "months", "weeks", "days", "hours", "minutes",
];

/// `at` as the API answers a date: `2025-01-30`, or with its time in UTC.
pub(super) fn iso(at: NaiveDateTime, time: bool) -> String {
    if time {
        at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    } else {
        at.format("%Y-%m-%d").to_string()
    }
}

/// `at` as Notion shows a date in text: `January 30, 2025`, with ` 9:11 AM` for a time.
pub(super) fn shown(at: NaiveDateTime, time: bool) -> String {
    format(
        at,
        if time {
            "MMMM D, YYYY h:mm A"
        } else {
            "MMMM D, YYYY"
        },
    )
}

/// A stored date or timestamp: `2025-01-30`, RFC 3339, or `2025-01-30T09:11`.
pub(super) fn parse_iso(text: &str) -> Option<Val> {
    if text.len() == 10
        && let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
    {
        return Some(Val::date(day.and_hms_opt(0, 0, 0)?, false));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|at| Val::date(at.naive_utc(), true))
        .or_else(|_| {
            NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map(|at| Val::date(at, true))
        })
        .ok()
}

/// Reads `count` digits at the front of `text`.
fn digits(text: &mut &str, count: usize) -> Option<u32> {
    let head = text.get(..count)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *text = &text[count..];
    head.parse().ok()
}

fn skip(text: &mut &str, c: char) -> bool {
    match text.strip_prefix(c) {
        Some(rest) => {
            *text = rest;
            true
        }
        None => false,
    }
}

/// `parseDate`: an ISO 8601 date (`2023`, `2023-07`, `2023-07-29`, `20230729`) with an
/// optional time (`T16:08`, `T1608`, `T16:08:30.5`) and offset (`Z`, `+02:00`, `-0400`),
/// answered in UTC; `None` for anything else.
pub(super) fn parse_date(text: &str) -> Option<Val> {
    let mut rest = text.trim();
    let year = digits(&mut rest, 4)?;
    let dashed = skip(&mut rest, '-');
    let month = digits(&mut rest, 2).unwrap_or(1);
    if dashed {
        skip(&mut rest, '-');
    }
    let day = digits(&mut rest, 2).unwrap_or(1);
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    if rest.is_empty() {
        return Some(Val::date(date.and_hms_opt(0, 0, 0)?, false));
    }
    if !skip(&mut rest, 'T') && !skip(&mut rest, ' ') {
        return None;
    }
    let hour = digits(&mut rest, 2)?;
    skip(&mut rest, ':');
    let minute = digits(&mut rest, 2).unwrap_or(0);
    skip(&mut rest, ':');
    let second = digits(&mut rest, 2).unwrap_or(0);
    if skip(&mut rest, '.') {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let mut at = date.and_hms_opt(hour, minute, second)?;
    if !skip(&mut rest, 'Z') && !rest.is_empty() {
        let sign = match rest.as_bytes()[0] {
            b'+' => -1,
            b'-' => 1,
            _ => return None,
        };
        rest = &rest[1..];
        let hours = digits(&mut rest, 2)?;
        skip(&mut rest, ':');
        let minutes = digits(&mut rest, 2).unwrap_or(0);
        let offset = i64::from(hours * 60 + minutes);
        at = at.checked_add_signed(Duration::try_minutes(sign * offset)?)?;
    }
    rest.is_empty().then_some(Val::date(at, true))
}

/// `at` moved by `amount` `unit`s (negative to go back).
pub(super) fn shift(at: NaiveDateTime, amount: f64, unit: &str) -> Option<NaiveDateTime> {
    if !amount.is_finite() || amount.abs() > 1e9 {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        reason = "a date offset is a whole number, checked to be small above"
    )]
    let n = amount.trunc() as i64;
    let months = |m: i64| {
        let by = Months::new(u32::try_from(m.unsigned_abs()).ok()?);
        if m >= 0 {
            at.checked_add_months(by)
        } else {
            at.checked_sub_months(by)
        }
    };
    match unit {
        "years" => months(n.checked_mul(12)?),
        "quarters" => months(n.checked_mul(3)?),
        "months" => months(n),
        "weeks" => at.checked_add_signed(Duration::try_weeks(n)?),
        "days" => at.checked_add_signed(Duration::try_days(n)?),
        "hours" => at.checked_add_signed(Duration::try_hours(n)?),
        "minutes" => at.checked_add_signed(Duration::try_minutes(n)?),
        _ => None,
    }
}

/// Whole calendar months from `b` to `a`, toward zero (as Moment.js counts them).
fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    let mut months =
        i64::from(a.year() - b.year()) * 12 + i64::from(a.month()) - i64::from(b.month());
    let reached = |m: i64| shift(b, m as f64, "months");
    if a >= b && reached(months).is_some_and(|at| at > a) {
        months -= 1;
    } else if a < b && reached(months).is_some_and(|at| at < a) {
        months += 1;
    }
    months
}

/// `dateBetween(a, b, unit)`: how many whole `unit`s `a` is after `b` (negative before).
pub(super) fn between(a: NaiveDateTime, b: NaiveDateTime, unit: &str) -> Option<f64> {
    let span = a - b;
    #[allow(
        clippy::cast_precision_loss,
        reason = "a count of units between two dates is far below 2^53"
    )]
    Some(match unit {
        "years" => (months_between(a, b) / 12) as f64,
        "quarters" => (months_between(a, b) / 3) as f64,
        "months" => months_between(a, b) as f64,
        "weeks" => span.num_weeks() as f64,
        "days" => span.num_days() as f64,
        "hours" => span.num_hours() as f64,
        "minutes" => span.num_minutes() as f64,
        _ => return None,
    })
}

/// The tokens of [`format`], longest first where one begins another.
const TOKENS: [&str; 37] = [
    "YYYY", "YY", "Y", "Q", "MMMM", "MMM", "MM", "M", "DDDD", "DDD", "Do", "DD", "D", "dddd",
    "ddd", "dd", "d", "E", "WW", "W", "ww", "w", "HH", "H", "hh", "h", "kk", "k", "mm", "m", "ss",
    "s", "SSS", "A", "a", "X", "x",
];

fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn token(at: NaiveDateTime, token: &str) -> String {
    let hour12 = match at.hour() % 12 {
        0 => 12,
        h => h,
    };
    match token {
        "YYYY" | "Y" => at.year().to_string(),
        "YY" => format!("{:02}", at.year().rem_euclid(100)),
        "Q" => ((at.month() - 1) / 3 + 1).to_string(),
        "MMMM" => at.format("%B").to_string(),
        "MMM" => at.format("%b").to_string(),
        "MM" => format!("{:02}", at.month()),
        "M" => at.month().to_string(),
        "DDDD" => format!("{:03}", at.ordinal()),
        "DDD" => at.ordinal().to_string(),
        "Do" => ordinal(at.day()),
        "DD" => format!("{:02}", at.day()),
        "D" => at.day().to_string(),
        "dddd" => at.format("%A").to_string(),
        "ddd" => at.format("%a").to_string(),
        "dd" => at.format("%a").to_string()[..2].to_owned(),
        "d" => at.weekday().num_days_from_sunday().to_string(),
        "E" => at.weekday().number_from_monday().to_string(),
        "WW" | "ww" => format!("{:02}", at.iso_week().week()),
        "W" | "w" => at.iso_week().week().to_string(),
        "HH" => format!("{:02}", at.hour()),
        "H" => at.hour().to_string(),
        "hh" => format!("{hour12:02}"),
        "h" => hour12.to_string(),
        "kk" => format!("{:02}", at.hour() + 1),
        "k" => (at.hour() + 1).to_string(),
        "mm" => format!("{:02}", at.minute()),
        "m" => at.minute().to_string(),
        "ss" => format!("{:02}", at.second()),
        "s" => at.second().to_string(),
        "SSS" => format!("{:03}", at.nanosecond() / 1_000_000),
        "A" => (if at.hour() < 12 { "AM" } else { "PM" }).to_owned(),
        "a" => (if at.hour() < 12 { "am" } else { "pm" }).to_owned(),
        "X" => at.and_utc().timestamp().to_string(),
        _ => at.and_utc().timestamp_millis().to_string(),
    }
}

/// `formatDate(at, pattern)`: Moment.js tokens (`YYYY MMMM D Do dddd HH:mm A` …) replaced,
/// `[text]` and any other character kept as written.
pub(super) fn format(at: NaiveDateTime, pattern: &str) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        if c == '['
            && let Some(end) = rest.find(']')
        {
            out.push_str(&rest[1..end]);
            rest = &rest[end + 1..];
        } else if let Some(found) = TOKENS.into_iter().find(|t| rest.starts_with(t)) {
            out.push_str(&token(at, found));
            rest = &rest[found.len()..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        match parse_date(text) {
            Some(Val::Date(at, None, _)) => at,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn iso_dates_are_read_in_their_forms() {
        for (text, expected) in [
            ("2023", "2023-01-01T00:00:00"),
            ("2023-07", "2023-07-01T00:00:00"),
            ("2023-07-29", "2023-07-29T00:00:00"),
            ("20151021T1608", "2015-10-21T16:08:00"),
            ("2023-07-29T10:30:15Z", "2023-07-29T10:30:15"),
            ("2023-07-29T10:30+02:00", "2023-07-29T08:30:00"),
            ("2023-07-29T10:30-0400", "2023-07-29T14:30:00"),
        ] {
            assert_eq!(
                at(text).format("%Y-%m-%dT%H:%M:%S").to_string(),
                expected,
                "{text}"
            );
        }
        for text in [
            "",
            "july",
            "2023-13-01",
            "2023-02-30",
            "2023-07-29T",
            "2023-07-29X",
        ] {
            assert_eq!(parse_date(text), None, "{text}");
        }
    }

    #[test]
    fn formats_use_moment_tokens() {
        let when = at("2023-08-03T17:05:09Z");
        for (pattern, expected) in [
            ("MMMM D, Y", "August 3, 2023"),
            ("MM/DD/YYYY, HH:mm", "08/03/2023, 17:05"),
            ("dddd Do [of] MMM, h:mm A", "Thursday 3rd of Aug, 5:05 PM"),
            ("YY-M-D ss Q W E d", "23-8-3 09 3 31 4 4"),
        ] {
            assert_eq!(format(when, pattern), expected, "{pattern}");
        }
    }

    #[test]
    fn between_counts_whole_units() {
        let (a, b) = (at("2023-09-07"), at("2022-09-07"));
        assert_eq!(between(b, a, "days"), Some(-365.0));
        assert_eq!(between(a, b, "years"), Some(1.0));
        assert_eq!(
            between(at("2023-03-30"), at("2023-01-31"), "months"),
            Some(1.0)
        );
        assert_eq!(
            between(at("2023-03-31"), at("2023-01-31"), "months"),
            Some(2.0)
        );
        assert_eq!(
            between(at("2023-01-01"), at("2023-03-31"), "quarters"),
            Some(0.0)
        );
        assert_eq!(between(a, b, "fortnights"), None);
    }
}
