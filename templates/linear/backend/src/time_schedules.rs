//! Time schedules (on-call rotations): `timeScheduleCreate`/`Update`/`Delete`,
//! `timeScheduleUpsertExternal` (by `externalId`), and
//! `timeScheduleRefreshIntegrationSchedule` (refused: the clone has no integration to refresh
//! from). Reads (`timeSchedules`, `timeSchedule`) are in `queries`.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;

use crate::args::{arg_str, context};
use crate::error::{self, Result, db};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};

/// A time schedule: its entries each end after they start (`time_schedules_entries_check`);
/// an `externalId` is one schedule's.
const SCHEDULE: Spec = Spec {
    rules: &[("name", Rule::NotBlank), ("externalUrl", Rule::Url)],
    required: &["name", "entries"],
    fields: &[
        ("text", &["id", "name", "externalId", "externalUrl"]),
        ("jsonb", &["entries"]),
    ],
    ..Spec::new("TimeSchedule", "time_schedules", "timeSchedule")
};

/// `timeScheduleCreate`, `timeScheduleUpdate`, `timeScheduleDelete`.
pub(crate) async fn write(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::by_name(ctx, &[&SCHEDULE]).await
}

/// `timeScheduleUpsertExternal(externalId:, input:)`: the schedule of that `externalId`,
/// updated, else a new one of it (`name` and `entries` then required).
pub(crate) async fn upsert_external(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let external = arg_str(ctx, "externalId")?;
    let mut input = write::input(ctx)?;
    input.insert("externalId".to_owned(), external.clone().into());
    let found = {
        let client = shared.kit.db().await.map_err(error::internal)?;
        let sql = "SELECT id FROM time_schedules WHERE external_id = $1";
        client.query_opt(sql, &[&external]).await.map_err(db)?
    };
    match found {
        Some(row) => simple::update_row(ctx, &SCHEDULE, row.get(0), &input, &[]).await,
        None => Ok(simple::create(ctx, &SCHEDULE, &input, &[], None).await?.0),
    }
}

/// `timeScheduleRefreshIntegrationSchedule(id:)`: refused by name; an unknown schedule is
/// `Entity not found: TimeSchedule`.
pub(crate) async fn refresh(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = context(ctx)?;
    let sql = "SELECT id FROM time_schedules WHERE id = $1";
    write::lookup(shared, sql, &arg_str(ctx, "id")?, "TimeSchedule").await?;
    Err(error::invalid(
        "`timeScheduleRefreshIntegrationSchedule` is not supported by the asym Linear clone: \
         a time schedule has no integration to refresh it from",
    ))
}
