//! [`Cx`]: one API request's transaction, parameters and clock, and the object store every
//! resource is kept in (one `objects` row per Stripe object, its JSON as the API returns it).

use std::future::Future;
use std::pin::Pin;

use std::sync::Mutex;

use serde_json::{Map, Value, json};

use crate::db::{Answer, Arg, Db, OwnedArg};
use crate::error::{ApiError, ApiResult};
use crate::ids;
use crate::params::Params;
use asym_kit::Kit;

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
    "subscription",
    "checkout.session",
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

    /// Every live object of `kind` matching `filters`, newest first (no paging).
    pub(crate) async fn all(&self, kind: &str, filters: &[Filter]) -> ApiResult<Vec<Value>> {
        let (sql, args) = select(kind, filters, "", "ORDER BY created DESC, seq DESC");
        let refs: Vec<Arg<'_>> = args.iter().map(|a| a as _).collect();
        let rows = self.tx.query(&sql, &refs).await?;
        rows.iter().map(|r| parse(r.get(0))).collect()
    }

    /// A Stripe list of `kind` filtered by `filters`, paged by the request's `limit`,
    /// `starting_after` and `ending_before`, as `{object:"list",data,has_more,url}`.
    pub(crate) async fn list(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
    ) -> ApiResult<Value> {
        let url = self.path.clone();
        self.list_at(kind, noun, filters, &url).await
    }

    /// [`Cx::list`] with an explicit `url`.
    pub(crate) async fn list_at(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
        url: &str,
    ) -> ApiResult<Value> {
        self.page(kind, noun, filters, url, true).await
    }

    /// [`Cx::list`] with every object parsed into `data`, for a caller that rewrites them (a
    /// price seen as a plan).
    pub(crate) async fn list_parsed(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
    ) -> ApiResult<Value> {
        self.page(kind, noun, filters, &self.path, false).await
    }

    /// A page of `kind` (see [`Cx::list`]); stored JSON is spliced in unparsed when `splice`
    /// and nothing reshapes it.
    async fn page(
        &self,
        kind: &str,
        noun: &str,
        filters: &[Filter],
        url: &str,
        splice: bool,
    ) -> ApiResult<Value> {
        let limit = self.limit()?;
        let after = self.params.str("starting_after")?.filter(|s| !s.is_empty());
        let before = self.params.str("ending_before")?.filter(|s| !s.is_empty());
        let mut filters = filters.to_vec();
        let order;
        let cursor = match (after, before) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid(
                    "You may only specify one of these parameters: ending_before, starting_after.",
                ));
            }
            (Some(id), None) => {
                order = "ORDER BY created DESC, seq DESC";
                Some((
                    id,
                    "starting_after",
                    "(created, seq) < (SELECT created, seq FROM objects WHERE id = {})",
                ))
            }
            (None, Some(id)) => {
                order = "ORDER BY created ASC, seq ASC";
                Some((
                    id,
                    "ending_before",
                    "(created, seq) > (SELECT created, seq FROM objects WHERE id = {})",
                ))
            }
            (None, None) => {
                order = "ORDER BY created DESC, seq DESC";
                None
            }
        };
        if let Some((id, param, condition)) = cursor {
            let known = self
                .tx
                .query_opt(
                    "SELECT 1 FROM objects WHERE id = $1 AND object = $2",
                    &[&id, &kind],
                )
                .await?
                .is_some();
            if !known {
                return Err(ApiError::missing_resource(noun, id, param));
            }
            filters.push((condition, id.to_owned()));
        }
        let limit_sql = format!("LIMIT {}", limit + 1);
        let (sql, args) = select(kind, &filters, &limit_sql, order);
        let refs: Vec<Arg<'_>> = args.iter().map(|a| a as _).collect();
        let rows = self.tx.query(&sql, &refs).await?;
        let has_more = rows.len() > limit as usize;
        if splice
            && before.is_none()
            && !HIDDEN.contains(&kind)
            && !crate::version::reshapes(kind, &self.api_version)
            && self.params.expand().is_empty()
        {
            // The fast path: stored JSON is already the answer; splice it in unparsed.
            let mut raw = String::from("[");
            for (i, row) in rows.iter().take(limit as usize).enumerate() {
                if i > 0 {
                    raw.push(',');
                }
                raw.push_str(row.get::<_, &str>(0));
            }
            raw.push(']');
            if let Ok(mut slot) = self.raw_data.lock() {
                *slot = Some(raw);
            }
            return Ok(
                json!({ "object": "list", "data": RAW_DATA, "has_more": has_more, "url": url }),
            );
        }
        let mut data: Vec<Value> = rows
            .iter()
            .take(limit as usize)
            .map(|r| parse(r.get(0)))
            .collect::<ApiResult<_>>()?;
        if before.is_some() {
            data.reverse();
        }
        Ok(list_value(data, has_more, url))
    }

    /// The request's `limit` (1–100, default 10).
    pub(crate) fn limit(&self) -> ApiResult<i64> {
        let limit = self.params.int("limit")?.unwrap_or(10);
        if limit < 1 {
            return Err(crate::bounds::at_least_was("limit", 1, limit));
        }
        if limit > 100 {
            return Err(crate::bounds::at_most("limit", 100, limit));
        }
        Ok(limit)
    }

    /// Filters for `created` (`created=…` or `created[gt|gte|lt|lte]=…`).
    pub(crate) fn created_filters(&self, filters: &mut Vec<Filter>) -> ApiResult<()> {
        match self.params.get("created") {
            None => {}
            Some(Value::Object(range)) => {
                for (op, value) in range {
                    let sql = match op.as_str() {
                        "gt" => "created > {}::bigint",
                        "gte" => "created >= {}::bigint",
                        "lt" => "created < {}::bigint",
                        "lte" => "created <= {}::bigint",
                        _ => return Err(ApiError::unknown(&format!("created[{op}]"))),
                    };
                    let n = crate::params::int_at(Some(value), "created")?.unwrap_or(0);
                    filters.push((sql, n.to_string()));
                }
            }
            Some(value) => {
                let n = crate::params::int_at(Some(value), "created")?.unwrap_or(0);
                filters.push(("created = {}::bigint", n.to_string()));
            }
        }
        Ok(())
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

/// A page of `items` (an embedded list, in its own order) by the request's `limit` and
/// `starting_after` (the items after that id) or `ending_before` (the last items before it),
/// as a list answer at `url`; a cursor naming no item gives an empty page.
pub(crate) fn page_of(cx: &Cx<'_>, items: &[Value], url: &str) -> ApiResult {
    let limit = usize::try_from(cx.limit()?).unwrap_or(10);
    let position = |key: &str| -> ApiResult<Option<usize>> {
        Ok(cx.params.str(key)?.filter(|s| !s.is_empty()).map(|id| {
            items
                .iter()
                .position(|i| i["id"] == id)
                .unwrap_or(items.len())
        }))
    };
    let (page, has_more) = match (position("starting_after")?, position("ending_before")?) {
        (Some(after), _) => {
            let rest = items.get(after + 1..).unwrap_or_default();
            (&rest[..rest.len().min(limit)], rest.len() > limit)
        }
        (None, Some(before)) if before < items.len() => {
            let start = before.saturating_sub(limit);
            (&items[start..before], start > 0)
        }
        (None, Some(_)) => (&[][..], false),
        (None, None) => (&items[..items.len().min(limit)], items.len() > limit),
    };
    Ok(list_value(page.to_vec(), has_more, url))
}

/// `{object:"list",data,has_more,url}`.
pub(crate) fn list_value(data: Vec<Value>, has_more: bool, url: &str) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
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

/// `SELECT data::text FROM objects WHERE object = $1 AND NOT deleted AND <filters> …`.
fn select(kind: &str, filters: &[Filter], limit: &str, order: &str) -> (String, Vec<String>) {
    let mut sql = String::from("SELECT data::text FROM objects WHERE object = $1 AND NOT deleted");
    let mut args = vec![kind.to_owned()];
    for (condition, value) in filters {
        args.push(value.clone());
        let placeholder = format!("${}", args.len());
        sql.push_str(" AND ");
        sql.push_str(&condition.replace("{}", &placeholder));
    }
    sql.push(' ');
    sql.push_str(order);
    sql.push(' ');
    sql.push_str(limit);
    (sql, args)
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

pub(crate) fn list_filters(cx: &Cx<'_>, keys: &[(&str, &'static str)]) -> ApiResult<Vec<Filter>> {
    let mut filters: Vec<Filter> = Vec::new();
    for (param, sql) in keys {
        if let Some(value) = cx.params.str(param)?.filter(|s| !s.is_empty()) {
            filters.push((sql, value.to_owned()));
        }
    }
    cx.created_filters(&mut filters)?;
    Ok(filters)
}

