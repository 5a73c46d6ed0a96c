//! What every mutation shares: its input object, one transaction opened and committed around
//! Postgres work only, the written object rendered inside that transaction (for the payload
//! and the webhook alike), `lastSyncId`, and Postgres errors mapped to Linear's.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use asym_kit::token::is_uuid;
use asym_kit::tokio_postgres::Row;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::connection::object;
use crate::entity;
use crate::error::{self, Result, db};
use crate::{Shared, Viewer};

/// The mutation's `input` argument as JSON (enums as strings).
///
/// # Errors
///
/// Invalid input when it is absent or not an object.
pub(crate) fn input(ctx: &ResolverContext<'_>) -> Result<Map<String, serde_json::Value>> {
    let value = ctx
        .args
        .get("input")
        .ok_or_else(|| error::invalid("Argument `input` is required"))?
        .as_value()
        .clone()
        .into_json()
        .map_err(error::internal)?;
    match value {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(error::invalid("`input` must be an object")),
    }
}

/// Refuses input fields the clone does not implement (rather than ignoring them).
///
/// # Errors
///
/// Invalid input naming the first unsupported field that is set.
pub(crate) fn only(input: &Map<String, serde_json::Value>, supported: &[&str]) -> Result<()> {
    match input
        .iter()
        .find(|(key, value)| !value.is_null() && !supported.contains(&key.as_str()))
    {
        Some((key, _)) => Err(error::invalid(format!(
            "Input field `{key}` is not supported by the asym Linear clone"
        ))),
        None => Ok(()),
    }
}

/// Refuses a client-chosen `id` in a create's `input` that is not a UUID, as Linear's
/// validators do.
///
/// # Errors
///
/// `Argument Validation Error` (`id must be a UUID.`).
pub(crate) fn check_id(input: &Map<String, serde_json::Value>) -> Result<()> {
    match text(input, "id")? {
        Some(id) if !is_uuid(&id) => Err(error::refused(&[error::Refusal {
            property: "id".to_owned(),
            constraint: "isUuid",
            message: "id must be a UUID.".to_owned(),
        }])),
        _ => Ok(()),
    }
}

/// A rule Linear's validators (class-validator's) hold an input field to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Not empty, nor only white space: `name should not be empty`.
    NotBlank,
    /// An absolute URL (a scheme, `://`, then no white space): `url must be a URL address`.
    Url,
    /// A hex colour, `#` optional, of 3, 4, 6 or 8 digits: `color must be a hexadecimal color`.
    HexColor,
    /// One of these values: `type must be one of the following values: dependency`.
    OneOf(&'static [&'static str]),
    /// A URL key: lower-case letters, digits and dashes, at least one.
    UrlKey,
    /// An email address: a local part, `@`, a domain with a dot, no white space.
    Email,
}

impl Rule {
    /// Whether `text` keeps the rule.
    fn holds(self, text: &str) -> bool {
        match self {
            Self::NotBlank => !text.trim().is_empty(),
            Self::Url => text.split_once("://").is_some_and(|(scheme, rest)| {
                scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                    && !rest.is_empty()
                    && !rest.starts_with('/')
                    && !rest.contains(char::is_whitespace)
            }),
            Self::HexColor => {
                let digits = text.strip_prefix('#').unwrap_or(text);
                matches!(digits.len(), 3 | 4 | 6 | 8)
                    && digits.chars().all(|c| c.is_ascii_hexdigit())
            }
            Self::OneOf(values) => values.contains(&text),
            Self::Email => text.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !text.contains(char::is_whitespace)
                    && !domain.contains('@')
            }),
            Self::UrlKey => {
                !text.is_empty()
                    && text
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            }
        }
    }

    /// class-validator's name of the rule's constraint.
    fn constraint(self) -> &'static str {
        match self {
            Self::NotBlank => "isNotEmpty",
            Self::Url => "isUrl",
            Self::HexColor => "isHexColor",
            Self::OneOf(_) => "isEnum",
            Self::UrlKey => "matches",
            Self::Email => "isEmail",
        }
    }

    /// What class-validator says of a `field` that breaks the rule.
    fn message(self, field: &str) -> String {
        match self {
            Self::NotBlank => format!("{field} should not be empty"),
            Self::Url => format!("{field} must be a URL address"),
            Self::HexColor => format!("{field} must be a hexadecimal color"),
            Self::OneOf(values) => {
                format!(
                    "{field} must be one of the following values: {}",
                    values.join(", ")
                )
            }
            Self::Email => format!("{field} must be an email"),
            Self::UrlKey => {
                format!("{field} must only contain lowercase letters, numbers and dashes")
            }
        }
    }

    /// The refusal of a `field` that breaks the rule.
    pub(crate) fn refusal(self, field: &str) -> error::Refusal {
        error::Refusal {
            property: field.to_owned(),
            constraint: self.constraint(),
            message: self.message(field),
        }
    }
}

