//! A form's definition as the Forms v3 API takes it (`fieldGroups`, `configuration`,
//! `displayOptions`, `legalConsentOptions`): checked against the shapes HubSpot's reference
//! gives, and completed with the defaults HubSpot answers for what a request leaves out.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::error::ApiError;

/// The field types a form field may have (the reference's `fieldType` values).
pub(super) const FIELD_TYPES: [&str; 13] = [
    "email",
    "phone",
    "mobile_phone",
    "single_line_text",
    "multi_line_text",
    "number",
    "single_checkbox",
    "multiple_checkboxes",
    "dropdown",
    "radio",
    "datepicker",
    "file",
    "payment_link_radio",
];

/// The field types whose values are chosen from `options`.
const ENUMERATED: [&str; 4] = [
    "dropdown",
    "radio",
    "multiple_checkboxes",
    "payment_link_radio",
];

/// The languages a form may be in (the reference's `language` values).
const LANGUAGES: [&str; 43] = [
    "af", "ar-eg", "bg", "bn", "ca-es", "cs", "da", "de", "el", "en", "en-gb", "es", "es-mx", "fi",
    "fr", "fr-ca", "he-il", "hr", "hu", "id", "it", "ja", "ko", "lt", "ms", "nl", "no-no", "pl",
    "pt", "pt-br", "ro", "ru", "sk", "sl", "sv", "th", "tl", "tr", "uk", "vi", "zh-cn", "zh-hk",
    "zh-tw",
];

/// The object types a field may write: contacts and companies, as HubSpot's forms do.
pub(super) const FIELD_OBJECT_TYPES: [&str; 2] = ["0-1", "0-2"];

/// The object type a field or a submitted value names (`0-1`, contacts, when it names none).
pub(super) fn object_type_of(field: &Value) -> &str {
    field["objectTypeId"].as_str().unwrap_or("0-1")
}

/// The sections of a definition a `PATCH` replaces as a whole when it names them.
const SECTIONS: [&str; 4] = [
    "fieldGroups",
    "configuration",
    "displayOptions",
    "legalConsentOptions",
];

/// The configuration HubSpot gives a form that sets none.
fn default_configuration() -> Value {
    json!({
        "language": "en",
        "cloneable": true,
        "postSubmitAction": { "type": "thank_you", "value": "" },
        "editable": true,
        "archivable": true,
        "recaptchaEnabled": false,
        "notifyContactOwner": false,
        "notifyRecipients": [],
        "createNewContactForNewEmail": false,
        "prePopulateKnownValues": true,
        "allowLinkToResetKnownValues": false,
        "lifecycleStages": [],
    })
}

/// The display options HubSpot gives a form that sets none.
fn default_display_options() -> Value {
    json!({
        "renderRawHtml": false,
        "theme": "default_style",
        "submitButtonText": "Submit",
        "style": {
            "fontFamily": "arial, helvetica, sans-serif",
            "backgroundWidth": "100%",
            "labelTextColor": "#33475b",
            "labelTextSize": "14px",
            "helpTextColor": "#7C98B6",
            "helpTextSize": "11px",
            "legalConsentTextColor": "#33475b",
            "legalConsentTextSize": "14px",
            "submitColor": "#ff7a59",
            "submitAlignment": "left",
            "submitFontColor": "#ffffff",
            "submitSize": "12px",
        },
    })
}

/// 400 `VALIDATION_ERROR` naming what in a definition is wrong (the clone's texts: HubSpot's
/// reference gives the shapes, not its refusals).
fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::validation(message)
}

/// `value` when it is one of `allowed` (or absent: `default`).
fn one_of(value: &Value, what: &str, allowed: &[&str], default: &str) -> Result<Value, ApiError> {
    match value {
        Value::Null => Ok(json!(default)),
        Value::String(s) if allowed.contains(&s.as_str()) => Ok(value.clone()),
        _ => Err(invalid(format!(
            "Invalid input JSON: {what} must be one of {}, got {value}",
            allowed.join(", ")
        ))),
    }
}

/// `value` when it is an object (or absent: an empty one).
fn object_or_empty(value: &Value, what: &str) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Null => Ok(Map::new()),
        Value::Object(map) => Ok(map.clone()),
        _ => Err(invalid(format!(
            "Invalid input JSON: {what} must be an object"
        ))),
    }
}

/// `value` when it is an array (or absent: an empty one).
fn array_or_empty<'a>(value: &'a Value, what: &str) -> Result<&'a [Value], ApiError> {
    match value {
        Value::Null => Ok(&[]),
        Value::Array(items) => Ok(items),
        _ => Err(invalid(format!(
            "Invalid input JSON: {what} must be an array"
        ))),
    }
}

