//! ISO 8601 timestamps as GitHub writes them (`2023-11-14T22:13:20Z`), for the times that
//! live in git objects rather than in Postgres columns.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    Utc::now().timestamp()
}

/// `secs` as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn iso(secs: i64) -> String {
    utc(secs).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `secs` as an HTTP date (`Tue, 14 Nov 2023 22:13:20 GMT`), for `Last-Modified`.
pub(crate) fn http_date(secs: i64) -> String {
    utc(secs).format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `secs` as an instant (the epoch when out of chrono's range of ±262,000 years).
fn utc(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// Parses `YYYY-MM-DDTHH:MM:SS` with `Z`, an offset, or nothing (UTC), or a bare date.
pub(crate) fn parse(text: &str) -> Option<i64> {
    let text = text.trim();
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if text.get(4..5)? != "-"
        || text.get(7..8)? != "-"
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    // Day 1 of the month, then `day - 1` days on: days past the month's end roll over.
    let first = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, u32::try_from(month).ok()?, 1)?;
    let mut secs = first.and_time(NaiveTime::MIN).and_utc().timestamp() + (day - 1) * 86_400;
    if text.len() == 10 {
        return Some(secs);
    }
    if !matches!(text.get(10..11)?, "T" | " ") || text.get(13..14)? != ":" {
        return None;
    }
    let (hour, minute) = (num(11..13)?, num(14..16)?);
    let second = if text.get(16..17) == Some(":") {
        num(17..19)?
    } else {
        0
    };
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    secs += hour * 3600 + minute * 60 + second;
    let zone = text
        .get(19..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    match zone {
        "" | "Z" | "z" => Some(secs),
        offset if offset.len() >= 6 => {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let hours = offset.get(1..3)?.parse::<i64>().ok()?;
            let minutes = offset.get(4..6)?.parse::<i64>().ok()?;
            Some(secs - sign * (hours * 3600 + minutes * 60))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(iso(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(parse("2023-11-14T22:13:20Z"), Some(1_700_000_000));
        assert_eq!(parse("2023-11-14T23:13:20+01:00"), Some(1_700_000_000));
        assert_eq!(parse("2023-11-14"), Some(1_699_920_000));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(http_date(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 GMT");
        assert_eq!(parse("2024-02-30T00:00:00Z"), parse("2024-03-01T00:00:00Z"));
        assert_eq!(iso(-1), "1969-12-31T23:59:59Z");
    }
}
