//! The mutations of comments, issue labels, projects, cycles, attachments, reactions, webhooks,
//! team memberships, users' profiles and workflow states: their [`Spec`]s and the few rules
//! each adds (defaults, links, secrets).

use async_graphql::Value;
use async_graphql::dynamic::ResolverContext;
use serde_json::json;

use crate::agents;
use crate::error::{self, Result};
use crate::simple::{self, Archival, Spec};
use crate::write::{self, Rule};

/// A comment on exactly one of an issue, a project update, an initiative update or a
/// document's content (the table's check); the project-level threads of `projectId` and
/// `initiativeId` are not served (refused by name).
const COMMENT: Spec = Spec {
    hook: Some("Comment"),
    fields: &[(
        "text",
        &[
            "issueId",
            "body",
            "parentId",
            "projectUpdateId",
            "initiativeUpdateId",
            "documentContentId",
            "projectId",
            "initiativeId",
        ],
    )],
    required: &["body"],
    creator: Some("user_id"),
    team: Some(
        "SELECT i.team_id FROM comments c JOIN issues i ON i.id = c.issue_id WHERE c.id = $1",
    ),
    // Its replies stay, as top-level comments; a thread it resolved stays resolved.
    unlink: &[
        "UPDATE comments SET parent_id = NULL WHERE parent_id = $1",
        "UPDATE comments SET resolving_comment_id = NULL WHERE resolving_comment_id = $1",
    ],
    ..Spec::new("Comment", "comments", "comment")
};

/// A comment's resolution, written by `commentResolve` and `commentUnresolve` (never taken
/// from a client's input).
const RESOLUTION: Spec = Spec {
    fields: &[("text", &["resolvingCommentId", "resolvingUserId"])],
    required: &[],
    unlink: &[],
    ..COMMENT
};

/// A user's own favorite (`favoriteCreate`, `…Update`, `…Delete`): a folder (`folderName`)
/// or exactly one favorited issue (by id or identifier), project, cycle, custom view,
/// document, initiative, issue label, project label, user or team (the table's check); the
/// viewer owns it. What else Linear favorites (customers, releases, dashboards, predefined
/// views, …) is refused by name.
const FAVORITE: Spec = Spec {
    fields: &[
        (
            "text",
            &[
                "id",
                "folderName",
                "parentId",
                "issueId",
                "projectId",
                "cycleId",
                "customViewId",
                "documentId",
                "initiativeId",
                "labelId",
                "projectLabelId",
                "userId",
                "teamId",
            ],
        ),
        ("float8", &["sortOrder"]),
    ],
    required: &[],
    personal: true,
    creator: Some("owner_id"),
    ..Spec::new("Favorite", "favorites", "favorite")
};

