//! Code scanning: SARIF uploads (`POST …/code-scanning/sarifs`, processed as they are received:
//! the clone has no queue) and their status (`GET …/code-scanning/sarifs/{sarif_id}`); the
//! analyses each upload makes, one for each run of its SARIF, and the alerts of their results.

mod alerts;
mod analyses;
mod findings;
mod inflate;
mod sarif;

use asym_kit::Kit;
use axum::Router;
use axum::http::StatusCode;
use axum::routing::{get, post};
use base64::Engine;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::repos::{Access, Repo};
use crate::req::{self, Body};
use crate::scope::Scope;
use crate::viewer::Viewer;
use crate::{db, git, objects};
use inflate::Gunzip;

/// The code scanning routes below `/repos/{owner}/{repo}`.
pub(crate) fn routes() -> Router<Kit> {
    let analysis = get(analyses::get).delete(analyses::delete);
    let alert = get(alerts::get).patch(alerts::update);
    let instances = get(alerts::instances);
    Router::new()
        .route("/code-scanning/sarifs", post(upload))
        .route("/code-scanning/sarifs/{sarif_id}", get(status))
        .route("/code-scanning/analyses", get(analyses::list))
        .route("/code-scanning/analyses/{analysis_id}", analysis)
        .route("/code-scanning/alerts", get(alerts::list))
        .route("/code-scanning/alerts/{alert_number}", alert)
        .route("/code-scanning/alerts/{alert_number}/instances", instances)
}

/// The most a SARIF may inflate to (the clone's bound; GitHub documents 10 MB compressed).
const MAX_SARIF: usize = 32 << 20;

/// `{repo}/code-scanning` below the clone's base: what every code scanning URL starts with.
fn root(scope: &Scope<impl Sized>, repo: &Repo) -> String {
    format!("{}/code-scanning", repo.url(scope.base()))
}

/// A body field that must match `valid`: 422 in the clone's wording otherwise (GitHub checks
/// it against the description's pattern, `shown`).
fn matching<'a>(
    body: &'a Body,
    key: &str,
    shown: &str,
    valid: impl Fn(&str) -> bool,
) -> ApiResult<&'a str> {
    let value = body.required(key, "CodeScanningSarif")?;
    if valid(value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(format!(
            "Invalid request.\n\nInvalid property /{key}: `{value}` does not match {shown}."
        )))
    }
}

