//! `POST /crm/v3/objects/{type}/search`: `filterGroups` (an OR of ANDs), `sorts`, `query`,
//! `properties`, `limit`, `after`, compiled to one parameterised statement over the JSONB
//! properties, with HubSpot's limits (5 groups of 6 filters, 18 in all, 200 per page, 10,000
//! results). A filter or sort on a property the type does not define is refused, as HubSpot
//! refuses it (400 `VALIDATION_ERROR`), not matched against nothing. The pseudo-property
//! `associations.{type}` filters on associated objects (`associations.contact` EQ `201`).

use std::collections::HashMap;

use asym_kit::tokio_postgres::error::SqlState;
use asym_kit::tokio_postgres::types::ToSql;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::gate;
use super::model::{Object, columns};
use super::render::{self, View};
use crate::error::{ApiError, ApiResult};
use crate::request::{Call, JsonBody, array_field, body_limit, optional_text, string_list};
use crate::types::{self, ObjectType};
use crate::values::{self, Definition};

const MAX_GROUPS: usize = 5;
const MAX_FILTERS: usize = 6;
const MAX_ALL_FILTERS: usize = 18;
const MAX_LIMIT: i64 = 200;
const MAX_RESULTS: i64 = 10_000;

/// A statement under construction: its SQL and its parameters.
#[derive(Default)]
struct Sql {
    params: Vec<Box<dyn ToSql + Sync + Send>>,
}

impl Sql {
    /// Adds a parameter, returning its placeholder (`$3`).
    fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.params.push(Box::new(value));
        format!("${}", self.params.len())
    }
}

/// How a property is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Free text: case-insensitive.
    Text,
    /// Enumerations and booleans: the stored value as is.
    Exact,
    /// Dates and datetimes: stored in one fixed ISO 8601 form, so text order is time order.
    Instant,
    Number,
    Id,
}

/// Names the "C" collation, where Postgres compares text with `memcmp` instead of the
/// locale's `strcoll` (about a sixth of a search's scan). Only where the answer cannot change:
/// equality (in a deterministic collation, equal means the same bytes) and the order of
/// fixed-form ISO instants (byte order is time order whatever the database's locale).
fn bytewise(expr: String) -> String {
    format!("{expr} COLLATE \"C\"")
}

/// Stock properties an expression index covers (`objects_created` in 0001_schema.sql). Their
/// names are written into the statement as literals: a generic plan (what a cached statement
/// may settle on after five runs) never matches an index to an expression with a parameter in
/// it. A fixed list, never the caller's text.
const INDEXED: [&str; 1] = ["createdate"];

/// The key of property `name` in the statement: a literal for an [`INDEXED`] name, a
/// parameter otherwise.
fn key(sql: &mut Sql, name: &str) -> String {
    match INDEXED.into_iter().find(|indexed| *indexed == name) {
        Some(indexed) => format!("'{indexed}'"),
        None => format!("{}::text", sql.bind(name.to_owned())),
    }
}

/// The definition of a property a filter or sort names.
fn defined<'d>(
    defs: &'d HashMap<String, Definition>,
    name: &str,
) -> Result<&'d Definition, ApiError> {
    defs.get(name)
        .ok_or_else(|| ApiError::validation(format!("Property \"{name}\" does not exist")))
}

fn kind(name: &str, def: &Definition) -> Kind {
    if name == "hs_object_id" {
        return Kind::Id;
    }
    match def.kind.as_str() {
        "number" => Kind::Number,
        "enumeration" | "bool" => Kind::Exact,
        "date" | "datetime" => Kind::Instant,
        _ => Kind::Text,
    }
}

/// The SQL expression of property `name`'s value.
fn value_expr(sql: &mut Sql, name: &str, kind: Kind) -> String {
    match kind {
        Kind::Id => "o.id::numeric".to_owned(),
        Kind::Number => {
            let key = key(sql, name);
            format!(
                "(CASE WHEN (o.properties->>{key}) ~ '^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$' \
                 THEN (o.properties->>{key})::numeric END)"
            )
        }
        Kind::Text | Kind::Exact => format!("(o.properties->>{})", key(sql, name)),
        Kind::Instant => bytewise(format!("(o.properties->>{})", key(sql, name))),
    }
}

