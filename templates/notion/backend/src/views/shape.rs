//! What a view's body may hold, checked against its data source's schema: the view type,
//! the presentation `configuration` (its `type` the view's; the properties it names must
//! exist, and are answered by id with their names), `quick_filters` (keyed by property
//! name or id, answered by id) and the `filter` and `sorts` a data source query takes
//! (compiled by [`Compiler`] to be refused as a query would refuse them).

use serde_json::{Map, Value, json};

use crate::error::{ApiError, ApiResult, invalid};
use crate::filter::Compiler;
use crate::schema::{self, Schema};

/// The view types Notion's API creates; `dashboard` (a view of views, with no data source)
/// is refused by the clone.
const TYPES: [&str; 9] = [
    "table", "board", "list", "calendar", "timeline", "gallery", "form", "chart", "map",
];

/// `body.type`: one of [`TYPES`].
pub(super) fn view_type(value: Option<&Value>) -> ApiResult<&'static str> {
    match value.and_then(Value::as_str) {
        Some("dashboard") => Err(ApiError::validation(
            "body failed validation: body.type `\"dashboard\"` is not supported by this clone (dashboard views hold other views, not a data source's pages).",
        )),
        given => given
            .and_then(|given| TYPES.into_iter().find(|t| *t == given))
            .ok_or_else(|| {
                invalid(
                    "body.type",
                    "one of `table`, `board`, `list`, `calendar`, `timeline`, `gallery`, `form`, `chart`, `map`, `dashboard`",
                    value.unwrap_or(&Value::Null),
                )
            }),
    }
}

/// `body.name`: a string.
pub(super) fn name(value: Option<&Value>) -> ApiResult<String> {
    match value {
        Some(Value::String(name)) => Ok(name.clone()),
        other => Err(invalid(
            "body.name",
            "a string",
            other.unwrap_or(&Value::Null),
        )),
    }
}

/// Checks `filter` and `sorts` as a data source query of `schema` would.
pub(super) fn check_query(
    schema: &Schema,
    filter: Option<&Value>,
    sorts: Option<&Value>,
) -> ApiResult<()> {
    let mut compiler = Compiler::new(schema, 1);
    compiler.filter(filter.map(expanded).as_ref())?;
    compiler.sorts(sorts)?;
    Ok(())
}

/// `filter` as a data source query takes it: a view's select, status and multi_select
/// conditions may name several options (`{"does_not_equal": ["Done", "Archive"]}`), which
/// stand for one condition per option, any of them holding (`equals`, `contains`) or all
/// (`does_not_equal`, `does_not_contain`).
pub(super) fn expanded(filter: &Value) -> Value {
    let Some(object) = filter.as_object() else {
        return filter.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let value = match (key.as_str(), value) {
            ("and" | "or", Value::Array(parts)) => {
                Value::Array(parts.iter().map(expanded).collect())
            }
            _ => value.clone(),
        };
        out.insert(key.clone(), value);
    }
    for kind in ["select", "status", "multi_select"] {
        let Some((op, Value::Array(names))) = out
            .get(kind)
            .and_then(Value::as_object)
            .and_then(|condition| condition.iter().next())
        else {
            continue;
        };
        let joiner = match op.as_str() {
            "equals" | "contains" => "or",
            _ => "and",
        };
        let parts: Vec<Value> = names
            .iter()
            .map(|name| {
                let mut part = out.clone();
                part.insert(kind.into(), json!({ op.as_str(): name }));
                Value::Object(part)
            })
            .collect();
        return json!({ joiner: parts });
    }
    Value::Object(out)
}

/// `sorts` of a view's update: property sorts only (Notion's update takes no timestamp
/// sort), or `null`.
pub(super) fn property_sorts(sorts: &Value) -> ApiResult<&Value> {
    let items = sorts.as_array().map_or(&[][..], Vec::as_slice);
    match items.iter().position(|s| s.get("timestamp").is_some()) {
        Some(i) => Err(invalid(
            &format!("body.sorts[{i}].property"),
            "defined (a view's update takes property sorts only)",
            &Value::Null,
        )),
        None => Ok(sorts),
    }
}

/// The filter a quick filter on property `id` stands for: its condition with the property.
pub(super) fn quick_filter(id: &str, condition: &Value) -> Value {
    let mut filter = condition.as_object().cloned().unwrap_or_default();
    filter.insert("property".into(), id.into());
    Value::Object(filter)
}

