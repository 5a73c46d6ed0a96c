//! [`Cx`]: one API request's transaction, parameters and clock, and the object store every
//! resource is kept in (one `objects` row per Stripe object, its JSON as the API returns it).

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::db::{Answer, Db, OwnedArg};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::params::Params;
use asym_kit::Kit;

mod expand;
mod list;

pub(crate) use list::{CURSOR, allow_paging, allow_with, list_filters, list_value, page_of};

/// One request in flight: everything a handler needs.
pub(crate) struct Cx<'a> {
    /// The clone's state.
    pub(crate) kit: &'a Kit,
    pub(crate) tx: &'a Db<'a>,
    pub(crate) params: Params,
    /// Wall-clock time of the request.
    pub(crate) now: i64,
    pub(crate) request_id: String,
    pub(crate) idempotency_key: Option<String>,
    pub(crate) api_version: String,
    /// The request path (`/v1/customers`), for list `url`s.
    pub(crate) path: String,
    reserved: Mutex<Vec<i64>>,
    /// A list page's `data` as stored JSON text, spliced into the answer unparsed.
    raw_data: Mutex<Option<String>>,
}

/// Headers Stripe's webhook requests carry besides the signature (the outbox adds
/// `Stripe-Signature`).
const WEBHOOK_HEADERS: &str = r#"[["User-Agent","Stripe/1.0 (+https://stripe.com/docs/webhooks)"],["Content-Type","application/json; charset=utf-8"],["Cache-Control","no-cache"],["Accept","*/*; q=0.5, application/xml"]]"#;

/// Stands for `data` in a list whose page is kept as raw text (see [`Cx::take_raw_data`]).
pub(crate) const RAW_DATA: &str = "__asym_raw_list_data__";

/// Object types whose rows must be parsed before they are answered: those that keep internal
/// `_` fields beside their JSON (stripped), and balance transactions (whose `status` depends
/// on when they are read).
const HIDDEN: &[&str] = &[
    "payment_method",
    "card",
    "token",
    "subscription",
    "checkout.session",
    "quote",
    "payment_link",
    "balance_transaction",
];