/// A filter value bound as the right type.
fn bind_value(
    sql: &mut Sql,
    kind: Kind,
    def: &Definition,
    raw: &Value,
) -> Result<String, ApiError> {
    let text = match raw {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => {
            return Err(ApiError::validation(
                "filter values must be strings or numbers",
            ));
        }
    };
    match kind {
        Kind::Number | Kind::Id => {
            text.trim().parse::<f64>().map_err(|_| {
                ApiError::validation(format!("{text} is not a valid number for this filter"))
            })?;
            Ok(format!(
                "{}::text::numeric",
                sql.bind(text.trim().to_owned())
            ))
        }
        Kind::Text => Ok(format!("lower({})", sql.bind(text))),
        Kind::Exact | Kind::Instant => Ok(sql.bind(values::filter_value(def, &text))),
    }
}

/// The text expression compared (case-insensitive for free text).
fn eq_side(expr: &str, kind: Kind) -> String {
    if kind == Kind::Text {
        format!("lower({expr})")
    } else {
        expr.to_owned()
    }
}

/// [`eq_side`] for an equality, [`bytewise`] (instants already are).
fn equal_side(expr: &str, kind: Kind) -> String {
    match kind {
        Kind::Text | Kind::Exact => bytewise(eq_side(expr, kind)),
        Kind::Instant | Kind::Number | Kind::Id => eq_side(expr, kind),
    }
}

/// A token pattern as a case-insensitive regular expression: `*` is a wildcard (the value
/// must match whole; a run of them is one), otherwise the token must appear as a word.
fn token_regex(token: &str) -> String {
    let mut escaped = String::with_capacity(token.len() * 2);
    for c in token.chars() {
        match c {
            '*' if escaped.ends_with(".*") => {}
            '*' => escaped.push_str(".*"),
            c if c.is_alphanumeric() || c == ' ' => escaped.push(c),
            c => {
                escaped.push('\\');
                escaped.push(c);
            }
        }
    }
    if token.contains('*') {
        format!("^{escaped}$")
    } else {
        format!("(^|[^[:alnum:]]){escaped}([^[:alnum:]]|$)")
    }
}

