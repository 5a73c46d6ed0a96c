//! Unique properties (`hasUniqueValue`): a write may not give one a value another live
//! object of the type holds, nor may two writes of one batch give it the same value. A
//! contact's email on create keeps HubSpot's own 409 (`Contact already exists. Existing ID:
//! N`), which the insert itself raises.

use std::collections::HashMap;

use asym_kit::deadpool_postgres::GenericClient;

use super::model;
use crate::error::ApiError;
use crate::types::ObjectType;
use crate::values::{self, Changes, Invalid};

/// Checked property values of several writes, and which of the names they set are unique.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    /// Each write's normalised values, in input order.
    pub(crate) changes: Vec<Changes>,
    /// The unique properties among the names the writes set.
    pub(crate) unique: Vec<String>,
}

impl Checked {
    /// Refuses the writes when one gives a unique property a value another object holds:
    /// `ids` are the objects written (`None` for a create), in the order of `changes`.
    ///
    /// # Errors
    ///
    /// 400 `VALIDATION_ERROR` naming each value already taken.
    pub(crate) async fn refuse_taken(
        &self,
        client: &impl GenericClient,
        object_type: &ObjectType,
        ids: &[Option<i64>],
    ) -> Result<(), ApiError> {
        let wanted = self.wanted(object_type, ids);
        if wanted.is_empty() {
            return Ok(());
        }
        let (names, values): (Vec<&str>, Vec<&str>) = wanted
            .iter()
            .map(|(name, value, _)| (name.as_str(), value.as_str()))
            .unzip();
        let mut holders: HashMap<(String, String), i64> = HashMap::new();
        for (holder, name, value) in
            model::holders(client, &object_type.name, &names, &values).await?
        {
            let key = (model::key(&name, &value), name);
            holders.insert(key, holder);
        }
        // What the batch's earlier writes claimed, and by whom.
        let mut claimed: HashMap<(String, String), Option<i64>> = HashMap::new();
        let mut invalid = Vec::new();
        for (name, value, writer) in wanted {
            let key = (model::key(&name, &value), name.clone());
            let holder = match holders.get(&key) {
                Some(holder) if Some(*holder) != writer => Some(format!("object {holder}")),
                Some(_) => None,
                None => match claimed.insert(key, writer) {
                    Some(first) if first != writer || writer.is_none() => {
                        Some("another input of this batch".to_owned())
                    }
                    _ => None,
                },
            };
            if let Some(holder) = holder {
                invalid.push(taken(&name, &value, &holder));
            }
        }
        if invalid.is_empty() {
            Ok(())
        } else {
            Err(values::invalid_error(&invalid))
        }
    }

    /// Every `(unique property, value, object written)` the writes set, a contact's email on
    /// create left to the insert.
    fn wanted(
        &self,
        object_type: &ObjectType,
        ids: &[Option<i64>],
    ) -> Vec<(String, String, Option<i64>)> {
        if self.unique.is_empty() {
            return Vec::new();
        }
        self.changes
            .iter()
            .zip(ids.iter().copied().chain(std::iter::repeat(None)))
            .flat_map(|(changes, id)| {
                changes.iter().filter_map(move |(name, value)| {
                    let value = value.as_deref()?;
                    let email_create =
                        object_type.name == "contacts" && name == "email" && id.is_none();
                    (self.unique.contains(name) && !email_create)
                        .then(|| (name.clone(), value.to_owned(), id))
                })
            })
            .collect()
    }
}

/// The refusal of a unique value an earlier input of the same batch sets.
pub(crate) fn repeated(name: &str, value: &str) -> ApiError {
    values::invalid_error(&[taken(name, value, "another input of this batch")])
}

/// HubSpot's refusal of a unique value another object holds. The phrase and the
/// `propertyName=` key are what HubSpot's answer carries; the rest of the text is the
/// clone's own (HubSpot does not document it).
fn taken(name: &str, value: &str, holder: &str) -> Invalid {
    Invalid {
        name: name.to_owned(),
        error: "INVALID_PROPERTY_VALUE",
        message: format!("{value} already has that value (propertyName={name}, held by {holder})"),
    }
}
