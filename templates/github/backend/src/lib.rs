//! asym's GitHub clone: GitHub's REST API (`api.github.com` paths at the root) over
//! Postgres, so Octokit, PyGithub and octocrab work against it with only their base URL
//! changed.
//!
//! | routes | module |
//! |---|---|
//! | auth, `X-OAuth-Scopes`, rate-limit headers, ETags | `auth`, `ratelimit` |
//! | `/user`, `/users` (all), `/users/{u}`, `/orgs/{org}`, members, memberships (accepting an invitation) | `users` |
//! | organization invitations (pending memberships; the model is `invites`) | `invitations`, `invites` |
//! | repositories: create, get, update, delete, list, topics, languages | `repos`, `linguist` |
//! | `/repositories/{id}/…`, a renamed repository's redirect | `moved` |
//! | forks: create, list | `forks` |
//! | collaborators | `collaborators` |
//! | branches and their protection (enforced on merges and pushes) | `branches`, `requirements` |
//! | renaming a branch (its ref, default branch, pull requests, drafts, protection) | `branch_rename` |
//! | rulesets, the rules of a branch (enforced on merges and pushes) | `rulesets` |
//! | issues: list, get; create, update (with the events and webhooks of what they change) | `issues`; `issue_writes`, `changes` |
//! | lock, unlock, assignees | `triage` |
//! | issue comments | `comments` |
//! | labels, milestones | `labels` |
//! | reactions, issue events | `activity` |
//! | sub-issues: list, add, remove, reprioritize, an issue's parent | `sub_issues` |
//! | issue dependencies: blocked by (list, add, remove), blocking | `dependencies` |
//! | what links between issues share (the issue a body's id names) | `links` |
//! | contents, commits, compare, contributors | `contents`, `commits` |
//! | commit comments | `commit_comments` |
//! | pull requests associated with a commit | `commit_pulls` |
//! | git data: blobs, trees, commits, refs, tags | `gitdata` |
//! | pull requests, reviews, merges (and a fork's merge from upstream), review comments | `pulls`, `reviews`, `merges`, `review_comments` |
//! | statuses, check runs and suites, a run's re-request | `checks` |
//! | check suites made on their own, a suite's check runs, re-requests of a suite, check suite preferences | `check_suites` |
//! | a check run's annotations | `annotations` |
//! | code scanning: SARIF uploads and their status, analyses, alerts and their instances | `code_scanning` |
//! | release assets: upload, list, get, update, delete, download | `assets` |
//! | deployments and their statuses, environments | `deployments` |
//! | repository webhooks and their deliveries; hook tests; repository dispatch events | `hooks`, `hook_tests`, `dispatches` |
//! | a repository webhook's configuration | `hook_config` |
//! | Actions: workflows (from `.github/workflows`), dispatches, workflow runs, attempts, jobs | `workflows`, `actions` |
//! | Actions artifacts | `artifacts` |
//! | Actions secrets (and their public key) and variables: a repository's, an environment's, an organization's (and the repositories it selects) | `secrets` |
//! | teams: members, memberships, repositories (their permission counts in `gh_permission`) | `teams` |
//! | an installation's repositories, what a narrowed installation token or an app's JWT reaches | `installations` |
//! | the permissions each route needs of an installation token (`permissions.tsv`: sets, any one of which suffices, each needing all of its permissions) | `permissions` |
//! | the app's own routes (`/app`, installations, minting installation tokens) | `apps` |
//! | App JWT checks, the app's key pair; an installation token's limits and permissions (the app's from `gh_app_permissions()`) | `jwt`, `grant` |
//! | stars: stargazers, starred repositories, star and unstar | `stars` |
//! | search | `search` |
//! | `/`, `/zen`, `/octocat`, `/meta`, provisioning | `meta` |
//!
//! Rendering lives in SQL (`migrations/0002_render.sql`): every read is one statement that
//! answers GitHub's JSON. Git objects are real (`git`, `objects`): ids are git's SHA-1s.
//! All state is in the clone's Postgres database and Redis prefix; the process holds none.