/// One filter as a boolean SQL expression.
fn filter(
    sql: &mut Sql,
    defs: &HashMap<String, Definition>,
    f: &Value,
) -> Result<String, ApiError> {
    let (Some(name), Some(operator)) = (f["propertyName"].as_str(), f["operator"].as_str()) else {
        let unset: Vec<&str> = ["propertyName", "operator"]
            .into_iter()
            .filter(|key| !f[*key].is_string())
            .collect();
        return Err(ApiError::unbuilt("Filter", &unset));
    };
    if let Some(to) = name.strip_prefix("associations.") {
        return association_filter(sql, to, operator, f);
    }
    let def = defined(defs, name)?;
    let kind = kind(name, def);
    let value = || {
        f.get("value")
            .filter(|v| !v.is_null())
            .ok_or_else(|| ApiError::validation(format!("operator {operator} needs a value")))
    };
    // Operators on the property's presence or text bind only what they use (a parameter
    // left out of the statement would have no type).
    match operator {
        "HAS_PROPERTY" => {
            return Ok(format!("o.properties ? {}", key(sql, name)));
        }
        "NOT_HAS_PROPERTY" => {
            return Ok(format!("NOT (o.properties ? {})", key(sql, name)));
        }
        "CONTAINS_TOKEN" | "NOT_CONTAINS_TOKEN" => {
            let token = match value()? {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let matches = format!(
                "(o.properties->>{}) ~* {}",
                key(sql, name),
                sql.bind(token_regex(&token))
            );
            return Ok(if operator == "CONTAINS_TOKEN" {
                matches
            } else {
                format!("coalesce(NOT ({matches}), true)")
            });
        }
        _ => {}
    }
    let expr = value_expr(sql, name, kind);
    let list = |sql: &mut Sql| -> Result<String, ApiError> {
        let items = f["values"]
            .as_array()
            .ok_or_else(|| ApiError::validation(format!("operator {operator} needs values")))?;
        let texts: Vec<String> = items
            .iter()
            .map(|v| match v {
                Value::String(s) if kind == Kind::Text => s.to_lowercase(),
                Value::String(s) => values::filter_value(def, s),
                other => other.to_string(),
            })
            .collect();
        Ok(match kind {
            Kind::Number | Kind::Id => {
                format!("{expr} = ANY({}::text[]::numeric[])", sql.bind(texts))
            }
            _ => format!(
                "{} = ANY({}::text[])",
                equal_side(&expr, kind),
                sql.bind(texts)
            ),
        })
    };
    let condition = match operator {
        "EQ" | "NEQ" => {
            let side = equal_side(&expr, kind);
            let eq = format!("{side} = {}", bind_value(sql, kind, def, value()?)?);
            if operator == "EQ" {
                eq
            } else {
                format!("coalesce(NOT ({eq}), true)")
            }
        }
        "LT" | "LTE" | "GT" | "GTE" => {
            let op = match operator {
                "LT" => "<",
                "LTE" => "<=",
                "GT" => ">",
                _ => ">=",
            };
            let side = eq_side(&expr, kind);
            format!("{side} {op} {}", bind_value(sql, kind, def, value()?)?)
        }
        "BETWEEN" => {
            let high = f
                .get("highValue")
                .filter(|v| !v.is_null())
                .ok_or_else(|| ApiError::validation("operator BETWEEN needs a highValue"))?;
            let side = eq_side(&expr, kind);
            let low = bind_value(sql, kind, def, value()?)?;
            let high = bind_value(sql, kind, def, high)?;
            format!("{side} BETWEEN {low} AND {high}")
        }
        "IN" => list(sql)?,
        "NOT_IN" => format!("coalesce(NOT ({}), true)", list(sql)?),
        other => {
            return Err(ApiError::validation(format!(
                "Invalid input JSON: Cannot deserialize value of type FilterOperator from String \"{other}\": not one of the values accepted for Enum class: [EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN, NOT_CONTAINS_TOKEN]"
            )));
        }
    };
    Ok(condition)
}

/// A filter on the pseudo-property `associations.{type}` (`associations.contact`): whether
/// the object is associated with the given objects of that type (`EQ`, `NEQ`, `IN`,
/// `NOT_IN`) or with any (`HAS_PROPERTY`, `NOT_HAS_PROPERTY`).
fn association_filter(
    sql: &mut Sql,
    to: &str,
    operator: &str,
    f: &Value,
) -> Result<String, ApiError> {
    let to_type = types::lookup(to).ok_or_else(|| {
        // HubSpot's search guide: "the option to search through custom object associations
        // is not currently supported via search endpoints"; it points at the associations API.
        if types::names_custom(to) {
            return ApiError::validation(format!(
                "associations.{to}: searching through custom object associations is not supported; use the associations API (GET /crm/v4/objects/{{objectType}}/{{objectId}}/associations/{to})"
            ))
            .with("subCategory", json!("NOT_IMPLEMENTED"));
        }
        ApiError::validation(format!("Property \"associations.{to}\" does not exist"))
    })?;
    let id = |value: &Value| {
        let text = match value {
            Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };
        text.parse::<i64>().map_err(|_| {
            ApiError::validation(format!(
                "{text} is not a valid object id for associations.{to}"
            ))
        })
    };
    let ids: Option<Vec<i64>> = match operator {
        "EQ" | "NEQ" => {
            let value = f.get("value").filter(|v| !v.is_null()).ok_or_else(|| {
                ApiError::validation(format!("operator {operator} needs a value"))
            })?;
            Some(vec![id(value)?])
        }
        "IN" | "NOT_IN" => Some(
            f["values"]
                .as_array()
                .ok_or_else(|| ApiError::validation(format!("operator {operator} needs values")))?
                .iter()
                .map(id)
                .collect::<Result<_, _>>()?,
        ),
        "HAS_PROPERTY" | "NOT_HAS_PROPERTY" => None,
        other => {
            return Err(ApiError::validation(format!(
                "Operator {other} is not supported on associations.{to}: use EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY"
            )));
        }
    };
    // The type is one of the catalog's static names, not the caller's text.
    let mut exists = format!(
        "EXISTS (SELECT 1 FROM associations a WHERE a.from_id = o.id AND a.to_type = '{}'",
        to_type.name
    );
    if let Some(ids) = ids {
        exists.push_str(&format!(" AND a.to_id = ANY({}::bigint[])", sql.bind(ids)));
    }
    exists.push(')');
    Ok(match operator {
        "NEQ" | "NOT_IN" | "NOT_HAS_PROPERTY" => format!("NOT {exists}"),
        _ => exists,
    })
}

/// `sorts`: strings (`createdate`, `-createdate`) or `{propertyName, direction}`.
fn sorts(body: &Value) -> Result<Vec<(String, bool)>, ApiError> {
    array_field(body, "sorts")?
        .iter()
        .map(|item| match item {
            Value::String(s) => Ok(match s.strip_prefix('-') {
                Some(name) => (name.to_owned(), false),
                None => (s.clone(), true),
            }),
            Value::Object(o) => {
                let name = o
                    .get("propertyName")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ApiError::validation("each sort needs a propertyName"))?;
                let ascending = match o.get("direction") {
                    None | Some(Value::Null) => true,
                    Some(Value::String(d)) if d.eq_ignore_ascii_case("ASCENDING") => true,
                    Some(Value::String(d)) if d.eq_ignore_ascii_case("DESCENDING") => false,
                    Some(other) => {
                        return Err(ApiError::validation(format!(
                            "Invalid input JSON: Cannot deserialize value of type Direction from {other}: not one of the values accepted for Enum class: [ASCENDING, DESCENDING]"
                        )));
                    }
                };
                Ok((name.to_owned(), ascending))
            }
            _ => Err(ApiError::validation("sorts must be strings or objects")),
        })
        .collect()
}

