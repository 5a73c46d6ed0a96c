//! Rate limits: switched per clone through the admin surface, answered as Stripe's 429.

use serde_json::{Value, json};

use crate::common::{Api, admin_post, data};

/// `POST /api/admin/rate-limit` with `body`: the status and answer.
async fn set(stripe: &asym::Stripe, body: &Value) -> (u16, Value) {
    admin_post(stripe, "rate-limit", body).await
}

/// The statuses of three customer creates sent one after the other.
async fn three_creates(api: &Api) -> Vec<u16> {
    let mut statuses = Vec::new();
    for n in 0..3 {
        let email = format!("limit{n}@example.com");
        let (status, body) = api.post("/v1/customers", &[("email", &email)]).await;
        if status == 429 {
            assert_eq!(
                body,
                json!({"error": {
                    "code": "rate_limit",
                    "doc_url": "https://stripe.com/docs/error-codes/rate-limit",
                    "message": "Request rate limit exceeded. You can learn more about rate limits \
                                here https://stripe.com/docs/rate-limits.",
                    "type": "invalid_request_error",
                }})
            );
        }
        statuses.push(status);
    }
    statuses
}

#[asym::clone("stripe", seed = "basic")]
async fn a_rate_limit_answers_429_and_writes_nothing_until_it_is_switched_off(
    stripe: asym::Stripe,
) {
    let api = Api::new(&stripe);
    let (_, before) = api.get("/v1/customers", &[("limit", "100")]).await;
    let (status, state) = set(
        &stripe,
        &json!({"enabled": true, "writes": 1, "reads": 1000}),
    )
    .await;
    assert_eq!(
        (status, state),
        (200, json!({"enabled": true, "reads": 1000, "writes": 1}))
    );
    // One write a second: of three sent well within two seconds, at least one is refused.
    let statuses = three_creates(&api).await;
    let created = statuses.iter().filter(|s| **s == 200).count();
    assert!(
        statuses.iter().all(|s| [200, 429].contains(s)),
        "{statuses:?}"
    );
    assert!(created < 3, "{statuses:?}");
    // Reads have their own limit; a refused create stored nothing.
    let (status, after) = api.get("/v1/customers", &[("limit", "100")]).await;
    assert_eq!(status, 200);
    assert_eq!(data(&after).len(), data(&before).len() + created);

    assert_eq!(
        set(&stripe, &json!({"enabled": false})).await,
        (200, json!({"enabled": false}))
    );
    assert_eq!(three_creates(&api).await, [200, 200, 200]);
}

#[asym::clone("stripe", seed = "basic")]
async fn a_malformed_rate_limit_is_refused(stripe: asym::Stripe) {
    for body in [
        json!({}),
        json!({"enabled": "yes"}),
        json!({"enabled": true, "writes": 0}),
        json!({"enabled": true, "reads": 1.5}),
        json!({"enabled": true, "reads": 3_000_000_000_i64}),
    ] {
        let (status, answer) = set(&stripe, &body).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["type"], "invalid_request_error", "{body}");
    }
}
