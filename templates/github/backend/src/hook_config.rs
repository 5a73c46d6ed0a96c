//! A repository webhook's configuration on its own (`GET`/`PATCH …/hooks/{id}/config`): the
//! `config` object of the hook (`url`, `content_type`, `secret` shown as `********`,
//! `insecure_ssl`), read and written as `hooks` reads and writes it.

use axum::response::IntoResponse;
use serde_json::{Map, Value};

use crate::error::ApiResult;
use crate::hooks::{admin_repo, apply, one, render, settings};
use crate::req::Body;
use crate::scope::Scope;
use crate::viewer::Viewer;

/// `GET /repos/{owner}/{repo}/hooks/{hook_id}/config`.
pub(crate) async fn get(scope: Scope<String>, viewer: Viewer) -> ApiResult {
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let hook = one(&client, scope.base(), &repo, &scope.path).await?;
    Ok(axum::Json(&hook["config"]).into_response())
}

/// `PATCH /repos/{owner}/{repo}/hooks/{hook_id}/config` (`url`, `content_type`, `secret`,
/// `insecure_ssl`, each checked as a hook update's `config` is): the configuration.
pub(crate) async fn update(scope: Scope<String>, viewer: Viewer, body: Body) -> ApiResult {
    let config = Body(Map::from_iter([(
        "config".to_owned(),
        Value::Object(body.0),
    )]));
    let settings = settings(&config)?;
    let (client, repo) = admin_repo(&scope, &viewer).await?;
    let base = scope.base();
    let row = apply(&client, base, &repo, &scope.path, &settings, (&[], &[])).await?;
    Ok(axum::Json(&render(base, &repo, &row)["config"]).into_response())
}
