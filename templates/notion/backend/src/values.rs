//! Page property values: a request's values checked against the schema and stored twice —
//! as answered (`pages.props`) and reduced for filters and sorts (`pages.fv`) — and the
//! answered `properties` object, computed properties included.

use serde_json::{Map, Value, json};

use crate::content;
use crate::dates::date;
use crate::error::{
    ApiError, ApiResult, MAX_CONTACT, MAX_URL, array_at, at_most, invalid, object_at,
};
use crate::richtext::{self, MAX_ITEMS};
use crate::rows::Meta;
use crate::schema::{self, Schema};

/// A page's stored values: answered form and filter form, keyed by property id.
#[derive(Debug, Default, Clone)]
pub(crate) struct Stored {
    /// Values as answered.
    pub(crate) props: Map<String, Value>,
    /// Values as filters compare them.
    pub(crate) fv: Map<String, Value>,
}

fn ids_of(value: &Value, path: &str, object: Option<&str>) -> ApiResult<(Value, Value)> {
    let items = array_at(value, path, MAX_ITEMS)?;
    let mut answered = Vec::with_capacity(items.len());
    let mut ids = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let id = crate::request::body_id(&format!("{path}[{i}].id"), item.get("id"))?;
        answered.push(match object {
            Some(object) => json!({ "object": object, "id": id }),
            None => json!({ "id": id }),
        });
        ids.push(Value::String(id));
    }
    Ok((Value::Array(answered), Value::Array(ids)))
}