/// One field, completed: `name` and `fieldType` are required, `objectTypeId` is contacts or
/// companies, `label`, `required`, `hidden` and `dependentFields` take HubSpot's defaults.
fn field(value: &Value, at: &str) -> Result<Value, ApiError> {
    let mut field = object_or_empty(value, at)?;
    let mut unset = Vec::new();
    let name = field
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if name.trim().is_empty() {
        unset.push("name");
    }
    if field.get("fieldType").is_none_or(Value::is_null) {
        unset.push("fieldType");
    }
    if !unset.is_empty() {
        return Err(ApiError::unbuilt("FormField", &unset));
    }
    let name = name.to_owned();
    let kind = one_of(
        &field["fieldType"],
        &format!("{at}.fieldType"),
        &FIELD_TYPES,
        "",
    )?;
    let object_type = one_of(
        field.get("objectTypeId").unwrap_or(&Value::Null),
        &format!("{at}.objectTypeId"),
        &FIELD_OBJECT_TYPES,
        "0-1",
    )?;
    field.insert("fieldType".to_owned(), kind);
    field.insert("objectTypeId".to_owned(), object_type);
    field.entry("label").or_insert_with(|| json!(name));
    for flag in ["required", "hidden"] {
        match field.get(flag) {
            None | Some(Value::Null) => {
                field.insert(flag.to_owned(), json!(false));
            }
            Some(Value::Bool(_)) => {}
            Some(_) => {
                return Err(invalid(format!(
                    "Invalid input JSON: {at}.{flag} must be a boolean"
                )));
            }
        }
    }
    let dependent = array_or_empty(
        field.get("dependentFields").unwrap_or(&Value::Null),
        &format!("{at}.dependentFields"),
    )?
    .to_vec();
    field.insert("dependentFields".to_owned(), Value::Array(dependent));
    let kind = field["fieldType"].as_str().unwrap_or_default().to_owned();
    if ENUMERATED.contains(&kind.as_str()) {
        let options = array_or_empty(
            field.get("options").unwrap_or(&Value::Null),
            &format!("{at}.options"),
        )?
        .to_vec();
        field.insert("options".to_owned(), Value::Array(options));
        field.entry("defaultValues").or_insert_with(|| json!([]));
    }
    let validation = match kind.as_str() {
        "email" => Some(json!({ "blockedEmailDomains": [], "useDefaultBlockList": false })),
        "phone" | "mobile_phone" => Some(json!({ "minAllowedDigits": 7, "maxAllowedDigits": 20 })),
        _ => None,
    };
    if let Some(validation) = validation {
        field.entry("validation").or_insert(validation);
    }
    if kind == "phone" {
        field.entry("useCountryCodeSelect").or_insert(json!(false));
    }
    if kind == "file" {
        field.entry("allowMultipleFiles").or_insert(json!(false));
    }
    Ok(Value::Object(field))
}

/// The field groups, completed; a group holds at most three fields, and a field name (per
/// object type) appears once in a form.
fn field_groups(value: &Value) -> Result<Value, ApiError> {
    let mut seen = HashSet::new();
    let mut groups = Vec::new();
    for (i, group) in array_or_empty(value, "fieldGroups")?.iter().enumerate() {
        let at = format!("fieldGroups[{i}]");
        let mut group = object_or_empty(group, &at)?;
        let group_type = one_of(
            group.get("groupType").unwrap_or(&Value::Null),
            &format!("{at}.groupType"),
            &["default_group", "progressive", "queued"],
            "default_group",
        )?;
        let rich_text_type = one_of(
            group.get("richTextType").unwrap_or(&Value::Null),
            &format!("{at}.richTextType"),
            &["text", "image"],
            "text",
        )?;
        let fields = array_or_empty(
            group.get("fields").unwrap_or(&Value::Null),
            &format!("{at}.fields"),
        )?;
        if fields.len() > 3 {
            return Err(invalid(format!(
                "{at}: a field group holds at most 3 fields, got {}",
                fields.len()
            )));
        }
        let fields = fields
            .iter()
            .enumerate()
            .map(|(j, f)| field(f, &format!("{at}.fields[{j}]")))
            .collect::<Result<Vec<_>, _>>()?;
        for f in &fields {
            let key = format!("{}/{}", object_type_of(f), f["name"].as_str().unwrap_or(""));
            if !seen.insert(key.clone()) {
                return Err(invalid(format!(
                    "The field {key} appears more than once in the form"
                )));
            }
        }
        group.insert("groupType".to_owned(), group_type);
        group.insert("richTextType".to_owned(), rich_text_type);
        group.insert("fields".to_owned(), Value::Array(fields));
        groups.push(Value::Object(group));
    }
    Ok(Value::Array(groups))
}