/// The parameters that page a list.
pub(crate) const CURSOR: &[&str] = &["limit", "starting_after", "ending_before"];

/// Allows the paging parameters, `created` and `extra`.
pub(crate) fn allow_with(cx: &Cx<'_>, extra: &[&str]) -> ApiResult<()> {
    allow_paging(cx, &[extra, &["created"]].concat())
}

/// Allows the paging parameters and `extra`.
pub(crate) fn allow_paging(cx: &Cx<'_>, extra: &[&str]) -> ApiResult<()> {
    cx.params.allow(&[CURSOR, extra].concat())
}

/// The top-level fields of `before` that differ in `after`, as `previous_attributes`.
pub(crate) fn previous(before: &Value, after: &Value) -> Value {
    let mut out = Map::new();
    if let (Some(b), Some(a)) = (before.as_object(), after.as_object()) {
        for (key, old) in b {
            if a.get(key) != Some(old) {
                out.insert(key.clone(), old.clone());
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn select_numbers_placeholders_in_order() {
        let (sql, args) = select(
            "customer",
            &[
                ("data->>'email' = {}", "a@b.c".into()),
                ("created > {}::bigint", "5".into()),
            ],
            "LIMIT 11",
            "ORDER BY created DESC",
        );
        assert!(
            sql.contains("data->>'email' = $2 AND created > $3::bigint"),
            "{sql}"
        );
        assert_eq!(args, ["customer", "a@b.c", "5"]);
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
