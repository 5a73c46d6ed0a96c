//! Triage responsibility: `triageResponsibilityCreate`/`Update`/`Delete`, how a team's triage
//! is handled (one per team: `assign` an issue entering triage, or `notify`, the users of a
//! manual selection). Reads (`triageResponsibilities`, `triageResponsibility`,
//! `Team.triageResponsibility`) are in `queries` and the team's document.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::error::{self, Result};
use crate::simple::{self, Spec};
use crate::write::{self, Rule};

/// A team's triage responsibility; its manual selection is stored as given.
const RESPONSIBILITY: Spec = Spec {
    fields: &[
        ("text", &["id", "teamId", "action"]),
        ("jsonb", &["manualSelection"]),
    ],
    required: &["teamId", "action"],
    rules: &[("action", Rule::OneOf(&["assign", "notify"]))],
    ..Spec::new(
        "TriageResponsibility",
        "triage_responsibilities",
        "triageResponsibility",
    )
};

/// The mutation's `input` without `timeScheduleId`: the clone does not rotate a
/// responsibility by a time schedule, so one named is refused by name.
fn input(ctx: &ResolverContext<'_>) -> Result<Map<String, serde_json::Value>> {
    let mut input = write::input(ctx)?;
    if input
        .remove("timeScheduleId")
        .is_some_and(|schedule| !schedule.is_null())
    {
        return Err(error::invalid(
            "Input field `timeScheduleId` is not supported by the asym Linear clone",
        ));
    }
    Ok(input)
}

/// `triageResponsibilityCreate(input:)`: the team's one triage responsibility.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    Ok(
        simple::create(ctx, &RESPONSIBILITY, &input(ctx)?, &[], None)
            .await?
            .0,
    )
}

/// `triageResponsibilityUpdate(id:, input:)`.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::update_from(ctx, &RESPONSIBILITY, &input(ctx)?, &[]).await
}

simple::delegate!(
    delete => simple::delete, RESPONSIBILITY, "triageResponsibilityDelete(id:)";
);
