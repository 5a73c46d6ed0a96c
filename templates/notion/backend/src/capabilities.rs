//! Integration capabilities: what the integration may do (read, update and insert content;
//! read and insert comments) and how much it may learn of users (nothing, everything but
//! email addresses, everything), as Notion's integration settings hold them.
//!
//! They are the scopes of the integration's credential in `asym_credentials` (read with the
//! token on every request, at no extra cost), so they are data of the clone's database: a
//! seed may set them, a reset puts back the baseline's, reprovisioning keeps them. Each API
//! route needs at most one capability ([`ROUTES`]); [`crate::request::Ctx`] checks it once
//! per request, before the handler runs, and answers 403 `restricted_resource` without it.
//! `GET/PUT /api/admin/capabilities` read and change them.

use asym_kit::Kit;
use asym_kit::credentials::{self, Mint};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult};
use crate::workspace::BOT_ID;

/// One capability, as stored among the credential's scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capability {
    /// Read content: retrieve and list pages, blocks, databases and data sources; query; search.
    ReadContent,
    /// Update content: change, trash, restore or move what exists.
    UpdateContent,
    /// Insert content: create pages, databases and data sources; append blocks.
    InsertContent,
    /// Read comments.
    ReadComments,
    /// Insert comments.
    InsertComments,
    /// User information without email addresses (list and retrieve users).
    UserInformation,
    /// User information with email addresses (implies [`Self::UserInformation`]).
    UserEmail,
}

impl Capability {
    /// The scope naming it.
    const fn scope(self) -> &'static str {
        match self {
            Self::ReadContent => "read_content",
            Self::UpdateContent => "update_content",
            Self::InsertContent => "insert_content",
            Self::ReadComments => "read_comments",
            Self::InsertComments => "insert_comments",
            Self::UserInformation => "user_information_without_email",
            Self::UserEmail => "user_information_with_email",
        }
    }
}

/// The on/off capabilities, in the order the admin surface answers them.
const SWITCHES: [Capability; 5] = [
    Capability::ReadContent,
    Capability::UpdateContent,
    Capability::InsertContent,
    Capability::ReadComments,
    Capability::InsertComments,
];

/// What a new integration holds: everything, user information with email addresses.
pub(crate) const DEFAULT: [&str; 6] = [
    "read_content",
    "update_content",
    "insert_content",
    "read_comments",
    "insert_comments",
    "user_information_with_email",
];

/// The capability each API route needs, by `METHOD /path` pattern (`{…}` stands for one
/// path segment; the first pattern that matches decides). `GET /v1/users/me` needs none,
/// as in Notion.
const ROUTES: [(Option<Capability>, &[&str]); 7] = [
    (None, &["GET /v1/users/me", "GET /v1/async_tasks/{id}"]),
    (
        Some(Capability::UserInformation),
        &["GET /v1/users", "GET /v1/users/{id}"],
    ),
    (
        Some(Capability::ReadContent),
        &[
            "POST /v1/search",
            "POST /v1/blocks/meeting_notes/query",
            "GET /v1/pages/{id}",
            "GET /v1/pages/{id}/properties/{property}",
            "GET /v1/pages/{id}/markdown",
            "GET /v1/blocks/{id}",
            "GET /v1/blocks/{id}/children",
            "GET /v1/databases/{id}",
            "POST /v1/databases/{id}/query",
            "GET /v1/data_sources/{id}",
            "POST /v1/data_sources/{id}/query",
            "GET /v1/data_sources/{id}/templates",
            "GET /v1/custom_emojis",
            "GET /v1/file_uploads",
            "GET /v1/file_uploads/{id}",
            "GET /v1/views",
            "GET /v1/views/{id}",
            "POST /v1/views/{id}/queries",
            "GET /v1/views/{id}/queries/{query_id}",
            "DELETE /v1/views/{id}/queries/{query_id}",
        ],
    ),
    (
        Some(Capability::InsertContent),
        &[
            "POST /v1/pages",
            "PATCH /v1/blocks/{id}/children",
            "POST /v1/databases",
            "POST /v1/data_sources",
            "POST /v1/file_uploads",
            "POST /v1/file_uploads/{id}/send",
            "POST /v1/file_uploads/{id}/complete",
            "POST /v1/views",
        ],
    ),
    (
        Some(Capability::UpdateContent),
        &[
            "PATCH /v1/pages/{id}",
            "PATCH /v1/pages/{id}/markdown",
            "POST /v1/pages/{id}/move",
            "PATCH /v1/blocks/{id}",
            "DELETE /v1/blocks/{id}",
            "PATCH /v1/databases/{id}",
            "PATCH /v1/data_sources/{id}",
            "PATCH /v1/views/{id}",
            "DELETE /v1/views/{id}",
        ],
    ),
    (
        Some(Capability::ReadComments),
        &["GET /v1/comments", "GET /v1/comments/{id}"],
    ),
    (
        Some(Capability::InsertComments),
        &[
            "POST /v1/comments",
            "PATCH /v1/comments/{id}",
            "DELETE /v1/comments/{id}",
        ],
    ),
];