const LABEL: Spec = Spec {
    hook: Some("IssueLabel"),
    fields: &[
        (
            "text",
            &["name", "color", "description", "teamId", "parentId"],
        ),
        ("bool", &["isGroup"]),
    ],
    required: &["name"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    team: Some("SELECT team_id FROM issue_labels WHERE id = $1"),
    unlink: simple::label_unlink!("issues", "issue_labels"),
    ..Spec::new("IssueLabel", "issue_labels", "issueLabel")
};

/// A label's retirement, written by `issueLabelRetire` and `issueLabelRestore` (never taken
/// from a client's input); an IssueLabel update to webhooks.
const RETIREMENT: Spec = Spec::retirement(LABEL);

const PROJECT: Spec = Spec {
    hook: Some("Project"),
    fields: &[
        (
            "text",
            &[
                "name",
                "description",
                "content",
                "color",
                "icon",
                "statusId",
                "leadId",
            ],
        ),
        ("int", &["priority"]),
        ("date", &["startDate", "targetDate"]),
        ("float8", &["sortOrder"]),
        ("text[]", &["labelIds", "memberIds"]),
    ],
    linked: &["teamIds"],
    required: &["name", "teamIds"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    creator: Some("creator_id"),
    team: Some("SELECT team_id FROM project_teams WHERE project_id = $1 ORDER BY team_id LIMIT 1"),
    ..Spec::new("Project", "projects", "project")
};

/// A cycle created without a number is numbered after the team's last (a trigger's work).
pub(crate) const CYCLE: Spec = Spec {
    hook: Some("Cycle"),
    fields: &[
        ("text", &["teamId", "name", "description"]),
        ("timestamptz", &["startsAt", "endsAt", "completedAt"]),
    ],
    required: &["teamId", "startsAt", "endsAt"],
    rules: &[("name", Rule::NotBlank)],
    team: Some("SELECT team_id FROM cycles WHERE id = $1"),
    ..Spec::new("Cycle", "cycles", "cycle")
};

/// A second attachment with the same URL on the same issue updates the first, as Linear does.
/// Announced as Linear's `Attachment` webhooks, routed by the issue's team.
const ATTACHMENT: Spec = Spec {
    hook: Some("Attachment"),
    team: Some(
        "SELECT i.team_id FROM attachments a JOIN issues i ON i.id = a.issue_id WHERE a.id = $1",
    ),
    fields: &[
        ("text", &["id", "issueId", "title", "subtitle", "url"]),
        ("jsonb", &["metadata"]),
    ],
    required: &["issueId", "title", "url"],
    rules: &[("title", Rule::NotBlank), ("url", Rule::Url)],
    creator: Some("creator_id"),
    upsert: Some(
        "ON CONFLICT (issue_id, url) DO UPDATE SET title = EXCLUDED.title,
         subtitle = EXCLUDED.subtitle, metadata = EXCLUDED.metadata, updated_at = now()",
    ),
    ..Spec::new("Attachment", "attachments", "attachment")
};

/// An emoji reaction on exactly one issue (by id or identifier), comment, project update or
/// initiative update (a check of the table). Announced as Linear's `Reaction` webhooks, routed
/// by the team of what it is on.
const REACTION: Spec = Spec {
    hook: Some("Reaction"),
    fields: &[(
        "text",
        &[
            "id",
            "emoji",
            "issueId",
            "commentId",
            "projectUpdateId",
            "initiativeUpdateId",
        ],
    )],
    required: &["emoji"],
    creator: Some("user_id"),
    team: Some(
        "SELECT coalesce(
             (SELECT team_id FROM issues WHERE id = r.issue_id),
             (SELECT i.team_id FROM comments c JOIN issues i ON i.id = c.issue_id
              WHERE c.id = r.comment_id),
             (SELECT min(pt.team_id) FROM project_updates u
              JOIN project_teams pt ON pt.project_id = u.project_id
              WHERE u.id = r.project_update_id),
             (SELECT n.lead_team_id FROM initiative_updates u
              JOIN initiatives n ON n.id = u.initiative_id WHERE u.id = r.initiative_update_id))
         FROM reactions r WHERE r.id = $1",
    ),
    ..Spec::new("Reaction", "reactions", "reaction")
};

const WEBHOOK: Spec = Spec {
    fields: &[
        ("text", &["url", "label", "teamId", "secret"]),
        ("bool", &["allPublicTeams", "enabled"]),
        ("text[]", &["resourceTypes"]),
    ],
    required: &["url", "resourceTypes"],
    creator: Some("creator_id"),
    ..Spec::new("Webhook", "webhooks", "webhook")
};

const RELATION: Spec = Spec {
    fields: &[("text", &["id", "issueId", "relatedIssueId", "type"])],
    required: &["issueId", "relatedIssueId", "type"],
    ..Spec::new("IssueRelation", "issue_relations", "issueRelation")
};

const MILESTONE: Spec = Spec {
    fields: &[
        ("text", &["id", "name", "description", "projectId"]),
        ("float8", &["sortOrder"]),
        ("date", &["targetDate"]),
    ],
    required: &["name", "projectId"],
    rules: &[("name", Rule::NotBlank)],
    // Its issues keep their project and lose the milestone.
    unlink: &["UPDATE issues SET project_milestone_id = NULL WHERE project_milestone_id = $1"],
    ..Spec::new("ProjectMilestone", "project_milestones", "projectMilestone")
};

/// A user's membership of a team (`teamMembershipCreate`, `…Update`, `…Delete`): a user is
/// in a team once (a second membership is refused by the table). The clone has no parent
/// teams, so `teamMembershipDelete(alsoLeaveParentTeams:)` leaves only the team.
const MEMBERSHIP: Spec = Spec {
    fields: &[
        ("text", &["id", "teamId", "userId"]),
        ("bool", &["owner"]),
        ("float8", &["sortOrder"]),
    ],
    required: &["teamId", "userId"],
    ..Spec::new("TeamMembership", "team_members", "teamMembership")
};

/// A user's own profile (`userUpdate`); `name` and `displayName` are never cleared.
/// Announced as Linear's `User` webhooks; a user has no team, so only the webhooks of all
/// public teams hear them.
const USER: Spec = Spec {
    hook: Some("User"),
    fields: &[
        (
            "text",
            &[
                "name",
                "displayName",
                "avatarUrl",
                "description",
                "title",
                "statusEmoji",
                "statusLabel",
                "timezone",
            ],
        ),
        ("timestamptz", &["statusUntilAt"]),
    ],
    required: &["name", "displayName"],
    rules: &[("name", Rule::NotBlank), ("displayName", Rule::NotBlank)],
    ..Spec::new("User", "users", "user")
};

const STATE: Spec = Spec {
    fields: &[
        ("text", &["teamId", "name", "type", "color", "description"]),
        ("float8", &["position"]),
    ],
    required: &["teamId", "name", "type", "color"],
    rules: &[("name", Rule::NotBlank), ("color", Rule::HexColor)],
    ..Spec::new("WorkflowState", "workflow_states", "workflowState")
};

/// `create(input:)` over `spec`, with no rule of its own but the issues it names resolved.
async fn create(ctx: &ResolverContext<'_>, spec: &Spec) -> Result<Value> {
    let input = with_issue_ids(ctx, write::input(ctx)?).await?;
    Ok(simple::create(ctx, spec, &input, &[], None).await?.0)
}

/// `commentCreate(input:)`, then what the comment tells an agent (a mention of an app, a
/// reply in an agent session's thread: [`agents::comment_made`]).
pub(crate) async fn comment_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = with_issue_ids(ctx, write::input(ctx)?).await?;
    let (payload, id) = simple::create(ctx, &COMMENT, &input, &[], None).await?;
    let (shared, viewer) = crate::args::context(ctx)?;
    agents::comment_made(shared, viewer, &id).await?;
    Ok(payload)
}

