//! Calls to a clone's admin surface (`/api/admin/…`, guarded by its admin secret): what the
//! harness's handles (`slack.admin_post(…)`) and `asym admin` send.

use std::sync::LazyLock;

use asym_contract::wire::{ADMIN_PATH, ADMIN_SECRET_HEADER};
use reqwest::Method;
use serde_json::Value;

use crate::{CloneInstance, Error, Result};

/// One client for every call of the process; loopback calls never go through a proxy.
static HTTP: LazyLock<reqwest::Client> = LazyLock::new(|| {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("a client without TLS or proxy settings builds")
});

/// `method` (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`) on `/api/admin/<path>` of `clone`, with
/// its admin `secret` and `body` as JSON (none, or `null`: no body). Answers the JSON the clone
/// returned (`null` for an empty answer).
///
/// # Errors
/// `ADMIN_REFUSED` when the clone answers a status other than 2xx (its body in the message);
/// `INTERNAL` for another method, or when the clone cannot be reached or answers something
/// other than JSON.
pub async fn admin_call(
    clone: &CloneInstance,
    secret: &str,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Value> {
    let id = &clone.record.id;
    let method = match method.to_ascii_uppercase().as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        other => {
            return Err(Error::internal(
                format!("admin call on clone {id}"),
                format!("{other} is not GET, POST, PUT, PATCH or DELETE"),
            ));
        }
    };
    let path = path.trim_start_matches('/');
    let call = format!("{method} {ADMIN_PATH}/{path}");
    let failed = |e: reqwest::Error| Error::internal(format!("{call} on clone {id}"), e);
    let mut request = HTTP
        .request(
            method,
            format!("{}{ADMIN_PATH}/{path}", origin(&clone.endpoints.api)),
        )
        .header(ADMIN_SECRET_HEADER, secret);
    if let Some(body) = body.filter(|body| !body.is_null()) {
        request = request.json(body);
    }
    let answer = request.send().await.map_err(failed)?;
    let status = answer.status();
    let text = answer.text().await.map_err(failed)?;
    if !status.is_success() {
        return Err(Error::AdminRefused {
            id: id.clone(),
            call,
            status: status.as_u16(),
            body: text,
        });
    }
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).map_err(|e| {
        Error::internal(
            format!("{call} on clone {id} answered something other than JSON: {text}"),
            e,
        )
    })
}

/// `http://127.0.0.1:<port>` of an API address (`http://127.0.0.1:<port>/api`): the service
/// whose root holds the admin surface.
fn origin(api: &str) -> &str {
    let host = api.find("://").map_or(0, |at| at + 3);
    api[host..]
        .find('/')
        .map_or(api, |slash| &api[..host + slash])
}

/// `route` with the query `pairs` that have a value (encoded), for an admin call.
pub(crate) fn with_query(route: &str, pairs: &[(&str, Option<String>)]) -> String {
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .filter_map(|(key, value)| Some((*key, value.as_deref()?)))
        .collect();
    match serde_urlencoded::to_string(&pairs).unwrap_or_default() {
        query if query.is_empty() => route.to_owned(),
        query => format!("{route}?{query}"),
    }
}

#[cfg(test)]
mod tests {
    use super::origin;

    #[test]
    fn the_admin_surface_is_at_the_api_services_root() {
        for (api, root) in [
            ("http://127.0.0.1:3000/api", "http://127.0.0.1:3000"),
            ("http://127.0.0.1:3000", "http://127.0.0.1:3000"),
            ("http://127.0.0.1:3000/", "http://127.0.0.1:3000"),
            ("http://localhost:8080/v1/graphql", "http://localhost:8080"),
        ] {
            assert_eq!(origin(api), root, "{api}");
        }
    }
}