mod actions;
mod activity;
mod annotations;
mod apps;
mod artifacts;
mod assets;
mod auth;
mod branch_rename;
mod branches;
mod changes;
mod check_suites;
mod checks;
mod code_scanning;
mod collaborators;
mod comments;
mod commit_comments;
mod commit_pulls;
mod commits;
mod contents;
mod db;
mod dependencies;
mod deployments;
mod dispatches;
mod error;
mod forks;
mod git;
mod gitdata;
mod grant;
mod hook_config;
mod hook_tests;
mod hooks;
mod installations;
mod invitations;
mod invites;
mod issue_writes;
mod issues;
mod jwt;
mod labels;
mod linguist;
mod links;
mod merges;
mod meta;
mod moved;
mod non_null;
mod objects;
mod permissions;
mod pulls;
mod ratelimit;
mod releases;
mod repos;
mod req;
mod requirements;
mod review_comments;
mod reviews;
mod rulesets;
mod scope;
mod search;
mod secrets;
mod stars;
mod sub_issues;
mod teams;
mod time;
mod triage;
mod users;
mod viewer;
mod workflows;

use asym_kit::Kit;
use axum::Router;
use axum::routing::{get, post, put};

/// The GitHub clone's routes. [`asym_kit::router`] adds `/api/health` and the admin guard.
///
/// Refs in commit paths may hold slashes (`/commits/heads/main/status`, as octocrab asks):
/// they are escaped before routing so one path segment carries them.
pub fn app(kit: Kit) -> Router {
    let routes = tower::ServiceExt::map_request(routes(kit.clone()), escape_commit_refs);
    Router::new()
        .fallback_service(routes)
        .layer(axum::middleware::from_fn_with_state(
            kit.clone(),
            moved::by_id,
        ))
        .layer(axum::middleware::from_fn_with_state(kit, moved::redirect))
        .layer(axum::middleware::from_fn(refuse_nul))
}

/// A NUL (`%00`) in the path answers 404, in the query 422: no name or value GitHub serves
/// holds one, and Postgres would refuse it as text.
async fn refuse_nul(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use asym_kit::body::{Nul, nul_in};
    use axum::response::IntoResponse;
    match nul_in(request.uri()) {
        Some(Nul::Path) => error::ApiError::not_found().into_response(),
        Some(Nul::Query) => {
            error::ApiError::invalid("Invalid request.\n\nA query parameter holds a NUL.")
                .into_response()
        }
        None => next.run(request).await,
    }
}

/// `/repos/{o}/{r}/commits/<ref with slashes>[/status|statuses|check-runs|check-suites|comments|pulls]`
/// with the ref's slashes escaped.
fn escape_commit_refs(mut request: axum::extract::Request) -> axum::extract::Request {
    const SUFFIXES: [&str; 6] = [
        "/pulls",
        "/status",
        "/statuses",
        "/check-runs",
        "/check-suites",
        "/comments",
    ];
    let path = request.uri().path();
    let parts: Vec<&str> = path.splitn(6, '/').collect();
    let (["", "repos", _, _, "commits", rest], true) =
        (parts.as_slice(), path.starts_with("/repos/"))
    else {
        return request;
    };
    let (reference, suffix) = SUFFIXES
        .iter()
        .find_map(|s| rest.strip_suffix(s).map(|r| (r, *s)))
        .unwrap_or((rest, ""));
    if !reference.contains('/') {
        return request;
    }
    let prefix_len = path.len() - rest.len();
    let mut escaped = format!(
        "{}{}{suffix}",
        &path[..prefix_len],
        reference.replace('/', "%2F")
    );
    if let Some(query) = request.uri().query() {
        escaped = format!("{escaped}?{query}");
    }
    if let Ok(uri) = escaped.parse() {
        *request.uri_mut() = uri;
    }
    request
}