/// Resolves a select/status option by `name` or `id`; unknown select names are added to
/// the schema (as Notion does), unknown status names are refused.
fn option(prop: &mut Value, kind: &str, given: &Value, path: &str) -> ApiResult<Value> {
    let options = prop[kind]["options"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let name = given.get("name").and_then(Value::as_str);
    let id = given.get("id").and_then(Value::as_str);
    if name.is_none() && id.is_none() {
        return Err(invalid(&format!("{path}.name"), "defined", &Value::Null));
    }
    if let Some(found) = options
        .iter()
        .find(|o| name.is_some_and(|n| o["name"] == n) || id.is_some_and(|i| o["id"] == i))
    {
        return Ok(json!({ "id": found["id"], "name": found["name"], "color": found["color"] }));
    }
    match name {
        Some(name) if kind != "status" && !name.contains(',') && name.len() <= 100 => {
            let new = schema::new_option(name);
            if let Some(list) = prop[kind]["options"].as_array_mut() {
                list.push(new.clone());
            } else {
                prop[kind]["options"] = json!([new.clone()]);
            }
            Ok(json!({ "id": new["id"], "name": name, "color": "default" }))
        }
        _ => Err(ApiError::validation(format!(
            "{} is not a valid option for {kind} property `{}`.",
            name.or(id).unwrap_or_default(),
            prop["name"].as_str().unwrap_or_default()
        ))),
    }
}

/// Checks the request's `properties` against `schema` and writes them into `stored`.
/// Returns whether the schema gained select options (and must be saved).
pub(crate) fn apply(schema: &mut Schema, stored: &mut Stored, given: &Value) -> ApiResult<bool> {
    let given = object_at(given, "body.properties")?;
    let mut schema_changed = false;
    for (key, value) in given {
        let path = format!("body.properties.{key}");
        let Some((id, _)) = schema::find(schema, key) else {
            return Err(ApiError::validation(format!(
                "{key} is not a property that exists."
            )));
        };
        let id = id.to_owned();
        let kind = schema::kind(&schema[&id]).to_owned();
        let inner = match value.as_object() {
            Some(object) if object.contains_key(&kind) => &object[&kind],
            Some(object) => {
                return Err(invalid(
                    &format!("{path}.{kind}"),
                    "defined",
                    &object.keys().next().map_or(Value::Null, |k| json!(k)),
                ));
            }
            None if value.is_array() && matches!(kind.as_str(), "title" | "rich_text") => value,
            None => return Err(invalid(&path, "an object", value)),
        };
        let here = format!("{path}.{kind}");
        let (answer, filter) = match kind.as_str() {
            "title" | "rich_text" => {
                let text = richtext::normalize(inner, &here)?;
                let plain = richtext::plain(&text);
                (text, Value::String(plain))
            }
            "number" => match inner {
                Value::Null => (Value::Null, Value::Null),
                Value::Number(n) => (Value::Number(n.clone()), Value::Number(n.clone())),
                other => return Err(invalid(&here, "a number or `null`", other)),
            },
            "checkbox" => match inner {
                Value::Bool(b) => (Value::Bool(*b), Value::Bool(*b)),
                other => return Err(invalid(&here, "a boolean", other)),
            },
            "url" | "email" | "phone_number" => match inner {
                Value::Null => (Value::Null, Value::Null),
                Value::String(s) => {
                    let max = if kind == "url" { MAX_URL } else { MAX_CONTACT };
                    at_most(s, &here, max)?;
                    (inner.clone(), inner.clone())
                }
                other => return Err(invalid(&here, "a string or `null`", other)),
            },
            "select" | "status" => match inner {
                Value::Null => (Value::Null, Value::Null),
                Value::Object(_) => {
                    let before = schema[&id][&kind]["options"].as_array().map_or(0, Vec::len);
                    let prop = schema
                        .get_mut(&id)
                        .ok_or_else(|| ApiError::internal("schema"))?;
                    let chosen = option(prop, &kind, inner, &here)?;
                    schema_changed |=
                        prop[&kind]["options"].as_array().map_or(0, Vec::len) != before;
                    let name = chosen["name"].clone();
                    (chosen, name)
                }
                other => return Err(invalid(&here, "an object or `null`", other)),
            },
            "multi_select" => {
                let items = array_at(inner, &here, MAX_ITEMS)?;
                let mut chosen = Vec::with_capacity(items.len());
                let mut names = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let before = schema[&id][&kind]["options"].as_array().map_or(0, Vec::len);
                    let prop = schema
                        .get_mut(&id)
                        .ok_or_else(|| ApiError::internal("schema"))?;
                    let one = option(prop, "multi_select", item, &format!("{here}[{i}]"))?;
                    schema_changed |=
                        prop[&kind]["options"].as_array().map_or(0, Vec::len) != before;
                    names.push(one["name"].clone());
                    chosen.push(one);
                }
                (Value::Array(chosen), Value::Array(names))
            }
            "date" => match inner {
                Value::Null => (Value::Null, Value::Null),
                other => {
                    let date = date(other, &here)?;
                    let start = date["start"].clone();
                    (date, start)
                }
            },
            "people" => ids_of(inner, &here, Some("user"))?,
            "relation" => ids_of(inner, &here, None)?,
            "files" => {
                let items = inner
                    .as_array()
                    .ok_or_else(|| invalid(&here, "an array", inner))?;
                let files = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let path = format!("{here}[{i}]");
                        let mut file = content::file_object(object_at(item, &path)?, &path)?;
                        // An upload's default name is its file's, known once it is attached.
                        let name = item.get("name").and_then(Value::as_str).map_or_else(
                            || {
                                file.get("external")
                                    .map_or(Value::Null, |e| e["url"].clone())
                            },
                            Value::from,
                        );
                        file.insert("name".into(), name);
                        Ok(Value::Object(file))
                    })
                    .collect::<ApiResult<Vec<_>>>()?;
                let names = files.iter().map(|f| f["name"].clone()).collect();
                (Value::Array(files), Value::Array(names))
            }
            read_only => {
                return Err(ApiError::validation(format!(
                    "{key} is a {read_only} property, which cannot be set through the API."
                )));
            }
        };
        if answer.is_null() {
            stored.props.remove(&id);
            stored.fv.remove(&id);
        } else {
            stored.props.insert(id.clone(), answer);
            if filter.is_null() {
                stored.fv.remove(&id);
            } else {
                stored.fv.insert(id, filter);
            }
        }
    }
    Ok(schema_changed)
}

/// The empty value of a property of `kind`.
fn empty(kind: &str) -> Value {
    match kind {
        "title" | "rich_text" | "multi_select" | "people" | "relation" | "files" => json!([]),
        "checkbox" => Value::Bool(false),
        _ => Value::Null,
    }
}

