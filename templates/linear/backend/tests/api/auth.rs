//! `Authorization`: API keys without a scheme, OAuth tokens as `Bearer`, Linear's 401.

use asym_kit::testing::Api;
use serde_json::json;

use crate::{error, gql};

#[asym::clone("linear", seed = "basic")]
async fn api_keys_and_oauth_tokens(linear: asym::Linear) {
    let base = linear.endpoint("backend").unwrap();
    let query = "{ viewer { email } }";
    let key = Api::new(&base).with_header("Authorization", linear.api_key());
    let reply = gql(&key, query, json!({})).await;
    assert_eq!(
        reply.expect(200)["data"]["viewer"]["email"],
        "ada@acme.test"
    );
    let oauth = Api::new(&base).bearer(linear.oauth_token());
    let reply = gql(&oauth, query, json!({})).await;
    assert_eq!(
        reply.expect(200)["data"]["viewer"]["email"],
        "ben@acme.test"
    );

    let oauth_without_scheme = linear.oauth_token().to_owned();
    for (header, what) in [
        (None, "no header"),
        (Some("lin_api_nope".to_owned()), "unknown key"),
        (
            Some(format!("Bearer {}", linear.api_key())),
            "an API key sent as Bearer",
        ),
        (Some(oauth_without_scheme), "an OAuth token without Bearer"),
        (Some("Bearer ".to_owned()), "an empty bearer"),
    ] {
        let api = match header {
            Some(value) => Api::new(&base).with_header("Authorization", value),
            None => Api::new(&base),
        };
        let reply = gql(&api, query, json!({})).await;
        error(&reply, 401, "AUTHENTICATION_ERROR");
        // Linear's one 401 body, whole (as recorded from api.linear.app): no `data`, the same
        // message whatever was wrong with the credential.
        assert_eq!(
            reply.body,
            json!({"errors": [{
                "message": "Authentication required, not authenticated",
                "extensions": {
                    "type": "authentication error", "code": "AUTHENTICATION_ERROR",
                    "statusCode": 401, "userError": true,
                    "userPresentableMessage": "You need to authenticate to access this operation.",
                    "meta": {}, "http": {"status": 401},
                },
            }]}),
            "{what}"
        );
    }
}
