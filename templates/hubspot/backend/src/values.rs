//! Property values: checked against their definitions (types, field types, enumeration
//! options, read-only; deal and ticket pipelines and stages against the pipelines) and
//! normalised to the strings HubSpot stores and returns.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use chrono::{DateTime, NaiveDate, NaiveTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::types::PORTAL_ID;

/// What validation needs of one property definition.
#[derive(Debug, Clone)]
pub(crate) struct Definition {
    /// `string`, `number`, `date`, `datetime`, `enumeration`, `bool`.
    pub(crate) kind: String,
    /// `text`, `select`, `checkbox`, …
    pub(crate) field_type: String,
    /// The allowed values of an enumeration (empty: any value, e.g. owners and stages).
    pub(crate) options: Vec<String>,
    /// Computed by the engine: never written by a client.
    pub(crate) read_only: bool,
    /// Unique per object (usable as `idProperty`).
    pub(crate) unique: bool,
}

/// The definitions of `names` (all live properties of the type when `names` is empty).
///
/// # Errors
///
/// The statement's error.
pub(crate) async fn definitions(
    client: &impl GenericClient,
    object_type: &str,
    names: &[&str],
) -> Result<HashMap<String, Definition>, ApiError> {
    let statement = client
        .prepare_cached(
            "SELECT name, type, field_type,
                    ARRAY(SELECT o->>'value' FROM jsonb_array_elements(options) o),
                    read_only_value, has_unique_value
             FROM properties
             WHERE object_type = $1 AND NOT archived
               AND (cardinality($2::text[]) = 0 OR name = ANY($2))",
        )
        .await?;
    let rows = client.query(&statement, &[&object_type, &names]).await?;
    Ok(rows
        .iter()
        .map(|row| {
            (
                row.get(0),
                Definition {
                    kind: row.get(1),
                    field_type: row.get(2),
                    options: row.get(3),
                    read_only: row.get(4),
                    unique: row.get(5),
                },
            )
        })
        .collect())
}

/// Why one value was refused, in HubSpot's per-property shape.
#[derive(Debug, Clone)]
pub(crate) struct Invalid {
    /// The property.
    pub(crate) name: String,
    /// HubSpot's code (`PROPERTY_DOESNT_EXIST`, `INVALID_OPTION`, …).
    pub(crate) error: &'static str,
    /// The explanation.
    pub(crate) message: String,
}

/// A checked write: each property's normalised value, `None` to clear it.
pub(crate) type Changes = Vec<(String, Option<String>)>;

/// Checks `input` (a `properties` object) against `defs`.
///
/// # Errors
///
/// Every invalid value, in input order.
pub(crate) fn check(
    defs: &HashMap<String, Definition>,
    input: &Map<String, Value>,
) -> Result<Changes, Vec<Invalid>> {
    let mut changes = Vec::with_capacity(input.len());
    let mut invalid = Vec::new();
    for (name, value) in input {
        let refuse = |error, message: String| Invalid {
            name: name.clone(),
            error,
            message,
        };
        let Some(def) = defs.get(name) else {
            invalid.push(refuse(
                "PROPERTY_DOESNT_EXIST",
                format!("Property \"{name}\" does not exist"),
            ));
            continue;
        };
        if def.read_only && name != "hs_object_id" {
            invalid.push(refuse(
                "READ_ONLY_VALUE",
                format!("{name} is a read only property; its value cannot be set."),
            ));
            continue;
        }
        let text = match value {
            Value::Null => None,
            Value::String(s) if s.is_empty() => None,
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Array(_) | Value::Object(_) => {
                invalid.push(refuse(
                    "INVALID_PROPERTY_VALUE",
                    format!("{value} is not a valid value for {name}: values are strings"),
                ));
                continue;
            }
        };
        if name == "hs_object_id" {
            // Clients echo it back on updates; it is never written.
            continue;
        }
        if name == "email"
            && let Some(email) = text.as_deref()
            && !valid_email(email)
        {
            invalid.push(refuse(
                "INVALID_EMAIL",
                format!("Email address {email} is invalid"),
            ));
            continue;
        }
        match text.map(|text| normalise(def, &text)).transpose() {
            Ok(normal) => changes.push((name.clone(), normal)),
            Err((error, message)) => invalid.push(refuse(error, message)),
        }
    }
    if invalid.is_empty() {
        Ok(changes)
    } else {
        Err(invalid)
    }
}

