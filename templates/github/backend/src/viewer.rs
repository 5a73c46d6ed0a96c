//! The authenticated caller and what it may do.

use asym_kit::credentials::Principal;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::error::ApiError;

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Viewer {
    /// The acting user (an app's bot user for installation tokens).
    pub(crate) user_id: i64,
    /// Whether this is a GitHub App installation token (`ghs_`).
    pub(crate) installation: bool,
    /// Classic token scopes (empty for installation tokens).
    pub(crate) scopes: Vec<String>,
}

impl Viewer {
    pub(crate) fn from_principal(principal: &Principal) -> Option<Self> {
        Some(Self {
            user_id: principal.subject.parse().ok()?,
            installation: principal.kind == "installation",
            scopes: principal.scopes.clone(),
        })
    }

    /// Fails with 403 unless a classic token carries `scope` (or one of `alternatives`);
    /// installation tokens pass (their permissions are the app's).
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
