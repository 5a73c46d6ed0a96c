//! `expand[]`: ids at each path replaced with the objects they name, nested paths and lists
//! of ids included, and the values an object does not store (`crate::virtual_field`).

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use super::Cx;
use crate::error::{ApiError, ApiResult};

impl Cx<'_> {
    /// Replaces ids at each `expand` path with the objects they name.
    pub(crate) async fn expand(&self, value: &mut Value, paths: &[String]) -> ApiResult<()> {
        for path in paths {
            let segments: Vec<&str> = path.split('.').collect();
            if segments.len() > 4 {
                return Err(ApiError::invalid_param(
                    "expand",
                    format!("You cannot expand more than 4 levels of a property. Property: {path}"),
                ));
            }
            expand_at(self, value, &segments, path).await?;
        }
        Ok(())
    }
}

type Boxed<'b> = Pin<Box<dyn Future<Output = ApiResult<()>> + Send + 'b>>;

fn expand_at<'b>(
    cx: &'b Cx<'_>,
    value: &'b mut Value,
    segs: &'b [&'b str],
    path: &'b str,
) -> Boxed<'b> {
    Box::pin(async move {
        let Some((key, rest)) = segs.split_first() else {
            return Ok(());
        };
        if let Value::Array(items) = value {
            for item in items {
                expand_at(cx, item, segs, path).await?;
            }
            return Ok(());
        }
        let Some(obj) = value.as_object_mut() else {
            return Ok(());
        };
        if !obj.contains_key(*key) {
            if let Some(virtual_value) = crate::virtual_field(cx, obj, key).await? {
                obj.insert((*key).to_owned(), virtual_value);
            } else {
                return Err(ApiError::invalid_param(
                    "expand",
                    format!("This property cannot be expanded ({path})."),
                ));
            }
        }
        let Some(field) = obj.get_mut(*key) else {
            return Ok(());
        };
        if let Value::String(id) = field {
            if let Some(found) = cx.get_any(id).await? {
                *field = found;
            } else {
                return Ok(());
            }
        }
        // A list of ids (`discounts`): each expanded.
        if let Value::Array(items) = field {
            for item in items {
                if let Value::String(id) = item
                    && let Some(found) = cx.get_any(id).await?
                {
                    *item = found;
                }
            }
        }
        if !rest.is_empty() {
            expand_at(cx, field, rest, path).await?;
        }
        Ok(())
    })
}
