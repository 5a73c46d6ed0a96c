//! Keyed pagination: where a page of a list starts. A `start_cursor` is the id of the first
//! result of the page (as Notion's), and the page is the rows at or after that result's
//! place in the list's order: its sort key and id, read by primary key, compared in the
//! statement. A page costs the same wherever it starts (the list is never read from its
//! beginning), and a cursor whose result has left the list since (trashed, filtered out,
//! sorted elsewhere) carries on from where that result now sorts.

use asym_kit::cursor;
use asym_kit::deadpool_postgres::GenericClient;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use serde_json::Value;

use crate::error::ApiResult;
use crate::request::Paging;

/// One key of a list's order: an SQL expression over the list's alias.
#[derive(Debug, Clone)]
struct Term {
    expr: String,
    descending: bool,
    /// Whether it may be NULL (sorted last in both directions, as `NULLS LAST`).
    nullable: bool,
}

/// A list's order: its keys, then its rows' id (ascending), which makes it total.
#[derive(Debug, Clone)]
pub(crate) struct Order {
    terms: Vec<Term>,
    id: String,
}

impl Order {
    /// An order ending with the id expression `id` (`b.id`).
    pub(crate) fn new(id: &str) -> Self {
        Self {
            terms: Vec::new(),
            id: id.to_owned(),
        }
    }

    /// Then by `expr`, never NULL (a column such as `b.pos` or `c.created_time`).
    pub(crate) fn by(mut self, expr: &str, descending: bool) -> Self {
        self.terms.push(Term {
            expr: expr.to_owned(),
            descending,
            nullable: false,
        });
        self
    }

    /// Then by `expr`, which may be NULL: empty values last in both directions.
    pub(crate) fn by_nullable(mut self, expr: String, descending: bool) -> Self {
        self.terms.push(Term {
            expr,
            descending,
            nullable: true,
        });
        self
    }

    /// The `ORDER BY` list.
    pub(crate) fn sql(&self) -> String {
        let mut out: Vec<String> = self
            .terms
            .iter()
            .map(|term| {
                let direction = if term.descending { "DESC" } else { "ASC" };
                let nulls = if term.nullable { " NULLS LAST" } else { "" };
                format!("{} {direction}{nulls}", term.expr)
            })
            .collect();
        out.push(self.id.clone());
        out.join(", ")
    }

    /// The condition keeping the rows at or after the row `start` selects (`FROM … WHERE …`,
    /// one row of the list's table under the list's alias): lexicographically on the keys
    /// and the id, each key of the start row read by a scalar subquery (by primary key).
    /// When the first key is never NULL it also bounds the scan, so an index on it seeks.
    fn at_or_after(&self, start: &str) -> String {
        let key = |expr: &str| format!("(SELECT {expr} {start})");
        let mut chain = format!("{} >= {}", self.id, key(&self.id));
        for term in self.terms.iter().rev() {
            let (e, k) = (&term.expr, key(&term.expr));
            let op = if term.descending { "<" } else { ">" };
            let (after, same) = if term.nullable {
                (
                    format!("({e} {op} {k} OR ({e} IS NULL AND {k} IS NOT NULL))"),
                    format!("{e} IS NOT DISTINCT FROM {k}"),
                )
            } else {
                (format!("{e} {op} {k}"), format!("{e} = {k}"))
            };
            chain = format!("({after} OR ({same} AND {chain}))");
        }
        match self.terms.first().filter(|term| !term.nullable) {
            Some(first) => {
                let op = if first.descending { "<=" } else { ">=" };
                format!("{} {op} {} AND {chain}", first.expr, key(&first.expr))
            }
            None => chain,
        }
    }
}

impl Paging {
    /// The condition keeping the page's rows in `order`: every row from the list's start;
    /// from a cursor, the rows at or after the row `start` selects (`FROM … WHERE …` under
    /// the list's alias, the cursor bound as the statement's last parameter, see
    /// [`Paging::bind`]).
    pub(crate) fn seek(&self, order: &Order, start: &str) -> String {
        match self.start {
            None => "TRUE".to_owned(),
            Some(_) => order.at_or_after(start),
        }
    }

    /// `params` with the cursor appended when there is one (the parameter [`Paging::seek`]'s
    /// `start` names: one past `params`).
    pub(crate) fn bind<'a>(
        &'a self,
        mut params: Vec<&'a (dyn ToSql + Sync)>,
    ) -> Vec<&'a (dyn ToSql + Sync)> {
        if let Some(start) = &self.start {
            params.push(start);
        }
        params
    }

    /// After a page came back empty: Notion's refusal when the cursor names no row that
    /// `exists` (an SQL statement whose `$1` is the cursor and whose further parameters are
    /// `params`) finds. A page after a cursor that names a row is empty only when nothing
    /// follows that row.
    ///
    /// # Errors
    /// Notion's validation error naming the cursor; the statement's error.
    pub(crate) async fn confirm(
        &self,
        client: &impl GenericClient,
        empty: bool,
        exists: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> ApiResult<()> {
        let Some(start) = self.start.as_ref().filter(|_| empty) else {
            return Ok(());
        };
        let mut all: Vec<&(dyn ToSql + Sync)> = vec![start];
        all.extend_from_slice(params);
        let statement = client.prepare_cached(exists).await?;
        match client.query_opt(&statement, &all).await? {
            Some(_) => Ok(()),
            None => Err(Self::invalid_cursor(start)),
        }
    }
}

