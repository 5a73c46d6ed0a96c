//! Typed reads of values inside nested parameters (`string_at`, `int_at`, …), the names
//! Stripe's refusals give them, and metadata.

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};

use super::Params;

/// Most metadata keys an object may hold.
const MAX_METADATA_KEYS: usize = 50;

/// A string inside a nested value.
pub(crate) fn string_at<'a>(value: Option<&'a Value>, name: &str) -> ApiResult<Option<&'a str>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_param(
            name,
            format!("Invalid string: {name} must be a string"),
        )),
    }
}

/// The full name of parameter `key` inside hash `at` (`price_data[currency]`), or `key` itself
/// at the top level (`at` empty).
pub(crate) fn inside(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}[{key}]")
    }
}

/// A string `key` of `hash` that must be there and not empty, named `name`; else Stripe's
/// `parameter_missing` naming it.
pub(crate) fn required_at<'a>(
    hash: &'a Map<String, Value>,
    key: &str,
    name: &str,
) -> ApiResult<&'a str> {
    string_at(hash.get(key), name)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::missing(name))
}

/// `values` as Stripe lists them in a refusal: `a or b`, `a, b, or c`.
pub(crate) fn listed(values: &[&str]) -> String {
    match values {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} or {b}"),
        [rest @ .., last] => format!("{}, or {last}", rest.join(", ")),
    }
}

/// Stripe's refusal of an integer `param` below `min`.
pub(crate) fn at_least(param: &str, min: i64) -> ApiError {
    ApiError::invalid_param(
        param,
        format!("This value must be greater than or equal to {min}."),
    )
    .code("parameter_invalid_integer")
}

/// An integer inside a nested value; anything else is Stripe's `parameter_invalid_integer`.
pub(crate) fn int_at(value: Option<&Value>, name: &str) -> ApiResult<Option<i64>> {
    let invalid = |shown: &str| {
        ApiError::invalid_param(name, format!("Invalid integer: {shown}"))
            .code("parameter_invalid_integer")
    };
    match value {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse::<i64>().map(Some).map_err(|_| invalid(s)),
        Some(_) => Err(invalid(name)),
    }
}

/// A boolean inside a nested value.
pub(crate) fn bool_at(value: Option<&Value>, name: &str) -> ApiResult<Option<bool>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) => match s.as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(ApiError::invalid_param(
                name,
                format!("Invalid boolean: {s}"),
            )),
        },
        Some(_) => Err(ApiError::invalid_param(
            name,
            format!("Invalid boolean: {name}"),
        )),
    }
}

/// A hash inside a nested value; an empty string counts as absent.
pub(crate) fn hash_at<'a>(
    value: Option<&'a Value>,
    name: &str,
) -> ApiResult<Option<&'a Map<String, Value>>> {
    nested(
        value,
        name,
        Value::as_object,
        "Invalid object: {} must be a hash",
    )
}

/// A nested array or hash (what `pick` finds); an empty string counts as absent, anything
/// else is `invalid` with `{}` standing for `name`.
pub(super) fn nested<'a, T>(
    value: Option<&'a Value>,
    name: &str,
    pick: fn(&'a Value) -> Option<&'a T>,
    invalid: &str,
) -> ApiResult<Option<&'a T>> {
    match value {
        None => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(value) => pick(value)
            .map(Some)
            .ok_or_else(|| ApiError::invalid_param(name, invalid.replace("{}", name))),
    }
}

/// Applies `metadata` params to an object's metadata: on create it is the new metadata; on
/// update keys merge, `metadata[k]=` removes `k` and `metadata=` clears everything.
pub(crate) fn apply_metadata(target: &mut Value, params: &Params) -> ApiResult<()> {
    let Some(sent) = params.get("metadata") else {
        if target.get("metadata").is_none_or(Value::is_null)
            && let Some(obj) = target.as_object_mut()
        {
            obj.insert("metadata".into(), Value::Object(Map::new()));
        }
        return Ok(());
    };
    merge_metadata(target, sent)
}

/// Applies a sent `metadata` value (the request's, or a nested hash's such as a subscription
/// item's) to an object's metadata, as [`apply_metadata`] does.
pub(crate) fn merge_metadata(target: &mut Value, sent: &Value) -> ApiResult<()> {
    let obj = target
        .as_object_mut()
        .ok_or_else(|| ApiError::internal("metadata target is not an object"))?;
    let current = obj
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !current.is_object() {
        *current = Value::Object(Map::new());
    }
    let Value::Object(current) = current else {
        return Ok(());
    };
    match sent {
        Value::String(s) if s.is_empty() => current.clear(),
        Value::Object(map) => {
            let added = map
                .iter()
                .filter(|(key, v)| {
                    !current.contains_key(*key) && v.as_str().is_some_and(|v| !v.is_empty())
                })
                .count();
            if current.len() + added > MAX_METADATA_KEYS {
                return Err(ApiError::invalid_param(
                    "metadata",
                    format!("Metadata can have a maximum of {MAX_METADATA_KEYS} keys."),
                ));
            }
            for (key, value) in map {
                match value {
                    Value::String(v) if v.is_empty() => {
                        current.remove(key);
                    }
                    Value::String(v) => {
                        if key.len() > 40 {
                            return Err(ApiError::invalid_param(
                                &format!("metadata[{key}]"),
                                "Metadata keys can have a maximum length of 40 characters.",
                            ));
                        }
                        if v.len() > 500 {
                            return Err(ApiError::invalid_param(
                                &format!("metadata[{key}]"),
                                "Metadata values can have a maximum length of 500 characters.",
                            ));
                        }
                        current.insert(key.clone(), Value::String(v.clone()));
                    }
                    _ => {
                        return Err(ApiError::invalid_param(
                            "metadata",
                            "Invalid metadata: values must be strings",
                        ));
                    }
                }
            }
        }
        _ => {
            return Err(ApiError::invalid_param(
                "metadata",
                "Invalid object: metadata must be a hash",
            ));
        }
    }
    Ok(())
}