// The mutations that are a plain [`create`], [`simple::update_plain`] or [`simple::delete`]
// of a spec.
simple::delegate!(
    comment_delete => simple::delete, COMMENT, "commentDelete(id:)";
    label_create => create, LABEL, "issueLabelCreate(input:)";
    label_update => simple::update_plain, LABEL, "issueLabelUpdate(id:, input:)";
    label_delete => simple::delete, LABEL, "issueLabelDelete(id:)";
    cycle_create => create, CYCLE, "cycleCreate(input:)";
    cycle_update => simple::update_plain, CYCLE, "cycleUpdate(id:, input:)";
    attachment_create => create, ATTACHMENT, "attachmentCreate(input:)";
    attachment_update => simple::update_plain, ATTACHMENT, "attachmentUpdate(id:, input:)";
    attachment_delete => simple::delete, ATTACHMENT, "attachmentDelete(id:)";
    webhook_delete => simple::delete, WEBHOOK, "webhookDelete(id:)";
    reaction_create => create, REACTION, "reactionCreate(input:)";
    reaction_delete => simple::delete, REACTION, "reactionDelete(id:)";
    // A retired label stays on its issues but cannot be applied to a new one.
    label_retire => simple::retire, RETIREMENT, "issueLabelRetire(id:)";
    label_restore => simple::restore, RETIREMENT, "issueLabelRestore(id:)";
    milestone_create => create, MILESTONE, "projectMilestoneCreate(input:)";
    milestone_update => simple::update_plain, MILESTONE, "projectMilestoneUpdate(id:, input:)";
    milestone_delete => simple::delete, MILESTONE, "projectMilestoneDelete(id:)";
    relation_delete => simple::delete, RELATION, "issueRelationDelete(id:)";
    state_update => simple::update_plain, STATE, "workflowStateUpdate(id:, input:)";
    membership_create => create, MEMBERSHIP, "teamMembershipCreate(input:)";
    membership_update => simple::update_plain, MEMBERSHIP, "teamMembershipUpdate(id:, input:)";
    membership_delete => simple::delete, MEMBERSHIP, "teamMembershipDelete(id:)";
    favorite_create => create, FAVORITE, "favoriteCreate(input:)";
    favorite_update => simple::update_plain, FAVORITE, "favoriteUpdate(id:, input:)";
    favorite_delete => simple::delete, FAVORITE, "favoriteDelete(id:)";
);