fn routes(kit: Kit) -> Router {
    Router::new()
        .route("/api/admin/provision", post(meta::provision))
        .route("/api/admin/rate-limit", put(ratelimit::set))
        .route("/api/admin/actions/runs/{id}", post(actions::admin_advance))
        .route(
            "/api/admin/actions/runs/{id}/artifacts",
            post(artifacts::admin_create),
        )
        .route("/", get(meta::root))
        .route("/zen", get(meta::zen))
        .route("/octocat", get(meta::octocat))
        .route("/meta", get(meta::meta))
        .route("/rate_limit", get(ratelimit::show))
        .route("/user", get(users::me))
        .route("/user/orgs", get(users::my_orgs))
        .route("/user/{account_id}", get(users::get_by_id))
        .route(
            "/installation/repositories",
            get(installations::repositories),
        )
        .nest("/app", app_routes())
        .route("/orgs/{org}/installation", get(apps::installation))
        .route("/users/{user}/installation", get(apps::installation))
        .route(
            "/user/repos",
            get(repos::list_mine).post(repos::create_for_user),
        )
        .route("/user/issues", get(issues::list_mine))
        .route("/user/starred", get(stars::mine))
        .route(
            "/user/starred/{owner}/{repo}",
            get(stars::check).put(stars::star).delete(stars::unstar),
        )
        .route("/users/{user}/starred", get(stars::of_user))
        .route("/issues", get(issues::list_mine))
        .route("/users", get(users::list))
        .route("/users/{user}", get(users::get))
        .route("/users/{user}/repos", get(repos::list_owner))
        .route("/orgs/{org}", get(users::get_org))
        .route("/orgs/{org}/issues", get(issues::list_for_org))
        .route("/orgs/{org}/members", get(users::members))
        .route(
            "/orgs/{org}/members/{user}",
            get(users::is_member).delete(users::remove_member),
        )
        .route(
            "/orgs/{org}/memberships/{user}",
            get(users::membership)
                .put(users::set_membership)
                .delete(users::remove_membership),
        )
        .route(
            "/orgs/{org}/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route(
            "/orgs/{org}/invitations/{invitation_id}",
            axum::routing::delete(invitations::cancel),
        )
        .route(
            "/orgs/{org}/invitations/{invitation_id}/teams",
            get(invitations::invitation_teams),
        )
        .route("/orgs/{org}/failed_invitations", get(invitations::failed))
        .route("/user/memberships/orgs", get(users::my_memberships))
        .route(
            "/user/memberships/orgs/{org}",
            get(users::my_membership).patch(users::accept),
        )
        .route(
            "/orgs/{org}/repos",
            get(repos::list_owner).post(repos::create_for_org),
        )
        .route(
            "/orgs/{org}/teams",
            get(teams::crud::list).post(teams::crud::create),
        )
        .route("/user/teams", get(teams::crud::mine))
        .nest("/orgs/{org}/teams/{team_slug}", team_routes())
        .nest("/organizations/{org_id}/team/{team_id}", team_routes())
        .nest("/teams/{team_id}", team_routes())
        .nest("/orgs/{org}/actions", organization_secret_routes())
        .route("/search/issues", get(search::issues::issues))
        .route("/search/repositories", get(search::issues::repositories))
        .route("/search/topics", get(search::issues::topics))
        .route("/search/users", get(search::people::users))
        .route("/search/labels", get(search::people::labels))
        .route("/search/commits", get(search::git::commits))
        .route("/search/code", get(search::git::code))
        .nest("/repos/{owner}/{repo}", repo_routes())
        .route(
            "/{owner}/{repo}/releases/download/{tag}/{name}",
            get(assets::download),
        )
        .fallback(meta::not_found)
        .layer(axum::middleware::from_fn_with_state(
            kit.clone(),
            auth::layer,
        ))
        .with_state(kit)
}

/// An issue's links to other issues, under `/issues/{number}`: its sub-issues and parent
/// (`sub_issues`), the issues blocking it and those it blocks (`dependencies`).
fn issue_link_routes() -> Router<Kit> {
    use axum::routing::{delete, patch};
    use dependencies as deps;
    Router::new()
        .route("/sub_issues", get(sub_issues::list).post(sub_issues::add))
        .route("/sub_issue", delete(sub_issues::remove))
        .route("/sub_issues/priority", patch(sub_issues::reprioritize))
        .route("/parent", get(sub_issues::parent))
        .route("/dependencies/blocking", get(deps::blocking))
        .route(
            "/dependencies/blocked_by",
            get(deps::blocked_by).post(deps::add),
        )
        .route("/dependencies/blocked_by/{issue_id}", delete(deps::remove))
}

/// A GitHub App's own routes, under `/app` (`apps`).
fn app_routes() -> Router<Kit> {
    let one = get(apps::installation).delete(apps::uninstall);
    Router::new()
        .route("/", get(apps::get))
        .route("/installations", get(apps::installations))
        .route("/installations/{installation_id}", one)
        .route(
            "/installations/{installation_id}/access_tokens",
            post(apps::create_token),
        )
}

/// Everything under a team, however the path names it (`teams`).
fn team_routes() -> Router<Kit> {
    use teams::{crud, members, repos};
    Router::new()
        .route("/", get(crud::get).patch(crud::update).delete(crud::delete))
        .route("/teams", get(crud::children))
        .route("/members", get(members::list))
        .route(
            "/members/{username}",
            get(members::check)
                .put(members::add)
                .delete(members::remove),
        )
        .route(
            "/memberships/{username}",
            get(members::get).put(members::set).delete(members::remove),
        )
        .route("/repos", get(repos::list))
        .route(
            "/repos/{owner}/{repo}",
            get(repos::check).put(repos::put).delete(repos::remove),
        )
}