/// `given` over `defaults`, key by key.
fn over(defaults: Value, given: Map<String, Value>) -> Value {
    let mut merged = match defaults {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    merged.extend(given.into_iter().filter(|(_, v)| !v.is_null()));
    Value::Object(merged)
}

/// The configuration, over HubSpot's defaults; its `postSubmitAction` is a thank-you message
/// or a redirect.
fn configuration(value: &Value) -> Result<Value, ApiError> {
    let given = object_or_empty(value, "configuration")?;
    let mut merged = over(default_configuration(), given);
    let action = object_or_empty(
        &merged["postSubmitAction"],
        "configuration.postSubmitAction",
    )?;
    let kind = one_of(
        action.get("type").unwrap_or(&Value::Null),
        "configuration.postSubmitAction.type",
        &["thank_you", "redirect_url"],
        "thank_you",
    )?;
    let value = action.get("value").cloned().unwrap_or(json!(""));
    merged["postSubmitAction"] = json!({ "type": kind, "value": value });
    merged["language"] = one_of(
        &merged["language"],
        "configuration.language",
        &LANGUAGES,
        "en",
    )?;
    if !merged["recaptchaEnabled"].is_boolean() {
        return Err(invalid(
            "Invalid input JSON: configuration.recaptchaEnabled must be a boolean",
        ));
    }
    Ok(merged)
}

/// The display options, over HubSpot's defaults.
fn display_options(value: &Value) -> Result<Value, ApiError> {
    let given = object_or_empty(value, "displayOptions")?;
    let mut merged = over(default_display_options(), given);
    merged["theme"] = one_of(
        &merged["theme"],
        "displayOptions.theme",
        &[
            "default_style",
            "canvas",
            "linear",
            "round",
            "sharp",
            "legacy",
        ],
        "default_style",
    )?;
    let style = object_or_empty(&merged["style"], "displayOptions.style")?;
    merged["style"] = over(default_display_options()["style"].take(), style);
    Ok(merged)
}

/// The legal consent options: `none` when absent; the other types take the lists their
/// schemas require (empty when absent).
fn legal_consent_options(value: &Value) -> Result<Value, ApiError> {
    let mut options = object_or_empty(value, "legalConsentOptions")?;
    let kind = one_of(
        options.get("type").unwrap_or(&Value::Null),
        "legalConsentOptions.type",
        &[
            "none",
            "legitimate_interest",
            "explicit_consent_to_process",
            "implicit_consent_to_process",
        ],
        "none",
    )?;
    let list = match kind.as_str() {
        Some("legitimate_interest") => Some("subscriptionTypeIds"),
        Some("none") => None,
        _ => Some("communicationsCheckboxes"),
    };
    if let Some(list) = list {
        let items = array_or_empty(
            options.get(list).unwrap_or(&Value::Null),
            &format!("legalConsentOptions.{list}"),
        )?
        .to_vec();
        options.insert(list.to_owned(), Value::Array(items));
        options.entry("privacyText").or_insert_with(|| json!(""));
    }
    if kind == "legitimate_interest" {
        let basis = one_of(
            options.get("lawfulBasis").unwrap_or(&Value::Null),
            "legalConsentOptions.lawfulBasis",
            &["lead", "client", "other"],
            "lead",
        )?;
        options.insert("lawfulBasis".to_owned(), basis);
    }
    options.insert("type".to_owned(), kind);
    Ok(Value::Object(options))
}

/// A whole definition from `body` (a create's or a `PUT`'s): each section checked and
/// completed.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` naming what is wrong.
pub(super) fn complete(body: &Value) -> Result<Value, ApiError> {
    Ok(json!({
        "fieldGroups": field_groups(&body["fieldGroups"])?,
        "configuration": configuration(&body["configuration"])?,
        "displayOptions": display_options(&body["displayOptions"])?,
        "legalConsentOptions": legal_consent_options(&body["legalConsentOptions"])?,
    }))
}

/// `stored` with the sections a `PATCH` body names replaced (each checked and completed).
///
/// # Errors
///
/// As [`complete`].
pub(super) fn patch(stored: &Value, body: &Value) -> Result<Value, ApiError> {
    let mut merged = stored.clone();
    let fresh = complete(body)?;
    for section in SECTIONS {
        if body.get(section).is_some_and(|v| !v.is_null()) {
            merged[section] = fresh[section].clone();
        }
    }
    Ok(merged)
}

/// The name a create or a `PUT` gives (required, not blank).
///
/// # Errors
///
/// HubSpot's 400 for a body without the attribute; 400 for a blank one.
pub(super) fn name(body: &Value, model: &str) -> Result<String, ApiError> {
    match body.get("name") {
        None | Some(Value::Null) => Err(ApiError::unbuilt(model, &["name"])),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(_) => Err(invalid(
            "Invalid input JSON: name must be a non-empty string",
        )),
    }
}

/// Refuses a `formType` other than `hubspot`: the API creates only HubSpot forms.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR`.
pub(super) fn hubspot_type(body: &Value) -> Result<(), ApiError> {
    one_of(
        body.get("formType").unwrap_or(&Value::Null),
        "formType",
        &["hubspot"],
        "hubspot",
    )
    .map(drop)
}

/// Every field of `definition`, with the object type and name it writes.
pub(super) fn fields(definition: &Value) -> impl Iterator<Item = &Value> {
    definition["fieldGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|group| group["fields"].as_array().into_iter().flatten())
}