/// A numeric input field's bounds, class-validator's `@Min` and `@Max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Range {
    /// The input field.
    pub(crate) field: &'static str,
    /// The least value it takes.
    pub(crate) min: f64,
    /// The greatest.
    pub(crate) max: f64,
}

impl Range {
    /// The refusal of `number` when it is out of range: `hour must not be less than 0`.
    fn refusal(self, number: f64) -> Option<error::Refusal> {
        let (constraint, message) = if number < self.min {
            (
                "min",
                format!("{} must not be less than {}", self.field, self.min),
            )
        } else if number > self.max {
            (
                "max",
                format!("{} must not be greater than {}", self.field, self.max),
            )
        } else {
            return None;
        };
        Some(error::Refusal {
            property: self.field.to_owned(),
            constraint,
            message,
        })
    }
}

/// Refuses `input` when a field given a string breaks its rule in `rules` (a field left out
/// or null is not checked), naming every such field, in the order of `rules`.
///
/// # Errors
///
/// `Argument Validation Error` with each field's refusal (`title should not be empty`) under
/// `validationErrors`, the first's as the presentable message.
pub(crate) fn check(input: &Map<String, serde_json::Value>, rules: &[(&str, Rule)]) -> Result<()> {
    check_ranged(input, rules, &[])
}

/// [`check`], and each field given a number held to its [`Range`] in `ranges` (refused
/// after the rules' fields).
///
/// # Errors
///
/// `Argument Validation Error` naming every field refused, as [`check`] does.
pub(crate) fn check_ranged(
    input: &Map<String, serde_json::Value>,
    rules: &[(&str, Rule)],
    ranges: &[Range],
) -> Result<()> {
    let texts = rules
        .iter()
        .filter(|(field, rule)| {
            input
                .get(*field)
                .and_then(serde_json::Value::as_str)
                .is_some_and(|text| !rule.holds(text))
        })
        .map(|(field, rule)| rule.refusal(field));
    let numbers = ranges.iter().filter_map(|range| {
        input
            .get(range.field)
            .and_then(serde_json::Value::as_f64)
            .and_then(|number| range.refusal(number))
    });
    let refusals: Vec<error::Refusal> = texts.chain(numbers).collect();
    if refusals.is_empty() {
        Ok(())
    } else {
        Err(error::refused(&refusals))
    }
}

/// Runs cached statement `sql` with `params` on `tx` (a transaction, or a plain connection
/// for a single-statement write): the one row it finds.
///
/// # Errors
///
/// `entity` not found when there is none; Postgres errors as [`db`] maps them.
pub(crate) async fn one(
    tx: &impl GenericClient,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    entity: &str,
) -> Result<Row> {
    let statement = tx.prepare_cached(sql).await.map_err(error::internal)?;
    tx.query_opt(&statement, params)
        .await
        .map_err(db)?
        .ok_or_else(|| error::not_found(entity))
}

/// The row cached statement `sql` finds for `key` (its `$1`), on a connection of its own.
///
/// # Errors
///
/// `entity` not found when there is none; Postgres errors.
pub(crate) async fn lookup(shared: &Shared, sql: &str, key: &str, entity: &str) -> Result<Row> {
    find(shared, sql, &[&key], entity).await
}

/// The row cached statement `sql` finds with `params`, on a connection of its own.
///
/// # Errors
///
/// `entity` not found when there is none; Postgres errors.
pub(crate) async fn find(
    shared: &Shared,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    entity: &str,
) -> Result<Row> {
    let client = shared.kit.db().await.map_err(error::internal)?;
    one(&client, sql, params, entity).await
}