/// Everything under `/repos/{owner}/{repo}`.
fn repo_routes() -> Router<Kit> {
    Router::new()
        .route(
            "/",
            get(repos::get).patch(repos::update).delete(repos::delete),
        )
        .route("/topics", get(repos::topics).put(repos::set_topics))
        .route("/installation", get(apps::installation))
        .route("/stargazers", get(stars::stargazers))
        .route("/languages", get(repos::languages))
        .route("/contributors", get(commits::contributors))
        .route("/forks", get(forks::list).post(forks::create))
        .route("/teams", get(teams::repos::for_repo))
        .route("/collaborators", get(collaborators::list))
        .route(
            "/collaborators/{user}",
            get(collaborators::check)
                .put(collaborators::add)
                .delete(collaborators::remove),
        )
        .route(
            "/collaborators/{user}/permission",
            get(collaborators::permission),
        )
        .route("/branches", get(branches::list))
        .route("/tags", get(branches::tags))
        .route("/merges", post(merges::merge))
        .route("/merge-upstream", post(merges::merge_upstream))
        .route(
            "/branches/{*branch}",
            get(branches::get)
                .put(branches::put)
                .patch(branches::patch)
                .post(branch_rename::post)
                .delete(branches::delete),
        )
        .route("/compare/{*basehead}", get(commits::compare))
        .route("/readme", get(contents::readme))
        .route("/contents", get(contents::get_root))
        .route("/contents/", get(contents::get_root))
        .route(
            "/contents/{*path}",
            get(contents::get)
                .put(contents::put)
                .delete(contents::delete),
        )
        .route("/commits", get(commits::list))
        .route("/commits/{sha}", get(commits::get))
        .route(
            "/commits/{sha}/comments",
            get(commit_comments::list).post(commit_comments::create),
        )
        .route("/comments", get(commit_comments::list_repo))
        .route(
            "/comments/{id}",
            get(commit_comments::get)
                .patch(commit_comments::update)
                .delete(commit_comments::delete),
        )
        .route("/commits/{sha}/pulls", get(commit_pulls::list))
        .route("/commits/{sha}/status", get(checks::combined))
        .route("/commits/{sha}/statuses", get(checks::list_statuses))
        .route("/commits/{sha}/check-runs", get(checks::runs_for_ref))
        .route("/commits/{sha}/check-suites", get(checks::suites_for_ref))
        .route(
            "/statuses/{sha}",
            get(checks::list_statuses).post(checks::create_status),
        )
        .route("/check-runs", post(checks::create_run))
        .route(
            "/check-runs/{id}",
            get(checks::get_run).patch(checks::update_run),
        )
        .route("/check-runs/{id}/rerequest", post(checks::rerequest_run))
        .route(
            "/check-runs/{id}/annotations",
            get(checks::list_annotations),
        )
        .merge(code_scanning::routes())
        .route("/check-suites", post(check_suites::create))
        .route(
            "/check-suites/preferences",
            axum::routing::patch(check_suites::preferences),
        )
        .route("/check-suites/{id}", get(checks::get_suite))
        .route("/check-suites/{id}/check-runs", get(check_suites::runs))
        .route(
            "/check-suites/{id}/rerequest",
            post(check_suites::rerequest),
        )
        .route("/git/blobs", post(gitdata::create_blob))
        .route("/git/blobs/{sha}", get(gitdata::get_blob))
        .route("/git/trees", post(gitdata::create_tree))
        .route("/git/trees/{sha}", get(gitdata::get_tree))
        .route("/git/commits", post(gitdata::create_commit))
        .route("/git/commits/{sha}", get(gitdata::get_commit))
        .route("/git/tags", post(gitdata::create_tag))
        .route("/git/tags/{sha}", get(gitdata::get_tag))
        .route(
            "/git/refs",
            get(gitdata::list_refs).post(gitdata::create_ref),
        )
        .route(
            "/git/refs/{*ref}",
            get(gitdata::get_refs)
                .patch(gitdata::update_ref)
                .delete(gitdata::delete_ref),
        )
        .route("/git/ref/{*ref}", get(gitdata::get_ref))
        .route("/git/matching-refs/{*ref}", get(gitdata::matching_refs))
        .route("/issues", get(issues::list).post(issue_writes::create))
        .route("/issues/comments", get(comments::list_repo))
        .route(
            "/issues/comments/{id}",
            get(comments::get)
                .patch(comments::update)
                .delete(comments::delete),
        )
        .route(
            "/issues/{number}",
            get(issues::get).patch(issue_writes::update),
        )
        .route(
            "/issues/{number}/lock",
            put(triage::lock).delete(triage::unlock),
        )
        .route(
            "/issues/{number}/comments",
            get(comments::list).post(comments::create),
        )
        .route(
            "/issues/{number}/labels",
            get(labels::list_on_issue)
                .post(labels::add_to_issue)
                .put(labels::add_to_issue)
                .delete(labels::clear_on_issue),
        )
        .route(
            "/issues/{number}/labels/{name}",
            axum::routing::delete(labels::remove_from_issue),
        )
        .route(
            "/issues/{number}/assignees",
            post(triage::change_assignees).delete(triage::change_assignees),
        )
        .nest("/issues/{number}", issue_link_routes())
        .merge(activity::routes())
        .route("/assignees", get(triage::list_assignable))
        .route("/releases", get(releases::list).post(releases::create))
        .route("/releases/latest", get(releases::latest))
        .route("/releases/tags/{tag}", get(releases::by_tag))
        .route(
            "/releases/{id}",
            get(releases::get)
                .patch(releases::update)
                .delete(releases::delete),
        )
        .route(
            "/releases/{id}/assets",
            get(assets::list).post(assets::upload),
        )
        .route(
            "/releases/assets/{id}",
            get(assets::get)
                .patch(assets::update)
                .delete(assets::delete),
        )
        .route("/assignees/{user}", get(triage::check_assignable))
        .route("/labels", get(labels::list).post(labels::create))
        .route(
            "/labels/{name}",
            get(labels::get)
                .patch(labels::update)
                .delete(labels::delete),
        )
        .route(
            "/milestones",
            get(labels::list_milestones).post(labels::create_milestone),
        )
        .route(
            "/milestones/{number}",
            get(labels::get_milestone)
                .patch(labels::update_milestone)
                .delete(labels::delete_milestone),
        )
        .route("/pulls", get(pulls::list).post(pulls::create))
        .route("/pulls/{number}", get(pulls::get).patch(pulls::update))
        .route(
            "/pulls/{number}/merge",
            get(pulls::is_merged).put(merges::merge_pull),
        )
        .route("/pulls/{number}/update-branch", put(merges::update_branch))
        .route("/pulls/{number}/files", get(pulls::files))
        .route("/pulls/{number}/commits", get(pulls::commits))
        .route(
            "/pulls/{number}/requested_reviewers",
            get(reviews::requested)
                .post(reviews::request)
                .delete(reviews::unrequest),
        )
        .route(
            "/pulls/{number}/reviews",
            get(reviews::list).post(reviews::create),
        )
        .route(
            "/pulls/{number}/reviews/{id}",
            get(reviews::get)
                .put(reviews::update)
                .delete(reviews::delete),
        )
        .route(
            "/pulls/{number}/reviews/{id}/comments",
            get(reviews::comments),
        )
        .route("/pulls/{number}/reviews/{id}/events", post(reviews::submit))
        .route(
            "/pulls/{number}/reviews/{id}/dismissals",
            put(reviews::dismiss),
        )
        .route(
            "/pulls/{number}/comments",
            get(review_comments::list).post(review_comments::create),
        )
        .route(
            "/pulls/{number}/comments/{id}/replies",
            post(review_comments::reply),
        )
        .route("/pulls/comments", get(review_comments::list_repo))
        .route(
            "/pulls/comments/{id}",
            get(review_comments::get)
                .patch(review_comments::update)
                .delete(review_comments::delete),
        )
        .route(
            "/deployments",
            get(deployments::list).post(deployments::create),
        )
        .route(
            "/deployments/{id}",
            get(deployments::get).delete(deployments::delete),
        )
        .route(
            "/deployments/{id}/statuses",
            get(deployments::list_statuses).post(deployments::create_status),
        )
        .route(
            "/deployments/{id}/statuses/{status_id}",
            get(deployments::get_status),
        )
        .route("/environments", get(deployments::environments))
        .route(
            "/environments/{environment}",
            get(deployments::environment)
                .put(deployments::put_environment)
                .delete(deployments::delete_environment),
        )
        .route("/dispatches", post(dispatches::create))
        .route("/actions/workflows", get(actions::list_workflows))
        .route("/actions/workflows/{id}", get(actions::get_workflow))
        .route(
            "/actions/workflows/{id}/dispatches",
            post(actions::dispatch),
        )
        .route(
            "/actions/workflows/{id}/runs",
            get(actions::list_workflow_runs),
        )
        .route("/actions/runs", get(actions::list_runs))
        .route(
            "/actions/runs/{id}",
            get(actions::get_run).delete(actions::delete_run),
        )
        .route("/actions/runs/{id}/jobs", get(actions::run_jobs))
        .route(
            "/actions/runs/{id}/attempts/{attempt}",
            get(actions::get_attempt),
        )
        .route(
            "/actions/runs/{id}/attempts/{attempt}/jobs",
            get(actions::attempt_jobs),
        )
        .route("/actions/jobs/{id}", get(actions::get_job))
        .route("/actions/artifacts", get(artifacts::list))
        .route(
            "/actions/artifacts/{id}",
            get(artifacts::get).delete(artifacts::delete),
        )
        .route("/actions/runs/{id}/artifacts", get(artifacts::list_for_run))
        .route("/actions/runs/{id}/cancel", post(actions::cancel))
        .route("/actions/runs/{id}/rerun", post(actions::rerun))
        .nest("/actions", repository_secret_routes())
        .nest(
            "/environments/{environment}",
            secret_routes::<{ secrets::ENVIRONMENT }>(),
        )
        .route("/rulesets", get(rulesets::list).post(rulesets::create))
        .route(
            "/rulesets/{id}",
            get(rulesets::get)
                .put(rulesets::update)
                .delete(rulesets::delete),
        )
        .route("/rules/branches/{*branch}", get(rulesets::for_branch))
        .route("/hooks", get(hooks::list).post(hooks::create))
        .route(
            "/hooks/{id}",
            get(hooks::get).patch(hooks::update).delete(hooks::delete),
        )
        .route(
            "/hooks/{id}/config",
            get(hook_config::get).patch(hook_config::update),
        )
        .route("/hooks/{id}/pings", post(hooks::pings))
        .route("/hooks/{id}/tests", post(hook_tests::test))
        .route("/hooks/{id}/deliveries", get(hooks::deliveries))
        .route(
            "/hooks/{id}/deliveries/{delivery}",
            get(hooks::get_delivery),
        )
        .route(
            "/hooks/{id}/deliveries/{delivery}/attempts",
            post(hooks::redeliver),
        )
}

