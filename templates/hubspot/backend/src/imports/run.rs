//! Running an import: each row of each file written as the records it maps, found as
//! HubSpot's imports find them (by record id, else by an alternate id: a contact's email, a
//! company's domain, a unique property the mapping names), then updated or created as the
//! type's operation says; the records of one row associated by their pair's default type. A
//! row HubSpot would refuse is left out and reported as an import error.

use std::collections::{HashMap, HashSet};

use asym_kit::deadpool_postgres::GenericClient;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::csv::Record;
use super::plan::{Column, DateFormat, File, Key, Operation, Plan, is_dedupe_key};
use crate::assoc;
use crate::error::ApiError;
use crate::names;
use crate::objects::model;
use crate::objects::{Checked, change_events, create_many, parse_id, require, write_error};
use crate::types::ObjectType;
use crate::values::{self, Changes, Definition, Invalid};
use crate::webhooks::Event;

/// One refused row (or one refused value of it), as `/crm/v3/imports/{id}/errors` answers it.
#[derive(Debug)]
pub(crate) struct RowError {
    /// HubSpot's `errorType`.
    pub(crate) error_type: &'static str,
    /// The record's type id, when the error is about one.
    pub(crate) object_type_id: Option<String>,
    /// HubSpot's upper-case `objectType`, for the types its enumeration names.
    pub(crate) object_type: Option<String>,
    /// The explanation.
    pub(crate) message: String,
    /// The value refused.
    pub(crate) invalid_value: Option<String>,
    /// The column of the value refused (from 1).
    pub(crate) column: Option<i32>,
    /// The row's fields.
    pub(crate) row: Vec<String>,
    /// The file's line the row is on.
    pub(crate) line: i32,
    /// The file's id.
    pub(crate) file_id: i64,
}

/// What an import wrote: HubSpot's `metadata.counters`, its refused rows and its events.
#[derive(Debug, Default)]
pub(crate) struct Outcome {
    /// Rows read (a file's header left out).
    pub(crate) total_rows: i64,
    /// Records created.
    pub(crate) created: i64,
    /// Records updated.
    pub(crate) updated: i64,
    /// Distinct records written.
    pub(crate) written: HashSet<i64>,
    /// Property values written.
    pub(crate) values: i64,
    /// The rows (or values) refused.
    pub(crate) errors: Vec<RowError>,
    /// The webhook events of the writes.
    pub(crate) events: Vec<Event>,
}

impl Outcome {
    /// HubSpot's `metadata.counters`.
    pub(crate) fn counters(&self) -> Value {
        json!({
            "TOTAL_ROWS": self.total_rows,
            "CREATED_OBJECTS": self.created,
            "UPDATED_OBJECTS": self.updated,
            "UNIQUE_OBJECTS_WRITTEN": self.written.len(),
            "PROPERTY_VALUES_EMITTED": self.values,
        })
    }
}

/// One row of a file, with what it is read with.
struct Row<'a> {
    record: &'a Record,
    file_id: i64,
}

impl Row<'_> {
    /// A [`RowError`] of this row.
    fn error(&self, error_type: &'static str, message: String) -> RowError {
        RowError {
            error_type,
            object_type_id: None,
            object_type: None,
            message,
            invalid_value: None,
            column: None,
            row: self.record.fields.clone(),
            line: i32::try_from(self.record.line).unwrap_or(i32::MAX),
            file_id: self.file_id,
        }
    }

    /// A [`RowError`] about a record of `object_type`.
    fn refuse(
        &self,
        object_type: &ObjectType,
        error_type: &'static str,
        message: String,
    ) -> RowError {
        RowError {
            object_type_id: Some(object_type.type_id.to_string()),
            object_type: enumerated(object_type),
            ..self.error(error_type, message)
        }
    }
}

/// HubSpot's `objectType` name of a type its import errors' enumeration names.
fn enumerated(object_type: &ObjectType) -> Option<String> {
    if object_type.type_id.starts_with("2-") {
        return None;
    }
    Some(match object_type.singular.as_ref() {
        "meeting" => "MEETING_EVENT".to_owned(),
        singular => singular.to_uppercase(),
    })
}

