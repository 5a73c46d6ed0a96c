//! An import's `importRequest` (HubSpot's imports guide): its name, the operation per object
//! type, the date format, and per file its header flag and column mappings, each column to a
//! property of an object type (`columnObjectTypeId`, or the older `columnObjectType`), the
//! record id (`hs_object_id` or `idColumnType: HUBSPOT_OBJECT_ID`) or an alternate id
//! (`idColumnType: HUBSPOT_ALTERNATE_ID`, a unique property).

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::request::string_field;
use crate::types::{self, Type};
use crate::values::{self, Definition};

/// What an import does with a row per object type (`importOperations`; `UPSERT` by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    /// Create records only: a row matching one is refused (`CREATE_ONLY_IMPORT`).
    Create,
    /// Update records only: a row matching none is refused (`UPDATE_ONLY_IMPORT`).
    Update,
    /// Update the record a row matches, create one otherwise.
    Upsert,
}

/// The order of a date's day, month and year in the file (`dateFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateFormat {
    /// `MONTH_DAY_YEAR` (the default).
    MonthDayYear,
    /// `DAY_MONTH_YEAR`.
    DayMonthYear,
    /// `YEAR_MONTH_DAY`.
    YearMonthDay,
}

/// How a column identifies its row's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    /// It does not.
    None,
    /// The record id (`hs_object_id`).
    RecordId,
    /// A unique property's value (an email, a company domain, `hasUniqueValue` ones).
    Alternate,
}

/// One column mapping.
#[derive(Debug)]
pub(crate) struct Column {
    /// `columnName`, matched against the file's header.
    pub(crate) name: String,
    /// The object type it belongs to.
    pub(crate) object_type: Type,
    /// The property it writes.
    pub(crate) property: String,
    /// Whether it identifies the record.
    pub(crate) key: Key,
}

/// One file of the request.
#[derive(Debug)]
pub(crate) struct File {
    /// `fileName`, matched against the uploaded files' names.
    pub(crate) name: String,
    /// `fileImportPage.hasHeader` (true unless `false`).
    pub(crate) has_header: bool,
    /// `fileImportPage.columnMappings`.
    pub(crate) columns: Vec<Column>,
}

/// A checked `importRequest`.
#[derive(Debug)]
pub(crate) struct Plan {
    /// `name`.
    pub(crate) name: String,
    /// `dateFormat`.
    pub(crate) date_format: DateFormat,
    /// `importOperations` by object type name.
    pub(crate) operations: HashMap<String, Operation>,
    /// `files`.
    pub(crate) files: Vec<File>,
    /// The definitions of the properties the columns write, by type name.
    pub(crate) definitions: HashMap<String, HashMap<String, Definition>>,
    /// The mapped types' ids, in first-mapped order.
    pub(crate) type_ids: Vec<String>,
}

impl Plan {
    /// The operation for `object_type`.
    pub(crate) fn operation(&self, object_type: &str) -> Operation {
        self.operations
            .get(object_type)
            .copied()
            .unwrap_or(Operation::Upsert)
    }
}

/// HubSpot's missing-attribute refusal of an import request.
fn unbuilt(model: &str, field: &str) -> ApiError {
    ApiError::unbuilt(model, &[field])
}

/// The type `name` names (a type id, a name, or the older upper-case `CONTACT`).
async fn object_type(client: &impl GenericClient, name: &str) -> Result<Type, ApiError> {
    match types::lookup(name) {
        Some(stock) => Ok(std::borrow::Cow::Borrowed(stock)),
        None => types::resolve(client, name).await,
    }
}