/// `quick_filters` (`given`) applied to those a view holds (`held`): each key a property's
/// name or id (stored by id), its value a condition (`null` removes it); `null` for the
/// whole clears them all.
pub(super) fn quick_filters(schema: &Schema, held: Value, given: &Value) -> ApiResult<Value> {
    let Some(given) = given.as_object() else {
        return match given {
            Value::Null => Ok(Value::Null),
            other => Err(invalid("body.quick_filters", "an object", other)),
        };
    };
    let mut out = match held {
        Value::Object(held) => held,
        _ => Map::new(),
    };
    for (key, condition) in given {
        let (id, _) = schema::find(schema, key).ok_or_else(|| {
            ApiError::validation(format!("Could not find property with name or id: {key}"))
        })?;
        match condition {
            Value::Null => {
                out.remove(id);
            }
            Value::Object(_) => {
                check_query(schema, Some(&quick_filter(id, condition)), None)?;
                out.insert(id.to_owned(), condition.clone());
            }
            other => {
                return Err(invalid(
                    &format!("body.quick_filters.{key}"),
                    "an object",
                    other,
                ));
            }
        }
    }
    Ok(if out.is_empty() {
        Value::Null
    } else {
        Value::Object(out)
    })
}

/// The configuration keys naming a property, per view type: whether each is required, and
/// the key answering the property's name — none for a group-by object, whose `property_id`
/// names it (answered with `property_name`).
const PROPERTY_KEYS: [(&str, &str, bool, Option<&str>); 7] = [
    ("board", "group_by", true, None),
    ("board", "sub_group_by", false, None),
    ("table", "group_by", false, None),
    (
        "calendar",
        "date_property_id",
        true,
        Some("date_property_name"),
    ),
    (
        "timeline",
        "date_property_id",
        true,
        Some("date_property_name"),
    ),
    (
        "timeline",
        "end_date_property_id",
        false,
        Some("end_date_property_name"),
    ),
    ("map", "map_by", false, Some("map_by_property_name")),
];

/// The configuration `given` for a view of `kind` merged into the one it holds (`held`; a
/// key set to `null` is cleared): its `type` must be the view's, and the properties it
/// names must be `schema`'s.
pub(super) fn configuration(
    schema: &Schema,
    kind: &str,
    held: Value,
    given: &Value,
) -> ApiResult<Value> {
    let given = given
        .as_object()
        .ok_or_else(|| invalid("body.configuration", "an object", given))?;
    match given.get("type") {
        Some(Value::String(t)) if t == kind => {}
        other => {
            return Err(invalid(
                "body.configuration.type",
                &format!("`\"{kind}\"` (the view's type)"),
                other.unwrap_or(&Value::Null),
            ));
        }
    }
    let mut out = match held {
        Value::Object(held) => held,
        _ => Map::new(),
    };
    for (key, value) in given {
        if value.is_null() {
            out.remove(key);
        } else {
            out.insert(key.clone(), value.clone());
        }
    }
    for (_, key, required, name_key) in PROPERTY_KEYS.iter().filter(|(t, ..)| *t == kind) {
        let path = format!("body.configuration.{key}");
        let Some(given) = out.get(*key).cloned() else {
            if *required {
                return Err(invalid(&path, "defined", &Value::Null));
            }
            continue;
        };
        match (name_key, given) {
            (None, Value::Object(mut group)) => {
                let at = format!("{path}.property_id");
                let (id, name) = property(schema, group.get("property_id"), &at)?;
                group.insert("property_id".into(), id.into());
                group.insert("property_name".into(), name.into());
                out.insert((*key).to_owned(), Value::Object(group));
            }
            (None, other) => return Err(invalid(&path, "an object", &other)),
            (Some(name_key), given) => {
                let (id, name) = property(schema, Some(&given), &path)?;
                out.insert((*key).to_owned(), id.into());
                out.insert((*name_key).to_owned(), name.into());
            }
        }
    }
    Ok(Value::Object(out))
}

/// The id and name of the property of `schema` that `given` names (by id or name).
fn property(schema: &Schema, given: Option<&Value>, path: &str) -> ApiResult<(String, String)> {
    let key = given
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(path, "a string", given.unwrap_or(&Value::Null)))?;
    let (id, prop) = schema::find(schema, key).ok_or_else(|| {
        ApiError::validation(format!("Could not find property with name or id: {key}"))
    })?;
    let name = prop["name"].as_str().unwrap_or_default().to_owned();
    Ok((id.to_owned(), name))
}

/// Where a new view goes in its database's tab bar (`body.position`): `start`, `end` (the
/// default) or `after_view` (with `view_id`).
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Position {
    /// The first tab.
    Start,
    /// The last tab.
    End,
    /// Right after this view's tab.
    After(String),
}