/// The `errorType` of a refused value's code.
fn error_type(code: &str) -> &'static str {
    match code {
        "INVALID_EMAIL" => "INVALID_EMAIL",
        "INVALID_INTEGER" => "COULD_NOT_PARSE_NUMBER",
        "INVALID_DATE" => "COULD_NOT_PARSE_DATE",
        "INVALID_OPTION" => "INVALID_ENUMERATION_OPTION",
        "PROPERTY_DOESNT_EXIST" => "PROPERTY_DEFINITION_NOT_FOUND",
        _ => "INVALID_PROPERTY_VALUE_FORMAT",
    }
}

/// `text` as `YYYY-MM-DD` when it is a date written in `format` (`5/16/2024`), else as it is.
fn as_date(text: &str, format: DateFormat) -> String {
    let parts: Vec<&str> = text.split(['/', '-', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return text.to_owned();
    };
    let (year, month, day) = match format {
        DateFormat::MonthDayYear => (c, a, b),
        DateFormat::DayMonthYear => (c, b, a),
        DateFormat::YearMonthDay => (a, b, c),
    };
    match (year.parse(), month.parse(), day.parse()) {
        (Ok(y), Ok(m), Ok(d)) => NaiveDate::from_ymd_opt(y, m, d)
            .map_or_else(|| text.to_owned(), |d| d.format("%Y-%m-%d").to_string()),
        _ => text.to_owned(),
    }
}

/// What one row says of one record.
#[derive(Default)]
struct Mapped<'a> {
    properties: Map<String, Value>,
    /// The column (from 0) each property came from.
    columns: HashMap<String, usize>,
    record_id: Option<&'a str>,
    alternates: Vec<(&'a str, &'a str)>,
}

/// Runs `plan` over `files` (each file's records and id, in the plan's order) in `client`'s
/// transaction.
///
/// # Errors
///
/// The database's errors (a refused row is an [`Outcome`] error, not an `Err`).
pub(crate) async fn run(
    client: &impl GenericClient,
    plan: &Plan,
    files: &[(Vec<Record>, i64)],
) -> Result<Outcome, ApiError> {
    let mut outcome = Outcome::default();
    // Concurrent imports (and batch upserts) of one email, domain or alternate id wait for
    // each other, all of an import's at once so that two imports cannot deadlock: the second
    // finds the record the first created rather than creating it again.
    let mut scopes = Vec::new();
    for (file, (records, _)) in plan.files.iter().zip(files) {
        let positions = positions(file, records);
        for record in records.iter().skip(usize::from(file.has_header)) {
            for (object_type, mapped) in map_row(plan, &file.columns, &positions, record) {
                scopes.extend(mapped.alternates.iter().map(|(property, value)| {
                    names::value(&object_type.name, property, &model::key(property, value))
                }));
            }
        }
    }
    names::lock(client, &scopes).await?;
    for (file, (records, file_id)) in plan.files.iter().zip(files) {
        let (header, rows) = match records.split_first() {
            Some((header, rows)) if file.has_header => (Some(header), rows),
            _ => (None, records.as_slice()),
        };
        let width = header.map_or(file.columns.len(), |h| h.fields.len());
        let positions = positions(file, records);
        for record in rows {
            outcome.total_rows += 1;
            let row = Row {
                record,
                file_id: *file_id,
            };
            if record.fields.len() != width {
                outcome.errors.push(row.error(
                    "INCORRECT_NUMBER_OF_COLUMNS",
                    format!(
                        "Row has {} columns; the file's header has {width}",
                        record.fields.len()
                    ),
                ));
                continue;
            }
            let mapped = map_row(plan, &file.columns, &positions, record);
            let mut written: Vec<(&ObjectType, i64)> = Vec::new();
            for (object_type, mapped) in mapped {
                if let Some(id) =
                    write(client, plan, object_type, mapped, &row, &mut outcome).await?
                {
                    written.push((object_type, id));
                }
            }
            associate(client, &written, &row, &mut outcome).await?;
        }
    }
    Ok(outcome)
}

/// The field each of `file`'s columns reads: the header's field of its name (any case), else
/// the column's place.
fn positions(file: &File, records: &[Record]) -> Vec<usize> {
    let header = records.first().filter(|_| file.has_header);
    file.columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            header
                .and_then(|h| {
                    h.fields
                        .iter()
                        .position(|f| f.trim().eq_ignore_ascii_case(column.name.trim()))
                })
                .unwrap_or(index)
        })
        .collect()
}

