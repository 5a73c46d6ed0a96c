//! Data source schemas: property configurations as requested (create, update: add, rename,
//! change, remove) and as answered (keyed by name, each with its id).
//!
//! Stored in `data_sources.schema` keyed by property id:
//! `{"<id>": {"name": …, "type": …, "<type>": config, "description": null}}`.

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult};
use crate::ids;

/// Every property type a schema may hold.
pub(crate) const TYPES: [&str; 22] = [
    "title",
    "rich_text",
    "number",
    "select",
    "multi_select",
    "status",
    "date",
    "people",
    "files",
    "checkbox",
    "url",
    "email",
    "phone_number",
    "relation",
    "rollup",
    "formula",
    "created_time",
    "created_by",
    "last_edited_time",
    "last_edited_by",
    "unique_id",
    "button",
];

const COLORS: [&str; 10] = [
    "default", "gray", "brown", "orange", "yellow", "green", "blue", "purple", "pink", "red",
];

/// A schema: property id → stored configuration.
pub(crate) type Schema = Map<String, Value>;

/// Parses a stored schema.
pub(crate) fn load(text: &str) -> Schema {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The schema of a page outside any data source: its title.
pub(crate) fn title_only() -> Schema {
    let mut schema = Map::new();
    schema.insert(
        "title".into(),
        json!({ "name": "title", "type": "title", "title": {}, "description": null }),
    );
    schema
}

/// The id of the property named (or with id) `key`.
pub(crate) fn find<'a>(schema: &'a Schema, key: &str) -> Option<(&'a str, &'a Value)> {
    schema
        .get_key_value(key)
        .map(|(id, prop)| (id.as_str(), prop))
        .or_else(|| {
            schema
                .iter()
                .find(|(_, prop)| prop["name"] == key)
                .map(|(id, prop)| (id.as_str(), prop))
        })
}

/// The type of a stored property.
pub(crate) fn kind(prop: &Value) -> &str {
    prop["type"].as_str().unwrap_or("rich_text")
}

/// The answered `properties` object: keyed by name, each `{id, name, type, description, <type>}`.
pub(crate) fn render(schema: &Schema) -> Value {
    let mut out = Map::with_capacity(schema.len());
    for (id, prop) in schema {
        let mut item = Map::new();
        item.insert("id".into(), id.clone().into());
        item.insert("name".into(), prop["name"].clone());
        item.insert(
            "description".into(),
            prop.get("description").cloned().unwrap_or(Value::Null),
        );
        item.insert("type".into(), prop["type"].clone());
        let kind = kind(prop);
        item.insert(
            kind.into(),
            prop.get(kind).cloned().unwrap_or_else(|| json!({})),
        );
        out.insert(
            prop["name"].as_str().unwrap_or_default().to_owned(),
            Value::Object(item),
        );
    }
    Value::Object(out)
}

fn invalid(message: String) -> ApiError {
    ApiError::validation(message)
}

/// A new schema from a create request's `properties` (one title property required).
pub(crate) fn create(value: Option<&Value>, path: &str) -> ApiResult<Schema> {
    let mut schema = Map::new();
    let Some(value) = value else {
        return Err(invalid(format!(
            "body failed validation: {path} should be defined, instead was `undefined`."
        )));
    };
    apply(&mut schema, value, path)?;
    let titles = schema.values().filter(|p| kind(p) == "title").count();
    if titles != 1 {
        return Err(invalid(format!(
            "Title is not provided: a data source needs exactly one title property, got {titles}."
        )));
    }
    Ok(schema)
}

