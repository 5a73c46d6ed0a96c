//! The small unauthenticated routes: `GET /`, `/zen`, `/octocat`, `/meta`, and the
//! provisioning route the engine calls.

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use asym_kit::token;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::grant::{self, Grant};
use crate::jwt;

/// GitHub's zen sayings (`GET /zen` answers one, pings carry the first).
pub(crate) const ZEN: [&str; 8] = [
    "Keep it logically awesome.",
    "Design for failure.",
    "Favor focus over features.",
    "Approachable is better than simple.",
    "Mind your words, they are important.",
    "Speak like a human.",
    "Half measures are as bad as nothing at all.",
    "Anything added dilutes everything else.",
];

/// The seeded owner (token `token`), second user (`reviewer`) and the app's bot user
/// (`app`): the ids the fixtures use.
pub(crate) const OWNER_ID: &str = "1";
/// The second seeded user.
pub(crate) const REVIEWER_ID: &str = "2";
/// The seeded GitHub App's bot user.
pub(crate) const APP_BOT_ID: &str = "200";

/// The seeded app (`acme-bot`) and its installation on `acme`, as the fixtures number them.
const APP_ID: i64 = 1;
/// The seeded app's installation.
const INSTALLATION_ID: &str = "1";

/// `POST /api/admin/provision`: `token` and `reviewer` (`ghp_…` classic tokens), `app`
/// (a `ghs_…` installation token of the seeded app on the org, holding the app's permissions
/// as `gh_app_permissions()` has them), and what the app
/// authenticates as itself with: `appId`, `appClientId` (`Iv23…`), `appPrivateKey` (a fresh
/// RSA key pair's private half, PKCS#1 PEM as GitHub's download is; only the public half is
/// kept) and `appInstallationId`.
pub(crate) async fn provision(State(kit): State<Kit>, body: Bytes) -> Response {
    let keys = match tokio::task::spawn_blocking(jwt::generate).await {
        Ok(Ok(keys)) => keys,
        Ok(Err(reason)) => {
            return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, reason).into_response();
        }
        Err(err) => {
            return ApiError::new(StatusCode::SERVICE_UNAVAILABLE, err.to_string()).into_response();
        }
    };
    let client_id = format!("Iv23li{}", token::random_alnum(14));
    credentials::provision_with(&kit, &body, credentials::CREDENTIALS, async |tx| {
        credentials::revoke_provisioned(tx).await?;
        let app = Grant {
            permissions: grant::app_permissions(tx).await?,
            ..Grant::default()
        };
        let mut tokens = Map::new();
        for minted in mints(&app) {
            credentials::store(tx, &minted, true).await?;
            tokens.insert(minted.name, Value::String(minted.token));
        }
        tx.execute(
            "INSERT INTO app_keys (app_id, client_id, public_key) VALUES ($1, $2, $3)
             ON CONFLICT (app_id) DO UPDATE SET client_id = $2, public_key = $3",
            &[&APP_ID, &client_id, &keys.public_pem],
        )
        .await?;
        for (name, value) in [
            ("appId", APP_ID.to_string()),
            ("appClientId", client_id.clone()),
            ("appPrivateKey", keys.private_pem.clone()),
            ("appInstallationId", INSTALLATION_ID.to_owned()),
        ] {
            tokens.insert(name.to_owned(), Value::String(value));
        }
        Ok(tokens)
    })
    .await
}

/// The tokens provisioning mints, the `app` token with `app`'s grant.
fn mints(app: &Grant) -> Vec<Mint> {
    vec![
        Mint::new("token", token::mint("ghp_"))
            .subject(OWNER_ID)
            .kind("pat")
            .scopes([
                "admin:org",
                "admin:repo_hook",
                "delete_repo",
                "gist",
                "notifications",
                "repo",
                "user",
                "workflow",
            ]),
        Mint::new("reviewer", token::mint("ghp_"))
            .subject(REVIEWER_ID)
            .kind("pat")
            .scopes(["read:org", "repo"]),
        Mint::new("app", token::mint("ghs_"))
            .subject(APP_BOT_ID)
            .kind("installation")
            .scopes(app.scopes()),
    ]
}