/// The records one row maps, by type, in the order the columns first name them.
fn map_row<'a>(
    plan: &Plan,
    columns: &'a [Column],
    positions: &[usize],
    record: &'a Record,
) -> Vec<(&'a ObjectType, Mapped<'a>)> {
    let mut mapped: Vec<(&ObjectType, Mapped<'_>)> = Vec::new();
    for (column, &position) in columns.iter().zip(positions) {
        let value = record.fields.get(position).map_or("", |v| v.trim());
        if value.is_empty() {
            continue;
        }
        let object_type: &ObjectType = &column.object_type;
        let index = match mapped.iter().position(|(t, _)| t.name == object_type.name) {
            Some(index) => index,
            None => {
                mapped.push((object_type, Mapped::default()));
                mapped.len() - 1
            }
        };
        let entry = &mut mapped[index].1;
        if column.key == Key::RecordId {
            entry.record_id = Some(value);
            continue;
        }
        if column.key == Key::Alternate || is_dedupe_key(column) {
            entry.alternates.push((column.property.as_str(), value));
        }
        let def = &plan.definitions[object_type.name.as_ref()][&column.property];
        let value = if matches!(def.kind.as_str(), "date" | "datetime") {
            as_date(value, plan.date_format)
        } else {
            value.to_owned()
        };
        entry
            .properties
            .insert(column.property.clone(), Value::String(value));
        entry.columns.insert(column.property.clone(), position);
    }
    mapped
}

/// The live record `mapped` names, `Ok(None)` when it names none; `Err` with the row's error
/// when its record id names no record.
async fn find(
    client: &impl GenericClient,
    object_type: &ObjectType,
    mapped: &Mapped<'_>,
    row: &Row<'_>,
) -> Result<Result<Option<i64>, RowError>, ApiError> {
    if let Some(text) = mapped.record_id {
        let found = match parse_id(text) {
            Some(id) => model::get(client, &object_type.name, id, false).await?,
            None => None,
        };
        return Ok(match found {
            Some(object) => Ok(Some(object.id)),
            None => {
                let mut error = row.refuse(
                    object_type,
                    "INVALID_OBJECT_ID",
                    format!("No {} has the record id {text}", object_type.singular),
                );
                error.invalid_value = Some(text.to_owned());
                Err(error)
            }
        });
    }
    for (property, value) in &mapped.alternates {
        if let Some(object) = model::find_by(client, &object_type.name, property, value).await? {
            return Ok(Ok(Some(object.id)));
        }
    }
    Ok(Ok(None))
}

/// Checks and writes one row's record of `object_type`: its id, `None` when refused (the
/// refusal recorded in `outcome`).
async fn write(
    client: &impl GenericClient,
    plan: &Plan,
    object_type: &ObjectType,
    mut mapped: Mapped<'_>,
    row: &Row<'_>,
    outcome: &mut Outcome,
) -> Result<Option<i64>, ApiError> {
    let found = match find(client, object_type, &mapped, row).await? {
        Ok(found) => found,
        Err(error) => {
            outcome.errors.push(error);
            return Ok(None);
        }
    };
    let refusal = match (plan.operation(&object_type.name), found) {
        (Operation::Create, Some(id)) => Some((
            "CREATE_ONLY_IMPORT",
            format!("The import creates records only; this row names {id}"),
        )),
        (Operation::Update, None) => Some((
            "UPDATE_ONLY_IMPORT",
            "The import updates records only; this row names none".to_owned(),
        )),
        _ => None,
    };
    if let Some((error_type, message)) = refusal {
        outcome
            .errors
            .push(row.refuse(object_type, error_type, message));
        return Ok(None);
    }
    if found.is_none() {
        values::default_pipeline(&object_type.name, &mut mapped.properties);
    }
    let defs = &plan.definitions[object_type.name.as_ref()];
    let mut changes = match check(client, object_type, defs, &mapped, row, outcome).await? {
        Some(changes) => changes,
        None => return Ok(None),
    };
    if object_type.name == "emails" {
        values::derive_email_headers(&mut changes);
    }
    let checked = Checked {
        unique: defs
            .iter()
            .filter(|(name, def)| def.unique && changes.iter().any(|(n, _)| n == *name))
            .map(|(name, _)| name.clone())
            .collect(),
        changes: vec![changes],
    };
    if let Err(err) = checked.refuse_taken(client, object_type, &[found]).await {
        outcome.errors.push(row.refuse(
            object_type,
            "DUPLICATE_UNIQUE_PROPERTY_VALUE",
            err.message().to_owned(),
        ));
        return Ok(None);
    }
    let changes = checked.changes.into_iter().next().unwrap_or_default();
    let id = match found {
        Some(id) => {
            let Some((object, old)) = model::update(client, &object_type.name, id, &changes)
                .await
                .map_err(write_error)?
            else {
                return Ok(None);
            };
            change_events(object_type, object.id, &changes, &old, &mut outcome.events);
            outcome.updated += 1;
            object.id
        }
        None => {
            if let Err(err) = require(object_type, &[&changes]) {
                outcome.errors.push(row.refuse(
                    object_type,
                    "MISSING_REQUIRED_PROPERTY",
                    err.message().to_owned(),
                ));
                return Ok(None);
            }
            let created = create_many(client, object_type, &[&changes], &[], &mut outcome.events)
                .await
                .map_err(write_error)?;
            outcome.created += 1;
            created.first().map_or(0, |object| object.id)
        }
    };
    outcome.values +=
        i64::try_from(changes.iter().filter(|(_, v)| v.is_some()).count()).unwrap_or(i64::MAX);
    outcome.written.insert(id);
    Ok(Some(id))
}

/// Checks a row's values for `object_type`: the changes, `None` when one is refused (each
/// refusal recorded in `outcome`).
async fn check(
    client: &impl GenericClient,
    object_type: &ObjectType,
    defs: &HashMap<String, Definition>,
    mapped: &Mapped<'_>,
    row: &Row<'_>,
    outcome: &mut Outcome,
) -> Result<Option<Changes>, ApiError> {
    let refuse_value = |invalid: &Invalid| {
        let column = mapped.columns.get(&invalid.name).copied();
        let mut error = row.refuse(
            object_type,
            error_type(invalid.error),
            invalid.message.clone(),
        );
        error.invalid_value = mapped
            .properties
            .get(&invalid.name)
            .and_then(Value::as_str)
            .map(str::to_owned);
        error.column = column.and_then(|c| i32::try_from(c + 1).ok());
        error
    };
    let changes = match values::check(defs, &mapped.properties) {
        Ok(changes) => changes,
        Err(invalid) => {
            outcome.errors.extend(invalid.iter().map(refuse_value));
            return Ok(None);
        }
    };
    if let Err(err) =
        values::check_stages(client, &object_type.name, std::slice::from_ref(&changes)).await
    {
        outcome.errors.push(row.refuse(
            object_type,
            "INVALID_ENUMERATION_OPTION",
            err.message().to_owned(),
        ));
        return Ok(None);
    }
    Ok(Some(changes))
}

/// Associates the records one row wrote: the first with each of the others, by their pair's
/// default association type (pairs without one are left unassociated).
async fn associate(
    client: &impl GenericClient,
    written: &[(&ObjectType, i64)],
    row: &Row<'_>,
    outcome: &mut Outcome,
) -> Result<(), ApiError> {
    let Some(((first, first_id), others)) = written.split_first() else {
        return Ok(());
    };
    for (other, other_id) in others {
        let types = assoc::types_between(client, &first.name, &other.name).await?;
        if !types.iter().any(|t| t.is_default) {
            continue;
        }
        if let Err(err) = assoc::associate(client, first, *first_id, other, *other_id, &[]).await {
            outcome.errors.push(row.refuse(
                other,
                "FAILED_TO_CREATE_ASSOCIATION",
                err.message().to_owned(),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_import_date_format() {
        for (text, format, date) in [
            ("5/16/2024", DateFormat::MonthDayYear, "2024-05-16"),
            ("16.05.2024", DateFormat::DayMonthYear, "2024-05-16"),
            ("2024-05-16", DateFormat::YearMonthDay, "2024-05-16"),
            ("2024-05-16", DateFormat::MonthDayYear, "2024-05-16"),
            ("13/13/2024", DateFormat::MonthDayYear, "13/13/2024"),
            ("1715817600000", DateFormat::MonthDayYear, "1715817600000"),
        ] {
            assert_eq!(as_date(text, format), date, "{text}");
        }
    }
}