/// `body.position`.
pub(super) fn position(value: Option<&Value>) -> ApiResult<Position> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Position::End);
    };
    match value.get("type").and_then(Value::as_str) {
        Some("start") => Ok(Position::Start),
        Some("end") => Ok(Position::End),
        Some("after_view") => {
            crate::request::body_id("body.position.view_id", value.get("view_id"))
                .map(Position::After)
        }
        _ => Err(invalid(
            "body.position.type",
            "`\"start\"`, `\"end\"` or `\"after_view\"`",
            value.get("type").unwrap_or(&Value::Null),
        )),
    }
}

/// The `parent` of a view of database `id`.
pub(super) fn parent(id: &str) -> Value {
    json!({ "type": "database_id", "database_id": id })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        schema::load(
            r#"{"title":{"name":"Name","type":"title","title":{}},
                "dDue":{"name":"Due","type":"date","date":{}},
                "sSt":{"name":"Status","type":"select","select":{"options":[]}}}"#,
        )
    }

    #[test]
    fn configurations_name_their_properties() {
        let schema = schema();
        let calendar = configuration(
            &schema,
            "calendar",
            Value::Null,
            &json!({"type": "calendar", "date_property_id": "Due"}),
        )
        .unwrap();
        assert_eq!(calendar["date_property_id"], "dDue");
        assert_eq!(calendar["date_property_name"], "Due");
        let board = configuration(
            &schema,
            "board",
            Value::Null,
            &json!({"type": "board", "group_by": {"type": "select", "property_id": "sSt", "sort": {"type": "manual"}}}),
        )
        .unwrap();
        assert_eq!(board["group_by"]["property_name"], "Status");
        let cleared = configuration(
            &schema,
            "board",
            board,
            &json!({"type": "board", "card_layout": "compact", "cover": null}),
        )
        .unwrap();
        assert_eq!(cleared["card_layout"], "compact");
        assert_eq!(cleared["group_by"]["property_id"], "sSt");
        for (kind, given) in [
            ("table", json!({"type": "board"})),
            ("board", json!({"type": "board"})),
            (
                "calendar",
                json!({"type": "calendar", "date_property_id": "Nope"}),
            ),
            ("table", json!("table")),
            ("board", json!({"type": "board", "group_by": "Status"})),
            (
                "calendar",
                json!({"type": "calendar", "date_property_id": {"property_id": "Due"}}),
            ),
        ] {
            assert!(
                configuration(&schema, kind, Value::Null, &given).is_err(),
                "{kind} {given}"
            );
        }
    }

    #[test]
    fn quick_filters_are_kept_by_property_id() {
        let schema = schema();
        let held = quick_filters(
            &schema,
            Value::Null,
            &json!({"Status": {"select": {"equals": "Done"}}}),
        )
        .unwrap();
        assert_eq!(held, json!({"sSt": {"select": {"equals": "Done"}}}));
        assert_eq!(
            quick_filters(&schema, held.clone(), &json!({"sSt": null})).unwrap(),
            Value::Null
        );
        assert!(quick_filters(&schema, held.clone(), &json!({"Nope": {}})).is_err());
        assert!(
            quick_filters(&schema, held, &json!({"Status": {"number": {"equals": 1}}})).is_err()
        );
    }

    #[test]
    fn several_options_stand_for_one_condition_each() {
        let given = json!({"and": [
            {"property": "Status", "select": {"does_not_equal": ["Done", "Archive"]}},
            {"property": "Status", "select": {"equals": ["Done"]}},
            {"property": "Status", "select": {"equals": "Done"}}
        ]});
        assert_eq!(
            expanded(&given),
            json!({"and": [
                {"and": [
                    {"property": "Status", "select": {"does_not_equal": "Done"}},
                    {"property": "Status", "select": {"does_not_equal": "Archive"}}
                ]},
                {"or": [{"property": "Status", "select": {"equals": "Done"}}]},
                {"property": "Status", "select": {"equals": "Done"}}
            ]})
        );
        assert!(check_query(&schema(), Some(&given), None).is_ok());
    }

    #[test]
    fn positions_and_types() {
        assert_eq!(position(None).unwrap(), Position::End);
        assert_eq!(
            position(Some(&json!({"type": "start"}))).unwrap(),
            Position::Start
        );
        assert!(position(Some(&json!({"type": "after_view"}))).is_err());
        assert_eq!(view_type(Some(&json!("board"))).unwrap(), "board");
        assert!(view_type(Some(&json!("dashboard"))).is_err());
        assert!(view_type(Some(&json!("grid"))).is_err());
        assert!(view_type(None).is_err());
        let by_time = json!([{"timestamp": "created_time", "direction": "ascending"}]);
        assert!(property_sorts(&by_time).is_err());
        let by_name = json!([{"property": "Name", "direction": "ascending"}]);
        assert_eq!(property_sorts(&by_name).unwrap(), &by_name);
    }
}
