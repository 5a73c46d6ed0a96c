//! Query filters and sorts compiled to SQL over `pages.fv` (JSONB keyed by property id).
//! Every value a client sends is a bound parameter; only operators and casts chosen here
//! are written into the statement.

use asym_kit::tokio_postgres::types::ToSql;
use serde_json::Value;

use crate::computed::{self, Bound, Computed, Need};
use crate::condition::{DATE_OPS, DATE_RANGES, NUMBER_OPS, TEXT_OPS, single};
use crate::dates::is_date;
use crate::error::{ApiError, ApiResult};
use crate::request::body_uuid;
use crate::schema::{self, Schema};
use crate::seek::Order;

/// A bound parameter.
pub(crate) type Param = Box<dyn ToSql + Sync + Send>;

/// A compiled `WHERE` condition and `ORDER BY`, with their parameters numbered from the
/// first index given to [`Compiler::new`].
pub(crate) struct Compiler<'a> {
    schema: &'a Schema,
    first: usize,
    /// The parameters, in order.
    pub(crate) params: Vec<Param>,
    /// The filters and sorts on computed properties, whose parameters
    /// [`computed::resolve`] fills in before the statement runs.
    pub(crate) computed: Vec<Computed>,
}

fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// The SQL period of each relative date operator ([`DATE_RANGES`]), both ends included.
const PERIODS: [(&str, &str); 7] = [
    ("past_week", "now() - interval '7 days' AND now()"),
    ("past_month", "now() - interval '1 month' AND now()"),
    ("past_year", "now() - interval '1 year' AND now()"),
    ("next_week", "now() AND now() + interval '7 days'"),
    ("next_month", "now() AND now() + interval '1 month'"),
    ("next_year", "now() AND now() + interval '1 year'"),
    (
        "this_week",
        "date_trunc('week', now()) AND date_trunc('week', now()) + interval '7 days'",
    ),
];

impl<'a> Compiler<'a> {
    /// A compiler for pages of `schema` whose first parameter is `$first`.
    pub(crate) fn new(schema: &'a Schema, first: usize) -> Self {
        Self {
            schema,
            first,
            params: Vec::new(),
            computed: Vec::new(),
        }
    }

    fn bind(&mut self, param: Param) -> String {
        self.params.push(param);
        format!("${}", self.first + self.params.len() - 1)
    }

    /// Binds what [`computed::resolve`] found in the placeholders [`Self::defer`] left.
    pub(crate) fn fill(&mut self, found: Vec<(usize, Bound)>) {
        for (slot, bound) in found {
            self.params[slot] = match bound {
                Bound::Ids(ids) => Box::new(ids),
                Bound::Ranks(ranks) => Box::new(ranks),
            };
        }
    }

    /// Binds a placeholder that [`computed::resolve`] replaces with what `need` asks of
    /// property `id`'s computed values; answers the parameter (`$n`).
    fn defer(&mut self, id: &str, need: Need, placeholder: Param) -> String {
        let param = self.bind(placeholder);
        self.computed.push(Computed {
            id: id.to_owned(),
            need,
            slot: self.params.len() - 1,
        });
        param
    }

    /// The condition of `filter` (`TRUE` when absent).
    pub(crate) fn filter(&mut self, filter: Option<&Value>) -> ApiResult<String> {
        match filter {
            None | Some(Value::Null) => Ok("TRUE".into()),
            Some(filter) => self.node(filter, "body.filter", 0),
        }
    }