/// Checks `request` (the `importRequest` part, parsed) against the portal's types and
/// properties.
///
/// # Errors
///
/// 400 `VALIDATION_ERROR` for a request HubSpot could not run: a missing name, files or
/// column mapping field, an unknown type, property, operation, date format or file format,
/// a column associating two files (not served).
pub(crate) async fn read(client: &impl GenericClient, request: &Value) -> Result<Plan, ApiError> {
    if !request.is_object() {
        return Err(ApiError::validation(
            "Invalid input JSON: importRequest must be a JSON object",
        ));
    }
    let name = string_field(request, "name").ok_or_else(|| unbuilt("ImportRequest", "name"))?;
    let date_format = match request.get("dateFormat").and_then(Value::as_str) {
        None | Some("MONTH_DAY_YEAR") => DateFormat::MonthDayYear,
        Some("DAY_MONTH_YEAR") => DateFormat::DayMonthYear,
        Some("YEAR_MONTH_DAY") => DateFormat::YearMonthDay,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "Invalid input JSON: dateFormat {other} is not one of MONTH_DAY_YEAR, \
                 DAY_MONTH_YEAR, YEAR_MONTH_DAY"
            )));
        }
    };
    let mut operations = HashMap::new();
    if let Some(given) = request.get("importOperations").and_then(Value::as_object) {
        for (type_name, operation) in given {
            let operation = match operation.as_str() {
                Some("CREATE") => Operation::Create,
                Some("UPDATE") => Operation::Update,
                Some("UPSERT") => Operation::Upsert,
                _ => {
                    return Err(ApiError::validation(format!(
                        "Invalid input JSON: importOperations.{type_name} must be CREATE, \
                         UPDATE or UPSERT"
                    )));
                }
            };
            let object_type = object_type(client, type_name).await?;
            operations.insert(object_type.name.to_string(), operation);
        }
    }
    let given = match request.get("files") {
        Some(Value::Array(files)) if !files.is_empty() => files,
        _ => return Err(unbuilt("ImportRequest", "files")),
    };
    let mut files = Vec::with_capacity(given.len());
    let mut type_ids: Vec<String> = Vec::new();
    let mut names: HashMap<String, Vec<String>> = HashMap::new();
    for file in given {
        let file_name =
            string_field(file, "fileName").ok_or_else(|| unbuilt("ImportFile", "fileName"))?;
        match file.get("fileFormat").and_then(Value::as_str) {
            None | Some("CSV") => {}
            Some(other) => {
                return Err(ApiError::validation(format!(
                    "fileFormat {other} is not served by this HubSpot clone: import CSV files"
                ))
                .with("subCategory", json!("NOT_IMPLEMENTED")));
            }
        }
        let page = file
            .get("fileImportPage")
            .filter(|page| page.is_object())
            .ok_or_else(|| unbuilt("ImportFile", "fileImportPage"))?;
        let has_header = page.get("hasHeader").and_then(Value::as_bool) != Some(false);
        let mappings = match page.get("columnMappings") {
            Some(Value::Array(mappings)) if !mappings.is_empty() => mappings,
            _ => return Err(unbuilt("FileImportPage", "columnMappings")),
        };
        let mut columns = Vec::with_capacity(mappings.len());
        for mapping in mappings {
            let column = read_column(client, mapping).await?;
            let type_id = column.object_type.type_id.to_string();
            if !type_ids.contains(&type_id) {
                type_ids.push(type_id);
            }
            names
                .entry(column.object_type.name.to_string())
                .or_default()
                .push(column.property.clone());
            columns.push(column);
        }
        files.push(File {
            name: file_name,
            has_header,
            columns,
        });
    }
    let mut definitions = HashMap::new();
    for (type_name, properties) in names {
        let refs: Vec<&str> = properties.iter().map(String::as_str).collect();
        let defs = values::definitions(client, &type_name, &refs).await?;
        if let Some(unknown) = refs.iter().find(|name| !defs.contains_key(**name)) {
            return Err(
                ApiError::validation(format!("Property \"{unknown}\" does not exist"))
                    .with("context", json!({ "propertyName": [unknown] })),
            );
        }
        definitions.insert(type_name, defs);
    }
    for file in &files {
        for column in &file.columns {
            let def = &definitions[column.object_type.name.as_ref()][&column.property];
            if column.key == Key::Alternate && !def.unique && !is_dedupe_key(column) {
                return Err(ApiError::validation(format!(
                    "{} is not a unique property of {}: it cannot be an alternate id",
                    column.property, column.object_type.name
                )));
            }
        }
    }
    Ok(Plan {
        name,
        date_format,
        operations,
        files,
        definitions,
        type_ids,
    })
}

/// Whether `column` is a property HubSpot's imports deduplicate records by whatever the
/// mapping says: a contact's email, a company's domain.
pub(crate) fn is_dedupe_key(column: &Column) -> bool {
    matches!(
        (column.object_type.name.as_ref(), column.property.as_str()),
        ("contacts", "email") | ("companies", "domain")
    )
}

/// One `columnMappings` entry.
async fn read_column(client: &impl GenericClient, mapping: &Value) -> Result<Column, ApiError> {
    let name = string_field(mapping, "columnName")
        .ok_or_else(|| unbuilt("ColumnMapping", "columnName"))?;
    if mapping
        .get("toColumnObjectTypeId")
        .is_some_and(|v| !v.is_null())
        || mapping.get("columnType").and_then(Value::as_str) == Some("ASSOCIATION_KEYS")
    {
        return Err(ApiError::validation(
            "Columns associating records of two files (toColumnObjectTypeId, ASSOCIATION_KEYS) \
             are not served by this HubSpot clone: map the types in one file",
        )
        .with("subCategory", json!("NOT_IMPLEMENTED")));
    }
    let type_name = string_field(mapping, "columnObjectTypeId")
        .or_else(|| string_field(mapping, "columnObjectType"))
        .ok_or_else(|| unbuilt("ColumnMapping", "columnObjectTypeId"))?;
    let object_type = object_type(client, &type_name).await?;
    let id_type = mapping.get("idColumnType").and_then(Value::as_str);
    let property = match (string_field(mapping, "propertyName"), id_type) {
        (Some(property), _) => property,
        (None, Some("HUBSPOT_OBJECT_ID")) => "hs_object_id".to_owned(),
        (None, _) => return Err(unbuilt("ColumnMapping", "propertyName")),
    };
    let key = match id_type {
        Some("HUBSPOT_OBJECT_ID") => Key::RecordId,
        Some("HUBSPOT_ALTERNATE_ID") => Key::Alternate,
        None if property == "hs_object_id" => Key::RecordId,
        None => Key::None,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "Invalid input JSON: idColumnType {other} is not one of HUBSPOT_OBJECT_ID, \
                 HUBSPOT_ALTERNATE_ID"
            )));
        }
    };
    Ok(Column {
        name,
        object_type,
        property,
        key,
    })
}
