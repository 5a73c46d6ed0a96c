//! Bounds on the integers a request sends: amounts (Stripe's eight digits), a line's amount,
//! counts, days and timestamps, refused by name before any sum or product of them is made,
//! so that no arithmetic on what a client sends can overflow.

use serde_json::Value;

use crate::error::{ApiError, ApiResult, MAX_AMOUNT};
use crate::params::{Params, at_least, int_at};

impl Params {
    /// An integer parameter within `range` ([`int_within`]).
    pub(crate) fn int_within(&self, key: &str, range: (i64, i64)) -> ApiResult<Option<i64>> {
        int_within(self.0.get(key), key, range)
    }

    /// An amount parameter of at least `min` ([`amount_at`]).
    pub(crate) fn amount(&self, key: &str, min: i64) -> ApiResult<Option<i64>> {
        amount_at(self.0.get(key), key, min)
    }

    /// A Unix timestamp parameter ([`timestamp_at`]).
    pub(crate) fn timestamp(&self, key: &str) -> ApiResult<Option<i64>> {
        timestamp_at(self.0.get(key), key)
    }
}

/// [`at_least`] in the form recorded for `limit`, naming the value sent:
/// "This value must be greater than or equal to 1 (it currently is '0').".
pub(crate) fn at_least_was(param: &str, min: i64, value: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_param(
        param,
        format!("This value must be greater than or equal to {min} (it currently is '{value}')."),
    )
    .code("parameter_invalid_integer")
}

/// Stripe's refusal of an integer `param`, `value`, above `max` (in the form recorded for
/// `limit`: "This value must be less than or equal to 100 (it currently is '101').").
pub(crate) fn at_most(param: &str, max: i64, value: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_param(
        param,
        format!("This value must be less than or equal to {max} (it currently is '{value}')."),
    )
    .code("parameter_invalid_integer")
}

/// An integer inside a nested value within `min..=max`, refused as Stripe words it
/// ([`at_least`], [`at_most`]).
pub(crate) fn int_within(
    value: Option<&Value>,
    name: &str,
    (min, max): (i64, i64),
) -> ApiResult<Option<i64>> {
    match int_at(value, name)? {
        Some(n) if n < min => Err(at_least(name, min)),
        Some(n) if n > max => Err(at_most(name, max, n)),
        n => Ok(n),
    }
}

/// An amount in the currency's smallest unit inside a nested value: at least `min` (0, 1, or
/// `-MAX_AMOUNT` where a credit is negative) and at most [`MAX_AMOUNT`], Stripe's eight digits.
/// Every sum and product of amounts the clone computes starts from these, so none can overflow.
pub(crate) fn amount_at(value: Option<&Value>, name: &str, min: i64) -> ApiResult<Option<i64>> {
    int_within(value, name, (min, MAX_AMOUNT))
}

/// A line's amount, `unit` × `quantity`: above [`MAX_AMOUNT`] it is refused as
/// `amount_too_large` naming `param` (its quantity), as one payment could not collect it.
pub(crate) fn line_amount(unit: i64, quantity: i64, param: &str) -> ApiResult<i64> {
    unit.checked_mul(quantity)
        .filter(|amount| amount.abs() <= MAX_AMOUNT)
        .ok_or_else(|| ApiError::too_large(param))
}

/// Most days an invoice may give before it is due (the clone's bound, a century: Stripe
/// publishes none).
pub(crate) const MAX_DAYS_UNTIL_DUE: i64 = 36_500;

/// Most months a repeating coupon may last (the clone's bound, a century, as
/// [`MAX_DAYS_UNTIL_DUE`]).
pub(crate) const MAX_MONTHS: i64 = 1200;

/// The largest `next_invoice_sequence` (the clone's bound, so that counting on from it cannot
/// overflow; Stripe publishes none).
pub(crate) const MAX_INVOICE_SEQUENCE: i64 = 1_000_000_000;

/// The longest trial, in days: Stripe's two years.
pub(crate) const MAX_TRIAL_DAYS: i64 = 730;

/// Latest timestamp a parameter may carry: 9999-12-31T23:59:59Z (the clone's bound, so that
/// periods and intervals counted from it stay inside an `i64`).
pub(crate) const MAX_TIMESTAMP: i64 = 253_402_300_799;

/// A Unix timestamp inside a nested value, at most [`MAX_TIMESTAMP`] and not negative.
pub(crate) fn timestamp_at(value: Option<&Value>, name: &str) -> ApiResult<Option<i64>> {
    int_within(value, name, (0, MAX_TIMESTAMP))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_refuse_before_arithmetic_could_overflow() {
        let value = |s: &str| Some(Value::String(s.to_owned()));
        let code = |r: ApiResult<Option<i64>>| r.unwrap_err().code_str().map(str::to_owned);
        assert_eq!(
            amount_at(value("99999999").as_ref(), "a", 0).unwrap(),
            Some(99_999_999)
        );
        for sent in [
            "100000000",
            "9223372036854775807",
            "-1",
            "9223372036854775808",
        ] {
            let refused = code(amount_at(value(sent).as_ref(), "a", 0));
            assert_eq!(
                refused.as_deref(),
                Some("parameter_invalid_integer"),
                "{sent}"
            );
        }
        assert_eq!(line_amount(2_000, 49_999, "q").unwrap(), 99_998_000);
        for (unit, quantity) in [(2_000, 50_000), (MAX_AMOUNT, i64::MAX), (-MAX_AMOUNT, 2)] {
            let refused = line_amount(unit, quantity, "q").unwrap_err();
            assert_eq!(
                refused.code_str(),
                Some("amount_too_large"),
                "{unit} × {quantity}"
            );
        }
        assert_eq!(line_amount(0, i64::MAX, "q").unwrap(), 0);
    }
}
