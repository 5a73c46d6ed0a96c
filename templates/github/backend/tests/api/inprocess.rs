//! The GitHub clone driven in-process through the full stack, on the paths that answer
//! before touching Postgres — so no database is needed.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

async fn send(request: Request<Body>) -> (StatusCode, Value) {
    let app = asym_kit::testing::offline_app("github-test", github_backend::app);
    let response = app
        .oneshot(request)
        .await
        .expect("the router is infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("small bodies");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .body(Body::empty())
        .expect("a valid request")
}

#[tokio::test]
async fn answers_that_need_no_database() {
    let (status, body) = send(get("/user")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["message"], "Requires authentication");
    assert_eq!(body["status"], "401");
    let (status, body) = send(get("/no/such/route")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "Not Found");
    let (status, body) = send(get("/meta")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["hooks"].is_array());
    let request = Request::get("/user")
        .header("X-GitHub-Api-Version", "1999-01-01")
        .body(Body::empty())
        .expect("a valid request");
    let (status, body) = send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "API version 1999-01-01 is not supported.");
    let request = Request::get("/user")
        .header("Authorization", "Negotiate xyz")
        .body(Body::empty())
        .expect("a valid request");
    assert_eq!(send(request).await.0, StatusCode::UNAUTHORIZED);
}