/// `POST /repos/{owner}/{repo}/code-scanning/sarifs` (`commit_sha`, `ref`, `sarif` (gzip then
/// base64), `tool_name`, `checkout_uri`, `started_at`, `validate`; write access): 202 `{id,
/// url}`. The upload is processed before the answer: a SARIF the clone cannot read is a
/// `failed` upload with its `errors`, not a refusal. 422 for a missing field, a `commit_sha`
/// or `ref` that is not one (`refs/heads/…`, `refs/tags/…`, `refs/pull/…`); 404 `commit not
/// found` for a sha of no commit here; 400 for a `sarif` that is not base64 of gzip, 413 for
/// one that inflates past 32 MiB.
pub(crate) async fn upload(scope: Scope, _signed_in: Viewer, body: Body) -> ApiResult {
    const SARIF: &str =
        "INSERT INTO code_scanning_sarifs (id, repo_id, errors) VALUES ($1, $2, $3::text::jsonb)";
    const ANALYSIS: &str = "INSERT INTO code_scanning_analyses (repo_id, sarif_id, ref, commit_sha,
                                analysis_key, category, tool_name, tool_version, tool_guid,
                                results_count, rules_count)
                            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
    let sha = matching(
        &body,
        "commit_sha",
        "the pattern `^([0-9a-fA-F]{40}(?:[0-9a-fA-F]{24})?)$`",
        |s| matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit()),
    )?;
    let reference = matching(
        &body,
        "ref",
        "the pattern `^refs/(heads|tags|pull)/.*$`",
        |s| {
            ["refs/heads/", "refs/tags/", "refs/pull/"]
                .iter()
                .any(|p| s.starts_with(p))
        },
    )?;
    let encoded = body.required("sarif", "CodeScanningSarif")?;
    let tool_name = body.str("tool_name")?.unwrap_or("API").to_owned();
    for key in ["checkout_uri", "started_at"] {
        body.str(key)?;
    }
    body.bool("validate")?;
    let (mut client, repo) = scope.open().await?;
    repo.require(Access::Write)?;
    let sha = sha.to_ascii_lowercase();
    if !git::is_sha(&sha) || objects::commit(&client, repo.id, &sha).await?.is_none() {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "commit not found"));
    }
    let text = decode(encoded)?;
    let id = asym_kit::token::random_uuid();
    let (runs, errors) = match sarif::runs(&text, &tool_name) {
        Ok(runs) => (runs, None),
        Err(message) => (Vec::new(), Some(json!([message]).to_string())),
    };
    let tx = client.transaction().await?;
    db::execute(&tx, SARIF, &[&id, &repo.id, &errors]).await?;
    for run in &runs {
        let analysis: i64 = db::value(
            &tx,
            ANALYSIS,
            &[
                &repo.id,
                &id,
                &reference,
                &sha,
                &run.category,
                &run.category,
                &run.tool,
                &run.version,
                &run.guid,
                &run.counts.0,
                &run.counts.1,
            ],
        )
        .await?;
        let seen = alerts::Seen {
            analysis,
            reference,
            sha: &sha,
            tool: &run.tool,
            version: run.version.as_deref(),
            guid: run.guid.as_deref(),
            category: &run.category,
        };
        alerts::record(&tx, repo.id, &seen, &run.findings).await?;
    }
    tx.commit().await?;
    let url = format!("{}/sarifs/{id}", root(&scope, &repo));
    Ok(req::json_text(
        StatusCode::ACCEPTED,
        json!({ "id": id, "url": url }).to_string(),
    ))
}

/// The SARIF text `encoded` holds (base64 of gzip): 400 when it is not that, 413 when it
/// inflates past [`MAX_SARIF`] (the clone's wordings).
fn decode(encoded: &str) -> ApiResult<String> {
    let invalid = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "Invalid sarif: the sarif field must be a gzip-compressed SARIF file encoded as Base64.",
        )
    };
    let gzip = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| invalid())?;
    let bytes = inflate::gunzip(&gzip, MAX_SARIF).map_err(|error| match error {
        Gunzip::Corrupt => invalid(),
        Gunzip::TooLarge => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The sarif field is too large once decompressed.",
        ),
    })?;
    String::from_utf8(bytes).map_err(|_| invalid())
}

/// `GET /repos/{owner}/{repo}/code-scanning/sarifs/{sarif_id}`: `{processing_status:
/// "complete", analyses_url, errors: null}`, or `failed` with the `errors` and no
/// `analyses_url`; 404 for an id of no upload here.
pub(crate) async fn status(scope: Scope<String>, _signed_in: Viewer) -> ApiResult {
    const SQL: &str =
        "SELECT errors::text FROM code_scanning_sarifs WHERE id = $1 AND repo_id = $2";
    let (client, repo) = scope.open().await?;
    let row = db::found(&client, SQL, &[&scope.path, &repo.id]).await?;
    let errors: Option<String> = row.get(0);
    let answer = match errors {
        None => json!({
            "processing_status": "complete",
            "analyses_url": format!("{}/analyses?sarif_id={}", root(&scope, &repo), scope.path),
            "errors": null,
        }),
        Some(errors) => json!({
            "processing_status": "failed",
            "analyses_url": null,
            "errors": serde_json::from_str::<serde_json::Value>(&errors).unwrap_or_default(),
        }),
    };
    Ok(req::ok(answer.to_string()))
}
