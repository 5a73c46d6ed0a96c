//! Search (`GET /search/…`), answered `{total_count, incomplete_results, items}` with each
//! item's `score` and a `Link` header: issues and pull requests, repositories (`issues`),
//! users and labels (`people`), commits and code on default branches (`git`). This module
//! reads `q` (words, `key:value` qualifiers, ranges) and builds the answer.
//!
//! | route | module |
//! |---|---|
//! | `GET /search/issues`, `GET /search/repositories` | `issues` |
//! | `GET /search/users`, `GET /search/labels` | `people` |
//! | `GET /search/commits`, `GET /search/code` | `git` |

pub(crate) mod git;
pub(crate) mod issues;
pub(crate) mod people;

use asym_kit::Kit;
use asym_kit::tokio_postgres::types::ToSql;
use axum::response::Response;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::issues::Filter;
use crate::req::{self, Listing, Query};
use crate::time;

/// Splits `q` into words, keeping `"quoted phrases"` (and `label:"two words"`) whole.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// One word of `q`: a qualifier (`repo:acme/app`) or a bare word.
struct Term {
    /// The qualifier before the colon, lowercased (`repo`); empty for a bare word.
    key: String,
    /// What follows the colon; the whole word when there is none.
    value: String,
    /// The whole word, as sent.
    word: String,
}

/// The terms of the request's `q` (422 `missing` without one).
fn terms(query: &Query) -> ApiResult<Vec<Term>> {
    let q = query
        .get("q")
        .ok_or_else(|| ApiError::validation("Search", "q", "missing"))?;
    Ok(tokens(q)
        .into_iter()
        .map(|word| {
            let (key, value) = word.split_once(':').unwrap_or(("", &word));
            Term {
                key: key.to_lowercase(),
                value: value.to_owned(),
                word,
            }
        })
        .collect())
}

/// The search answer around `items` (a JSON array's text) of `total` matches, with the `Link`
/// header of the page `query` asks for of the search at `path`; `extra` adds fields (the
/// issue search's `search_type`).
fn answer(kit: &Kit, path: &str, query: &Query, total: i64, items: &str, extra: Value) -> Response {
    let items: Value = serde_json::from_str(items).unwrap_or(Value::Array(Vec::new()));
    let mut body = json!({ "total_count": total, "incomplete_results": false, "items": items });
    if let (Value::Object(body), Value::Object(extra)) = (&mut body, extra) {
        body.extend(extra);
    }
    let base = &kit.config().public_url;
    req::paged(base, path, query, total, body.to_string())
}

/// 422 `invalid` on `q`: a qualifier the clone does not read that way.
fn invalid_q() -> ApiError {
    ApiError::validation("Search", "q", "invalid")
}

/// `order` as SQL: `desc` (GitHub's default) or `asc`; 422 otherwise.
fn direction(query: &Query) -> ApiResult<&'static str> {
    match query.get("order").unwrap_or("desc") {
        "asc" => Ok("ASC"),
        "desc" => Ok("DESC"),
        _ => Err(ApiError::validation("Search", "order", "invalid")),
    }
}

