//! Dates as Notion takes them: ISO 8601 text checked the way Postgres will cast it, and the
//! `{start, end, time_zone}` value of date properties and date mentions.

use serde_json::{Value, json};

use crate::error::{ApiResult, invalid, object_at};

/// A date value `{start, end, time_zone}` checked and filled in.
pub(crate) fn date(value: &Value, path: &str) -> ApiResult<Value> {
    let object = object_at(value, path)?;
    let start = object
        .get("start")
        .and_then(Value::as_str)
        .filter(|s| is_date(s))
        .ok_or_else(|| {
            invalid(
                &format!("{path}.start"),
                "an ISO 8601 date",
                object.get("start").unwrap_or(&Value::Null),
            )
        })?;
    let end = match object.get("end") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(end)) if is_date(end) => end.clone().into(),
        Some(other) => {
            return Err(invalid(
                &format!("{path}.end"),
                "an ISO 8601 date or `null`",
                other,
            ));
        }
    };
    let zone = match object.get("time_zone") {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(zone)) if zone.contains('/') || zone == "UTC" => zone.clone().into(),
        Some(other) => {
            return Err(invalid(
                &format!("{path}.time_zone"),
                "an IANA time zone",
                other,
            ));
        }
    };
    Ok(json!({ "start": start, "end": end, "time_zone": zone }))
}

/// `YYYY-MM-DD` (a real calendar day), optionally followed by `THH:MM[:SS[.fff]]` and `Z`
/// or `±HH:MM`: exactly what Postgres will cast, so a stored or filtered date never fails.
pub(crate) fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    let num = |at: usize, len: usize| -> Option<u32> {
        let digits = b.get(at..at + len)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (num(0, 4), num(5, 2), num(8, 2)) else {
        return false;
    };
    if b[4] != b'-' || b[7] != b'-' || year == 0 {
        return false;
    }
    let Some(days) = asym_kit::calendar::days_in_month(i64::from(year), month) else {
        return false;
    };
    if !(1..=days).contains(&day) {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    let (Some(hour), Some(minute)) = (num(11, 2), num(14, 2)) else {
        return false;
    };
    if b[10] != b'T' || b[13] != b':' || hour > 23 || minute > 59 {
        return false;
    }
    let mut at = 16;
    if b.get(at) == Some(&b':') {
        match num(at + 1, 2) {
            Some(second) if second <= 59 => at += 3,
            _ => return false,
        }
        if b.get(at) == Some(&b'.') {
            let fraction = b[at + 1..]
                .iter()
                .take_while(|d| d.is_ascii_digit())
                .count();
            if fraction == 0 {
                return false;
            }
            at += 1 + fraction;
        }
    }
    match &b[at..] {
        [] | [b'Z'] => true,
        [sign, _, _, b':', _, _] if *sign == b'+' || *sign == b'-' => {
            matches!((num(at + 1, 2), num(at + 4, 2)), (Some(h), Some(m)) if h <= 14 && m <= 59)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        for good in [
            "2024-02-29",
            "2024-01-31",
            "2024-01-31T10:00",
            "2024-01-31T10:00:00Z",
            "2024-01-31T10:00:00.000+02:00",
        ] {
            assert!(is_date(good), "{good}");
        }
        for bad in [
            "2025-02-29",
            "2024-04-31",
            "2024-01-31T24:00",
            "2024-01-31T10:60",
            "2024-01-31T10:00:00.Z",
            "2024-01-31T10:00+2:00",
            "",
            "2024-13-01",
            "2024-1-01",
            "tomorrow",
            "2024-01-31T",
            "2024-01-31T10:00:00X",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }
}