/// Whether `email` looks like an address HubSpot takes: `local@domain.tld`, no spaces, the
/// domain's labels letters, digits and hyphens, the top-level one letters (two or more).
/// HubSpot also refuses unknown top-level domains (`example.con`); the clone does not.
pub(crate) fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    !local.is_empty()
        && !email.chars().any(char::is_whitespace)
        && labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && tld.len() >= 2
        && tld.chars().all(char::is_alphabetic)
}

/// `text` as stored for a property of `def`'s type.
fn normalise(def: &Definition, text: &str) -> Result<String, (&'static str, String)> {
    match def.kind.as_str() {
        "number" => match text.trim().parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(text.trim().to_owned()),
            _ => Err(("INVALID_INTEGER", format!("{text} was not a valid number."))),
        },
        "bool" => match text.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(text.to_ascii_lowercase()),
            _ => Err((
                "INVALID_BOOLEAN",
                format!("{text} was not a valid boolean."),
            )),
        },
        "datetime" => parse_instant(text)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
            .ok_or_else(|| {
                (
                    "INVALID_DATE",
                    format!("{text} was not a valid date or time."),
                )
            }),
        "date" => {
            let at = parse_instant(text)
                .ok_or_else(|| ("INVALID_DATE", format!("{text} was not a valid date.")))?;
            if at.time() != NaiveTime::MIN {
                return Err((
                    "INVALID_DATE",
                    format!(
                        "{text} is at {} UTC, not midnight! (valid values are at midnight UTC)",
                        at.format("%-H:%-M:%-S%.3f")
                    ),
                ));
            }
            Ok(at.format("%Y-%m-%d").to_string())
        }
        "enumeration" if !def.options.is_empty() => {
            let values: Vec<&str> = if def.field_type == "checkbox" {
                text.split(';').collect()
            } else {
                vec![text]
            };
            match values.iter().find(|v| !def.options.iter().any(|o| o == *v)) {
                None => Ok(text.to_owned()),
                Some(bad) => Err(("INVALID_OPTION", not_an_option(bad, &def.options))),
            }
        }
        _ => Ok(text.to_owned()),
    }
}

/// HubSpot's words for a value outside an enumeration's options.
fn not_an_option(bad: &str, options: &[impl AsRef<str>]) -> String {
    let options: Vec<&str> = options.iter().map(AsRef::as_ref).collect();
    format!(
        "{bad} was not one of the allowed options: [{}]",
        options.join(", ")
    )
}

/// The pipeline and stage properties of a type with pipelines (deals, tickets).
fn pipeline_properties(object_type: &str) -> Option<(&'static str, &'static str)> {
    match object_type {
        "deals" => Some(("pipeline", "dealstage")),
        "tickets" | "leads" => Some(("hs_pipeline", "hs_pipeline_stage")),
        _ => None,
    }
}

/// A create's input `properties` with the type's default pipeline (every portal's `default`
/// deal pipeline, ticket pipeline `0`, lead pipeline `lead-pipeline-id`) where it sets a stage but no pipeline, as HubSpot
/// fills it in ("If a pipeline isn't specified, the default pipeline will be used").
pub(crate) fn default_pipeline(object_type: &str, properties: &mut Map<String, Value>) {
    let Some((pipeline, stage)) = pipeline_properties(object_type) else {
        return;
    };
    let set = |name: &str| {
        properties
            .get(name)
            .is_some_and(|v| !v.is_null() && v.as_str() != Some(""))
    };
    if set(stage) && !set(pipeline) {
        let default = match object_type {
            "deals" => "default",
            "leads" => "lead-pipeline-id",
            _ => "0",
        };
        properties.insert(pipeline.to_owned(), Value::String(default.to_owned()));
    }
}

