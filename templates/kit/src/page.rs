//! `page`/`per_page` pagination with RFC 8288 `Link` headers, as GitHub (and many REST APIs)
//! answer it:
//!
//! ```text
//! Link: <http://127.0.0.1:3000/repos/acme/app/issues?state=all&per_page=30&page=2>; rel="next",
//!       <http://127.0.0.1:3000/repos/acme/app/issues?state=all&per_page=30&page=4>; rel="last"
//! ```

use crate::form::encode;

/// Which page a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// 1-based page number.
    pub page: u64,
    /// Items per page.
    pub per_page: u64,
}

impl PageRequest {
    /// Reads `page` and `per_page` from decoded query pairs. A missing, unparsable or
    /// non-positive value takes the default (page 1, `default_per_page`); `per_page` above
    /// `max_per_page` is lowered to it. This is GitHub's documented leniency.
    pub fn from_query(
        pairs: &[(String, String)],
        default_per_page: u64,
        max_per_page: u64,
    ) -> Self {
        let number = |name: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == name)
                .and_then(|(_, value)| value.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
        };
        Self {
            page: number("page").unwrap_or(1),
            per_page: number("per_page")
                .unwrap_or(default_per_page)
                .min(max_per_page),
        }
    }

    /// Rows to skip (saturating, for SQL `OFFSET`).
    pub fn offset(&self) -> i64 {
        i64::try_from((self.page - 1).saturating_mul(self.per_page)).unwrap_or(i64::MAX)
    }

    /// Rows to take (for SQL `LIMIT`).
    pub fn limit(&self) -> i64 {
        i64::try_from(self.per_page).unwrap_or(i64::MAX)
    }

    /// The last page when there are `total` items (at least 1).
    pub fn last_page(&self, total: u64) -> u64 {
        total.div_ceil(self.per_page).max(1)
    }
}

/// The `Link` header for `page` of `total` items at `url` (absolute, without a query),
/// keeping the request's other query pairs; `None` when everything fits on one page.
///
/// Relations come in GitHub's order: `prev`, `next`, `last`, `first`.
pub fn link_header(
    url: &str,
    query: &[(String, String)],
    page: PageRequest,
    total: u64,
) -> Option<String> {
    let last = page.last_page(total);
    if last <= 1 && page.page <= 1 {
        return None;
    }
    let kept: Vec<String> = query
        .iter()
        .filter(|(key, _)| key != "page" && key != "per_page")
        .map(|(key, value)| format!("{}={}", encode(key), encode(value)))
        .collect();
    let target = |number: u64| {
        let mut pairs = kept.clone();
        pairs.push(format!("per_page={}", page.per_page));
        pairs.push(format!("page={number}"));
        format!("<{url}?{}>", pairs.join("&"))
    };
    let mut links = Vec::new();
    if page.page > 1 {
        links.push(format!(
            "{}; rel=\"prev\"",
            target((page.page - 1).min(last))
        ));
    }
    if page.page < last {
        links.push(format!("{}; rel=\"next\"", target(page.page + 1)));
        links.push(format!("{}; rel=\"last\"", target(last)));
    }
    if page.page > 1 {
        links.push(format!("{}; rel=\"first\"", target(1)));
    }
    Some(links.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_caps_and_bad_values() {
        assert_eq!(
            PageRequest::from_query(&q(&[]), 30, 100),
            PageRequest {
                page: 1,
                per_page: 30
            }
        );
        let page = PageRequest::from_query(&q(&[("per_page", "500"), ("page", "3")]), 30, 100);
        assert_eq!(
            page,
            PageRequest {
                page: 3,
                per_page: 100
            }
        );
        assert_eq!(page.offset(), 200);
        let page = PageRequest::from_query(&q(&[("per_page", "x"), ("page", "0")]), 30, 100);
        assert_eq!(
            page,
            PageRequest {
                page: 1,
                per_page: 30
            }
        );
    }

    #[test]
    fn links_on_first_middle_and_last_pages() {
        let url = "http://127.0.0.1:3000/repos/acme/app/issues";
        let query = q(&[("state", "all"), ("page", "1")]);
        assert_eq!(
            link_header(
                url,
                &query,
                PageRequest {
                    page: 1,
                    per_page: 30
                },
                30
            ),
            None
        );
        let first = link_header(
            url,
            &query,
            PageRequest {
                page: 1,
                per_page: 30,
            },
            95,
        )
        .unwrap();
        assert_eq!(
            first,
            "<http://127.0.0.1:3000/repos/acme/app/issues?state=all&per_page=30&page=2>; rel=\"next\", \
             <http://127.0.0.1:3000/repos/acme/app/issues?state=all&per_page=30&page=4>; rel=\"last\""
        );
        let middle = link_header(
            url,
            &query,
            PageRequest {
                page: 2,
                per_page: 30,
            },
            95,
        )
        .unwrap();
        let rels: Vec<&str> = middle
            .split(", ")
            .map(|l| l.rsplit("rel=").next().unwrap())
            .collect();
        assert_eq!(rels, ["\"prev\"", "\"next\"", "\"last\"", "\"first\""]);
        let last = link_header(
            url,
            &query,
            PageRequest {
                page: 4,
                per_page: 30,
            },
            95,
        )
        .unwrap();
        assert!(
            last.contains("page=3>; rel=\"prev\"") && !last.contains("next"),
            "{last}"
        );
    }

    #[test]
    fn other_query_values_are_escaped() {
        let link = link_header(
            "http://x/search/issues",
            &q(&[("q", "repo:acme/app is:open")]),
            PageRequest {
                page: 1,
                per_page: 1,
            },
            2,
        )
        .unwrap();
        assert!(link.contains("q=repo%3Aacme%2Fapp%20is%3Aopen"), "{link}");
    }
}
