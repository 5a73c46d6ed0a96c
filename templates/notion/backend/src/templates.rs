//! Data source templates applied to pages (`template` on `POST /v1/pages` and
//! `PATCH /v1/pages/{id}`): the template's property values (`migrations/0005`, from seeds)
//! under the request's own, which win, and its blocks at the end of the page's content.
//!
//! Notion answers the page blank and applies the template in the background, announcing
//! `page.content_updated` when it is done; the clone applies it in the request's own
//! transaction (so the answer already holds it) and announces the same event.

use asym_kit::deadpool_postgres::{GenericClient, Transaction};
use serde_json::{Map, Value};

use crate::blocks::{self, Place};
use crate::content::{self, NewBlock};
use crate::error::{ApiError, ApiResult, invalid, object_at};
use crate::request::{Ctx, body_id};
use crate::schema::{self, Schema};

/// Which template a request asks for.
#[derive(Debug, Clone)]
pub(crate) enum Choice {
    /// The data source's default template (`{type: "default"}`).
    Default,
    /// The template of this id (`{type: "template_id", template_id}`).
    Id(String),
}

/// The template a body's `template` asks for: none when it is absent or `{type: "none"}`.
///
/// # Errors
///
/// 400 `validation_error` for another type, or a `template_id` that is not a uuid.
pub(crate) fn choice(body: &Map<String, Value>) -> ApiResult<Option<Choice>> {
    let Some(given) = body.get("template").filter(|t| !t.is_null()) else {
        return Ok(None);
    };
    let template = object_at(given, "body.template")?;
    match template.get("type").and_then(Value::as_str) {
        Some("none") => Ok(None),
        Some("default") => Ok(Some(Choice::Default)),
        Some("template_id") => Ok(Some(Choice::Id(body_id(
            "body.template.template_id",
            template.get("template_id"),
        )?))),
        _ => Err(invalid(
            "body.template.type",
            "`none`, `default` or `template_id`",
            template.get("type").unwrap_or(&Value::Null),
        )),
    }
}

/// A template as applied: its property values and its blocks.
#[derive(Debug, Clone)]
pub(crate) struct Template {
    /// Property values keyed by name or id, as a request's `properties`.
    properties: Map<String, Value>,
    /// Its blocks, checked as a request's `children`.
    pub(crate) blocks: Vec<NewBlock>,
}

impl Template {
    /// The template `choice` names for a page in data source `data_source_id` (none for a
    /// page outside data sources).
    ///
    /// # Errors
    ///
    /// As [`Template::load`]; 400 `validation_error` for a template asked for a page outside
    /// data sources.
    pub(crate) async fn for_page(
        client: &impl GenericClient,
        choice: Option<Choice>,
        data_source_id: Option<&str>,
    ) -> ApiResult<Option<Self>> {
        match (choice, data_source_id) {
            (None, _) => Ok(None),
            (Some(choice), Some(ds)) => Ok(Some(Self::load(client, ds, &choice).await?)),
            (Some(_), None) => Err(ApiError::validation(
                "body failed validation: body.template is only valid for a page whose parent is a data source.",
            )),
        }
    }

    /// Loads the template `choice` names among data source `data_source_id`'s.
    ///
    /// # Errors
    ///
    /// 404 `object_not_found` for a template id the data source does not hold; 400
    /// `validation_error` when it has no default template.
    pub(crate) async fn load(
        client: &impl GenericClient,
        data_source_id: &str,
        choice: &Choice,
    ) -> ApiResult<Self> {
        let id = match choice {
            Choice::Default => None,
            Choice::Id(id) => Some(id.as_str()),
        };
        let statement = client
            .prepare_cached(
                "SELECT properties::text, content::text FROM data_source_templates
                 WHERE data_source_id = $1 AND CASE WHEN $2::text IS NULL THEN is_default ELSE id = $2 END
                 ORDER BY ord, id LIMIT 1",
            )
            .await?;
        let row = client
            .query_opt(&statement, &[&data_source_id, &id])
            .await?
            .ok_or_else(|| match id {
                Some(id) => ApiError::not_found("template", id),
                None => ApiError::validation(format!(
                    "body failed validation: body.template: data source {data_source_id} has no default template."
                )),
            })?;
        let properties = serde_json::from_str(row.get(0)).unwrap_or_default();
        let items: Vec<Value> = serde_json::from_str(row.get(1)).unwrap_or_default();
        Ok(Self {
            properties,
            blocks: content::tree(&items, "template.content")?,
        })
    }

    /// The property values to write: `given` (a body's `properties`) over the template's,
    /// a template value giving way to any given value of the same property.
    pub(crate) fn under(&self, schema: &Schema, given: Option<&Value>) -> Value {
        let given = given.and_then(Value::as_object);
        let id_of = |key: &str| schema::find(schema, key).map(|(id, _)| id.to_owned());
        let taken: Vec<String> = given
            .into_iter()
            .flatten()
            .filter_map(|(key, _)| id_of(key))
            .collect();
        let mut out: Map<String, Value> = self
            .properties
            .iter()
            .filter(|(key, _)| id_of(key).is_none_or(|id| !taken.contains(&id)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        out.extend(
            given
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        Value::Object(out)
    }

    /// Adds the template's blocks at the end of page `page_id`; answers their ids.
    pub(crate) async fn add_blocks(
        &self,
        tx: &Transaction<'_>,
        page_id: &str,
        ctx: &Ctx,
    ) -> ApiResult<Vec<String>> {
        let parent = ("page_id", page_id);
        blocks::insert(tx, parent, page_id, &self.blocks, Place::End, ctx).await
    }
}
