//! The authenticated caller and what it may do.

use asym_kit::credentials::Principal;
use axum::extract::{FromRequestParts, MatchedPath};
use axum::http::request::Parts;

use crate::error::ApiError;
use crate::grant::Grant;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// The acting user (an app's bot user for installation tokens).
    pub(crate) user_id: i64,
    /// Whether this is a GitHub App installation token (`ghs_`).
    pub(crate) installation: bool,
    /// Classic token scopes (empty for installation tokens).
    pub(crate) scopes: Vec<String>,
    /// The app a JSON web token authenticates (`None` for every GitHub token).
    pub(crate) app: Option<i64>,
    /// An installation token's limits (none for a person's token).
    pub(crate) grant: Grant,
}

impl Viewer {
    /// The caller a stored credential names; `None` for one that no longer holds (a minted
    /// installation token past its hour).
    pub(crate) fn from_principal(principal: &Principal) -> Option<Self> {
        let installation = principal.kind == "installation";
        let grant = if installation {
            Grant::from_scopes(&principal.scopes)
        } else {
            Grant::default()
        };
        if grant.expired(crate::time::now()) {
            return None;
        }
        Some(Self {
            user_id: principal.subject.parse().ok()?,
            installation,
            scopes: if installation {
                Vec::new()
            } else {
                principal.scopes.clone()
            },
            app: None,
            grant,
        })
    }

    /// An app authenticated by its JSON web token, acting through its bot user `bot_id`.
    pub(crate) fn app(app_id: i64, bot_id: i64) -> Self {
        Self {
            user_id: bot_id,
            installation: false,
            scopes: Vec::new(),
            app: Some(app_id),
            grant: Grant::default(),
        }
    }

    /// Fails with 403 unless a classic token carries `scope` (or one of `alternatives`);
    /// installation tokens pass (the middleware checked their permissions, `permissions`).
    pub(crate) fn require_scope(&self, scope: &str, alternatives: &[&str]) -> Result<(), ApiError> {
        if self.installation
            || self.scopes.iter().any(|s| s == scope)
            || alternatives
                .iter()
                .any(|alt| self.scopes.iter().any(|s| s == alt))
        {
            return Ok(());
        }
        Err(ApiError::forbidden(format!(
            "Your token has not been granted the required scopes to execute this query. The '{scope}' scope is required."
        )))
    }
}

/// The caller of a route that acts as the authenticated user (`/user`, `/user/repos`, …): a
/// person's token. An installation token is refused there with 403 `Resource not accessible
/// by integration` and the route's `documentation_url`, as GitHub answers (its description
/// marks these routes `enabledForGitHubApps: false`).
#[derive(Debug, Clone)]
pub(crate) struct Person(pub(crate) Viewer);

/// The routes [`Person`] guards, by method and routed path, with the reference page GitHub's
/// refusal names.
const USER_ONLY: [(&str, &str, &str); 12] = [
    (
        "GET",
        "/user",
        "https://docs.github.com/rest/users/users#get-the-authenticated-user",
    ),
    (
        "GET",
        "/user/orgs",
        "https://docs.github.com/rest/orgs/orgs#list-organizations-for-the-authenticated-user",
    ),
    (
        "GET",
        "/user/repos",
        "https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user",
    ),
    (
        "POST",
        "/user/repos",
        "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user",
    ),
    (
        "GET",
        "/user/starred",
        "https://docs.github.com/rest/activity/starring#list-repositories-starred-by-the-authenticated-user",
    ),
    (
        "GET",
        "/user/starred/{owner}/{repo}",
        "https://docs.github.com/rest/activity/starring#check-if-a-repository-is-starred-by-the-authenticated-user",
    ),
    (
        "PUT",
        "/user/starred/{owner}/{repo}",
        "https://docs.github.com/rest/activity/starring#star-a-repository-for-the-authenticated-user",
    ),
    (
        "DELETE",
        "/user/starred/{owner}/{repo}",
        "https://docs.github.com/rest/activity/starring#unstar-a-repository-for-the-authenticated-user",
    ),
    (
        "GET",
        "/user/teams",
        "https://docs.github.com/rest/teams/teams#list-teams-for-the-authenticated-user",
    ),
    // Not among the routes GitHub's docs list for installation tokens (github/docs'
    // `server-to-server-rest.json` lists only `/repos/…` issue routes).
    (
        "GET",
        "/issues",
        "https://docs.github.com/rest/issues/issues#list-issues-assigned-to-the-authenticated-user",
    ),
    (
        "GET",
        "/user/issues",
        "https://docs.github.com/rest/issues/issues#list-user-account-issues-assigned-to-the-authenticated-user",
    ),
    (
        "GET",
        "/orgs/{org}/issues",
        "https://docs.github.com/rest/issues/issues#list-organization-issues-assigned-to-the-authenticated-user",
    ),
];

/// The reference page of the user-only route `method` `path`, if it is one.
fn user_only(method: &str, path: &str) -> Option<&'static str> {
    USER_ONLY
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, docs)| *docs)
}

impl<S: Send + Sync> FromRequestParts<S> for Person {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let viewer = Viewer::from_request_parts(parts, state).await?;
        if viewer.installation {
            let path = parts
                .extensions
                .get::<MatchedPath>()
                .map(MatchedPath::as_str);
            let docs = user_only(parts.method.as_str(), path.unwrap_or_default());
            return Err(ApiError::integration(docs.unwrap_or(crate::error::DOCS)));
        }
        Ok(Self(viewer))
    }
}

/// The optional caller, as the middleware left it in the request.
#[derive(Debug, Clone, Default)]
pub(crate) struct Caller(pub(crate) Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Caller>()
            .and_then(|caller| caller.0.clone())
            .ok_or_else(ApiError::requires_authentication)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::user_only;

    #[test]
    fn user_only_routes_name_their_page() {
        assert_eq!(
            user_only("PUT", "/user/starred/{owner}/{repo}"),
            Some(
                "https://docs.github.com/rest/activity/starring#star-a-repository-for-the-authenticated-user"
            )
        );
        assert_eq!(user_only("GET", "/user/{account_id}"), None);
        assert_eq!(user_only("POST", "/user"), None);
    }
}
