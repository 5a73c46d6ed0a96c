//! Filters and sorts on formula and rollup properties, whose values exist only when a page
//! is answered. A query's filter compiles each such condition to `p.id = ANY($n)` and each
//! such sort to a rank `($n::jsonb ->> p.id)` ([`crate::filter`]); [`resolve`] then
//! computes the property for every page the query could answer (its data source's, in or
//! out of the trash as asked), tests the condition or ranks the values, and binds the
//! matching ids or the ranks. A query naming no computed property reads nothing more.
//!
//! Conditions follow Notion's: `formula: {string | number | checkbox | date: condition}`,
//! where the type must be the formula's result type; `rollup: {number | date: condition}`
//! for a rollup answering a number or a date; `rollup: {any | every | none: condition}`
//! for one answering an array, the condition's type being the rolled-up property's.

use std::cmp::Ordering;

use asym_kit::deadpool_postgres::GenericClient;
use chrono::Utc;
use serde_json::{Value, json};

use crate::condition::{Condition, instant, single};
use crate::error::{ApiError, ApiResult};
use crate::pages::{self, COLUMNS};
use crate::schema::{self, Schema};
use crate::values;

/// How a rollup answering an array applies a condition to its items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantifier {
    /// At least one item meets it.
    Any,
    /// Every item meets it (a rollup of no page does).
    Every,
    /// No item meets it.
    None,
}

/// A condition on a computed property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Test {
    /// On the value itself: a formula's result, or a rollup's number or date.
    Value(Condition),
    /// On the items of a rollup answering an array, whose condition is of type `kind`.
    Items(Quantifier, String, Condition),
}

/// What a query needs of a computed property.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Need {
    /// The ids of the pages whose value meets the test (a `text[]` parameter).
    Filter(Test),
    /// A rank per page, equal values sharing one, empty values left out (a JSON object
    /// parameter, `{"<page id>": rank}`).
    Order,
}

/// What [`resolve`] found for one computed property: its parameter's value.
#[derive(Debug, PartialEq)]
pub(crate) enum Bound {
    /// [`Need::Filter`]'s ids.
    Ids(Vec<String>),
    /// [`Need::Order`]'s ranks, a JSON object as text.
    Ranks(String),
}

/// One computed property a query filters or sorts on.
#[derive(Debug)]
pub(crate) struct Computed {
    /// The property's id.
    pub(crate) id: String,
    /// What the query needs of it.
    pub(crate) need: Need,
    /// The index of its parameter among the compiler's.
    pub(crate) slot: usize,
}

fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// The condition types a value type takes (a formula's `boolean` is filtered as `checkbox`).
fn filter_type(result: &str) -> &str {
    if result == "boolean" {
        "checkbox"
    } else {
        result
    }
}

/// The test of a `formula` or `rollup` filter `condition` (the body value at `path`) on
/// property `prop` of `schema`.
///
/// # Errors
///
/// 400 `validation_error` when the condition is malformed or of another type than the
/// formula's result or the rollup's value.
pub(crate) fn parse(
    schema: &Schema,
    prop: &Value,
    condition: &Value,
    path: &str,
) -> ApiResult<Test> {
    let name = prop["name"].as_str().unwrap_or_default();
    if schema::kind(prop) == "formula" {
        let (kind, inner) = single(condition, path, &["string", "checkbox", "number", "date"])?;
        let expression = prop["formula"]["expression"].as_str().unwrap_or_default();
        if let Some(result) = crate::formula::result_type(expression, schema)
            && filter_type(result) != kind
        {
            return Err(invalid(format!(
                "body failed validation: the formula `{name}` answers a {result}, which a `{kind}` filter cannot test; use `{}`.",
                filter_type(result)
            )));
        }
        return Ok(Test::Value(Condition::parse(
            kind,
            inner,
            &format!("{path}.{kind}"),
        )?));
    }
    let function = prop["rollup"]["function"].as_str().unwrap_or_default();
    let result = crate::rollup::result_type(function);
    let (shape, inner) = single(condition, path, &["any", "every", "none", "number", "date"])?;
    let here = format!("{path}.{shape}");
    let quantifier = match shape {
        "any" => Quantifier::Any,
        "every" => Quantifier::Every,
        "none" => Quantifier::None,
        _ if shape == result => return Ok(Test::Value(Condition::parse(shape, inner, &here)?)),
        _ => return Err(wrong_rollup(name, function, result, shape)),
    };
    if result != "array" {
        return Err(wrong_rollup(name, function, result, shape));
    }
    let kinds = [
        "rich_text",
        "number",
        "checkbox",
        "select",
        "multi_select",
        "relation",
        "date",
        "people",
        "files",
        "status",
    ];
    let (kind, item) = single(inner, &here, &kinds)?;
    let condition = Condition::parse(kind, item, &format!("{here}.{kind}"))?;
    Ok(Test::Items(quantifier, kind.to_owned(), condition))
}