/// Checks the pipelines and stages that writes set, the options of those enumerations: a
/// pipeline must be one of the type's live pipelines, a stage one of the live stages of the
/// pipeline the write sets (of any of the type's pipelines when it sets none). One statement,
/// only when a write sets either.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` (`INVALID_OPTION`) naming each refused value.
pub(crate) async fn check_stages(
    client: &impl GenericClient,
    object_type: &str,
    all: &[Changes],
) -> Result<(), ApiError> {
    let Some((pipeline_name, stage_name)) = pipeline_properties(object_type) else {
        return Ok(());
    };
    let set = |changes: &'_ Changes, name: &str| -> Option<String> {
        changes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    };
    if !all
        .iter()
        .any(|c| set(c, pipeline_name).is_some() || set(c, stage_name).is_some())
    {
        return Ok(());
    }
    let statement = client
        .prepare_cached(
            "SELECT p.id, ARRAY(SELECT s.id FROM pipeline_stages s
                               WHERE s.object_type = p.object_type AND s.pipeline_id = p.id
                                 AND NOT s.archived ORDER BY s.display_order, s.id)
             FROM pipelines p WHERE p.object_type = $1 AND NOT p.archived
             ORDER BY p.display_order, p.id",
        )
        .await?;
    let pipelines: Vec<(String, Vec<String>)> = client
        .query(&statement, &[&object_type])
        .await?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let mut invalid = Vec::new();
    for changes in all {
        let pipeline = set(changes, pipeline_name);
        let refuse = |name: &str, bad: &str, options: &[&str]| Invalid {
            name: name.to_owned(),
            error: "INVALID_OPTION",
            message: not_an_option(bad, options),
        };
        if let Some(p) = &pipeline
            && !pipelines.iter().any(|(id, _)| id == p)
        {
            let ids: Vec<&str> = pipelines.iter().map(|(id, _)| id.as_str()).collect();
            invalid.push(refuse(pipeline_name, p, &ids));
            continue;
        }
        if let Some(stage) = set(changes, stage_name) {
            let allowed: Vec<&str> = pipelines
                .iter()
                .filter(|(id, _)| pipeline.as_ref().is_none_or(|p| p == id))
                .flat_map(|(_, stages)| stages.iter().map(String::as_str))
                .collect();
            if !allowed.contains(&stage.as_str()) {
                invalid.push(refuse(stage_name, &stage, &allowed));
            }
        }
    }
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(invalid_error(&invalid))
    }
}

/// The read-only sender and recipient properties HubSpot derives from an email engagement's
/// `hs_email_headers` (`{"from": {email, firstName, lastName}, "to": [...], "cc", "bcc"}`):
/// added to `changes` when they set the headers. Several recipients are `;`-separated; an
/// address written `Name<address>` gives its address. Headers that are not that JSON derive
/// nothing.
pub(crate) fn derive_email_headers(changes: &mut Changes) {
    let Some(Ok(Value::Object(headers))) = changes
        .iter()
        .find(|(name, _)| name == "hs_email_headers")
        .and_then(|(_, value)| value.as_deref())
        .map(serde_json::from_str::<Value>)
    else {
        return;
    };
    let address = |raw: &str| match (raw.rfind('<'), raw.rfind('>')) {
        (Some(open), Some(close)) if open < close => raw[open + 1..close].trim().to_owned(),
        _ => raw.trim().to_owned(),
    };
    let people = |side: &str| -> Vec<&Map<String, Value>> {
        match headers.get(side) {
            Some(Value::Object(one)) => vec![one],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        }
    };
    for side in ["from", "to"] {
        let people = people(side);
        for (field, suffix) in [
            ("email", "email"),
            ("firstName", "firstname"),
            ("lastName", "lastname"),
        ] {
            let values: Vec<String> = people
                .iter()
                .filter_map(|p| p.get(field).and_then(Value::as_str))
                .map(|v| {
                    if field == "email" {
                        address(v)
                    } else {
                        v.to_owned()
                    }
                })
                .filter(|v| !v.is_empty())
                .collect();
            let name = format!("hs_email_{side}_{suffix}");
            changes.retain(|(n, _)| *n != name);
            changes.push((name, (!values.is_empty()).then(|| values.join(";"))));
        }
    }
}

/// An instant written as epoch milliseconds, RFC 3339, or a bare `YYYY-MM-DD` (midnight UTC).
pub(crate) fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(ms) = text.parse::<i64>() {
        return DateTime::from_timestamp_millis(ms);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .map(|date| date.and_time(NaiveTime::MIN).and_utc())
}

/// A filter value for a property of `def`'s type, in the stored form (so that comparing
/// strings compares instants); numbers are compared as numbers by the search compiler.
pub(crate) fn filter_value(def: &Definition, text: &str) -> String {
    match def.kind.as_str() {
        "datetime" => parse_instant(text)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true))
            .unwrap_or_else(|| text.to_owned()),
        "date" => parse_instant(text)
            .map(|at| at.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| text.to_owned()),
        _ => text.to_owned(),
    }
}