/// Compiles the request into `(sql, params)`.
/// A filter group's `filters`.
fn group_filters(group: &Value) -> Result<&Vec<Value>, ApiError> {
    group["filters"]
        .as_array()
        .ok_or_else(|| ApiError::validation("each filter group needs a filters array"))
}

/// The condition `groups` (an OR of ANDs of filters) sets over `objects o`; `None` when no
/// group holds a filter (every object matches).
fn or_of_ands(
    sql: &mut Sql,
    defs: &HashMap<String, Definition>,
    groups: &[Value],
) -> Result<Option<String>, ApiError> {
    let mut ors = Vec::new();
    for group in groups {
        let ands: Vec<String> = group_filters(group)?
            .iter()
            .map(|f| filter(sql, defs, f))
            .collect::<Result<_, _>>()?;
        if !ands.is_empty() {
            ors.push(format!("({})", ands.join(" AND ")));
        }
    }
    Ok((!ors.is_empty()).then(|| format!("({})", ors.join(" OR "))))
}

/// What a set of filter groups selects, for other modules' statements: the condition over
/// `objects o` (`TRUE` when there is no filter) and its parameters.
pub(crate) struct Condition {
    sql: Sql,
    /// The condition's text, its parameters numbered from `$1`.
    pub(crate) text: String,
}

impl Condition {
    /// Adds a parameter after the condition's own, returning its placeholder.
    pub(crate) fn bind(&mut self, value: impl ToSql + Sync + Send + 'static) -> String {
        self.sql.bind(value)
    }

