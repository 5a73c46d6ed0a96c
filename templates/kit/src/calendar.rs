//! Calendar days as the products write them (`YYYY-MM-DD`): which ones exist, so that a date
//! is checked before Postgres is asked to cast it (a cast that fails would fail the request).

/// The number of days in `month` (1–12) of `year` (proleptic Gregorian); `None` for a month
/// that does not exist.
pub fn days_in_month(year: i64, month: u32) -> Option<u32> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if leap => Some(29),
        2 => Some(28),
        _ => None,
    }
}

/// Whether `text` is exactly `YYYY-MM-DD` naming a day that exists, in year 1 or later.
pub fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let number = |at: std::ops::Range<usize>| {
        b[at.clone()]
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| text[at].parse::<u32>().ok())
            .flatten()
    };
    match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            year > 0
                && days_in_month(i64::from(year), month)
                    .is_some_and(|days| (1..=days).contains(&day))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_calendar_days_are_days() {
        for day in ["2024-02-29", "2000-02-29", "2023-12-31", "2023-01-01"] {
            assert!(is_day(day), "{day}");
        }
        for day in [
            "1900-02-29",
            "2023-02-29",
            "2023-02-30",
            "2023-13-01",
            "2023-00-10",
            "2023-04-31",
            "0000-01-01",
            "2023-1-01",
            "2023-01-1x",
            "+023-01-01",
        ] {
            assert!(!is_day(day), "{day}");
        }
    }

    #[test]
    fn months_have_their_lengths() {
        assert_eq!(days_in_month(2024, 2), Some(29));
        assert_eq!(days_in_month(2100, 2), Some(28));
        assert_eq!(days_in_month(2023, 9), Some(30));
        assert_eq!(days_in_month(2023, 13), None);
    }
}