    fn node(&mut self, filter: &Value, path: &str, depth: usize) -> ApiResult<String> {
        let object = filter.as_object().ok_or_else(|| {
            invalid(format!(
                "body failed validation: {path} should be an object, instead was `{filter}`."
            ))
        })?;
        for (op, joiner) in [("and", " AND "), ("or", " OR ")] {
            if let Some(parts) = object.get(op) {
                if depth >= 2 {
                    return Err(invalid(format!(
                        "body failed validation: {path}.{op} should be not present: compound filters nest at most two levels."
                    )));
                }
                let parts = parts.as_array().ok_or_else(|| {
                    invalid(format!("body failed validation: {path}.{op} should be an array, instead was `{parts}`."))
                })?;
                if parts.len() > 100 {
                    return Err(invalid(format!(
                        "body failed validation: {path}.{op}.length should be ≤ `100`."
                    )));
                }
                if parts.is_empty() {
                    return Ok("TRUE".into());
                }
                let compiled = parts
                    .iter()
                    .enumerate()
                    .map(|(i, part)| self.node(part, &format!("{path}.{op}[{i}]"), depth + 1))
                    .collect::<ApiResult<Vec<_>>>()?;
                return Ok(format!("({})", compiled.join(joiner)));
            }
        }
        if let Some(timestamp) = object.get("timestamp").and_then(Value::as_str) {
            let column = match timestamp {
                "created_time" => "p.created_time",
                "last_edited_time" => "p.last_edited_time",
                other => {
                    return Err(invalid(format!(
                        "body failed validation: {path}.timestamp should be `created_time` or `last_edited_time`, instead was `\"{other}\"`."
                    )));
                }
            };
            let condition = object.get(timestamp).ok_or_else(|| {
                invalid(format!("body failed validation: {path}.{timestamp} should be defined, instead was `undefined`."))
            })?;
            return self.date(column, condition, &format!("{path}.{timestamp}"));
        }
        let key = object.get("property").and_then(Value::as_str).ok_or_else(|| {
            invalid(format!("body failed validation: {path}.property should be defined, instead was `undefined`."))
        })?;
        let (id, prop) = schema::find(self.schema, key)
            .ok_or_else(|| invalid(format!("Could not find property with name or id: {key}")))?;
        let kind = schema::kind(prop);
        let (filter_kind, condition) = object
            .iter()
            .find(|(k, _)| *k != "property" && *k != "type")
            .ok_or_else(|| invalid(format!("body failed validation: {path}.{kind} should be defined, instead was `undefined`.")))?;
        fn family(k: &str) -> &str {
            match k {
                "title" | "rich_text" | "url" | "email" | "phone_number" => "text",
                "multi_select" | "people" | "relation" | "files" => "array",
                "created_by" | "last_edited_by" => "people",
                "created_time" | "last_edited_time" => "date",
                "unique_id" => "number",
                other => other,
            }
        }
        let accepted = filter_kind == kind
            || family(filter_kind) == family(kind)
            || (matches!(kind, "created_by" | "last_edited_by") && filter_kind == "people")
            || (matches!(kind, "created_time" | "last_edited_time") && filter_kind == "date");
        if !accepted {
            return Err(invalid(format!(
                "body failed validation: the filter on `{key}` uses `{filter_kind}`, but the property is of type `{kind}`."
            )));
        }
        let here = format!("{path}.{filter_kind}");
        let id = id.to_owned();
        match kind {
            "title" | "rich_text" | "url" | "email" | "phone_number" => {
                self.text(&id, condition, &here)
            }
            "number" | "unique_id" => self.number(&id, condition, &here),
            "checkbox" => {
                let (op, value) = single(condition, &here, &["equals", "does_not_equal"])?;
                let flag = value.as_bool().ok_or_else(|| invalid(format!("body failed validation: {here}.{op} should be a boolean, instead was `{value}`.")))?;
                let k = self.bind(Box::new(id));
                let v = self.bind(Box::new(flag));
                let cmp = if op == "equals" { "=" } else { "<>" };
                Ok(format!("coalesce((p.fv->>{k})::boolean, false) {cmp} {v}"))
            }
            "select" | "status" => {
                let (op, value) = single(
                    condition,
                    &here,
                    &["equals", "does_not_equal", "is_empty", "is_not_empty"],
                )?;
                let k = self.bind(Box::new(id));
                if let Some(test) = emptiness(op, &format!("p.fv->>{k} IS NULL")) {
                    return Ok(test);
                }
                let v = self.bind(Box::new(string(value, &here, op)?));
                Ok(if op == "equals" {
                    format!("p.fv->>{k} = {v}")
                } else {
                    format!("p.fv->>{k} IS DISTINCT FROM {v}")
                })
            }
            "multi_select" | "people" | "relation" | "files" => {
                let (op, value) = single(
                    condition,
                    &here,
                    &["contains", "does_not_contain", "is_empty", "is_not_empty"],
                )?;
                let k = self.bind(Box::new(id));
                let array = format!("coalesce(p.fv->{k}, '[]'::jsonb)");
                if let Some(test) = emptiness(op, &format!("jsonb_array_length({array}) = 0")) {
                    return Ok(test);
                }
                let mut text = string(value, &here, op)?;
                if matches!(kind, "people" | "relation") {
                    text = body_uuid(&format!("{here}.{op}"), &text)?;
                }
                let v = self.bind(Box::new(text));
                Ok(if op == "contains" {
                    format!("{array} ? {v}")
                } else {
                    format!("NOT ({array} ? {v})")
                })
            }
            "created_by" | "last_edited_by" => {
                let (op, value) = single(condition, &here, &["contains", "does_not_contain"])?;
                let text = string(value, &here, op)?;
                let user = body_uuid(&format!("{here}.{op}"), &text)?;
                let v = self.bind(Box::new(user));
                let cmp = if op == "contains" { "=" } else { "<>" };
                Ok(format!("p.{kind} {cmp} {v}"))
            }
            "date" => {
                let k = self.bind(Box::new(id));
                self.date(&format!("(p.fv->>{k})::timestamptz"), condition, &here)
            }
            "created_time" => self.date("p.created_time", condition, &here),
            "last_edited_time" => self.date("p.last_edited_time", condition, &here),
            "formula" | "rollup" => {
                let test = computed::parse(self.schema, prop, condition, &here)?;
                let ids = self.defer(&id, Need::Filter(test), Box::new(Vec::<String>::new()));
                Ok(format!("p.id = ANY({ids})"))
            }
            other => Err(invalid(format!(
                "Filtering on {other} properties is not supported by this clone."
            ))),
        }
    }

