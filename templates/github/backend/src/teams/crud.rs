//! Teams themselves: `GET/POST /orgs/{org}/teams`, `GET/PATCH/DELETE` a team, its child
//! teams (`…/teams`) and `GET /user/teams`.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::GenericClient;
use axum::extract::{Path, State};

use super::{Team, TeamScope, org_role, permission, slug};
use crate::db;
use crate::error::{ApiError, ApiResult};
use crate::req::{self, Body, Listing, Page, Query};
use crate::viewer::{Person, Viewer};

/// A team's name taken by another of its organization (GitHub's words).
fn name_taken() -> ApiError {
    ApiError::custom("Team", "name", "Name must be unique for this org")
}

/// `GET /orgs/{org}/teams` (Octokit's `teams.list`, PyGithub's `Organization.get_teams`): the
/// teams the caller may see, by name, with `Link` pages; 404 for a caller outside the
/// organization.
pub(crate) async fn list(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    query: Query,
) -> ApiResult {
    let client = kit.db().await?;
    let (org, role) = org_role(&client, &login, &viewer).await?;
    if !role.member {
        return Err(ApiError::not_found());
    }
    let base = &kit.config().public_url;
    req::list(
        &client,
        &Page::new(base, format!("/orgs/{login}/teams"), &query),
        &Listing {
            from: "teams t",
            alias: "t",
            filter: "t.org_id = $1 AND ($3 OR t.privacy = 'closed' OR EXISTS (
                         SELECT 1 FROM team_members m
                         WHERE m.team_id = t.id AND m.user_id = $4 AND m.state = 'active'))",
            item: "gh_team(t, $2, NULL)",
            order: "lower(t.name), t.id",
        },
        &[&org, base, &role.owner, &viewer.user_id],
    )
    .await
}

/// What a create or an update says of a team besides its name.
struct Fields {
    description: Option<String>,
    privacy: Option<String>,
    notification_setting: Option<String>,
    permission: Option<String>,
}

impl Fields {
    /// Reads and checks them (422 `invalid` for a value GitHub does not take).
    fn read(body: &Body) -> ApiResult<Self> {
        Ok(Self {
            description: body.str("description")?.map(str::to_owned),
            privacy: body.one_of("privacy", &["secret", "closed"], "Team")?,
            notification_setting: body.one_of(
                "notification_setting",
                &["notifications_enabled", "notifications_disabled"],
                "Team",
            )?,
            permission: body.one_of("permission", &["pull", "push", "admin"], "Team")?,
        })
    }
}

/// A nested team cannot be secret (GitHub's rule; its wording was not found).
fn nested_secret() -> ApiError {
    ApiError::custom(
        "Team",
        "privacy",
        "A parent or child team cannot be secret.",
    )
}

/// The parent a body names (`parent_team_id`): a team of `org` that is not `team` nor below
/// it; 422 `invalid` otherwise. `Some(None)` for an explicit `null`.
async fn parent(
    client: &impl GenericClient,
    body: &Body,
    org: i64,
    team: Option<i64>,
) -> ApiResult<Option<Option<i64>>> {
    if !body.has("parent_team_id") {
        return Ok(None);
    }
    let Some(parent) = body.int("parent_team_id")? else {
        return Ok(Some(None));
    };
    const SQL: &str = "SELECT 1 FROM teams t WHERE t.id = $1 AND t.org_id = $2
                         AND ($3::bigint IS NULL OR t.id NOT IN (SELECT gh_team_tree($3)))";
    match db::row(client, SQL, &[&parent, &org, &team]).await? {
        Some(_) => Ok(Some(Some(parent))),
        None => Err(ApiError::validation("Team", "parent_team_id", "invalid")),
    }
}