/// Applies an update's `properties` to `schema`: `null` removes, `name` renames, a type key
/// adds or changes.
pub(crate) fn apply(schema: &mut Schema, value: &Value, path: &str) -> ApiResult<()> {
    let given = value.as_object().ok_or_else(|| {
        invalid(format!(
            "body failed validation: {path} should be an object, instead was `{value}`."
        ))
    })?;
    for (key, change) in given {
        let here = format!("{path}.{key}");
        let existing = find(schema, key).map(|(id, _)| id.to_owned());
        if change.is_null() {
            let id =
                existing.ok_or_else(|| invalid(format!("{key} is not a property that exists.")))?;
            if kind(&schema[&id]) == "title" {
                return Err(invalid("Cannot delete the title property.".into()));
            }
            schema.remove(&id);
            continue;
        }
        let change = change.as_object().ok_or_else(|| {
            invalid(format!("body failed validation: {here} should be an object or `null`, instead was `{change}`."))
        })?;
        let kind = change
            .get("type")
            .and_then(Value::as_str)
            .or_else(|| TYPES.into_iter().find(|t| change.contains_key(*t)));
        let id = existing.clone().unwrap_or_else(|| {
            if kind == Some("title") {
                "title".to_owned()
            } else {
                ids::property_id()
            }
        });
        let mut prop = schema
            .get(&id)
            .cloned()
            .unwrap_or_else(|| json!({ "name": key, "description": null }));
        if let Some(name) = change.get("name") {
            let name = name.as_str().filter(|n| !n.is_empty() && n.len() <= 100).ok_or_else(|| {
                invalid(format!("body failed validation: {here}.name should be a non-empty string, instead was `{name}`."))
            })?;
            if find(schema, name).is_some_and(|(other, _)| other != id) {
                return Err(invalid(format!(
                    "Property name `{name}` is already in use."
                )));
            }
            prop["name"] = name.into();
        }
        if let Some(description) = change.get("description") {
            prop["description"] = description.clone();
        }
        match kind {
            Some(kind) => {
                if !TYPES.contains(&kind) {
                    return Err(invalid(format!(
                        "body failed validation: {here}.type should be a property type, instead was `\"{kind}\"`."
                    )));
                }
                if kind == "title"
                    && schema
                        .iter()
                        .any(|(other, p)| *other != id && self::kind(p) == "title")
                    && existing
                        .as_deref()
                        .is_none_or(|e| self::kind(&schema[e]) != "title")
                {
                    return Err(invalid("A data source has only one title property.".into()));
                }
                let config = config(
                    kind,
                    change.get(kind).unwrap_or(&json!({})),
                    &format!("{here}.{kind}"),
                )?;
                prop["type"] = kind.into();
                prop[kind] = config;
            }
            None if existing.is_none() => {
                return Err(invalid(format!(
                    "body failed validation: {here} should define a property type, instead was `{}`.",
                    Value::Object(change.clone())
                )));
            }
            None => {}
        }
        schema.insert(id, prop);
    }
    Ok(())
}