/// The answered value of a property that is not computed from other pages or formulas.
fn stored_value(kind: &str, stored: Option<Value>, meta: Meta<'_>) -> Value {
    match kind {
        "created_time" => meta.created_time.into(),
        "last_edited_time" => meta.last_edited_time.into(),
        "created_by" => json!({ "object": "user", "id": meta.created_by }),
        "last_edited_by" => json!({ "object": "user", "id": meta.last_edited_by }),
        "button" => json!({}),
        _ => stored.unwrap_or_else(|| empty(kind)),
    }
}

/// `{id, type, <type>: value}` (relations also say `has_more`).
fn wrap(id: &str, kind: &str, value: Value) -> Value {
    let mut out = Map::new();
    out.insert("id".into(), id.into());
    out.insert("type".into(), kind.into());
    out.insert(kind.into(), value);
    if kind == "relation" {
        out.insert("has_more".into(), false.into());
    }
    Value::Object(out)
}

/// One property `id` of a page with stored values `props` as answered: formulas evaluated,
/// rollups taken from `rolled` (the page's, [`crate::relations::resolve`]) or empty.
pub(crate) fn render_property(
    id: &str,
    prop: &Value,
    schema: &Schema,
    props: &Map<String, Value>,
    meta: Meta<'_>,
    rolled: Option<&Map<String, Value>>,
) -> Value {
    let kind = schema::kind(prop);
    let value = match kind {
        "formula" => crate::formula::evaluate(prop, schema, props, meta),
        "rollup" => rolled
            .and_then(|rolled| rolled.get(id))
            .cloned()
            .unwrap_or_else(|| crate::rollup::empty(prop)),
        _ => stored_value(kind, props.get(id).cloned(), meta),
    };
    wrap(id, kind, value)
}

/// The answered `properties` (only the ids in `only`, when given), keyed by name; formulas
/// are evaluated, rollups taken from `rolled` ([`render_property`]).
pub(crate) fn render(
    schema: &Schema,
    mut props: Map<String, Value>,
    meta: Meta<'_>,
    only: Option<&[String]>,
    rolled: Option<&Map<String, Value>>,
) -> Value {
    let wanted = |id: &str, prop: &Value| {
        only.is_none_or(|only| only.iter().any(|o| o == id || prop["name"] == o.as_str()))
    };
    let computed: Vec<(&String, Value)> = schema
        .iter()
        .filter(|(id, prop)| matches!(schema::kind(prop), "formula" | "rollup") && wanted(id, prop))
        .map(|(id, prop)| (id, render_property(id, prop, schema, &props, meta, rolled)))
        .collect();
    let mut out = Map::with_capacity(schema.len());
    for (id, prop) in schema {
        if !wanted(id, prop) {
            continue;
        }
        let name = prop["name"].as_str().unwrap_or_default().to_owned();
        let value = match computed.iter().position(|(c, _)| *c == id) {
            Some(at) => computed[at].1.clone(),
            None => {
                let kind = schema::kind(prop);
                wrap(id, kind, stored_value(kind, props.remove(id), meta))
            }
        };
        out.insert(name, value);
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_against_the_schema() {
        let mut schema = schema::create(
            Some(&json!({ "Name": { "title": {} }, "Tags": { "select": {} }, "Done": { "checkbox": {} } })),
            "p",
        )
        .unwrap();
        let mut stored = Stored::default();
        let changed = apply(
            &mut schema,
            &mut stored,
            &json!({ "Name": { "title": [{ "text": { "content": "A" } }] }, "Tags": { "select": { "name": "x" } } }),
        )
        .unwrap();
        assert!(changed);
        assert_eq!(stored.fv["title"], "A");
        for bad in [
            json!({ "Nope": { "title": [] } }),
            json!({ "Done": { "checkbox": "yes" } }),
            json!({ "Done": { "select": null } }),
        ] {
            assert!(apply(&mut schema, &mut stored, &bad).is_err(), "{bad}");
        }
    }
}