/// `POST /orgs/{org}/teams` (Octokit's `teams.create`, PyGithub's
/// `Organization.create_team`): `name` required; `description`, `privacy` (`secret` by
/// default, `closed` for a nested team), `notification_setting`, `permission` (`pull` by
/// default: what `repo_names` and later repositories are added with), `parent_team_id`,
/// `maintainers` (members of the organization) and `repo_names` (`org/repo`). Any member may
/// create a team; the creator becomes its maintainer. 201 with the team in full.
pub(crate) async fn create(
    State(kit): State<Kit>,
    viewer: Viewer,
    Path(login): Path<String>,
    body: Body,
) -> ApiResult {
    viewer.require_scope("admin:org", &["write:org"])?;
    let name = body.required("name", "Team")?.trim().to_owned();
    let fields = Fields::read(&body)?;
    let maintainers = body.strings("maintainers")?.unwrap_or_default();
    let repo_names = body.strings("repo_names")?.unwrap_or_default();
    let mut client = kit.db().await?;
    let (org, role) = org_role(&client, &login, &viewer).await?;
    if !role.member {
        return Err(ApiError::forbidden(
            "You must be a member of this organization to create a team.",
        ));
    }
    let slug = slug(&name);
    if slug.is_empty() {
        return Err(ApiError::validation("Team", "name", "invalid"));
    }
    let parent = parent(&client, &body, org, None).await?.flatten();
    if parent.is_some() && fields.privacy.as_deref() == Some("secret") {
        return Err(nested_secret());
    }
    let privacy = fields
        .privacy
        .unwrap_or_else(|| if parent.is_some() { "closed" } else { "secret" }.to_owned());
    let team_permission = fields.permission.unwrap_or_else(|| "pull".to_owned());
    let repo_permission = permission(&team_permission, "Team")?;
    let mut people = Vec::new();
    for login in &maintainers {
        const MEMBER: &str = "SELECT u.id FROM users u JOIN org_members m ON m.user_id = u.id
                              WHERE lower(u.login) = lower($1) AND m.org_id = $2";
        let member = db::first::<i64>(&client, MEMBER, &[login, &org]).await?;
        people.push(
            member.ok_or_else(|| ApiError::invalid_value("Team", "maintainers", login.as_str()))?,
        );
    }
    if !viewer.installation {
        people.push(viewer.user_id);
    }
    let mut repos = Vec::new();
    for full_name in &repo_names {
        const REPO: &str =
            "SELECT r.id FROM repos r WHERE lower(r.full_name) = lower($1) AND r.owner_id = $2";
        let repo = db::first::<i64>(&client, REPO, &[full_name, &org]).await?;
        repos.push(
            repo.ok_or_else(|| ApiError::invalid_value("Team", "repo_names", full_name.as_str()))?,
        );
    }
    let tx = client.transaction().await?;
    const INSERT: &str = "INSERT INTO teams (org_id, name, slug, description, privacy,
                                             notification_setting, permission, parent_id)
                          VALUES ($1, $2, $3, $4, $5, coalesce($6, 'notifications_enabled'), $7, $8)
                          ON CONFLICT DO NOTHING RETURNING id";
    let notifications = fields.notification_setting;
    let Some(team) = db::first::<i64>(
        &tx,
        INSERT,
        &[
            &org,
            &name,
            &slug,
            &fields.description,
            &privacy,
            &notifications,
            &team_permission,
            &parent,
        ],
    )
    .await?
    else {
        return Err(name_taken());
    };
    const MAINTAINER: &str =
        "INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, 'maintainer')
                              ON CONFLICT DO NOTHING";
    for person in &people {
        db::execute(&tx, MAINTAINER, &[&team, person]).await?;
    }
    const REPO: &str = "INSERT INTO team_repos (team_id, repo_id, permission) VALUES ($1, $2, $3)
                        ON CONFLICT DO NOTHING";
    for repo in &repos {
        db::execute(&tx, REPO, &[&team, repo, &repo_permission]).await?;
    }
    let rendered = render(&tx, &kit.config().public_url, team).await?;
    tx.commit().await?;
    Ok(req::created(rendered))
}

/// Team `id` in full.
async fn render(client: &impl GenericClient, base: &str, id: i64) -> ApiResult<String> {
    const SQL: &str = "SELECT gh_team_full(t, $2)::text FROM teams t WHERE t.id = $1";
    Ok(db::value(client, SQL, &[&id, &base]).await?)
}

/// `GET /orgs/{org}/teams/{team_slug}` (Octokit's `teams.getByName`, PyGithub's
/// `get_team_by_slug`), `GET /organizations/{org_id}/team/{team_id}`, `GET /teams/{team_id}`
/// (PyGithub's `get_team`): the team in full.
pub(crate) async fn get(scope: TeamScope) -> ApiResult {
    let (client, team) = scope.open().await?;
    Ok(req::ok(render(&client, scope.base(), team.id).await?))
}

