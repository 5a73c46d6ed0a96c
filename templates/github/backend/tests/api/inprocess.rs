//! The GitHub clone driven in-process through the full stack, on the paths that answer
//! before touching Postgres — so no database is needed.

use asym_kit::testing::{Reply, offline_app, oneshot};
use axum::body::Body;
use axum::http::Request;

async fn send(request: Request<Body>) -> Reply {
    oneshot(offline_app("github-test", github_backend::app), request).await
}

fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .body(Body::empty())
        .expect("a valid request")
}

#[tokio::test]
async fn answers_that_need_no_database() {
    let body = send(get("/user")).await.expect(401);
    assert_eq!(body["message"], "Requires authentication");
    assert_eq!(body["status"], "401");
    let body = send(get("/no/such/route")).await.expect(404);
    assert_eq!(body["message"], "Not Found");
    let body = send(get("/meta")).await.expect(200);
    assert!(body["hooks"].is_array());
    let request = Request::get("/user")
        .header("X-GitHub-Api-Version", "1999-01-01")
        .body(Body::empty())
        .expect("a valid request");
    let body = send(request).await.expect(400);
    assert_eq!(body["message"], "API version 1999-01-01 is not supported.");
    let request = Request::get("/user")
        .header("Authorization", "Negotiate xyz")
        .body(Body::empty())
        .expect("a valid request");
    send(request).await.expect(401);
}
