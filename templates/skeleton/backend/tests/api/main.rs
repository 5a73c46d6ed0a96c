//! The skeleton clone's tests: its HTTP API on real clones leased from the harness, each reset
//! to its seed. A clone of your own API keeps this shape: one test per behaviour, errors
//! included.

#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use asym_kit::testing::{Api, pluck};
use serde_json::json;

fn api(clone: &asym::AnyClone) -> Api {
    Api::new(clone.api_url()).bearer(clone.token("token").unwrap())
}

#[asym::clone("skeleton", seed = "basic")]
async fn the_seed_is_listed_oldest_first_and_pages_by_cursor(clone: asym::AnyClone) {
    let api = api(&clone);
    let all = api.get("/v1/notes").await.expect(200);
    assert_eq!(pluck(&all["data"], "title"), ["Welcome", "Second"]);
    assert!(all["next_cursor"].is_null());
    let first = api.get("/v1/notes?limit=1").await.expect(200);
    assert_eq!(first["data"][0]["id"], "1");
    assert_eq!(first["data"][0]["created_at"], "2026-01-01T00:00:00Z");
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = api
        .get(&format!("/v1/notes?limit=1&cursor={cursor}"))
        .await
        .expect(200);
    assert_eq!(second["data"][0]["id"], "2");
    assert!(second["next_cursor"].is_null());
}

#[asym::clone("skeleton", seed = "basic")]
async fn notes_are_created_read_and_deleted(clone: asym::AnyClone) {
    let api = api(&clone);
    let created = api
        .post("/v1/notes", &json!({ "title": "Third", "body": "hi" }))
        .await
        .expect(201);
    assert_eq!(created["id"], "3");
    let path = "/v1/notes/3";
    assert_eq!(api.get(path).await.expect(200)["body"], "hi");
    assert_eq!(api.delete(path).await.status, 204);
    assert_eq!(
        api.get(path).await.expect(404)["error"]["code"],
        "not_found"
    );
    let rows = clone.query("SELECT count(*) FROM notes").await.unwrap();
    assert_eq!(rows[0].get::<_, i64>(0), 2);
}

#[asym::clone("skeleton", seed = "basic")]
async fn a_reset_brings_back_the_seed(clone: asym::AnyClone) {
    let api = api(&clone);
    api.delete("/v1/notes/1").await;
    api.post("/v1/notes", &json!({ "title": "Gone after the reset" }))
        .await
        .expect(201);
    clone.reset().await.unwrap();
    let all = api.get("/v1/notes").await.expect(200);
    assert_eq!(all["data"].as_array().unwrap().len(), 2);
    assert_eq!(all["data"][0]["title"], "Welcome");
}

#[asym::clone("skeleton", seed = "basic")]
async fn bad_requests_get_named_errors_and_change_nothing(clone: asym::AnyClone) {
    let anonymous = Api::new(clone.api_url());
    let refused = anonymous.get("/v1/notes").await.expect(401);
    assert_eq!(refused["error"]["code"], "unauthorized");
    let wrong = Api::new(clone.api_url()).bearer("skel_not-a-token");
    wrong.get("/v1/notes").await.expect(401);

    let api = api(&clone);
    for (body, code) in [
        (json!({}), "invalid_request"),
        (json!({ "title": "  " }), "invalid_request"),
        (json!({ "title": 1 }), "invalid_request"),
        (json!({ "title": "t", "body": [] }), "invalid_request"),
        (json!([1]), "invalid_request"),
        (json!({ "title": "a\u{0}b" }), "invalid_json"),
    ] {
        let reply = api.post("/v1/notes", &body).await.expect(400);
        assert_eq!(reply["error"]["code"], code, "{body}");
    }
    let raw = api
        .send_raw(
            axum::http::Method::POST,
            "/v1/notes",
            "application/json",
            b"{".to_vec(),
        )
        .await;
    assert_eq!(raw.status, 400);
    for query in [
        "limit=0",
        "limit=101",
        "limit=x",
        "cursor=%%%",
        "cursor=eA==",
    ] {
        api.get(&format!("/v1/notes?{query}")).await.expect(400);
    }
    api.get("/v1/notes/abc").await.expect(404);
    let rows = clone.query("SELECT count(*) FROM notes").await.unwrap();
    assert_eq!(rows[0].get::<_, i64>(0), 2);
}