    /// The parameters, in order.
    pub(crate) fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.sql
            .params
            .iter()
            .map(|p| &**p as &(dyn ToSql + Sync))
            .collect()
    }
}

/// The condition search's `filterGroups` `groups` set over live and archived objects of
/// `object_type` alike (the caller adds those terms), with the search's operators and
/// property checks but not its limits on the number of filters (lists' filters use it).
///
/// # Errors
///
/// The refusals of a search's filters (unknown properties and operators, missing values),
/// and the definitions' statement's error.
pub(crate) async fn condition(
    client: &impl asym_kit::deadpool_postgres::GenericClient,
    object_type: &ObjectType,
    groups: &[Value],
) -> Result<Condition, ApiError> {
    let names = used_properties(&json!({ "filterGroups": groups }));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let defs = values::definitions(client, &object_type.name, &names).await?;
    let mut sql = Sql::default();
    let text = or_of_ands(&mut sql, &defs, groups)?.unwrap_or_else(|| "TRUE".to_owned());
    Ok(Condition { sql, text })
}

fn compile(
    object_type: &ObjectType,
    body: &Value,
    defs: &HashMap<String, Definition>,
    limit: i64,
    offset: i64,
) -> Result<(String, Sql), ApiError> {
    let mut sql = Sql::default();
    // The type is one of the catalog's static names, not the caller's text: written into the
    // statement, it lets the planner see how many rows it covers (bound as a parameter, the
    // cached generic plan guesses a few and walks the type's whole index before the table).
    let mut clauses = vec![
        format!("o.type = '{}'", object_type.name),
        "NOT o.archived".to_owned(),
    ];
    let groups = body
        .get("filterGroups")
        .filter(|v| !v.is_null())
        .map(|v| {
            v.as_array()
                .ok_or_else(|| ApiError::validation("filterGroups must be an array"))
        })
        .transpose()?
        .cloned()
        .unwrap_or_default();
    if groups.len() > MAX_GROUPS {
        return Err(ApiError::validation(format!(
            "Too many filter groups: {} were sent, the limit is {MAX_GROUPS}",
            groups.len()
        )));
    }
    let mut all_filters = 0;
    for group in &groups {
        let filters = group_filters(group)?;
        if filters.len() > MAX_FILTERS {
            return Err(ApiError::validation(format!(
                "Too many filters in a group: {} were sent, the limit is {MAX_FILTERS}",
                filters.len()
            )));
        }
        all_filters += filters.len();
        if all_filters > MAX_ALL_FILTERS {
            return Err(ApiError::validation(format!(
                "Too many filters: more than {MAX_ALL_FILTERS} were sent across the filter groups"
            )));
        }
    }
    clauses.extend(or_of_ands(&mut sql, defs, &groups)?);
    if let Some(query) = optional_text(body, "query")?.filter(|q| !q.trim().is_empty()) {
        // Every word must appear in one of the default searchable properties (a full name
        // finds a contact whose first and last names hold one word each).
        let patterns: Vec<String> = query
            .split_whitespace()
            .map(|word| {
                let escaped = word
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                format!("%{escaped}%")
            })
            .collect();
        let patterns = sql.bind(patterns);
        let names = sql.bind(
            object_type
                .searchable
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>(),
        );
        clauses.push(format!(
            "NOT EXISTS (SELECT 1 FROM unnest({patterns}::text[]) AS w (pattern) \
             WHERE NOT EXISTS (SELECT 1 FROM unnest({names}::text[]) AS s (name) \
             WHERE o.properties->>s.name ILIKE w.pattern))"
        ));
    }
    // Matching ids and sort keys first (cheap), then the page's rows only: serialising every
    // match's properties just to count them would cost a hundred times more.
    let (mut keys, mut order) = (Vec::new(), Vec::new());
    for (i, (name, ascending)) in sorts(body)?.into_iter().enumerate() {
        let kind = kind(&name, defined(defs, &name)?);
        keys.push(format!("{} AS s{i}", value_expr(&mut sql, &name, kind)));
        let direction = if ascending { "ASC" } else { "DESC" };
        order.push(format!("s{i} {direction} NULLS LAST"));
    }
    order.push("id".to_owned());
    keys.push("o.id".to_owned());
    let limit = sql.bind(limit);
    let offset = sql.bind(offset);
    let order = order.join(", ");
    let text = format!(
        "WITH m AS MATERIALIZED (SELECT {keys} FROM objects o WHERE {where_}),
              page AS (SELECT * FROM m ORDER BY {order} LIMIT {limit} OFFSET {offset})
         SELECT {cols}, (SELECT count(*) FROM m) FROM page JOIN objects o ON o.id = page.id
         ORDER BY {page_order}",
        keys = keys.join(", "),
        where_ = clauses.join(" AND "),
        cols = columns("o"),
        page_order = order
            .split(", ")
            .map(|term| format!("page.{term}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    Ok((text, sql))
}

/// The property names a request's filters and sorts use.
fn used_properties(body: &Value) -> Vec<String> {
    let mut names: Vec<String> = body["filterGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| g["filters"].as_array().into_iter().flatten())
        .filter_map(|f| f["propertyName"].as_str().map(str::to_owned))
        .collect();
    names.extend(sorts(body).unwrap_or_default().into_iter().map(|(n, _)| n));
    names.sort();
    names.dedup();
    names
}

/// `POST /crm/v3/objects/{type}/search`.
pub(crate) async fn search(call: Call, JsonBody(body): JsonBody) -> ApiResult {
    let object_type = gate(&call, false).await?;
    if !body.is_object() {
        return Err(ApiError::validation(
            "Invalid input JSON: the body must be an object",
        ));
    }
    let limit = body_limit(&body, 10, MAX_LIMIT)?;
    let offset = match &body["after"] {
        Value::Null => 0,
        Value::String(s) if s.is_empty() => 0,
        Value::String(s) => s
            .parse::<i64>()
            .map_err(|_| ApiError::validation(format!("after: {s} is not a valid offset")))?,
        Value::Number(n) => n.as_i64().unwrap_or(-1),
        _ => -1,
    };
    if offset < 0 {
        return Err(ApiError::validation("after must be a non-negative offset"));
    }
    if offset + limit > MAX_RESULTS {
        return Err(ApiError::validation(format!(
            "The search results cannot be paged past {MAX_RESULTS} results"
        )));
    }
    let client = call.kit.db().await?;
    // One read of the definitions serves the filters, the sorts and the answer's properties.
    let asked = string_list(&body, "properties")?;
    let mut used = used_properties(&body);
    used.extend(asked.iter().cloned());
    let used: Vec<&str> = used.iter().map(String::as_str).collect();
    let defs = if used.is_empty() {
        HashMap::new()
    } else {
        values::definitions(&client, &object_type.name, &used).await?
    };
    let (text, sql) = compile(&object_type, &body, &defs, limit, offset)?;
    let statement = client.prepare_cached(&text).await?;
    let params: Vec<&(dyn ToSql + Sync)> = sql
        .params
        .iter()
        .map(|p| &**p as &(dyn ToSql + Sync))
        .collect();
    let rows = match client.query(&statement, &params).await {
        Ok(rows) => rows,
        // Postgres bounds a pattern's size: a CONTAINS_TOKEN value past it is refused.
        Err(err) if err.code() == Some(&SqlState::INVALID_REGULAR_EXPRESSION) => {
            return Err(ApiError::validation(
                "A CONTAINS_TOKEN value is too complex to match: use fewer wildcards",
            ));
        }
        Err(err) => return Err(err.into()),
    };
    let total: i64 = match rows.first() {
        Some(row) => row.get(7),
        None => 0,
    };
    let objects: Vec<Object> = rows.iter().map(Object::from_row).collect();
    let view = View::among(&object_type, &asked, &defs, &[], &[]);
    let results = render::render_all(&client, &objects, &view).await?;
    let next = offset + i64::try_from(objects.len()).unwrap_or(0);
    let next = (next < total && next < MAX_RESULTS).then(|| next.to_string());
    let link = format!(
        "{}/crm/v3/objects/{}/search",
        call.kit.config().public_url,
        object_type.name
    );
    let mut out = render::page(results, next, &link);
    out["total"] = json!(total);
    Ok(axum::Json(out).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_become_anchored_patterns() {
        assert_eq!(token_regex("*@example.com"), "^.*\\@example\\.com$");
        assert_eq!(token_regex("a***b"), "^a.*b$");
        assert_eq!(token_regex("acme"), "(^|[^[:alnum:]])acme([^[:alnum:]]|$)");
    }

    /// Definitions of `email` (text) and `createdate` (a datetime), as the catalog has them.
    fn defs() -> HashMap<String, Definition> {
        [
            ("email", "string", "text"),
            ("createdate", "datetime", "date"),
        ]
        .into_iter()
        .map(|(name, kind, field_type)| {
            let def = Definition {
                kind: kind.to_owned(),
                field_type: field_type.to_owned(),
                options: Vec::new(),
                read_only: false,
                unique: false,
            };
            (name.to_owned(), def)
        })
        .collect()
    }

    /// `compile` over the contacts with [`defs`]: the statement or the refusal's message.
    fn compiled(body: &Value) -> Result<(String, Sql), String> {
        let contacts = crate::types::lookup("contacts").unwrap();
        compile(contacts, body, &defs(), 10, 0).map_err(|err| err.message().to_owned())
    }

    #[test]
    fn filters_compile_to_parameters_only() {
        let body = json!({"filterGroups": [{"filters": [
            {"propertyName": "email", "operator": "EQ", "value": "x'; DROP TABLE objects; --"}
        ]}], "sorts": ["-createdate"]});
        let (text, sql) = compiled(&body).unwrap();
        assert!(!text.contains("DROP"));
        // email's name and value, the limit and the offset; `createdate` is written as the
        // index's own expression.
        assert_eq!(sql.params.len(), 4);
        assert!(text.contains("o.properties->>'createdate'"), "{text}");
    }

    #[test]
    fn limits_are_enforced() {
        let filters = |n: usize| json!({"filters": vec![json!({"propertyName": "email", "operator": "HAS_PROPERTY"}); n]});
        // Three full groups are the 18 filters allowed in all.
        assert!(compiled(&json!({"filterGroups": vec![filters(6); 3]})).is_ok());
        for (body, refusal) in [
            (
                json!({"filterGroups": vec![filters(1); 6]}),
                "Too many filter groups",
            ),
            (
                json!({"filterGroups": [filters(7)]}),
                "Too many filters in a group",
            ),
            (
                json!({"filterGroups": vec![filters(5); 4]}),
                "Too many filters: more than 18",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "email", "operator": "LIKE", "value": "x"}]}]}),
                "Invalid input JSON: Cannot deserialize value of type FilterOperator",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "email", "value": "x"}]}]}),
                "Invalid input JSON: Cannot build Filter",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "nope", "operator": "HAS_PROPERTY"}]}]}),
                "Property \"nope\" does not exist",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "associations.widget", "operator": "EQ", "value": "1"}]}]}),
                "Property \"associations.widget\" does not exist",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "associations.p_car", "operator": "EQ", "value": "1"}]}]}),
                "associations.p_car: searching through custom object associations is not supported",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "associations.company", "operator": "GT", "value": "1"}]}]}),
                "Operator GT is not supported on associations.company",
            ),
            (
                json!({"filterGroups": [{"filters": [{"propertyName": "associations.company", "operator": "EQ", "value": "acme"}]}]}),
                "acme is not a valid object id",
            ),
            (
                json!({"sorts": ["-nope"]}),
                "Property \"nope\" does not exist",
            ),
        ] {
            let refused = compiled(&body).err().unwrap_or_default();
            assert!(refused.starts_with(refusal), "{body}: {refused}");
        }
    }
}
