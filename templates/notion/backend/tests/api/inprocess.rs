//! The paths that answer before touching a database, in-process (no clone).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

async fn call(request: Request<Body>) -> (StatusCode, Value) {
    let app = asym_kit::testing::offline_app("notion-inprocess", notion_backend::app);
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn envelopes_before_the_database() {
    let cases = [
        (
            Request::get("/v1/users/me").body(Body::empty()).unwrap(),
            401,
            "unauthorized",
        ),
        (
            Request::get("/v1/users/me")
                .header("Authorization", "Bearer ntn_x")
                .body(Body::empty())
                .unwrap(),
            400,
            "missing_version",
        ),
        (
            Request::get("/v1/nowhere").body(Body::empty()).unwrap(),
            400,
            "invalid_request_url",
        ),
        (
            Request::delete("/v1/search").body(Body::empty()).unwrap(),
            400,
            "invalid_request_url",
        ),
    ];
    for (request, status, code) in cases {
        let (got, body) = call(request).await;
        assert_eq!(got.as_u16(), status, "{body}");
        assert_eq!(body["object"], "error");
        assert_eq!(body["code"], code, "{body}");
    }
}