    fn text(&mut self, id: &str, condition: &Value, path: &str) -> ApiResult<String> {
        let (op, value) = single(condition, path, &TEXT_OPS)?;
        let k = self.bind(Box::new(id.to_owned()));
        let v_expr = format!("coalesce(p.fv->>{k}, '')");
        if let Some(test) = emptiness(op, &format!("{v_expr} = ''")) {
            return Ok(test);
        }
        let v = self.bind(Box::new(string(value, path, op)?));
        Ok(match op {
            "equals" => format!("{v_expr} = {v}"),
            "does_not_equal" => format!("{v_expr} <> {v}"),
            "contains" => format!("strpos(lower({v_expr}), lower({v})) > 0"),
            "does_not_contain" => format!("strpos(lower({v_expr}), lower({v})) = 0"),
            "starts_with" => format!("starts_with(lower({v_expr}), lower({v}))"),
            _ => format!("right(lower({v_expr}), length({v})) = lower({v})"),
        })
    }

    fn number(&mut self, id: &str, condition: &Value, path: &str) -> ApiResult<String> {
        let (op, value) = single(condition, path, &NUMBER_OPS)?;
        let k = self.bind(Box::new(id.to_owned()));
        let n = format!("(p.fv->>{k})::float8");
        if let Some(test) = emptiness(op, &format!("p.fv->>{k} IS NULL")) {
            return Ok(test);
        }
        let number = value.as_f64().ok_or_else(|| {
            invalid(format!(
                "body failed validation: {path}.{op} should be a number, instead was `{value}`."
            ))
        })?;
        let v = self.bind(Box::new(number));
        let cmp = match op {
            "equals" => "=",
            "does_not_equal" => "IS DISTINCT FROM",
            "greater_than" => ">",
            "less_than" => "<",
            "greater_than_or_equal_to" => ">=",
            _ => "<=",
        };
        Ok(format!("{n} {cmp} {v}"))
    }

    fn date(&mut self, column: &str, condition: &Value, path: &str) -> ApiResult<String> {
        let (op, value) = single(condition, path, &[DATE_OPS, DATE_RANGES].concat())?;
        if let Some((_, range)) = PERIODS.iter().find(|(name, _)| *name == op) {
            return Ok(format!("{column} BETWEEN {range}"));
        }
        if let Some(test) = emptiness(op, &format!("{column} IS NULL")) {
            return Ok(test);
        }
        let text = value.as_str().filter(|s| is_date(s)).ok_or_else(|| {
            invalid(format!("body failed validation: {path}.{op} should be an ISO 8601 date, instead was `{value}`."))
        })?;
        let date_only = text.len() == 10;
        let v = self.bind(Box::new(text.to_owned()));
        let (lhs, rhs) = if date_only {
            (
                format!("({column} AT TIME ZONE 'UTC')::date"),
                format!("{v}::text::date"),
            )
        } else {
            (column.to_owned(), format!("{v}::text::timestamptz"))
        };
        let cmp = match op {
            "equals" => "=",
            "before" => "<",
            "after" => ">",
            "on_or_before" => "<=",
            _ => ">=",
        };
        Ok(format!("{lhs} {cmp} {rhs}"))
    }

