//! Lists of stored objects: a page by the request's `limit` and cursors (the stored JSON
//! spliced in unparsed when nothing reshapes it), a page of an embedded list, and the filters
//! and parameters list routes share.

use serde_json::{Value, json};

use super::{Cx, Filter, HIDDEN, RAW_DATA, parse};
use crate::db::Arg;
use crate::error::{ApiError, ApiResult};

impl Cx<'_> {
    /// Every live object of `kind` matching `filters`, newest first (no paging).
    pub(crate) async fn all(&self, kind: &str, filters: &[Filter]) -> ApiResult<Vec<Value>> {
        let (sql, args) = select(kind, filters, "", "ORDER BY created DESC, seq DESC");
        let refs: Vec<Arg<'_>> = args.iter().map(|a| a as _).collect();
        let rows = self.tx.query(&sql, &refs).await?;
        rows.iter().map(|r| parse(r.get(0))).collect()
    }

    /// A Stripe list of `kind` filtered by `filters`, paged by the request's `limit`,
    /// `starting_after` and `ending_before`, as `{object:"list",data,has_more,url}`.
    pub(crate) async fn list(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
    ) -> ApiResult<Value> {
        let url = self.path.clone();
        self.list_at(kind, noun, filters, &url).await
    }

    /// [`Cx::list`] with an explicit `url`.
    pub(crate) async fn list_at(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
        url: &str,
    ) -> ApiResult<Value> {
        self.page(kind, noun, filters, url, true).await
    }

    /// [`Cx::list`] with every object parsed into `data`, for a caller that rewrites them (a
    /// price seen as a plan).
    pub(crate) async fn list_parsed(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
    ) -> ApiResult<Value> {
        self.page(kind, noun, filters, &self.path, false).await
    }

    /// A page of `kind` (see [`Cx::list`]); stored JSON is spliced in unparsed when `splice`
    /// and nothing reshapes it.
    async fn page(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
        url: &str,
        splice: bool,
    ) -> ApiResult<Value> {
        let limit = self.limit()?;
        let after = self.params.str("starting_after")?.filter(|s| !s.is_empty());
        let before = self.params.str("ending_before")?.filter(|s| !s.is_empty());
        let mut filters = filters.to_vec();
        let order;
        let cursor = match (after, before) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "You may only specify one of these parameters: ending_before, starting_after.",
                ));
            }
            (Some(id), None) => {
                order = "ORDER BY created DESC, seq DESC";
                Some((
                    id,
                    "starting_after",
                    "(created, seq) < (SELECT created, seq FROM objects WHERE id = {})",
                ))
            }
            (None, Some(id)) => {
                order = "ORDER BY created ASC, seq ASC";
                Some((
                    id,
                    "ending_before",
                    "(created, seq) > (SELECT created, seq FROM objects WHERE id = {})",
                ))
            }
            (None, None) => {
                order = "ORDER BY created DESC, seq DESC";
                None
            }
        };
        if let Some((id, param, condition)) = cursor {
            let known = self
                .tx
                .query_opt(
                    "SELECT 1 FROM objects WHERE id = $1 AND object = $2",
                    &[&id, &kind],
                )
                .await?
                .is_some();
            if !known {
                return Err(ApiError::missing_resource(noun, id, param));
            }
            filters.push((condition, id.to_owned()));
        }
        let limit_sql = format!("LIMIT {}", limit + 1);
        let (sql, args) = select(kind, &filters, &limit_sql, order);
        let refs: Vec<Arg<'_>> = args.iter().map(|a| a as _).collect();
        let rows = self.tx.query(&sql, &refs).await?;
        let has_more = rows.len() > limit as usize;
        if splice
            && before.is_none()
            && !HIDDEN.contains(&kind)
            && !crate::version::reshapes(kind, &self.api_version)
            && self.params.expand().is_empty()
        {
            // The fast path: stored JSON is already the answer; splice it in unparsed.
            let mut raw = String::from("[");
            for (i, row) in rows.iter().take(limit as usize).enumerate() {
                if i > 0 {
                    raw.push(',');
                }
                raw.push_str(row.get::<_, &str>(0));
            }
            raw.push(']');
            if let Ok(mut slot) = self.raw_data.lock() {
                *slot = Some(raw);
            }
            return Ok(
                json!({ "object": "list", "data": RAW_DATA, "has_more": has_more, "url": url }),
            );
        }
        let mut data: Vec<Value> = rows
            .iter()
            .take(limit as usize)
            .map(|r| parse(r.get(0)))
            .collect::<ApiResult<_>>()?;
        if before.is_some() {
            data.reverse();
        }
        Ok(list_value(data, has_more, url))
    }

    /// The request's `limit` (1–100, default 10).
    pub(crate) fn limit(&self) -> ApiResult<i64> {
        let limit = self.params.int("limit")?.unwrap_or(10);
        if limit < 1 {
            return Err(crate::bounds::at_least_was("limit", 1, limit));
        }
        if limit > 100 {
            return Err(crate::bounds::at_most("limit", 100, limit));
        }
        Ok(limit)
    }

    /// Filters for `created` (`created=…` or `created[gt|gte|lt|lte]=…`).
    pub(crate) fn created_filters(&self, filters: &mut Vec<Filter>) -> ApiResult<()> {
        match self.params.get("created") {
            None => {}
            Some(Value::Object(range)) => {
                for (op, value) in range {
                    let sql = match op.as_str() {
                        "gt" => "created > {}::bigint",
                        "gte" => "created >= {}::bigint",
                        "lt" => "created < {}::bigint",
                        "lte" => "created <= {}::bigint",
                        _ => return Err(ApiError::unknown(&format!("created[{op}]"))),
                    };
                    let n = crate::params::int_at(Some(value), "created")?.unwrap_or(0);
                    filters.push((sql, n.to_string()));
                }
            }
            Some(value) => {
                let n = crate::params::int_at(Some(value), "created")?.unwrap_or(0);
                filters.push(("created = {}::bigint", n.to_string()));
            }
        }
        Ok(())
    }
}