/// Whether a request for `path` under `method` is one the route `METHOD /pattern` stands
/// for.
fn matches(route: &str, method: &str, path: &str) -> bool {
    let Some((wanted, pattern)) = route.split_once(' ') else {
        return false;
    };
    let mut given = path.split('/');
    wanted == method
        && pattern.split('/').all(|part| {
            given.next().is_some_and(|segment| {
                segment == part || (part.starts_with('{') && !segment.is_empty())
            })
        })
        && given.next().is_none()
}

/// The capabilities a request's credential holds (its scopes).
#[derive(Debug, Clone, Default)]
pub(crate) struct Held(Vec<String>);

impl Held {
    /// The capabilities named by `scopes`.
    pub(crate) fn new(scopes: Vec<String>) -> Self {
        Self(scopes)
    }

    /// Whether `capability` is held (email addresses imply user information).
    pub(crate) fn has(&self, capability: Capability) -> bool {
        let holds = |c: Capability| self.0.iter().any(|s| s == c.scope());
        holds(capability)
            || (capability == Capability::UserInformation && holds(Capability::UserEmail))
    }

    /// Checks a request for `path` under `method` against what is held.
    ///
    /// # Errors
    ///
    /// 403 `restricted_resource` when the route needs a capability that is not held.
    pub(crate) fn allow(&self, method: &Method, path: &str) -> ApiResult<()> {
        let needed = ROUTES
            .iter()
            .find(|(_, routes)| {
                routes
                    .iter()
                    .any(|route| matches(route, method.as_str(), path))
            })
            .and_then(|(capability, _)| *capability);
        match needed {
            Some(capability) if !self.has(capability) => Err(ApiError::restricted()),
            _ => Ok(()),
        }
    }

    /// `{read_content: bool, …, user_information: "none" | "without_email" | "with_email"}`.
    fn render(&self) -> Value {
        let mut out = Map::new();
        for capability in SWITCHES {
            out.insert(capability.scope().into(), self.has(capability).into());
        }
        let users = if self.has(Capability::UserEmail) {
            "with_email"
        } else if self.has(Capability::UserInformation) {
            "without_email"
        } else {
            "none"
        };
        out.insert("user_information".into(), users.into());
        Value::Object(out)
    }

    /// These capabilities changed by `body` (any subset of [`Self::render`]'s fields).
    fn changed(&self, body: &Map<String, Value>) -> ApiResult<Self> {
        let mut on: Vec<Capability> = SWITCHES.into_iter().filter(|c| self.has(*c)).collect();
        let mut users = [Capability::UserEmail, Capability::UserInformation]
            .into_iter()
            .find(|c| self.has(*c));
        for (key, value) in body {
            if key == "user_information" {
                users = match value.as_str() {
                    Some("none") => None,
                    Some("without_email") => Some(Capability::UserInformation),
                    Some("with_email") => Some(Capability::UserEmail),
                    _ => {
                        return Err(ApiError::validation(format!(
                            "body.user_information should be `\"none\"`, `\"without_email\"` or `\"with_email\"`, instead was `{value}`."
                        )));
                    }
                };
                continue;
            }
            let capability = SWITCHES
                .into_iter()
                .find(|c| c.scope() == key)
                .ok_or_else(|| {
                    ApiError::validation(format!(
                        "body.{key} is not a capability: use read_content, update_content, insert_content, read_comments, insert_comments or user_information."
                    ))
                })?;
            let flag = value.as_bool().ok_or_else(|| {
                ApiError::validation(format!(
                    "body.{key} should be a boolean, instead was `{value}`."
                ))
            })?;
            on.retain(|c| *c != capability);
            if flag {
                on.push(capability);
            }
        }
        let scopes = SWITCHES
            .into_iter()
            .filter(|c| on.contains(c))
            .chain(users)
            .map(|c| c.scope().to_owned())
            .collect();
        Ok(Self(scopes))
    }
}

/// The live integration credential's scopes.
const READ: &str = "SELECT scopes FROM asym_credentials
     WHERE provisioned AND revoked_at IS NULL AND kind = 'integration' ORDER BY created_at DESC LIMIT 1";