/// HubSpot's 400 for invalid property values: the list is a JSON string inside `message`,
/// and each one is also an `errors` entry.
pub(crate) fn invalid_error(invalid: &[Invalid]) -> ApiError {
    // HubSpot adds a localised copy and the portal to an unknown property's entry only.
    let listed: Vec<Value> = invalid
        .iter()
        .map(|i| {
            let mut entry = json!({
                "isValid": false,
                "message": i.message,
                "error": i.error,
                "name": i.name,
            });
            if i.error == "PROPERTY_DOESNT_EXIST" {
                entry["localizedErrorMessage"] = json!(i.message);
                entry["portalId"] = json!(PORTAL_ID.parse::<i64>().unwrap_or_default());
            }
            entry
        })
        .collect();
    let errors: Vec<Value> = invalid
        .iter()
        .map(|i| {
            json!({
                "message": i.message,
                "code": i.error,
                "context": { "propertyName": [i.name] },
            })
        })
        .collect();
    ApiError::validation(format!(
        "Property values were not valid: {}",
        Value::Array(listed)
    ))
    .with("errors", Value::Array(errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_headers_fill_the_sender_and_recipients() {
        let headers = r#"{"from":{"email":"from@domain.com","firstName":"Fran","lastName":"Smith"},"to":[{"email":"To One<to@test.com>","firstName":"To","lastName":"One"},{"email":"two@test.com"}],"cc":[],"bcc":[]}"#;
        let mut changes: Changes = vec![("hs_email_headers".to_owned(), Some(headers.to_owned()))];
        derive_email_headers(&mut changes);
        let value = |name: &str| {
            changes
                .iter()
                .find(|(n, _)| n == name)
                .and_then(|(_, v)| v.clone())
        };
        assert_eq!(
            value("hs_email_from_email").as_deref(),
            Some("from@domain.com")
        );
        assert_eq!(value("hs_email_from_lastname").as_deref(), Some("Smith"));
        assert_eq!(
            value("hs_email_to_email").as_deref(),
            Some("to@test.com;two@test.com")
        );
        assert_eq!(value("hs_email_to_firstname").as_deref(), Some("To"));
        let mut plain: Changes = vec![("hs_email_headers".to_owned(), Some("nope".to_owned()))];
        derive_email_headers(&mut plain);
        assert_eq!(plain.len(), 1);
    }

    #[test]
    fn emails_need_a_local_part_a_domain_and_a_top_level_domain() {
        for good in ["jane.doe@example.com", "a+b@mail.example.co.uk", "x@b-c.io"] {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "example.lcom",
            "dsfsafas@",
            "jane@example",
            "@example.com",
            "jane doe@example.com",
            "jane@exa_mple.com",
            "jane@example.c0m",
            "jane@.com",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    fn def(kind: &str, field_type: &str, options: &[&str]) -> Definition {
        Definition {
            kind: kind.into(),
            field_type: field_type.into(),
            options: options.iter().map(|s| (*s).to_owned()).collect(),
            read_only: false,
            unique: false,
        }
    }

    #[test]
    fn values_are_normalised_or_refused() {
        let number = def("number", "number", &[]);
        assert_eq!(normalise(&number, "12.5"), Ok("12.5".into()));
        assert_eq!(normalise(&number, "1a").unwrap_err().0, "INVALID_INTEGER");
        let datetime = def("datetime", "date", &[]);
        assert_eq!(
            normalise(&datetime, "1700000000000"),
            Ok("2023-11-14T22:13:20.000Z".into())
        );
        assert_eq!(
            normalise(&datetime, "2024-01-02"),
            Ok("2024-01-02T00:00:00.000Z".into())
        );
        let date = def("date", "date", &[]);
        assert_eq!(normalise(&date, "1704153600000"), Ok("2024-01-02".into()));
        assert_eq!(
            normalise(&date, "1704153600001").unwrap_err().0,
            "INVALID_DATE"
        );
        let stage = def("enumeration", "radio", &["lead", "customer"]);
        assert_eq!(normalise(&stage, "lead"), Ok("lead".into()));
        assert_eq!(normalise(&stage, "nope").unwrap_err().0, "INVALID_OPTION");
        let multi = def("enumeration", "checkbox", &["A", "B"]);
        assert_eq!(normalise(&multi, "A;B"), Ok("A;B".into()));
        assert!(normalise(&multi, "A;C").is_err());
    }

    #[test]
    fn unknown_and_read_only_properties_are_named() {
        let mut defs = HashMap::new();
        defs.insert(
            "lastmodifieddate".to_owned(),
            Definition {
                read_only: true,
                ..def("datetime", "date", &[])
            },
        );
        let input = json!({"nope": "x", "lastmodifieddate": "1"});
        let invalid = check(&defs, input.as_object().unwrap()).unwrap_err();
        assert_eq!(invalid[0].error, "PROPERTY_DOESNT_EXIST");
        assert_eq!(invalid[1].error, "READ_ONLY_VALUE");
    }
}