    /// The order of `sorts` (newest first when absent), the page's id last.
    pub(crate) fn sorts(&mut self, sorts: Option<&Value>) -> ApiResult<Order> {
        let mut order = Order::new("p.id");
        let Some(sorts) = sorts.filter(|s| !s.is_null()) else {
            return Ok(order.by("p.created_time", true));
        };
        let items = sorts.as_array().ok_or_else(|| {
            invalid(format!(
                "body failed validation: body.sorts should be an array, instead was `{sorts}`."
            ))
        })?;
        for (i, item) in items.iter().enumerate() {
            let path = format!("body.sorts[{i}]");
            let descending = match item.get("direction").and_then(Value::as_str) {
                Some("ascending") => false,
                Some("descending") => true,
                _ => {
                    return Err(invalid(format!(
                        "body failed validation: {path}.direction should be `ascending` or `descending`."
                    )));
                }
            };
            // Timestamps are never empty: ordered by their column, so its index serves.
            let expr = if let Some(timestamp) = item.get("timestamp").and_then(Value::as_str) {
                match timestamp {
                    "created_time" | "last_edited_time" => {
                        order = order.by(&format!("p.{timestamp}"), descending);
                        continue;
                    }
                    other => {
                        return Err(invalid(format!(
                            "body failed validation: {path}.timestamp should be `created_time` or `last_edited_time`, instead was `\"{other}\"`."
                        )));
                    }
                }
            } else {
                let key = item.get("property").and_then(Value::as_str).ok_or_else(|| {
                    invalid(format!("body failed validation: {path}.property should be defined, instead was `undefined`."))
                })?;
                let (id, prop) = schema::find(self.schema, key).ok_or_else(|| {
                    invalid(format!(
                        "Could not find sort property with name or id: {key}"
                    ))
                })?;
                let kind = schema::kind(prop).to_owned();
                if matches!(kind.as_str(), "formula" | "rollup") {
                    let ranks = self.defer(id, Need::Order, Box::new(String::from("{}")));
                    // In a subquery, the ranks are read once per statement, not once per
                    // row (as a generic plan reads a parameter's cast).
                    let rank = format!("((SELECT {ranks}::text::jsonb) ->> p.id)::int8");
                    order = order.by_nullable(rank, descending);
                    continue;
                }
                let k = self.bind(Box::new(id.to_owned()));
                match kind.as_str() {
                    "number" | "unique_id" => format!("(p.fv->>{k})::float8"),
                    "checkbox" => format!("coalesce((p.fv->>{k})::boolean, false)"),
                    "date" => format!("(p.fv->>{k})::timestamptz"),
                    "created_time" | "last_edited_time" => {
                        order = order.by(&format!("p.{kind}"), descending);
                        continue;
                    }
                    _ => format!("lower(p.fv->>{k})"),
                }
            };
            order = order.by_nullable(expr, descending);
        }
        Ok(order)
    }
}

/// The SQL of `is_empty` (`empty`, true when the value is empty) or `is_not_empty` (its
/// negation); `None` for any other operator.
fn emptiness(op: &str, empty: &str) -> Option<String> {
    match op {
        "is_empty" => Some(empty.to_owned()),
        "is_not_empty" => Some(format!("NOT ({empty})")),
        _ => None,
    }
}

fn string(value: &Value, path: &str, op: &str) -> ApiResult<String> {
    value.as_str().map(str::to_owned).ok_or_else(|| {
        invalid(format!(
            "body failed validation: {path}.{op} should be a string, instead was `{value}`."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        schema::create(
            Some(&json!({ "Name": { "title": {} }, "Done": { "checkbox": {} }, "Points": { "number": {} }, "Tags": { "multi_select": {} } })),
            "p",
        )
        .unwrap()
    }

    #[test]
    fn values_are_bound_never_written() {
        let schema = schema();
        let mut compiler = Compiler::new(&schema, 4);
        let sql = compiler
            .filter(Some(&json!({ "and": [
                { "property": "Name", "title": { "contains": "'; DROP TABLE pages; --" } },
                { "or": [{ "property": "Done", "checkbox": { "equals": true } }, { "property": "Points", "number": { "greater_than": 3 } }] }
            ] })))
            .unwrap();
        assert!(!sql.contains("DROP"));
        assert!(sql.contains("$4") && sql.contains("$9"));
        assert_eq!(compiler.params.len(), 6);
    }

    #[test]
    fn wrong_filters_are_named() {
        let schema = schema();
        for bad in [
            json!({ "property": "Nope", "title": { "equals": "x" } }),
            json!({ "property": "Done", "select": { "equals": "x" } }),
            json!({ "property": "Points", "number": { "greater_than": "3" } }),
            json!({ "property": "Name", "title": { "shouts": "x" } }),
            json!({ "and": [{ "or": [{ "and": [] }] }] }),
        ] {
            assert!(
                Compiler::new(&schema, 1).filter(Some(&bad)).is_err(),
                "{bad}"
            );
        }
        assert!(
            Compiler::new(&schema, 1)
                .sorts(Some(&json!([{ "property": "Points", "direction": "up" }])))
                .is_err()
        );
    }
}