/// `POST /api/admin/provision`: mints the integration token (`ntn_…`) of the bot user, with
/// every capability; reprovisioning rotates the token and keeps the capabilities.
pub(crate) async fn provision(State(kit): State<Kit>, body: Bytes) -> Response {
    credentials::provision_with(&kit, &body, credentials::CREDENTIALS, async |tx| {
        let kept: Option<Vec<String>> = tx.query_opt(READ, &[]).await?.map(|row| row.get(0));
        credentials::revoke_provisioned(tx).await?;
        let mint = Mint::new("token", asym_kit::token::mint("ntn_"))
            .subject(BOT_ID)
            .kind("integration")
            .scopes(kept.unwrap_or_else(|| DEFAULT.map(str::to_owned).to_vec()));
        credentials::store(tx, &mint, true).await?;
        let mut tokens = Map::new();
        tokens.insert(mint.name, Value::String(mint.token));
        Ok(tokens)
    })
    .await
}

/// `GET /api/admin/capabilities`: the integration's capabilities.
pub(crate) async fn get(State(kit): State<Kit>) -> Response {
    reply(current(&kit).await.map(|held| held.render()))
}

/// `PUT /api/admin/capabilities` with any of `read_content`, `update_content`,
/// `insert_content`, `read_comments`, `insert_comments` (booleans) and `user_information`
/// (`none`, `without_email`, `with_email`): those change, the rest stay; answers them all.
pub(crate) async fn put(State(kit): State<Kit>, body: Bytes) -> Response {
    let result = async {
        let body = crate::body::object(&body)?;
        let held = current(&kit).await?.changed(&body)?;
        let client = kit.db().await?;
        client
            .execute(
                "UPDATE asym_credentials SET scopes = $1
                 WHERE provisioned AND revoked_at IS NULL AND kind = 'integration'",
                &[&held.0],
            )
            .await?;
        Ok(held.render())
    }
    .await;
    reply(result)
}

/// The live integration credential's capabilities.
async fn current(kit: &Kit) -> ApiResult<Held> {
    let client = kit.db().await?;
    let row = client.query_opt(READ, &[]).await?.ok_or_else(|| {
        ApiError::conflict("The clone has no integration token yet: provision it first.")
    })?;
    Ok(Held(row.get(0)))
}

fn reply(result: ApiResult<Value>) -> Response {
    match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(err) => err.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn held(scopes: &[&str]) -> Held {
        Held::new(scopes.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn routes_need_their_capability() {
        let all = held(&DEFAULT);
        let reader = held(&["read_content", "read_comments"]);
        let page = "/v1/pages/40000000-0000-4000-8000-000000000001";
        for (method, path) in [
            (Method::GET, page),
            (
                Method::POST,
                "/v1/data_sources/30000000000040008000000000000001/query",
            ),
            (Method::GET, "/v1/comments"),
            (Method::GET, "/v1/users/me"),
            (Method::GET, "/nowhere"),
            (Method::GET, "/v1/pages/a/b/c"),
        ] {
            assert!(reader.allow(&method, path).is_ok(), "{method} {path}");
        }
        for (method, path) in [
            (Method::POST, "/v1/pages"),
            (Method::PATCH, "/v1/pages/x"),
            (Method::PATCH, "/v1/blocks/x/children"),
            (Method::DELETE, "/v1/blocks/x"),
            (Method::POST, "/v1/comments"),
            (Method::GET, "/v1/users"),
            (
                Method::GET,
                "/v1/users/a0000000-0000-4000-8000-000000000001",
            ),
        ] {
            assert_eq!(
                reader.allow(&method, path).unwrap_err().code(),
                "restricted_resource",
                "{method} {path}"
            );
            assert!(all.allow(&method, path).is_ok(), "{method} {path}");
        }
    }

    #[test]
    fn changes_keep_what_they_do_not_name() {
        let all = held(&DEFAULT);
        assert_eq!(
            all.render(),
            json!({ "read_content": true, "update_content": true, "insert_content": true,
                    "read_comments": true, "insert_comments": true, "user_information": "with_email" })
        );
        let body = json!({ "insert_content": false, "user_information": "without_email" });
        let less = all.changed(body.as_object().unwrap()).unwrap();
        assert!(!less.has(Capability::InsertContent) && less.has(Capability::UpdateContent));
        assert!(less.has(Capability::UserInformation) && !less.has(Capability::UserEmail));
        for bad in [
            json!({ "read_content": "yes" }),
            json!({ "write_content": true }),
            json!({ "user_information": "some" }),
        ] {
            assert!(all.changed(bad.as_object().unwrap()).is_err(), "{bad}");
        }
    }
}
