//! Teams: `teamCreate`, `teamUpdate`, `teamDelete`. A new team gets the default workflow
//! states and its creator as a member and owner (`team_created`, in the create's
//! transaction); its key is the one given, upper-cased, or the first three letters and digits
//! of its name. `teamDelete` archives the team, as Linear's schema says, and `teamUnarchive`
//! brings it back. `teamCyclesDelete` deletes every cycle of the team and switches cycles off.

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::Map;

use crate::args::{self, context};
use crate::error::{self, Result, db};
use crate::hooks::{self, Event};
use crate::simple::{self, Archival, Spec};
use crate::write::{self, Rule};

type Input = Map<String, serde_json::Value>;

/// The settings the clone gives a behaviour to; every other field of Linear's inputs is
/// refused by name. A key is not changed after creation (issue identifiers are numbered
/// under it).
const TEAM: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "name",
                "key",
                "description",
                "color",
                "icon",
                "timezone",
            ],
        ),
        ("bool", &["private", "cyclesEnabled", "triageEnabled"]),
    ],
    required: &["name", "key"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    ..Spec::new("Team", "teams", "team")
};

/// What a team's update may change: [`TEAM`] less its id and key.
const TEAM_UPDATE: Spec = Spec {
    fields: &[
        (
            "text",
            &["name", "description", "color", "icon", "timezone"],
        ),
        ("bool", &["private", "cyclesEnabled", "triageEnabled"]),
    ],
    ..TEAM
};

/// The longest team key the clone takes.
const MAX_KEY: usize = 7;

/// `teamCreate(input:, copySettingsFromTeamId:)`.
pub(crate) async fn create(ctx: &ResolverContext<'_>) -> Result<Value> {
    args::unsupported(ctx, "copySettingsFromTeamId")?;
    let (_, viewer) = context(ctx)?;
    let mut input = write::input(ctx)?;
    // A blank name is refused as such, before a key is drawn from it.
    write::check(&input, TEAM.rules)?;
    let key = team_key(&input)?;
    input.insert("key".to_owned(), key.into());
    let link = (
        "SELECT team_created($1, ($2::text[])[1])",
        vec![viewer.user_id.clone()],
    );
    Ok(simple::create(ctx, &TEAM, &input, &[], Some(link)).await?.0)
}

/// `teamUpdate(id:, input:)`: by id or key.
pub(crate) async fn update(ctx: &ResolverContext<'_>) -> Result<Value> {
    args::unsupported(ctx, "mapping")?;
    let id = target(ctx).await?;
    simple::update_row(ctx, &TEAM_UPDATE, &id, &write::input(ctx)?, &[]).await
}

/// `teamDelete(id:)`: by id or key; archives the team and answers a `DeletePayload`.
pub(crate) async fn delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = target(ctx).await?;
    let archived = simple::archival_at(ctx, &TEAM, &id, Archival::Archive).await?;
    let Value::Object(mut payload) = archived else {
        return Err(error::internal("archive payload is not an object"));
    };
    payload.shift_remove("entity");
    payload.insert(async_graphql::Name::new("entityId"), Value::from(id));
    Ok(Value::Object(payload))
}

/// `teamUnarchive(id:)`: by id or key; `{success, lastSyncId, entity}`.
pub(crate) async fn unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let id = target(ctx).await?;
    simple::archival_at(ctx, &TEAM, &id, Archival::Unarchive).await
}

/// `teamCyclesDelete(id:)`: by id or key. Every cycle of the team is deleted, its issues
/// leaving it first (each an Issue update, as `cycleArchive` does), each announced as a
/// `Cycle` `remove` webhook; the team's `cyclesEnabled` is then false. `TeamPayload`.
pub(crate) async fn cycles_delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer) = context(ctx)?;
    let id = target(ctx).await?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let cycles = "SELECT id FROM cycles WHERE team_id = $1 ORDER BY number FOR UPDATE";
    let mut queued = false;
    for row in tx.query(cycles, &[&id]).await.map_err(db)? {
        let cycle: String = row.get(0);
        queued |= crate::issues::leave_cycle(&tx, shared, viewer, &cycle).await?;
        let (_, json, _) = write::render(&tx, shared, viewer, "Cycle", &cycle).await?;
        let removed = Event {
            resource: "Cycle",
            action: "remove",
            team: Some(&id),
            data: &json,
            updated_from: None,
        };
        queued |= hooks::emit(&tx, viewer, removed).await?;
    }
    let off = "WITH gone AS (DELETE FROM cycles WHERE team_id = $1)
         UPDATE teams SET cycles_enabled = false, updated_at = now() WHERE id = $1";
    tx.execute(off, &[&id]).await.map_err(db)?;
    write::answer(shared, viewer, tx, ("Team", TEAM.key), &id, queued).await
}

/// `teamKeyDelete(id:)`: `Entity not found: TeamKey` for any id. Linear keeps a team's
/// former keys (so old identifiers still resolve) until one is deleted; a team's key never
/// changes in the clone, so it has no former key to delete.
pub(crate) async fn key_delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    args::arg_str(ctx, "id")?;
    Err(error::not_found("TeamKey"))
}

/// The id of the team the `id` argument names, by id or key.
async fn target(ctx: &ResolverContext<'_>) -> Result<String> {
    let (shared, _) = context(ctx)?;
    let found = "SELECT id FROM teams WHERE id = $1 OR key = $1";
    let row = write::lookup(shared, found, &args::arg_str(ctx, "id")?, "Team").await?;
    Ok(row.get(0))
}

/// The key of a new team: `key` upper-cased, else the first three letters and digits of its
/// name; one to [`MAX_KEY`] letters and digits, starting with a letter.
fn team_key(input: &Input) -> Result<String> {
    let key = match write::text(input, "key")? {
        Some(key) => key.to_uppercase(),
        None => write::text(input, "name")?
            .unwrap_or_default()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(3)
            .collect::<String>()
            .to_uppercase(),
    };
    let valid = key.len() <= MAX_KEY
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric());
    if !valid {
        return Err(error::validation(&format!(
            "key must be 1 to {MAX_KEY} letters or digits, starting with a letter."
        )));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(value: serde_json::Value) -> Input {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn keys_are_given_or_drawn_from_the_name() {
        for (given, expected) in [
            (json!({"name": "Design", "key": "des"}), Some("DES")),
            (json!({"name": "Mobile apps"}), Some("MOB")),
            (json!({"name": "Q3 launch"}), Some("Q3L")),
            (json!({"name": "x", "key": "toolongkey"}), None),
            (json!({"name": "x", "key": "9AB"}), None),
            (json!({"name": "x", "key": "A-B"}), None),
            (json!({"name": "!!"}), None),
        ] {
            assert_eq!(
                team_key(&input(given.clone())).ok().as_deref(),
                expected,
                "{given}"
            );
        }
    }
}
