//! The functions and operators whose arguments are plain values: text, lists, numbers
//! and dates, as Notion's formula reference describes them. A value of the wrong type
//! gives no value (Notion refuses it when the formula is typed; the clone at run time).

use chrono::{Datelike, Timelike, Utc};

use super::dates;
use super::pattern::Pattern;
use super::value::Val;

/// The longest text `repeat`, `padStart` and `padEnd` make.
const MAX_TEXT: usize = 100_000;

/// `left op right`, for every operator but `and` / `or`.
pub(super) fn binary(op: &str, left: Val, right: Val) -> Val {
    let (l, r) = (left.number(), right.number());
    match op {
        "+" if matches!(left, Val::Text(_)) || matches!(right, Val::Text(_)) => {
            Val::Text(left.text() + &right.text())
        }
        "+" => Val::Number(l + r),
        "-" => Val::Number(l - r),
        "*" => Val::Number(l * r),
        "/" => Val::Number(l / r),
        "%" => Val::Number(l % r),
        "^" => Val::Number(l.powf(r)),
        "==" => Val::Bool(left.same(&right)),
        "!=" => Val::Bool(!left.same(&right)),
        _ => {
            let order = match (&left, &right) {
                (Val::Text(a), Val::Text(b)) => a.partial_cmp(b),
                (Val::Date(a, ..), Val::Date(b, ..)) => a.partial_cmp(b),
                _ => l.partial_cmp(&r),
            };
            Val::Bool(order.is_some_and(|order| match op {
                ">" => order.is_gt(),
                "<" => order.is_lt(),
                ">=" => order.is_ge(),
                _ => order.is_le(),
            }))
        }
    }
}

/// The numbers among `args`, a list's items counted one by one.
fn numbers(args: &[Val]) -> Vec<f64> {
    args.iter()
        .flat_map(Val::items)
        .map(|v| v.number())
        .collect()
}

#[allow(
    clippy::cast_precision_loss,
    reason = "lengths and indexes in formulas are far below 2^53"
)]
fn count(n: usize) -> Val {
    Val::Number(n as f64)
}

/// `n` as an index or length: negative and fractional parts dropped, `None` if not finite.
fn whole(n: f64) -> Option<usize> {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=1e9 before converting"
    )]
    n.is_finite().then(|| n.clamp(0.0, 1e9) as usize)
}

/// `slice`/`substring`'s `start` and `end` over `len` items (a negative counts from the end).
fn span(len: usize, start: &Val, end: Option<&Val>) -> (usize, usize) {
    let place = |v: &Val| {
        let n = v.number();
        let n = if n < 0.0 { n + len as f64 } else { n };
        whole(n).unwrap_or(0).min(len)
    };
    let from = place(start);
    let to = end.map_or(len, place);
    (from, to.max(from))
}

fn text_fn(name: &str, args: &[Val]) -> Option<Val> {
    let text = || args.first().map(Val::text).unwrap_or_default();
    let arg = |i: usize| args.get(i).map(Val::text).unwrap_or_default();
    let pattern = || Pattern::new(&arg(1)).ok();
    Some(match name {
        "lower" => Val::Text(text().to_lowercase()),
        "upper" => Val::Text(text().to_uppercase()),
        "trim" => Val::Text(text().trim().to_owned()),
        "format" | "unstyle" | "style" => Val::Text(text()),
        "link" => Val::Text(text()),
        "test" => Val::Bool(pattern()?.test(&text())),
        "match" => Val::List(
            pattern()?
                .matches(&text())
                .into_iter()
                .map(|found| Val::Text(found.to_owned()))
                .collect(),
        ),
        "replace" | "replaceAll" => {
            Val::Text(pattern()?.replace(&text(), &arg(2), name == "replaceAll"))
        }
        "split" => Val::List(match arg(1).as_str() {
            "" => text().chars().map(|c| Val::Text(c.into())).collect(),
            sep => text().split(sep).map(|t| Val::Text(t.into())).collect(),
        }),
        "substring" => {
            let chars = chars(&text());
            let (a, b) = span(chars.len(), args.get(1)?, args.get(2));
            Val::Text(chars[a..b].iter().collect())
        }
        "repeat" => {
            let times = whole(args.get(1)?.number())?;
            if text().len().saturating_mul(times) > MAX_TEXT {
                return None;
            }
            Val::Text(text().repeat(times))
        }
        "padStart" | "padEnd" => {
            let width = whole(args.get(1)?.number())?;
            if width > MAX_TEXT {
                return None;
            }
            let fill: Vec<char> = arg(2).chars().collect();
            let have = text().chars().count();
            if fill.is_empty() || have >= width {
                return Some(Val::Text(text()));
            }
            let pad: String = fill.iter().cycle().take(width - have).collect();
            Val::Text(if name == "padStart" {
                pad + &text()
            } else {
                text() + &pad
            })
        }
        _ => return None,
    })
}

fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

fn list_fn(name: &str, args: &[Val]) -> Option<Val> {
    let first = args.first()?;
    let items = || first.items();
    Some(match name {
        "at" => {
            let i = args.get(1)?.number();
            let i = if i < 0.0 { i + items().len() as f64 } else { i };
            items().get(whole(i)?).cloned().unwrap_or(Val::Empty)
        }
        "first" => items().first().cloned().unwrap_or(Val::Empty),
        "last" => items().last().cloned().unwrap_or(Val::Empty),
        "slice" if !matches!(first, Val::List(_)) => return text_fn("substring", args),
        "slice" => {
            let (a, b) = span(items().len(), args.get(1)?, args.get(2));
            Val::List(items()[a..b].to_vec())
        }
        "reverse" => Val::List(items().into_iter().rev().collect()),
        "unique" => {
            let mut seen: Vec<Val> = Vec::new();
            for item in items() {
                if !seen.iter().any(|s| s.same(&item)) {
                    seen.push(item);
                }
            }
            Val::List(seen)
        }
        "includes" if !matches!(first, Val::List(_)) => {
            Val::Bool(first.text().contains(&args.get(1)?.text()))
        }
        "includes" => Val::Bool(items().iter().any(|item| item.same(&args[1]))),
        "flat" => Val::List(items().iter().flat_map(Val::items).collect()),
        "join" => match (first, args.get(1)) {
            (Val::List(list), Some(sep)) => Val::Text(
                list.iter()
                    .map(Val::text)
                    .collect::<Vec<_>>()
                    .join(&sep.text()),
            ),
            // Notion's first formulas: `join(separator, text, …)`.
            _ => Val::Text(
                args[1..]
                    .iter()
                    .map(Val::text)
                    .collect::<Vec<_>>()
                    .join(&first.text()),
            ),
        },
        "concat" if args.iter().any(|a| matches!(a, Val::List(_))) => {
            Val::List(args.iter().flat_map(Val::items).collect())
        }
        "concat" => Val::Text(args.iter().map(Val::text).collect()),
        "length" => match first {
            Val::List(list) => count(list.len()),
            other => count(other.text().chars().count()),
        },
        "contains" => match first {
            Val::List(list) => Val::Bool(list.iter().any(|item| item.same(&args[1]))),
            other => Val::Bool(other.text().contains(&args.get(1)?.text())),
        },
        _ => return None,
    })
}