/// The secrets and variables of a repository (below `…/actions`), with the organization's it
/// may use.
fn repository_secret_routes() -> Router<Kit> {
    use secrets::*;
    secret_routes::<REPOSITORY>()
        .route("/organization-secrets", get(organization_secrets))
        .route("/organization-variables", get(organization_variables))
}

/// The secrets and variables of an organization (below `/orgs/{org}/actions`), with the
/// repositories selected to use each.
fn organization_secret_routes() -> Router<Kit> {
    use secrets::*;
    secret_routes::<ORGANIZATION>()
        .merge(selection_routes::<SECRETS>("secrets"))
        .merge(selection_routes::<VARIABLES>("variables"))
}

/// The repositories selected to use an organization's secrets or variables (`KIND`, below
/// `/{kind}`).
fn selection_routes<const KIND: bool>(kind: &str) -> Router<Kit> {
    use secrets::*;
    Router::new()
        .route(
            &format!("/{kind}/{{name}}/repositories"),
            get(list_repositories::<KIND>).put(set_repositories::<KIND>),
        )
        .route(
            &format!("/{kind}/{{name}}/repositories/{{repository_id}}"),
            put(add_repository::<KIND>).delete(remove_repository::<KIND>),
        )
}

/// The secrets and variables of a repository (below `…/actions`), of one of its
/// environments (below `…/environments/{environment}`) or of an organization, as `AT` says
/// ([`secrets::REPOSITORY`], [`secrets::ENVIRONMENT`], [`secrets::ORGANIZATION`]).
fn secret_routes<const AT: u8>() -> Router<Kit> {
    use secrets::*;
    Router::new()
        .route("/secrets", get(list_secrets::<AT>))
        .route("/secrets/public-key", get(public_key::<AT>))
        .route(
            "/secrets/{name}",
            get(get_secret::<AT>)
                .put(put_secret::<AT>)
                .delete(delete_secret::<AT>),
        )
        .route(
            "/variables",
            get(list_variables::<AT>).post(create_variable::<AT>),
        )
        .route(
            "/variables/{name}",
            get(get_variable::<AT>)
                .patch(update_variable::<AT>)
                .delete(delete_variable::<AT>),
        )
}