fn wrong_rollup(name: &str, function: &str, result: &str, shape: &str) -> ApiError {
    if result == "unsupported" {
        return invalid(format!(
            "body failed validation: the rollup `{name}` ({function}) answers no value the API can filter on (`unsupported`), which a `{shape}` filter cannot test."
        ));
    }
    let fits = if result == "array" {
        "`any`, `every` or `none`".to_owned()
    } else {
        format!("`{result}`")
    };
    invalid(format!(
        "body failed validation: the rollup `{name}` ({function}) answers a {result}, which a `{shape}` filter cannot test; use {fits}."
    ))
}

/// The condition type that tests a rolled-up property of type `kind`.
fn item_filter_type(kind: &str) -> &str {
    match kind {
        "title" | "rich_text" | "url" | "email" | "phone_number" => "rich_text",
        "unique_id" => "number",
        "created_time" | "last_edited_time" => "date",
        "created_by" | "last_edited_by" => "people",
        other => other,
    }
}

/// The parameters of `computed` (a compiler's, over `schema`, data source `data_source`'s),
/// by slot: computes each property named once for the pages `scope` admits (a condition on
/// `pages p`: trash and sharing), tests or ranks them; only the rollups named are rolled up.
///
/// # Errors
///
/// 400 `validation_error` for an `any`/`every`/`none` condition whose type is not the
/// rolled-up property's; the statements' errors.
pub(crate) async fn resolve(
    client: &impl GenericClient,
    (data_source, scope): (&str, &str),
    schema: &Schema,
    computed: &[Computed],
) -> ApiResult<Vec<(usize, Bound)>> {
    check_items(client, data_source, schema, computed).await?;
    let mut named: Vec<&str> = computed
        .iter()
        .map(|one| one.id.as_str())
        .filter(|id| schema.contains_key(*id))
        .collect();
    named.sort_unstable();
    named.dedup();
    let rollups: Schema = named
        .iter()
        .filter(|id| schema::kind(&schema[**id]) == "rollup")
        .map(|id| ((*id).to_owned(), schema[*id].clone()))
        .collect();
    let sql = format!("SELECT {COLUMNS} FROM pages p WHERE p.data_source_id = $1 AND {scope}");
    let statement = client.prepare_cached(&sql).await?;
    let rows = client.query(&statement, &[&data_source]).await?;
    let rolled = pages::rolled_for(client, &rollups, &rows.iter().collect::<Vec<_>>()).await?;
    // Each property's value on each page: [page][property], properties in `named`'s order.
    let values: Vec<(String, Vec<Value>)> = rows
        .iter()
        .map(|row| {
            let id: String = row.get(0);
            let (props, meta) = pages::props_and_meta(row);
            let page = named
                .iter()
                .map(|named| {
                    let prop = &schema[*named];
                    let mut value =
                        values::render_property(named, prop, schema, &props, meta, rolled.get(&id));
                    value[schema::kind(prop)].take()
                })
                .collect();
            (id, page)
        })
        .collect();
    let now = Utc::now();
    let mut found = Vec::with_capacity(computed.len());
    for one in computed {
        let Some(at) = named.iter().position(|id| *id == one.id) else {
            continue;
        };
        let of_each = values.iter().map(|(id, page)| (id, &page[at]));
        let bound = match &one.need {
            Need::Filter(test) => Bound::Ids(
                of_each
                    .filter(|(_, value)| holds(test, value, now))
                    .map(|(id, _)| id.clone())
                    .collect(),
            ),
            Need::Order => Bound::Ranks(ranks(of_each).to_string()),
        };
        found.push((one.slot, bound));
    }
    Ok(found)
}

/// Checks each `any`/`every`/`none` condition against the type of the property its rollup
/// rolls up (read from the related data source).
async fn check_items(
    client: &impl GenericClient,
    own: &str,
    schema: &Schema,
    computed: &[Computed],
) -> ApiResult<()> {
    for one in computed {
        let Need::Filter(Test::Items(_, kind, _)) = &one.need else {
            continue;
        };
        let rollup = &schema[&one.id];
        let config = &rollup["rollup"];
        let relation = config["relation_property_id"].as_str().unwrap_or_default();
        let target = schema
            .get(relation)
            .and_then(|r| r["relation"]["data_source_id"].as_str())
            .unwrap_or(own);
        let other = if target == own {
            schema.clone()
        } else {
            let row = client
                .query_opt(
                    "SELECT schema::text FROM data_sources WHERE id = $1",
                    &[&target],
                )
                .await?;
            row.map_or_else(Schema::new, |row| schema::load(row.get(0)))
        };
        let Some((_, rolled)) = schema::find(
            &other,
            config["rollup_property_id"].as_str().unwrap_or_default(),
        ) else {
            continue;
        };
        let fits = match schema::kind(rolled) {
            "formula" => rolled["formula"]["expression"]
                .as_str()
                .and_then(|e| crate::formula::result_type(e, &other))
                .map(filter_type)
                .map(|t| if t == "string" { "rich_text" } else { t }),
            "rollup" => None,
            other_kind => Some(item_filter_type(other_kind)),
        };
        if let Some(fits) = fits.filter(|fits| *fits != kind.as_str()) {
            return Err(invalid(format!(
                "body failed validation: the rollup `{}` rolls up `{}`, which a `{kind}` filter cannot test; use `{fits}`.",
                rollup["name"].as_str().unwrap_or_default(),
                rolled["name"].as_str().unwrap_or_default(),
            )));
        }
    }
    Ok(())
}