/// A list filter: an SQL condition with `{}` for its one text parameter.
pub(crate) type Filter = (&'static str, String);

impl<'a> Cx<'a> {
    #[allow(clippy::too_many_arguments, reason = "built once, by the dispatcher")]
    pub(crate) fn new(
        kit: &'a Kit,
        tx: &'a Db<'a>,
        params: Params,
        reserved: Vec<i64>,
        request_id: String,
        idempotency_key: Option<String>,
        api_version: String,
        path: String,
    ) -> Self {
        Self {
            kit,
            tx,
            params,
            now: crate::clock::now(),
            request_id,
            idempotency_key,
            api_version,
            path,
            reserved: Mutex::new(reserved.into_iter().rev().collect()),
            raw_data: Mutex::new(None),
        }
    }

    /// A fresh id with `prefix`, and the sequence value it came from (taken from the values
    /// the dispatcher reserved for a `POST`, then from `object_seq` directly, under the
    /// writers' shared lock as the reservation is).
    pub(crate) async fn new_id(&self, prefix: &str) -> ApiResult<(String, i64)> {
        let reserved = self.reserved.lock().ok().and_then(|mut r| r.pop());
        let seq = match reserved {
            Some(seq) => seq,
            None => {
                let row = self
                    .tx
                    .query_one(
                        "WITH writers AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared($1))
                         SELECT nextval('object_seq') FROM writers",
                        &[&asym_kit::WRITERS_LOCK],
                    )
                    .await?;
                row.get(0)
            }
        };
        Ok((ids::object_id(prefix, seq), seq))
    }

    /// The raw `data` of the list answered, if the page was kept unparsed.
    pub(crate) fn take_raw_data(&self) -> Option<String> {
        self.raw_data.lock().ok().and_then(|mut r| r.take())
    }

    /// Stores a new object (its `id`, `object`, `created` and `customer` are read from it),
    /// held back until the request next needs Postgres.
    pub(crate) fn insert(&self, seq: i64, object: &Value) -> ApiResult<()> {
        let (id, kind, created, customer) = columns(object)?;
        let args: Vec<OwnedArg> = vec![
            Box::new(id),
            Box::new(kind),
            Box::new(seq),
            Box::new(created),
            Box::new(customer),
            Box::new(object.to_string()),
        ];
        self.tx.defer(
            "INSERT INTO objects (id, object, seq, created, customer, data)
             VALUES ($1, $2, $3, $4, $5, $6::text::json)",
            args,
            Answer::Object(lookup_key(object)),
        );
        Ok(())
    }

    /// Writes an object back after a change, held back until the request next needs Postgres.
    pub(crate) fn save(&self, object: &Value) -> ApiResult<()> {
        let (id, _, _, customer) = columns(object)?;
        let args: Vec<OwnedArg> = vec![
            Box::new(id),
            Box::new(object.to_string()),
            Box::new(customer),
        ];
        self.tx.defer(
            "UPDATE objects SET data = $2::text::json, customer = $3 WHERE id = $1",
            args,
            Answer::Object(lookup_key(object)),
        );
        Ok(())
    }

    /// Saves `object` and emits `kind` with what changed since `before` as
    /// `previous_attributes`.
    pub(crate) async fn save_changed(
        &self,
        kind: &str,
        before: &Value,
        object: &Value,
    ) -> ApiResult<()> {
        self.save(object)?;
        self.emit_changed(kind, before, object).await?;
        Ok(())
    }

    /// An update's answer: `object`, saved with a `kind` event (as [`Self::save_changed`])
    /// only when it differs from `before`, so an update that changes nothing stores and
    /// announces nothing.
    pub(crate) async fn save_if_changed(
        &self,
        kind: &str,
        before: &Value,
        object: Value,
    ) -> ApiResult {
        if object != *before {
            self.save_changed(kind, before, &object).await?;
        }
        Ok(object)
    }

    /// Emits `kind` about `object` with what changed since `before` as
    /// `previous_attributes`.
    pub(crate) async fn emit_changed(
        &self,
        kind: &str,
        before: &Value,
        object: &Value,
    ) -> ApiResult<String> {
        self.emit(kind, object, Some(previous(before, object)))
            .await
    }

    /// The customer `object` belongs to (its `customer` field).
    pub(crate) async fn customer_of(&self, object: &Value) -> ApiResult<Value> {
        let id = object["customer"].as_str().unwrap_or_default();
        self.fetch("customer", "customer", id, "customer", false)
            .await
    }

    /// Marks an object deleted (it disappears from lists; retrieval depends on the type).
    pub(crate) async fn delete(&self, id: &str) -> ApiResult<()> {
        self.tx
            .execute("UPDATE objects SET deleted = true WHERE id = $1", &[&id])
            .await?;
        Ok(())
    }

    /// Any live object by id, whatever its type.
    pub(crate) async fn get_any(&self, id: &str) -> ApiResult<Option<Value>> {
        let row = self
            .tx
            .query_opt(
                "SELECT data::text FROM objects WHERE id = $1 AND NOT deleted",
                &[&id],
            )
            .await?;
        row.map(|r| parse(r.get(0))).transpose()
    }

    /// The object `id` of type `kind`, locked for update when `lock`; `None` when missing
    /// or deleted.
    pub(crate) async fn get(&self, kind: &str, id: &str, lock: bool) -> ApiResult<Option<Value>> {
        let sql = if lock {
            "SELECT data::text FROM objects WHERE id = $1 AND object = $2 AND NOT deleted FOR UPDATE"
        } else {
            "SELECT data::text FROM objects WHERE id = $1 AND object = $2 AND NOT deleted"
        };
        let row = self.tx.query_opt(sql, &[&id, &kind]).await?;
        row.map(|r| parse(r.get(0))).transpose()
    }

    /// Like [`Cx::get`], but a missing object is `resource_missing` (`No such <noun>`).
    pub(crate) async fn fetch(
        &self,
        kind: &str,
        noun: &str,
        id: &str,
        param: &str,
        lock: bool,
    ) -> ApiResult<Value> {
        self.get(kind, id, lock)
            .await?
            .ok_or_else(|| ApiError::missing_resource(noun, id, param))
    }

    /// Whether `id` exists as a (possibly deleted) object of type `kind`.
    pub(crate) async fn exists_deleted(&self, kind: &str, id: &str) -> ApiResult<bool> {
        Ok(self
            .tx
            .query_opt(
                "SELECT 1 FROM objects WHERE id = $1 AND object = $2 AND deleted",
                &[&id, &kind],
            )
            .await?
            .is_some())
    }

    /// Records event `kind` about `object` (with `previous_attributes` for updates) and
    /// queues its webhook deliveries.
    pub(crate) async fn emit(
        &self,
        kind: &str,
        object: &Value,
        previous: Option<Value>,
    ) -> ApiResult<String> {
        let (id, seq) = self.new_id("evt_").await?;
        let mut data = Map::new();
        let mut shown = object.clone();
        strip_hidden(&mut shown);
        crate::version::shape(&mut shown, &self.api_version);
        data.insert("object".into(), shown);
        if let Some(previous) = previous {
            data.insert("previous_attributes".into(), previous);
        }
        let created = object
            .get("created")
            .and_then(Value::as_i64)
            .filter(|_| kind.ends_with(".created"))
            .map_or(self.now, |c| c.max(self.now));
        let event = json!({
            "id": id,
            "object": "event",
            "api_version": self.api_version,
            "created": created,
            "data": Value::Object(data),
            "livemode": false,
            "pending_webhooks": 0,
            "request": {
                "id": if self.request_id.is_empty() { Value::Null } else { json!(self.request_id) },
                "idempotency_key": self.idempotency_key,
            },
            "type": kind,
        });
        // One statement, held back: the deliveries (the kit's outbox, signed at send time) and
        // the event carrying their count, in the request's transaction.
        let args: Vec<OwnedArg> = vec![
            Box::new(id.clone()),
            Box::new(kind.to_owned()),
            Box::new(seq),
            Box::new(created),
            Box::new(event.to_string()),
            Box::new(WEBHOOK_HEADERS),
        ];
        self.tx.defer(
            "WITH targets AS (
                SELECT o.id, o.data->>'url' AS url, s.secret FROM objects o
                JOIN webhook_secrets s ON s.endpoint_id = o.id
                WHERE o.object = 'webhook_endpoint' AND NOT o.deleted
                  AND o.data->>'status' = 'enabled'
                  AND EXISTS (SELECT 1 FROM json_array_elements_text(o.data->'enabled_events') e
                              WHERE e = '*' OR e = $2)),
             n AS (SELECT count(*) AS n FROM targets),
             body AS (SELECT replace($5, '\"pending_webhooks\":0',
                                     '\"pending_webhooks\":' || n.n) AS text FROM n),
             d AS (
                INSERT INTO asym_outbox (topic, event, url, signer, secret, headers, body)
                SELECT 'endpoint:' || t.id, $2, t.url, 'stripe', t.secret, $6::text::jsonb, b.text
                FROM targets t, body b
                RETURNING 1),
             e AS (
                INSERT INTO objects (id, object, seq, created, data)
                SELECT $1, 'event', $3, $4, b.text::json FROM body b)
             SELECT n FROM n",
            args,
            Answer::Deliveries,
        );
        Ok(id)
    }
}