/// `word` as an `ILIKE` operand matching it anywhere (`%` and `_` taken as themselves).
fn anywhere(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The columns an `in:` qualifier's `value` names (`title,body`), through `columns` (each
/// qualifier word, in lower case, with its column); words it does not know are passed over.
fn in_columns(value: &str, columns: &[(&str, &'static str)]) -> Vec<&'static str> {
    value
        .split(',')
        .filter_map(|word| {
            let word = word.to_lowercase();
            columns
                .iter()
                .find(|(name, _)| *name == word)
                .map(|(_, column)| *column)
        })
        .collect()
}

/// Requires each of `words` in the text of `fields` (`default` when none are chosen), any
/// of them, ignoring case.
fn words_in(filter: &mut Filter, fields: &[&str], default: &[&str], words: Vec<String>) {
    let fields = if fields.is_empty() { default } else { fields };
    let haystack = fields
        .iter()
        .map(|f| format!("coalesce({f}, '')"))
        .collect::<Vec<_>>()
        .join(" || ' ' || ");
    for word in words {
        filter.add(&format!("({haystack}) ILIKE ?"), anywhere(&word));
    }
}

/// The page of rows `listing` selects through `filter` (its parameters first, then `text`
/// when given, which `listing.item` names `$T`), with the number of matches.
async fn select(
    kit: &Kit,
    query: &Query,
    filter: &Filter,
    listing: &Listing<'_>,
    text: Option<String>,
) -> ApiResult<(i64, String)> {
    let n = filter.params.len();
    let item = listing.item.replace("$T", &format!("${}", n + 1));
    let where_ = filter.sql();
    let sql = Listing {
        item: &item,
        filter: &where_,
        ..*listing
    }
    .sql(n + usize::from(text.is_some()));
    let page = query.page();
    let (limit, offset) = (page.limit(), page.offset());
    let mut params: Vec<&(dyn ToSql + Sync)> = filter
        .params
        .iter()
        .map(|p| p.as_ref() as &(dyn ToSql + Sync))
        .collect();
    if let Some(text) = &text {
        params.push(text);
    }
    params.extend([&limit as &(dyn ToSql + Sync), &offset]);
    let client = kit.db().await?;
    let row = client.query_one(&sql, &params).await?;
    Ok((row.get(0), row.get(1)))
}

/// A range qualifier's bounds (`repos:>5`, `created:2024-01-01..2024-02-01`,
/// `committer-date:<=2024-01-01`, `followers:10..*`), over numbers or Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    /// The least value that matches.
    low: Option<i64>,
    /// The greatest value that matches.
    high: Option<i64>,
}

impl Range {
    /// Reads `value` with `bounds`, which gives the first and last value one operand covers
    /// (a number covers itself, a bare date its whole day); `None` when it does not read.
    fn parse(value: &str, bounds: fn(&str) -> Option<(i64, i64)>) -> Option<Self> {
        let open = |side: &str| -> Option<Option<(i64, i64)>> {
            if side == "*" {
                Some(None)
            } else {
                bounds(side).map(Some)
            }
        };
        if let Some((from, to)) = value.split_once("..") {
            let (from, to) = (open(from)?, open(to)?);
            return Some(Self {
                low: from.map(|(first, _)| first),
                high: to.map(|(_, last)| last),
            });
        }
        let (low, high) = if let Some(v) = value.strip_prefix(">=") {
            (Some(bounds(v)?.0), None)
        } else if let Some(v) = value.strip_prefix("<=") {
            (None, Some(bounds(v)?.1))
        } else if let Some(v) = value.strip_prefix('>') {
            (Some(bounds(v)?.1.checked_add(1)?), None)
        } else if let Some(v) = value.strip_prefix('<') {
            (None, Some(bounds(v)?.0.checked_sub(1)?))
        } else {
            let (first, last) = bounds(value)?;
            (Some(first), Some(last))
        };
        Some(Self { low, high })
    }

    /// A count's range (`repos:>5`); 422 when it does not read.
    fn count(value: &str) -> ApiResult<Self> {
        Self::parse(value, |v| v.parse().ok().map(|n| (n, n))).ok_or_else(invalid_q)
    }

    /// A date's range (`created:>2024-01-01`), in Unix seconds; 422 when it does not read.
    fn date(value: &str) -> ApiResult<Self> {
        Self::parse(value, |v| {
            let start = time::parse(v)?;
            let day = if v.trim().len() == 10 { 86_399 } else { 0 };
            Some((start, start + day))
        })
        .ok_or_else(invalid_q)
    }

    /// Whether `value` is in the range.
    fn holds(self, value: i64) -> bool {
        self.low.is_none_or(|low| value >= low) && self.high.is_none_or(|high| value <= high)
    }

    /// Adds the range's conditions on the SQL expression `expr` (a `bigint`) to `filter`.
    fn restrict(self, filter: &mut Filter, expr: &str) {
        if let Some(low) = self.low {
            filter.add(&format!("{expr} >= ?"), low);
        }
        if let Some(high) = self.high {
            filter.add(&format!("{expr} <= ?"), high);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_read_github_forms() {
        let count = |v| Range::count(v).ok();
        let r = |low, high| Some(Range { low, high });
        assert_eq!(count("5"), r(Some(5), Some(5)));
        assert_eq!(count(">5"), r(Some(6), None));
        assert_eq!(count(">=5"), r(Some(5), None));
        assert_eq!(count("<5"), r(None, Some(4)));
        assert_eq!(count("<=5"), r(None, Some(5)));
        assert_eq!(count("2..*"), r(Some(2), None));
        assert_eq!(count("*..3"), r(None, Some(3)));
        assert_eq!(count("many"), None);
        let day = Range::date("2023-11-14").expect("a bare date reads");
        assert!(day.holds(1_700_000_000) && !day.holds(1_700_006_400));
        let after = Range::date(">2023-11-14").expect("a lower bound reads");
        assert!(!after.holds(1_700_000_000) && after.holds(1_700_006_400));
        assert!(
            Range::date("2023-11-14..2023-11-15")
                .expect("a span reads")
                .holds(1_700_000_000)
        );
    }

    #[test]
    fn terms_split_qualifiers_from_words() {
        let query = Query::parse(Some("q=Repo:acme/app+label:%22good+first%22+crash"));
        let parsed = terms(&query).expect("a q with words is read");
        let read: Vec<_> = parsed
            .iter()
            .map(|t| (t.key.as_str(), t.value.as_str(), t.word.as_str()))
            .collect();
        assert_eq!(
            read,
            [
                ("repo", "acme/app", "Repo:acme/app"),
                ("label", "good first", "label:good first"),
                ("", "crash", "crash"),
            ]
        );
        assert!(terms(&Query::parse(Some("q="))).is_err());
    }
}
