//! The paths that answer before touching a database, in-process (no clone).

use axum::body::Body;
use axum::http::Request;

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
        let app = asym_kit::testing::offline_app("notion-inprocess", notion_backend::app);
        let body = asym_kit::testing::oneshot(app, request)
            .await
            .expect(status);
        assert_eq!(body["object"], "error");
        assert_eq!(body["code"], code, "{body}");
    }
}