/// Refuses `viewer` with `refusal` unless their user has the role `column` of `users` says
/// (`admin`: a workspace admin; `app`: an OAuth app's own user).
///
/// # Errors
///
/// `refusal`; `User` not found; Postgres errors.
pub(crate) async fn viewer_must_be(
    shared: &Shared,
    viewer: &Viewer,
    column: &'static str,
    refusal: async_graphql::Error,
) -> Result<()> {
    let sql = format!("SELECT {column} FROM users WHERE id = $1");
    let row = lookup(shared, &sql, &viewer.user_id, "User").await?;
    if row.get::<_, bool>(0) {
        Ok(())
    } else {
        Err(refusal)
    }
}

/// The id of the `entity` (a table with a `slug_id`) that `key` names: its id or its
/// `slugId`.
///
/// # Errors
///
/// `entity` not found; Postgres errors.
pub(crate) async fn id_or_slug(shared: &Shared, entity: &str, key: &str) -> Result<String> {
    let table = entity::by_name(entity)
        .ok_or_else(|| error::internal("unknown entity"))?
        .table;
    let sql = format!("SELECT id FROM {table} WHERE id = $1 OR slug_id = $1");
    let row = lookup(shared, &sql, key, entity).await?;
    Ok(row.get(0))
}

/// Refuses unless cached statement `sql` (a `count(*)` over `params`) counts `expected`
/// rows: each of a list of ids names an `entity` that exists (and belongs where `sql` says).
///
/// # Errors
///
/// `entity` not found when fewer are counted; Postgres errors.
pub(crate) async fn all_found(
    shared: &Shared,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
    expected: usize,
    entity: &str,
) -> Result<()> {
    let counted: i64 = find(shared, sql, params, entity).await?.get(0);
    if usize::try_from(counted).ok() == Some(expected) {
        Ok(())
    } else {
        Err(error::not_found(entity))
    }
}

/// An optional string field of `input`.
pub(crate) fn text(input: &Map<String, serde_json::Value>, key: &str) -> Result<Option<String>> {
    match input.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::String(text)) => Ok(Some(text.clone())),
        Some(_) => Err(error::invalid(format!("`{key}` must be a string"))),
    }
}

/// An optional list-of-strings field of `input`.
pub(crate) fn texts(
    input: &Map<String, serde_json::Value>,
    key: &str,
) -> Result<Option<Vec<String>>> {
    match input.get(key) {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| error::invalid(format!("`{key}` must be a list of strings")))
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(error::invalid(format!("`{key}` must be a list"))),
    }
}

/// `entity` `id` rendered inside `tx` (as written), with the next `lastSyncId`.
///
/// # Errors
///
/// Not found, or Postgres errors.
pub(crate) async fn render(
    tx: &Transaction<'_>,
    shared: &Shared,
    viewer: &Viewer,
    entity: &str,
    id: &str,
) -> Result<(Value, serde_json::Value, i64)> {
    let found = entity::by_name(entity).ok_or_else(|| error::internal("unknown entity"))?;
    let sql = format!(
        "{}SELECT {}::text, nextval('sync_id_seq') FROM ctx, {} t WHERE t.id = $3",
        entity::CTX,
        found.doc,
        found.table
    );
    let row = one(tx, &sql, &[&shared.base, &viewer.user_id, &id], entity).await?;
    rendered(&row)
}

/// A row of a document's JSON text and the next `lastSyncId`: the object as GraphQL and
/// as JSON (for webhooks), and the sync id.
///
/// # Errors
///
/// Internal when the text is not JSON.
pub(crate) fn rendered(row: &Row) -> Result<(Value, serde_json::Value, i64)> {
    let text: &str = row.get(0);
    let json: serde_json::Value = serde_json::from_str(text).map_err(error::internal)?;
    Ok((entity::parse(text)?, json, row.get(1)))
}

/// Commits and, when deliveries were queued, wakes the outbox.
///
/// # Errors
///
/// Postgres errors.
pub(crate) async fn commit(shared: &Shared, tx: Transaction<'_>, queued: bool) -> Result<()> {
    tx.commit().await.map_err(error::internal)?;
    if queued {
        shared.kit.wake_outbox();
    }
    Ok(())
}

