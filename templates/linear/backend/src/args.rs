//! What a resolver reads from its context: the shared state and viewer, its arguments and
//! its parent object. Reads ([`crate::queries`]) and mutations ([`crate::issues`],
//! [`crate::simple`]) alike.

use async_graphql::Value;
use async_graphql::dynamic::{FieldValue, ResolverContext};

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