/// `userUpdate(id:, input:)`: `id` is a user's id, or `me` for the viewer.
pub(crate) async fn user_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, viewer, id) = simple::target(ctx)?;
    let id = if id == "me" {
        viewer.user_id.clone()
    } else {
        id
    };
    simple::update_row(ctx, &USER, &id, &write::input(ctx)?, &[]).await
}

/// `workflowStateArchive(id:)`: only a state whose issues are all archived may be, as
/// Linear's schema says; a new issue then never lands in it.
pub(crate) async fn state_archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _, id) = simple::target(ctx)?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let busy = "SELECT EXISTS (SELECT 1 FROM issues WHERE state_id = $1 AND archived_at IS NULL)";
    let row = tx.query_one(busy, &[&id]).await.map_err(error::db)?;
    if row.get::<_, bool>(0) {
        return Err(error::validation(
            "Only states with issues that have all been archived can be archived.",
        ));
    }
    simple::archive_in(ctx, &STATE, tx, &id, false, Archival::Archive).await
}

/// `commentUpdate(id:, input:, skipEditedAt:)`.
pub(crate) async fn comment_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let skip = ctx.args.get("skipEditedAt").and_then(|v| v.boolean().ok()) == Some(true);
    let extra: &[&str] = if skip { &[] } else { &["edited_at = now()"] };
    simple::update(ctx, &COMMENT, extra).await
}

/// `commentResolve(id:, resolvingCommentId:)`: resolves a thread, by the viewer and
/// optionally by one of its replies. Only a top-level comment heads a thread.
pub(crate) async fn comment_resolve(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer, id) = simple::target(ctx)?;
    let parent = "SELECT parent_id FROM comments WHERE id = $1";
    let thread: Option<String> = write::lookup(shared, parent, &id, "Comment").await?.get(0);
    if thread.is_some() {
        return Err(error::validation(
            "Only a top-level comment can be resolved.",
        ));
    }
    let resolving = crate::args::Args::of(ctx)
        .string("resolvingCommentId")?
        .map(str::to_owned);
    if let Some(reply) = &resolving {
        let of: Option<String> = write::lookup(shared, parent, reply, "Comment")
            .await?
            .get(0);
        if of.as_deref() != Some(id.as_str()) {
            return Err(error::validation(
                "The resolving comment must be a reply to the resolved comment.",
            ));
        }
    }
    let input = serde_json::Map::from_iter([
        ("resolvingCommentId".to_owned(), resolving.into()),
        ("resolvingUserId".to_owned(), viewer.user_id.clone().into()),
    ]);
    simple::update_row(ctx, &RESOLUTION, &id, &input, &["resolved_at = now()"]).await
}

/// `commentUnresolve(id:)`: the thread is no longer resolved.
pub(crate) async fn comment_unresolve(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (_, _, id) = simple::target(ctx)?;
    let input = serde_json::Map::from_iter(
        ["resolvingCommentId", "resolvingUserId"]
            .map(|key| (key.to_owned(), serde_json::Value::Null)),
    );
    simple::update_row(ctx, &RESOLUTION, &id, &input, &["resolved_at = NULL"]).await
}

/// `projectCreate(input:)`: linked to `teamIds`, status "Planned" unless given.
pub(crate) async fn project_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    let teams = write::texts(&input, "teamIds")?.unwrap_or_default();
    if teams.is_empty() {
        return Err(error::invalid(
            "Argument Validation Error: teamIds should not be empty",
        ));
    }
    let status = if input.get("statusId").is_some_and(|v| !v.is_null()) {
        Vec::new()
    } else {
        vec![(
            "status_id",
            "(SELECT id FROM project_statuses WHERE type = 'planned' ORDER BY position LIMIT 1)"
                .to_owned(),
        )]
    };
    let link = (
        "INSERT INTO project_teams (project_id, team_id) SELECT $1, unnest($2::text[])",
        teams,
    );
    Ok(simple::create(ctx, &PROJECT, &input, &status, Some(link))
        .await?
        .0)
}

/// `projectUpdate(id:, input:)` (`teamIds` are not changed by the clone).
pub(crate) async fn project_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    if write::input(ctx)?
        .get("teamIds")
        .is_some_and(|v| !v.is_null())
    {
        return Err(error::invalid(
            "Input field `teamIds` is not supported by the asym Linear clone",
        ));
    }
    simple::update(ctx, &PROJECT, &[]).await
}