/// Whether a computed `value` (`{type, <type>: …}` as answered inside the property) meets
/// `test`.
fn holds(test: &Test, value: &Value, now: chrono::DateTime<Utc>) -> bool {
    match test {
        Test::Value(condition) => condition.holds(&plain(value), now),
        Test::Items(quantifier, _, condition) => {
            let items = value["array"].as_array().map_or(&[][..], Vec::as_slice);
            let mut met = items.iter().map(|item| condition.holds(&plain(item), now));
            match quantifier {
                Quantifier::Any => met.any(|m| m),
                Quantifier::Every => met.all(|m| m),
                Quantifier::None => !met.any(|m| m),
            }
        }
    }
}

/// A `{type, <type>: value}` value reduced as `pages.fv` holds values: plain text, a
/// number, a boolean, an option's name, a list of names or ids, a date's start; `null`
/// when empty.
fn plain(value: &Value) -> Value {
    let kind = value["type"].as_str().unwrap_or_default();
    let inner = &value[kind];
    let names = |key: &str| {
        Value::Array(
            inner
                .as_array()
                .into_iter()
                .flatten()
                .map(|item| item[key].clone())
                .collect(),
        )
    };
    match kind {
        "title" | "rich_text" => Value::String(crate::richtext::plain(inner)),
        "string" | "number" | "boolean" | "checkbox" | "url" | "email" | "phone_number"
        | "created_time" | "last_edited_time" => inner.clone(),
        "select" | "status" => inner["name"].clone(),
        "multi_select" | "files" => names("name"),
        "people" | "relation" => names("id"),
        "created_by" | "last_edited_by" => json!([inner["id"]]),
        "date" => inner["start"].clone(),
        "unique_id" => inner["number"].clone(),
        "formula" | "rollup" => plain(inner),
        _ => Value::Null,
    }
}

/// A value's place in a sort.
#[derive(Debug, Clone)]
enum Key {
    Bool(bool),
    Number(f64),
    Date(i64),
    Text(String),
}

impl Key {
    /// The sort key of a computed value; `None` when it is empty (sorted last).
    fn of(value: &Value) -> Option<Self> {
        let kind = value["type"].as_str().unwrap_or_default();
        match kind {
            "array" => {
                let text: Vec<String> = value["array"]
                    .as_array()?
                    .iter()
                    .map(|item| match plain(item) {
                        Value::String(text) => text,
                        Value::Null => String::new(),
                        other => other.to_string(),
                    })
                    .collect();
                let text = text.join(", ");
                (!text.is_empty()).then(|| Self::Text(text.to_lowercase()))
            }
            "date" => instant(value["date"]["start"].as_str()?)
                .map(|at| Self::Date(at.timestamp_micros())),
            _ => match plain(value) {
                Value::Bool(flag) => Some(Self::Bool(flag)),
                Value::Number(n) => n.as_f64().map(Self::Number),
                Value::String(text) => Some(Self::Text(text.to_lowercase())),
                _ => None,
            },
        }
    }

    fn rank(&self) -> u8 {
        match self {
            Self::Bool(_) => 0,
            Self::Number(_) => 1,
            Self::Date(_) => 2,
            Self::Text(_) => 3,
        }
    }

