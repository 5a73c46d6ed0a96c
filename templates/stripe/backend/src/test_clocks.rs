//! Test clocks, whose advance renews subscriptions — invoicing and charging them — without
//! waiting.

use axum::Router;
use serde_json::json;

use crate::bounds::MAX_TIMESTAMP;
use crate::clock::add_intervals;
use crate::cx::{Cx, allow_paging};
use crate::dispatch::routes;
use crate::error::{ApiError, ApiResult};
use crate::kinds::TEST_CLOCK;
use crate::model::schedule;
use crate::model::subscription::interval_of;
use crate::params::Takes;
use asym_kit::Kit;

/// Test clocks: the `/v1` routes this module serves.
pub(crate) fn routes() -> Router<Kit> {
    routes! {
        "/v1/test_helpers/test_clocks" => post(create_clock), get(list_clocks);
        "/v1/test_helpers/test_clocks/{id}" => get(TEST_CLOCK.retrieve, 2), delete(delete_clock, 2);
        "/v1/test_helpers/test_clocks/{id}/advance" => post(advance_clock, 2);
    }
}

/// `POST /v1/test_helpers/test_clocks` (`frozen_time`, `name`).
pub(crate) async fn create_clock(cx: &mut Cx<'_>) -> ApiResult {
    cx.params.take(&Takes {
        route: "test clock creation",
        serves: &[&["frozen_time", "name"]],
        refuses: &[&["customer"]],
        nested: &[],
    })?;
    let frozen = cx
        .params
        .int_within("frozen_time", (i64::MIN, MAX_TIMESTAMP))?
        .ok_or_else(|| ApiError::missing("frozen_time"))?;
    if frozen < 0 {
        return Err(ApiError::invalid_param(
            "frozen_time",
            "Invalid timestamp: must be an integer Unix timestamp after 1970.",
        ));
    }
    let name = cx
        .params
        .str("name")?
        .filter(|s| !s.is_empty())
        .map(str::to_owned);
    let (id, seq) = cx.new_id("clock_").await?;
    let clock = json!({
        "id": id,
        "object": "test_helpers.test_clock",
        "created": cx.now,
        "deletes_after": cx.now + 30 * 86_400,
        "frozen_time": frozen,
        "livemode": false,
        "name": name,
        "status": "ready",
        "status_details": {},
    });
    cx.insert(seq, &clock)?;
    cx.emit("test_helpers.test_clock.created", &clock, None)
        .await?;
    Ok(clock)
}

/// `GET /v1/test_helpers/test_clocks`.
pub(crate) async fn list_clocks(cx: &mut Cx<'_>) -> ApiResult {
    allow_paging(cx, &[])?;
    TEST_CLOCK.list(cx, &[]).await
}

/// `DELETE /v1/test_helpers/test_clocks/{id}`: deletes the clock's customers too.
pub(crate) async fn delete_clock(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&[])?;
    let clock = TEST_CLOCK.lock(cx, id).await?;
    for customer in cx
        .all("customer", &[("data->>'test_clock' = {}", id.to_owned())])
        .await?
    {
        let cid = customer["id"].as_str().unwrap_or_default().to_owned();
        cx.delete(&cid).await?;
    }
    cx.delete(id).await?;
    cx.emit("test_helpers.test_clock.deleted", &clock, None)
        .await?;
    Ok(json!({"id": id, "object": "test_helpers.test_clock", "deleted": true}))
}

/// The furthest clock `id`, frozen at `current`, may move in one advance, as Stripe bounds
/// it: two intervals of its shortest live subscription, else two years.
async fn furthest_advance(cx: &Cx<'_>, id: &str, current: i64) -> ApiResult<i64> {
    let mut furthest = add_intervals(current, "year", 1, 2);
    for customer in cx
        .all("customer", &[("data->>'test_clock' = {}", id.to_owned())])
        .await?
    {
        let cid = customer["id"].as_str().unwrap_or_default().to_owned();
        for sub in cx.all("subscription", &[("customer = {}", cid)]).await? {
            if sub["status"] == "canceled" {
                continue;
            }
            let (interval, count) = interval_of(&sub);
            furthest = furthest.min(add_intervals(current, &interval, count, 2));
        }
    }
    Ok(furthest)
}

/// `POST /v1/test_helpers/test_clocks/{id}/advance` (`frozen_time`): moves the clock and
/// runs everything due in between — subscription schedules' starts, phases and ends, renewals
/// (invoice, finalize, charge), cancellations at
/// period end, trial ends. Processing is synchronous, so the clock answers `ready`.
pub(crate) async fn advance_clock(cx: &mut Cx<'_>, id: &str) -> ApiResult {
    cx.params.allow(&["frozen_time"])?;
    let target = cx
        .params
        .int_within("frozen_time", (i64::MIN, MAX_TIMESTAMP))?
        .ok_or_else(|| ApiError::missing("frozen_time"))?;
    let mut clock = TEST_CLOCK.lock(cx, id).await?;
    let current = clock["frozen_time"].as_i64().unwrap_or(0);
    if target <= current {
        return Err(ApiError::invalid_param(
            "frozen_time",
            format!(
                "The frozen time ({target}) must be after the current frozen time ({current})."
            ),
        ));
    }
    let furthest = furthest_advance(cx, id, current).await?;
    if target > furthest {
        return Err(ApiError::invalid_param(
            "frozen_time",
            format!(
                "Cannot advance the test clock to {target}: a clock moves at most two intervals \
                 of its shortest subscription at once (two years without one), to {furthest} \
                 from {current}."
            ),
        ));
    }
    clock["status"] = json!("advancing");
    clock["status_details"] = json!({"advancing": {"target_frozen_time": target}});
    cx.emit("test_helpers.test_clock.advancing", &clock, None)
        .await?;

    let customers = cx
        .all("customer", &[("data->>'test_clock' = {}", id.to_owned())])
        .await?;
    for customer in customers {
        let cid = customer["id"].as_str().unwrap_or_default().to_owned();
        schedule::run_customer(cx, &cid, &mut clock, target).await?;
    }
    clock["frozen_time"] = json!(target);
    clock["status"] = json!("ready");
    clock["status_details"] = json!({});
    cx.save(&clock)?;
    cx.emit("test_helpers.test_clock.ready", &clock, None)
        .await?;
    Ok(clock)
}