/// `PATCH` a team (Octokit's `teams.updateInOrg`, PyGithub's `Team.edit`): `name` (its slug
/// follows), `description`, `privacy`, `notification_setting`, `permission`,
/// `parent_team_id` (`null` makes it a top-level team); an owner or the team's maintainers.
pub(crate) async fn update(scope: TeamScope, body: Body) -> ApiResult {
    scope.viewer.require_scope("admin:org", &["write:org"])?;
    let fields = Fields::read(&body)?;
    let name = match body.str("name")? {
        Some(name) if slug(name).is_empty() => {
            return Err(ApiError::validation("Team", "name", "invalid"));
        }
        name => name.map(|n| n.trim().to_owned()),
    };
    let (client, team) = scope.open().await?;
    team.require_manager(
        "You must be an organization owner or team maintainer to edit this team.",
    )?;
    let parent = parent(&client, &body, team.org_id, Some(team.id)).await?;
    const NESTED: &str =
        "SELECT parent_id IS NOT NULL OR EXISTS (SELECT 1 FROM teams c WHERE c.parent_id = t.id),
                                 privacy
                          FROM teams t WHERE t.id = $1";
    let row = db::found(&client, NESTED, &[&team.id]).await?;
    let nested = match parent {
        Some(parent) => parent.is_some() || row.get::<_, bool>(0),
        None => row.get(0),
    };
    let privacy = match (fields.privacy, parent) {
        (Some(p), _) => Some(p),
        // Made a child: a secret team becomes closed, as GitHub's default for one.
        (None, Some(Some(_))) if row.get::<_, String>(1) == "secret" => Some("closed".to_owned()),
        (None, _) => None,
    };
    if nested && privacy.as_deref() == Some("secret") {
        return Err(nested_secret());
    }
    let slug = name.as_deref().map(slug);
    const SQL: &str = "UPDATE teams SET name = coalesce($2, name), slug = coalesce($3, slug),
                              description = CASE WHEN $4 THEN $5 ELSE description END,
                              privacy = coalesce($6, privacy),
                              notification_setting = coalesce($7, notification_setting),
                              permission = coalesce($8, permission),
                              parent_id = CASE WHEN $9 THEN $10 ELSE parent_id END,
                              updated_at = now()
                       WHERE id = $1
                         AND NOT EXISTS (SELECT 1 FROM teams o WHERE o.org_id = $11 AND o.id <> $1
                                         AND (lower(o.name) = lower($2) OR lower(o.slug) = lower($3)))";
    let updated = db::execute(
        &client,
        SQL,
        &[
            &team.id,
            &name,
            &slug,
            &body.has("description"),
            &fields.description,
            &privacy,
            &fields.notification_setting,
            &fields.permission,
            &parent.is_some(),
            &parent.flatten(),
            &team.org_id,
        ],
    )
    .await;
    match updated {
        Ok(0) => Err(name_taken()),
        Ok(_) => Ok(req::ok(render(&client, scope.base(), team.id).await?)),
        Err(err)
            if err.code() == Some(&asym_kit::tokio_postgres::error::SqlState::UNIQUE_VIOLATION) =>
        {
            Err(name_taken())
        }
        Err(err) => Err(err.into()),
    }
}

/// `DELETE` a team (Octokit's `teams.deleteInOrg`, PyGithub's `Team.delete`): 204, its child
/// teams deleted with it; an owner or the team's maintainers.
pub(crate) async fn delete(scope: TeamScope) -> ApiResult {
    scope.viewer.require_scope("admin:org", &["write:org"])?;
    let (client, team) = scope.open().await?;
    team.require_manager(
        "You must be an organization owner or team maintainer to delete this team.",
    )?;
    db::execute(&client, "DELETE FROM teams WHERE id = $1", &[&team.id]).await?;
    Ok(req::no_content())
}

/// `GET …/teams` of a team (Octokit's `teams.listChildInOrg`, PyGithub's `Team.get_teams`):
/// its child teams, by name.
pub(crate) async fn children(scope: TeamScope, query: Query) -> ApiResult {
    let (client, team) = scope.open().await?;
    team_list(&client, &scope, &team, "teams", &query).await
}

/// A page of a team's list at `{team url}/{tail}`: the child teams.
async fn team_list(
    client: &impl GenericClient,
    scope: &TeamScope,
    team: &Team,
    tail: &str,
    query: &Query,
) -> ApiResult {
    let base = scope.base();
    let path = format!("{}/{tail}", &team.url(base)[base.len()..]);
    req::list(
        client,
        &Page::new(base, path, query),
        &Listing {
            from: "teams t",
            alias: "t",
            filter: "t.parent_id = $1",
            item: "gh_team(t, $2, NULL)",
            order: "lower(t.name), t.id",
        },
        &[&team.id, &base],
    )
    .await
}

/// `GET /user/teams` (Octokit's `teams.listForAuthenticatedUser`, PyGithub's
/// `AuthenticatedUser.get_teams`): the teams the caller is a member of, in full, by
/// organization and name.
pub(crate) async fn mine(
    State(kit): State<Kit>,
    Person(viewer): Person,
    query: Query,
) -> ApiResult {
    let client = kit.db().await?;
    let base = &kit.config().public_url;
    req::list(
        &client,
        &Page::new(base, "/user/teams", &query),
        &Listing {
            from: "teams t",
            alias: "t",
            filter: "EXISTS (SELECT 1 FROM team_members m
                             WHERE m.team_id = t.id AND m.user_id = $1 AND m.state = 'active')",
            item: "gh_team_full(t, $2)",
            order: "t.org_id, lower(t.name), t.id",
        },
        &[&viewer.user_id, base],
    )
    .await
}