    fn order(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (Self::Number(a), Self::Number(b)) => a.total_cmp(b),
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// `{"<page id>": rank}`: ranks ascending by value, equal values sharing one; pages with
/// an empty value are left out (the statement sorts them last either way).
fn ranks<'a>(values: impl IntoIterator<Item = (&'a String, &'a Value)>) -> Value {
    let mut keyed: Vec<(&String, Key)> = values
        .into_iter()
        .filter_map(|(id, value)| Key::of(value).map(|key| (id, key)))
        .collect();
    keyed.sort_by(|a, b| a.1.order(&b.1));
    let mut out = serde_json::Map::with_capacity(keyed.len());
    let mut rank = 0_i64;
    for (i, (id, key)) in keyed.iter().enumerate() {
        if i > 0 && keyed[i - 1].1.order(key) != Ordering::Equal {
            rank += 1;
        }
        out.insert((*id).clone(), rank.into());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        let mut schema = schema::create(
            Some(&json!({
                "Name": { "title": {} },
                "Points": { "number": {} },
                "Double": { "formula": { "expression": "prop(\"Points\") * 2" } },
                "Label": { "formula": { "expression": "prop(\"Name\") + \"!\"" } },
                "Either": { "formula": { "expression": "if(prop(\"Points\") > 1, 1, \"x\")" } },
            })),
            "p",
        )
        .unwrap();
        for (name, function) in [("Total", "sum"), ("Titles", "show_original")] {
            let id = format!("r{name}");
            schema.insert(
                id,
                json!({ "name": name, "type": "rollup", "rollup": { "function": function, "relation_property_id": "x", "rollup_property_id": "title" } }),
            );
        }
        schema
    }

    fn parsed(key: &str, condition: Value) -> ApiResult<Test> {
        let schema = schema();
        let (_, prop) = schema::find(&schema, key).unwrap();
        parse(&schema, prop, &condition, "body.filter.formula")
    }

    #[test]
    fn conditions_must_fit_the_result_type() {
        for (key, condition) in [
            ("Double", json!({ "number": { "greater_than": 3 } })),
            ("Label", json!({ "string": { "contains": "x" } })),
            ("Either", json!({ "number": { "equals": 1 } })),
            ("Either", json!({ "string": { "equals": "x" } })),
            ("Total", json!({ "number": { "equals": 3 } })),
            (
                "Titles",
                json!({ "any": { "rich_text": { "contains": "x" } } }),
            ),
            ("Titles", json!({ "none": { "number": { "equals": 1 } } })),
        ] {
            assert!(parsed(key, condition.clone()).is_ok(), "{key} {condition}");
        }
        for (key, condition) in [
            ("Double", json!({ "string": { "contains": "3" } })),
            ("Label", json!({ "checkbox": { "equals": true } })),
            ("Double", json!({ "number": { "contains": 3 } })),
            ("Total", json!({ "date": { "after": "2025-01-01" } })),
            ("Total", json!({ "any": { "number": { "equals": 1 } } })),
            ("Titles", json!({ "number": { "equals": 1 } })),
            (
                "Titles",
                json!({ "some": { "rich_text": { "contains": "x" } } }),
            ),
            (
                "Titles",
                json!({ "every": { "title": { "contains": "x" } } }),
            ),
        ] {
            let err = parsed(key, condition.clone()).unwrap_err();
            assert_eq!(err.code(), "validation_error", "{key} {condition}");
        }
    }

    #[test]
    fn quantifiers_test_the_items() {
        let items = |texts: &[&str]| json!({ "type": "array", "array": texts.iter().map(|t| json!({ "type": "rich_text", "rich_text": [{ "plain_text": t }] })).collect::<Vec<_>>() });
        let now = Utc::now();
        let contains = |shape: &str| {
            parsed(
                "Titles",
                json!({ shape: { "rich_text": { "contains": "ship" } } }),
            )
            .unwrap()
        };
        let cases = [
            ("any", &["Ship it", "Test"][..], true),
            ("any", &[][..], false),
            ("every", &["Ship it", "Test"][..], false),
            ("every", &["Ship", "ship"][..], true),
            ("every", &[][..], true),
            ("none", &["Test"][..], true),
            ("none", &["Test", "Ship"][..], false),
        ];
        for (shape, texts, expected) in cases {
            assert_eq!(
                holds(&contains(shape), &items(texts), now),
                expected,
                "{shape} {texts:?}"
            );
        }
    }

    #[test]
    fn ranks_share_ties_and_leave_empty_values_out() {
        let number = |n: Value| json!({ "type": "number", "number": n });
        let values: Vec<(String, Value)> = [
            ("a", number(json!(3))),
            ("b", number(Value::Null)),
            ("c", number(json!(1))),
            ("d", number(json!(3))),
            ("e", json!({ "type": "string", "string": null })),
        ]
        .into_iter()
        .map(|(id, value)| (id.to_owned(), value))
        .collect();
        assert_eq!(
            ranks(values.iter().map(|(id, v)| (id, v))),
            json!({ "c": 0, "a": 1, "d": 1 })
        );
        let dates = [
            (
                "x".to_owned(),
                json!({ "type": "date", "date": { "start": "2025-02-01" } }),
            ),
            (
                "y".to_owned(),
                json!({ "type": "date", "date": { "start": "2025-01-31T23:00:00Z" } }),
            ),
        ];
        assert_eq!(
            ranks(dates.iter().map(|(id, v)| (id, v))),
            json!({ "y": 0, "x": 1 })
        );
    }
}