fn number_fn(name: &str, args: &[Val]) -> Option<Val> {
    let n = || args.first().map_or(f64::NAN, Val::number);
    let all = || numbers(args);
    Some(Val::Number(match name {
        "toNumber" => match args.first()? {
            Val::Date(at, ..) => at.and_utc().timestamp_millis() as f64,
            other => other.number(),
        },
        "abs" => n().abs(),
        "round" => {
            let scale = 10f64.powf(args.get(1).map_or(0.0, Val::number));
            (n() * scale).round() / scale
        }
        "floor" => n().floor(),
        "ceil" => n().ceil(),
        "sqrt" => n().sqrt(),
        "cbrt" => n().cbrt(),
        "exp" => n().exp(),
        "ln" => n().ln(),
        "log10" => n().log10(),
        "log2" => n().log2(),
        "sign" => {
            let n = n();
            if n == 0.0 { 0.0 } else { n.signum() }
        }
        "pi" => std::f64::consts::PI,
        "e" => std::f64::consts::E,
        "mod" => n() % args.get(1)?.number(),
        "pow" => n().powf(args.get(1)?.number()),
        "min" => all().into_iter().fold(f64::INFINITY, f64::min),
        "max" => all().into_iter().fold(f64::NEG_INFINITY, f64::max),
        "sum" => all().into_iter().sum(),
        "mean" => {
            let all = all();
            all.iter().sum::<f64>() / all.len() as f64
        }
        "median" => {
            let mut all = all();
            all.sort_by(f64::total_cmp);
            let mid = all.len() / 2;
            match all.len() {
                0 => f64::NAN,
                len if len.is_multiple_of(2) => f64::midpoint(all[mid - 1], all[mid]),
                _ => all[mid],
            }
        }
        _ => return None,
    }))
}

fn date_fn(name: &str, args: &[Val]) -> Option<Val> {
    let first = args.first().cloned().unwrap_or(Val::Empty);
    let unit = || args.get(2).map(Val::text).unwrap_or_default();
    if let Some(value) = match name {
        "now" => Some(Val::date(Utc::now().naive_utc(), true)),
        "today" => Some(Val::date(
            Utc::now().date_naive().and_time(Default::default()),
            false,
        )),
        "parseDate" => dates::parse_date(&first.text()),
        "fromTimestamp" => chrono::DateTime::from_timestamp_millis(whole_millis(first.number())?)
            .map(|at| Val::date(at.naive_utc(), true)),
        "dateRange" => match (&first, args.get(1)?) {
            (Val::Date(start, _, a), Val::Date(end, _, b)) => {
                Some(Val::Date(*start, Some(*end), *a || *b))
            }
            _ => None,
        },
        _ => None,
    } {
        return Some(value);
    }
    let Val::Date(start, end, time) = first else {
        return None;
    };
    let at = |part: u32| Some(Val::Number(f64::from(part)));
    match name {
        "dateAdd" | "dateSubtract" => {
            let sign = if name == "dateAdd" { 1.0 } else { -1.0 };
            dates::shift(start, sign * args.get(1)?.number(), &unit())
                .map(|moved| Val::date(moved, time))
        }
        "dateBetween" => match args.get(1)? {
            Val::Date(other, ..) => dates::between(start, *other, &unit()).map(Val::Number),
            _ => None,
        },
        "dateStart" => Some(Val::date(start, time)),
        "dateEnd" => Some(Val::date(end.unwrap_or(start), time)),
        "formatDate" => Some(Val::Text(match args.get(1) {
            Some(pattern) => dates::format(start, &pattern.text()),
            None => dates::shown(start, false),
        })),
        "timestamp" => Some(Val::Number(start.and_utc().timestamp_millis() as f64)),
        "year" => Some(Val::Number(f64::from(start.year()))),
        "month" => at(start.month()),
        "week" => at(start.iso_week().week()),
        "date" => at(start.day()),
        "day" => at(start.weekday().number_from_monday()),
        "hour" => at(start.hour()),
        "minute" => at(start.minute()),
        _ => None,
    }
}

fn whole_millis(n: f64) -> Option<i64> {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "checked to be within chrono's range of milliseconds first"
    )]
    (n.is_finite() && n.abs() < 8.0e15).then(|| n.trunc() as i64)
}

/// `name(args…)` for the functions that take plain values; no value when an argument is
/// of the wrong type.
pub(super) fn call(name: &str, args: &[Val]) -> Val {
    match name {
        "not" => Val::Bool(!args[0].truthy()),
        "empty" => Val::Bool(args[0].is_empty()),
        "equal" => Val::Bool(args[0].same(&args[1])),
        "unequal" => Val::Bool(!args[0].same(&args[1])),
        _ => text_fn(name, args)
            .or_else(|| list_fn(name, args))
            .or_else(|| number_fn(name, args))
            .or_else(|| date_fn(name, args))
            .unwrap_or(Val::Empty),
    }
}
