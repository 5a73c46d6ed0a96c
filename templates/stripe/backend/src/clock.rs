//! Time: the wall clock, and calendar arithmetic for billing periods (UTC).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Days since 1970-01-01 → (year, month 1–12, day 1–31). Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `at`'s UTC date as `YYYY-MM-DD` (a charge's `expected_debit_date`).
pub(crate) fn iso_date(at: i64) -> String {
    let (y, m, d) = civil_from_days(at.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `at` as Stripe writes a date in line descriptions: `05 Dec 2026` (UTC).
pub(crate) fn day_label(at: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (y, m, d) = civil_from_days(at.div_euclid(86_400));
    format!("{d:02} {} {y}", MONTHS[(m - 1) as usize])
}

fn days_in_month(y: i64, m: u32) -> u32 {
    asym_kit::calendar::days_in_month(y, m).unwrap_or(31)
}

/// `anchor` plus `n` billing intervals (`day`, `week`, `month`, `year`) of `count` each.
/// Months keep the anchor's day, clamped to the month's end (Jan 31 → Feb 28 → Mar 31).
pub(crate) fn add_intervals(anchor: i64, interval: &str, count: i64, n: i64) -> i64 {
    let steps = count.max(1) * n;
    match interval {
        "day" => anchor + steps * 86_400,
        "week" => anchor + steps * 7 * 86_400,
        "month" | "year" => {
            let months = if interval == "year" {
                steps * 12
            } else {
                steps
            };
            let days = anchor.div_euclid(86_400);
            let secs = anchor.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            let total = y * 12 + i64::from(m - 1) + months;
            let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
            let nd = d.min(days_in_month(ny, nm));
            days_from_civil(ny, nm, nd) * 86_400 + secs
        }
        _ => anchor + steps * 86_400,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_and_keep_the_anchor_day() {
        // 2024-01-31 12:00:00 UTC
        let jan31 = days_from_civil(2024, 1, 31) * 86_400 + 43_200;
        let feb = add_intervals(jan31, "month", 1, 1);
        assert_eq!(civil_from_days(feb / 86_400), (2024, 2, 29));
        let mar = add_intervals(jan31, "month", 1, 2);
        assert_eq!(civil_from_days(mar / 86_400), (2024, 3, 31));
        assert_eq!(mar % 86_400, 43_200);
        let next_year = add_intervals(jan31, "year", 1, 1);
        assert_eq!(civil_from_days(next_year / 86_400), (2025, 1, 31));
    }

    #[test]
    fn dates_read_as_in_stripes_line_descriptions() {
        assert_eq!(day_label(1_764_892_800), "05 Dec 2025");
        assert_eq!(day_label(1_764_979_199), "05 Dec 2025");
    }

    #[test]
    fn days_and_weeks_are_fixed_lengths() {
        assert_eq!(add_intervals(0, "day", 1, 3), 3 * 86_400);
        assert_eq!(add_intervals(0, "week", 2, 1), 14 * 86_400);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