/// A page of `items` (an embedded list, in its own order) by the request's `limit` and
/// `starting_after` (the items after that id) or `ending_before` (the last items before it),
/// as a list answer at `url`; a cursor naming no item gives an empty page.
pub(crate) fn page_of(cx: &Cx<'_>, items: &[Value], url: &str) -> ApiResult {
    let limit = usize::try_from(cx.limit()?).unwrap_or(10);
    let position = |key: &str| -> ApiResult<Option<usize>> {
        Ok(cx.params.str(key)?.filter(|s| !s.is_empty()).map(|id| {
            items
                .iter()
                .position(|i| i["id"] == id)
                .unwrap_or(items.len())
        }))
    };
    let (page, has_more) = match (position("starting_after")?, position("ending_before")?) {
        (Some(after), _) => {
            let rest = items.get(after + 1..).unwrap_or_default();
            (&rest[..rest.len().min(limit)], rest.len() > limit)
        }
        (None, Some(before)) if before < items.len() => {
            let start = before.saturating_sub(limit);
            (&items[start..before], start > 0)
        }
        (None, Some(_)) => (&[][..], false),
        (None, None) => (&items[..items.len().min(limit)], items.len() > limit),
    };
    Ok(list_value(page.to_vec(), has_more, url))
}

/// `{object:"list",data,has_more,url}`.
pub(crate) fn list_value(data: Vec<Value>, has_more: bool, url: &str) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
}

/// `SELECT data::text FROM objects WHERE object = $1 AND NOT deleted AND <filters> …`.
fn select(kind: &str, filters: &[Filter], limit: &str, order: &str) -> (String, Vec<String>) {
    let mut sql = String::from("SELECT data::text FROM objects WHERE object = $1 AND NOT deleted");
    let mut args = vec![kind.to_owned()];
    for (condition, value) in filters {
        args.push(value.clone());
        let placeholder = format!("${}", args.len());
        sql.push_str(" AND ");
        sql.push_str(&condition.replace("{}", &placeholder));
    }
    sql.push(' ');
    sql.push_str(order);
    sql.push(' ');
    sql.push_str(limit);
    (sql, args)
}

pub(crate) fn list_filters(cx: &Cx<'_>, keys: &[(&str, &'static str)]) -> ApiResult<Vec<Filter>> {
    let mut filters: Vec<Filter> = Vec::new();
    for (param, sql) in keys {
        if let Some(value) = cx.params.str(param)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    cx.created_filters(&mut filters)?;
    Ok(filters)
}

/// The parameters that page a list.
pub(crate) const CURSOR: &[&str] = &["limit", "starting_after", "ending_before"];

/// Allows the paging parameters, `created` and `extra`.
pub(crate) fn allow_with(cx: &Cx<'_>, extra: &[&str]) -> ApiResult<()> {
    allow_paging(cx, &[extra, &["created"]].concat())
}

/// Allows the paging parameters and `extra`.
pub(crate) fn allow_paging(cx: &Cx<'_>, extra: &[&str]) -> ApiResult<()> {
    cx.params.allow(&[CURSOR, extra].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_numbers_placeholders_in_order() {
        let (sql, args) = select(
            "customer",
            &[
                ("data->>'email' = {}", "a@b.c".into()),
                ("created > {}::bigint", "5".into()),
            ],
            "LIMIT 11",
            "ORDER BY created DESC",
        );
        assert!(
            sql.contains("data->>'email' = $2 AND created > $3::bigint"),
            "{sql}"
        );
        assert_eq!(args, ["customer", "a@b.c", "5"]);
    }
}