/// One keyed list: its order, the statement reading a page of it, where its start row is
/// and how a cursor is found to name one of its rows. Every keyed list reads its page through
/// [`Paging::keyed`].
pub(crate) struct Keyed<'a> {
    /// The list's order.
    pub(crate) order: Order,
    /// The page's statement from the seek condition and the `ORDER BY` list.
    pub(crate) select: &'a (dyn Fn(&str, &Order) -> String + Sync),
    /// `FROM … WHERE …` selecting the start row under the list's alias (see [`Paging::seek`]).
    pub(crate) start: &'a str,
    /// The statement finding the cursor's row (see [`Paging::confirm`]).
    pub(crate) exists: &'a str,
}

impl Paging {
    /// The rows of the page `list` reads with `params` (the cursor bound after them), refused
    /// as Notion's when the page is empty and the cursor names no row `exists` finds with
    /// `scope`.
    ///
    /// # Errors
    /// Notion's validation error naming the cursor; the statements' errors.
    pub(crate) async fn keyed(
        &self,
        client: &impl GenericClient,
        list: &Keyed<'_>,
        params: Vec<&(dyn ToSql + Sync)>,
        scope: &[&(dyn ToSql + Sync)],
    ) -> ApiResult<Vec<Row>> {
        let sql = (list.select)(&self.seek(&list.order, list.start), &list.order);
        let statement = client.prepare_cached(&sql).await?;
        let rows = client.query(&statement, &self.bind(params)).await?;
        self.confirm(client, rows.is_empty(), list.exists, scope)
            .await?;
        Ok(rows)
    }
}

/// Lists whose items have no id of their own (a page property's items, elements of a stored
/// array): the opaque cursor is a position, and the statement reads the array's elements
/// after it by their ordinality (`WITH ORDINALITY … WHERE n > $position LIMIT $limit`).
impl Paging {
    /// How many items precede the page: 0 from the list's start, else the position the
    /// opaque cursor (`o:<n>`) holds.
    ///
    /// # Errors
    /// Notion's validation error for a cursor that holds no position.
    pub(crate) fn position(&self) -> ApiResult<i64> {
        let Some(text) = &self.start else {
            return Ok(0);
        };
        cursor::decode(text)
            .ok()
            .and_then(|inner| inner.strip_prefix("o:").and_then(|n| n.parse().ok()))
            .filter(|n: &i64| *n >= 0)
            .ok_or_else(|| Self::invalid_cursor(text))
    }

    /// The list of the page of a positional list: `rows` are the items after `position`
    /// (up to [`Paging::limit`]) of a list of `total` items.
    ///
    /// # Errors
    /// Notion's validation error for a cursor past the list's end.
    pub(crate) fn positioned(
        &self,
        mut rows: Vec<Value>,
        position: i64,
        total: i64,
        kind: &str,
    ) -> ApiResult<Value> {
        if position > total {
            return Err(Self::invalid_cursor(self.start.as_deref().unwrap_or("")));
        }
        let size = usize::try_from(self.size).unwrap_or(usize::MAX);
        let next =
            (rows.len() > size).then(|| cursor::encode(&format!("o:{}", position + self.size)));
        rows.truncate(size);
        Ok(Self::list_of(rows, next, kind))
    }
}

/// The `ORDER BY` list, as [`Order::sql`].
impl std::fmt::Display for Order {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_and_seeks() {
        let order = Order::new("b.id").by("b.pos", false);
        assert_eq!(order.sql(), "b.pos ASC, b.id");
        let start = "FROM blocks b WHERE b.id = $3";
        let key = |e: &str| format!("(SELECT {e} {start})");
        assert_eq!(
            order.at_or_after(start),
            format!(
                "b.pos >= {pos} AND (b.pos > {pos} OR (b.pos = {pos} AND b.id >= {id}))",
                pos = key("b.pos"),
                id = key("b.id")
            )
        );
        let order = Order::new("p.id").by_nullable("x".into(), true);
        assert_eq!(order.sql(), "x DESC NULLS LAST, p.id");
        assert_eq!(
            order.at_or_after("S"),
            "((x < (SELECT x S) OR (x IS NULL AND (SELECT x S) IS NOT NULL)) OR (x IS NOT DISTINCT FROM (SELECT x S) AND p.id >= (SELECT p.id S)))"
        );
        let paging = Paging::default();
        assert_eq!(paging.seek(&order, "S"), "TRUE");
    }

    #[test]
    fn positional_lists_page_by_an_opaque_position() {
        let at = |cursor: Option<&str>| Paging {
            start: cursor.map(str::to_owned),
            size: 2,
        };
        assert_eq!(at(None).position().unwrap(), 0);
        let third = cursor::encode("o:2");
        assert_eq!(at(Some(&third)).position().unwrap(), 2);
        for bad in [
            "nope".to_owned(),
            cursor::encode("o:-1"),
            cursor::encode("x:1"),
        ] {
            assert!(at(Some(&bad)).position().is_err(), "{bad}");
        }
        let items: Vec<Value> = (0..3).map(Value::from).collect();
        let first = at(None)
            .positioned(items.clone(), 0, 5, "property_item")
            .unwrap();
        assert_eq!(first["results"], serde_json::json!([0, 1]));
        let next = first["next_cursor"].as_str().unwrap();
        assert_eq!(cursor::decode(next).unwrap(), "o:2");
        let last = at(Some(next))
            .positioned(items[..1].to_vec(), 2, 3, "x")
            .unwrap();
        assert_eq!(
            (&last["results"], &last["has_more"]),
            (&serde_json::json!([0]), &Value::Bool(false))
        );
        assert!(
            at(Some(&cursor::encode("o:4")))
                .positioned(vec![], 4, 3, "x")
                .is_err()
        );
    }
}