fn parse(text: &str) -> ApiResult<Value> {
    serde_json::from_str(text).map_err(|e| ApiError::internal(&format!("stored JSON: {e}")))
}

fn columns(object: &Value) -> ApiResult<(String, String, i64, Option<String>)> {
    let id = object["id"].as_str().unwrap_or_default().to_owned();
    let kind = object["object"].as_str().unwrap_or_default().to_owned();
    if id.is_empty() || kind.is_empty() {
        return Err(ApiError::internal("object without id or type"));
    }
    let created = object["created"].as_i64().unwrap_or(0);
    let customer = match kind.as_str() {
        "customer" => None,
        _ => match object.get("customer") {
            Some(Value::String(c)) => Some(c.clone()),
            Some(Value::Object(c)) => c.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        },
    };
    Ok((id, kind, created, customer))
}

/// The `lookup_key` of a price, named by the error a conflict on it answers.
fn lookup_key(object: &Value) -> Option<String> {
    object["lookup_key"].as_str().map(str::to_owned)
}

/// Removes `_`-prefixed keys (internal state kept beside an object) from every object (a
/// map with an `object` field) in `value`; metadata is left alone.
pub(crate) fn strip_hidden(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.contains_key("object") {
                map.retain(|k, _| !k.starts_with('_'));
            }
            for (key, v) in map.iter_mut() {
                if key != "metadata" {
                    strip_hidden(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_hidden),
        _ => {}
    }
}

/// The top-level fields of `before` that differ in `after`, as `previous_attributes`: never
/// the internal `_` fields kept beside an object, at any depth.
pub(crate) fn previous(before: &Value, after: &Value) -> Value {
    let mut out = Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (key, old) in b {
            if !key.starts_with('_') && a.get(key) != Some(old) {
                let mut old = old.clone();
                strip_hidden(&mut old);
                out.insert(key.clone(), old);
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_attributes_leave_hidden_keys_out() {
        let before = json!({"object": "subscription", "_cycle": 0, "status": "active",
                            "items": {"object": "list", "data": [{"object": "subscription_item",
                                                                  "_billed_until": 1}]}});
        let after = json!({"object": "subscription", "_cycle": 1, "status": "past_due",
                           "items": {"object": "list", "data": []}});
        assert_eq!(
            previous(&before, &after),
            json!({"status": "active",
                   "items": {"object": "list", "data": [{"object": "subscription_item"}]}})
        );
    }

    #[test]
    fn hidden_keys_never_leave() {
        let mut v = json!({"object": "list", "data": [{"object": "x", "_a": 1, "b": 2,
                                                         "metadata": {"_keep": "1"}}]});
        strip_hidden(&mut v);
        assert_eq!(
            v,
            json!({"object": "list", "data": [{"object": "x", "b": 2,
                                                          "metadata": {"_keep": "1"}}]})
        );
    }
}
