//! Cycle schedules: `cycleShiftAll` (a cycle and every later one of its team moved by a
//! number of days) and `cycleStartUpcomingCycleToday` (the team's next cycle brought forward
//! to midnight today in the team's time zone; the current cycle, if it has not ended,
//! completed then, its unfinished issues rolled over to the one that starts and recorded as
//! its `uncompletedIssuesUponClose`). Each cycle changed is announced as a `Cycle` `update`
//! webhook with its `updatedFrom`.

use asym_kit::deadpool_postgres::Transaction;
use asym_kit::tokio_postgres::types::ToSql;
use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::resources::CYCLE;
use crate::simple;
use crate::write;
use crate::{Shared, Viewer};

/// The cycles a shift from cycle `$1` moves, locked: it, and every later cycle of its team
/// not archived.
const SHIFTED: &str =
    "SELECT c.id FROM cycles c, cycles t WHERE t.id = $1 AND c.team_id = t.team_id
     AND (c.id = t.id OR (c.starts_at >= t.starts_at AND c.archived_at IS NULL))
     ORDER BY c.starts_at, c.number FOR UPDATE OF c";
/// Moves cycles `$1` by `$2` days.
const SHIFT: &str = "UPDATE cycles SET starts_at = starts_at + $2::float8 * interval '1 day',
     ends_at = ends_at + $2::float8 * interval '1 day', updated_at = now() WHERE id = ANY($1)";
/// Cycle `$1`: whether it is its team's next (the first to start, not archived), midnight
/// today in its team's time zone, the team's current cycle (started, not ended, not
/// archived) and whether that one began after midnight.
const UPCOMING: &str = "SELECT coalesce(c.id = (SELECT n.id FROM cycles n WHERE n.team_id = c.team_id
         AND n.starts_at > now() AND n.archived_at IS NULL ORDER BY n.starts_at, n.number LIMIT 1), false),
       m.midnight::text, a.id, coalesce(a.starts_at >= m.midnight, false)
     FROM cycles c JOIN teams tm ON tm.id = c.team_id
     CROSS JOIN LATERAL (SELECT date_trunc('day', now() AT TIME ZONE tm.timezone)
                                AT TIME ZONE tm.timezone AS midnight) m
     LEFT JOIN LATERAL (SELECT a.id, a.starts_at FROM cycles a WHERE a.team_id = c.team_id
         AND a.starts_at <= now() AND a.ends_at > now() AND a.archived_at IS NULL
         ORDER BY a.starts_at DESC LIMIT 1) a ON true
     WHERE c.id = $1 FOR UPDATE OF c";
/// Cycles `$1` completed now, ending at `$2`.
const COMPLETE: &str = "UPDATE cycles SET ends_at = $2::text::timestamptz, completed_at = now(),
     updated_at = now() WHERE id = ANY($1)";
/// Cycles `$1` starting at `$2`.
const START: &str =
    "UPDATE cycles SET starts_at = $2::text::timestamptz, updated_at = now() WHERE id = ANY($1)";

/// `cycleShiftAll(input: {id, daysToShift})`: the cycle and every later one of its team
/// moved by `daysToShift` days (a fraction moves by part of a day; a negative number earlier).
pub(crate) async fn shift_all(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let input = write::input(ctx)?;
    write::only(&input, &["id", "daysToShift"])?;
    let id = write::text(&input, "id")?.unwrap_or_default();
    let days = input
        .get("daysToShift")
        .and_then(serde_json::Value::as_f64)
        .ok_or_else(|| error::validation("daysToShift must be a number."))?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let rows = tx.query(SHIFTED, &[&id]).await.map_err(db)?;
    if rows.is_empty() {
        return Err(error::not_found("Cycle"));
    }
    let ids: Vec<String> = rows.iter().map(|row| row.get(0)).collect();
    let changes = reschedule(&tx, &ids, SHIFT, &days).await?;
    answer(shared, viewer, tx, &id, changes).await
}

/// `cycleStartUpcomingCycleToday(id:)`: only the team's next cycle; it starts at midnight
/// today (the team's time zone), and the current cycle, if any, ends then, completed now,
/// its unfinished issues moved to the one that starts.
pub(crate) async fn start_upcoming_today(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = arg_str(ctx, "id")?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let row = write::one(&tx, UPCOMING, &[&id], "Cycle").await?;
    let (next, midnight, current, began_today): (bool, String, Option<String>, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    if !next {
        return Err(error::invalid(
            "Only the next upcoming cycle of the team can be started.",
        ));
    }
    if began_today {
        return Err(error::invalid(
            "The current cycle started today: the upcoming cycle cannot start before it ends.",
        ));
    }
    let mut changes = Vec::new();
    let mut queued = false;
    if let Some(current) = &current {
        queued |= crate::issues::roll_over(&tx, shared, viewer, (current, &id)).await?;
        changes = reschedule(&tx, std::slice::from_ref(current), COMPLETE, &midnight).await?;
    }
    changes.extend(reschedule(&tx, std::slice::from_ref(&id), START, &midnight).await?);
    let Answer(payload, announced) = answer_in(shared, viewer, &tx, &id, changes).await?;
    write::commit(shared, tx, queued || announced).await?;
    Ok(payload)
}

/// A cycle changed and its previous values (`updatedFrom`).
type Change = (String, serde_json::Value);

/// Runs `update` (cycles `$1`, `value` as `$2`) on cycles `ids` in `tx`: each cycle with the
/// columns it changed.
async fn reschedule(
    tx: &Transaction<'_>,
    ids: &[String],
    update: &str,
    value: &(dyn ToSql + Sync),
) -> Result<Vec<Change>> {
    let mut before = Vec::with_capacity(ids.len());
    for id in ids {
        before.push(simple::row_of(tx, &CYCLE, id).await?);
    }
    tx.execute(update, &[&ids, value]).await.map_err(db)?;
    let mut changes = Vec::with_capacity(ids.len());
    for (id, before) in ids.iter().zip(&before) {
        let after = simple::row_of(tx, &CYCLE, id).await?;
        changes.push((id.clone(), simple::changed(before, &after)));
    }
    Ok(changes)
}

/// The payload of cycle `id` and whether any delivery was queued.
struct Answer(Value, bool);

/// Announces each of `changes` (a `Cycle` `update` webhook with its `updatedFrom`) and
/// answers cycle `id`'s `CyclePayload`, inside `tx`.
async fn answer_in(
    shared: &Shared,
    viewer: &Viewer,
    tx: &Transaction<'_>,
    id: &str,
    changes: Vec<Change>,
) -> Result<Answer> {
    let mut queued = false;
    let mut answer = None;
    for (cycle, updated_from) in changes {
        let (object, json, sync) = write::render(tx, shared, viewer, "Cycle", &cycle).await?;
        let change = ("update", Some(updated_from));
        queued |= simple::announce(&CYCLE, tx, viewer, &cycle, change, &json).await?;
        if cycle == id {
            answer = Some(write::payload(CYCLE.key, object, sync));
        }
    }
    let payload = answer.ok_or_else(|| error::not_found("Cycle"))?;
    Ok(Answer(payload, queued))
}

/// [`answer_in`], then commits.
async fn answer(
    shared: &Shared,
    viewer: &Viewer,
    tx: Transaction<'_>,
    id: &str,
    changes: Vec<Change>,
) -> Result<Value> {
    let Answer(payload, queued) = answer_in(shared, viewer, &tx, id, changes).await?;
    write::commit(shared, tx, queued).await?;
    Ok(payload)
}