/// A property configuration as stored (and answered).
fn config(kind: &str, given: &Value, path: &str) -> ApiResult<Value> {
    let object = given
        .as_object()
        .cloned()
        .ok_or_else(|| crate::error::invalid(path, "an object", given))?;
    Ok(match kind {
        "number" => {
            json!({ "format": object.get("format").and_then(Value::as_str).unwrap_or("number") })
        }
        "select" | "multi_select" => json!({ "options": options(object.get("options"), path)? }),
        "status" => {
            let options = match object.get("options") {
                Some(given) => options(Some(given), path)?,
                None => options(
                    Some(&json!([
                        { "name": "Not started", "color": "default" },
                        { "name": "In progress", "color": "blue" },
                        { "name": "Done", "color": "green" }
                    ])),
                    path,
                )?,
            };
            let id_of = |n: usize| {
                options
                    .get(n)
                    .map(|o| o["id"].clone())
                    .into_iter()
                    .collect::<Vec<_>>()
            };
            let groups = json!([
                { "id": ids::property_id(), "name": "To-do", "color": "gray", "option_ids": id_of(0) },
                { "id": ids::property_id(), "name": "In progress", "color": "blue", "option_ids": id_of(1) },
                { "id": ids::property_id(), "name": "Complete", "color": "green", "option_ids": id_of(2) }
            ]);
            json!({ "options": options, "groups": groups })
        }
        "relation" => {
            let target = object
                .get("data_source_id")
                .or_else(|| object.get("database_id"));
            let target = crate::request::body_id(&format!("{path}.data_source_id"), target)?;
            let kind = object
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("single_property");
            let mut config =
                json!({ "data_source_id": target, "database_id": target, "type": kind });
            if kind == "dual_property" {
                config["dual_property"] = object
                    .get("dual_property")
                    .cloned()
                    .unwrap_or_else(|| json!({}));
            } else {
                config["single_property"] = json!({});
            }
            config
        }
        "rollup" => {
            let mut config = Map::new();
            for field in ["relation", "rollup"] {
                let (name, id) = (
                    format!("{field}_property_name"),
                    format!("{field}_property_id"),
                );
                let given = object.get(&name).or_else(|| object.get(&id));
                if !given.is_some_and(Value::is_string) {
                    return Err(invalid(format!(
                        "body failed validation: {path}.{name} should be a string, instead was `{}`.",
                        given.map_or_else(|| "undefined".to_owned(), Value::to_string)
                    )));
                }
                for key in [name, id] {
                    config.insert(
                        key.clone(),
                        object.get(&key).cloned().unwrap_or(Value::Null),
                    );
                }
            }
            let function = crate::error::string_at(given, &["function"], path)?;
            config.insert("function".into(), function.into());
            Value::Object(config)
        }
        "formula" => {
            json!({ "expression": crate::error::string_at(given, &["expression"], path)? })
        }
        "unique_id" => json!({ "prefix": object.get("prefix").cloned().unwrap_or(Value::Null) }),
        _ => json!({}),
    })
}

fn options(given: Option<&Value>, path: &str) -> ApiResult<Vec<Value>> {
    let Some(given) = given else {
        return Ok(Vec::new());
    };
    let items = given.as_array().ok_or_else(|| {
        invalid(format!(
            "body failed validation: {path}.options should be an array, instead was `{given}`."
        ))
    })?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = item.get("name").and_then(Value::as_str).filter(|n| !n.is_empty() && !n.contains(',')).ok_or_else(|| {
                invalid(format!("body failed validation: {path}.options[{i}].name should be a non-empty string without commas, instead was `{}`.", item.get("name").unwrap_or(&Value::Null)))
            })?;
            let color = item.get("color").and_then(Value::as_str).unwrap_or("default");
            if !COLORS.contains(&color) {
                return Err(invalid(format!("body failed validation: {path}.options[{i}].color should be a color, instead was `\"{color}\"`.")));
            }
            let id = item.get("id").and_then(Value::as_str).map_or_else(ids::property_id, str::to_owned);
            Ok(json!({ "id": id, "name": name, "color": color, "description": null }))
        })
        .collect()
}

/// A new select option named `name` (written by a page value that names an unknown option).
pub(crate) fn new_option(name: &str) -> Value {
    json!({ "id": ids::property_id(), "name": name, "color": "default", "description": null })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_rename_remove() {
        let mut schema = create(
            Some(&json!({ "Name": { "title": {} }, "Tags": { "multi_select": { "options": [{ "name": "a" }] } } })),
            "body.properties",
        )
        .unwrap();
        assert_eq!(schema["title"]["name"], "Name");
        apply(&mut schema, &json!({ "Tags": { "name": "Labels" } }), "p").unwrap();
        assert!(find(&schema, "Labels").is_some());
        apply(&mut schema, &json!({ "Labels": null }), "p").unwrap();
        assert_eq!(schema.len(), 1);
        assert!(apply(&mut schema, &json!({ "Name": null }), "p").is_err());
        assert!(create(Some(&json!({ "Tags": { "select": {} } })), "p").is_err());
    }
}
