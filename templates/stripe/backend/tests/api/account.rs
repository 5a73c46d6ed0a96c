//! The account the keys belong to: what apps read to check their keys.

use serde_json::json;

use crate::common::{Api, assert_fields, data, expect_refusal, id};

#[asym::clone("stripe", seed = "basic")]
async fn the_account_is_retrieved_by_its_keys(stripe: asym::Stripe) {
    let api = Api::new(&stripe);
    let (status, account) = api.get("/v1/account", &[]).await;
    assert_eq!(status, 200, "{account}");
    assert_fields(
        &account,
        json!({"object": "account", "charges_enabled": true, "default_currency": "usd",
               "type": "standard"}),
    );
    let own = id(&account);
    assert!(own.starts_with("acct_") && own.len() == 21, "{own}");
    let (status, again) = api.get(&format!("/v1/accounts/{own}"), &[]).await;
    assert_eq!((status, &again), (200, &account));
    let other = api.get("/v1/accounts/acct_nope", &[]).await;
    let body = expect_refusal(other, ("code", (403, "account_invalid")));
    assert_eq!(body["error"]["type"], "invalid_request_error");
    let (status, connected) = api.get("/v1/accounts", &[]).await;
    assert_eq!((status, data(&connected).len()), (200, 0), "{connected}");
    let refused = api.get("/v1/account", &[("foo", "1")]).await;
    expect_refusal(refused, ("code", (400, "parameter_unknown")));
}
