//! The Slack clone driven in-process through the full stack (kit router, admin guard,
//! dispatch), on the paths that answer before touching Postgres — so no database is needed.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

/// The full app, over a Postgres and Redis that refuse connections (port 1 on loopback).
fn app() -> Router {
    asym_kit::testing::offline_app("slack-test", |kit| {
        slack_backend::app(slack_backend::AppState::new(kit))
    })
}

async fn send(request: Request<Body>) -> (StatusCode, Value) {
    let reply = asym_kit::testing::oneshot(app(), request).await;
    (StatusCode::from_u16(reply.status).unwrap(), reply.body)
}

fn post_form(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("a valid request")
}

#[tokio::test]
async fn unknown_methods_are_named_with_http_200() {
    let (status, body) = send(post_form("/api/chat.postMessageX", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"ok": false, "error": "unknown_method", "req_method": "chat.postMessageX"})
    );
}

#[tokio::test]
async fn every_method_without_a_token_is_not_authed() {
    for method in [
        "auth.test",
        "conversations.list",
        "conversations.history",
        "chat.postMessage",
    ] {
        let (status, body) = send(post_form(&format!("/api/{method}"), "channel=C1&text=x")).await;
        assert_eq!(status, StatusCode::OK, "{method}");
        assert_eq!(
            body,
            json!({"ok": false, "error": "not_authed"}),
            "{method}"
        );
    }
}

#[tokio::test]
async fn a_token_inside_a_json_body_does_not_count() {
    let request = Request::post("/api/auth.test")
        .header("content-type", "application/json; charset=utf-8")
        .body(Body::from(r#"{"token":"xoxb-1-2-abc"}"#))
        .unwrap();
    let (_, body) = send(request).await;
    assert_eq!(body["error"], "not_authed");
}

#[tokio::test]
async fn malformed_json_bodies_are_named() {
    let request = Request::post("/api/chat.postMessage")
        .header("content-type", "application/json")
        .body(Body::from("{oops"))
        .unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["error"], "invalid_json");
}

#[tokio::test]
async fn a_database_outage_is_internal_error_not_a_500() {
    let request = Request::get("/api/auth.test?token=xoxb-1-2-abc")
        .body(Body::empty())
        .unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"ok": false, "error": "internal_error"}));
}

#[tokio::test]
async fn provisioning_needs_the_admin_secret() {
    let (status, body) = send(post_form("/api/admin/provision", "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "unauthorized");

    let request = Request::post("/api/admin/provision")
        .header("x-asym-admin-secret", "admin-secret")
        .body(Body::from("{}"))
        .unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "internal_error");
}

#[tokio::test]
async fn health_reports_what_is_down() {
    let request = Request::get("/api/health").body(Body::empty()).unwrap();
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["failed"], json!(["postgres", "redis"]));
}
