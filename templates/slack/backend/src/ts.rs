//! Slack message timestamps (`ts`): seconds with six decimals, `"1700000000.000100"`, which
//! double as message ids within a channel.

use std::fmt;

/// Largest whole-seconds part a `ts` may have (ten digits, what `numeric(16,6)` holds).
const MAX_SECONDS: i64 = 9_999_999_999;

/// A `ts`, held as microseconds since the epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ts(i64);

impl Ts {
    /// Parses `1700000000`, `1700000000.1` or `1700000000.000100` (digits beyond the sixth
    /// decimal are dropped, as Slack's own parsing of float-formatted values does).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let (seconds, fraction) = text.split_once('.').unwrap_or((text, ""));
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if seconds.is_empty() || seconds.len() > 10 || !all_digits(seconds) || !all_digits(fraction)
        {
            return None;
        }
        let seconds: i64 = seconds.parse().ok()?;
        let mut micros = 0i64;
        for digit in fraction.bytes().chain(std::iter::repeat(b'0')).take(6) {
            micros = micros * 10 + i64::from(digit - b'0');
        }
        (seconds <= MAX_SECONDS).then_some(Self(seconds * 1_000_000 + micros))
    }

    /// The digits of the `ts` without its dot, as Slack's history cursors spell it
    /// (`next_ts:1512085861000543`).
    pub(crate) fn to_cursor_digits(self) -> String {
        self.0.to_string()
    }

    /// The `ts` one microsecond later: the smallest `ts` after this one.
    pub(crate) fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }

    /// The `ts` one microsecond earlier (the largest before this one), if not before the
    /// epoch.
    pub(crate) fn prev(self) -> Option<Self> {
        (self.0 > 0).then(|| Self(self.0 - 1))
    }

    /// Reads [`Ts::to_cursor_digits`] back.
    pub(crate) fn from_cursor_digits(digits: &str) -> Option<Self> {
        if digits.is_empty() || digits.len() > 16 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Self)
    }
}

/// The wall clock in whole seconds (for fields such as `cache_ts`; never for ids or `ts`,
/// which come from the database).
pub(crate) fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// An `event_ts` for an event that is not a message: the wall clock with microseconds.
pub(crate) fn event_ts() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!("{}.{:06}", now.as_secs(), now.subsec_micros())
}

impl fmt::Display for Ts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:06}", self.0 / 1_000_000, self.0 % 1_000_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_slack() {
        assert_eq!(Ts(1_700_000_000_000_100).to_string(), "1700000000.000100");
        assert_eq!(Ts(0).to_string(), "0.000000");
    }

    #[test]
    fn parses_every_spelling_clients_send() {
        let cases = [
            ("1700000000.000100", "1700000000.000100"),
            ("1700000000", "1700000000.000000"),
            ("1700000000.1", "1700000000.100000"),
            ("1602251441.0017", "1602251441.001700"),
            ("1700000000.1234567", "1700000000.123456"),
            ("0", "0.000000"),
            (" 1700000000.5 ", "1700000000.500000"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                Ts::parse(input).map(|ts| ts.to_string()).as_deref(),
                Some(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_ts() {
        for bad in [
            "",
            ".5",
            "abc",
            "-1",
            "1.2.3",
            "1e9",
            "17000000000",
            "1700000000.x",
        ] {
            assert_eq!(Ts::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn cursor_digits_round_trip() {
        let ts = Ts::parse("1512085861.000543").unwrap();
        assert_eq!(ts.to_cursor_digits(), "1512085861000543");
        assert_eq!(Ts::from_cursor_digits("1512085861000543"), Some(ts));
        assert_eq!(Ts::from_cursor_digits("15x"), None);
        assert_eq!(Ts::from_cursor_digits(""), None);
    }
}
