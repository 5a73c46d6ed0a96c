//! [`Scope`]: what every `/repos/{owner}/{repo}/…` handler starts from (the kit, the caller
//! and the path). `Scope::open`, which resolves the repository for the caller, lives with
//! the repository model in `repos`.

use asym_kit::Kit;
use asym_kit::deadpool_postgres::Transaction;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, ApiResult};
use crate::viewer::{Caller, Viewer};

/// A repository route's request: `path` holds the route's own parameters after
/// `{owner}/{repo}` (`()`, one `String`, or a pair).
pub(crate) struct Scope<P = ()> {
    /// The clone's services.
    pub(crate) kit: Kit,
    /// The caller, if authenticated.
    pub(crate) viewer: Option<Viewer>,
    /// `{owner}`.
    pub(crate) owner: String,
    /// `{repo}`.
    pub(crate) name: String,
    /// The parameters after `{owner}/{repo}`.
    pub(crate) path: P,
}

impl<P> Scope<P> {
    /// The clone's public URL, which every rendered `url` starts with.
    pub(crate) fn base(&self) -> &str {
        &self.kit.config().public_url
    }

    /// The caller's user id (none when anonymous).
    pub(crate) fn viewer_id(&self) -> Option<i64> {
        self.viewer.as_ref().map(|v| v.user_id)
    }

    /// Commits a write's transaction, then wakes the outbox when the write enqueued
    /// deliveries (`woke`, from [`crate::hooks::emit`]).
    pub(crate) async fn commit(&self, tx: Transaction<'_>, woke: bool) -> ApiResult<()> {
        tx.commit().await?;
        if woke {
            self.kit.wake_outbox();
        }
        Ok(())
    }
}

/// The route parameters a [`Scope`] carries after `{owner}/{repo}`.
pub(crate) trait Params: Sized {
    /// These parameters from the rest of the path, `None` when their number differs.
    fn from_rest(rest: Vec<String>) -> Option<Self>;
}

impl Params for () {
    fn from_rest(rest: Vec<String>) -> Option<Self> {
        rest.is_empty().then_some(())
    }
}

impl Params for String {
    fn from_rest(rest: Vec<String>) -> Option<Self> {
        let [one] = <[String; 1]>::try_from(rest).ok()?;
        Some(one)
    }
}

impl Params for (String, String) {
    fn from_rest(rest: Vec<String>) -> Option<Self> {
        let [first, second] = <[String; 2]>::try_from(rest).ok()?;
        Some((first, second))
    }
}

impl<P: Params> FromRequestParts<Kit> for Scope<P> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, kit: &Kit) -> Result<Self, Response> {
        let Path(params) = Path::<Vec<String>>::from_request_parts(parts, kit)
            .await
            .map_err(IntoResponse::into_response)?;
        let mut params = params.into_iter();
        let (Some(owner), Some(name)) = (params.next(), params.next()) else {
            return Err(ApiError::not_found().into_response());
        };
        let path =
            P::from_rest(params.collect()).ok_or_else(|| ApiError::not_found().into_response())?;
        let Caller(viewer) = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default();
        Ok(Self {
            kit: kit.clone(),
            viewer,
            owner,
            name,
            path,
        })
    }
}