/// `projectArchive(id:, trash:)`.
pub(crate) async fn project_archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archive(ctx, &PROJECT).await
}

/// `projectDelete(id:)`: to the trash (archived, `trashed`), as Linear's schema says.
pub(crate) async fn project_delete(ctx: &ResolverContext<'_>) -> Result<Value> {
    simple::archival_of(ctx, &PROJECT, Archival::Trash).await
}

/// `projectUnarchive(id:)`: out of the archive and the trash; by id or `slugId`.
pub(crate) async fn project_unarchive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = crate::args::context(ctx)?;
    let id = write::id_or_slug(shared, "Project", &crate::args::arg_str(ctx, "id")?).await?;
    simple::archival_at(ctx, &PROJECT, &id, Archival::Restore).await
}

/// `cycleArchive(id:)`: its issues leave it first, each an Issue update (its history and
/// its `update` webhook, `updatedFrom.cycleId`, record the change), as Linear does.
pub(crate) async fn cycle_archive(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, viewer, id) = simple::target(ctx)?;
    let mut client = shared.kit.db().await.map_err(error::internal)?;
    let tx = client.transaction().await.map_err(error::internal)?;
    let queued = crate::issues::leave_cycle(&tx, shared, viewer, &id).await?;
    simple::archive_in(ctx, &CYCLE, tx, &id, queued, simple::Archival::Archive).await
}

/// `attachmentLinkURL(issueId:, url:, title:, id:)`.
pub(crate) async fn attachment_link_url(ctx: &ResolverContext<'_>) -> Result<Value> {
    attachment_link(ctx, &[]).await
}

/// `attachmentLinkSlack(issueId:, url:, title:, id:)`: an attachment of the message's URL, as
/// `attachmentLinkURL` makes one (the clone has no Slack integration, so no thread syncs:
/// `syncToCommentThread: true` is refused by name).
pub(crate) async fn attachment_link_slack(ctx: &ResolverContext<'_>) -> Result<Value> {
    let sync = ctx.args.get("syncToCommentThread");
    if sync.and_then(|v| v.boolean().ok()) == Some(true) {
        return Err(error::invalid(
            "Argument `syncToCommentThread` is not supported by the asym Linear clone",
        ));
    }
    attachment_link(ctx, &[]).await
}

/// `attachmentLinkGitHubPR(issueId:, url:, title:, id:)`: an attachment of the pull
/// request's URL, as `attachmentLinkURL` makes one (no GitHub integration: `linkKind` is
/// refused by name).
pub(crate) async fn attachment_link_github_pr(ctx: &ResolverContext<'_>) -> Result<Value> {
    attachment_link(ctx, &["linkKind"]).await
}

/// `attachmentLinkGitHubIssue(issueId:, url:, title:, id:)`: an attachment of the GitHub
/// issue's URL, as `attachmentLinkURL` makes one.
pub(crate) async fn attachment_link_github_issue(ctx: &ResolverContext<'_>) -> Result<Value> {
    attachment_link(ctx, &[]).await
}

/// An `attachmentLink…` mutation: the URL linked to the issue (`issueId` an id or an
/// identifier), titled with `title` or else the URL. `createAsUser`, `displayIconUrl` and the
/// mutation's own arguments in `unsupported` are refused when given a value.
pub(crate) async fn attachment_link(
    ctx: &ResolverContext<'_>,
    unsupported: &[&str],
) -> Result<Value> {
    for name in ["createAsUser", "displayIconUrl"].iter().chain(unsupported) {
        crate::args::unsupported(ctx, name)?;
    }
    let arg = |name: &str| {
        ctx.args
            .get(name)
            .and_then(|v| v.string().ok())
            .map(str::to_owned)
    };
    let url = arg("url").unwrap_or_default();
    let input = json!({
        "id": arg("id"), "issueId": arg("issueId"), "url": url,
        "title": arg("title").unwrap_or_else(|| url.clone()),
    });
    let serde_json::Value::Object(input) = input else {
        return Err(error::internal("input is an object"));
    };
    let input = with_issue_ids(ctx, input).await?;
    Ok(simple::create(ctx, &ATTACHMENT, &input, &[], None).await?.0)
}

