//! Property `type`s and the `fieldType`s each one takes, as HubSpot's properties guide lists
//! them ("Property type and fieldType values"); HubSpot has refused other pairs on its v3
//! property and schema routes since February 2021.

use crate::error::ApiError;

/// Each `type` with the `fieldType`s it takes.
const PAIRS: [(&str, &[&str]); 6] = [
    ("bool", &["booleancheckbox", "calculation_equation"]),
    (
        "enumeration",
        &[
            "booleancheckbox",
            "checkbox",
            "radio",
            "select",
            "calculation_equation",
        ],
    ),
    ("date", &["date"]),
    ("datetime", &["date"]),
    (
        "string",
        &[
            "file",
            "text",
            "textarea",
            "calculation_equation",
            "html",
            "phonenumber",
        ],
    ),
    ("number", &["number", "calculation_equation"]),
];

/// The `fieldType`s `kind` takes, `None` for a type HubSpot does not have.
fn field_types(kind: &str) -> Option<&'static [&'static str]> {
    PAIRS
        .iter()
        .find(|(name, _)| *name == kind)
        .map(|(_, field_types)| *field_types)
}

/// Whether `kind` is one of HubSpot's property types.
pub(crate) fn is_type(kind: &str) -> bool {
    field_types(kind).is_some()
}

/// Checks a property's `type` and `fieldType`.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for an unknown type or field type, or a field type its type does
/// not take (`number` shown as a `checkbox`).
pub(crate) fn check(kind: &str, field_type: &str) -> Result<(), ApiError> {
    let known_field_type = PAIRS
        .iter()
        .any(|(_, field_types)| field_types.contains(&field_type));
    match field_types(kind) {
        Some(allowed) if allowed.contains(&field_type) => Ok(()),
        Some(allowed) if known_field_type => Err(ApiError::validation(format!(
            "Property type {kind} does not support fieldType {field_type}: a {kind} property \
             takes fieldType {}",
            allowed.join(", ")
        ))
        .with(
            "context",
            serde_json::json!({ "type": [kind], "fieldType": [field_type] }),
        )),
        _ => Err(ApiError::validation(format!(
            "Invalid type {kind} or fieldType {field_type}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_takes_only_its_field_types() {
        for (kind, field_type) in [
            ("number", "number"),
            ("enumeration", "checkbox"),
            ("enumeration", "booleancheckbox"),
            ("bool", "booleancheckbox"),
            ("string", "phonenumber"),
            ("datetime", "date"),
            ("number", "calculation_equation"),
        ] {
            assert!(check(kind, field_type).is_ok(), "{kind} {field_type}");
        }
        for (kind, field_type, fragment) in [
            ("number", "checkbox", "does not support fieldType checkbox"),
            ("bool", "select", "does not support"),
            ("string", "number", "does not support"),
            ("date", "text", "does not support"),
            (
                "number",
                "slider",
                "Invalid type number or fieldType slider",
            ),
            ("decimal", "number", "Invalid type decimal"),
        ] {
            let err = check(kind, field_type).unwrap_err();
            assert_eq!(err.category(), "VALIDATION_ERROR");
            assert!(err.message().contains(fragment), "{}", err.message());
        }
    }
}
