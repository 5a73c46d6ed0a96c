//! What a resolver reads from its context: the shared state and viewer, its arguments and
//! its parent object. Reads ([`crate::queries`]) and mutations ([`crate::issues`],
//! [`crate::simple`]) alike.

use async_graphql::dynamic::{FieldValue, ResolverContext};
use async_graphql::indexmap::IndexMap;
use async_graphql::{Name, Value};

use crate::error::{self, Result};
use crate::{Shared, Viewer};

/// The shared state and the request's viewer.
///
/// # Errors
///
/// Internal when either is missing from the context (a wiring bug).
pub(crate) fn context<'a>(ctx: &'a ResolverContext<'_>) -> Result<(&'a Shared, &'a Viewer)> {
    Ok((ctx.data::<Shared>()?, ctx.data::<Viewer>()?))
}

/// The string argument `name`.
///
/// # Errors
///
/// Invalid input when it is missing.
pub(crate) fn arg_str(ctx: &ResolverContext<'_>, name: &str) -> Result<String> {
    ctx.args
        .get(name)
        .filter(|v| !v.is_null())
        .ok_or_else(|| error::invalid(format!("Argument `{name}` is required")))?
        .string()
        .map(str::to_owned)
}

/// Refuses argument `name` when it has a value (null or absent is what the clone does).
///
/// # Errors
///
/// Invalid input naming the argument.
pub(crate) fn unsupported(ctx: &ResolverContext<'_>, name: &str) -> Result<()> {
    if ctx.args.get(name).is_some_and(|value| !value.is_null()) {
        return Err(error::invalid(format!(
            "Argument `{name}` is not supported by the asym Linear clone"
        )));
    }
    Ok(())
}

/// The parent object's field `key` as a string (its id, usually).
///
/// # Errors
///
/// Internal when the parent is not an object or has no string `key`.
pub(crate) fn parent_str(ctx: &ResolverContext<'_>, key: &str) -> Result<String> {
    match parent_json(ctx.parent_value) {
        Some(Value::Object(map)) => match map.get(key) {
            Some(Value::String(text)) => Ok(text.clone()),
            _ => Err(error::internal(format!("parent has no `{key}`"))),
        },
        _ => Err(error::internal("parent is not an object")),
    }
}

/// The JSON object a resolver's parent is: an owned value (a root or connection resolver's
/// answer) or one borrowed from its own parent (the schema lends objects to their fields).
pub(crate) fn parent_json<'a>(value: &'a FieldValue<'a>) -> Option<&'a Value> {
    value.as_value().or_else(|| value.downcast_ref::<Value>())
}

/// A field's arguments, read alike from a resolver's context and from a projection
/// ([`crate::projection`]); a null argument reads as an absent one. Validation has checked
/// their types, so a mismatch is reported as invalid input only for completeness.
#[derive(Clone, Copy)]
pub(crate) struct Args<'a>(pub(crate) &'a IndexMap<Name, Value>);

impl<'a> Args<'a> {
    /// The arguments of the field being resolved.
    pub(crate) fn of(ctx: &'a ResolverContext<'_>) -> Self {
        Self(ctx.args.as_index_map())
    }

    /// The argument `name`, unless it is absent or null.
    pub(crate) fn get(self, name: &str) -> Option<&'a Value> {
        self.0
            .get(name)
            .filter(|value| !matches!(value, Value::Null))
    }

    /// The `Int` argument `name`.
    ///
    /// # Errors
    ///
    /// Invalid input when it is not an integer.
    pub(crate) fn int(self, name: &str) -> Result<Option<i64>> {
        self.read(name, "an Int", |value| match value {
            Value::Number(number) => number.as_i64(),
            _ => None,
        })
    }

    /// The `String` (or `ID`) argument `name`.
    ///
    /// # Errors
    ///
    /// Invalid input when it is not a string.
    pub(crate) fn string(self, name: &str) -> Result<Option<&'a str>> {
        self.read(name, "a String", |value| match value {
            Value::String(text) => Some(text.as_str()),
            _ => None,
        })
    }

    /// The `Boolean` argument `name`.
    ///
    /// # Errors
    ///
    /// Invalid input when it is not a boolean.
    pub(crate) fn boolean(self, name: &str) -> Result<Option<bool>> {
        self.read(name, "a Boolean", |value| match value {
            Value::Boolean(flag) => Some(*flag),
            _ => None,
        })
    }

    /// The enum argument `name`, by item name.
    ///
    /// # Errors
    ///
    /// Invalid input when it is not an enum item.
    pub(crate) fn enum_name(self, name: &str) -> Result<Option<&'a str>> {
        self.read(name, "an enum value", |value| match value {
            Value::Enum(item) => Some(item.as_str()),
            Value::String(item) => Some(item.as_str()),
            _ => None,
        })
    }

    fn read<T>(
        self,
        name: &str,
        expected: &str,
        read: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<Option<T>> {
        self.get(name)
            .map(|value| {
                read(value)
                    .ok_or_else(|| error::invalid(format!("Argument `{name}` must be {expected}")))
            })
            .transpose()
    }
}