/// `webhookCreate(input:)`: a signing secret is minted when none is given.
pub(crate) async fn webhook_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let mut input = write::input(ctx)?;
    check_url(&input)?;
    let has_team = input.get("teamId").is_some_and(|v| !v.is_null());
    let all_public = input
        .get("allPublicTeams")
        .and_then(serde_json::Value::as_bool)
        == Some(true);
    if !has_team && !all_public {
        return Err(error::invalid(
            "Argument Validation Error: teamId or allPublicTeams is required",
        ));
    }
    if input.get("secret").is_none_or(serde_json::Value::is_null) {
        input.insert("secret".to_owned(), asym_kit::token::mint("lin_wh_").into());
    }
    Ok(simple::create(ctx, &WEBHOOK, &input, &[], None).await?.0)
}

/// `webhookRotateSecret(id:)`: a new signing secret (`lin_wh_…`) replaces the webhook's at
/// once; the payload carries it.
pub(crate) async fn webhook_rotate_secret(ctx: &ResolverContext<'_>) -> Result<Value> {
    let (shared, _) = crate::args::context(ctx)?;
    let id = crate::args::arg_str(ctx, "id")?;
    let secret = asym_kit::token::mint("lin_wh_");
    let client = shared.kit.db().await.map_err(error::internal)?;
    let sql = "UPDATE webhooks SET secret = $2, updated_at = now() WHERE id = $1
               RETURNING nextval('sync_id_seq')";
    let row = client
        .query_opt(sql, &[&id, &secret])
        .await
        .map_err(error::db)?
        .ok_or_else(|| error::not_found("Webhook"))?;
    let sync: i64 = row.get(0);
    Ok(crate::connection::object([
        ("success", Value::Boolean(true)),
        ("lastSyncId", Value::from(sync as f64)),
        ("secret", Value::from(secret)),
    ]))
}

/// Refuses a webhook URL that is not absolute http(s).
fn check_url(input: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    match write::text(input, "url")? {
        Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
            Err(error::refused(&[Rule::Url.refusal("url")]))
        }
        _ => Ok(()),
    }
}

/// `webhookUpdate(id:, input:)`.
pub(crate) async fn webhook_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    check_url(&write::input(ctx)?)?;
    simple::update(ctx, &WEBHOOK, &[]).await
}

/// `workflowStateCreate(input:)`: placed after the seeded states unless `position` is given.
pub(crate) async fn state_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = write::input(ctx)?;
    let extra = if input.get("position").is_some_and(|v| !v.is_null()) {
        Vec::new()
    } else {
        vec![("position", "100".to_owned())]
    };
    Ok(simple::create(ctx, &STATE, &input, &extra, None).await?.0)
}

/// `issueRelationCreate(input:)`: either issue by UUID or identifier (`ENG-1`). @linear/sdk's
/// `createIssueRelation` always passes `overrideCreatedAt: $overrideCreatedAt`, null unless
/// set: only a value is refused.
pub(crate) async fn relation_create(ctx: &ResolverContext<'_>) -> Result<Value> {
    crate::args::unsupported(ctx, "overrideCreatedAt")?;
    let input = relation_input(ctx).await?;
    Ok(simple::create(ctx, &RELATION, &input, &[], None).await?.0)
}

/// `issueRelationUpdate(id:, input:)`: either issue by UUID or identifier.
pub(crate) async fn relation_update(ctx: &ResolverContext<'_>) -> Result<Value> {
    let input = relation_input(ctx).await?;
    simple::update_from(ctx, &RELATION, &input, &[]).await
}

/// A relation's `input` with `issueId` and `relatedIssueId` resolved to issue ids.
async fn relation_input(
    ctx: &ResolverContext<'_>,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    with_issue_ids(ctx, write::input(ctx)?).await
}

/// `input` with the issues its `issueId` and `relatedIssueId` name resolved to their ids:
/// Linear takes a UUID or an identifier (`ENG-123`) in each.
async fn with_issue_ids(
    ctx: &ResolverContext<'_>,
    mut input: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    let (shared, _) = crate::args::context(ctx)?;
    for key in ["issueId", "relatedIssueId"] {
        if let Some(id) = write::text(&input, key)? {
            let resolved = crate::issues::resolve_id(shared, &id).await?;
            input.insert(key.to_owned(), resolved.into());
        }
    }
    Ok(input)
}