/// The URL templates GitHub lists at its root, as (field, path after the base URL).
const ROOT_URLS: &[(&str, &str)] = &[
    ("current_user_url", "/user"),
    (
        "current_user_authorizations_html_url",
        "/settings/connections/applications{/client_id}",
    ),
    ("authorizations_url", "/authorizations"),
    (
        "code_search_url",
        "/search/code?q={query}{&page,per_page,sort,order}",
    ),
    (
        "commit_search_url",
        "/search/commits?q={query}{&page,per_page,sort,order}",
    ),
    ("emails_url", "/user/emails"),
    ("emojis_url", "/emojis"),
    ("events_url", "/events"),
    ("feeds_url", "/feeds"),
    ("followers_url", "/user/followers"),
    ("following_url", "/user/following{/target}"),
    ("gists_url", "/gists{/gist_id}"),
    ("hub_url", "/hub"),
    (
        "issue_search_url",
        "/search/issues?q={query}{&page,per_page,sort,order}",
    ),
    ("issues_url", "/issues"),
    ("keys_url", "/user/keys"),
    (
        "label_search_url",
        "/search/labels?q={query}&repository_id={repository_id}{&page,per_page}",
    ),
    ("notifications_url", "/notifications"),
    ("organization_url", "/orgs/{org}"),
    (
        "organization_repositories_url",
        "/orgs/{org}/repos{?type,page,per_page,sort}",
    ),
    ("organization_teams_url", "/orgs/{org}/teams"),
    ("public_gists_url", "/gists/public"),
    ("rate_limit_url", "/rate_limit"),
    ("repository_url", "/repos/{owner}/{repo}"),
    (
        "repository_search_url",
        "/search/repositories?q={query}{&page,per_page,sort,order}",
    ),
    (
        "current_user_repositories_url",
        "/user/repos{?type,page,per_page,sort}",
    ),
    ("starred_url", "/user/starred{/owner}{/repo}"),
    ("starred_gists_url", "/gists/starred"),
    (
        "topic_search_url",
        "/search/topics?q={query}{&page,per_page}",
    ),
    ("user_url", "/users/{user}"),
    ("user_organizations_url", "/user/orgs"),
    (
        "user_repositories_url",
        "/users/{user}/repos{?type,page,per_page,sort}",
    ),
    (
        "user_search_url",
        "/search/users?q={query}{&page,per_page,sort,order}",
    ),
];

/// `GET /`: the URL templates GitHub lists at its root.
pub(crate) async fn root(State(kit): State<Kit>) -> Response {
    let b = &kit.config().public_url;
    let urls: serde_json::Map<String, Value> = ROOT_URLS
        .iter()
        .map(|(field, path)| ((*field).to_owned(), Value::String(format!("{b}{path}"))))
        .collect();
    axum::Json(urls).into_response()
}

/// `GET /zen`: one saying, as text.
pub(crate) async fn zen() -> Response {
    let index = usize::try_from(crate::time::now()).unwrap_or(0) % ZEN.len();
    ([(CONTENT_TYPE, "text/plain;charset=utf-8")], ZEN[index]).into_response()
}

/// `GET /octocat` (`?s=` sets the speech bubble).
pub(crate) async fn octocat(axum::extract::RawQuery(raw): axum::extract::RawQuery) -> Response {
    let query = crate::req::Query::parse(raw.as_deref());
    let says = query.get("s").unwrap_or(ZEN[0]);
    let art = format!(
        "\n               MMM.           .MMM\n               MMMMMMMMMMMMMMMMMMM\n               MMMMMMMMMMMMMMMMMMM      {bar}\n              MMMMMMMMMMMMMMMMMMMMM    | {says} |\n             MMMMMMMMMMMMMMMMMMMMMMM   |_{line}_|\n            MMMM::- -:::::::- -::MMMM    |/\n             MM~:~ 00~:::::~ 00~:~MM\n        .. MMMMM::.00:::+:::.00::MMMMM ..\n              .MM::::: ._. :::::MM.\n                 MMMM;:::::;MMMM\n          -MM        MMMMMMM\n          ^  M+     MMMMMMMMM\n              MMMMMMM MM MM MM\n                   MM MM MM MM\n                   MM MM MM MM\n                .~~MM~MM~MM~MM~~.\n             ~~~~MM:~MM~~~MM~:MM~~~~\n            ~~~~~~==~==~~~==~==~~~~~~\n             ~~~~~~==~==~==~==~~~~~~\n                 :~==~==~==~==~~\n",
        bar = "_".repeat(says.chars().count() + 2),
        line = "_".repeat(says.chars().count()),
    );
    ([(CONTENT_TYPE, "application/octocat-stream")], art).into_response()
}

/// `GET /meta`.
pub(crate) async fn meta() -> Response {
    axum::Json(json!({
        "verifiable_password_authentication": false,
        "ssh_key_fingerprints": {},
        "ssh_keys": [],
        "hooks": ["127.0.0.1/32"],
        "web": ["127.0.0.1/32"],
        "api": ["127.0.0.1/32"],
        "git": ["127.0.0.1/32"],
        "packages": [],
        "pages": [],
        "importer": [],
        "actions": [],
        "dependabot": [],
        "domains": { "website": [], "codespaces": [], "copilot": [], "packages": [] },
    }))
    .into_response()
}

/// Any route the clone does not serve: GitHub's 404.
pub(crate) async fn not_found() -> ApiError {
    ApiError::not_found()
}