/// Renders `entity` `id` inside `tx` and commits (waking the outbox when `queued`): the
/// `{success, lastSyncId, <key>: object}` payload.
///
/// # Errors
///
/// Not found, or Postgres errors.
pub(crate) async fn answer(
    shared: &Shared,
    viewer: &Viewer,
    tx: Transaction<'_>,
    (entity, key): (&str, &str),
    id: &str,
    queued: bool,
) -> Result<Value> {
    let (object, _, sync) = render(&tx, shared, viewer, entity, id).await?;
    commit(shared, tx, queued).await?;
    Ok(payload(key, object, sync))
}

/// A `{success, lastSyncId, <key>: value}` payload.
pub(crate) fn payload(key: &str, value: Value, sync: i64) -> Value {
    object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        (key, value),
    ])
}

/// A stored column's value as a webhook's `updatedFrom` gives it: Postgres's JSON form of a
/// UTC timestamp (`2024-01-03T11:00:00.5+00:00`) in Linear's (`2024-01-03T11:00:00.500Z`),
/// anything else as it is.
pub(crate) fn previous(value: &serde_json::Value) -> serde_json::Value {
    let Some(text) = value.as_str() else {
        return value.clone();
    };
    let timestamp =
        text.len() >= 25 && text.as_bytes().get(10) == Some(&b'T') && text.ends_with("+00:00");
    if !timestamp {
        return value.clone();
    }
    let digits: String = text[19..text.len() - 6]
        .trim_start_matches('.')
        .chars()
        .chain(std::iter::repeat('0'))
        .take(3)
        .collect();
    serde_json::Value::String(format!("{}.{digits}Z", &text[..19]))
}

#[cfg(test)]
mod tests {
    use super::{Rule, previous};
    use serde_json::json;

    #[test]
    fn rules_hold_as_class_validator_words_them() {
        for (rule, kept, broken) in [
            (Rule::NotBlank, &["x", " a "][..], &["", "   ", "\t\n"][..]),
            (
                Rule::Url,
                &[
                    "https://example.com/a?b=c",
                    "http://localhost:3000",
                    "figma://file/1",
                ],
                &[
                    "",
                    "not a url",
                    "example.com",
                    "https://",
                    "https:///x",
                    "https://a b",
                    "1http://x",
                ],
            ),
            (
                Rule::HexColor,
                &["#bec2c8", "BEC2C8", "#fff", "#ffff", "#11223344"],
                &["", "red", "#", "#12345", "#bec2cz", "rgb(0,0,0)"],
            ),
        ] {
            for text in kept {
                assert!(rule.holds(text), "{rule:?} {text:?}");
            }
            for text in broken {
                assert!(!rule.holds(text), "{rule:?} {text:?}");
            }
        }
        assert_eq!(
            Rule::HexColor.message("color"),
            "color must be a hexadecimal color"
        );
        let anchors = Rule::OneOf(&["start", "end", "milestone"]);
        assert!(anchors.holds("end") && !anchors.holds("project") && !anchors.holds("End"));
        assert_eq!(
            anchors.refusal("anchorType"),
            crate::error::Refusal {
                property: "anchorType".to_owned(),
                constraint: "isEnum",
                message: "anchorType must be one of the following values: start, end, milestone"
                    .to_owned(),
            }
        );
    }

    #[test]
    fn stored_timestamps_read_as_linear_writes_them() {
        for (stored, answered) in [
            ("2024-01-03T11:00:00+00:00", "2024-01-03T11:00:00.000Z"),
            ("2024-01-03T11:00:00.5+00:00", "2024-01-03T11:00:00.500Z"),
            (
                "2024-01-03T11:00:00.123456+00:00",
                "2024-01-03T11:00:00.123Z",
            ),
        ] {
            assert_eq!(previous(&json!(stored)), json!(answered));
        }
        for kept in [
            json!("2024-01-03"),
            json!("a title"),
            json!(1.5),
            json!(null),
        ] {
            assert_eq!(previous(&kept), kept);
        }
    }
}
